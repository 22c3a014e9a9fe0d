"""The timer worker: fire due timers, each case in its own transaction, exactly once across workers.

A sweep asks the timer table for the cases with the earliest due waiting timers (one indexed query
on (state, due_at)); on PostgreSQL it uses FOR UPDATE SKIP LOCKED so several workers on several
hosts share the work. Firing happens under the case's row lock and re-checks the timer's state,
so a timer another worker fired meanwhile is skipped: every timer fires exactly once.

A sweep is bounded per case: a repeating timer fires at most `MAX_PER_TIMER` occurrences, and all
of a case's repeating timers together at most `MAX_FIRED_PER_CASE`; what is left is still due and
fires at the next sweeps. Every case with a due timer is visited once per sweep, so one case
catching up (or flooding) cannot keep the others' timers waiting.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.cases import events
from engine.cases.models import Case
from engine.cases.runtime import ProcessError, load_case_run, run_engine
from engine.cases.service import lock_case
from engine.clock import Clock, system_clock
from engine.db import READ_ONLY
from engine.deadlines.models import CANCELLED, WAITING, Timer
from engine.deadlines.timer_events import CycleBudget
from engine.deadlines.timers import waiting_timers

log = logging.getLogger(__name__)
MAX_PER_TIMER = 10  # occurrences of one repeating timer fired per sweep (e.g. catching up after downtime)
MAX_FIRED_PER_CASE = 25  # occurrences of all repeating timers of one case fired per sweep
MAX_ROUNDS = 20  # engine runs per case and sweep, a backstop: each run fires a few occurrences per timer
FAILED = "failed"


@dataclass
class SweepResult:
    """What one sweep did."""

    cases: int = 0
    fired: int = 0
    cancelled: int = 0
    failed: int = 0


def due_cases(session: Session, now: datetime, batch: int = 50) -> list[UUID]:
    """Up to `batch` cases with waiting timers due at `now`, earliest first: the sweep's one indexed query.

    Grouped by case, so a case with many due timers takes one place of the batch, not all of them.
    """
    first_due = func.min(Timer.due_at)
    rows = session.execute(
        select(Timer.case_id, first_due)
        .where(Timer.state == WAITING, Timer.due_at <= now)
        .group_by(Timer.case_id)
        .order_by(first_due, Timer.case_id)
        .limit(batch)
    ).all()
    return [case_id for case_id, _due in rows]


def _lock_case(session: Session, case_id: UUID) -> Case | None:
    """Lock the case before its timers, the order a completion takes them (case, then timers), so the
    two cannot deadlock; on PostgreSQL a case held by a request or another worker is skipped (None)
    and its timers fire at the next sweep."""
    query = select(Case).where(Case.id == case_id).with_for_update(of=Case, skip_locked=True, key_share=True)
    return session.scalar(query)


def fire_case(session: Session, case_id: UUID, now: datetime) -> SweepResult:
    """Fire every timer of the case due at `now`, save, and commit: one transaction per case."""
    result = SweepResult()
    case = _lock_case(session, case_id)
    if case is None:  # busy elsewhere, or gone
        session.rollback()
        return result
    # Read under the case lock: a worker that held the case a moment ago may have fired them.
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
        _fire_rounds(run.workflow, now)
        run.save(session, None)
        result.fired = len(run.fired)
    except ProcessError as exc:
        session.rollback()
        result.failed = _mark_failed(session, case_id, now, exc.details)
        log.warning("timer failed in case %s: %s", case_id, exc.message)
    session.commit()
    return result


def _nothing_left(workflow: BpmnWorkflow, now: datetime, budget: CycleBudget) -> bool:
    """True when no timer is due, or none that is due may fire any more in this sweep."""
    due = [task.id for task, when in waiting_timers(workflow).values() if when <= now]
    return not any(budget.allows(task_id) for task_id in due)


def _fire_rounds(workflow: BpmnWorkflow, now: datetime) -> None:
    """Fire what is due within the sweep's budget for the case (the first run always happens: it
    also fires one-off timers, which the budget does not count); a cycle missed for long, or a
    flood, goes on at the next sweep instead of holding this one."""
    budget = CycleBudget(per_timer=MAX_PER_TIMER, total=MAX_FIRED_PER_CASE)
    workflow.script_engine.cycle_budget = budget  # read by engine.deadlines.timer_events.CaseCycleTimer
    for _ in range(MAX_ROUNDS):
        run_engine(workflow)
        if _nothing_left(workflow, now, budget):
            break


def _mark_failed(session: Session, case_id: UUID, now: datetime, problems: list) -> int:
    # A diagram or engine error would make the timer fail at every sweep, first in due order, and
    # hold up every timer after it: park it and tell the case.
    lock_case(session, case_id)
    due = session.scalars(
        select(Timer).where(Timer.case_id == case_id, Timer.state == WAITING, Timer.due_at <= now)
    ).all()
    for timer in due:
        timer.state, timer.ended_at = FAILED, now
        timer.details = {"problems": problems}
        events.record(session, case_id, events.TIMER_FAILED, None,
                      f"Tidsfristen '{timer.name}' kunne ikke udføres", task_id=timer.task_id, at=now,
                      details={"bpmn_id": timer.bpmn_id, "problems": problems})
    return len(due)


def _fire_safely(session: Session, case_id: UUID, now: datetime) -> SweepResult:
    """fire_case; an unexpected error parks the case's due timers instead of stopping the sweep."""
    try:
        return fire_case(session, case_id, now)
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop every later timer
        session.rollback()
        # The exception's type and where it happened; not its text, which may quote case data.
        log.error("timer sweep: case %s could not be fired (%s)\n%s", case_id, type(exc).__name__,
                  "".join(traceback.format_tb(exc.__traceback__)))
        try:
            failed = _mark_failed(session, case_id, now, [{"message": f"internal error ({type(exc).__name__})"}])
            session.commit()
        except Exception as again:  # noqa: BLE001 - e.g. the database is gone: the next sweep tries again
            session.rollback()
            log.error("timer sweep: could not park the timers of case %s (%s)", case_id, type(again).__name__)
            return SweepResult()
        return SweepResult(cases=1, failed=failed)


def sweep(factory: sessionmaker[Session], clock: Clock = system_clock, batch: int = 50) -> SweepResult:
    """Fire everything due at the clock's current instant, batch by batch; one transaction per case."""
    total = SweepResult()
    now = clock()
    seen: set[UUID] = set()  # a case is handled once per sweep, so a stuck timer cannot spin the loop
    while True:
        with factory() as session:
            session.connection(execution_options={READ_ONLY: True})
            # Grouped by case, `batch` more than were seen leaves room for `batch` unseen cases.
            cases = [case_id for case_id in due_cases(session, now, batch + len(seen)) if case_id not in seen]
            session.rollback()
            if not cases:
                break
            progressed = False
            for case_id in cases[:batch]:
                seen.add(case_id)
                part = _fire_safely(session, case_id, now)
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
