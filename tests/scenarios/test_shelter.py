"""Issue 14, shelter stays (serviceloven § 109): the notices count from the recorded admission and
discharge, chasing a late notice does not complete it, the transition starts at discharge, a person
who went to a shelter on their own gets coordinating advice without a referral, and an anonymous stay
sends no name or CPR number anywhere. Walked through the shipped `henvendelse_voksen`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import notifications
from engine.consent.models import Disclosure
from engine.consent.service import record_consent
from engine.errors import InvalidInput
from engine.notifications.outbox import send_pending
from engine.tasks import service as tasks
from engine.tasks.models import Task
from tests.conftest import bound_session
from tests.engine.notifications.world import mail_settings
from tests.scenarios.conftest import Scenario, cph

RECEIVED = cph(2026, 11, 23, 9)  # a Monday
PROCESS = "henvendelse_voksen"
CASEWORKER = "raadgiver-voksen"
CPR_NUMBER = "010203-1234"


def to_shelter(sc: Scenario, *, already_at_shelter: bool = False, unsafe_home: bool = True):
    case = sc.open(PROCESS, RECEIVED, received_at=RECEIVED.isoformat(),
                   source="shelter" if already_at_shelter else "citizen",
                   notifier_org="Krisecentret Danner" if already_at_shelter else "")
    sc.do(case, "Task_visitering", "modtagerteam", RECEIVED + timedelta(hours=1), triage_decision="forward",
          already_at_shelter=already_at_shelter)
    sc.do(case, "Task_fordel_sag", "teamleder", RECEIVED + timedelta(hours=2),
          assigned_caseworker="sc-raadgiver-voksen")
    sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 24, 10), another_conversation="no")
    sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 24, 14), sparring_anonymised=True)
    sc.do(case, "Task_risiko_forbered_voksen", CASEWORKER, cph(2026, 11, 25, 10), risk_assessor="own")
    sc.do(case, "Task_risiko_resultat_voksen", CASEWORKER, cph(2026, 11, 25, 12), risk_level="low",
          unsafe_home=unsafe_home)
    return case


def shelter_consent(sc: Scenario, case):
    return record_consent(sc.session, case.id, sc.users[CASEWORKER], given_by="citizen", recipient_kind="shelter",
                          scope="Ophold", purpose="Krisecenterophold", given_at=cph(2026, 11, 25, 13))


def test_the_admission_notice_counts_from_the_recorded_admission_and_chasing_does_not_complete_it(sc):
    case = to_shelter(sc)
    consent = shelter_consent(sc, case)
    # Referred Wednesday; the referral does not ask when the person will be admitted.
    assert sc.do(case, "Task_krisecenter", CASEWORKER, cph(2026, 11, 25, 14), shelter_type="womens_shelter",
                 disclosure_consent_id=str(consent.id)) == ["Task_indskrevet"]
    assert sc.task(case, "Task_indskrevet").due_at is None
    # Admitted Monday 30 November (recorded the day after): the notice is due 3 working days later.
    assert sc.do(case, "Task_indskrevet", CASEWORKER, cph(2026, 12, 1, 9),
                 shelter_admitted_at="2026-11-30") == ["Task_indskrivning", "Task_koordinerende"]
    notice = sc.task(case, "Task_indskrivning")
    assert (notice.due_at, notice.due_rule) == (cph(2026, 12, 4), "shelter_notice_3_workdays")
    # No notice by the deadline: the caseworker chases the shelter, and the task comes back, still overdue.
    ready = sc.do(case, "Task_indskrivning", CASEWORKER, cph(2026, 12, 4, 10), shelter_notice_status="chased",
                  shelter_notice_note="Rykket telefonisk")
    assert ready == ["Task_indskrivning", "Task_koordinerende"]
    again = sc.task(case, "Task_indskrivning")
    assert again.id != notice.id and again.due_at == notice.due_at
    with pytest.raises(InvalidInput):  # received needs the day it came
        sc.do(case, "Task_indskrivning", CASEWORKER, cph(2026, 12, 7, 10), shelter_notice_status="received")
    assert sc.do(case, "Task_indskrivning", CASEWORKER, cph(2026, 12, 7, 10), shelter_notice_status="received",
                 shelter_notice_received_at="2026-12-07") == ["Task_koordinerende"]


def test_the_transition_and_the_discharge_notice_start_at_the_recorded_discharge(sc):
    case = to_shelter(sc)
    consent = shelter_consent(sc, case)
    sc.do(case, "Task_krisecenter", CASEWORKER, cph(2026, 11, 25, 14), shelter_type="womens_shelter",
          disclosure_consent_id=str(consent.id))
    sc.do(case, "Task_indskrevet", CASEWORKER, cph(2026, 11, 26, 9), shelter_admitted_at="2026-11-26")
    sc.do(case, "Task_indskrivning", CASEWORKER, cph(2026, 11, 27, 9), shelter_notice_status="received",
          shelter_notice_received_at="2026-11-27")
    sc.do(case, "Task_koordinerende", CASEWORKER, cph(2026, 11, 27, 10), coordinating_advice_answer="accepted",
          disclosure_summary="Aftaler", disclosure_purpose="Koordinering", disclosure_consent_id=str(consent.id))
    assert sc.do(case, "Task_psykolog", CASEWORKER, cph(2026, 11, 27, 11),
                 psychologist_answer="declined") == ["Task_udskrevet"]
    ever = sc.session.scalars(select(Task).where(Task.case_id == case.id, Task.bpmn_id == "Task_overgang")).all()
    assert ever == [], "no transition before the discharge"
    # Discharged Thursday 24 December (the day itself is not counted; 25-27 December are holidays and a
    # weekend): the notice is due at the end of Wednesday 30th, the third working day.
    assert sc.do(case, "Task_udskrevet", CASEWORKER, cph(2026, 12, 28, 9), shelter_discharged_at="2026-12-24") == [
        "Task_overgang", "Task_udskrivning_besked"]
    discharge = sc.task(case, "Task_udskrivning_besked")
    assert (discharge.due_at, discharge.due_rule) == (cph(2026, 12, 31), "shelter_notice_3_workdays")
    assert sc.do(case, "Task_udskrivning_besked", CASEWORKER, cph(2026, 12, 29, 9),
                 discharge_notice_status="chased") == ["Task_overgang", "Task_udskrivning_besked"]
    assert sc.do(case, "Task_overgang", CASEWORKER, cph(2026, 12, 29, 10),
                 home_safety_measures=["address_protection"]) == ["Task_udskrivning_besked"]
    assert sc.do(case, "Task_udskrivning_besked", CASEWORKER, cph(2026, 12, 30, 9), discharge_notice_status="received",
                 discharge_notice_received_at="2026-12-30") == ["Task_opfoelgning_foranstaltning_voksen"]


def test_a_person_already_at_a_shelter_gets_coordinating_advice_without_a_new_referral(sc):
    case = to_shelter(sc, already_at_shelter=True, unsafe_home=False)
    assert sc.ready(case) == ["Task_indskrevet"]
    assert sc.do(case, "Task_indskrevet", CASEWORKER, cph(2026, 11, 25, 13),
                 shelter_admitted_at="2026-11-20") == ["Task_indskrivning", "Task_koordinerende"]
    # Admitted Friday 20 November: the notice was due at the end of Wednesday 25th.
    assert sc.task(case, "Task_indskrivning").due_at == cph(2026, 11, 26)
    referrals = sc.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.bpmn_id == "Task_krisecenter")).all()
    assert referrals == []


def test_an_anonymous_stay_sends_no_name_or_cpr_number_anywhere(sc, settings, smtp_server):
    notifications.configure(mail_settings(settings, smtp_server))
    case = to_shelter(sc)
    consent = shelter_consent(sc, case)
    common = dict(shelter_type="womens_shelter", anonymous_stay=True, disclosure_consent_id=str(consent.id),
                  disclosure_purpose="Ophold", disclosure_recipient_name="Krisecentret Danner")
    # An anonymous stay: the caseworker confirms that neither name nor CPR number is given ...
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, "Task_krisecenter", CASEWORKER, cph(2026, 11, 25, 14), disclosure_summary="Kvinde, 34 år", **common)
    assert [p["field"] for p in refused.value.details] == ["anonymous_confirmed"]
    # ... and a CPR number in what is shared is refused, whichever field it is in.
    with pytest.raises(InvalidInput) as refused:
        sc.do(case, "Task_krisecenter", CASEWORKER, cph(2026, 11, 25, 14), anonymous_confirmed="confirmed",
              disclosure_summary="Kvinde, 34 år", disclosure_justification=f"Se {CPR_NUMBER}", **common)
    assert [p["field"] for p in refused.value.details] == ["disclosure_justification"]
    sc.do(case, "Task_krisecenter", CASEWORKER, cph(2026, 11, 25, 14), anonymous_confirmed="confirmed",
          disclosure_summary="Kvinde, 34 år, med to børn", **common)
    # The team lead hands the admission task to a colleague: the assignment mail names the case reference only.
    colleague = sc.users[CASEWORKER]
    task = sc.task(case, "Task_indskrevet")
    tasks.assign(sc.session, task.id, colleague.username, sc.users["teamleder"], clock=lambda: cph(2026, 11, 25, 15))
    sc.session.commit()
    send_pending(lambda: bound_session(sc.connection), mail_settings(settings, smtp_server),
                 clock=lambda: cph(2026, 11, 25, 16))
    disclosures = sc.session.scalars(select(Disclosure).where(Disclosure.case_id == case.id)).all()
    sent = [*(m.as_string() for m in smtp_server.messages), *(d.summary + d.recipient_name for d in disclosures),
            sc.session.get(type(case), case.id).search_text or ""]
    assert not any(CPR_NUMBER in text for text in sent)
    subjects = [str(m["Subject"]) for m in smtp_server.messages]
    assert subjects and all(s.endswith(f"(sag {case.reference})") and "krisecent" not in s.lower() for s in subjects)
