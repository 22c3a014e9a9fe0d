"""index READY tasks by deadline (the worker's reminder sweep)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:20:00
"""

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_state_due_at', ['state', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_state_due_at')
