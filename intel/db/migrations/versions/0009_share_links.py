"""share links

Revision ID: 0009
Revises: 0008

New table only: expiring, revocable links to a frozen copy of one talent's report (token stored as its
SHA-256, the report as the HTML rendered at creation).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import intel.db.models


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('share_links',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('talent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', intel.db.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', intel.db.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=254), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('paper', sa.String(length=10), nullable=False),
    sa.Column('has_note', sa.Boolean(), nullable=False),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.Column('last_viewed_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('html', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.create_index('ix_share_links_talent', ['talent_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.drop_index('ix_share_links_talent')

    op.drop_table('share_links')
