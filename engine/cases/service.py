"""Opening cases and reading them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.models import Case, CaseEvent, CaseSequence
from engine.cases.need_to_know import case_with_access
from engine.cases.runtime import start_case_run
from engine.clock import Clock, system_clock
from engine.errors import InvalidInput, NotFound
from engine.forms.formjs import validate_submission
from engine.forms.service import start_form
from engine.process_models.service import latest_version
from engine.tasks.models import READY, Task
from engine.users.models import User

SUPERVISOR_GROUPS = ("teamleder", "admin")
MAX_DATA_BYTES = 64 * 1024
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@dataclass(frozen=True)
class OpenedCase:
    """A newly opened case and its first READY tasks."""

    case: Case
    tasks: list[Task]


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
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(CaseSequence)
        .values(year=year, last_value=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last_value": CaseSequence.last_value + 1})
        .returning(CaseSequence.last_value)
    )
    number = session.execute(stmt).scalar_one()
    return f"{year}-{number:06d}"


def open_case(
    session: Session, process_key: str, data: Any, actor: User | None, clock: Clock = system_clock
) -> OpenedCase:
    """Open a case on the latest version of `process_key`, run it to its first waits; commit."""
    data = check_data(data)
    version = latest_version(session, process_key)
    if version is None:
        raise InvalidInput(f"no process model with key {process_key!r} is deployed",
                           [{"field": "process_key", "message": "unknown process"}])
    form = start_form(session, version)
    if form is not None:
        data, problems = validate_submission(form, data)
        if problems:
            raise InvalidInput("the case data does not fit the process's start form",
                               [{**p, "field": f"data.{p['field']}"} for p in problems])
    now = clock()
    case = Case(
        reference=next_reference(session, now.year),
        process_version_id=version.id,
        process_version=version,
        opened_at=now,
        updated_at=now,
        opened_by_id=actor.id if actor else None,
    )
    session.add(case)
    session.flush()
    events.record(session, case.id, events.CASE_OPENED, actor,
                  f"Sagen er oprettet på {version.key} version {version.version}", at=now)
    run = start_case_run(session, case, version, data, clock)
    run.save(session, actor)
    session.commit()
    return OpenedCase(case=case, tasks=run.created)


def get_case(
    session: Session, case_id: UUID, user: User | None, clock: Clock = system_clock, need: str = "header"
) -> Case:
    """The case `case_id` if the access rule grants `user` `need` (None: the operator).

    No relation to the case: NotFound, as for a missing case; a relation without `need`: PermissionDenied.
    """
    return case_with_access(session, case_id, user, clock(), need)[0]


def lock_case(session: Session, case_id: UUID) -> Case:
    """Load a case for a change, row-locked on PostgreSQL (SQLite serialises writers anyway).

    The lock is FOR NO KEY UPDATE: it serialises changes of the case, yet lets other transactions
    insert rows that point at it (events, access log). A plain FOR UPDATE blocks their foreign-key
    checks, and a claim (task row, then event) racing a completion (case, then task row) deadlocks.
    """
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update(of=Case, key_share=True))
    if case is None:
        raise NotFound("no such case")
    return case


def case_events(session: Session, case_id: UUID, user: User | None) -> list[CaseEvent]:
    """The timeline of a case whose content the user may read."""
    get_case(session, case_id, user, need="content")
    return events.list_events(session, case_id)


def ready_tasks(session: Session, case_id: UUID) -> list[Task]:
    """The READY tasks of a case, oldest first."""
    return list(session.scalars(
        select(Task).where(Task.case_id == case_id, Task.state == READY).order_by(Task.created_at)
    ))
