"""Issue 14, every sharing step gated: the steps that share information (a sending municipality, an
interpreter, the psychologist, the shelter and the job centre at the transition, the school and the
doctor during the investigation) refuse to complete without a consent covering the recipient or a
legal basis; the new legal bases; neutral mail subjects. Walked through the shipped diagrams.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from engine import notifications
from engine.consent.models import RECIPIENT_KINDS, LegalException
from engine.consent.service import list_disclosures, record_consent
from engine.consent.sharing import possible_recipients
from engine.errors import InvalidInput
from engine.notifications.outbox import send_pending
from engine.tasks import service as tasks
from tests.conftest import bound_session
from tests.engine.notifications.world import mail_settings
from tests.scenarios.conftest import WORKFLOWS, Scenario, cph
from tests.workflows.shipped import data_components, load_form, properties, user_tasks

RECEIVED = cph(2026, 11, 23, 9)
CASEWORKER = "raadgiver-voksen"
SHARED = dict(disclosure_summary="Det nødvendige", disclosure_purpose="Sagens behandling")


def consent(sc: Scenario, case, kind: str):
    return record_consent(sc.session, case.id, sc.users[CASEWORKER], given_by="citizen", recipient_kind=kind,
                          scope="Sagens oplysninger", purpose="Hjælp", given_at=RECEIVED)


def adult(sc: Scenario, **triage):
    case = sc.open("henvendelse_voksen", RECEIVED, received_at=RECEIVED.isoformat(), source="other_municipality")
    sc.do(case, "Task_visitering", "modtagerteam", RECEIVED + timedelta(hours=1), triage_decision="forward", **triage)
    sc.do(case, "Task_fordel_sag", "teamleder", RECEIVED + timedelta(hours=2),
          assigned_caseworker="sc-raadgiver-voksen")
    return case


def test_contacting_the_sending_municipality_about_its_risk_assessment_needs_a_basis(sc):
    case = adult(sc, risk_assessment_attached=True)
    at = cph(2026, 11, 24, 10)
    review = dict(attached_assessment_summary="Høj risiko, trusler fra bror",
                  attached_contacted=["sending_municipality"])
    with pytest.raises(InvalidInput, match="without a recorded basis"):
        sc.do(case, "Task_medsendt", CASEWORKER, at, **review, **SHARED)
    with pytest.raises(InvalidInput, match="without a recorded basis"):  # a consent for someone else does not do
        sc.do(case, "Task_medsendt", CASEWORKER, at, **review, **SHARED,
              disclosure_consent_id=str(consent(sc, case, "police").id))
    given = consent(sc, case, "other_municipality")
    assert sc.do(case, "Task_medsendt", CASEWORKER, at, **review, **SHARED, disclosure_consent_id=str(given.id),
                 disclosure_recipient_name="Aarhus Kommune, Familiecentret") == ["Task_samtale"]
    [made] = list_disclosures(sc.session, case.id, sc.users[CASEWORKER])
    assert (made.recipient_kind, made.consent_id, made.recipient_name) == (
        "other_municipality", given.id, "Aarhus Kommune, Familiecentret")


def test_an_external_interpreter_needs_a_basis_a_colleague_does_not(sc):
    case = adult(sc)
    at = cph(2026, 11, 24, 10)
    with pytest.raises(InvalidInput, match="without a recorded basis"):
        sc.do(case, "Task_samtale", CASEWORKER, at, interpreter="in_person_external", another_conversation="yes",
              next_conversation="2026-11-26", **SHARED)
    assert sc.do(case, "Task_samtale", CASEWORKER, at, interpreter="colleague", another_conversation="yes",
                 next_conversation="2026-11-26") == ["Task_samtale"]
    given = consent(sc, case, "interpreter")
    sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 26, 10), interpreter="phone_external",
          another_conversation="no", disclosure_consent_id=str(given.id), **SHARED)
    assert [d.recipient_kind for d in list_disclosures(sc.session, case.id, sc.users[CASEWORKER])] == ["interpreter"]


def test_an_interpreter_at_the_childs_conversation_needs_a_basis(sc):
    case = sc.open("underretning_boern", RECEIVED, received_at=RECEIVED.isoformat(), source="school",
                   professional_notifier=True)
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=3), assessment_decision="forward")
    sc.do(case, "Task_fordel_sag", "teamleder", RECEIVED + timedelta(hours=5), assigned_caseworker="sc-raadgiver-boern")
    talk = dict(conversation_place="school", child_alone=True, interpreter="phone_external",
                child_statement="Barnet fortæller om kontrol", **SHARED)
    with pytest.raises(InvalidInput, match="without a recorded basis"):
        sc.do(case, "Task_boernesamtale", "raadgiver-boern", cph(2026, 11, 24, 10), **talk)
    given = record_consent(sc.session, case.id, sc.users["raadgiver-boern"], given_by="other",
                           giver_name="Barnet selv", giver_capacity="Den unge selv, 16 år",
                           recipient_kind="interpreter",
                           scope="Samtalen", purpose="Tolkning", given_at=RECEIVED)
    sc.do(case, "Task_boernesamtale", "raadgiver-boern", cph(2026, 11, 24, 10), disclosure_consent_id=str(given.id),
          **talk)
    [made] = list_disclosures(sc.session, case.id, sc.users["raadgiver-boern"])
    assert (made.recipient_kind, made.consent_id) == ("interpreter", given.id)


def test_the_psychologist_and_the_job_centre_are_told_only_on_a_basis(sc):
    case = adult(sc)
    sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 24, 10), another_conversation="no")
    sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 24, 14), sparring_anonymised=True)
    sc.do(case, "Task_risiko_forbered_voksen", CASEWORKER, cph(2026, 11, 25, 10), risk_assessor="own")
    sc.do(case, "Task_risiko_resultat_voksen", CASEWORKER, cph(2026, 11, 25, 12), risk_level="low", unsafe_home=True)
    shelter = consent(sc, case, "shelter")
    sc.do(case, "Task_krisecenter", CASEWORKER, cph(2026, 11, 25, 13), shelter_type="mens_shelter",
          disclosure_consent_id=str(shelter.id), **SHARED)
    sc.do(case, "Task_indskrevet", CASEWORKER, cph(2026, 11, 26, 9), shelter_admitted_at="2026-11-26")
    sc.do(case, "Task_indskrivning", CASEWORKER, cph(2026, 11, 27, 9), shelter_notice_status="received",
          shelter_notice_received_at="2026-11-27")
    sc.do(case, "Task_koordinerende", CASEWORKER, cph(2026, 11, 27, 10), coordinating_advice_answer="accepted",
          disclosure_consent_id=str(shelter.id), **SHARED)
    with pytest.raises(InvalidInput, match="without a recorded basis"):
        sc.do(case, "Task_psykolog", CASEWORKER, cph(2026, 11, 27, 11), psychologist_answer="accepted",
              psychologist_hours=10, disclosure_consent_id=str(shelter.id), **SHARED)
    sc.do(case, "Task_psykolog", CASEWORKER, cph(2026, 11, 27, 11), psychologist_answer="accepted",
          psychologist_hours=10, disclosure_consent_id=str(consent(sc, case, "psychologist").id), **SHARED)
    sc.do(case, "Task_udskrevet", CASEWORKER, cph(2027, 1, 4, 9), shelter_discharged_at="2027-01-04")
    plan = dict(housing_plan="Egen lejlighed i anden bydel", transition_partners=["shelter", "job_centre"], **SHARED)
    with pytest.raises(InvalidInput, match="without a recorded basis"):  # the shelter's consent covers the shelter only
        sc.do(case, "Task_overgang", CASEWORKER, cph(2027, 1, 4, 10), disclosure_consent_id=str(shelter.id), **plan)
    consent(sc, case, "other_department")  # on file: used for the job centre
    sc.do(case, "Task_overgang", CASEWORKER, cph(2027, 1, 4, 10), disclosure_consent_id=str(shelter.id), **plan)
    kinds = sorted(d.recipient_kind for d in list_disclosures(sc.session, case.id, sc.users[CASEWORKER]))
    assert kinds == ["other_department", "psychologist", "shelter", "shelter", "shelter"]


def test_every_shipped_sharing_task_names_known_recipients_and_a_fitting_example():
    police_words = ("politi",)
    for _process, task in user_tasks():
        props = properties(task)
        kinds = possible_recipients(props)
        if not kinds:
            continue
        assert set(kinds) <= set(RECIPIENT_KINDS)
        form = load_form(task.get("{http://camunda.org/schema/1.0/bpmn}formKey"))
        example = data_components(form)["disclosure_recipient_name"]["description"].lower()
        if "police" not in kinds:
            assert not any(word in example for word in police_words), (task.get("id"), example)
    shipped = {key: props for _p, t in user_tasks() for key, props in [(t.get("id"), properties(t))]}
    assert possible_recipients(shipped["Task_samtale"]) == ["interpreter"]
    assert possible_recipients(shipped["Task_boernesamtale"]) == ["interpreter"]
    assert possible_recipients(shipped["Task_koordinerende"]) == ["shelter"]
    assert possible_recipients(shipped["Task_psykolog"]) == ["psychologist"]
    assert set(possible_recipients(shipped["Task_overgang"])) == {"police", "security_consultant", "shelter",
                                                                  "other_department"}
    assert set(possible_recipients(shipped["Task_undersoegelse"])) == {
        "school", "day_care", "doctor", "other_department", "viso", "other_municipality"}
    assert set(possible_recipients(shipped["Task_medsendt"])) == {"other_municipality", "security_consultant"}
    assert json.loads((WORKFLOWS / "forms" / "sikkerhedsplan.form").read_text())["id"] == "sikkerhedsplan"


def test_the_feedback_and_police_exchange_bases_are_maintained_with_their_paragraphs(sc):
    feedback = sc.session.get(LegalException, "notifier_feedback")
    police = sc.session.get(LegalException, "police_child_exchange")
    assert feedback.active and "§ 137" in feedback.law_reference
    assert police.active and "§ 49 b" in police.law_reference
    # Usable as a basis at once: the police are told about a young person who ran away.
    case = adult(sc)
    sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 24, 10), young_person_ran_away=True,
          another_conversation="no")
    sc.do(case, "Task_politi_bortloebet", CASEWORKER, cph(2026, 11, 24, 11),
          runaway_police_notice="reported_contact_person",
          runaway_note="Kontaktpersonen orienteret", disclosure_exception="police_child_exchange",
          disclosure_justification="Forebyggelse af overgreb mod en ung", **SHARED)
    [made] = list_disclosures(sc.session, case.id, sc.users[CASEWORKER])
    assert (made.recipient_kind, made.legal_exception) == ("police", "police_child_exchange")


def test_mail_subjects_name_the_case_reference_only(sc, settings, smtp_server):
    notifications.configure(mail_settings(settings, smtp_server))
    case = adult(sc)
    sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 24, 10), young_person_ran_away=True,
          another_conversation="no")
    police = sc.task(case, "Task_politi_bortloebet")
    assert police.name == "Giv politiet besked om en ung, der er stukket af"
    tasks.assign(sc.session, police.id, sc.users[CASEWORKER].username, sc.users["teamleder"],
                 clock=lambda: cph(2026, 11, 24, 11))
    sc.session.commit()
    send_pending(lambda: bound_session(sc.connection), mail_settings(settings, smtp_server),
                 clock=lambda: cph(2026, 11, 24, 12))
    subjects = [str(m["Subject"]) for m in smtp_server.messages]
    assert subjects == [f"En opgave er tildelt dig (sag {case.reference})"]
    assert "politi" not in subjects[0].lower()


def test_calling_the_consultant_or_the_police_at_a_follow_up_needs_a_basis(sc):
    case = adult(sc)
    sc.do(case, "Task_samtale", CASEWORKER, cph(2026, 11, 24, 10), another_conversation="no")
    sc.do(case, "Task_sparring", "vidensperson", cph(2026, 11, 24, 14), sparring_anonymised=True)
    sc.do(case, "Task_risiko_forbered_voksen", CASEWORKER, cph(2026, 11, 25, 10), risk_assessor="own")
    sc.do(case, "Task_risiko_resultat_voksen", CASEWORKER, cph(2026, 11, 25, 12), risk_level="low")
    sc.do(case, "Task_opfoelgning_foranstaltning_voksen", CASEWORKER, cph(2026, 12, 1, 10),
          measure_started_at="2026-12-01")
    followup = dict(followup_contacted=["security_consultant", "police"], followup_next="end", **SHARED)
    with pytest.raises(InvalidInput, match="without a recorded basis"):
        sc.do(case, "Task_opfoelgning_foerste_voksen", CASEWORKER, cph(2027, 2, 1, 10), **followup)
    sc.do(case, "Task_opfoelgning_foerste_voksen", CASEWORKER, cph(2027, 2, 1, 10),
          disclosure_exception="danger_to_life_or_health", disclosure_justification="Nye trusler", **followup)
    assert sorted(d.recipient_kind for d in list_disclosures(sc.session, case.id, sc.users[CASEWORKER])) == [
        "police", "security_consultant"]


def test_asking_the_school_and_the_doctor_during_the_investigation_needs_a_basis(sc):
    case = sc.open("underretning_boern", RECEIVED, received_at=RECEIVED.isoformat(), source="school",
                   professional_notifier=True)
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=3), assessment_decision="forward")
    sc.do(case, "Task_fordel_sag", "teamleder", RECEIVED + timedelta(hours=5), assigned_caseworker="sc-raadgiver-boern")
    assert "Task_undersoegelse" in sc.ready(case)  # forwarding started the investigation (issue 14)
    found = dict(investigation_sources=["school", "doctor"], investigation_outcome="no_measure",
                 investigation_conclusion="Kontrol i hjemmet, barnet må ikke se venner", **SHARED)
    at = cph(2026, 12, 10, 10)
    with pytest.raises(InvalidInput, match="without a recorded basis"):  # a consent for the school only
        sc.do(case, "Task_undersoegelse", "raadgiver-boern", at, **found,
              disclosure_consent_id=str(record_consent(
                  sc.session, case.id, sc.users["raadgiver-boern"], given_by="guardian", recipient_kind="school",
                  scope="Trivsel", purpose="Undersøgelsen", given_at=RECEIVED).id))
    assert list_disclosures(sc.session, case.id, sc.users["raadgiver-boern"]) == []
    sc.do(case, "Task_undersoegelse", "raadgiver-boern", at, **found, disclosure_exception="duty_to_notify_child",
          disclosure_justification="Barnets sikkerhed kræver oplysningerne")
    made = list_disclosures(sc.session, case.id, sc.users["raadgiver-boern"])
    assert sorted(d.recipient_kind for d in made) == ["doctor", "school"]
