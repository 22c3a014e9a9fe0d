"""Smoke runs of the shipped procedure through SpiffWorkflow with casepath's script engine and a settable clock.

Every submission is the whole form as the web UI sends it, checked against the form like the server does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import load_specs
from engine.cases.runtime import script_engine
from engine.deadlines.timers import user_task_due
from tests.workflows.shipped import CALLED, DEADLINE_RULES, data_components, document, load_form


class Run:
    """Drives one case through SpiffWorkflow with casepath's script engine and a settable clock."""

    def __init__(self, process: str, data: dict[str, Any], now: datetime) -> None:
        self.now = now
        documents = [document(process), *(document(c) for c in CALLED[process])]
        spec, subprocess_specs = load_specs(documents, process)
        engine = script_engine(lambda: self.now, DEADLINE_RULES)
        self.workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
        for task in self.workflow.get_tasks(state=TaskState.READY):
            task.set_data(**data)
        self.step()

    def step(self) -> None:
        self.workflow.do_engine_steps()
        self.workflow.refresh_timers()
        self.workflow.do_engine_steps()
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            user_task_due(task)  # every due date expression must evaluate

    def wait(self, **delta: float) -> None:
        self.now += timedelta(**delta)
        self.step()

    def ready(self) -> set[str]:
        return {t.task_spec.bpmn_id for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)}

    def data(self) -> dict[str, Any]:
        return self.workflow.last_task.data if self.workflow.last_task else {}

    def complete(self, bpmn_id: str, **data: Any) -> None:
        [task] = [t for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                  if t.task_spec.bpmn_id == bpmn_id]
        task.set_data(**submission(task.task_spec.extensions["form_key"], data))
        task.run()
        self.step()


def _filler(component: dict[str, Any]) -> Any:
    kind, rules = component["type"], component.get("validate") or {}
    if kind in ("textfield", "textarea"):
        return "testtekst".ljust(max(rules.get("minLength") or 0, 9), "x")
    if kind == "datetime":
        return "2026-03-02"
    if kind in ("radio", "select"):
        return component["values"][0]["value"]
    if kind == "checklist":
        return [component["values"][0]["value"]]
    if kind == "number":
        return rules.get("min") or 0
    return False


def _untouched(component: dict[str, Any]) -> Any:
    """What the web UI submits for a field left alone: unticked boxes are False, empty fields None."""
    if (component.get("validate") or {}).get("required"):
        return _filler(component)
    return {"checkbox": False, "checklist": []}.get(component["type"])


def submission(form_key: str, data: dict[str, Any]) -> dict[str, Any]:
    """Every field of the form, as the web UI submits it, with `data` filled in; checked like the server does."""
    fields = data_components(load_form(form_key))
    unknown = set(data) - set(fields)
    assert not unknown, f"{form_key} has no fields {unknown}"
    full = {key: data[key] if key in data else _untouched(component) for key, component in fields.items()}
    for key, value in full.items():
        component, rules = fields[key], fields[key].get("validate") or {}
        if value is None:
            continue
        if component["type"] in ("radio", "select"):
            assert value in {v["value"] for v in component["values"]}, (form_key, key, value)
        if component["type"] == "checkbox":
            assert isinstance(value, bool), (form_key, key)
        if component["type"] in ("textfield", "textarea"):
            assert len(value) >= (rules.get("minLength") or 0) and len(value) <= rules["maxLength"]
            if rules.get("pattern"):
                assert re.search(rules["pattern"], value), (form_key, key, value)
    return full


RECEIVED = "2026-03-02T10:00:00+01:00"
START = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)


def boern(professional: bool = True) -> Run:
    # A school is always a professional notifier (BL § 137); a parent only when the box says so.
    return Run("underretning_boern", {"received_at": RECEIVED, "source": "school" if professional else "parent",
                                      "professional_notifier": professional}, START)


def test_smoke_new_notification_opens_receipt_and_24_hour_assessment():
    run = boern()
    assert run.ready() == {"Task_kvittering", "Task_vurdering_24t"}
    receipt = next(t for t in run.workflow.get_tasks(state=TaskState.READY, manual=True)
                   if t.task_spec.bpmn_id == "Task_kvittering")
    due, rule = user_task_due(receipt)
    assert rule == "receipt_6_workdays" and due > START + timedelta(days=6)
    assessment = next(t for t in run.workflow.get_tasks(state=TaskState.READY, manual=True)
                      if t.task_spec.bpmn_id == "Task_vurdering_24t")
    assert user_task_due(assessment) == (datetime(2026, 3, 3, 9, 0, tzinfo=UTC), "assessment_24h")


def test_missed_24_hours_escalates_to_the_team_lead_while_the_assessment_stays_open():
    run = boern()
    run.wait(hours=23)
    assert "Task_eskalering_24t" not in run.ready()
    run.wait(hours=2)
    assert run.ready() == {"Task_kvittering", "Task_vurdering_24t", "Task_eskalering_24t"}
    run.complete("Task_eskalering_24t")
    run.complete("Task_vurdering_24t", assessment_decision="forward")
    # Forwarded: the investigation (4-month clock) and the § 137 feedback start with the assignment (issue 14).
    assert run.ready() == {"Task_kvittering", "Task_fordel_sag", "Task_undersoegelse", "Task_tilbagemelding"}


@pytest.mark.parametrize("professional", [True, False])
def test_closing_gives_feedback_only_to_a_professional_notifier(professional):
    run = boern(professional)
    run.complete("Task_kvittering")
    run.complete("Task_vurdering_24t", assessment_decision="close", close_reason="Ingen bekymring")
    if professional:
        assert run.ready() == {"Task_tilbagemelding_lukning"}
        run.complete("Task_tilbagemelding_lukning", disclosure_exception="duty_to_notify_child",
                     disclosure_justification="Barnets lov § 137")
    assert run.workflow.is_completed()


def test_acute_path_skips_knowledge_person_and_involves_everyone_the_risk_calls_for():
    run = boern()
    run.complete("Task_vurdering_24t", assessment_decision="acute")
    assert run.ready() == {"Task_kvittering", "Task_akut"}
    run.complete("Task_akut", emergency_decision=True)
    assert run.ready() == {"Task_kvittering", "Task_udvalg"}
    run.complete("Task_udvalg")
    run.complete("Task_kvittering")
    run.complete("Task_tilbagemelding", feedback_content="investigation_started")
    run.complete("Task_fordel_sag", assigned_caseworker="raadgiver-boern")
    run.complete("Task_boernesamtale")
    run.complete("Task_screening")  # the caseworker leaves "akut fare" unticked: the reception's decision stands
    assert run.ready() == {"Task_risiko_forbered_boern", "Task_undersoegelse"}, "no sparring when acute"
    run.complete("Task_risiko_forbered_boern", risk_assessor="security_consultant")
    run.complete("Task_risiko_del_sikkerhedskonsulent_boern")
    run.complete("Task_risiko_resultat_boern", risk_level="high", threats_or_violence=True, unsafe_home=True)
    assert run.ready() == {"Task_sikkerhedskonsulent", "Task_politi", "Task_anbringelse", "Task_undersoegelse"}
    for task in ("Task_politi", "Task_sikkerhedskonsulent", "Task_anbringelse"):
        run.complete(task, disclosure_exception="danger_to_life_or_health", disclosure_justification="Trusler")
    assert run.ready() == {"Task_sikkerhedsplan", "Task_undersoegelse"}
    run.complete("Task_sikkerhedsplan")
    run.wait(days=130)
    assert run.ready() == {"Task_undersoegelse", "Task_foreloebig_vurdering"}
    run.complete("Task_foreloebig_vurdering")
    run.complete("Task_undersoegelse", investigation_outcome="measure")
    run.complete("Task_opfoelgning_foranstaltning_boern", measure_started_at="2026-07-10")
    run.complete("Task_opfoelgning_foerste_boern", followup_next="continue", followup_interval="P1M")
    assert run.ready() == set(), "waiting for the next follow-up"
    run.wait(days=35)
    run.complete("Task_opfoelgning_loebende_boern", followup_next="end")
    assert run.workflow.is_completed()
    assert run.data()["risk_level"] == "high"


def test_low_risk_involves_nobody_and_no_measure_ends_without_follow_up():
    run = boern(professional=False)
    run.complete("Task_kvittering")
    run.complete("Task_vurdering_24t", assessment_decision="forward")
    run.complete("Task_fordel_sag", assigned_caseworker="raadgiver-boern")
    run.complete("Task_boernesamtale")
    run.complete("Task_screening")
    assert run.ready() == {"Task_sparring", "Task_undersoegelse"}
    run.complete("Task_sparring")
    run.complete("Task_risiko_forbered_boern", risk_assessor="own")
    assert run.ready() == {"Task_risiko_resultat_boern", "Task_undersoegelse"}
    run.complete("Task_risiko_resultat_boern", risk_level="low")
    assert run.ready() == {"Task_sikkerhedsplan", "Task_undersoegelse"}
    run.complete("Task_sikkerhedsplan")
    run.complete("Task_undersoegelse", investigation_outcome="no_measure")
    assert run.workflow.is_completed()


def test_adult_inquiry_with_several_conversations_shelter_and_police():
    run = Run("henvendelse_voksen", {"received_at": RECEIVED, "source": "other_municipality",
                                     "risk_assessment_attached": True}, START)
    assert run.ready() == {"Task_visitering"}
    run.complete("Task_visitering", triage_decision="forward", risk_assessment_attached=True, acute=False)
    run.complete("Task_fordel_sag", assigned_caseworker="raadgiver-voksen")
    assert run.ready() == {"Task_medsendt"}
    run.complete("Task_medsendt")
    run.complete("Task_samtale", another_conversation="yes")
    assert run.ready() == {"Task_samtale"}
    run.complete("Task_samtale", another_conversation="no")
    run.complete("Task_sparring")
    run.complete("Task_risiko_forbered_voksen", risk_assessor="red")
    assert run.ready() == {"Task_risiko_del_red_voksen"}
    run.complete("Task_risiko_del_red_voksen", disclosure_consent_id="c0ffee00-0000-4000-8000-000000000000")
    run.complete("Task_risiko_resultat_voksen", risk_level="high", threats_or_violence=True, unsafe_home=True)
    # High risk: the consultant, a safety plan and an action plan (SEL § 12 a, stk. 2) besides shelter and police.
    assert run.ready() == {"Task_krisecenter", "Task_politi", "Task_sikkerhedskonsulent_voksen"}
    run.complete("Task_krisecenter")
    assert run.ready() == {"Task_indskrevet", "Task_politi", "Task_sikkerhedskonsulent_voksen"}
    run.complete("Task_indskrevet", shelter_admitted_at="2026-03-06")
    assert run.ready() == {"Task_indskrivning", "Task_koordinerende", "Task_politi", "Task_sikkerhedskonsulent_voksen"}
    notice = next(t for t in run.workflow.get_tasks(state=TaskState.READY, manual=True)
                  if t.task_spec.bpmn_id == "Task_indskrivning")
    assert user_task_due(notice)[1] == "shelter_notice_3_workdays"
    for task in ("Task_indskrivning", "Task_koordinerende", "Task_psykolog", "Task_udskrevet",
                 "Task_udskrivning_besked", "Task_overgang", "Task_politi", "Task_sikkerhedskonsulent_voksen",
                 "Task_sikkerhedsplan_voksen"):
        run.complete(task)
    run.complete("Task_handleplan", action_plan_offer="accepted", action_plan="Mål og indsatser")
    run.complete("Task_opfoelgning_foranstaltning_voksen", measure_started_at="2026-03-06")
    run.complete("Task_opfoelgning_foerste_voksen", followup_next="end")
    assert run.workflow.is_completed()


def test_danger_found_in_screening_skips_knowledge_person():
    run = boern()
    run.complete("Task_vurdering_24t", assessment_decision="forward")
    run.complete("Task_fordel_sag", assigned_caseworker="raadgiver-boern")
    run.complete("Task_boernesamtale")
    run.complete("Task_screening", acute_discovered=True)
    # ... and starts the acute handling (issue 14): the owner's acute task, the consultant and the police
    assert run.ready() == {"Task_kvittering", "Task_risiko_forbered_boern", "Task_akut_handling",
                           "Task_akut_sikkerhedskonsulent", "Task_akut_politi", "Task_undersoegelse",
                           "Task_tilbagemelding"}


def test_follow_up_repeats_at_the_chosen_interval_until_ended():
    run = Run("opfoelgning", {"case_area": "voksen"}, START)
    run.complete("Task_opfoelgning_foranstaltning_voksen", measure_started_at="2026-03-02")
    first = run.workflow.get_tasks(state=TaskState.READY, manual=True)[0]
    assert first.task_spec.bpmn_id == "Task_opfoelgning_foerste_voksen"
    # 3 calendar months from 2 March, running to midnight (Danish summer time) at the end of 2 June
    assert user_task_due(first) == (datetime(2026, 6, 2, 22, 0, tzinfo=UTC), "adult_followup_3_months")  # not BL § 95
    run.complete("Task_opfoelgning_foerste_voksen", followup_next="continue", followup_interval="P2W")
    for _ in range(2):
        run.wait(days=13)
        assert run.ready() == set()
        run.wait(days=2)
        assert run.ready() == {"Task_opfoelgning_loebende_voksen"}
        run.complete("Task_opfoelgning_loebende_voksen", followup_next="continue", followup_interval="P2W")
    run.wait(days=15)
    run.complete("Task_opfoelgning_loebende_voksen", followup_next="end")
    assert run.workflow.is_completed()


def test_adult_inquiry_can_be_closed_at_triage():
    run = Run("henvendelse_voksen", {"received_at": RECEIVED, "source": "citizen"}, START)
    run.complete("Task_visitering", triage_decision="close", risk_assessment_attached=False, acute=False)
    assert run.workflow.is_completed()
