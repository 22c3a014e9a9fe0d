"""Scenarios for `henvendelse_voksen` (an inquiry about an adult), through the services on a fixed clock.

An inquiry is received Monday 23 November 2026 09:00 (Copenhagen). Every step loads the case's
workflow from the database and saves it as JSON again; timers fire only when the worker sweeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.consent.service import list_disclosures, record_consent
from engine.deadlines.models import Timer
from engine.errors import InvalidInput
from engine.tasks.models import Task
from tests.scenarios.conftest import Scenario, cph

RECEIVED = cph(2026, 11, 23, 9)  # a Monday
PROCESS = "henvendelse_voksen"
CASEWORKER = "raadgiver-voksen"
_DANGER = {"disclosure_summary": "Truslerne", "disclosure_purpose": "Beskytte borgeren nu",
           "disclosure_exception": "danger_to_life_or_health", "disclosure_justification": "Trusler i dag"}
ACUTE_DONE = {"Task_akut_handling": {"acute_measures": ["other"]},
              "Task_akut_politi": _DANGER, "Task_akut_sikkerhedskonsulent": _DANGER}


def inquiry(sc: Scenario, **data):
    return sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="citizen", **data)


def to_risk_result(sc: Scenario, case, *, acute: bool = False) -> None:
    """Triage, assignment, one conversation, sparring unless acute, a risk assessment of one's own."""
    assert sc.groups(case) == {"Task_visitering": "modtagerteam"}
    acute_tasks = ["Task_akut_handling", "Task_akut_politi", "Task_akut_sikkerhedskonsulent"] if acute else []
    assert sc.do(case, "Task_visitering", "modtagerteam", RECEIVED + timedelta(hours=2), triage_decision="forward",
                 acute=acute) == sorted(["Task_fordel_sag", *acute_tasks])
    for bpmn_id in acute_tasks:  # the acute handling runs beside the path (tests/scenarios/test_danger.py)
        sc.do(case, bpmn_id, CASEWORKER, RECEIVED + timedelta(hours=3), **ACUTE_DONE[bpmn_id])
    assert sc.groups(case) == {"Task_fordel_sag": "teamleder"}
    assert sc.do(case, "Task_fordel_sag", "teamleder", RECEIVED + timedelta(hours=4),
                 assigned_caseworker="sc-raadgiver-voksen") == ["Task_samtale"]
    assert sc.groups(case) == {"Task_samtale": CASEWORKER}
    assert sc.task(case, "Task_samtale").assignee.username == case.owner.username == "sc-raadgiver-voksen"
    # An external phone interpreter learns about the case: a disclosure, on the citizen's consent.
    interpreter = record_consent(sc.session, case.id, sc.users[CASEWORKER], given_by="citizen",
                                 recipient_kind="interpreter", scope="Samtalens indhold", purpose="Tolkning",
                                 given_at=cph(2026, 11, 25, 9))
    ready = sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 25, 10), conversation_alone=True,
                  interpreter="phone_external", nsc_signs=["threats"], another_conversation="no",
                  disclosure_summary="Samtalen", disclosure_purpose="Tolkning",
                  disclosure_consent_id=str(interpreter.id))
    if acute:
        assert ready == ["Task_risiko_forbered_voksen"], "no sparring with the knowledge person when acute"
    else:
        assert sc.groups(case) == {"Task_sparring": "vidensperson"}
        sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 26, 10), sparring_anonymised=True)
    assert sc.groups(case) == {"Task_risiko_forbered_voksen": CASEWORKER}
    sc.do(case, "Task_risiko_forbered_voksen", CASEWORKER, cph(2026, 11, 27, 10), risk_assessor="own")
    assert sc.groups(case) == {"Task_risiko_resultat_voksen": CASEWORKER}


# --------------------------------------------------------------------------------- 4. shelter and home


def test_through_a_shelter_and_back_to_an_own_home(sc):
    case = inquiry(sc)
    to_risk_result(sc, case)
    # Low risk of violence, but home is not safe: a shelter, no consultant chain (tests/scenarios/test_adults_v2.py).
    assert sc.do(case, "Task_risiko_resultat_voksen", CASEWORKER, cph(2026, 12, 1, 10), risk_level="low",
                 unsafe_home=True) == ["Task_krisecenter"]
    shelter = record_consent(sc.session, case.id, sc.users[CASEWORKER], given_by="citizen", recipient_kind="shelter",
                             scope="Henvisning og sikkerhedssituation", purpose="Ophold på krisecenter",
                             given_at=cph(2026, 12, 1, 11))
    # The referral asks for no admission date; the admission is recorded when it happens.
    assert sc.do(case, "Task_krisecenter", CASEWORKER, cph(2026, 12, 2, 15), shelter_type="womens_shelter",
                 anonymous_stay=True, anonymous_confirmed="confirmed",
                 disclosure_consent_id=str(shelter.id)) == ["Task_indskrevet"]
    # Admitted Friday 4 December: the shelter's notice is due 3 working days later, at the end of Wednesday 9th.
    assert sc.do(case, "Task_indskrevet", CASEWORKER, cph(2026, 12, 4, 15),
                 shelter_admitted_at="2026-12-04") == ["Task_indskrivning", "Task_koordinerende"]
    notice = sc.task(case, "Task_indskrivning")
    assert (notice.candidate_group, notice.due_at, notice.due_rule) == (
        CASEWORKER, cph(2026, 12, 10), "shelter_notice_3_workdays")
    assert sc.task(case, "Task_koordinerende").due_at is None

    assert sc.do(case, "Task_koordinerende", CASEWORKER, cph(2026, 12, 7, 10),
                 coordinating_advice_answer="accepted", disclosure_summary="Aftaler om rådgivningen",
                 anonymous_confirmed="confirmed", disclosure_purpose="Koordinering",
                 disclosure_consent_id=str(shelter.id)) == [
        "Task_indskrivning", "Task_psykolog"]
    assert sc.do(case, "Task_indskrivning", CASEWORKER, cph(2026, 12, 8, 10), shelter_notice_status="received",
                 shelter_notice_received_at="2026-12-07") == ["Task_psykolog"]
    assert sc.do(case, "Task_psykolog", CASEWORKER, cph(2026, 12, 8, 11), psychologist_answer="declined",
                 psychologist_hours=0) == ["Task_udskrevet"]
    assert sc.do(case, "Task_udskrevet", CASEWORKER, cph(2027, 2, 1, 9), shelter_discharged_at="2027-02-01") == [
        "Task_overgang", "Task_udskrivning_besked"]
    # A safety alarm from the police tells the police about the new home: not without a basis.
    with pytest.raises(InvalidInput, match="without a recorded basis"):
        sc.do(case, "Task_overgang", CASEWORKER, cph(2027, 2, 1, 10), anonymous_confirmed="confirmed",
              home_safety_measures=["address_protection", "safety_alarm"])
    assert sc.do(case, "Task_overgang", CASEWORKER, cph(2027, 2, 1, 10), anonymous_confirmed="confirmed",
                 home_safety_measures=["address_protection", "safe_contact"]) == ["Task_udskrivning_besked"]
    assert sc.do(case, "Task_udskrivning_besked", CASEWORKER, cph(2027, 2, 3, 10), discharge_notice_status="anonymous",
                 discharge_notice_received_at="2027-02-03") == ["Task_opfoelgning_foranstaltning_voksen"]
    sc.do(case, "Task_opfoelgning_foranstaltning_voksen", CASEWORKER, cph(2027, 2, 1, 11),
          measure_started_at="2027-02-01")
    first = sc.task(case, "Task_opfoelgning_foerste_voksen")
    # 3 calendar months from 1 February: the end of 1 May, in Danish summer time (the adults' own rule).
    assert (first.candidate_group, first.due_at, first.due_rule) == (
        CASEWORKER, datetime.fromisoformat("2027-05-02T00:00+02:00"), "adult_followup_3_months")
    assert sc.do(case, "Task_opfoelgning_foerste_voksen", CASEWORKER, cph(2027, 4, 20, 10),
                 followup_next="end") == []
    assert sc.status(case) == "closed"
    disclosures = list_disclosures(sc.session, case.id, sc.users[CASEWORKER])
    assert sorted((d.recipient_kind, d.consent_id == shelter.id) for d in disclosures) == [
        ("interpreter", False), ("shelter", True), ("shelter", True)]
    police = sc.session.scalars(select(Task).where(Task.case_id == case.id, Task.bpmn_id == "Task_politi")).all()
    assert police == [], "no threats or violence: the police are not involved"


# ----------------------------------------------------------------------------------------- 2. acute


def test_acute_inquiry_skips_the_knowledge_person(sc):
    case = inquiry(sc)
    to_risk_result(sc, case, acute=True)
    assert sc.do(case, "Task_risiko_resultat_voksen", CASEWORKER, cph(2026, 11, 27, 12),
                 risk_level="low") == ["Task_opfoelgning_foranstaltning_voksen"]
    sparring = sc.session.scalars(select(Task).where(Task.case_id == case.id, Task.bpmn_id == "Task_sparring")).all()
    assert sparring == []


def test_an_inquiry_closed_at_triage_closes_the_case(sc):
    case = inquiry(sc)
    closed_at = RECEIVED + timedelta(hours=1)
    assert sc.do(case, "Task_visitering", "modtagerteam", closed_at, triage_decision="close",
                 close_reason="Henvist til jobcentret") == []
    assert sc.status(case) == "closed"
    assert case.closed_at == closed_at


# ------------------------------------------------------------------------------------ 9. follow-up loop


def test_follow_up_twice_at_the_chosen_interval_then_close(sc):
    case = inquiry(sc)
    to_risk_result(sc, case)
    assert sc.do(case, "Task_risiko_resultat_voksen", CASEWORKER, cph(2026, 12, 1, 10),
                 risk_level="low") == ["Task_opfoelgning_foranstaltning_voksen"]
    sc.do(case, "Task_opfoelgning_foranstaltning_voksen", CASEWORKER, cph(2026, 12, 7, 10),
          measure_started_at="2026-12-07")

    held = cph(2027, 1, 11, 10)
    assert sc.do(case, "Task_opfoelgning_foerste_voksen", CASEWORKER, held, followup_next="continue",
                 followup_interval="P1M") == []
    for round_ in range(2):
        [timer] = sc.session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.state == "waiting")).all()
        due = held + timedelta(days=31 if round_ == 0 else 28)  # P1M by calendar date: 11 Jan → 11 Feb → 11 Mar
        assert (timer.bpmn_id, timer.due_at) == ("Timer_opfoelgning_interval_voksen", due)
        assert sc.sweep(due - timedelta(seconds=1)).fired == 0
        assert sc.ready(case) == []
        assert sc.sweep(due + timedelta(seconds=1)).fired == 1
        assert sc.groups(case) == {"Task_opfoelgning_loebende_voksen": CASEWORKER}
        held = due + timedelta(days=1)
        sc.do(case, "Task_opfoelgning_loebende_voksen", CASEWORKER, held,
              followup_next="continue" if round_ == 0 else "end", followup_interval="P1M")
    assert sc.ready(case) == []
    assert sc.status(case) == "closed"
    assert case.closed_at == held
    assert [e.details["bpmn_id"] for e in sc.events(case, "timer_fired")] == [
        "Timer_opfoelgning_interval_voksen", "Timer_opfoelgning_interval_voksen"]
