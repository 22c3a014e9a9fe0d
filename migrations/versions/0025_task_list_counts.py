"""hot path: task-list indexes (issue 19)

The candidate list's count (READY, nobody holds it, one of the user's groups) had no index with
all three columns: ix_tasks_state_assignee_id_due_at found the unclaimed tasks and read every row
for its group. Its replacement holds the holder, the group and then the list's order, so the
counts of "mine" and "candidate" are read from the index alone and a group's candidate page is cut
on the index in list order, walking only that group's entries. A replacement, not an addition: a
completion or claim writes as many task indexes as before. Its users keep their prefix (state,
assignee_id): the access rule's held and waiting tasks, the workload report (due_at still in it).

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

OLD = ('ix_tasks_state_assignee_id_due_at', ['state', 'assignee_id', 'due_at'])
NEW = ('ix_tasks_ready_holder_group',
       ['state', 'assignee_id', 'candidate_group', sa.text('(due_at IS NULL)'), 'due_at', 'created_at', 'id'])


def upgrade() -> None:
    op.drop_index(OLD[0], table_name='tasks')
    op.create_index(NEW[0], 'tasks', NEW[1], unique=False)


def downgrade() -> None:
    op.drop_index(NEW[0], table_name='tasks')
    op.create_index(OLD[0], 'tasks', OLD[1], unique=False)
