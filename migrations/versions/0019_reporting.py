"""reporting indexes and figures (issue 16)

Management reports (engine/reports) count deadlines, flow and workload with indexed queries, never
by loading workflows. The case row keeps its referral's source (a key of the start form's list) and
moment (engine/cases/referral.py); cases opened before this migration get `referred_at` = their
opening and no source (reported as unknown).

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_tasks_due_at_report', 'tasks', ['due_at', 'due_rule', 'state', 'ended_at', 'process_version_id',
                                         'candidate_group']),
    ('ix_tasks_bpmn_id_state', 'tasks', ['bpmn_id', 'state', 'case_id', 'ended_at']),
    ('ix_tasks_candidate_group_case_id', 'tasks', ['candidate_group', 'case_id']),
    ('ix_tasks_state_version_bpmn_id', 'tasks', ['state', 'process_version_id', 'bpmn_id', 'created_at']),
    ('ix_cases_opened_at_source', 'cases', ['opened_at', 'referral_source', 'process_version_id']),
    ('ix_case_events_kind_case_id_at', 'case_events', ['kind', 'case_id', 'at']),
    ('ix_cases_id_opened_at_referred_at', 'cases', ['id', 'opened_at', 'referred_at', 'process_version_id']),
]


def upgrade() -> None:
    op.add_column('cases', sa.Column('referral_source', sa.String(length=32), nullable=True))
    op.add_column('cases', sa.Column('referred_at', engine.db.UtcDateTime(timezone=True), nullable=True))
    op.execute("UPDATE cases SET referred_at = opened_at")
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('referred_at')
        batch_op.drop_column('referral_source')
