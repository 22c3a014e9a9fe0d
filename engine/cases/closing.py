"""Closing a case at any point, reopening a closed case as a new one, and the closing reasons.

Closing cancels what still waits in the case (its READY tasks, its timers, its queued reminder
mails) and the workflow itself, in one transaction under the case's lock. Reopening opens a new case
on the latest version of the same process, linked to the old one; the old case stays closed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.cases import events
from engine.cases.models import Case, CaseState, ClosingReason
from engine.cases.need_to_know import case_with_access
from engine.cases.runtime import load_case_run, start_case_run
from engine.cases.service import OpenedCase, check_data, lock_case, next_reference
from engine.cases.workflow_state import SERIALIZER
from engine.clock import Clock, system_clock
from engine.deadlines.models import CANCELLED as TIMER_CANCELLED
from engine.deadlines.models import WAITING, Timer
from engine.errors import Conflict, InvalidInput
from engine.forms.formjs import validate_submission
from engine.forms.service import start_form
from engine.notifications.models import HELD, QUEUED, SKIPPED, OutboxMail
from engine.process_models.service import latest_version
from engine.tasks.models import Task
from engine.users.models import User

CASE_REOPENED = "case_reopened"  # on the old case
CASE_REOPENED_FROM = "case_reopened_from"  # on the new case
NOTE_MAX = 2000
MUNICIPALITY_MAX = 100


def closing_reasons(session: Session, active_only: bool = True) -> list[ClosingReason]:
    """The maintained list of closing reasons in their order (only the active ones by default)."""
    query = select(ClosingReason).order_by(ClosingReason.position, ClosingReason.name)
    if active_only:
        query = query.where(ClosingReason.active.is_(True))
    return list(session.scalars(query))


def _closing_input(session: Session, key: Any, note: Any, municipality: Any) -> tuple[ClosingReason, str | None,
                                                                                     str | None]:
    """The chosen active reason, the note and the receiving municipality (when the reason needs one)."""
    problems = []
    reason = session.get(ClosingReason, key) if isinstance(key, str) and key else None
    if reason is None or not reason.active:
        problems.append({"field": "reason", "message": "Vælg en af årsagerne på listen."})
    note = note.strip() if isinstance(note, str) and note.strip() else None
    if note is not None and len(note) > NOTE_MAX:
        problems.append({"field": "note", "message": f"Notatet må højst være {NOTE_MAX} tegn."})
    municipality = municipality.strip() if isinstance(municipality, str) and municipality.strip() else None
    if reason is not None and reason.needs_municipality:
        if municipality is None:
            problems.append({"field": "receiving_municipality", "message": "Angiv den kommune, sagen overgår til."})
        elif len(municipality) > MUNICIPALITY_MAX:
            problems.append({"field": "receiving_municipality",
                             "message": f"Kommunens navn må højst være {MUNICIPALITY_MAX} tegn."})
    else:
        municipality = None  # only recorded for a move
    if problems:
        raise InvalidInput("the case cannot be closed like this", problems)
    return reason, note, municipality


def _drop_waiting(session: Session, case_id: UUID, now: Any) -> None:
    """Cancel the case's waiting timers and drop its queued or held task mails."""
    session.execute(update(Timer).where(Timer.case_id == case_id, Timer.state == WAITING)
                    .values(state=TIMER_CANCELLED, ended_at=now).execution_options(synchronize_session=False))
    tasks = select(Task.id).where(Task.case_id == case_id).scalar_subquery()
    session.execute(update(OutboxMail).where(OutboxMail.task_id.in_(tasks), OutboxMail.state.in_((QUEUED, HELD)))
                    .values(state=SKIPPED).execution_options(synchronize_session=False))


def close_case(session: Session, case_id: UUID, user: User | None, reason: Any, note: Any = None,
               receiving_municipality: Any = None, clock: Clock = system_clock) -> Case:
    """Close an open case (its owner or a team lead; None: the operator); commit.

    Its READY tasks are cancelled, its timers and queued reminders dropped, its workflow cancelled;
    one `case_closed` event records who and why. Unknown reason: InvalidInput; closed case: Conflict.
    """
    now = clock()
    case = lock_case(session, case_id)
    case_with_access(session, case_id, user, now, "manages")
    chosen, note, municipality = _closing_input(session, reason, note, receiving_municipality)
    if case.status != "open":
        raise Conflict("the case is already closed")
    run = load_case_run(session, case, clock)
    run.workflow.cancel()
    case.status, case.closed_at, case.closed_by_id = "closed", now, user.id if user else None
    case.closing_reason, case.closing_note, case.receiving_municipality = chosen.key, note, municipality
    _drop_waiting(session, case.id, now)
    run.save(session, user)  # cancels the task rows, each with its event
    events.record(session, case.id, events.CASE_CLOSED, user, f"Sagen er lukket: {chosen.name}",
                  details={"closing_reason": chosen.key}, at=now)
    _commit(session)
    return case


def start_data(session: Session, case: Case) -> dict[str, Any] | None:
    """The data `case` was opened with (its workflow's first task data); None once erased."""
    state = session.get(CaseState, case.id)
    if case.erased_at is not None or state is None:
        return None
    root = (state.state.get("tasks") or {}).get(state.state.get("root"))
    data = SERIALIZER.registry.restore(root.get("data") or {}) if root else None
    return dict(data) if isinstance(data, dict) else None


def _successor(session: Session, old: Case, data: Any, actor: User | None, clock: Clock) -> OpenedCase:
    """Open the new case on the latest version of the old one's process, validated like a new case."""
    data = check_data(data)
    version = latest_version(session, old.process_version.key)
    form = start_form(session, version)
    if form is not None:
        data, problems = validate_submission(form, data)
        if problems:
            raise InvalidInput("the case data does not fit the process's start form",
                               [{**p, "field": f"data.{p['field']}"} for p in problems])
    now = clock()
    owner = session.get(User, old.owner_id) if old.owner_id else None
    case = Case(reference=next_reference(session, now.year), process_version_id=version.id, process_version=version,
                opened_at=now, updated_at=now, opened_by_id=actor.id if actor else None, reopened_from_id=old.id,
                owner_id=owner.id if owner is not None and owner.active else None)
    session.add(case)
    session.flush()
    events.record(session, case.id, events.CASE_OPENED, actor,
                  f"Sagen er oprettet på {version.key} version {version.version}", at=now)
    run = start_case_run(session, case, version, data, clock)
    run.save(session, actor)
    return OpenedCase(case=case, tasks=run.created)


def reopen_case(session: Session, case_id: UUID, user: User | None, data: Any = None,
                clock: Clock = system_clock) -> OpenedCase:
    """Open a new case continuing the closed case `case_id` (team leads; None: the operator); commit.

    `data` is the new case's start data; None reuses the old case's (InvalidInput once erased).
    Conflict when the case is open, or was reopened as a case that is still open.
    """
    now = clock()
    old = lock_case(session, case_id)
    case_with_access(session, case_id, user, now, "supervises")
    if old.status != "closed":
        raise Conflict("only a closed case can be reopened")
    if session.scalar(select(Case.reference).where(Case.reopened_from_id == old.id, Case.status == "open")):
        raise Conflict("the case was already reopened, and that case is still open")
    if data is None:
        data = start_data(session, old)
        if data is None:
            raise InvalidInput("the old case's data are erased: give the new case's start data", [
                {"field": "data", "message": "Sagens oplysninger er slettet. Angiv startoplysningerne."}])
    opened = _successor(session, old, data, user, clock)
    events.record(session, old.id, CASE_REOPENED, user, f"Sagen er genåbnet som {opened.case.reference}",
                  details={"reopened_as": str(opened.case.id)}, at=now)
    events.record(session, opened.case.id, CASE_REOPENED_FROM, user, f"Genåbning af {old.reference}",
                  details={"reopened_from": str(old.id)}, at=now)
    _commit(session)
    return opened


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict("the case was changed by someone else at the same time; reload and retry") from exc
