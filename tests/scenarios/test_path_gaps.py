"""Gaps left by issue 14, walked through the shipped diagrams on a fixed clock (every step reloads the case):

1. a re-assessment that comes out medium or high calls in the security consultant and the police again, as the
   first assessment does, in both procedures;
2. the adults' safety plan has its review date, like the children's;
3. the adults' acute task has its own form, citing serviceloven, not barnets lov.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases.acute import raise_acute
from engine.cases.reassessment import start_reassessment
from engine.consent.service import list_disclosures, record_consent
from engine.deadlines.models import Timer
from engine.errors import InvalidInput
from engine.tasks.service import task_form, task_properties
from tests.scenarios.conftest import Scenario, cph, form_fields
from tests.scenarios.test_adults_v2 import assigned
from tests.scenarios.test_risk_review import at_investigation

RECEIVED = cph(2026, 11, 23, 9)  # a Monday
CHILDREN, ADULTS = "raadgiver-boern", "raadgiver-voksen"
AGAIN = ["Task_ny_risiko_politi", "Task_ny_risiko_sikkerhedskonsulent"]
POLICE_BASIS = {"disclosure_summary": "Ny trussel mod den unge", "disclosure_purpose": "Beskyttelse",
                "disclosure_exception": "danger_to_life_or_health",
                "disclosure_justification": "Truet på livet i går"}


def adult_after_first_assessment(sc: Scenario, level: str = "low", **result):
    """An adult's inquiry, through conversations and sparring to a first risk assessment at `level`."""
    case = sc.open("henvendelse_voksen", RECEIVED, received_at=RECEIVED.isoformat(), source="citizen")
    assigned(sc, case)
    sc.do(case, "Task_samtale", ADULTS, cph(2026, 11, 25, 10), another_conversation="no")
    sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 26, 10), sparring_anonymised=True)
    sc.do(case, "Task_risiko_forbered_voksen", ADULTS, cph(2026, 11, 27, 10), risk_assessor="own")
    sc.do(case, "Task_risiko_resultat_voksen", ADULTS, cph(2026, 12, 1, 10), risk_level=level, **result)
    return case


def reassess(sc: Scenario, case, who: str, suffix: str, at, level: str) -> list[str]:
    """Start a new risk assessment from the case page and carry it out with the result `level`."""
    start_reassessment(sc.session, case.id, sc.users[who], "Ny trussel via SMS", clock=lambda: at)
    sc.do(case, f"Task_risiko_forbered_{suffix}", who, at + timedelta(hours=1), risk_assessor="own")
    return sc.do(case, f"Task_risiko_resultat_{suffix}", who, at + timedelta(hours=2), risk_level=level)


# ------------------------------------------------------------------ 1. a raised risk calls them in again


def test_a_childs_reassessment_at_high_risk_calls_in_the_consultant_and_the_police_again(sc):
    case = at_investigation(sc)
    sc.do(case, "Task_sikkerhedsplan", CHILDREN, cph(2026, 12, 3, 10))
    ready = reassess(sc, case, CHILDREN, "boern", cph(2026, 12, 10, 9), "high")
    assert ready == [*AGAIN, "Task_undersoegelse"], "beside the investigation, which goes on"
    for bpmn_id, kind in (("Task_ny_risiko_sikkerhedskonsulent", "security_consultant"),
                          ("Task_ny_risiko_politi", "police")):
        task = sc.task(case, bpmn_id)
        assert task.assignee.username == "sc-raadgiver-boern", "the owner's tasks"
        assert (task.due_rule, task.due_at is not None) == ("consultant_contact_workdays", True)
        props = task_properties(sc.session, task)
        assert (props["disclosure_recipient"], props["directory_kind"]) == (kind, kind)
    # Sharing with the police is gated like every sharing step: no basis, no completion.
    with pytest.raises(InvalidInput, match="without a recorded basis"):
        sc.do(case, "Task_ny_risiko_politi", CHILDREN, cph(2026, 12, 10, 13),
              disclosure_summary="Ny trussel", disclosure_purpose="Beskyttelse")
    assert sc.do(case, "Task_ny_risiko_politi", CHILDREN, cph(2026, 12, 10, 13), **POLICE_BASIS) == [
        "Task_ny_risiko_sikkerhedskonsulent", "Task_undersoegelse"]
    assert [d.recipient_kind for d in list_disclosures(sc.session, case.id, sc.users[CHILDREN])] == ["police"]
    sc.session.expire_all()
    assert case.risk_level == "high"


def test_a_childs_review_that_finds_medium_risk_calls_them_in_and_a_low_one_does_not(sc):
    case = at_investigation(sc, risk_review_date="2027-01-15")
    assert sc.sweep(cph(2027, 1, 15, 0, 1)).fired == 1
    sc.do(case, "Task_genvurdering_risiko", CHILDREN, cph(2027, 1, 15, 10), risk_changed="yes")
    sc.do(case, "Task_risiko_forbered_boern", CHILDREN, cph(2027, 1, 18, 9), risk_assessor="own")
    assert sc.do(case, "Task_risiko_resultat_boern", CHILDREN, cph(2027, 1, 18, 10), risk_level="medium") == [
        *AGAIN, "Task_sikkerhedsplan", "Task_undersoegelse"]
    # A later re-assessment that finds the risk low again involves nobody new.
    before = sc.ready(case)
    assert reassess(sc, case, CHILDREN, "boern", cph(2027, 2, 1, 9), "low") == before


def test_an_adults_reassessment_at_high_risk_calls_in_the_consultant_and_the_police_again(sc):
    case = adult_after_first_assessment(sc, "low")
    assert sc.ready(case) == ["Task_opfoelgning_foranstaltning_voksen"], "low: nobody called in at first"
    ready = reassess(sc, case, ADULTS, "voksen", cph(2026, 12, 8, 9), "high")
    assert ready == [*AGAIN, "Task_opfoelgning_foranstaltning_voksen"]
    consultant = sc.task(case, "Task_ny_risiko_sikkerhedskonsulent")
    assert consultant.assignee.username == "sc-raadgiver-voksen"
    consent = record_consent(sc.session, case.id, sc.users[ADULTS], given_by="citizen",
                             recipient_kind="security_consultant", scope="Ny risikovurdering",
                             purpose="Sikkerhed", given_at=cph(2026, 12, 8, 12))
    sc.do(case, "Task_ny_risiko_sikkerhedskonsulent", ADULTS, cph(2026, 12, 8, 13),
          disclosure_consent_id=str(consent.id), disclosure_summary="Ny trussel via SMS",
          disclosure_purpose="Ny risikovurdering")
    sc.do(case, "Task_ny_risiko_politi", ADULTS, cph(2026, 12, 8, 14), **POLICE_BASIS)
    assert sorted(d.recipient_kind for d in list_disclosures(sc.session, case.id, sc.users[ADULTS])) == [
        "police", "security_consultant"]
    assert [e.kind for e in sc.events(case, "security_consultant_involved")] == ["security_consultant_involved"]
    sc.session.expire_all()
    assert (case.risk_level, sc.ready(case)) == ("high", ["Task_opfoelgning_foranstaltning_voksen"])


def test_an_adults_reassessment_at_low_risk_involves_nobody_new(sc):
    case = adult_after_first_assessment(sc, "low")
    assert reassess(sc, case, ADULTS, "voksen", cph(2026, 12, 8, 9), "low") == [
        "Task_opfoelgning_foranstaltning_voksen"]


# ------------------------------------------------------------------ 2. the adults' safety-plan review


def _adult_safety_plan(sc: Scenario, **plan):
    case = adult_after_first_assessment(sc, "medium")
    consent = record_consent(sc.session, case.id, sc.users[ADULTS], given_by="citizen",
                             recipient_kind="security_consultant", scope="Risikovurdering", purpose="Sikkerhed",
                             given_at=cph(2026, 12, 1, 11))
    sc.do(case, "Task_sikkerhedskonsulent_voksen", ADULTS, cph(2026, 12, 1, 12), disclosure_consent_id=str(consent.id))
    assert sc.do(case, "Task_sikkerhedsplan_voksen", ADULTS, cph(2026, 12, 2, 10),
                 safety_plan="Plan for sikkerhed ved brud", safe_contact_rules=["ask_if_alone"],
                 **plan) == ["Task_handleplan"]
    return case


def test_the_adults_safety_plan_review_date_creates_the_review_task(sc):
    case = _adult_safety_plan(sc, safety_plan_review="2027-02-01")
    [timer] = sc.session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.state == "waiting",
                                                     Timer.bpmn_id == "Timer_genvurdering_sikkerhedsplan")).all()
    assert timer.due_at == cph(2027, 2, 1), "the start of the day, Danish time"
    assert sc.sweep(cph(2027, 1, 31, 23, 59)).fired == 0
    assert sc.sweep(cph(2027, 2, 1, 8)).fired == 1
    review = sc.task(case, "Task_genvurdering_sikkerhedsplan")
    assert (review.assignee.username, review.due_at) == ("sc-raadgiver-voksen", cph(2027, 2, 1, 8))
    card = task_properties(sc.session, review)["action_card"]
    assert "borgeren" in card and "den unge" not in card
    # A changed risk starts a new risk assessment beside the path.
    assert "Task_risiko_forbered_voksen" in sc.do(case, "Task_genvurdering_sikkerhedsplan", ADULTS,
                                                  cph(2027, 2, 1, 9), risk_changed="yes")


def test_the_adults_safety_plan_review_that_finds_no_change_ends_quietly_and_no_date_sets_no_timer(sc):
    case = _adult_safety_plan(sc, safety_plan_review="2027-02-01")
    assert sc.sweep(cph(2027, 2, 1, 8)).fired == 1
    before = [t for t in sc.ready(case) if t != "Task_genvurdering_sikkerhedsplan"]
    assert sc.do(case, "Task_genvurdering_sikkerhedsplan", ADULTS, cph(2027, 2, 1, 9), risk_changed="no",
                 review_note="Planen virker") == before
    other = _adult_safety_plan(sc)
    assert not sc.session.scalars(select(Timer).where(
        Timer.case_id == other.id, Timer.bpmn_id == "Timer_genvurdering_sikkerhedsplan")).all()


# ------------------------------------------------------------------ 3. the adults' own acute form


def test_the_adults_acute_task_has_its_own_form_citing_the_adults_legislation(sc):
    case = adult_after_first_assessment(sc, "low")
    raise_acute(sc.session, case.id, sc.users[ADULTS], "Borgeren er truet på livet", clock=lambda: cph(2026, 12, 2, 9))
    schema = task_form(sc.session, sc.task(case, "Task_akut_handling"))["schema"]
    assert schema["id"] == "akut_handling_voksen"
    text = json.dumps(schema, ensure_ascii=False)
    assert "serviceloven § 109" in text and "serviceloven § 12 a, stk. 2" in text
    assert "§ 143" not in text and "Barnet" not in text
    fields = form_fields(schema)
    assert "emergency_decision" not in fields, "no committee decision for an adult"
    assert "shelter_stay" in {v["value"] for v in fields["acute_measures"]["values"]}
    assert sc.do(case, "Task_akut_handling", ADULTS, cph(2026, 12, 2, 10), acute_measures=["shelter_stay"],
                 acute_measures_description="Borgeren er kørt til krisecentret") == [
        "Task_akut_politi", "Task_akut_sikkerhedskonsulent", "Task_opfoelgning_foranstaltning_voksen"]
    # The children's acute task keeps the children's form.
    child = at_investigation(sc)
    raise_acute(sc.session, child.id, sc.users[CHILDREN], "Faren truer barnet nu", clock=lambda: cph(2026, 12, 2, 11))
    assert task_form(sc.session, sc.task(child, "Task_akut_handling"))["schema"]["id"] == "akutte_foranstaltninger"
