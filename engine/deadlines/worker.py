"""The timer worker: fire due timers, each case in its own transaction, exactly once across workers.

A sweep asks the timer table for the earliest due waiting timer (one indexed query on
(state, due_at)); on PostgreSQL it uses FOR UPDATE SKIP LOCKED so several workers on several
hosts share the work. Firing happens under the case's row lock and re-checks the timer's state,
so a timer another worker fired meanwhile is skipped: every timer fires exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.cases import events
from engine.cases.runtime import ProcessError, load_case_run, run_engine
from engine.cases.service import lock_case
from engine.clock import Clock, system_clock
from engine.db import READ_ONLY
from engine.deadlines.models import CANCELLED, WAITING, Timer
from engine.deadlines.timers import waiting_timers

log = logging.getLogger(__name__)
MAX_CATCH_UP = 100  # occurrences of a cycle timer fired in one go after downtime
FAILED = "failed"


@dataclass
class SweepResult:
    """What one sweep did."""

    cases: int = 0
    fired: int = 0
    cancelled: int = 0
    failed: int = 0


def due_cases(session: Session, now: datetime, batch: int = 50) -> list[UUID]:
    """Cases with waiting timers due at `now`, earliest first: the sweep's one indexed query."""
    rows = session.execute(
        select(Timer.case_id, Timer.due_at)
        .where(Timer.state == WAITING, Timer.due_at <= now)
        .order_by(Timer.due_at)
        .limit(batch)
    ).all()
    return list(dict.fromkeys(case_id for case_id, _due in rows))


def _claim(session: Session, case_id: UUID, now: datetime) -> list[Timer]:
    """Lock the case's due timers; on PostgreSQL skip them if another worker holds them."""
    query = select(Timer).where(Timer.case_id == case_id, Timer.state == WAITING, Timer.due_at <= now)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def fire_case(session: Session, case_id: UUID, now: datetime) -> SweepResult:
    """Fire every timer of the case due at `now`, save, and commit: one transaction per case."""
    result = SweepResult()
    if not _claim(session, case_id, now):  # fired or held by another worker
        session.rollback()
        return result
    case = lock_case(session, case_id)
    # Re-read under the case lock: a worker that held the case a moment ago may have fired them.
    due = session.scalars(
        select(Timer).where(Timer.case_id == case_id, Timer.state == WAITING, Timer.due_at <= now)
        .execution_options(populate_existing=True)
    ).all()
    result.cases = 1
    if not due:
        session.commit()
        return result
    if case.status != "open":
        for timer in due:
            timer.state, timer.ended_at = CANCELLED, now
        result.cancelled = len(due)
        session.commit()
        return result
    run = load_case_run(session, case, clock=lambda: now)
    try:
        for _ in range(MAX_CATCH_UP):
            run_engine(run.workflow)
            if not any(when <= now for _task, when in waiting_timers(run.workflow).values()):
                break
        run.save(session, None)
        result.fired = len(run.fired)
    except ProcessError as exc:
        session.rollback()
        result.failed = _mark_failed(session, case_id, now, exc)
    session.commit()
    return result


def _mark_failed(session: Session, case_id: UUID, now: datetime, exc: ProcessError) -> int:
    # A diagram error would make the timer fail at every sweep; park it and tell the case.
    lock_case(session, case_id)
    due = session.scalars(
        select(Timer).where(Timer.case_id == case_id, Timer.state == WAITING, Timer.due_at <= now)
    ).all()
    for timer in due:
        timer.state, timer.ended_at = FAILED, now
        timer.details = {"problems": exc.details}
        events.record(session, case_id, events.TIMER_FAILED, None,
                      f"Tidsfristen '{timer.name}' kunne ikke udføres", task_id=timer.task_id, at=now,
                      details={"bpmn_id": timer.bpmn_id, "problems": exc.details})
    log.warning("timer failed in case %s: %s", case_id, exc.message)
    return len(due)


def sweep(factory: sessionmaker[Session], clock: Clock = system_clock, batch: int = 50) -> SweepResult:
    """Fire everything due at the clock's current instant, batch by batch; one transaction per case."""
    total = SweepResult()
    now = clock()
    seen: set[UUID] = set()  # a case is handled once per sweep, so a stuck timer cannot spin the loop
    while True:
        with factory() as session:
            session.connection(execution_options={READ_ONLY: True})
            cases = [case_id for case_id in due_cases(session, now, batch + len(seen)) if case_id not in seen]
            session.rollback()
            if not cases:
                break
            progressed = False
            for case_id in cases[:batch]:
                seen.add(case_id)
                part = fire_case(session, case_id, now)
                progressed = progressed or bool(part.cases)
                total.cases += part.cases
                total.fired += part.fired
                total.cancelled += part.cancelled
                total.failed += part.failed
        if not progressed:
            break  # everything left is held by other workers; they will finish it
    if total.cases:
        log.info("sweep at %s: %d cases, %d timers fired, %d cancelled, %d failed",
                 now.isoformat(), total.cases, total.fired, total.cancelled, total.failed)
    return total
