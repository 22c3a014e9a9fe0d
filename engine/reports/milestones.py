"""When a case reached the milestones the flow report measures from its referral.

Each milestone is the first completion of one of its tasks (by BPMN element id, as the shipped
diagrams name them; docs/diagrams.md), except assignment, the first `owner_set` event: each a
grouped read of a covering index, joined to the cases of the period by the flow report. The security
consultant's involvement is one function, `consultant_involvement`: the case's own record of it
(engine.cases.consultant), with the consultant tasks for cases that have none.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import Session

from engine.cases.consultant import EVENT as CONSULTANT_EVENT
from engine.cases.models import CaseEvent
from engine.cases.owner import OWNER_SET
from engine.process_models.models import ProcessVersion
from engine.reports.scope import TASKS
from engine.tasks.models import COMPLETED

EVENTS = CaseEvent.__table__
CONVERSATION_TASKS = ("Task_boernesamtale", "Task_samtale")
MEASURE_TASKS = ("Task_akut", "Task_anbringelse", "Task_krisecenter", "Task_sikkerhedsplan",
                 "Task_opfoelgning_foranstaltning_boern", "Task_opfoelgning_foranstaltning_voksen")
# The shipped consultant tasks are "Inddrag sikkerhedskonsulenten" (Task_sikkerhedskonsulent) and "Del
# oplysninger med sikkerhedskonsulenten" (risikovurdering); a team lead's own element ids keep the word.
CONSULTANT_ID = re.compile(rb'<(?:\w+:)?userTask[^>]*\sid="([^"]*sikkerhedskonsulent[^"]*)"', re.IGNORECASE)
_consultant_ids: dict[frozenset, tuple[str, ...]] = {}


def _first_completion(element_ids: tuple[str, ...]) -> Select:
    return (select(TASKS.c.case_id, func.min(TASKS.c.ended_at).label("at"))
            .where(TASKS.c.bpmn_id.in_(element_ids), TASKS.c.state == COMPLETED).group_by(TASKS.c.case_id))


def assignment(_session: Session) -> Select:
    """(case_id, at): when each case got its first owner."""
    return (select(EVENTS.c.case_id, func.min(EVENTS.c.at).label("at")).where(EVENTS.c.kind == OWNER_SET)
            .group_by(EVENTS.c.case_id))


def first_conversation(_session: Session) -> Select:
    """(case_id, at): when the first conversation with the child or citizen was recorded."""
    return _first_completion(CONVERSATION_TASKS)


def consultant_ids(session: Session) -> tuple[str, ...]:
    """The user tasks of every deployed diagram whose element id names the security consultant."""
    versions = frozenset(session.scalars(select(ProcessVersion.id)))
    if versions not in _consultant_ids:
        found = {match.decode() for xml in session.scalars(select(ProcessVersion.bpmn_xml))
                 for match in CONSULTANT_ID.findall(xml or b"")}
        _consultant_ids.clear()
        _consultant_ids[versions] = tuple(sorted(found)) or ("-",)
    return _consultant_ids[versions]


def consultant_involvement(session: Session) -> Select:
    """(case_id, at): when a security consultant was first involved: the case's own record of it (the
    `security_consultant_involved` event, written at the first disclosure to a consultant), or, for
    cases from before that record and consultants reached without a disclosure, the first completed
    consultant task (by element id), whichever came first."""
    recorded = select(EVENTS.c.case_id, EVENTS.c.at).where(EVENTS.c.kind == CONSULTANT_EVENT)
    tasks = select(TASKS.c.case_id, TASKS.c.ended_at.label("at")).where(
        TASKS.c.bpmn_id.in_(consultant_ids(session)), TASKS.c.state == COMPLETED)
    either = union_all(recorded, tasks).subquery()
    return select(either.c.case_id, func.min(either.c.at).label("at")).group_by(either.c.case_id)


def first_measure(_session: Session) -> Select:
    """(case_id, at): when the first measure (acute action, placement, shelter, safety plan, a registered measure)
    was recorded."""
    return _first_completion(MEASURE_TASKS)


MILESTONES: dict[str, Callable[[Session], Select]] = {
    "assignment": assignment, "first_conversation": first_conversation, "consultant": consultant_involvement,
    "first_measure": first_measure}
