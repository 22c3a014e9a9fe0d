"""login attempts (sign-in rate limits shared by all web processes)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:00:00
"""

from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_key', sa.String(length=64), nullable=False),
    sa.Column('ip_key', sa.String(length=64), nullable=False),
    sa.Column('at', engine.db.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_user_key_at', ['user_key', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_ip_key_at', ['ip_key', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_ip_key_at')
        batch_op.drop_index('ix_login_attempts_user_key_at')

    op.drop_table('login_attempts')
