"""Initial schema: sellers, lives, events, moments, highlights, remixes, live_plans.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sellers',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sellers')),
    sa.UniqueConstraint('name', name=op.f('uq_sellers_name'))
    )
    op.create_table('live_plans',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('seller_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_live_plans_seller_id_sellers'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_plans'))
    )
    op.create_index(op.f('ix_live_plans_seller_id'), 'live_plans', ['seller_id'], unique=False)
    op.create_table('lives',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('seller_id', sa.String(length=64), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('duration_ms', sa.BigInteger(), nullable=True),
    sa.Column('recording', sa.Text(), nullable=True),
    sa.Column('events', sa.Text(), nullable=True),
    sa.Column('catalog', sa.Text(), nullable=True),
    sa.Column('n_events', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_lives_seller_id_sellers'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lives')),
    sa.UniqueConstraint('seller_id', 'key', name='uq_lives_seller_id_key')
    )
    op.create_index(op.f('ix_lives_seller_id'), 'lives', ['seller_id'], unique=False)
    op.create_table('events',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('live_id', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('ts_ms', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.Text(), nullable=False),
    sa.Column('event_id', sa.Text(), nullable=True),
    sa.Column('count', sa.BigInteger(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('user', sa.Text(), nullable=True),
    sa.Column('product_id', sa.Text(), nullable=True),
    sa.Column('quantity', sa.BigInteger(), nullable=True),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('currency', sa.Text(), nullable=True),
    sa.Column('gross_profit', sa.Float(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('raw', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['live_id'], ['lives.id'], name=op.f('fk_events_live_id_lives'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_events')),
    sa.UniqueConstraint('live_id', 'key', name='uq_events_live_id_key')
    )
    op.create_index(op.f('ix_events_live_id_ts_ms_seq'), 'events', ['live_id', 'ts_ms', 'seq'], unique=False)
    op.create_table('moments',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('live_id', sa.String(length=64), nullable=False),
    sa.Column('detector', sa.Text(), nullable=False),
    sa.Column('start_ms', sa.BigInteger(), nullable=False),
    sa.Column('end_ms', sa.BigInteger(), nullable=False),
    sa.Column('peak_ms', sa.BigInteger(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('product_id', sa.Text(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('confirmed_at_ms', sa.BigInteger(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['live_id'], ['lives.id'], name=op.f('fk_moments_live_id_lives'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moments'))
    )
    op.create_index(op.f('ix_moments_live_id'), 'moments', ['live_id'], unique=False)
    op.create_table('highlights',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('live_id', sa.String(length=64), nullable=False),
    sa.Column('moment_id', sa.String(length=64), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('start_ms', sa.BigInteger(), nullable=False),
    sa.Column('end_ms', sa.BigInteger(), nullable=False),
    sa.Column('product_id', sa.Text(), nullable=True),
    sa.Column('product_title', sa.Text(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('rank_score', sa.Float(), nullable=False),
    sa.Column('why', sa.JSON(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('transcript', sa.JSON(), nullable=True),
    sa.Column('compliance', sa.JSON(), nullable=True),
    sa.Column('tier', sa.Text(), nullable=True),
    sa.Column('postable', sa.Boolean(), nullable=False),
    sa.Column('blocked_by', sa.JSON(), nullable=False),
    sa.Column('clip', sa.Text(), nullable=True),
    sa.Column('thumbnail', sa.Text(), nullable=True),
    sa.Column('cut', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['live_id'], ['lives.id'], name=op.f('fk_highlights_live_id_lives'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moment_id'], ['moments.id'], name=op.f('fk_highlights_moment_id_moments'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_highlights')),
    sa.UniqueConstraint('moment_id', name=op.f('uq_highlights_moment_id'))
    )
    op.create_index(op.f('ix_highlights_live_id'), 'highlights', ['live_id'], unique=False)
    op.create_table('remixes',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('highlight_id', sa.String(length=64), nullable=False),
    sa.Column('style', sa.Text(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sidecar', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['highlight_id'], ['highlights.id'], name=op.f('fk_remixes_highlight_id_highlights'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remixes'))
    )
    op.create_index(op.f('ix_remixes_highlight_id'), 'remixes', ['highlight_id'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_remixes_highlight_id'), table_name='remixes')
    op.drop_table('remixes')
    op.drop_index(op.f('ix_highlights_live_id'), table_name='highlights')
    op.drop_table('highlights')
    op.drop_index(op.f('ix_moments_live_id'), table_name='moments')
    op.drop_table('moments')
    op.drop_index(op.f('ix_events_live_id_ts_ms_seq'), table_name='events')
    op.drop_table('events')
    op.drop_index(op.f('ix_lives_seller_id'), table_name='lives')
    op.drop_table('lives')
    op.drop_index(op.f('ix_live_plans_seller_id'), table_name='live_plans')
    op.drop_table('live_plans')
    op.drop_table('sellers')
