"""Issue 14, adults: withdrawal, the side steps a conversation reveals, the consultant chain and the
adults' own follow-up rule, walked through the shipped `henvendelse_voksen` on a fixed clock.

Every step loads the case from the database and saves it again (tests/scenarios/conftest.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.cases.members import case_members
from engine.consent.models import SafeContact
from engine.consent.service import list_disclosures, record_consent
from engine.errors import InvalidInput
from engine.tasks.models import Task
from engine.tasks.service import task_properties
from engine.users.service import create_user
from tests.scenarios.conftest import Scenario, cph

RECEIVED = cph(2026, 11, 23, 9)  # a Monday
PROCESS = "henvendelse_voksen"
CASEWORKER = "raadgiver-voksen"


def assigned(sc: Scenario, case, **start) -> None:
    """Received, triaged and given to the adults' caseworker."""
    sc.do(case, "Task_visitering", "modtagerteam", RECEIVED + timedelta(hours=1), triage_decision="forward")
    sc.do(case, "Task_fordel_sag", "teamleder", RECEIVED + timedelta(hours=2),
          assigned_caseworker="sc-raadgiver-voksen")
    assert sc.ready(case) == ["Task_samtale"]


def ever(sc: Scenario, case, *bpmn_ids: str) -> list[str]:
    """Which of these tasks the case ever had (any state)."""
    rows = sc.session.scalars(select(Task.bpmn_id).where(Task.case_id == case.id, Task.bpmn_id.in_(bpmn_ids)))
    return sorted(set(rows))


# ------------------------------------------------------------------------------------------ withdrawal


def test_a_citizen_who_withdraws_ends_the_case_without_sparring_risk_assessment_or_measure(sc):
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="citizen")
    assigned(sc, case)
    # Withdrawing asks why (the note goes on the case), like closing from the case page.
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 25, 10), another_conversation="withdrawn")
    assert {p["field"] for p in refused.value.details} == {"case_closing_note"}
    closed_at = cph(2026, 11, 25, 10, 30)
    assert sc.do(case, "Task_samtale", CASEWORKER, closed_at, another_conversation="withdrawn",
                 case_closing_note="Borgeren ønsker ikke hjælp nu; vejledt om RED's rådgivningslinje") == []
    assert sc.status(case) == "closed"
    assert (case.closed_at, case.closing_reason, case.closing_note) == (
        closed_at, "citizen_withdrew", "Borgeren ønsker ikke hjælp nu; vejledt om RED's rådgivningslinje")
    assert [e.summary for e in sc.events(case, "case_closed")] == ["Sagen er afsluttet: Borgeren har trukket sig"]
    assert ever(sc, case, "Task_sparring", "Task_risiko_forbered_voksen",
                "Task_opfoelgning_foranstaltning_voksen") == []


# ------------------------------------------------------------- children, residence, runaway, confidant


def test_a_conversation_revealing_children_residence_and_a_runaway_starts_each_step_once(sc):
    jobcentre = create_user(sc.session, "jc-rådgiver", "jc@example.invalid", ["modtagerteam"])
    case = sc.open(PROCESS, RECEIVED, by=jobcentre, received_at=RECEIVED.isoformat(), source="job_centre")
    assigned(sc, case)
    # The job-centre caseworker the citizen confided in stays on the case now that it has its owner.
    assert [(m.role, u.username) for m, u in case_members(sc.session, case.id)] == [("caseworker", "jc-rådgiver")]

    ready = sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 25, 10), children_at_home=True,
                  residence_depends_on_spouse=True, young_person_ran_away=True, another_conversation="yes",
                  next_conversation="2026-11-30")
    assert ready == ["Task_opholdsgrundlag", "Task_politi_bortloebet", "Task_samtale", "Task_underret_boern"]
    # The next conversation is due on the agreed day (to its end), not "no deadline".
    assert sc.task(case, "Task_samtale").due_at == cph(2026, 12, 1)

    # Telling the children's area is a disclosure to another department: the duty to notify is its basis.
    with pytest.raises(InvalidInput, match="without a recorded basis"):
        sc.do(case, "Task_underret_boern", CASEWORKER, cph(2026, 11, 25, 11), children_area_notified=True,
              disclosure_summary="Mor fortæller om trusler i hjemmet", disclosure_purpose="Underretning")
    sc.do(case, "Task_underret_boern", CASEWORKER, cph(2026, 11, 25, 11), children_area_notified=True,
          disclosure_summary="Mor fortæller om trusler i hjemmet", disclosure_purpose="Underretning",
          disclosure_exception="duty_to_notify_child", disclosure_justification="Børn i hjemmet med vold",
          disclosure_recipient_name="Børne- og familieafdelingen")
    sc.do(case, "Task_politi_bortloebet", CASEWORKER, cph(2026, 11, 25, 11, 30), runaway_police_notice="reported_112",
          runaway_note="Efterlyst via 112", disclosure_summary="Den unge er forsvundet",
          disclosure_purpose="Eftersøgning",
          disclosure_exception="danger_to_life_or_health", disclosure_justification="Fare for den unges liv")
    # Guidance only: nothing is shared with the Immigration Service, so no basis is needed.
    sc.do(case, "Task_opholdsgrundlag", CASEWORKER, cph(2026, 11, 26, 10), residence_outcome="guidance_given")
    assert sc.ready(case) == ["Task_samtale"]

    # The second conversation opens with the answers given; only a new runaway starts a new notice.
    assert sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 30, 10), children_at_home=True,
                 residence_depends_on_spouse=True, young_person_ran_away=False,
                 another_conversation="no") == ["Task_sparring"]
    assert sorted(d.recipient_kind for d in list_disclosures(sc.session, case.id, sc.users[CASEWORKER])) == [
        "other_department", "police"]
    immigration = task_properties(sc.session, sc.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.bpmn_id == "Task_opholdsgrundlag")).one())
    assert immigration["disclosure_when"] == "residence_outcome: immigration_service_contacted=immigration_service"


# --------------------------------------------------------------------- consultant, plans, follow-up


def _to_risk_result(sc: Scenario, case) -> None:
    sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 25, 10), another_conversation="no")
    sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 26, 10), sparring_anonymised=True)
    sc.do(case, "Task_risiko_forbered_voksen", CASEWORKER, cph(2026, 11, 27, 10), risk_assessor="own")


def test_above_low_risk_the_adult_gets_the_consultant_a_safety_plan_and_an_action_plan(sc):
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="citizen")
    assigned(sc, case)
    _to_risk_result(sc, case)
    assert sc.do(case, "Task_risiko_resultat_voksen", CASEWORKER, cph(2026, 12, 1, 10),
                 risk_level="medium") == ["Task_sikkerhedskonsulent_voksen"]
    consultant = sc.task(case, "Task_sikkerhedskonsulent_voksen")
    assert task_properties(sc.session, consultant)["directory_kind"] == "security_consultant"
    consent = record_consent(sc.session, case.id, sc.users[CASEWORKER], given_by="citizen",
                             recipient_kind="security_consultant", scope="Risikovurdering", purpose="Sikkerhed",
                             given_at=cph(2026, 12, 1, 11))
    sc.do(case, "Task_sikkerhedskonsulent_voksen", CASEWORKER, cph(2026, 12, 1, 12),
          disclosure_consent_id=str(consent.id))
    # At medium risk the plan must set at least one rule for safe contact ...
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, "Task_sikkerhedsplan_voksen", CASEWORKER, cph(2026, 12, 2, 10),
              safety_plan="Plan for sikkerhed ved brud")
    assert [p["field"] for p in refused.value.details] == ["safe_contact_rules"]
    # ... and the rules it sets become the case's safe-contact instructions, shown with every task.
    assert sc.do(case, "Task_sikkerhedsplan_voksen", CASEWORKER, cph(2026, 12, 2, 10),
                 safety_plan="Plan for sikkerhed ved brud", safe_contact_rules=["ask_if_alone", "no_voicemail"],
                 safe_contact_instructions="Ring kun på arbejdstelefonen") == ["Task_handleplan"]
    sc.session.expire_all()
    contact = sc.session.get(SafeContact, case.id)
    assert (contact.ask_if_alone, contact.no_voicemail, contact.no_letters_home) == (True, True, False)
    assert contact.instructions == "Ring kun på arbejdstelefonen"
    assert sc.task(case, "Task_handleplan").name == "Tilbyd en handleplan (serviceloven § 12 a, stk. 2)"
    with pytest.raises(InvalidInput):
        sc.do(case, "Task_handleplan", CASEWORKER, cph(2026, 12, 3, 10), action_plan_offer="accepted")
    assert sc.do(case, "Task_handleplan", CASEWORKER, cph(2026, 12, 3, 10), action_plan_offer="accepted",
                 action_plan="Mål: sikker bolig og job") == ["Task_opfoelgning_foranstaltning_voksen"]
    registration = sc.task(case, "Task_opfoelgning_foranstaltning_voksen")
    assert "serviceloven § 148" in task_properties(sc.session, registration)["action_card"]
    assert "§ 95" not in task_properties(sc.session, registration)["action_card"]
    sc.do(case, "Task_opfoelgning_foranstaltning_voksen", CASEWORKER, cph(2026, 12, 7, 10),
          measure_description="Handleplan", measure_started_at="2026-12-07")
    first = sc.task(case, "Task_opfoelgning_foerste_voksen")
    assert (first.due_at, first.due_rule) == (cph(2027, 3, 8), "adult_followup_3_months")
    assert "barnets lov" not in task_properties(sc.session, first)["action_card"]


def test_the_adults_follow_up_rule_is_the_municipalitys_to_change(sc):
    from engine.deadlines.models import DeadlineRule

    rule = sc.session.get(DeadlineRule, "adult_followup_3_months")
    assert (rule.amount, rule.unit) == (3, "months") and "§ 148" in rule.law_reference
    rule.amount = 2  # an administrator's change (PATCH /api/v1/deadline-rules/...)
    sc.session.commit()
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="citizen")
    assigned(sc, case)
    _to_risk_result(sc, case)
    sc.do(case, "Task_risiko_resultat_voksen", CASEWORKER, cph(2026, 12, 1, 10), risk_level="low")
    sc.do(case, "Task_opfoelgning_foranstaltning_voksen", CASEWORKER, cph(2026, 12, 7, 10),
          measure_started_at="2026-12-07")
    assert sc.task(case, "Task_opfoelgning_foerste_voksen").due_at == datetime.fromisoformat("2027-02-08T00:00+01:00")


# ------------------------------------------------------------------------------- safe contact at intake


def test_safe_contact_rules_captured_at_intake_and_triage_are_on_the_case_from_the_start(sc):
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(), source="job_centre",
                   safe_contact_rules=["no_letters_home"], safe_contact_instructions="Kun sms til arbejdstelefonen")
    contact = sc.session.get(SafeContact, case.id)
    assert (contact.no_letters_home, contact.ask_if_alone, contact.instructions) == (
        True, False, "Kun sms til arbejdstelefonen")
    assert [e.kind for e in sc.events(case, "safe_contact_updated")] == ["safe_contact_updated"]
    # Triage adds what it learns; leaving a rule unticked never removes one recorded before.
    sc.do(case, "Task_visitering", "modtagerteam", RECEIVED + timedelta(hours=1), triage_decision="forward",
          safe_contact_rules=["ask_if_alone"])
    sc.session.expire_all()
    contact = sc.session.get(SafeContact, case.id)
    assert (contact.no_letters_home, contact.ask_if_alone) == (True, True)
    # Every task of the case carries them (the task page and list show them).
    from engine.tasks.rows import views_by_id

    [view] = views_by_id(sc.session, [sc.task(case, "Task_fordel_sag").id])
    assert view.safe_contact["ask_if_alone"] and view.safe_contact["no_letters_home"]
