"""Issue 14, form defects: a child's conversation that was not possible, a measure without a
description, a safety plan at low risk, a school's notification without the box ticked, and the
start form's help text. Walked through the shipped `underretning_boern` on a fixed clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.consent.models import SafeContact
from engine.errors import InvalidInput
from engine.tasks.models import Task
from tests.scenarios.conftest import Scenario, cph
from tests.scenarios.test_children import CASEWORKER, RECEIVED, give_feedback, to_investigation
from tests.workflows.shipped import data_components, load_form

PROCESS = "underretning_boern"


def assigned(sc: Scenario, **start):
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), **start)
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2), assessment_decision="forward")
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker="sc-raadgiver-boern")
    return case


def test_a_childs_conversation_that_was_not_possible_comes_back_or_goes_on_to_screening(sc):
    case = assigned(sc, source="school")
    talk = dict(conversation_place="school", interpreter="none", child_statement="Barnet var ikke i skole")
    first = sc.task(case, "Task_boernesamtale")
    ready = sc.do(case, "Task_boernesamtale", CASEWORKER, cph(2026, 11, 25, 10), conversation_outcome="retry", **talk)
    assert "Task_boernesamtale" in ready and "Task_screening" not in ready
    again = sc.task(case, "Task_boernesamtale")
    assert again.id != first.id and again.assignee.username == "sc-raadgiver-boern"
    ready = sc.do(case, "Task_boernesamtale", CASEWORKER, cph(2026, 11, 27, 10), conversation_outcome="not_possible",
                  **{**talk, "child_statement": "Forælder insisterede på at være med; ingen samtale"})
    assert "Task_screening" in ready and "Task_boernesamtale" not in ready


def test_a_school_notification_gets_feedback_even_when_the_box_was_left_unticked(sc):
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="school")
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2), assessment_decision="close",
          close_reason="Ingen bekymring")
    assert "Task_tilbagemelding_lukning" in sc.ready(case)
    private = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="parent")
    sc.do(private, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2), assessment_decision="close",
          close_reason="Ingen bekymring")
    assert "Task_tilbagemelding_lukning" not in sc.ready(private)


def test_the_start_form_promises_nothing_it_does_not_do():
    fields = data_components(load_form("underretning_start"))
    assert "sikre måde at svare" not in fields["source"]["description"]
    assert "skole" in fields["professional_notifier"]["description"].lower()


def test_a_safety_plan_at_low_risk_sets_no_contact_rule_and_a_measure_needs_its_description(sc):
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="school", professional_notifier=True)
    to_investigation(sc, case)  # the safety plan at low risk is completed without ticking a rule
    assert sc.session.get(SafeContact, case.id) is None
    if "Task_tilbagemelding" in sc.ready(case):
        give_feedback(sc, case, cph(2026, 12, 4, 10))
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, "Task_undersoegelse", CASEWORKER, cph(2027, 1, 15, 10), investigation_outcome="measure")
    assert [p["field"] for p in refused.value.details] == ["measure_description"]
    sc.do(case, "Task_undersoegelse", CASEWORKER, cph(2027, 1, 15, 10), investigation_outcome="measure",
          measure_description="Familiebehandling fra 1. februar")
    done = sc.session.scalars(select(Task).where(Task.case_id == case.id, Task.bpmn_id == "Task_undersoegelse")).one()
    assert done.state == "COMPLETED"
