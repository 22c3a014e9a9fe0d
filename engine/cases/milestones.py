"""The four moments the flow report measures from a case's referral (engine.reports.flow), kept on the
case row when they happen, so the report reads one range of `cases` instead of joining first events.

Assignment is the first `owner_set` event (engine.cases.owner); the first conversation and the first
measure are the first completion of one of their tasks (by BPMN element id, as the shipped diagrams
name them; docs/diagrams.md); the security consultant's involvement is the case's own record of it
(engine.cases.consultant) or the first completed task whose element id names the consultant,
whichever came first. Migration 0022 fills them for cases from before.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session

from engine.cases.models import Case

CASES = Case.__table__
ASSIGNED, CONVERSATION = "assigned_at", "first_conversation_at"
CONSULTANT, MEASURE = "consultant_at", "first_measure_at"
COLUMNS = {"assignment": ASSIGNED, "first_conversation": CONVERSATION, "consultant": CONSULTANT,
           "first_measure": MEASURE}  # the flow report's name of each milestone
CONVERSATION_TASKS = ("Task_boernesamtale", "Task_samtale")
MEASURE_TASKS = ("Task_akut", "Task_anbringelse", "Task_krisecenter", "Task_sikkerhedsplan",
                 "Task_opfoelgning_foranstaltning_boern", "Task_opfoelgning_foranstaltning_voksen")
# "Inddrag sikkerhedskonsulenten" (Task_sikkerhedskonsulent), "Del oplysninger med sikkerhedskonsulenten"
# (risikovurdering); a team lead's own element ids keep the word.
CONSULTANT_WORD = "sikkerhedskonsulent"


def _reach(column: str):  # noqa: ANN202 - a Core statement
    target = CASES.c[column]
    return (update(CASES).where(CASES.c.id == bindparam("case"), or_(target.is_(None), target > bindparam("at")))
            .values({column: bindparam("at")}))


_REACH = {column: _reach(column) for column in COLUMNS.values()}


def task_milestone(bpmn_id: str) -> str | None:
    """The column a completion of this element reaches, if any."""
    if bpmn_id in CONVERSATION_TASKS:
        return CONVERSATION
    if bpmn_id in MEASURE_TASKS:
        return MEASURE
    return CONSULTANT if CONSULTANT_WORD in bpmn_id.lower() else None


def reach(session: Session, case_id: UUID, column: str, at: datetime) -> None:
    """Record in the caller's transaction that the case reached a milestone at `at` (one statement; the
    earliest moment is kept)."""
    session.connection().execute(_REACH[column], {"case": case_id, "at": at})
