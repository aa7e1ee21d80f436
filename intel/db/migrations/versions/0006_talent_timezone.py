"""talent time zone

Revision ID: 0006
Revises: 0005

Each talent may have its own IANA time zone for the best-time-to-post table; NULL (every existing
talent) means the INTEL_TIMEZONE setting.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# Plain ALTER TABLE, not batch mode: on SQLite a batch rebuild drops and recreates `talents`, and with
# foreign keys on, that drop cascades to every profile, post and comment. SQLite >= 3.35 drops a column
# in place.


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('talents', sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('talents', 'timezone')
