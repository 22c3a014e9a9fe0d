"""Timers fire exactly when due, as of the worker's clock, and are mirrored in the timer table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.cases.events import TIMER_FIRED, list_events
from engine.cases.models import Case
from engine.cases.workflow_state import SPEC_CACHE
from engine.deadlines.models import CANCELLED, FIRED, WAITING, Timer
from engine.tasks import service as tasks
from tests.engine.deadlines.diagrams import boundary, intermediate, two_timers

T0 = "2026-11-20T10:00:00+01:00"


def test_non_interrupting_boundary_escalates_and_keeps_the_task(driver, at):
    driver.deploy(boundary("nonint", "timeDuration", "PT24H", interrupting=False))
    case = driver.open("nonint", at(T0))
    [timer] = driver.timers(case)
    assert timer.due_at == at("2026-11-21T10:00:00+01:00") and timer.state == WAITING
    assert driver.task(case, "work").due_at == timer.due_at  # the task's deadline is its boundary timer
    assert driver.sweep(at("2026-11-21T09:59:59+01:00")).fired == 0
    assert driver.ready(case) == ["work"]
    result = driver.sweep(at("2026-11-21T10:00:05+01:00"))
    assert result.fired == 1
    assert driver.ready(case) == ["work", "late"]
    driver.session.refresh(timer)
    assert timer.state == FIRED and abs(timer.late_seconds - 5) < 0.01
    fired = [e for e in list_events(driver.session, case.id) if e.kind == TIMER_FIRED]
    assert len(fired) == 1 and fired[0].details["late_seconds"] == 5.0
    assert driver.sweep(at("2026-11-25T10:00:00+01:00")).fired == 0  # never twice


def test_interrupting_boundary_cancels_the_task(driver, at):
    driver.deploy(boundary("interrupt", "timeDuration", "P3D", interrupting=True))
    case = driver.open("interrupt", at(T0))
    assert driver.sweep(at("2026-11-23T10:00:00+01:00")).fired == 1
    assert driver.ready(case) == ["late"]
    kinds = [e.kind for e in list_events(driver.session, case.id)]
    assert "task_cancelled" in kinds and kinds.count("timer_fired") == 1


def test_completing_in_time_cancels_the_timer(driver, at):
    driver.deploy(boundary("intime", "timeDuration", "PT24H", interrupting=True))
    case = driver.open("intime", at(T0))
    work = driver.task(case, "work")
    tasks.complete(driver.session, work.id, {}, driver.user, clock=lambda: at("2026-11-20T12:00:00+01:00"))
    [timer] = driver.timers(case)
    assert timer.state == CANCELLED
    assert driver.sweep(at("2026-11-22T10:00:00+01:00")).fired == 0
    assert driver.session.get(Case, case.id).status == "closed"


def test_intermediate_date_timer(driver, at):
    driver.deploy(intermediate("datewait", "timeDate", "2026-12-01T09:00:00+01:00"))
    case = driver.open("datewait", at(T0))
    assert driver.ready(case) == []
    assert driver.sweep(at("2026-12-01T08:59:00+01:00")).fired == 0
    assert driver.sweep(at("2026-12-01T09:00:00+01:00")).fired == 1
    assert driver.ready(case) == ["after"]


def test_repeating_cycle_fires_each_occurrence_once(driver, at):
    driver.deploy(boundary("cycle", "timeCycle", "R3/P1D", interrupting=False))
    case = driver.open("cycle", at(T0))
    assert driver.sweep(at("2026-11-21T10:00:00+01:00")).fired == 1
    assert driver.sweep(at("2026-11-21T12:00:00+01:00")).fired == 0
    assert driver.sweep(at("2026-11-22T10:00:00+01:00")).fired == 1
    assert driver.sweep(at("2026-11-23T10:00:00+01:00")).fired == 1
    assert driver.sweep(at("2026-11-30T10:00:00+01:00")).fired == 0  # R3: three times only
    assert driver.ready(case).count("late") == 3
    fired = [t for t in driver.timers(case) if t.state == FIRED]
    assert len(fired) == 3


def test_after_downtime_overdue_timers_fire_in_due_order_with_lateness(driver, at, monkeypatch):
    from engine.deadlines import worker

    driver.deploy(intermediate("late1", "timeDuration", "PT1H"))
    first = driver.open("late1", at(T0))
    second = driver.open("late1", at("2026-11-20T09:00:00+01:00"))
    SPEC_CACHE._items.clear()  # as after a restart
    order, fire = [], worker.fire_case
    monkeypatch.setattr(worker, "fire_case", lambda session, case_id, now: order.append(case_id) or fire(
        session, case_id, now))
    result = driver.sweep(at("2026-11-22T11:00:00+01:00"))
    assert order == [second.id, first.id]  # the one due earlier first
    assert result.fired == 2
    events = [e for case in (first, second) for e in list_events(driver.session, case.id) if e.kind == TIMER_FIRED]
    lateness = sorted(e.details["late_seconds"] for e in events)
    assert lateness == [timedelta(days=2).total_seconds(), timedelta(days=2, hours=1).total_seconds()]


def test_iso_timer_and_named_rule_in_one_diagram(driver, at):
    driver.deploy(two_timers("both"))
    case = driver.open("both", at(T0), received_at="2026-11-23T10:00:00+01:00")
    timers = {t.bpmn_id: t for t in driver.timers(case)}
    assert timers["iso"].due_at == at("2026-11-20T11:00:00+01:00") and timers["iso"].rule_key is None
    # 6 working days after Monday 23 Nov (start day not counted): final day Tuesday 1 Dec, to midnight.
    assert timers["rule"].due_at == at("2026-12-02T00:00:00+01:00")
    assert timers["rule"].rule_key == "receipt_6_workdays"
    assert driver.sweep(at("2026-11-20T11:00:00+01:00")).fired == 1
    assert driver.ready(case) == ["after_iso"]
    assert driver.sweep(at("2026-12-01T23:59:59+01:00")).fired == 0
    assert driver.sweep(at("2026-12-02T00:00:00+01:00")).fired == 1
    assert sorted(driver.ready(case)) == ["after_iso", "after_rule"]


def test_due_date_rule_on_a_user_task(driver, at):
    driver.deploy(boundary("duedate", "timeDuration", "P30D", interrupting=False,
                           due_date="deadline('assessment_24h', received_at)"))
    case = driver.open("duedate", at(T0), received_at="2026-11-20T08:00:00+01:00")
    work = driver.task(case, "work")
    # an explicit due date wins over the boundary timer; it counts from received_at, not from opening
    assert work.due_at == at("2026-11-21T08:00:00+01:00") and work.due_rule == "assessment_24h"


def test_closed_case_with_a_due_timer_is_not_fired(driver, at):
    driver.deploy(intermediate("closing", "timeDuration", "PT1H"))
    case = driver.open("closing", at(T0))
    driver.session.get(Case, case.id).status = "closed"  # e.g. closed by an administrator
    driver.session.commit()
    result = driver.sweep(at("2026-11-21T10:00:00+01:00"))
    assert result.fired == 0 and result.cancelled == 1
    assert driver.timers(case)[0].state == CANCELLED
    assert not [e for e in list_events(driver.session, case.id) if e.kind == TIMER_FIRED]


def test_idle_sweep_touches_nothing(driver, at):
    driver.deploy(intermediate("idle", "timeDuration", "P10D"))
    driver.open("idle", at(T0))
    assert driver.sweep(at("2026-11-21T10:00:00+01:00")).cases == 0
    waiting = driver.session.scalars(select(Timer).where(Timer.state == WAITING)).all()
    assert len(waiting) == 1


def test_deploy_refuses_unknown_rule_and_bad_due_date(driver):
    import pytest

    from engine.bpmn import BpmnValidationError

    with pytest.raises(BpmnValidationError) as refused:
        driver.deploy(two_timers("norule").replace(b"receipt_6_workdays", b"no_such_rule"))
    problems = [(p.element_id, p.message) for p in refused.value.problems]
    assert problems == [("rule", "unknown deadline rule 'no_such_rule'")]
    with pytest.raises(BpmnValidationError) as bad:
        driver.deploy(boundary("baddue", "timeDuration", "PT1H", interrupting=False, due_date="open('x')"))
    assert [p.element_id for p in bad.value.problems] == ["work"]


def test_a_broken_case_does_not_hold_up_the_timers_after_it(driver, at, monkeypatch, caplog):
    from engine.cases.events import TIMER_FAILED
    from engine.deadlines import worker
    from engine.deadlines.worker import FAILED

    driver.deploy(intermediate("broken", "timeDuration", "PT1H"))
    broken = driver.open("broken", at("2026-11-20T08:00:00+01:00"))  # due first
    fine = driver.open("broken", at(T0))
    original = worker.load_case_run
    personal = {"name": "Fatima Hansen", "cpr": "010190-1234"}  # as if an error quoted the case's data

    def load(session, case, **kwargs):
        if case.id == broken.id:
            raise RuntimeError(personal)
        return original(session, case, **kwargs)

    monkeypatch.setattr(worker, "load_case_run", load)
    result = driver.sweep(at("2026-11-20T12:00:00+01:00"))
    assert (result.fired, result.failed) == (1, 1)
    assert driver.ready(fine) == ["after"]
    [timer] = driver.timers(broken)
    assert timer.state == FAILED and timer.details == {"problems": [{"message": "internal error (RuntimeError)"}]}
    assert TIMER_FAILED in [e.kind for e in list_events(driver.session, broken.id)]
    assert "RuntimeError" in caplog.text and "Fatima" not in caplog.text and "010190" not in caplog.text
    assert driver.sweep(at("2026-11-20T12:00:05+01:00")).failed == 0  # parked, not retried at every sweep


def test_a_case_in_use_is_skipped_not_waited_for_on_postgresql(throwaway_postgres, at):
    import threading

    from engine.cases.service import lock_case, open_case
    from engine.db import make_session_factory
    from engine.deadlines.worker import sweep
    from engine.process_models.service import deploy
    from engine.users.service import create_user

    factory = make_session_factory(throwaway_postgres.engine)
    with factory() as session:
        user = create_user(session, "drv", "drv@example.invalid", ["modtagerteam", "teamleder"])
        deploy(session, intermediate("locked", "timeDuration", "PT1H"), actor=user)
        case = open_case(session, "locked", {}, user, clock=lambda: at(T0)).case
    due = at("2026-11-20T12:00:00+01:00")
    with factory() as request:  # a web request completing a task holds the case
        lock_case(request, case.id)
        outcome = []
        worker = threading.Thread(target=lambda: outcome.append(sweep(factory, clock=lambda: due)))
        worker.start()
        worker.join(timeout=30)
        assert not worker.is_alive(), "the worker waited for the case while holding its timers"
        assert outcome[0].fired == 0
        request.rollback()
    assert sweep(factory, clock=lambda: due).fired == 1  # the next sweep fires it


def test_a_cycle_missed_during_downtime_fires_every_occurrence_once_with_its_lateness(driver, at):
    driver.deploy(boundary("catchup", "timeCycle", "R3/P1D", interrupting=False))
    case = driver.open("catchup", at(T0))
    result = driver.sweep(at("2026-11-24T10:00:00+01:00"))  # all three occurrences are overdue
    assert result.fired == 3
    assert driver.ready(case).count("late") == 3
    fired = [e for e in list_events(driver.session, case.id) if e.kind == TIMER_FIRED]
    assert sorted(e.details["late_seconds"] for e in fired) == [
        timedelta(days=d).total_seconds() for d in (1, 2, 3)]
    assert [t.state for t in driver.timers(case)] == [FIRED] * 3
    assert driver.sweep(at("2026-11-30T10:00:00+01:00")).fired == 0


def test_an_idle_sweep_is_one_query_on_the_timer_index(driver, at):
    from sqlalchemy import event

    driver.deploy(intermediate("idle", "timeDuration", "PT1H"))
    for _ in range(5):
        driver.open("idle", at(T0))
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(driver.connection, "before_cursor_execute", seen)
    try:
        assert driver.sweep(at("2026-11-20T10:30:00+01:00")).cases == 0  # five waiting, none due
    finally:
        event.remove(driver.connection, "before_cursor_execute", seen)
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 1 and "FROM timers" in queries[0], statements
