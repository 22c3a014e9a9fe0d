"""The shipped default procedure (workflows/*.bpmn and workflows/forms/*.form) follows docs/diagrams.md.

Static checks: DI for every element, lanes that hold their shapes, user-task settings, forms that exist and
use only the supported components, gateway conditions that only test data the procedure defines, and deploy
validation. The runs through SpiffWorkflow are in test_shipped_runs.py.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

import pytest

from engine.bpmn import BpmnValidationError, validate_bpmn
from engine.consent.sharing import parse_whens, possible_recipients
from engine.forms.conditions import check_rules, parse_rules
from tests.workflows.shipped import (
    CALLED,
    CAMUNDA,
    COMPONENT_PROPERTIES,
    DATA_TYPES,
    DEADLINE_RULES,
    DIRECTORY_KINDS,
    DISCLOSURE_EXCEPTIONS,
    ENGLISH,
    FORMS,
    GATEWAYS,
    LANES,
    LAYOUT_TYPES,
    NS,
    PROCESSES,
    RECIPIENT_KINDS,
    START_DATA,
    VALIDATE_RULES,
    WORKFLOWS,
    bounds,
    bpmn_files,
    components,
    data_components,
    document,
    flow_nodes,
    form_files,
    load_form,
    local,
    parse,
    process_of,
    properties,
    user_tasks,
)

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
    if "required_when" in props:  # a field the form requires for some answers exists in it
        assert check_rules(props["required_when"]) == []
        assert {f for f, _c in parse_rules(props["required_when"])} <= set(data_components(load_form(key)))
    if "disclosure_recipient" in props or "disclosure_when" in props:
        assert set(possible_recipients(props)) <= RECIPIENT_KINDS
        fields = data_components(load_form(key))
        if "disclosure_when" in props:  # the options that mean "someone was told" exist in the form
            for field, mapping in parse_whens(props["disclosure_when"]):
                assert set(mapping) <= {v["value"] for v in fields[field]["values"]}
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
    starts = {path.stem: process_of(parse(path)).find("bpmn:startEvent", NS).get(f"{CAMUNDA}formKey")
              for path in bpmn_files()}
    assert starts == {"underretning_boern": "underretning_start", "henvendelse_voksen": "henvendelse_start",
                      "risikovurdering": None, "opfoelgning": None}  # called processes get their data passed
    shipped = {p.stem for p in form_files()}
    assert used | {key for key in starts.values() if key} == shipped


def test_start_forms_ask_for_the_documented_start_data():
    # Safe-contact rules can be captured at intake (engine.consent.safe_contact_sync).
    safe_contact = {"safe_contact_rules", "safe_contact_instructions"}
    # The subject goes to the person register (engine.persons.subject_intake), never into the case data.
    subject = {"subject_name", "subject_cpr"}
    assert set(data_components(load_form("underretning_start"))) == {"received_at", "source", "notifier_org",
                                                                    "professional_notifier", *safe_contact, *subject}
    assert set(data_components(load_form("henvendelse_start"))) == {"received_at", "source", "notifier_org",
                                                                    *safe_contact, *subject}


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
    for key in ("acute", "acute_discovered", "threats_or_violence", "unsafe_home",
                "emergency_decision", "risk_assessment_attached"):
        assert {c["type"] for c in fields[key]} == {"checkbox"}, key
    assert {v["value"] for v in fields["risk_level"][0]["values"]} == {"low", "medium", "high"}


# ------------------------------------------------------------------------------- deploy validation



@pytest.mark.parametrize("name", PROCESSES)
def test_deploy_validation_passes(name):
    try:
        validated = validate_bpmn(document(name), f"{name}.bpmn",
                                  extra_documents=[document(c) for c in CALLED[name]])
    except BpmnValidationError as exc:
        pytest.fail("deploy validation failed:\n" + "\n".join(
            f"  {p.element_id} ({p.element_name}): {p.message}" for p in exc.problems))
    assert validated.process_ids == [name]
    assert validated.called_ids == set(CALLED[name])
    for task in validated.user_tasks[name]:
        assert task.lane in LANES, task.bpmn_id

