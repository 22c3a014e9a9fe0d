"""The children's order and clocks, endings, and the consultant called early (issue 14).

Walked on the shipped diagrams through the services on a fixed clock; every step reloads the case.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.deadlines.calendar import DanishCalendar
from engine.errors import InvalidInput
from engine.tasks.listing import ORDER, TASKS
from engine.tasks.models import Task
from engine.tasks.service import task_properties
from tests.scenarios.conftest import Scenario, cph

RECEIVED = cph(2026, 11, 23, 9)  # a Monday
WORKER = "raadgiver-boern"
SHARED = {"disclosure_summary": "Bekymringen", "disclosure_purpose": "Risikovurdering",
          "disclosure_exception": "danger_to_life_or_health", "disclosure_justification": "Trusler mod barnet"}


def school_notification(sc: Scenario):
    return sc.open("underretning_boern", RECEIVED, received_at=RECEIVED.isoformat(), source="school",
                   professional_notifier=True)


def at_screening(sc: Scenario):
    case = school_notification(sc)
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2), assessment_decision="forward")
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker="sc-raadgiver-boern")
    sc.do(case, "Task_boernesamtale", WORKER, cph(2026, 11, 26, 13), conversation_place="school", child_alone=True,
          interpreter="none")
    return case


def never(sc: Scenario, case, bpmn_id: str) -> bool:
    return not sc.session.scalars(select(Task).where(Task.case_id == case.id, Task.bpmn_id == bpmn_id)).all()


def test_forwarding_starts_the_investigation_and_the_137_feedback_and_every_step_has_a_deadline(sc):
    case = school_notification(sc)
    forwarded = RECEIVED + timedelta(hours=3)
    assert sc.do(case, "Task_vurdering_24t", "modtagerteam", forwarded, assessment_decision="forward") == [
        "Task_fordel_sag", "Task_kvittering", "Task_tilbagemelding", "Task_undersoegelse"]
    calendar = DanishCalendar()
    due = {t.bpmn_id: (t.due_at, t.due_rule) for t in sc.ready_tasks(case)}
    # The 4-month clock of the investigation is visible from the forwarding (counted from the receipt).
    assert due["Task_undersoegelse"] == (cph(2027, 3, 24), "child_investigation_4_months")
    # § 137: the feedback is about the decision to investigate, due by the municipality's rule.
    assert due["Task_tilbagemelding"] == (calendar.due(forwarded, 10, "working_days"), "notifier_feedback_workdays")
    assert due["Task_fordel_sag"] == (calendar.due(forwarded, 2, "working_days"), "case_assignment_workdays")
    sc.do(case, "Task_tilbagemelding", "teamleder", forwarded + timedelta(hours=1),
          feedback_content="investigation_started", disclosure_exception="duty_to_notify_child",
          disclosure_justification="Barnets lov § 137")
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker="sc-raadgiver-boern")
    assert sc.task(case, "Task_undersoegelse").assignee.username == "sc-raadgiver-boern", "moves to the owner"


def test_the_24_hour_escalation_is_due_at_once_and_sorts_first(sc):
    case = school_notification(sc)
    assert sc.sweep(RECEIVED + timedelta(hours=24, seconds=1)).fired == 1
    escalation = sc.task(case, "Task_eskalering_24t")
    assert escalation.due_at == RECEIVED  # overdue from the start: it sorts before the assessment itself
    first = sc.session.execute(select(TASKS.c.bpmn_id).where(TASKS.c.case_id == case.id, TASKS.c.state == "READY")
                               .order_by(*ORDER)).scalars().first()
    assert first == "Task_eskalering_24t"


def test_unsure_leads_to_the_knowledge_person_whose_sparring_has_a_deadline(sc):
    case = at_screening(sc)
    screened = cph(2026, 11, 27, 10)
    assert "Task_sparring" in sc.do(case, "Task_screening", WORKER, screened, nsc_assessment="unsure")
    sparring = sc.task(case, "Task_sparring")
    assert (sparring.due_at, sparring.due_rule) == (DanishCalendar().due(screened, 3, "working_days"),
                                                    "knowledge_sparring_workdays")


def test_the_sparring_can_be_skipped_with_a_reason(sc):
    case = at_screening(sc)
    at = cph(2026, 11, 27, 10)
    assert task_properties(sc.session, sc.task(case, "Task_screening"))["directory_kind"] == "security_consultant"
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, "Task_screening", WORKER, at, nsc_assessment="yes", skip_sparring=True)
    assert {p["field"] for p in refused.value.details} == {"skip_sparring_reason"}
    ready = sc.do(case, "Task_screening", WORKER, at, nsc_assessment="yes", skip_sparring=True,
                  skip_sparring_reason="Sikkerhedskonsulenten er allerede inddraget")
    assert "Task_risiko_forbered_boern" in ready and never(sc, case, "Task_sparring")


def test_no_concern_in_screening_closes_the_case_with_its_reason(sc):
    case = at_screening(sc)
    sc.do(case, "Task_tilbagemelding", WORKER, cph(2026, 11, 26, 14), feedback_content="investigation_started",
          disclosure_exception="duty_to_notify_child", disclosure_justification="Barnets lov § 137")
    closed = cph(2026, 11, 27, 10)
    assert sc.do(case, "Task_screening", WORKER, closed, nsc_assessment="no",
                 screening_note="Ingen tegn på kontrol; familien samarbejder") == []
    assert sc.status(case) == "closed"
    sc.session.refresh(case)
    assert (case.closing_reason, case.closing_note, case.closed_at) == (
        "no_concern", "Ingen tegn på kontrol; familien samarbejder", closed)
    cancelled = {t.bpmn_id for t in sc.session.scalars(select(Task).where(Task.case_id == case.id,
                                                                         Task.state == "CANCELLED"))}
    assert cancelled == {"Task_kvittering", "Task_undersoegelse"}, "the investigation ends with the case"


def test_danger_signs_and_the_knowledge_person_call_in_the_consultant_early_and_the_delay_is_recorded(sc):
    case = school_notification(sc)
    assessed = RECEIVED + timedelta(hours=2)
    ready = sc.do(case, "Task_vurdering_24t", "modtagerteam", assessed, assessment_decision="forward",
                  danger_signs=["threats"])
    assert "Task_konsulent_faretegn" in ready
    early = sc.task(case, "Task_konsulent_faretegn")
    assert (early.due_at, early.due_rule) == (DanishCalendar().due(assessed, 1, "working_days"),
                                              "consultant_contact_workdays")
    # The region's consultants are shown on the 24-hour, screening and acute tasks (the directory).
    assert task_properties(sc.session, early)["directory_kind"] == "security_consultant"
    sc.do(case, "Task_konsulent_faretegn", "modtagerteam", RECEIVED + timedelta(hours=5), **SHARED)
    [event] = sc.events(case, "security_consultant_involved")
    assert event.details["hours_since_referral"] == 5.0
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker="sc-raadgiver-boern")
    sc.do(case, "Task_boernesamtale", WORKER, cph(2026, 11, 26, 13), conversation_place="school", child_alone=True,
          interpreter="none")
    sc.do(case, "Task_screening", WORKER, cph(2026, 11, 27, 10), nsc_assessment="unsure")
    ready = sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 30, 10), recommend_security_consultant=True)
    assert "Task_konsulent_sparring" in ready
    assert sc.task(case, "Task_konsulent_sparring").assignee.username == "sc-raadgiver-boern"
    sc.do(case, "Task_konsulent_sparring", WORKER, cph(2026, 11, 30, 12), **SHARED)
    assert len(sc.events(case, "security_consultant_involved")) == 1, "the first involvement only"


def test_a_child_who_moves_is_handed_over_and_the_case_closes_with_that_reason(sc):
    from engine.cases.moving import start_move
    from engine.consent.service import list_disclosures

    case = at_screening(sc)
    told = cph(2026, 11, 30, 9)
    _case, created = start_move(sc.session, case.id, sc.users[WORKER], "Familien er flyttet til Aarhus",
                                clock=lambda: told)
    assert [t.bpmn_id for t in created] == ["Task_overdragelse"]
    assert created[0].assignee.username == "sc-raadgiver-boern"
    with pytest.raises(InvalidInput):  # the hand-over shares with the new municipality: it needs its basis
        sc.do(case, "Task_overdragelse", WORKER, cph(2026, 11, 30, 10), receiving_municipality="Aarhus Kommune",
              handover_content="Underretningen og sikkerhedsplanen", disclosure_summary="Underretningen",
              disclosure_purpose="Orientering af den nye kommune")
    assert sc.do(case, "Task_overdragelse", WORKER, cph(2026, 11, 30, 10), receiving_municipality="Aarhus Kommune",
                 handover_content="Underretningen og sikkerhedsplanen", disclosure_summary="Underretningen",
                 disclosure_purpose="Orientering af den nye kommune", disclosure_exception="duty_to_notify_child",
                 disclosure_justification="Den nye kommune skal kende bekymringen") == []
    sc.session.refresh(case)
    assert (case.status, case.closing_reason, case.closing_note) == ("closed", "moved", "Overdraget til Aarhus Kommune")
    assert [d.recipient_kind for d in list_disclosures(sc.session, case.id, None)] == ["other_municipality"]


def test_no_concern_after_the_sparring_closes_the_case_with_the_advice_as_reason(sc):
    case = at_screening(sc)
    sc.do(case, "Task_screening", WORKER, cph(2026, 11, 27, 10), nsc_assessment="unsure")
    closed = cph(2026, 11, 30, 10)
    sc.do(case, "Task_sparring", "vidensperson", closed, sparring_nsc_assessment="no",
          sparring_advice="Almindelig teenagekonflikt; ingen tegn på kontrol")
    sc.session.refresh(case)
    assert (case.status, case.closing_reason, case.closing_note) == (
        "closed", "no_concern", "Almindelig teenagekonflikt; ingen tegn på kontrol")
    assert never(sc, case, "Task_risiko_forbered_boern")
