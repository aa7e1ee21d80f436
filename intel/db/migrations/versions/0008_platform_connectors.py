"""platform connectors

Revision ID: 0008
Revises: 0007

New tables only: the connectors' credentials per profile (tokens as Fernet ciphertext), sync progress,
per-post comment sync markers, quota use per platform and quota day, verified webhook deliveries, and
pending OAuth authorisations (state stored as its SHA-256).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import intel.db.models


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('quota_usage',
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('quota_day', sa.Date(), nullable=False),
    sa.Column('units', sa.BigInteger(), nullable=False),
    sa.Column('calls', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'quota_day')
    )
    op.create_table('oauth_states',
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('talent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('session_hash', sa.String(length=64), nullable=False),
    sa.Column('code_verifier', sa.Text(), nullable=True),
    sa.Column('created_at', intel.db.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', intel.db.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('state_hash')
    )
    op.create_table('platform_connections',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('profile_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=True),
    sa.Column('refresh_token', sa.Text(), nullable=True),
    sa.Column('token_expires_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refresh_expires_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('scopes', sa.String(length=500), nullable=False),
    sa.Column('connected_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('connected_at', intel.db.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', intel.db.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['connected_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['profile_id'], ['social_profiles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('profile_id')
    )
    with op.batch_alter_table('platform_connections', schema=None) as batch_op:
        batch_op.create_index('ix_connections_status', ['status'], unique=False)

    op.create_table('sync_states',
    sa.Column('profile_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('posts_cursor', sa.String(length=500), nullable=True),
    sa.Column('next_sync_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('counts_synced_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('posts_synced_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_started_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', intel.db.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.String(length=20), nullable=True),
    sa.Column('last_message', sa.Text(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['social_profiles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id')
    )
    with op.batch_alter_table('sync_states', schema=None) as batch_op:
        batch_op.create_index('ix_sync_states_next', ['next_sync_at'], unique=False)

    op.create_table('webhook_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('profile_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('received_at', intel.db.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['social_profiles.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'digest', name='uq_webhook_source_digest')
    )
    op.create_table('synced_posts',
    sa.Column('post_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('comment_count', sa.BigInteger(), nullable=False),
    sa.Column('synced_at', intel.db.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['social_posts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('synced_posts')
    op.drop_table('webhook_events')
    with op.batch_alter_table('sync_states', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_states_next')

    op.drop_table('sync_states')
    with op.batch_alter_table('platform_connections', schema=None) as batch_op:
        batch_op.drop_index('ix_connections_status')

    op.drop_table('platform_connections')
    op.drop_table('oauth_states')
    op.drop_table('quota_usage')
