"""Deploy-time validation: every problem is reported, each naming its element."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from engine.bpmn import BpmnValidationError, Problem, ValidatedBpmn, validate_bpmn

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' id="Definitions_1" targetNamespace="http://casepath.dk/bpmn">\n'
)
LANE_REFS = ("Start_1", "Task_Review", "Gateway_1", "End_Approved", "End_Rejected")


def process_xml(
    *,
    process_id: str = "Case_1",
    executable: str = "true",
    condition: str = 'decision == "approve"',
    task_attrs: str = 'camunda:formKey="review-form" camunda:dueDate="P3D"',
    lane_refs: tuple[str, ...] = LANE_REFS,
    extra: str = "",
    task_body: str = "",
) -> str:
    """A valid process: start -> user task (in a lane) -> exclusive gateway -> two ends."""
    refs = "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in lane_refs)
    return f"""
  <bpmn:process id="{process_id}" name="Sag om bekymring" isExecutable="{executable}">
    <bpmn:laneSet id="LaneSet_{process_id}">
      <bpmn:lane id="Lane_{process_id}" name="caseworker">{refs}</bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Start_1" name="Case opened"/>
    <bpmn:userTask id="Task_Review" name="Review case" {task_attrs}>{task_body}</bpmn:userTask>
    <bpmn:exclusiveGateway id="Gateway_1" name="Approved?" default="Flow_No"/>
    <bpmn:endEvent id="End_Approved" name="Approved"/>
    <bpmn:endEvent id="End_Rejected" name="Rejected"/>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Review"/>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="Gateway_1"/>
    <bpmn:sequenceFlow id="Flow_Yes" name="yes" sourceRef="Gateway_1" targetRef="End_Approved">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_No" name="no" sourceRef="Gateway_1" targetRef="End_Rejected"/>
    {extra}
  </bpmn:process>"""


def diagram(*processes: str, root_extra: str = "", **kwargs: object) -> bytes:
    """A whole document; without ``processes`` it holds one ``process_xml(**kwargs)``."""
    body = "".join(processes) if processes else process_xml(**kwargs)  # type: ignore[arg-type]
    return (HEADER + root_extra + body + "\n</bpmn:definitions>\n").encode()


def problems_of(data: bytes, **kwargs: object) -> list[Problem]:
    with pytest.raises(BpmnValidationError) as info:
        validate_bpmn(data, **kwargs)  # type: ignore[arg-type]
    assert info.value.problems
    return info.value.problems


def by_element(problems: list[Problem], element_id: str) -> list[str]:
    return [p.message for p in problems if p.element_id == element_id]


def test_valid_diagram_returns_processes_and_user_tasks() -> None:
    result = validate_bpmn(
        diagram(task_attrs='camunda:candidateGroups="leads, jurister" camunda:formKey="f"')
    )
    assert isinstance(result, ValidatedBpmn)
    assert result.process_ids == ["Case_1"]
    assert result.process_names == {"Case_1": "Sag om bekymring"}
    assert result.called_ids == set()
    [task] = result.user_tasks["Case_1"]
    assert (task.bpmn_id, task.name, task.lane) == ("Task_Review", "Review case", "caseworker")
    assert task.candidate_groups == ["leads", "jurister"]
    assert task.form_key == "f"
    assert task.due_date is None


def test_not_executable_names_the_process() -> None:
    [problem] = problems_of(diagram(executable="false"))
    assert problem.element_id == "Case_1"
    assert problem.message == "process 'Case_1' is not executable (isExecutable is not true)"


def test_missing_executable_flag_is_not_executable() -> None:
    data = diagram().replace(b' isExecutable="true"', b"")
    assert problems_of(data)[0].element_id == "Case_1"


def test_no_process_at_all() -> None:
    [problem] = problems_of(diagram(""))
    assert problem == Problem(None, None, "the file contains no executable process")


def test_root_must_be_bpmn_definitions() -> None:
    [problem] = problems_of(b"<definitions><process/></definitions>")
    assert "bpmn:definitions" in problem.message


def test_user_task_without_lane_or_group() -> None:
    problems = problems_of(diagram(lane_refs=("Start_1", "Gateway_1", "End_Approved", "End_Rejected")))
    assert problems == [
        Problem("Task_Review", "Review case", "user task is not in a lane and has no candidate group")
    ]


def test_user_task_outside_lanes_with_candidate_group_is_fine() -> None:
    data = diagram(lane_refs=(), task_attrs='camunda:candidateGroups="leads"')
    [task] = validate_bpmn(data).user_tasks["Case_1"]
    assert task.lane is None
    assert task.candidate_groups == ["leads"]


def test_nested_lane_wins() -> None:
    data = diagram().replace(
        b"<bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>",
        b'<bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef><bpmn:childLaneSet id="CLS">'
        b'<bpmn:lane id="Lane_Inner" name="legal"><bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>'
        b"</bpmn:lane></bpmn:childLaneSet>",
    )
    assert validate_bpmn(data).user_tasks["Case_1"][0].lane == "legal"


EMBEDDED = (
    '<bpmn:subProcess id="Embedded_1" name="Investigate">'
    '<bpmn:startEvent id="In_Start"/><bpmn:userTask id="In_Task" name="Interview"/>'
    '<bpmn:endEvent id="In_End"/>{inner}'
    '<bpmn:sequenceFlow id="In_F1" sourceRef="In_Start" targetRef="In_Task"/>'
    '<bpmn:sequenceFlow id="In_F2" sourceRef="In_Task" targetRef="In_End"/>'
    "</bpmn:subProcess>"
    '<bpmn:sequenceFlow id="Flow_E1" sourceRef="Start_1" targetRef="Embedded_1"/>'
    '<bpmn:sequenceFlow id="Flow_E2" sourceRef="Embedded_1" targetRef="End_Rejected"/>'
)


def test_user_task_in_embedded_subprocess_takes_the_subprocess_lane() -> None:
    data = diagram(extra=EMBEDDED.format(inner=""), lane_refs=(*LANE_REFS, "Embedded_1"))
    tasks = {t.bpmn_id: t.lane for t in validate_bpmn(data).user_tasks["Case_1"]}
    assert tasks == {"Task_Review": "caseworker", "In_Task": "caseworker"}


def test_subprocess_scope_is_checked_separately() -> None:
    inner = '<bpmn:task id="In_Orphan" name="Orphan"/>'
    data = diagram(extra=EMBEDDED.format(inner=inner), lane_refs=(*LANE_REFS, "Embedded_1"))
    problems = problems_of(data)
    assert by_element(problems, "In_Orphan") == [
        "unreachable: no incoming sequence flow",
        "has no outgoing sequence flow",
    ]


def test_user_task_in_subprocess_outside_lanes() -> None:
    problems = problems_of(diagram(extra=EMBEDDED.format(inner="")))
    assert by_element(problems, "In_Task") == ["user task is not in a lane and has no candidate group"]


def test_dangling_sequence_flow() -> None:
    extra = '<bpmn:sequenceFlow id="Flow_Dangling" name="lost" sourceRef="Task_Review" targetRef="Nowhere"/>'
    problems = problems_of(diagram(extra=extra))
    [message] = by_element(problems, "Flow_Dangling")
    assert message.startswith("dangling sequence flow")
    assert "Nowhere" in message
    assert [p.element_name for p in problems if p.element_id == "Flow_Dangling"] == ["lost"]


def test_unreachable_task_without_incoming_flow() -> None:
    extra = (
        '<bpmn:task id="Task_Orphan" name="Orphan"/>'
        '<bpmn:sequenceFlow id="Flow_O" sourceRef="Task_Orphan" targetRef="End_Rejected"/>'
    )
    problems = problems_of(diagram(extra=extra))
    assert problems == [Problem("Task_Orphan", "Orphan", "unreachable: no incoming sequence flow")]


def test_task_in_a_loop_nobody_enters_is_unreachable_from_start() -> None:
    extra = (
        '<bpmn:task id="Task_A" name="A"/><bpmn:task id="Task_B" name="B"/>'
        '<bpmn:sequenceFlow id="Flow_AB" sourceRef="Task_A" targetRef="Task_B"/>'
        '<bpmn:sequenceFlow id="Flow_BA" sourceRef="Task_B" targetRef="Task_A"/>'
    )
    problems = problems_of(diagram(extra=extra))
    assert by_element(problems, "Task_A") == ["unreachable from the start event"]
    assert by_element(problems, "Task_B") == ["unreachable from the start event"]


def test_dead_end_task() -> None:
    extra = (
        '<bpmn:task id="Task_Dead" name="Dead end"/>'
        '<bpmn:sequenceFlow id="Flow_D" sourceRef="Start_1" targetRef="Task_Dead"/>'
    )
    problems = problems_of(diagram(extra=extra))
    assert by_element(problems, "Task_Dead") == ["has no outgoing sequence flow"]


def test_bad_condition_names_the_sequence_flow() -> None:
    problems = problems_of(diagram(condition="__import__('os').system('id')"))
    [problem] = problems
    assert (problem.element_id, problem.element_name) == ("Flow_Yes", "yes")
    assert problem.message.startswith("invalid condition")


def test_camunda_juel_condition_is_explained() -> None:
    [problem] = problems_of(diagram(condition="${approved}"))
    assert problem.element_id == "Flow_Yes"
    assert "JUEL" in problem.message


def test_gateway_flow_without_condition() -> None:
    data = diagram().replace(b' default="Flow_No"', b"")
    problems = problems_of(data)
    assert by_element(problems, "Flow_No") == [
        "sequence flow leaves a gateway without a condition and is not its default flow"
    ]


def script_task_process(script: str) -> str:
    extra = (
        f'<bpmn:scriptTask id="Script_1" name="Compute" scriptFormat="python">'
        f"<bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="Flow_S1" sourceRef="Start_1" targetRef="Script_1"/>'
        '<bpmn:sequenceFlow id="Flow_S2" sourceRef="Script_1" targetRef="End_Rejected"/>'
    )
    # Start events may fork; route the script through a parallel branch.
    return process_xml(extra=extra)


def test_script_task_import_is_rejected() -> None:
    problems = problems_of(diagram(script_task_process("import os\nos.system('id')")))
    [problem] = problems
    assert (problem.element_id, problem.element_name) == ("Script_1", "Compute")
    assert problem.message.startswith("invalid script")


def test_safe_script_task_is_accepted() -> None:
    assert validate_bpmn(diagram(script_task_process("score = 1 + 2"))).process_ids == ["Case_1"]


def test_script_in_another_language() -> None:
    data = diagram(script_task_process("x = 1")).replace(b'scriptFormat="python"', b'scriptFormat="groovy"')
    assert by_element(problems_of(data), "Script_1") == [
        "script language 'groovy' is not supported (scripts are Python)"
    ]


def boundary_timer(kind: str, text: str) -> str:
    return (
        '<bpmn:boundaryEvent id="Timer_1" name="24 hours" attachedToRef="Task_Review">'
        f'<bpmn:timerEventDefinition id="TD_1"><bpmn:{kind} xsi:type="bpmn:tFormalExpression">'
        f"{escape(text)}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:userTask id="Task_Escalate" name="Escalate" camunda:candidateGroups="leads"/>'
        '<bpmn:sequenceFlow id="Flow_T1" sourceRef="Timer_1" targetRef="Task_Escalate"/>'
        '<bpmn:sequenceFlow id="Flow_T2" sourceRef="Task_Escalate" targetRef="End_Rejected"/>'
    )


@pytest.mark.parametrize(
    ("kind", "text"),
    [("timeDuration", "PT24H"), ("timeCycle", "R3/P1D"), ("timeDate", "2026-12-01T09:00:00+01:00")],
)
def test_plain_iso_timers_are_accepted(kind: str, text: str) -> None:
    result = validate_bpmn(diagram(extra=boundary_timer(kind, text)))
    assert [t.bpmn_id for t in result.user_tasks["Case_1"]] == ["Task_Review", "Task_Escalate"]


def test_empty_timer_is_a_problem() -> None:
    problems = problems_of(diagram(extra=boundary_timer("timeDuration", "  ")))
    assert by_element(problems, "Timer_1") == ["timer timeDuration is empty"]


def test_timer_expression_is_checked() -> None:
    problems = problems_of(diagram(extra=boundary_timer("timeDuration", "__import__('os')")))
    assert by_element(problems, "Timer_1")[0].startswith("invalid timer")


@pytest.mark.parametrize(
    ("element", "message"),
    [
        ('<bpmn:serviceTask id="X_1" name="Call API"/>', "service tasks are not supported"),
        ('<bpmn:sendTask id="X_1" name="Send letter"/>', "send tasks are not supported"),
        ('<bpmn:receiveTask id="X_1" name="Wait"/>', "receive tasks are not supported"),
        ('<bpmn:complexGateway id="X_1" name="Complex"/>', "complex gateways are not supported"),
        ('<bpmn:businessRuleTask id="X_1" name="Decide"/>', "business rule tasks"),
        (
            '<bpmn:task id="X_1" name="Listen"><bpmn:extensionElements><camunda:executionListener '
            'event="start"><camunda:script scriptFormat="groovy">x</camunda:script>'
            "</camunda:executionListener></bpmn:extensionElements></bpmn:task>",
            "execution listeners are not supported",
        ),
        (
            '<bpmn:intermediateCatchEvent id="X_1" name="Letter"><bpmn:messageEventDefinition/>'
            "</bpmn:intermediateCatchEvent>",
            "message events are not supported",
        ),
    ],
)
def test_unsupported_elements(element: str, message: str) -> None:
    extra = (
        element + '<bpmn:sequenceFlow id="Flow_X1" sourceRef="Start_1" targetRef="X_1"/>'
        '<bpmn:sequenceFlow id="Flow_X2" sourceRef="X_1" targetRef="End_Rejected"/>'
    )
    problems = problems_of(diagram(extra=extra))
    assert any(m.startswith(message) for m in by_element(problems, "X_1")), problems
    assert all(p.element_id == "X_1" for p in problems), problems


CALLER_EXTRA = (
    '<bpmn:callActivity id="Call_1" name="Run sub" calledElement="Sub_1"/>'
    '<bpmn:sequenceFlow id="Flow_C1" sourceRef="Start_1" targetRef="Call_1"/>'
    '<bpmn:sequenceFlow id="Flow_C2" sourceRef="Call_1" targetRef="End_Rejected"/>'
)
SUB_PROCESS = """
  <bpmn:process id="Sub_1" name="Sub" isExecutable="true">
    <bpmn:startEvent id="Sub_Start"/><bpmn:endEvent id="Sub_End"/>
    <bpmn:sequenceFlow id="Sub_Flow" sourceRef="Sub_Start" targetRef="Sub_End"/>
  </bpmn:process>"""


def test_call_activity_to_unknown_process() -> None:
    problems = problems_of(diagram(extra=CALLER_EXTRA))
    assert [(p.element_id, p.element_name) for p in problems] == [("Call_1", "Run sub")]
    assert "'Sub_1'" in problems[0].message


def test_call_activity_resolved_from_extra_documents() -> None:
    result = validate_bpmn(diagram(extra=CALLER_EXTRA), extra_documents=[diagram(SUB_PROCESS)])
    assert result.process_ids == ["Case_1"]
    assert result.called_ids == {"Sub_1"}


def test_called_process_in_same_document_is_not_top_level() -> None:
    result = validate_bpmn(diagram(process_xml(extra=CALLER_EXTRA), SUB_PROCESS))
    assert result.process_ids == ["Case_1"]
    assert result.called_ids == set()
    assert set(result.process_names) == {"Case_1", "Sub_1"}


def test_too_many_processes() -> None:
    tiny = (
        '<bpmn:process id="P{0}" isExecutable="true"><bpmn:startEvent id="S{0}"/><bpmn:endEvent id="E{0}"/>'
        '<bpmn:sequenceFlow id="F{0}" sourceRef="S{0}" targetRef="E{0}"/></bpmn:process>'
    )
    [problem] = problems_of(diagram(*(tiny.format(i) for i in range(51))))
    assert "at most 50" in problem.message


def test_broken_extra_document_is_reported() -> None:
    problems = problems_of(diagram(extra=CALLER_EXTRA), extra_documents=[b"<oops"])
    assert problems[0].message.startswith("referenced file 1:")


def test_all_problems_are_reported_and_carry_element_id_and_name() -> None:
    extra = (
        '<bpmn:serviceTask id="Service_1" name="Call API"/>'
        '<bpmn:sequenceFlow id="Flow_S1" sourceRef="Task_Review" targetRef="Service_1"/>'
    )
    data = diagram(
        condition="__import__('os')",
        lane_refs=("Start_1", "Gateway_1", "End_Approved", "End_Rejected"),
        extra=extra,
    )
    problems = problems_of(data)
    ids = {p.element_id for p in problems}
    assert {"Flow_Yes", "Task_Review", "Service_1"} <= ids
    assert all(p.element_id and p.element_name and p.message for p in problems)
    assert all(p.to_dict().keys() == {"element_id", "element_name", "message"} for p in problems)


def test_undeclared_error_reference() -> None:
    extra = (
        '<bpmn:boundaryEvent id="Err_1" name="Failed" attachedToRef="Task_Review">'
        '<bpmn:errorEventDefinition errorRef="NoSuchError"/></bpmn:boundaryEvent>'
        '<bpmn:sequenceFlow id="Flow_E1" sourceRef="Err_1" targetRef="End_Rejected"/>'
    )
    problems = problems_of(diagram(extra=extra))
    assert problems == [Problem("Err_1", "Failed", "the error 'NoSuchError' it refers to is not declared")]


def test_spiffworkflow_errors_become_problems() -> None:
    # Only SpiffWorkflow knows that cancel events need a transaction.
    extra = (
        '<bpmn:boundaryEvent id="Cancel_1" name="Cancelled" attachedToRef="Task_Review">'
        "<bpmn:cancelEventDefinition/></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="Flow_E1" sourceRef="Cancel_1" targetRef="End_Rejected"/>'
    )
    [problem] = problems_of(diagram(extra=extra))
    assert problem.element_id == "Task_Review"
    assert "transaction" in problem.message


def test_very_long_path_is_a_problem_not_a_crash() -> None:
    tasks = "".join(f'<bpmn:task id="T{i}"/>' for i in range(600))
    flows = "".join(
        f'<bpmn:sequenceFlow id="F{i}" sourceRef="T{i}" targetRef="T{i + 1}"/>' for i in range(599)
    )
    extra = (
        tasks + flows + '<bpmn:sequenceFlow id="F_in" sourceRef="Start_1" targetRef="T0"/>'
        '<bpmn:sequenceFlow id="F_out" sourceRef="T599" targetRef="End_Rejected"/>'
    )
    try:
        validate_bpmn(diagram(extra=extra))
    except BpmnValidationError as exc:
        assert all(p.message for p in exc.problems)


# XML cannot hold control characters or surrogates; everything else is fair game.
_XML_TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_diagrams_never_crash(data: st.DataObject) -> None:
    """Delete random elements/attributes and corrupt refs: only BpmnValidationError may escape."""
    root = etree.fromstring(diagram(extra=boundary_timer("timeDuration", "PT1H")))
    elements = list(root.iter())
    for _ in range(data.draw(st.integers(1, 4))):
        element = data.draw(st.sampled_from(elements))
        action = data.draw(st.sampled_from(["drop", "strip_attrs", "bad_ref", "text"]))
        if action == "drop" and element.getparent() is not None:
            element.getparent().remove(element)
        elif action == "strip_attrs":
            element.attrib.clear()
        elif action == "bad_ref" and element.attrib:
            element.set(data.draw(st.sampled_from(sorted(element.attrib))), data.draw(_XML_TEXT))
        elif action == "text":
            element.text = data.draw(_XML_TEXT)
    try:
        result = validate_bpmn(etree.tostring(root))
    except BpmnValidationError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
    else:
        assert result.process_ids
