"""case access log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 21:49:32.994778
"""

from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_access_log',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_access_log_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_access_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_access_log'))
    )
    with op.batch_alter_table('case_access_log', schema=None) as batch_op:
        batch_op.create_index('ix_case_access_log_case_id_at', ['case_id', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_case_access_log_case_id_at')

    op.drop_table('case_access_log')
