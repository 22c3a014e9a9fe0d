"""Scenarios for `underretning_boern` (a notification about a child), through the services on a fixed clock.

A notification is received Monday 23 November 2026 09:00 (Copenhagen). Every step loads the case's
workflow from the database and saves it as JSON again; timers fire only when the worker sweeps.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.bpmn import load_specs
from engine.cases.runtime import run_engine, script_engine
from engine.cases.workflow_state import SPEC_CACHE, dump_state, load_state, new_workflow
from engine.consent.service import list_disclosures, record_consent, withdraw_consent
from engine.deadlines.calendar import DanishCalendar
from engine.deadlines.models import Timer
from engine.errors import InvalidInput
from engine.tasks.models import Task
from tests.scenarios.conftest import Scenario, cph, descending_task_ids

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
RECEIVED = cph(2026, 11, 23, 9)  # a Monday
PROCESS = "underretning_boern"
CASEWORKER = "raadgiver-boern"


def notification(sc: Scenario, professional: bool = True, at: datetime = RECEIVED):
    return sc.open(PROCESS, at, received_at=at.isoformat(), source="school" if professional else "parent",
                   professional_notifier=professional)


def consent(sc: Scenario, case, recipient_kind: str, at: datetime, by: str = CASEWORKER):
    return record_consent(sc.session, case.id, sc.users[by], given_by="citizen",
                          recipient_kind=recipient_kind, scope="Bekymringen og sikkerhedssituationen",
                          purpose="Beskyttelse af den unge", given_at=at)


PARALLEL = {"Task_undersoegelse", "Task_tilbagemelding"}  # from forwarding on, beside the path (issue 14)


def path_groups(sc: Scenario, case) -> dict[str, str | None]:
    """The READY tasks' groups on the path, without the investigation and the feedback that run beside it."""
    return {key: group for key, group in sc.groups(case).items() if key not in PARALLEL}


def give_feedback(sc: Scenario, case, at: datetime) -> None:
    """The § 137 feedback to a professional notifier, given when the case is forwarded (an investigation starts)."""
    sc.do(case, "Task_tilbagemelding", CASEWORKER, at, feedback_content="investigation_started",
          disclosure_exception="duty_to_notify_child", disclosure_justification="Barnets lov § 137")


def problems(exc: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {p["field"]: p["message"] for p in exc.value.details}


def to_risk_assessment(sc: Scenario, case, *, acute: bool = False) -> None:
    """Receipt, 24-hour assessment, assignment, conversation, screening (and sparring unless acute)."""
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2),
          assessment_decision="acute" if acute else "forward")
    sc.do(case, "Task_kvittering", "modtagerteam", cph(2026, 11, 24, 10), receipt_channel="secure_digital_post")
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker="sc-raadgiver-boern")
    # The chosen caseworker owns the case, and the caseworker's tasks arrive assigned to them.
    assert case.owner.username == "sc-raadgiver-boern"
    assert sc.task(case, "Task_boernesamtale").assignee.username == "sc-raadgiver-boern"
    if "Task_tilbagemelding" in sc.ready(case):
        give_feedback(sc, case, cph(2026, 11, 24, 12))
    sc.do(case, "Task_boernesamtale", CASEWORKER, cph(2026, 11, 26, 13), conversation_place="school",
          child_alone=True, interpreter="none")
    sc.do(case, "Task_screening", CASEWORKER, cph(2026, 11, 27, 10), nsc_assessment="yes")
    if not acute:
        assert path_groups(sc, case) == {"Task_sparring": "vidensperson"}
        sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 30, 10), sparring_anonymised=True)
    assert path_groups(sc, case) == {"Task_risiko_forbered_boern": CASEWORKER}


def to_investigation(sc: Scenario, case) -> None:
    """A low risk, assessed by the caseworker: nobody else involved, straight to the safety plan."""
    to_risk_assessment(sc, case)
    sc.do(case, "Task_risiko_forbered_boern", CASEWORKER, cph(2026, 12, 1, 10), risk_assessor="own")
    assert sc.do(case, "Task_risiko_resultat_boern", CASEWORKER, cph(2026, 12, 2, 10),
                 risk_level="low") == ["Task_sikkerhedsplan", "Task_undersoegelse"]
    assert sc.do(case, "Task_sikkerhedsplan", CASEWORKER, cph(2026, 12, 3, 10)) == ["Task_undersoegelse"]


# ------------------------------------------------------------------------------------------ 1. closed early


def test_a_notification_opens_only_with_the_start_data_its_start_form_asks_for(sc):
    with pytest.raises(InvalidInput) as missing:
        sc.open(PROCESS, RECEIVED, source="school")
    assert problems(missing) == {"data.received_at": "Feltet skal udfyldes."}
    with pytest.raises(InvalidInput) as wrong:
        sc.open(PROCESS, RECEIVED, received_at="23-11-2026", source="bakery", name="Fatima")
    assert problems(wrong) == {"data.received_at": "Skal være et gyldigt tidspunkt.",
                               "data.source": "Vælg en af mulighederne.",
                               "data.name": "Feltet findes ikke i formularen."}
    # Who notified is optional to say: left out, it counts as not a professional, and the case can close.
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="citizen")
    assert sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=3),
                 assessment_decision="close", close_reason="Ingen bekymring") == ["Task_kvittering"]


def test_closed_after_the_24_hour_assessment_the_professional_notifier_gets_feedback(sc):
    case = notification(sc)
    assert sc.groups(case) == {"Task_kvittering": "modtagerteam", "Task_vurdering_24t": "modtagerteam"}
    receipt = sc.task(case, "Task_kvittering")
    # 6 working days from Monday 23 Nov: Tuesday 1 December is the last day, due at its end.
    assert (receipt.due_at, receipt.due_rule) == (datetime.fromisoformat("2026-12-02T00:00+01:00"),
                                                  "receipt_6_workdays")
    assessment = sc.task(case, "Task_vurdering_24t")
    assert (assessment.due_at, assessment.due_rule) == (RECEIVED + timedelta(hours=24), "assessment_24h")

    ready = sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=3),
                  assessment_decision="close", close_reason="Ingen tegn på negativ social kontrol")
    assert ready == ["Task_kvittering", "Task_tilbagemelding_lukning"]
    assert sc.groups(case)["Task_tilbagemelding_lukning"] == "modtagerteam"
    assert sc.do(case, "Task_tilbagemelding_lukning", "modtagerteam", RECEIVED + timedelta(hours=4),
                 feedback_channel="secure_digital_post", disclosure_exception="duty_to_notify_child",
                 disclosure_justification="Barnets lov § 137: underretteren skal have besked") == ["Task_kvittering"]
    assert sc.status(case) == "open", "the receipt is still to be confirmed"

    closed_at = cph(2026, 11, 25, 10)
    assert sc.do(case, "Task_kvittering", "modtagerteam", closed_at) == []
    assert sc.status(case) == "closed"
    assert case.closed_at == closed_at
    [disclosure] = list_disclosures(sc.session, case.id, None)
    assert (disclosure.recipient_kind, disclosure.legal_exception, disclosure.consent_id) == (
        "other", "duty_to_notify_child", None)
    assert [e.details["basis"] for e in sc.events(case, "disclosure_recorded")] == ["lovhjemmel"]
    assert len(sc.events(case, "case_closed")) == 1
    # The 24-hour timer ended with the assessment: a later sweep changes nothing.
    assert [t.state for t in sc.session.scalars(select(Timer).where(Timer.case_id == case.id))] == ["cancelled"]
    assert sc.sweep(RECEIVED + timedelta(days=3)).fired == 0
    assert sc.events(case, "timer_fired") == []


def test_closed_after_the_24_hour_assessment_a_private_notifier_gets_no_feedback_task(sc):
    case = notification(sc, professional=False)
    with pytest.raises(InvalidInput) as no_reason:  # closing must say why
        sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=3), assessment_decision="close")
    assert problems(no_reason) == {"close_reason": "Feltet skal udfyldes."}
    assert sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=3),
                 assessment_decision="close", close_reason="Forældrene har selv søgt hjælp") == ["Task_kvittering"]
    sc.do(case, "Task_kvittering", "modtagerteam", RECEIVED + timedelta(hours=5), receipt_channel="phone")
    assert sc.status(case) == "closed"
    assert list_disclosures(sc.session, case.id, None) == []


# ------------------------------------------------------------------------------------------- 2. acute


def test_acute_path_skips_the_knowledge_person_and_goes_to_the_committee(sc):
    case = notification(sc)
    assert sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=1),
                 assessment_decision="acute", danger_signs=["threats", "travel_marriage"]) == [
        "Task_akut", "Task_konsulent_faretegn", "Task_kvittering"]
    # Danger signs call in the security consultant early: the reception's task, within a working day (issue 14)
    consultant = sc.task(case, "Task_konsulent_faretegn")
    assert (consultant.candidate_group, consultant.due_rule) == ("modtagerteam", "consultant_contact_workdays")
    sc.do(case, "Task_konsulent_faretegn", "modtagerteam", RECEIVED + timedelta(hours=1, minutes=30),
          disclosure_summary="Trusler og planlagt rejse", disclosure_purpose="Risikovurdering nu",
          disclosure_exception="danger_to_life_or_health", disclosure_justification="Trusler om bortførelse")
    assert sc.groups(case)["Task_akut"] == "modtagerteam"
    decided = RECEIVED + timedelta(hours=2)
    # Calling the police and the security consultant shares information: not without a recorded basis.
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, "Task_akut", "modtagerteam", decided,
              acute_measures=["child_kept_safe", "police_called", "security_consultant_called"],
              emergency_decision=True, emergency_decision_at=decided.isoformat())
    assert "disclosure_consent_id" in problems(refused)
    assert sc.do(case, "Task_akut", "modtagerteam", decided,
                 acute_measures=["child_kept_safe", "police_called", "security_consultant_called"],
                 emergency_decision=True, emergency_decision_at=decided.isoformat(),
                 disclosure_summary="Bekymringen og barnets opholdssted",
                 disclosure_purpose="Beskytte barnet nu", disclosure_exception="danger_to_life_or_health",
                 disclosure_justification="Trusler om bortførelse i dag") == ["Task_kvittering", "Task_udvalg"]
    told = list_disclosures(sc.session, case.id, None)
    assert sorted((d.recipient_kind, d.legal_exception) for d in told) == [
        ("police", "danger_to_life_or_health"), ("security_consultant", "danger_to_life_or_health"),
        ("security_consultant", "danger_to_life_or_health")]  # the early call and the acute action
    committee = sc.task(case, "Task_udvalg")
    # 7 calendar days from the decision (Monday 23 Nov): the end of Monday 30 November.
    assert (committee.candidate_group, committee.due_at, committee.due_rule) == (
        "teamleder", cph(2026, 12, 1), "committee_7_days")
    sc.do(case, "Task_kvittering", "modtagerteam", cph(2026, 11, 24, 10))
    assert sc.do(case, "Task_udvalg", "teamleder", cph(2026, 11, 27, 14),
                 committee_outcome="upheld") == ["Task_fordel_sag", "Task_tilbagemelding", "Task_undersoegelse"]
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 27, 15), assigned_caseworker="sc-raadgiver-boern")
    give_feedback(sc, case, cph(2026, 11, 27, 16))
    sc.do(case, "Task_boernesamtale", CASEWORKER, cph(2026, 11, 30, 10))
    # The caseworker leaves "akut fare" unticked: the reception's acute decision still skips sparring.
    assert sc.do(case, "Task_screening", CASEWORKER, cph(2026, 11, 30, 14)) == [
        "Task_risiko_forbered_boern", "Task_undersoegelse"]
    sc.do(case, "Task_risiko_forbered_boern", CASEWORKER, cph(2026, 12, 1, 10), risk_assessor="existing")
    sc.do(case, "Task_risiko_resultat_boern", CASEWORKER, cph(2026, 12, 1, 11), risk_level="low")
    sc.do(case, "Task_sikkerhedsplan", CASEWORKER, cph(2026, 12, 2, 10))
    assert sc.do(case, "Task_undersoegelse", CASEWORKER, cph(2027, 1, 15, 10),
                 investigation_outcome="no_measure") == []
    assert sc.status(case) == "closed"
    never = sc.session.scalars(select(Task).where(Task.case_id == case.id, Task.bpmn_id == "Task_sparring")).all()
    assert never == [], "no sparring with the knowledge person in an acute case"


# ------------------------------------------------------------------------------------------ 3. full path


def test_full_path_with_security_consultant_police_and_shelter_to_closed(sc):
    case = notification(sc)
    to_risk_assessment(sc, case)
    basis = {kind: consent(sc, case, kind, cph(2026, 11, 30, 15))
             for kind in ("security_consultant", "police", "shelter")}
    assert sc.do(case, "Task_risiko_forbered_boern", CASEWORKER, cph(2026, 12, 1, 9),
                 risk_assessor="security_consultant") == ["Task_risiko_del_sikkerhedskonsulent_boern",
                                                          "Task_undersoegelse"]
    sc.do(case, "Task_risiko_del_sikkerhedskonsulent_boern", CASEWORKER, cph(2026, 12, 1, 10),
          disclosure_summary="Bekymring for trusler og planlagt rejse", disclosure_purpose="Risikovurdering",
          disclosure_consent_id=str(basis["security_consultant"].id))
    ready = sc.do(case, "Task_risiko_resultat_boern", CASEWORKER, cph(2026, 12, 3, 10), risk_level="high",
                  threats_or_violence=True, unsafe_home=True)
    assert ready == ["Task_anbringelse", "Task_politi", "Task_sikkerhedskonsulent", "Task_undersoegelse"]
    assert set(sc.groups(case).values()) == {CASEWORKER}
    # The consultant task points to the directory: the region's consultants are the ones shown.
    from engine.directory.service import list_entries
    from engine.tasks.service import task_properties

    kind = task_properties(sc.session, sc.task(case, "Task_sikkerhedskonsulent"))["directory_kind"]
    assert [e.name for e in list_entries(sc.session, kind, "Syddanmark")] == ["Rolf"]
    assert [e.name for e in list_entries(sc.session, kind, "Hovedstaden")] == ["Maria"]

    SPEC_CACHE._items.clear()  # as after a restart: the specs are parsed again, the saved state is unchanged

    sc.do(case, "Task_politi", CASEWORKER, cph(2026, 12, 3, 11), police_agreement="Sikkerhedsalarm og kontaktperson",
          police_measures=["safety_alarm", "contact_person"], disclosure_consent_id=str(basis["police"].id),
          disclosure_recipient_name="Københavns Politi, forebyggelsesafdelingen")
    sc.do(case, "Task_sikkerhedskonsulent", CASEWORKER, cph(2026, 12, 3, 12),
          disclosure_consent_id=str(basis["security_consultant"].id))
    assert sc.ready(case) == ["Task_anbringelse", "Task_undersoegelse"], "the inclusive join waits for the third"
    assert sc.do(case, "Task_anbringelse", CASEWORKER, cph(2026, 12, 3, 16), placement_type="red_safehouse",
                 anonymous_stay=True, disclosure_consent_id=str(basis["shelter"].id)) == [
        "Task_sikkerhedsplan", "Task_undersoegelse"]
    # The plan is made with the consultant and the police: both are told again, each under its own consent
    # (the form names one; the other recipient's consent on file is found and recorded).
    assert sc.do(case, "Task_sikkerhedsplan", CASEWORKER, cph(2026, 12, 4, 10),
                 plan_made_with=["child", "security_consultant", "police"],
                 safe_contact_rules=["ask_if_alone", "no_letters_home"],  # required above low risk
                 disclosure_summary="Sikkerhedsplanen", disclosure_purpose="Fælles plan for barnets sikkerhed",
                 disclosure_consent_id=str(basis["police"].id)) == ["Task_undersoegelse"]
    investigation = sc.task(case, "Task_undersoegelse")
    assert (investigation.due_at, investigation.due_rule) == (cph(2027, 3, 24), "child_investigation_4_months")

    assert sc.do(case, "Task_undersoegelse", CASEWORKER, cph(2027, 2, 10, 10), investigation_outcome="measure",
                 measure_description="Kontaktperson") == ["Task_opfoelgning_foranstaltning_boern"]
    sc.do(case, "Task_opfoelgning_foranstaltning_boern", CASEWORKER, cph(2027, 2, 15, 10),
          measure_started_at="2027-02-15")
    first = sc.task(case, "Task_opfoelgning_foerste_boern")
    # 3 calendar months from 15 February: the end of 15 May, in Danish summer time.
    assert (first.candidate_group, first.due_at, first.due_rule) == (
        CASEWORKER, datetime.fromisoformat("2027-05-16T00:00+02:00"), "first_followup_3_months")
    assert sc.do(case, "Task_opfoelgning_foerste_boern", CASEWORKER, cph(2027, 5, 10, 10),
                 followup_next="end") == []
    assert sc.status(case) == "closed"

    disclosures = list_disclosures(sc.session, case.id, sc.users[CASEWORKER])
    assert "Københavns Politi, forebyggelsesafdelingen" in {d.recipient_name for d in disclosures}  # who exactly
    assert sorted(d.recipient_kind for d in disclosures) == [
        "other", "police", "police", "security_consultant", "security_consultant", "security_consultant", "shelter"]
    assert {d.recipient_kind: d.consent_id for d in disclosures if d.consent_id} == {
        kind: c.id for kind, c in basis.items()}
    assert len(sc.events(case, "disclosure_recorded")) == 7
    assert sc.events(case, "timer_fired") == []


# -------------------------------------------------------------------------------------------- 5. 24 hours


def test_after_24_hours_the_team_lead_is_escalated_to_while_the_assessment_stays_open(sc):
    case = notification(sc)
    assert sc.sweep(RECEIVED + timedelta(hours=23, minutes=59)).fired == 0
    assert sc.ready(case) == ["Task_kvittering", "Task_vurdering_24t"]

    assert sc.sweep(RECEIVED + timedelta(hours=24, seconds=1)).fired == 1
    assert sc.groups(case) == {"Task_eskalering_24t": "teamleder", "Task_kvittering": "modtagerteam",
                               "Task_vurdering_24t": "modtagerteam"}
    [fired] = sc.events(case, "timer_fired")
    assert fired.details["rule_key"] == "assessment_24h"
    assert datetime.fromisoformat(fired.details["due_at"]) == RECEIVED + timedelta(hours=24)
    assert sc.sweep(RECEIVED + timedelta(hours=30)).fired == 0, "it fires once"

    assert sc.do(case, "Task_eskalering_24t", "teamleder", RECEIVED + timedelta(hours=25),
                 escalation_action="reception_contacted") == ["Task_kvittering", "Task_vurdering_24t"]
    assert sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=26),
                 assessment_decision="forward") == ["Task_fordel_sag", "Task_kvittering", "Task_tilbagemelding",
                                                    "Task_undersoegelse"]
    assert len(sc.events(case, "timer_fired")) == 1


def test_a_notification_registered_after_its_24_hours_opens_overdue_and_escalated(sc):
    # Received on Monday, registered on Friday: the 24 hours ran out long ago.
    case = sc.open(PROCESS, RECEIVED + timedelta(days=4), received_at=RECEIVED.isoformat(), source="school",
                   professional_notifier=True)
    assert sc.groups(case) == {"Task_eskalering_24t": "teamleder", "Task_kvittering": "modtagerteam",
                               "Task_vurdering_24t": "modtagerteam"}
    assessment = sc.task(case, "Task_vurdering_24t")
    # Its deadline is still the 24 hours from receipt, not "none": the inbox shows it overdue.
    assert (assessment.due_at, assessment.due_rule) == (RECEIVED + timedelta(hours=24), "assessment_24h")


# -------------------------------------------------------------------------------------------- 6. 4 months


def test_after_4_months_the_investigation_gets_a_preliminary_assessment(sc):
    case = notification(sc, professional=False)
    to_investigation(sc, case)
    # 4 calendar months from 23 November 2026: the end of 23 March 2027, Copenhagen (winter) time.
    due = cph(2027, 3, 24)
    assert DanishCalendar().due(RECEIVED, 4, "months") == due
    [timer] = [t for t in sc.session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.state == "waiting"))]
    assert (timer.bpmn_id, timer.due_at, timer.rule_key) == ("Boundary_4_maaneder", due,
                                                             "child_investigation_4_months")

    assert sc.sweep(due - timedelta(seconds=1)).fired == 0
    assert sc.ready(case) == ["Task_undersoegelse"]
    assert sc.sweep(due + timedelta(seconds=1)).fired == 1
    assert sc.groups(case) == {"Task_foreloebig_vurdering": CASEWORKER, "Task_undersoegelse": CASEWORKER}
    assert [e.details["rule_key"] for e in sc.events(case, "timer_fired")] == ["child_investigation_4_months"]

    assert sc.do(case, "Task_foreloebig_vurdering", CASEWORKER, cph(2027, 3, 25, 10),
                 expected_completion="2027-04-30") == ["Task_undersoegelse"]
    assert sc.do(case, "Task_undersoegelse", CASEWORKER, cph(2027, 4, 20, 10),
                 investigation_outcome="no_measure") == []
    assert sc.status(case) == "closed"


# ------------------------------------------------------------------------------------- 7. and 8. consent


def test_sharing_needs_a_consent_for_that_recipient_or_a_legal_exception(sc):
    case = notification(sc, professional=False)
    to_risk_assessment(sc, case)
    sc.do(case, "Task_risiko_forbered_boern", CASEWORKER, cph(2026, 12, 1, 9), risk_assessor="security_consultant")
    share = "Task_risiko_del_sikkerhedskonsulent_boern"
    at = cph(2026, 12, 1, 10)

    with pytest.raises(InvalidInput) as refused:
        sc.do(case, share, CASEWORKER, at)
    assert refused.value.code == "validation_failed"
    assert problems(refused) == {
        "disclosure_consent_id": "Videregivelse kræver et samtykke på sagen eller en lovhjemmel."}

    police = consent(sc, case, "police", cph(2026, 11, 30, 15))
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, share, CASEWORKER, at, disclosure_consent_id=str(police.id))
    assert problems(refused) == {"disclosure_consent_id": "Samtykket dækker ikke denne modtager."}

    other_case = notification(sc, professional=False, at=cph(2026, 11, 30, 14))
    elsewhere = consent(sc, other_case, "security_consultant", cph(2026, 11, 30, 15), by="teamleder")
    for wrong in (str(elsewhere.id), str(uuid.uuid4()), "ikke-et-id"):
        with pytest.raises(InvalidInput) as refused:
            sc.do(case, share, CASEWORKER, at, disclosure_consent_id=wrong)
        assert problems(refused) == {"disclosure_consent_id": "Samtykket findes ikke på sagen."}

    with pytest.raises(InvalidInput) as refused:
        sc.do(case, share, CASEWORKER, at, disclosure_exception="danger_to_life_or_health")
    assert set(problems(refused)) == {"disclosure_justification"}

    later = consent(sc, case, "security_consultant", at + timedelta(hours=1))
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, share, CASEWORKER, at, disclosure_consent_id=str(later.id))
    assert set(problems(refused)) == {"disclosure_consent_id"}, "a consent given after the sharing does not cover it"

    assert sc.ready(case) == [share, "Task_undersoegelse"], "every refusal leaves the task open"
    assert list_disclosures(sc.session, case.id, sc.users[CASEWORKER]) == []

    given = consent(sc, case, "security_consultant", cph(2026, 11, 30, 16))
    assert sc.do(case, share, CASEWORKER, at, disclosure_consent_id=str(given.id)) == [
        "Task_risiko_resultat_boern", "Task_undersoegelse"]
    [disclosure] = list_disclosures(sc.session, case.id, sc.users[CASEWORKER])
    assert (disclosure.recipient_kind, disclosure.consent_id, disclosure.legal_exception) == (
        "security_consultant", given.id, None)
    assert disclosure.disclosed_at == at
    [event] = sc.events(case, "disclosure_recorded")
    assert event.details == {"recipient_kind": "security_consultant", "basis": "samtykke"}


def test_a_withdrawn_consent_no_longer_covers_the_next_disclosure(sc):
    case = notification(sc, professional=False)
    to_risk_assessment(sc, case)
    given = consent(sc, case, "security_consultant", cph(2026, 11, 30, 15))
    sc.do(case, "Task_risiko_forbered_boern", CASEWORKER, cph(2026, 12, 1, 9), risk_assessor="security_consultant")
    sc.do(case, "Task_risiko_del_sikkerhedskonsulent_boern", CASEWORKER, cph(2026, 12, 1, 10),
          disclosure_consent_id=str(given.id))
    assert sc.do(case, "Task_risiko_resultat_boern", CASEWORKER, cph(2026, 12, 2, 10),
                 risk_level="medium") == ["Task_sikkerhedskonsulent", "Task_undersoegelse"]

    withdraw_consent(sc.session, given.id, sc.users[CASEWORKER], at=cph(2026, 12, 2, 12))
    assert len(sc.events(case, "consent_withdrawn")) == 1
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, "Task_sikkerhedskonsulent", CASEWORKER, cph(2026, 12, 2, 13), disclosure_consent_id=str(given.id))
    assert problems(refused) == {"disclosure_consent_id": "Samtykket er trukket tilbage."}
    assert sc.ready(case) == ["Task_sikkerhedskonsulent", "Task_undersoegelse"]

    assert sc.do(case, "Task_sikkerhedskonsulent", CASEWORKER, cph(2026, 12, 2, 14),
                 disclosure_exception="danger_to_life_or_health",
                 disclosure_justification="Trusler mod den unge; sikkerhedskonsulenten skal lave en plan") == [
        "Task_sikkerhedsplan", "Task_undersoegelse"]
    bases = sorted((d.consent_id is not None, d.legal_exception) for d in
                   list_disclosures(sc.session, case.id, sc.users[CASEWORKER]))
    assert bases == [(False, "danger_to_life_or_health"), (True, None)]


# ------------------------------------------------------------------------------ the saved state itself



def _sorted_keys(value: Any) -> Any:
    """What JSONB does to a stored document: every object's keys sorted."""
    if isinstance(value, dict):
        return {key: _sorted_keys(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


def test_saved_state_does_not_depend_on_the_order_of_its_keys(monkeypatch):
    """A case inside the risk assessment call activity, saved, its keys sorted, and loaded again."""
    descending_task_ids(monkeypatch)  # every child's id sorts before its parent's: the worst case, every time
    specs = load_specs([(WORKFLOWS / f"{name}.bpmn").read_bytes()
                        for name in (PROCESS, "risikovurdering", "opfoelgning")], PROCESS)
    rules = {"assessment_24h": (24, "hours"), "receipt_6_workdays": (6, "working_days"),
             "child_investigation_4_months": (4, "months"), "case_assignment_workdays": (2, "working_days"),
             "notifier_feedback_workdays": (10, "working_days"), "knowledge_sparring_workdays": (3, "working_days")}
    engine = script_engine(lambda: RECEIVED, rules)
    workflow = new_workflow(specs, engine)
    start = {"received_at": RECEIVED.isoformat(), "source": "school", "professional_notifier": True}
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**start)
    run_engine(workflow)

    def ready() -> dict[str, Any]:
        return {t.task_spec.bpmn_id: t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}

    def restored() -> dict[str, dict[str, Any]]:
        state = _sorted_keys(json.loads(json.dumps(dump_state(workflow))))
        loaded = load_state(state, specs, engine)
        return {t.task_spec.bpmn_id: t.data for t in loaded.get_tasks(state=TaskState.READY, manual=True)}

    assert all(data.items() >= start.items() for data in restored().values()), "top level"
    for bpmn_id, data in (("Task_kvittering", {}), ("Task_vurdering_24t", {"assessment_decision": "forward"}),
                          ("Task_fordel_sag", {}), ("Task_boernesamtale", {"conversation_outcome": "held"}),
                          ("Task_screening", {"nsc_assessment": "unsure"}),
                          ("Task_sparring", {"sparring_nsc_assessment": "yes"})):
        ready()[bpmn_id].set_data(**data)
        run_engine(workflow, ready()[bpmn_id])
    assert set(ready()) == {"Task_risiko_forbered_boern", "Task_undersoegelse", "Task_tilbagemelding"}
    data = restored()["Task_risiko_forbered_boern"]
    assert data.items() >= {**start, "case_area": "boern"}.items(), "inside the call activity"


def test_the_distribution_picks_an_owner_from_the_caseworkers_not_free_text(sc):
    case = notification(sc)
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2), assessment_decision="forward")
    sc.do(case, "Task_kvittering", "modtagerteam", cph(2026, 11, 24, 10), receipt_channel="secure_digital_post")
    # A typo, a caseworker of the adults, a reception team member:
    for wrong in ("sc-raadgivr-boern", "sc-raadgiver-voksen", "sc-modtagerteam"):
        with pytest.raises(InvalidInput) as refused:
            sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker=wrong)
        assert set(problems(refused)) == {"assigned_caseworker"}
    assert case.owner_id is None and sc.ready(case) == ["Task_fordel_sag", "Task_tilbagemelding", "Task_undersoegelse"]
