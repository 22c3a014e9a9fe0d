"""The shipped default procedure (workflows/*.bpmn and workflows/forms/*.form) follows docs/diagrams.md.

Static checks: DI for every element, lanes that hold their shapes, user-task settings, forms that exist and
use only the supported components, gateway conditions that only test data the procedure defines. Dynamic
checks: the diagrams pass deploy validation and run through SpiffWorkflow with our script engine.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import BpmnValidationError, load_specs, validate_bpmn
from engine.cases.runtime import script_engine
from engine.deadlines.timers import user_task_due

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
                   "red", "viso", "interpreter", "other_municipality", "other"}
DISCLOSURE_EXCEPTIONS = {"duty_to_notify_child", "early_preventive_cooperation", "danger_to_life_or_health",
                         "ssp_police_cooperation", "childrens_house"}
DEADLINE_RULES = {"assessment_24h": (24, "hours"), "receipt_6_workdays": (6, "working_days"),
                  "child_investigation_4_months": (4, "months"), "first_followup_3_months": (3, "months"),
                  "committee_7_days": (7, "days"), "shelter_notice_3_workdays": (3, "working_days")}
# Keys a case is opened with (docs/diagrams.md and the process documentation).
START_DATA = {"received_at", "source", "professional_notifier", "risk_assessment_attached"}
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


# ------------------------------------------------------------------------------------------- the files


def test_the_four_processes_are_shipped_one_per_file():
    assert [p.stem for p in bpmn_files()] == sorted(PROCESSES)
    for path in bpmn_files():
        process = process_of(parse(path))
        assert process.get("id") == path.stem
        assert process.get("isExecutable") == "true"
        assert process.get("name")


@pytest.mark.parametrize("path", bpmn_files(), ids=lambda p: p.stem)
def test_call_activities_call_a_shipped_process(path):
    for call in process_of(parse(path)).iter(f"{{{NS['bpmn']}}}callActivity"):
        assert call.get("calledElement") in CALLED[path.stem], call.get("id")
        assert (WORKFLOWS / f"{call.get('calledElement')}.bpmn").is_file()


# --------------------------------------------------------------------------------------------- the DI


@pytest.mark.parametrize("path", bpmn_files(), ids=lambda p: p.stem)
def test_every_element_has_di(path):
    root = parse(path)
    process = process_of(root)
    participants = root.findall("bpmn:collaboration/bpmn:participant", NS)
    assert len(participants) == 1, "one pool"
    assert participants[0].get("processRef") == process.get("id")
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == root.find("bpmn:collaboration", NS).get("id")
    shapes = bounds(root)
    edges = {e.get("bpmnElement"): e for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    needs_shape = [participants[0], *lanes, *flow_nodes(process)]
    missing = [e.get("id") for e in needs_shape if e.get("id") not in shapes]
    assert not missing, f"no BPMNShape for {missing}"
    for element_id, (_x, _y, width, height) in shapes.items():
        assert width > 0 and height > 0, element_id
    flows = process.findall("bpmn:sequenceFlow", NS)
    assert not [f.get("id") for f in flows if f.get("id") not in edges], "every sequence flow needs a BPMNEdge"
    for flow in flows:
        points = [(float(w.get("x")), float(w.get("y"))) for w in edges[flow.get("id")].findall("di:waypoint", NS)]
        assert len(points) >= 2, flow.get("id")
        for point, end in ((points[0], flow.get("sourceRef")), (points[-1], flow.get("targetRef"))):
            x, y, w, h = shapes[end]
            assert x - 1 <= point[0] <= x + w + 1 and y - 1 <= point[1] <= y + h + 1, (
                f"{flow.get('id')} does not start/end on {end}")


@pytest.mark.parametrize("path", bpmn_files(), ids=lambda p: p.stem)
def test_lanes_hold_their_elements_inside_the_pool(path):
    root = parse(path)
    process = process_of(root)
    shapes = bounds(root)
    pool = shapes[root.find("bpmn:collaboration/bpmn:participant", NS).get("id")]
    lane_of: dict[str, str] = {}
    for lane in process.findall("bpmn:laneSet/bpmn:lane", NS):
        assert lane.get("name") in LANES, lane.get("name")
        lx, ly, lw, lh = shapes[lane.get("id")]
        assert pool[0] <= lx and lx + lw <= pool[0] + pool[2] + 0.5, lane.get("id")
        assert pool[1] <= ly and ly + lh <= pool[1] + pool[3] + 0.5, lane.get("id")
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            assert ref.text not in lane_of, f"{ref.text} is in two lanes"
            lane_of[ref.text] = lane.get("id")
            x, y, w, h = shapes[ref.text]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, (
                f"{ref.text} lies outside its lane {lane.get('name')}")
    unplaced = [n.get("id") for n in flow_nodes(process) if n.get("id") not in lane_of]
    assert not unplaced, f"not in a lane: {unplaced}"


@pytest.mark.parametrize("path", bpmn_files(), ids=lambda p: p.stem)
def test_shapes_do_not_overlap(path):
    root = parse(path)
    process = process_of(root)
    shapes = bounds(root)
    nodes = flow_nodes(process)
    hosts = {n.get("id"): n.get("attachedToRef") for n in nodes if local(n) == "boundaryEvent"}
    ids = [n.get("id") for n in nodes]
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if hosts.get(a) == b or hosts.get(b) == a:
                continue  # a boundary event sits on its host's border
            ax, ay, aw, ah = shapes[a]
            bx, by, bw, bh = shapes[b]
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, f"{a} overlaps {b}"
    lanes = [lane.get("id") for lane in process.findall("bpmn:laneSet/bpmn:lane", NS)]
    for i, a in enumerate(lanes):
        for b in lanes[i + 1:]:
            ax, ay, aw, ah = shapes[a]
            bx, by, bw, bh = shapes[b]
            assert ay + ah <= by or by + bh <= ay, f"lanes {a} and {b} overlap"


# ---------------------------------------------------------------------------------- user tasks and forms


@pytest.mark.parametrize("case", list(user_tasks()), ids=lambda c: f"{c[0]}:{c[1].get('id')}")
def test_user_task_settings(case):
    _process, task = case
    assert task.get("name"), "a Danish name"
    key = task.get(f"{CAMUNDA}formKey")
    assert key, "camunda:formKey"
    assert (FORMS / f"{key}.form").is_file(), f"workflows/forms/{key}.form is missing"
    props = properties(task)
    assert len(props.get("action_card") or "") >= 40, "an action card with real instructions"
    assert not ENGLISH.search(props["action_card"])
    if "directory_kind" in props:
        assert props["directory_kind"] in DIRECTORY_KINDS
    if "disclosure_recipient" in props:
        assert props["disclosure_recipient"] in RECIPIENT_KINDS
        fields = data_components(load_form(key))
        for field in ("disclosure_summary", "disclosure_purpose", "disclosure_consent_id", "disclosure_exception",
                      "disclosure_justification"):
            assert field in fields, f"sharing form {key} lacks {field}"
        assert fields["disclosure_consent_id"]["type"] == "textfield"
        assert "samtykke" in fields["disclosure_consent_id"]["description"].lower()
        assert fields["disclosure_exception"]["type"] == "select"
        assert {v["value"] for v in fields["disclosure_exception"]["values"]} == DISCLOSURE_EXCEPTIONS
        assert fields["disclosure_justification"]["type"] == "textarea"
    due = task.get(f"{CAMUNDA}dueDate")
    if due:
        rule = re.search(r"deadline\(\s*['\"](\w+)['\"]", due)
        assert rule is None or rule.group(1) in DEADLINE_RULES


def test_every_form_is_used_and_every_used_form_exists():
    used = {task.get(f"{CAMUNDA}formKey") for _p, task in user_tasks()}
    shipped = {p.stem for p in form_files()}
    assert used == shipped


@pytest.mark.parametrize("path", form_files(), ids=lambda p: p.stem)
def test_form_follows_the_contract(path):
    form = json.loads(path.read_text(encoding="utf-8"))
    assert form["type"] == "default"
    assert form["id"] == path.stem
    assert form["schemaVersion"] == 16
    ids, keys = set(), set()
    for component in components(form["components"]):
        kind = component.get("type")
        assert kind in DATA_TYPES | LAYOUT_TYPES, f"unsupported component type {kind!r}"
        assert component.get("id") and component["id"] not in ids, f"duplicate or missing id {component.get('id')}"
        ids.add(component["id"])
        extra = set(component) - {"id", "type"} - COMPONENT_PROPERTIES[kind]
        assert not extra, f"{component['id']}: unsupported properties {extra}"
        if kind not in DATA_TYPES:
            continue
        key = component["key"]
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,63}", key)
        assert key not in keys, f"key {key} twice"
        keys.add(key)
        label = component.get("dateLabel" if kind == "datetime" else "label") or ""
        assert label.strip() and label != key, f"{key}: needs a Danish label"
        assert not ENGLISH.search(label), f"{key}: label looks English: {label!r}"
        assert (component.get("description") or "").strip(), f"{key}: needs a Danish help text"
        rules = component.get("validate") or {}
        assert set(rules) <= VALIDATE_RULES[kind], f"{key}: unsupported validation {set(rules)}"
        if "pattern" in rules:
            re.compile(rules["pattern"])
        if kind in ("textfield", "textarea"):
            assert rules.get("maxLength"), f"{key}: text needs a maximum length"
        if kind in ("radio", "select", "checklist"):
            values = [v["value"] for v in component["values"]]
            assert values and len(values) == len(set(values)), key
            assert all(v.get("label") for v in component["values"]), key
        if kind == "radio":
            assert rules.get("required"), f"{key}: a decision must be required"
        if kind == "datetime":
            assert component["subtype"] in ("date", "datetime")


# -------------------------------------------------------------------------------- conditions and data


def _condition_names(source: str) -> set[str]:
    called = {n.func.id for n in ast.walk(ast.parse(source, mode="eval")) if isinstance(n, ast.Call)
              and isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(ast.parse(source, mode="eval")) if isinstance(n, ast.Name)} - called


def _script_keys() -> set[str]:
    keys = set()
    for path in bpmn_files():
        for script in process_of(parse(path)).iter(f"{{{NS['bpmn']}}}script"):
            keys |= {t.id for n in ast.walk(ast.parse(script.text)) if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name)}
    return keys


def _all_form_fields() -> dict[str, list[dict[str, Any]]]:
    fields: dict[str, list[dict[str, Any]]] = {}
    for path in form_files():
        for key, component in data_components(json.loads(path.read_text(encoding="utf-8"))).items():
            fields.setdefault(key, []).append(component)
    return fields


@pytest.mark.parametrize("path", bpmn_files(), ids=lambda p: p.stem)
def test_gateways_test_only_known_data_with_matching_form_values(path):
    process = process_of(parse(path))
    fields = _all_form_fields()
    known = START_DATA | _script_keys() | set(fields)
    flows = {f.get("id"): f for f in process.iter(f"{{{NS['bpmn']}}}sequenceFlow")}
    for gateway in process:
        if not isinstance(gateway.tag, str) or local(gateway) not in GATEWAYS:
            continue
        outgoing = [flows[o.text] for o in gateway.findall("bpmn:outgoing", NS)]
        if len(outgoing) < 2:
            continue
        assert gateway.get("default") in {f.get("id") for f in outgoing}, f"{gateway.get('id')} needs a default flow"
        for flow in outgoing:
            condition = flow.find("bpmn:conditionExpression", NS)
            if flow.get("id") == gateway.get("default"):
                assert condition is None
                continue
            source = condition.text.strip()
            unknown = _condition_names(source) - known
            assert not unknown, f"{flow.get('id')} tests undefined data {unknown}"
            for key, value in re.findall(r"\b(\w+)\s*==\s*\"([^\"]*)\"", source):
                if key in fields:
                    options = {v["value"] for c in fields[key] for v in c.get("values") or []}
                    assert value in options, f"{flow.get('id')}: no form offers {key} = {value!r}"


def test_boolean_gateway_data_comes_from_checkboxes():
    fields = _all_form_fields()
    for key in ("acute", "acute_discovered", "threats_or_violence", "unsafe_home", "continue_followup",
                "emergency_decision", "risk_assessment_attached"):
        assert {c["type"] for c in fields[key]} == {"checkbox"}, key
    assert {v["value"] for v in fields["risk_level"][0]["values"]} == {"low", "medium", "high"}


# ------------------------------------------------------------------------------- deploy validation


def _document(name: str) -> bytes:
    return (WORKFLOWS / f"{name}.bpmn").read_bytes()


@pytest.mark.parametrize("name", PROCESSES)
def test_deploy_validation_passes(name):
    try:
        validated = validate_bpmn(_document(name), f"{name}.bpmn",
                                  extra_documents=[_document(c) for c in CALLED[name]])
    except BpmnValidationError as exc:
        pytest.fail("deploy validation failed:\n" + "\n".join(
            f"  {p.element_id} ({p.element_name}): {p.message}" for p in exc.problems))
    assert validated.process_ids == [name]
    assert validated.called_ids == set(CALLED[name])
    for task in validated.user_tasks[name]:
        assert task.lane in LANES, task.bpmn_id


# ---------------------------------------------------------------------------------------- smoke runs


class Run:
    """Drives one case through SpiffWorkflow with casepath's script engine and a settable clock."""

    def __init__(self, process: str, data: dict[str, Any], now: datetime) -> None:
        self.now = now
        documents = [_document(process), *(_document(c) for c in CALLED[process])]
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
    return Run("underretning_boern", {"received_at": RECEIVED, "source": "school",
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
    assert run.ready() == {"Task_kvittering", "Task_fordel_sag"}


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
    run.complete("Task_fordel_sag", assigned_caseworker="raadgiver-boern")
    run.complete("Task_boernesamtale")
    run.complete("Task_screening")  # the caseworker leaves "akut fare" unticked: the reception's decision stands
    assert run.ready() == {"Task_risiko_forbered_boern"}, "no sparring when acute"
    run.complete("Task_risiko_forbered_boern", risk_assessor="security_consultant")
    run.complete("Task_risiko_del_sikkerhedskonsulent_boern")
    run.complete("Task_risiko_resultat_boern", risk_level="high", threats_or_violence=True, unsafe_home=True)
    assert run.ready() == {"Task_sikkerhedskonsulent", "Task_politi", "Task_anbringelse"}
    for task in ("Task_politi", "Task_sikkerhedskonsulent", "Task_anbringelse"):
        run.complete(task, disclosure_exception="danger_to_life_or_health", disclosure_justification="Trusler")
    assert run.ready() == {"Task_sikkerhedsplan"}
    run.complete("Task_sikkerhedsplan")
    run.wait(days=130)
    assert run.ready() == {"Task_undersoegelse", "Task_foreloebig_vurdering"}
    run.complete("Task_foreloebig_vurdering")
    run.complete("Task_undersoegelse", investigation_outcome="measure")
    run.complete("Task_tilbagemelding", feedback_content="support_started")
    run.complete("Task_opfoelgning_foranstaltning_boern", measure_started_at="2026-07-10")
    run.complete("Task_opfoelgning_foerste_boern", continue_followup=True, followup_interval="P1M")
    assert run.ready() == set(), "waiting for the next follow-up"
    run.wait(days=35)
    run.complete("Task_opfoelgning_loebende_boern", continue_followup=False)
    assert run.workflow.is_completed()
    assert run.data()["risk_level"] == "high"


def test_low_risk_involves_nobody_and_no_measure_ends_without_follow_up():
    run = boern(professional=False)
    run.complete("Task_kvittering")
    run.complete("Task_vurdering_24t", assessment_decision="forward")
    run.complete("Task_fordel_sag", assigned_caseworker="raadgiver-boern")
    run.complete("Task_boernesamtale")
    run.complete("Task_screening")
    assert run.ready() == {"Task_sparring"}
    run.complete("Task_sparring")
    run.complete("Task_risiko_forbered_boern", risk_assessor="own")
    assert run.ready() == {"Task_risiko_resultat_boern"}
    run.complete("Task_risiko_resultat_boern", risk_level="low")
    assert run.ready() == {"Task_sikkerhedsplan"}
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
    assert run.ready() == {"Task_krisecenter", "Task_politi"}
    run.complete("Task_krisecenter", shelter_admitted_at="2026-03-06")
    assert run.ready() == {"Task_indskrivning", "Task_koordinerende", "Task_politi"}
    notice = next(t for t in run.workflow.get_tasks(state=TaskState.READY, manual=True)
                  if t.task_spec.bpmn_id == "Task_indskrivning")
    assert user_task_due(notice)[1] == "shelter_notice_3_workdays"
    for task in ("Task_indskrivning", "Task_koordinerende", "Task_psykolog", "Task_overgang", "Task_politi"):
        run.complete(task)
    run.complete("Task_opfoelgning_foranstaltning_voksen", measure_started_at="2026-03-06")
    run.complete("Task_opfoelgning_foerste_voksen", continue_followup=False)
    assert run.workflow.is_completed()


def test_danger_found_in_screening_skips_knowledge_person():
    run = boern()
    run.complete("Task_vurdering_24t", assessment_decision="forward")
    run.complete("Task_fordel_sag", assigned_caseworker="raadgiver-boern")
    run.complete("Task_boernesamtale")
    run.complete("Task_screening", acute_discovered=True)
    assert run.ready() == {"Task_kvittering", "Task_risiko_forbered_boern"}


def test_follow_up_repeats_at_the_chosen_interval_until_ended():
    run = Run("opfoelgning", {"case_area": "voksen"}, START)
    run.complete("Task_opfoelgning_foranstaltning_voksen", measure_started_at="2026-03-02")
    first = run.workflow.get_tasks(state=TaskState.READY, manual=True)[0]
    assert first.task_spec.bpmn_id == "Task_opfoelgning_foerste_voksen"
    # 3 calendar months from 2 March, running to midnight (Danish summer time) at the end of 2 June
    assert user_task_due(first) == (datetime(2026, 6, 2, 22, 0, tzinfo=UTC), "first_followup_3_months")
    run.complete("Task_opfoelgning_foerste_voksen", continue_followup=True, followup_interval="P2W")
    for _ in range(2):
        run.wait(days=13)
        assert run.ready() == set()
        run.wait(days=2)
        assert run.ready() == {"Task_opfoelgning_loebende_voksen"}
        run.complete("Task_opfoelgning_loebende_voksen", continue_followup=True, followup_interval="P2W")
    run.wait(days=15)
    run.complete("Task_opfoelgning_loebende_voksen", continue_followup=False)
    assert run.workflow.is_completed()


def test_adult_inquiry_can_be_closed_at_triage():
    run = Run("henvendelse_voksen", {"received_at": RECEIVED, "source": "citizen"}, START)
    run.complete("Task_visitering", triage_decision="close", risk_assessment_attached=False, acute=False)
    assert run.workflow.is_completed()
