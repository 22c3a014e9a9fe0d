"""hardening (issue 15): the flow report's milestones on the case row (issue 16)

The flow report measures from a case's referral to its assignment, first conversation, security
consultant and first measure. They are kept on the case row when they happen
(engine/cases/milestones.py); cases from before get them here, derived as the report derived them:
the first `owner_set` event, the first completion of the conversation and measure tasks, and the
first of the `security_consultant_involved` event and the completed consultant tasks (element ids
naming "sikkerhedskonsulent").

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

COLUMNS = ('assigned_at', 'first_conversation_at', 'consultant_at', 'first_measure_at')
CONVERSATION = "('Task_boernesamtale', 'Task_samtale')"
MEASURE = ("('Task_akut', 'Task_anbringelse', 'Task_krisecenter', 'Task_sikkerhedsplan', "
           "'Task_opfoelgning_foranstaltning_boern', 'Task_opfoelgning_foranstaltning_voksen')")
FIRST_EVENT = "SELECT min(e.at) AS at FROM case_events e WHERE e.case_id = cases.id AND e.kind = '{kind}'"
FIRST_TASK = ("SELECT min(t.ended_at) AS at FROM tasks t WHERE t.case_id = cases.id AND t.state = 'COMPLETED' "
              "AND {where}")
CONSULTANT_TASK = "lower(t.bpmn_id) LIKE '%sikkerhedskonsulent%'"
BACKFILL = {
    'assigned_at': FIRST_EVENT.format(kind='owner_set'),
    'first_conversation_at': FIRST_TASK.format(where=f"t.bpmn_id IN {CONVERSATION}"),
    'consultant_at': ("SELECT min(x.at) FROM ("  # noqa: S608 - constants only
                      + FIRST_EVENT.format(kind='security_consultant_involved')
                      + " UNION ALL " + FIRST_TASK.format(where=CONSULTANT_TASK) + ") x"),
    'first_measure_at': FIRST_TASK.format(where=f"t.bpmn_id IN {MEASURE}"),
}


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column('cases', sa.Column(name, engine.db.UtcDateTime(timezone=True), nullable=True))
    for name in COLUMNS:
        op.execute(f"UPDATE cases SET {name} = ({BACKFILL[name]})")  # noqa: S608 - constants only


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
