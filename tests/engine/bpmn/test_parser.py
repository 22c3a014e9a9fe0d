"""CasepathParser: safe loading, plain ISO timers, user-task metadata, load_specs."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import BpmnValidationError, CasepathParser, load_specs
from engine.expressions import SafeScriptEngine

from .test_validation import (
    CALLER_EXTRA,
    EMBEDDED,
    LANE_REFS,
    SUB_PROCESS,
    boundary_timer,
    diagram,
    process_xml,
)

PROPERTIES = (
    "<bpmn:extensionElements><camunda:properties>"
    '<camunda:property name="sensitivity" value="high"/>'
    "</camunda:properties></bpmn:extensionElements>"
)


def parse(data: bytes, process_id: str = "Case_1"):
    parser = CasepathParser()
    parser.add_bpmn_bytes(data, filename="test.bpmn")
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def test_user_task_extensions_and_lane() -> None:
    data = diagram(
        task_attrs='camunda:candidateGroups=" leads ,jurister,," camunda:formKey="review-form" '
        'camunda:dueDate="${now + 3}"',
        task_body=PROPERTIES,
    )
    spec, _ = parse(data)
    task = spec.task_specs["Task_Review"]
    assert task.lane == "caseworker"
    assert task.extensions == {
        "sensitivity": "high",
        "candidate_groups": ["leads", "jurister"],
        "form_key": "review-form",
        "due_date": "${now + 3}",
    }


def test_lane_of_user_task_in_embedded_subprocess_matches_validation() -> None:
    data = diagram(extra=EMBEDDED.format(inner=""), lane_refs=(*LANE_REFS, "Embedded_1"))
    _, subprocesses = parse(data)
    assert subprocesses["Embedded_1"].task_specs["In_Task"].lane == "caseworker"


def test_user_task_without_camunda_attributes() -> None:
    spec, _ = parse(diagram(task_attrs=""))
    assert spec.task_specs["Task_Review"].extensions == {
        "candidate_groups": [],
        "form_key": None,
        "due_date": None,
    }


@pytest.mark.parametrize(
    ("kind", "text", "expression"),
    [
        ("timeDuration", "PT24H", "'PT24H'"),
        ("timeCycle", "R3/P1D", "'R3/P1D'"),
        ("timeDate", "2026-12-01T09:00:00+01:00", "'2026-12-01T09:00:00+01:00'"),
        ("timeDuration", "reminder_after", "reminder_after"),
    ],
)
def test_timer_expression_is_timer_source(kind: str, text: str, expression: str) -> None:
    spec, _ = parse(diagram(extra=boundary_timer(kind, text)))
    assert spec.task_specs["Timer_1"].event_definition.expression == expression


def test_empty_timer_raises_our_error_with_element_id() -> None:
    with pytest.raises(BpmnValidationError) as info:
        load_specs([diagram(extra=boundary_timer("timeDuration", ""))], "Case_1")
    assert info.value.problems[0].element_id == "Timer_1"


def test_workflow_with_boundary_timer_builds_and_runs() -> None:
    spec, subprocesses = parse(diagram(extra=boundary_timer("timeDuration", "PT24H")))
    workflow = BpmnWorkflow(spec, subprocesses, script_engine=SafeScriptEngine())
    workflow.do_engine_steps()
    ready = workflow.get_tasks(state=TaskState.READY)
    assert [t.task_spec.bpmn_id for t in ready] == ["Task_Review"]
    waiting = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.WAITING)}
    assert "Timer_1" in waiting  # the timer was evaluated ('PT24H') and has not fired yet

    ready[0].data["decision"] = "approve"
    ready[0].run()
    workflow.do_engine_steps()
    assert workflow.is_completed()
    ended = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)}
    assert "End_Approved" in ended
    assert "End_Rejected" not in ended


def test_load_specs_with_call_activity() -> None:
    spec, subprocesses = load_specs([diagram(extra=CALLER_EXTRA), diagram(SUB_PROCESS)], "Case_1")
    assert spec.name == "Case_1"
    assert set(subprocesses) == {"Sub_1"}
    BpmnWorkflow(spec, subprocesses)


def test_load_specs_same_document() -> None:
    data = diagram(process_xml(extra=CALLER_EXTRA), SUB_PROCESS)
    _, subprocesses = load_specs([data], "Case_1")
    assert set(subprocesses) == {"Sub_1"}


@pytest.mark.parametrize(
    ("documents", "process_id"),
    [
        ([b"not xml"], "Case_1"),
        ([diagram()], "No_Such_Process"),
        ([diagram(extra=CALLER_EXTRA)], "Case_1"),  # Sub_1 missing
        ([b'<!DOCTYPE d [<!ENTITY a "b">]><d>&a;</d>'], "Case_1"),
    ],
)
def test_load_specs_only_raises_our_error(documents: list[bytes], process_id: str) -> None:
    with pytest.raises(BpmnValidationError) as info:
        load_specs(documents, process_id)
    assert all(p.message for p in info.value.problems)


def test_spiffworkflow_string_loaders_go_through_parse_xml() -> None:
    parser = CasepathParser()
    with pytest.raises(BpmnValidationError, match="DTDs and entities are not allowed"):
        parser.add_bpmn_str(b'<!DOCTYPE d [<!ENTITY a "b">]><d>&a;</d>')


def test_business_rule_task_without_decision_ref_does_not_crash_the_parser() -> None:
    extra = (
        '<bpmn:businessRuleTask id="Rule_1"/>'
        '<bpmn:sequenceFlow id="F_R" sourceRef="Start_1" targetRef="Rule_1"/>'
    )
    parser = CasepathParser()
    parser.add_bpmn_bytes(diagram(extra=extra))  # camunda's own parser raises KeyError here
    assert parser.get_process_ids() == ["Case_1"]
