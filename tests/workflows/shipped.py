"""What the tests of the shipped procedure share: where the files are, what they must contain, how to read them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
FORMS = WORKFLOWS / "forms"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "userTask", "scriptTask", "manualTask", "task", "callActivity", "subProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}
GATEWAYS = {"exclusiveGateway", "inclusiveGateway"}
PROCESSES = ["underretning_boern", "henvendelse_voksen", "risikovurdering", "opfoelgning"]
CALLED = {"underretning_boern": ["risikovurdering", "opfoelgning"],
          "henvendelse_voksen": ["risikovurdering", "opfoelgning"], "risikovurdering": [], "opfoelgning": []}
LANES = {"Modtagerteam", "Teamleder", "Rådgiver (børn)", "Rådgiver (voksen)", "Vidensperson"}
DATA_TYPES = {"textfield", "textarea", "number", "checkbox", "radio", "select", "checklist", "datetime"}
LAYOUT_TYPES = {"text", "group"}
COMPONENT_PROPERTIES = {
    "textfield": {"key", "label", "description", "validate"},
    "textarea": {"key", "label", "description", "validate"},
    "number": {"key", "label", "description", "validate", "decimalDigits"},
    "checkbox": {"key", "label", "description", "validate"},
    "radio": {"key", "label", "description", "validate", "values"},
    "select": {"key", "label", "description", "validate", "values"},
    "checklist": {"key", "label", "description", "validate", "values"},
    "datetime": {"key", "dateLabel", "description", "validate", "subtype"},
    "text": {"text"},
    "group": {"label", "components"},
}
VALIDATE_RULES = {
    "textfield": {"required", "minLength", "maxLength", "pattern"},
    "textarea": {"required", "minLength", "maxLength", "pattern"},
    "number": {"required", "min", "max"},
    "checkbox": {"required"},
    "radio": {"required"}, "select": {"required"}, "checklist": {"required"}, "datetime": {"required"},
}
DIRECTORY_KINDS = {"security_consultant", "police", "shelter", "red", "viso", "siri_travelling_team"}
RECIPIENT_KINDS = {"police", "security_consultant", "shelter", "other_department", "school", "day_care", "doctor",
                   "red", "viso", "interpreter", "other_municipality", "immigration_service", "psychologist", "other"}
DISCLOSURE_EXCEPTIONS = {"duty_to_notify_child", "early_preventive_cooperation", "danger_to_life_or_health",
                         "ssp_police_cooperation", "childrens_house", "notifier_feedback",
                         "police_child_exchange"}
DEADLINE_RULES = {"assessment_24h": (24, "hours"), "receipt_6_workdays": (6, "working_days"),
                  "child_investigation_4_months": (4, "months"), "first_followup_3_months": (3, "months"),
                  "committee_7_days": (7, "days"), "shelter_notice_3_workdays": (3, "working_days"),
                  "adult_followup_3_months": (3, "months"),
                  # municipal settings of the case path v2 (migration 0018)
                  "acute_action_hours": (4, "hours"), "case_assignment_workdays": (2, "working_days"),
                  "knowledge_sparring_workdays": (3, "working_days"),
                  "notifier_feedback_workdays": (10, "working_days"),
                  "consultant_contact_workdays": (1, "working_days")}
# Keys a case is opened with (docs/diagrams.md and the process documentation).
START_DATA = {"received_at", "source", "notifier_org", "professional_notifier", "risk_assessment_attached"}
# English words that would give away an untranslated label.
ENGLISH = re.compile(r"\b(the|and|of|with|date|name|please|select|enter|yes|no|what|who|when)\b", re.IGNORECASE)


def bpmn_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.bpmn"))


def parse(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def process_of(root: etree._Element) -> etree._Element:
    processes = root.findall("bpmn:process", NS)
    assert len(processes) == 1, "one executable process per file"
    return processes[0]


def flow_nodes(process: etree._Element) -> list[etree._Element]:
    return [e for e in process if isinstance(e.tag, str) and local(e) in FLOW_NODES]


def bounds(root: etree._Element) -> dict[str, tuple[float, float, float, float]]:
    found = {}
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        found[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    return found


def load_form(key: str) -> dict[str, Any]:
    return json.loads((FORMS / f"{key}.form").read_text(encoding="utf-8"))


def components(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in items:
        yield component
        if component.get("type") == "group":
            yield from components(component.get("components") or [])


def data_components(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in components(form["components"]) if c.get("type") in DATA_TYPES}


def user_tasks() -> Iterator[tuple[str, etree._Element]]:
    for path in bpmn_files():
        for task in process_of(parse(path)).iter(f"{{{NS['bpmn']}}}userTask"):
            yield path.stem, task


def properties(task: etree._Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in task.iterfind(".//camunda:property", NS)}


def form_files() -> list[Path]:
    return sorted(FORMS.glob("*.form"))



def document(name: str) -> bytes:
    return (WORKFLOWS / f"{name}.bpmn").read_bytes()
