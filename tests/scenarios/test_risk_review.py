"""Risk that changes (issue 14): a new risk assessment from the case page, from follow-up, and when the
review date of the risk assessment or of the safety plan comes; the case's risk level is the newest one.

Walked on the shipped diagrams through the services on a fixed clock; every step reloads the case.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases.acute import raise_acute
from engine.cases.reassessment import start_reassessment
from engine.deadlines.models import Timer
from engine.errors import InvalidInput
from tests.scenarios.conftest import Scenario, cph

RECEIVED = cph(2026, 11, 23, 9)  # a Monday
WORKER = "raadgiver-boern"


def at_investigation(sc: Scenario, **result):
    """A parent's notification, assessed low by the caseworker; the safety plan made; the investigation runs."""
    case = sc.open("underretning_boern", RECEIVED, received_at=RECEIVED.isoformat(), source="parent",
                   professional_notifier=False)
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2), assessment_decision="forward")
    sc.do(case, "Task_kvittering", "modtagerteam", cph(2026, 11, 24, 10), receipt_channel="phone")
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker="sc-raadgiver-boern")
    sc.do(case, "Task_boernesamtale", WORKER, cph(2026, 11, 26, 13), conversation_place="school", child_alone=True,
          interpreter="none")
    sc.do(case, "Task_screening", WORKER, cph(2026, 11, 27, 10), nsc_assessment="unsure")
    sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 30, 10), sparring_anonymised=True)
    sc.do(case, "Task_risiko_forbered_boern", WORKER, cph(2026, 12, 1, 10), risk_assessor="own")
    sc.do(case, "Task_risiko_resultat_boern", WORKER, cph(2026, 12, 2, 10), risk_level="low", **result)
    return case


def risk(sc: Scenario, case) -> str | None:
    sc.session.expire_all()
    return sc.status(case) and case.risk_level


def assess(sc: Scenario, case, at, level: str, **more) -> list[str]:
    sc.do(case, "Task_risiko_forbered_boern", WORKER, at, risk_assessor="own")
    return sc.do(case, "Task_risiko_resultat_boern", WORKER, at + timedelta(hours=1), risk_level=level, **more)


def test_a_new_risk_assessment_from_the_case_page_sets_the_case_s_risk_level(sc):
    case = at_investigation(sc)
    sc.do(case, "Task_sikkerhedsplan", WORKER, cph(2026, 12, 3, 10))
    assert risk(sc, case) == "low"
    changed = cph(2026, 12, 10, 15)
    with pytest.raises(InvalidInput):  # who and why are recorded: a reason is required
        start_reassessment(sc.session, case.id, sc.users[WORKER], " ", clock=lambda: changed)
    sc.session.rollback()
    _case, created = start_reassessment(sc.session, case.id, sc.users[WORKER], "Faren har truet hende i går",
                                        clock=lambda: changed)
    assert [t.bpmn_id for t in created] == ["Task_risiko_forbered_boern"]
    assert created[0].assignee.username == "sc-raadgiver-boern"
    assert sc.ready(case) == ["Task_risiko_forbered_boern", "Task_undersoegelse"], "beside the investigation"
    [event] = sc.events(case, "risk_reassessment")
    assert (event.actor, event.details["reason"]) == ("sc-raadgiver-boern", "Faren har truet hende i går")
    # High risk calls in the consultant and the police again, as the first assessment does (test_path_gaps.py).
    assert assess(sc, case, cph(2026, 12, 11, 9), "high") == [
        "Task_ny_risiko_politi", "Task_ny_risiko_sikkerhedskonsulent", "Task_undersoegelse"]
    assert risk(sc, case) == "high", "the header shows the newest assessment"


def test_a_new_risk_assessment_also_while_the_acute_handling_runs(sc):
    case = at_investigation(sc)
    raise_acute(sc.session, case.id, sc.users[WORKER], "Faren truer hende nu", clock=lambda: cph(2026, 12, 2, 11))
    _case, created = start_reassessment(sc.session, case.id, sc.users[WORKER], "Nye oplysninger fra politiet",
                                        clock=lambda: cph(2026, 12, 2, 12))
    assert [t.bpmn_id for t in created] == ["Task_risiko_forbered_boern"], "the risk assessment knows the case"


def test_the_risk_review_date_creates_the_review_task_and_a_changed_risk_starts_a_new_assessment(sc):
    case = at_investigation(sc, risk_review_date="2027-01-15")
    [timer] = sc.session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.state == "waiting",
                                                     Timer.bpmn_id == "Timer_genvurdering_risiko")).all()
    assert timer.due_at == cph(2027, 1, 15)  # the start of the day, Danish time
    assert sc.sweep(cph(2027, 1, 14, 23, 59)).fired == 0
    assert sc.sweep(cph(2027, 1, 15, 0, 1)).fired == 1
    review = sc.task(case, "Task_genvurdering_risiko")
    assert (review.assignee.username, review.due_at) == ("sc-raadgiver-boern", cph(2027, 1, 15, 0, 1))
    assert "Task_risiko_forbered_boern" in sc.do(case, "Task_genvurdering_risiko", WORKER, cph(2027, 1, 15, 10),
                                                 risk_changed="yes")
    assess(sc, case, cph(2027, 1, 18, 9), "medium", risk_review_date="2027-03-01")
    # A medium risk also calls in the consultant and the police again (tests/scenarios/test_path_gaps.py).
    assert risk(sc, case) == "medium"
    waiting = sc.session.scalars(select(Timer.due_at).where(Timer.case_id == case.id, Timer.state == "waiting",
                                                            Timer.bpmn_id == "Timer_genvurdering_risiko")).all()
    assert waiting == [cph(2027, 3, 1)], "the new assessment's review date is the next one"


def test_the_safety_plan_review_date_creates_its_review_task(sc):
    case = at_investigation(sc)
    sc.do(case, "Task_sikkerhedsplan", WORKER, cph(2026, 12, 3, 10), safety_plan_review="2027-02-01")
    assert sc.sweep(cph(2027, 2, 1, 8)).fired == 1
    assert sc.do(case, "Task_genvurdering_sikkerhedsplan", WORKER, cph(2027, 2, 1, 9), risk_changed="no",
                 review_note="Planen virker, ingen nye trusler") == ["Task_undersoegelse"]
    assert risk(sc, case) == "low"


def test_follow_up_that_finds_a_changed_risk_starts_a_new_assessment(sc):
    case = at_investigation(sc)
    sc.do(case, "Task_sikkerhedsplan", WORKER, cph(2026, 12, 3, 10))
    sc.do(case, "Task_undersoegelse", WORKER, cph(2027, 1, 20, 10), investigation_outcome="measure",
          measure_description="Familiebehandling og kontaktperson")
    sc.do(case, "Task_opfoelgning_foranstaltning_boern", WORKER, cph(2027, 1, 25, 10), measure_started_at="2027-01-25")
    with pytest.raises(InvalidInput) as refused:  # continuing needs its interval; ending is a choice of its own
        sc.do(case, "Task_opfoelgning_foerste_boern", WORKER, cph(2027, 4, 20, 10), followup_next="continue")
    assert {p["field"] for p in refused.value.details} == {"followup_interval"}
    assert sc.do(case, "Task_opfoelgning_foerste_boern", WORKER, cph(2027, 4, 20, 10), followup_next="continue",
                 followup_interval="P1M", followup_risk_changed=True) == ["Task_risiko_forbered_boern"]
    assess(sc, case, cph(2027, 4, 21, 9), "high")
    assert risk(sc, case) == "high"
    assert sc.status(case) == "open", "the follow-up goes on"
