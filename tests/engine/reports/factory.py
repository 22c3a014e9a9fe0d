"""Cases, tasks and events with known timings, written as rows (as the engine would have left them)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from engine.cases.consultant import EVENT as CONSULTANT_EVENT
from engine.cases.milestones import ASSIGNED, CONSULTANT, reach, task_milestone
from engine.cases.models import Case, CaseEvent
from engine.cases.owner import OWNER_SET
from engine.process_models.models import ProcessVersion
from engine.tasks.models import COMPLETED, READY, Task

# The diagram names its consultant task (the word, as engine.cases.milestones finds it).
XML = b'<bpmn:process id="p"><bpmn:userTask id="Task_risiko_del_sikkerhedskonsulent_boern" name="x"/></bpmn:process>'

EVENT_MILESTONES = {OWNER_SET: ASSIGNED, CONSULTANT_EVENT: CONSULTANT}


def at(text: str) -> datetime:
    """An aware instant from ISO 8601 with an offset."""
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    return moment


class Rows:
    """Writes report rows for one process key."""

    def __init__(self, session: Session, key: str = "rapport_test") -> None:
        self.session = session
        self.version = ProcessVersion(key=key, version=1, name=key, sha256="0" * 64, bpmn_xml=XML)
        session.add(self.version)
        session.flush()
        self._number = 0

    def case(self, opened: str, *, source: str | None = "school", referred: str | None = None, owner=None,
             closed: str | None = None, reason: str | None = None) -> uuid.UUID:
        self._number += 1
        case = Case(reference=f"2099-{uuid.uuid4().int % 10**6:06d}", process_version_id=self.version.id,
                    status="closed" if closed else "open", opened_at=at(opened), updated_at=at(opened),
                    closed_at=at(closed) if closed else None, closing_reason=reason, referral_source=source,
                    referred_at=at(referred or opened), owner_id=owner.id if owner else None)
        self.session.add(case)
        self.session.flush()
        return case.id

    def task(self, case_id: uuid.UUID, bpmn_id: str, created: str, *, due: str | None = None,
             rule: str | None = None, done: str | None = None, group: str | None = "raadgiver-boern",
             assignee=None, lane: str | None = None, state: str | None = None) -> uuid.UUID:
        task = Task(id=uuid.uuid4(), case_id=case_id, process_version_id=self.version.id, bpmn_id=bpmn_id,
                    name=bpmn_id, lane=lane, candidate_group=group, assignee_id=assignee.id if assignee else None,
                    created_at=at(created), due_at=at(due) if due else None, due_rule=rule,
                    state=state or (COMPLETED if done else READY), ended_at=at(done) if done else None)
        self.session.add(task)
        self.session.flush()
        if task.state == COMPLETED and done and (milestone := task_milestone(bpmn_id)):
            reach(self.session, case_id, milestone, at(done))  # as the engine's completion writes it
        return task.id

    def owner_set(self, case_id: uuid.UUID, when: str) -> None:
        self.event(case_id, OWNER_SET, when)

    def event(self, case_id: uuid.UUID, kind: str, when: str) -> None:
        self.session.add(CaseEvent(case_id=case_id, at=at(when), kind=kind, summary=kind))
        self.session.flush()
        if kind in EVENT_MILESTONES:  # as the engine writes it with the event
            reach(self.session, case_id, EVENT_MILESTONES[kind], at(when))
