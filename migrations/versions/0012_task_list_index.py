"""index READY tasks in task-list order: due date (none last), creation, id

The task list orders by (due_at IS NULL), due_at, created_at, id. Without an index in that order
every READY row was joined and sorted before the page was cut; with it a page is read in order.
The holder and the candidate group come last, so the lists' filters (mine, candidate) and their
counts are read from the index alone.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_tasks_ready_order', 'tasks',
                    ['state', sa.text('(due_at IS NULL)'), 'due_at', 'created_at', 'id', 'assignee_id',
                     'candidate_group'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_ready_order', table_name='tasks')
