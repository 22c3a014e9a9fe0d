"""A scenario driver: the shipped procedure (workflows/) run through the services, on a fixed clock.

Every step is a service call that loads the case's workflow from the database, changes it and
saves it as JSON again, so every scenario exercises the serializer between steps. Time is the
worker's clock: cases are opened, tasks completed and timers swept "as of" given instants.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import SpiffWorkflow.task
from sqlalchemy import select

from engine.cases.events import list_events
from engine.cases.models import Case, CaseEvent
from engine.cases.service import open_case
from engine.deadlines.worker import SweepResult, sweep
from engine.process_models.service import deploy
from engine.tasks.models import READY, Task
from engine.tasks.service import claim, complete, task_form
from engine.users.models import User
from engine.users.service import create_user
from tests.conftest import bound_session

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
# Called processes first: deploy pins the latest deployed version of every process a diagram calls.
DIAGRAMS = ("risikovurdering", "opfoelgning", "underretning_boern", "henvendelse_voksen")
GROUPS = ("modtagerteam", "teamleder", "raadgiver-boern", "raadgiver-voksen", "vidensperson", "admin")
CPH = ZoneInfo("Europe/Copenhagen")
DATA_TYPES = {"textfield", "textarea", "number", "checkbox", "radio", "select", "checklist", "datetime"}
TEXT = "Tekst"


def cph(*parts: int) -> datetime:
    """An instant in Danish local time: cph(2026, 11, 23, 9) is Monday 23 November 2026 09:00."""
    return datetime(*parts, tzinfo=CPH)


def _components(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in items:
        yield component
        if component.get("type") == "group":
            yield from _components(component.get("components") or [])


def form_fields(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The data fields of a form-js form by key (groups flattened)."""
    return {c["key"]: c for c in _components(list(schema.get("components") or []))
            if c.get("type") in DATA_TYPES and c.get("key")}


def _plausible(component: Mapping[str, Any], today: date) -> Any:
    """A valid value for a required field: first option, today's date, "Tekst" (padded to minLength)."""
    kind, rules = component["type"], component.get("validate") or {}
    if kind in ("textfield", "textarea"):
        text = TEXT
        while len(text) < (rules.get("minLength") or 0):
            text += " " + TEXT.lower()
        return text[: rules.get("maxLength") or len(text)]
    if kind in ("radio", "select"):
        return component["values"][0]["value"]
    if kind == "checklist":
        return [component["values"][0]["value"]]
    if kind == "checkbox":
        return True  # a required checkbox must be ticked
    if kind == "number":
        return rules.get("min") if rules.get("min") is not None else 0
    if component.get("subtype") == "datetime":
        return datetime.combine(today, datetime.min.time().replace(hour=12), CPH).isoformat()
    return today.isoformat()


def _untouched(component: Mapping[str, Any]) -> Any:
    """What the web UI (webui/ui/formdata.py) submits for a field left alone."""
    return {"checkbox": False, "checklist": [], "textfield": "", "textarea": ""}.get(component["type"])


def valid_data(form_schema: Mapping[str, Any], overrides: Mapping[str, Any] | None = None,
               today: date | None = None) -> dict[str, Any]:
    """A submission of every field of the form, as the web UI sends it: required fields filled with
    plausible valid values, the rest left alone, then the scenario's `overrides` (which must be fields
    of the form, so a typo cannot silently become process data)."""
    overrides = dict(overrides or {})
    fields = form_fields(form_schema)
    unknown = sorted(set(overrides) - set(fields))
    assert not unknown, f"form {form_schema.get('id')} has no fields {unknown}"
    today = today or date.today()
    data = {key: _plausible(c, today) if (c.get("validate") or {}).get("required") else _untouched(c)
            for key, c in fields.items()}
    data.update(overrides)
    return data


class Scenario:
    """Deploys the shipped procedure, has one user per group, and drives cases through time."""

    def __init__(self, session, connection) -> None:
        self.session = session
        self.connection = connection
        self.users: dict[str, User] = {
            group: create_user(session, f"sc-{group}", f"sc-{group}@example.invalid", [group]) for group in GROUPS
        }
        forms = {path.stem: path.read_bytes() for path in sorted((WORKFLOWS / "forms").glob("*.form"))}
        for name in DIAGRAMS:
            deploy(session, (WORKFLOWS / f"{name}.bpmn").read_bytes(), actor=self.users["admin"],
                   filename=f"{name}.bpmn", forms=forms)

    def user(self, who: str | User) -> User:
        return self.users[who] if isinstance(who, str) else who

    # -- cases ----------------------------------------------------------------------------------

    def open(self, key: str, at: datetime, by: str = "modtagerteam", **data: Any) -> Case:
        return open_case(self.session, key, data, self.user(by), clock=lambda: at).case

    def status(self, case: Case) -> str:
        self.session.refresh(case)
        return case.status

    # -- tasks ----------------------------------------------------------------------------------

    def ready_tasks(self, case: Case) -> list[Task]:
        return list(self.session.scalars(
            select(Task).where(Task.case_id == case.id, Task.state == READY).order_by(Task.bpmn_id)))

    def ready(self, case: Case) -> list[str]:
        """The bpmn ids of the case's READY tasks, sorted."""
        return [task.bpmn_id for task in self.ready_tasks(case)]

    def groups(self, case: Case) -> dict[str, str | None]:
        """{bpmn id: candidate group} of the READY tasks."""
        return {task.bpmn_id: task.candidate_group for task in self.ready_tasks(case)}

    def task(self, case: Case, bpmn_id: str) -> Task:
        """The one READY task `bpmn_id` of the case."""
        found = [task for task in self.ready_tasks(case) if task.bpmn_id == bpmn_id]
        assert len(found) == 1, f"{bpmn_id} is not READY once; READY: {self.ready(case)}"
        return found[0]

    def do(self, case: Case, bpmn_id: str, user: str | User, at: datetime, **data: Any) -> list[str]:
        """Claim the READY task `bpmn_id` as `user` and complete it at `at` with a valid submission
        of its form plus `data`; return the READY bpmn ids afterwards. On an error the transaction is
        rolled back (as the API does) and the error re-raised; the claim stays."""
        actor = self.user(user)
        # Forget what the session holds: the case state must come back from the database (its JSON as
        # the driver returns it) and be deserialized, a real round trip between every two steps.
        self.session.expire_all()
        task = self.task(case, bpmn_id)
        form = task_form(self.session, task)
        assert form is not None and "schema" in form, f"{bpmn_id} has no form-js form"
        submission = valid_data(form["schema"], data, today=at.astimezone(CPH).date())
        claim(self.session, task.id, actor)
        try:
            complete(self.session, task.id, submission, actor, clock=lambda: at)
        except Exception:
            self.session.rollback()
            raise
        return self.ready(case)

    # -- time -----------------------------------------------------------------------------------

    def sweep(self, at: datetime) -> SweepResult:
        """Run the timer worker as of `at` (its own sessions, like the real worker)."""
        self.session.commit()
        result = sweep(lambda: bound_session(self.connection), clock=lambda: at)
        self.session.expire_all()
        return result

    # -- what else a user sees ------------------------------------------------------------------

    def events(self, case: Case, kind: str | None = None) -> list[CaseEvent]:
        return [e for e in list_events(self.session, case.id) if kind is None or e.kind == kind]


def descending_task_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand out SpiffWorkflow task ids in descending order, so every new task's id sorts before its parent's.

    A saved case must not depend on the order of the task keys in its JSON: the loader restores a task's data
    as a delta on its parent's, so a parent must come first. A store that sorts object keys (a JSONB column, as
    case_states.state was on PostgreSQL) returns them in a random order with random ids; descending ids make
    it the worst case every time, so such a regression fails every scenario instead of a random few.
    """
    base, step = uuid.uuid4().int | (1 << 127), itertools.count()
    monkeypatch.setattr(SpiffWorkflow.task, "uuid4", lambda: uuid.UUID(int=base - next(step)))


@pytest.fixture
def sc(db_session, connection, monkeypatch) -> Scenario:
    descending_task_ids(monkeypatch)
    return Scenario(db_session, connection)
