"""text language

Revision ID: 0007
Revises: 0006

Captions and comments record the language detected when they were written (an ISO 639-1 code, `zxx`
for text without words such as emoji only) and the detector's confidence; NULL means not detected yet
(every existing row until `python -m intel sentiment rescore`). The engine version grows to 64
characters because it now names the multilingual model as well as the English engine.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ('social_posts', 'comments')

# Plain ALTER TABLE (see 0006): a batch rebuild of `comments` on SQLite would drop its comment-day triggers.
# SQLite does not enforce VARCHAR lengths, so the engine column is widened on PostgreSQL only.


def upgrade() -> None:
    """Upgrade schema."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        op.add_column(table, sa.Column('language', sa.String(length=8), nullable=True))
        op.add_column(table, sa.Column('language_confidence', sa.Float(), nullable=True))
        if postgres:
            op.alter_column(table, 'sentiment_engine', type_=sa.String(length=64),
                            existing_type=sa.String(length=40), existing_nullable=True)


def downgrade() -> None:
    """Downgrade schema."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        if postgres:
            op.execute(sa.text(f"UPDATE {table} SET sentiment_engine = left(sentiment_engine, 40)"))
            op.alter_column(table, 'sentiment_engine', type_=sa.String(length=40),
                            existing_type=sa.String(length=64), existing_nullable=True)
        op.drop_column(table, 'language_confidence')
        op.drop_column(table, 'language')
