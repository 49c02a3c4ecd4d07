"""Publishing: posts (the outbox), post_caps, publish_consents, publish_accounts, rate_buckets, inbound_events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbound_events',
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('remote_id', sa.Text(), nullable=True),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('n_seen', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'event_id', name=op.f('pk_inbound_events'))
    )
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_events_remote_id'), ['remote_id'], unique=False)

    op.create_table('publish_accounts',
    sa.Column('destination', sa.String(length=32), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=True),
    sa.Column('refresh_token', sa.Text(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_reason', sa.Text(), nullable=True),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('destination', 'account', name=op.f('pk_publish_accounts'))
    )
    op.create_table('rate_buckets',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('tokens', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_buckets'))
    )
    op.create_table('publish_consents',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('seller_id', sa.String(length=64), nullable=False),
    sa.Column('destination', sa.String(length=32), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'],
                            name=op.f('fk_publish_consents_seller_id_sellers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publish_consents'))
    )
    with op.batch_alter_table('publish_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publish_consents_seller_id'), ['seller_id'], unique=False)

    op.create_table('post_caps',
    sa.Column('live_id', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['live_id'], ['lives.id'],
                            name=op.f('fk_post_caps_live_id_lives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('live_id', 'scope', name=op.f('pk_post_caps'))
    )
    op.create_table('posts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('idem_key', sa.String(length=64), nullable=False),
    sa.Column('seller_id', sa.String(length=64), nullable=False),
    sa.Column('live_id', sa.String(length=64), nullable=False),
    sa.Column('highlight_id', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.Text(), nullable=True),
    sa.Column('destination', sa.String(length=32), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('rendition', sa.String(length=64), nullable=False),
    sa.Column('media', sa.Text(), nullable=False),
    sa.Column('caption', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('auto', sa.Boolean(), nullable=False),
    sa.Column('forced', sa.Boolean(), nullable=False),
    sa.Column('consent_id', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_owner', sa.Text(), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remote_id', sa.Text(), nullable=True),
    sa.Column('remote_url', sa.Text(), nullable=True),
    sa.Column('progress', sa.JSON(), nullable=False),
    sa.Column('error_code', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['live_id'], ['lives.id'],
                            name=op.f('fk_posts_live_id_lives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'],
                            name=op.f('fk_posts_seller_id_sellers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
    sa.UniqueConstraint('idem_key', name=op.f('uq_posts_idem_key'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_highlight_id'), ['highlight_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_live_id'), ['live_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_seller_id'), ['seller_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_state'), ['state'], unique=False)
        batch_op.create_index('ix_posts_state_not_before', ['state', 'not_before'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_state_not_before')
        batch_op.drop_index(batch_op.f('ix_posts_state'))
        batch_op.drop_index(batch_op.f('ix_posts_seller_id'))
        batch_op.drop_index(batch_op.f('ix_posts_live_id'))
        batch_op.drop_index(batch_op.f('ix_posts_highlight_id'))

    op.drop_table('posts')
    op.drop_table('post_caps')
    with op.batch_alter_table('publish_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publish_consents_seller_id'))

    op.drop_table('publish_consents')
    op.drop_table('rate_buckets')
    op.drop_table('publish_accounts')
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_events_remote_id'))

    op.drop_table('inbound_events')
