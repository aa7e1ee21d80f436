"""campaign share links

Revision ID: 0011
Revises: 0010

A share link opens one talent's report or one campaign's: share_links.campaign_id (FK campaigns, cascade),
talent_id becomes nullable, and a check keeps exactly one of the two set. Existing links are talent links.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', ID, nullable=True))
        batch_op.alter_column('talent_id', existing_type=ID, nullable=True)
        batch_op.create_foreign_key('fk_share_links_campaign', 'campaigns', ['campaign_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_index('ix_share_links_campaign', ['campaign_id'], unique=False)
        batch_op.create_check_constraint('ck_share_link_scope', '(talent_id IS NULL) <> (campaign_id IS NULL)')


def downgrade() -> None:
    """Downgrade schema: campaign links go (a talent link needs its talent)."""
    op.execute("DELETE FROM share_links WHERE campaign_id IS NOT NULL")
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.drop_constraint('ck_share_link_scope', type_='check')
        batch_op.drop_index('ix_share_links_campaign')
        batch_op.drop_constraint('fk_share_links_campaign', type_='foreignkey')
        batch_op.drop_column('campaign_id')
        batch_op.alter_column('talent_id', existing_type=ID, nullable=False)
