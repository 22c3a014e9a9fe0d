"""sessions end on sign-out and password changes; API tokens expire and record their last use

users.session_epoch: web sessions carry the epoch they began in; raising it ends all of them.
api_tokens.expires_at (optional) and api_tokens.last_used_at.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:00:00
"""

from alembic import op
import sqlalchemy as sa

import engine.db


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default=sa.text('0'), nullable=False))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', engine.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', engine.db.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
