"""Repeating timers cannot flood: refused at deploy, held to bounds at run time, capped per sweep.

The probe: `R/PT0S` and `R/2000-01-01T00:00:00Z/P1D` deployed, and the worker then fired hundreds
of occurrences per sweep (1,806 READY tasks in one case in 12 s).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.bpmn import BpmnValidationError, validate_bpmn
from engine.cases.runtime import ProcessError
from engine.deadlines import worker
from engine.deadlines.models import WAITING
from engine.deadlines.timer_events import add_iso_duration, first_from, parse_cycle
from engine.deadlines.worker import MAX_PER_TIMER, due_cases, sweep
from tests.conftest import bound_session
from tests.engine.deadlines.diagrams import HEAD, TAIL, _timer, boundary, intermediate

T0 = "2026-11-20T10:00:00+01:00"


def cycles(pid: str, texts: list[str]) -> bytes:
    """start → work, with one non-interrupting cycle per text on it (each → its own task) → end."""
    names = [f"b{n}" for n in range(len(texts))]
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>"
                   for n in ("s", "work", "e", *names, *(f"t_{n}" for n in names), *(f"e_{n}" for n in names)))
    body = ['<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>',
            '<bpmn:userTask id="work" name="Arbejde"><bpmn:incoming>f1</bpmn:incoming>'
            '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>',
            '<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>',
            '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />',
            '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e" />']
    for name, text in zip(names, texts, strict=True):
        body += [f'<bpmn:boundaryEvent id="{name}" attachedToRef="work" cancelActivity="false">'
                 f'<bpmn:outgoing>g_{name}</bpmn:outgoing>{_timer("timeCycle", text)}</bpmn:boundaryEvent>',
                 f'<bpmn:userTask id="t_{name}" name="Påmindelse"><bpmn:incoming>g_{name}</bpmn:incoming>'
                 f'<bpmn:outgoing>h_{name}</bpmn:outgoing></bpmn:userTask>',
                 f'<bpmn:endEvent id="e_{name}"><bpmn:incoming>h_{name}</bpmn:incoming></bpmn:endEvent>',
                 f'<bpmn:sequenceFlow id="g_{name}" sourceRef="{name}" targetRef="t_{name}" />',
                 f'<bpmn:sequenceFlow id="h_{name}" sourceRef="t_{name}" targetRef="e_{name}" />']
    return (HEAD.format(pid=pid, refs=refs) + "\n".join(body) + TAIL).encode()


def _refused(xml: bytes, now: datetime | None = None) -> list[tuple[str | None, str]]:
    with pytest.raises(BpmnValidationError) as refused:
        validate_bpmn(xml, now=now)
    return [(p.element_id, p.message) for p in refused.value.problems]


@pytest.mark.parametrize("text, reason", [
    ("R/PT0S", "the shortest period allowed is PT1H"),
    ("R/PT30M", "the shortest period allowed is PT1H"),
    ("R5/P0D", "the shortest period allowed is PT1H"),
    ("R/2000-01-01T00:00:00Z/P1D", "the cycle starts in the past (2000-01-01T00:00:00Z)"),
    ("R3/P1D/2030-12-01T09:00:00Z", "a cycle that ends at a moment"),
])
def test_deploy_refuses_a_cycle_that_would_flood(driver, text, reason):
    with pytest.raises(BpmnValidationError) as refused:
        driver.deploy(boundary("flood", "timeCycle", text, interrupting=False))
    [problem] = refused.value.problems
    assert problem.element_id == "b" and reason in problem.message


def test_a_cycle_start_is_judged_at_the_deploy_instant_not_today():
    xml = boundary("later", "timeCycle", "R/2030-01-07T09:00:00+01:00/P7D", interrupting=False)
    assert validate_bpmn(xml, now=datetime(2029, 12, 1, tzinfo=UTC)).process_ids == ["later"]
    assert "starts in the past" in _refused(xml, now=datetime(2031, 1, 1, tzinfo=UTC))[0][1]


def test_hourly_and_daily_cycles_still_deploy(driver):
    driver.deploy(cycles("fine", ["R/PT1H", "R3/P1D", "R/P1W"]))


def test_a_cycle_from_an_expression_is_held_to_the_same_period_when_reached(driver, at):
    driver.deploy(boundary("computed", "timeCycle", "cycle", interrupting=False))  # the case says how often
    with pytest.raises(ProcessError) as failed:
        driver.open("computed", at(T0), cycle="R/PT0S")
    assert "the shortest period allowed is PT1H" in str(failed.value.details)


def test_an_unbounded_cycle_that_started_long_ago_continues_from_now_without_catching_up(driver, at):
    driver.deploy(boundary("old", "timeCycle", "cycle", interrupting=False))
    case = driver.open("old", at(T0), cycle="R/2000-01-01T00:00:00Z/P1D")
    [timer] = driver.timers(case)
    assert timer.state == WAITING and timer.due_at == at("2026-11-21T01:00:00+01:00")  # 01:00 local, daily
    assert driver.sweep(at("2026-11-20T23:00:00+01:00")).fired == 0
    assert driver.sweep(at("2026-11-21T01:00:00+01:00")).fired == 1
    assert driver.ready(case) == ["work", "late"]


def test_a_sweep_fires_at_most_max_per_timer_occurrences_of_one_timer(driver, at):
    driver.deploy(cycles("hourly", ["R/PT1H"]))
    case = driver.open("hourly", at(T0))
    later = at(T0) + timedelta(days=30)  # 720 occurrences missed, e.g. the worker was down
    assert driver.sweep(later).fired == MAX_PER_TIMER
    assert driver.ready(case).count("t_b0") == MAX_PER_TIMER
    assert driver.sweep(later).fired == MAX_PER_TIMER  # the rest follows at the next sweeps


def test_a_sweep_stops_a_case_after_its_cap(driver, at, monkeypatch):
    monkeypatch.setattr(worker, "MAX_FIRED_PER_CASE", 6)
    driver.deploy(cycles("three", ["R/PT1H", "R/PT1H", "R/PT1H"]))
    driver.open("three", at(T0))
    assert driver.sweep(at(T0) + timedelta(days=30)).fired == 6


def test_a_flooding_case_does_not_starve_another_cases_due_timer(driver, at):
    driver.deploy(cycles("flood", ["R/PT1H", "R/PT1H", "R/PT1H"]))
    driver.deploy(intermediate("quiet", "timeDuration", "P7D"))
    flooding = driver.open("flood", at(T0))  # due first, and still due after each of its sweeps
    quiet = driver.open("quiet", at("2026-11-21T10:00:00+01:00"))
    later = at(T0) + timedelta(days=30)
    factory = lambda: bound_session(driver.connection)  # noqa: E731
    with factory() as session:
        assert due_cases(session, later, batch=2) == [flooding.id, quiet.id]  # one place per case
    result = sweep(factory, clock=lambda: later, batch=1)  # a batch of one: the flood takes it first
    driver.session.expire_all()
    assert result.cases == 2
    assert driver.ready(quiet) == ["after"]
    assert any(t.state == WAITING and t.due_at <= later for t in driver.timers(flooding))  # still catching up


def test_parse_cycle_skips_forward_in_few_steps_and_keeps_bounded_cycles():
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert parse_cycle("R/0001-01-01T09:00:00Z/PT1H", now)[1] == now
    assert parse_cycle("R3/2026-11-01T09:00:00Z/P1D", now) == (3, datetime(2026, 11, 1, 9, 0, tzinfo=UTC), "P1D")
    assert first_from(datetime(2026, 1, 31, 9, 0, tzinfo=UTC), "P1M", now) == datetime(2026, 11, 30, 9, 0,
                                                                                       tzinfo=UTC)


def test_an_hour_across_the_autumn_change_is_an_hour():
    # 02:30 happens twice on 25 Oct 2026 in Copenhagen; from the second, PT1H gave the same instant
    # back, so an hourly cycle never moved on and fired at every engine run.
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert add_iso_duration(second, "PT1H") == second + timedelta(hours=1)
    assert add_iso_duration(datetime(2026, 10, 24, 1, 30, tzinfo=UTC), "P1D") == datetime(2026, 10, 25, 2, 30,
                                                                                          tzinfo=UTC)
