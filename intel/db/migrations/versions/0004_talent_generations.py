"""talent data generations

Revision ID: 0004
Revises: 0003


"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('talent_generations',
    sa.Column('talent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('undelivered', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('talent_id')
    )
    with op.batch_alter_table('talent_generations', schema=None) as batch_op:
        batch_op.create_index('ix_talent_generations_undelivered', ['undelivered'], unique=False)

    with op.batch_alter_table('talent_summaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_generation', sa.BigInteger(), server_default='0', nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('talent_summaries', schema=None) as batch_op:
        batch_op.drop_column('data_generation')

    with op.batch_alter_table('talent_generations', schema=None) as batch_op:
        batch_op.drop_index('ix_talent_generations_undelivered')

    op.drop_table('talent_generations')
