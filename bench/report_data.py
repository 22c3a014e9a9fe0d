"""Cases with realistic timings for the reports (bench/reports.py and the report page's browser test),
bulk-inserted with SQLAlchemy Core as the engine would have left them: tasks with their due dates
and rules (counted on the Danish calendar), completions, owners set (events), closings.

Per case: the children's path (70 %) with the 24-hour assessment, the receipt within 6 working days,
distribution, the child conversation, for some the security consultant, the 4-month investigation
and acute measures; or the adults' path (30 %) with the conversation and for some a shelter stay
(3 working days). Whatever would lie after `now` is still waiting.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from engine.cases.milestones import ASSIGNED, COLUMNS, task_milestone
from engine.cases.models import Case, CaseEvent
from engine.deadlines.calendar import DanishCalendar
from engine.tasks.models import COMPLETED, READY, Task

CHILD_SOURCES = ("school", "school", "school", "day_care", "police", "police", "health", "other_department",
                 "citizen", "child", "parent")
ADULT_SOURCES = ("citizen", "job_centre", "job_centre", "other_municipality", "shelter", "ssp", "education")
REASONS = ("no_concern", "no_concern", "citizen_withdrew", "measures_ended", "measures_ended", "duplicate", "moved",
           "other_authority")
CHUNK = 5_000
CAL = DanishCalendar()


class Filler:
    """Rows of one batch; `case` adds one case with its tasks and events."""

    def __init__(self, versions: dict[str, uuid.UUID], owners: list[uuid.UUID], now: datetime, rng: random.Random,
                 reasons: tuple[str, ...] = REASONS) -> None:
        self.versions, self.owners, self.now, self.rng, self.reasons = versions, owners, now, rng, reasons
        self.cases: list[dict[str, Any]] = []
        self.tasks: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def _task(self, case: dict[str, Any], bpmn_id: str, group: str, created: datetime, took: timedelta | None,
              due: datetime | None = None, rule: str | None = None, holder: uuid.UUID | None = None) -> datetime | None:
        """A task created at `created`, done `took` later unless that is after now (None: never done)."""
        if created > self.now:
            return None
        done = created + took if took is not None else None
        finished = done is not None and done <= self.now
        self.tasks.append({
            "id": uuid.uuid4(), "case_id": case["id"], "process_version_id": case["process_version_id"],
            "bpmn_id": bpmn_id, "name": bpmn_id.removeprefix("Task_").replace("_", " ").capitalize(), "lane": None,
            "candidate_group": group, "assignee_id": holder, "created_at": created, "due_at": due, "due_rule": rule,
            "form_key": None, "state": COMPLETED if finished else READY, "ended_at": done if finished else None,
            "ended_by_id": None})
        if finished and (milestone := task_milestone(bpmn_id)):
            self._reach(case, milestone, done)
        return done if finished else None

    @staticmethod
    def _reach(case: dict[str, Any], column: str, at: datetime) -> None:
        """The milestone on the case row, the earliest kept, as engine.cases.milestones writes it."""
        if case[column] is None or case[column] > at:
            case[column] = at

    def _hours(self, median: float, spread: float = 0.8) -> timedelta:
        return timedelta(hours=median * self.rng.lognormvariate(0, spread))

    def case(self, number: int, opened: datetime) -> None:
        rng = self.rng
        child = rng.random() < 0.7
        referred = opened - timedelta(hours=rng.random() * 6)
        case = {"id": uuid.uuid4(), "reference": f"B{opened.year}-{number:07d}",
                "process_version_id": self.versions["underretning_boern" if child else "henvendelse_voksen"],
                "status": "open", "opened_at": opened, "updated_at": opened, "closed_at": None, "opened_by_id": None,
                "owner_id": None, "lock_version": 1, "closing_reason": None, "receiving_municipality": None,
                "referral_source": rng.choice(CHILD_SOURCES if child
                                                                                    else ADULT_SOURCES),
                "referred_at": referred, **dict.fromkeys(COLUMNS.values())}
        self.cases.append(case)
        first = len(self.tasks)
        last = self._child(case, opened, referred) if child else self._adult(case, opened, referred)
        if last is not None and rng.random() < 0.75:
            closed = last + timedelta(days=rng.uniform(1, 30))
            if closed <= self.now:
                reason = rng.choice(self.reasons)
                case.update(status="closed", closed_at=closed, closing_reason=reason,
                            receiving_municipality="Aarhus" if reason == "moved" else None)
                for task in self.tasks[first:]:
                    if task["state"] == READY:
                        task.update(state="CANCELLED", ended_at=closed)

    def _assign(self, case: dict[str, Any], opened: datetime) -> tuple[datetime | None, uuid.UUID]:
        owner = self.rng.choice(self.owners)
        assigned = self._task(case, "Task_fordel_sag", "teamleder", opened, self._hours(30))
        if assigned is not None:
            case["owner_id"] = owner
            self._reach(case, ASSIGNED, assigned)
            self.events.append({"case_id": case["id"], "at": assigned, "kind": "owner_set", "actor": "bench",
                                "actor_id": None, "task_id": None, "summary": "Sagen har fået ny sagsbehandler",
                                "details": {}})
        return assigned, owner

    def _child(self, case: dict[str, Any], opened: datetime, referred: datetime) -> datetime | None:
        rng = self.rng
        self._task(case, "Task_vurdering_24t", "modtagerteam", opened, self._hours(8, 0.9),
                   referred + timedelta(hours=24), "assessment_24h")
        self._task(case, "Task_kvittering", "modtagerteam", opened, self._hours(60, 0.7),
                   CAL.add_working_days(referred, 6), "receipt_6_workdays")
        if rng.random() < 0.1:
            self._task(case, "Task_akut", "raadgiver-boern", opened, self._hours(20))
        assigned, owner = self._assign(case, opened)
        if assigned is None:
            return None
        talk = self._task(case, "Task_boernesamtale", "raadgiver-boern", assigned, self._hours(150), holder=owner)
        if talk is None:
            return None
        if rng.random() < 0.3:
            self._task(case, "Task_sikkerhedskonsulent", "raadgiver-boern", talk, self._hours(200), holder=owner)
        if rng.random() < 0.6:
            return self._task(case, "Task_undersoegelse", "raadgiver-boern", talk, timedelta(days=rng.uniform(30, 140)),
                              CAL.add_months(referred, 4), "child_investigation_4_months", owner)
        return talk

    def _adult(self, case: dict[str, Any], opened: datetime, referred: datetime) -> datetime | None:
        rng = self.rng
        self._task(case, "Task_visitering", "modtagerteam", opened, self._hours(40))
        assigned, owner = self._assign(case, opened)
        if assigned is None:
            return None
        talk = self._task(case, "Task_samtale", "raadgiver-voksen", assigned, self._hours(200), holder=owner)
        if talk is not None and rng.random() < 0.2:
            admitted = talk + self._hours(24)
            return self._task(case, "Task_indskrivning", "raadgiver-voksen", admitted, self._hours(50),
                              CAL.add_working_days(admitted, 3), "shelter_notice_3_workdays", owner)
        return talk

    def write(self, conn: Any) -> None:
        for table, rows in ((Case, self.cases), (Task, self.tasks), (CaseEvent, self.events)):
            if rows:
                conn.execute(insert(table), rows)
        self.cases, self.tasks, self.events = [], [], []


def fill(conn: Any, versions: dict[str, uuid.UUID], owners: list[uuid.UUID], count: int, now: datetime,
         days: int = 365, seed: int = 16, reasons: tuple[str, ...] = REASONS) -> None:
    """Insert `count` cases opened evenly over the `days` before `now`."""
    filler = Filler(versions, owners, now, random.Random(seed), reasons)
    for number in range(count):
        filler.case(number, now - timedelta(days=days * (count - number) / count))
        if len(filler.cases) >= CHUNK:
            filler.write(conn)
    filler.write(conn)
