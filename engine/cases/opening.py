"""Opening a case: validate its start data, run its workflow to the first waits, write it, commit.

The workflow runs before anything is written; then the case (with its case-list values, see
engine.cases.summary), its state, its first tasks and its events are written with Core statements
built once (engine.cases.changes), in one transaction with one commit. The returned case is an
ORM object in the caller's session holding what was written, not read back.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached

from engine.cases import events
from engine.cases.changes import (
    EventBatch,
    insert_tasks,
    lane_groups,
    lanes_needed,
    new_task_rows,
    ready_user_tasks,
    summary_values,
)
from engine.cases.instances import INSTANCES
from engine.cases.models import Case, CaseSequence, CaseState
from engine.cases.need_to_know import CaseRef
from engine.cases.referral import referral_values
from engine.cases.runtime import run_engine, script_engine
from engine.cases.versions import PinnedVersion, form_schema, pinned_version, specs_of
from engine.cases.workflow_state import SERIALIZER_VERSION, dump_state, new_workflow
from engine.clock import Clock, system_clock
from engine.consent.safe_contact_sync import apply_from_data as apply_safe_contact
from engine.deadlines.rules import snapshot
from engine.deadlines.timers import sync_timers, waiting_timers
from engine.errors import InvalidInput
from engine.forms.formjs import validate_submission
from engine.process_models.models import ProcessVersion
from engine.tasks.models import Task
from engine.tasks.rows import TaskView
from engine.users.models import User

MAX_DATA_BYTES = 64 * 1024
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_VERSIONS = ProcessVersion.__table__
_LATEST = (select(_VERSIONS.c.id).where(_VERSIONS.c.key == bindparam("key"))
           .order_by(_VERSIONS.c.version.desc()).limit(1))
_INSERT_CASE, _INSERT_STATE = insert(Case.__table__), insert(CaseState.__table__)
# The next number of a year, atomically across processes: one upsert, in each database's dialect.
_NEXT_NUMBER = {
    name: dialect.insert(CaseSequence).values(year=bindparam("year"), last_value=1)
    .on_conflict_do_update(index_elements=["year"], set_={"last_value": CaseSequence.last_value + 1})
    .returning(CaseSequence.last_value)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
# A new case has none of these yet.
_NOT_YET = dict.fromkeys(("owner_id", "closing_reason", "closing_note", "receiving_municipality", "closed_by_id",
                          "reopened_from_id", "erased_at"))
# Steps other packages add to the intake (engine.persons registers the start form's subject): each
# takes (session, start data, actor, now) before the workflow sees the data and returns (the data it
# may go on with, a callable run with the case id once the case is written, in the same transaction).
INTAKE_STEPS: dict[str, Callable[..., tuple[dict[str, Any], Callable[[uuid.UUID], None]]]] = {}
_CASE_COLUMNS = ("id", "reference", "process_version_id", "status", "opened_at", "closed_at", "updated_at",
                 "opened_by_id", "lock_version")


@dataclass(frozen=True)
class OpenedCase:
    """A newly opened case and its first READY tasks; where known, the version it runs and the
    tasks as written, for an answer built without reading them back."""

    case: Case
    tasks: list[Task]
    version: Any = None  # engine.cases.versions.PinnedVersion
    views: list[TaskView] = field(default_factory=list)


def check_data(data: Any) -> dict[str, Any]:
    """Task data must be a small JSON object whose keys can be used as names in expressions."""
    if not isinstance(data, dict):
        raise InvalidInput("data must be a JSON object")
    bad = [key for key in data if not isinstance(key, str) or not _NAME.match(key)]
    if bad:
        raise InvalidInput(
            "data keys must start with a letter and hold only letters, digits and _",
            [{"field": str(key), "message": "invalid field name"} for key in bad],
        )
    if len(json.dumps(data, default=str)) > MAX_DATA_BYTES:
        raise InvalidInput(f"data is larger than {MAX_DATA_BYTES} bytes")
    return data


def next_reference(session: Session, year: int) -> str:
    """The next case reference of `year` (2026-000123), atomically across processes."""
    statement = _NEXT_NUMBER[session.get_bind().dialect.name]
    number = session.connection().execute(statement, {"year": year}).scalar_one()
    return f"{year}-{number:06d}"


def open_case(
    session: Session, process_key: str, data: Any, actor: User | None, clock: Clock = system_clock
) -> OpenedCase:
    """Open a case on the latest version of `process_key`, run it to its first waits; commit."""
    data = check_data(data)
    session.flush()  # a caller's pending ORM changes first (a request's fresh session has none)
    version_id = session.connection().execute(_LATEST, {"key": process_key}).scalar()
    if version_id is None:
        raise InvalidInput(f"no process model with key {process_key!r} is deployed",
                           [{"field": "process_key", "message": "unknown process"}])
    version = pinned_version(session, version_id)
    data = _start_data(session, version, data)
    now = clock()
    data, after_insert = _intake(session, data, actor, now)
    workflow = new_workflow(specs_of(session, version), script_engine(clock, snapshot(session)))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**data)
    run_engine(workflow)
    case_id, ready = uuid.uuid4(), list(ready_user_tasks(workflow).values())
    rows = new_task_rows(ready, case_id, version.id, lane_groups(session, lanes_needed(ready)), None, now)
    summary = summary_values(session, version.id, workflow, [row["due_at"] for row in rows])
    case = _insert_case(session, case_id, version, workflow, actor, now, {**summary, **referral_values(data, now)})
    apply_safe_contact(session, case_id, data, actor, now)  # safe-contact rules captured at intake
    for step in after_insert:
        step(case_id)
    views = _first_tasks(session, case, version, workflow, rows, actor, now)
    session.commit()
    INSTANCES.keep(case_id, case.lock_version, workflow)  # its first completion need not restore it
    tasks = [Task(**values, case=case) for values in rows]
    for instance in (case, *tasks):  # ORM objects of what was written, as if loaded: no read back
        make_transient_to_detached(instance)
        session.add(instance)
    return OpenedCase(case=case, tasks=tasks, version=version, views=views)


def _start_data(session: Session, version: PinnedVersion, data: dict[str, Any]) -> dict[str, Any]:
    """The data checked against the start form, if the process has one (422 per `data.<key>`)."""
    form = form_schema(session, version, version.start_form_key)
    if form is None:
        return data
    data, problems = validate_submission(form, data)
    if problems:
        raise InvalidInput("the case data does not fit the process's start form",
                           [{**p, "field": f"data.{p['field']}"} for p in problems])
    return data


def _intake(session: Session, data: dict[str, Any], actor: User | None,
            now: datetime) -> tuple[dict[str, Any], list[Callable[[uuid.UUID], None]]]:
    """The start data after the registered intake steps, and their steps for once the case is written."""
    after = []
    for step in INTAKE_STEPS.values():
        data, then = step(session, data, actor, now)
        after.append(then)
    return data, after


def _insert_case(session: Session, case_id: uuid.UUID, version: PinnedVersion, workflow: BpmnWorkflow,
                 actor: User | None, now: datetime, values: dict[str, Any]) -> Case:
    closed = workflow.is_completed()
    case = Case(id=case_id, reference=next_reference(session, now.year), process_version_id=version.id,
                status="closed" if closed else "open", opened_at=now, closed_at=now if closed else None,
                updated_at=now, opened_by_id=actor.id if actor else None, lock_version=1, **_NOT_YET, **values)
    conn = session.connection()
    conn.execute(_INSERT_CASE, {column: getattr(case, column) for column in (*_CASE_COLUMNS, *values)})
    conn.execute(_INSERT_STATE, {"case_id": case.id, "serializer_version": SERIALIZER_VERSION,
                                 "state": dump_state(workflow), "saved_at": now})
    return case


def _first_tasks(session: Session, case: Case, version: PinnedVersion, workflow: BpmnWorkflow,
                 rows: list[dict[str, Any]], actor: User | None, now: datetime) -> list[TaskView]:
    """The new case's READY tasks, timers and events (in the order the general save records them)."""
    batch = EventBatch(case.id, actor, now)
    batch.add(events.CASE_OPENED, f"Sagen er oprettet på {version.key} version {version.version}")
    insert_tasks(session, rows)
    for values in rows:
        batch.add(events.TASK_CREATED, f"Opgaven '{values['name']}' er klar", values["id"])
    if waiting_timers(workflow):
        batch.write(session)
        sync_timers(session, CaseRef(case.id, None), workflow, now, actor)  # type: ignore[arg-type]
        session.flush()
    if case.status == "closed":
        batch.add(events.CASE_CLOSED, "Sagen er afsluttet")
    batch.write(session)
    return [TaskView(**values, case_reference=case.reference, process_key=version.key,
                     process_version=version.version, assignee_name=None) for values in rows]
