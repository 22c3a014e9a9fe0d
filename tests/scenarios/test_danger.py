"""Danger at any point (issue 14): "Akut fare" from the case page, or a form that marks acute danger,
starts the procedure's acute handling at once, in both procedures, at whatever stage the case is.

Walked on the shipped diagrams through the services on a fixed clock; every step reloads the case.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases.acute import raise_acute
from engine.consent.service import list_disclosures
from engine.errors import Conflict, InvalidInput, NotFound
from engine.notifications.models import OutboxMail
from engine.tasks.models import Task
from tests.scenarios.conftest import Scenario, cph

RECEIVED = cph(2026, 11, 23, 9)  # a Monday
KID_WORKER, ADULT_WORKER = "raadgiver-boern", "raadgiver-voksen"
ACUTE_TASKS = ["Task_akut_handling", "Task_akut_politi", "Task_akut_sikkerhedskonsulent"]
REASON = "Pigen ringede: faren har købt flybilletter til i morgen"
DANGER = {"disclosure_summary": "Truslerne og den planlagte rejse", "disclosure_purpose": "Beskytte den unge nu",
          "disclosure_exception": "danger_to_life_or_health", "disclosure_justification": "Udrejse planlagt i morgen"}


def child_case_at_conversation(sc: Scenario):
    """A school's notification, forwarded and assigned: the caseworker is to talk with the child."""
    case = sc.open("underretning_boern", RECEIVED, received_at=RECEIVED.isoformat(), source="school",
                   professional_notifier=True)
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2), assessment_decision="forward")
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker="sc-raadgiver-boern")
    return case


def mails(sc: Scenario, case) -> list[OutboxMail]:
    return list(sc.session.scalars(select(OutboxMail).where(OutboxMail.case_id == case.id)))


def acute(sc: Scenario, case, who: str, at, reason: str = REASON):
    sc.session.expire_all()
    return raise_acute(sc.session, case.id, sc.users[who], reason, clock=lambda: at)


def test_acute_danger_from_the_case_page_creates_the_acute_tasks_at_once_and_tells_the_team_lead(sc):
    case = child_case_at_conversation(sc)
    assert sc.ready(case) == ["Task_boernesamtale", "Task_kvittering", "Task_tilbagemelding", "Task_undersoegelse"]
    reported = cph(2026, 11, 26, 22)  # Thursday evening: the clock-hour deadline runs through the night
    _case, created = acute(sc, case, KID_WORKER, reported)
    assert sorted(t.bpmn_id for t in created) == ACUTE_TASKS
    assert sc.ready(case) == [*ACUTE_TASKS, "Task_boernesamtale", "Task_kvittering", "Task_tilbagemelding",
                              "Task_undersoegelse"], "the path goes on beside it"
    action = sc.task(case, "Task_akut_handling")
    # The owner's task, due in 4 clock hours (rule acute_action_hours), as are the consultant's and police's.
    assert (action.assignee.username, action.due_at, action.due_rule) == (
        "sc-raadgiver-boern", reported + timedelta(hours=4), "acute_action_hours")
    for bpmn_id in ("Task_akut_politi", "Task_akut_sikkerhedskonsulent"):
        assert sc.task(case, bpmn_id).assignee.username == "sc-raadgiver-boern"
        assert sc.task(case, bpmn_id).due_at == reported + timedelta(hours=4)
    # Who and why, on the timeline; the case is acute in every list.
    [event] = sc.events(case, "acute_danger")
    assert (event.actor, event.at, event.details["reason"]) == ("sc-raadgiver-boern", reported, REASON)
    sc.session.refresh(case)
    assert case.acute is True
    # The team lead hears at once, neutrally: the reference only, never the reason or the task.
    [mail] = mails(sc, case)
    assert (mail.to_addr, mail.kind, mail.state) == ("sc-teamleder@example.invalid", "case_attention", "queued")
    assert mail.subject == f"En sag kræver handling nu (sag {case.reference})"
    assert "flybilletter" not in mail.body_text and "politi" not in mail.body_text.lower()
    # The case stays acute while its path goes on (the next task of the path carries it).
    sc.do(case, "Task_boernesamtale", KID_WORKER, reported + timedelta(hours=12), conversation_place="school",
          child_alone=True, interpreter="none")
    sc.session.refresh(case)
    assert case.acute is True


def test_an_emergency_placement_reaches_the_committee_within_7_days_of_the_recorded_decision(sc):
    case = child_case_at_conversation(sc)
    acute(sc, case, KID_WORKER, cph(2026, 11, 26, 22))
    decided = cph(2026, 11, 26, 23, 30)
    with pytest.raises(InvalidInput) as refused:  # a provisional decision needs its recorded time
        sc.do(case, "Task_akut_handling", KID_WORKER, cph(2026, 11, 27, 1), acute_measures=["emergency_placement"],
              emergency_decision=True)
    assert {p["field"] for p in refused.value.details} == {"emergency_decision_at"}
    # Recorded a day late: the 7 days still count from the decision, not from when the task appears.
    assert "Task_akut_udvalg" in sc.do(case, "Task_akut_handling", KID_WORKER, cph(2026, 11, 27, 20),
                                       acute_measures=["emergency_placement"], emergency_decision=True,
                                       emergency_decision_at=decided.isoformat())
    committee = sc.task(case, "Task_akut_udvalg")
    assert (committee.candidate_group, committee.due_at, committee.due_rule) == (
        "teamleder", cph(2026, 12, 4), "committee_7_days")  # the end of Thursday 3 December
    sc.do(case, "Task_akut_udvalg", "teamleder", cph(2026, 11, 30, 14), committee_outcome="upheld")
    for bpmn_id in ("Task_akut_politi", "Task_akut_sikkerhedskonsulent"):
        sc.do(case, bpmn_id, KID_WORKER, cph(2026, 11, 27, 2), **DANGER)
    told = sorted(d.recipient_kind for d in list_disclosures(sc.session, case.id, None))
    assert told == ["police", "security_consultant"]
    assert sc.ready(case) == ["Task_boernesamtale", "Task_kvittering", "Task_tilbagemelding", "Task_undersoegelse"]
    assert sc.status(case) == "open"


def test_danger_found_in_screening_starts_the_same_acute_handling_and_skips_the_sparring(sc):
    case = child_case_at_conversation(sc)
    sc.do(case, "Task_boernesamtale", KID_WORKER, cph(2026, 11, 26, 13), conversation_place="school",
          child_alone=True, interpreter="none")
    found = cph(2026, 11, 27, 10)
    ready = sc.do(case, "Task_screening", KID_WORKER, found, nsc_assessment="yes", acute_discovered=True)
    assert ready == [*ACUTE_TASKS, "Task_kvittering", "Task_risiko_forbered_boern", "Task_tilbagemelding",
                     "Task_undersoegelse"]
    assert sc.task(case, "Task_akut_handling").due_at == found + timedelta(hours=4)
    assert [m.kind for m in mails(sc, case)] == ["case_attention"]
    assert not sc.session.scalars(select(Task).where(Task.case_id == case.id, Task.bpmn_id == "Task_sparring")).all()


def test_acute_danger_can_be_raised_again_and_is_refused_without_a_reason_a_relation_or_an_open_case(sc):
    case = child_case_at_conversation(sc)
    with pytest.raises(InvalidInput):
        acute(sc, case, KID_WORKER, cph(2026, 11, 25, 9), reason="fare")
    with pytest.raises(NotFound):  # no relation to the case: as if it did not exist
        acute(sc, case, ADULT_WORKER, cph(2026, 11, 25, 9))
    assert sc.events(case, "acute_danger") == [] and mails(sc, case) == []
    acute(sc, case, "teamleder", cph(2026, 11, 25, 9))  # the team lead may too (and is not mailed about it)
    assert mails(sc, case) == []
    acute(sc, case, KID_WORKER, cph(2026, 11, 26, 9), reason="Ny trussel mod barnet i dag")
    assert [t.bpmn_id for t in sc.ready_tasks(case)].count("Task_akut_handling") == 2
    from engine.cases.closing import close_case

    close_case(sc.session, case.id, sc.users["teamleder"], "duplicate", clock=lambda: cph(2026, 11, 27, 9))
    with pytest.raises(Conflict):
        acute(sc, case, "teamleder", cph(2026, 11, 27, 10))


def test_adults_acute_at_triage_and_later_from_the_case_page(sc):
    case = sc.open("henvendelse_voksen", RECEIVED, received_at=RECEIVED.isoformat(), source="citizen")
    triaged = RECEIVED + timedelta(hours=1)
    assert sc.do(case, "Task_visitering", "modtagerteam", triaged, triage_decision="forward", acute=True) == [
        *ACUTE_TASKS, "Task_fordel_sag"]
    # Before "Fordel sag" nobody owns the case: the caseworkers' group has the acute tasks, due in 4 hours.
    action = sc.task(case, "Task_akut_handling")
    assert (action.candidate_group, action.assignee, action.due_at) == (
        ADULT_WORKER, None, triaged + timedelta(hours=4))
    assert len(mails(sc, case)) == 1
    sc.do(case, "Task_fordel_sag", "teamleder", RECEIVED + timedelta(hours=2),
          assigned_caseworker="sc-raadgiver-voksen")
    _case, created = acute(sc, case, ADULT_WORKER, cph(2026, 11, 30, 16))
    assert sorted(t.bpmn_id for t in created) == ACUTE_TASKS  # a second set, with its own deadline
    # The owner now has both sets (the first moved to them with "Fordel sag"); adults have no committee step.
    acute_rows = [t for t in sc.ready_tasks(case) if t.bpmn_id in ACUTE_TASKS]
    assert len(acute_rows) == 6 and {t.assignee.username for t in acute_rows} == {"sc-raadgiver-voksen"}
    assert len(mails(sc, case)) == 2


def test_adults_danger_found_in_a_conversation_starts_the_same_acute_handling(sc):
    case = sc.open("henvendelse_voksen", RECEIVED, received_at=RECEIVED.isoformat(), source="citizen")
    sc.do(case, "Task_visitering", "modtagerteam", RECEIVED + timedelta(hours=1), triage_decision="forward")
    sc.do(case, "Task_fordel_sag", "teamleder", RECEIVED + timedelta(hours=2),
          assigned_caseworker="sc-raadgiver-voksen")
    found = cph(2026, 11, 25, 10)
    ready = sc.do(case, "Task_samtale", ADULT_WORKER, found, acute_discovered=True, another_conversation="no")
    assert set(ACUTE_TASKS) <= set(ready) and "Task_sparring" not in ready
    assert sc.task(case, "Task_akut_handling").due_at == found + timedelta(hours=4)
    assert [m.kind for m in mails(sc, case)] == ["case_attention"]


def test_an_emergency_placement_after_the_risk_assessment_also_reaches_the_committee(sc):
    case = child_case_at_conversation(sc)
    sc.do(case, "Task_boernesamtale", KID_WORKER, cph(2026, 11, 26, 13), conversation_place="school",
          child_alone=True, interpreter="none")
    sc.do(case, "Task_screening", KID_WORKER, cph(2026, 11, 27, 10), nsc_assessment="yes", skip_sparring=True,
          skip_sparring_reason="Sikkerhedskonsulenten er allerede inddraget")
    sc.do(case, "Task_risiko_forbered_boern", KID_WORKER, cph(2026, 11, 27, 11), risk_assessor="own")
    assert "Task_anbringelse" in sc.do(case, "Task_risiko_resultat_boern", KID_WORKER, cph(2026, 11, 27, 12),
                                       risk_level="high", unsafe_home=True)
    decided = cph(2026, 11, 27, 13)
    ready = sc.do(case, "Task_anbringelse", KID_WORKER, cph(2026, 11, 30, 9), placement_emergency_decision=True,
                  placement_decision_at=decided.isoformat(), **DANGER)
    assert "Task_udvalg_anbringelse" in ready
    committee = sc.task(case, "Task_udvalg_anbringelse")
    # 7 days from the recorded decision (Friday 27 November), not from the task: the end of 4 December.
    assert (committee.candidate_group, committee.due_at, committee.due_rule) == (
        "teamleder", cph(2026, 12, 5), "committee_7_days")
