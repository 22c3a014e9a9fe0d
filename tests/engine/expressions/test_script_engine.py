"""SafeScriptEngine running real (tiny) BPMN diagrams through SpiffWorkflow."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.util.task import TaskState

from engine.expressions import ExpressionError, SafeEnvironment, SafeScriptEngine

PWNED = Path("/tmp/pwned")

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="proc" isExecutable="true">
"""
FOOTER = "  </bpmn:process>\n</bpmn:definitions>\n"


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def gateway_diagram(script: str, big: str = "amount > 10", small: str = "amount <= 10") -> bytes:
    """start -> script task -> exclusive gateway -> end_big | end_small."""
    body = f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="script" name="Compute" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{escape(script)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>big</bpmn:outgoing><bpmn:outgoing>small</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="end_big"><bpmn:incoming>big</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_small"><bpmn:incoming>small</bpmn:incoming></bpmn:endEvent>
    {flow("f1", "start", "script")}
    {flow("f2", "script", "gw")}
    {flow("big", "gw", "end_big", big)}
    {flow("small", "gw", "end_small", small)}
"""
    return (HEADER + body + FOOTER).encode()


def timer_diagram(definition: str) -> bytes:
    """start -> intermediate timer catch event -> end."""
    body = f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="timer">{definition}</bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    {flow("f1", "start", "wait")}
    {flow("f2", "wait", "end")}
"""
    return (HEADER + body + FOOTER).encode()


def start(xml: bytes, data: dict[str, Any], engine: SafeScriptEngine | None = None) -> BpmnWorkflow:
    parser = CamundaParser()
    parser.add_bpmn_str(xml)
    workflow = BpmnWorkflow(parser.get_spec("proc"), script_engine=engine or SafeScriptEngine())
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return workflow


def completed_ids(workflow: BpmnWorkflow) -> set[str]:
    return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id}


@pytest.fixture
def no_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything falls back to Python's eval/exec while running."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec must not be used")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)


@pytest.fixture
def no_pwned_file() -> Iterator[None]:
    PWNED.unlink(missing_ok=True)
    yield
    assert not PWNED.exists()


@pytest.mark.parametrize(("amount", "end"), [(20, "end_big"), (10, "end_small"), (3, "end_small")])
def test_gateway_takes_the_right_path(amount: int, end: str, no_eval: None) -> None:
    workflow = start(gateway_diagram("y = x * 2"), {"amount": amount, "x": 21})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    done = completed_ids(workflow)
    assert end in done
    assert ({"end_big", "end_small"} - {end}).isdisjoint(done)
    assert workflow.data["y"] == 42


def test_script_result_feeds_the_condition() -> None:
    workflow = start(gateway_diagram("amount = x * 2"), {"x": 6})
    workflow.do_engine_steps()
    assert "end_big" in completed_ids(workflow)


def test_multi_line_script_with_if() -> None:
    script = 'if x > 5:\n    level = "high"\nelse:\n    level = "low"\ny = x * 2'
    workflow = start(gateway_diagram(script), {"amount": 1, "x": 6})
    workflow.do_engine_steps()
    assert workflow.data["level"] == "high"


def test_malicious_condition_fails_and_runs_nothing(no_pwned_file: None) -> None:
    condition = "__import__('os').system('touch /tmp/pwned')"
    workflow = start(gateway_diagram("y = x * 2", big=condition), {"amount": 20, "x": 1})
    with pytest.raises(WorkflowTaskException) as info:
        workflow.do_engine_steps()
    assert "name '__import__' is not allowed" in str(info.value)
    assert isinstance(info.value.__cause__, ExpressionError)
    assert info.value.task.task_spec.bpmn_id == "gw"
    assert not workflow.is_completed()


def test_malicious_script_fails_and_runs_nothing(no_pwned_file: None) -> None:
    script = "y = 1\nimport os\nos.system('touch /tmp/pwned')"
    workflow = start(gateway_diagram(script), {"amount": 20, "x": 1})
    with pytest.raises(WorkflowTaskException) as info:
        workflow.do_engine_steps()
    assert "imports are not allowed" in str(info.value)
    assert info.value.line_number == 2
    assert info.value.error_line == "import os"


def test_failing_script_leaves_task_data_unchanged() -> None:
    workflow = start(gateway_diagram("y = 1\nz = 1 / 0"), {"amount": 20, "x": 1})
    with pytest.raises(WorkflowTaskException) as info:
        workflow.do_engine_steps()
    assert "division by zero" in str(info.value)
    assert info.value.task.data == {"amount": 20, "x": 1}


def test_data_named_like_a_function_does_not_break_calls() -> None:
    workflow = start(gateway_diagram("y = len(items)", big="len(items) > 1"), {"len": 7, "items": [1, 2]})
    workflow.do_engine_steps()
    assert "end_big" in completed_ids(workflow)
    assert workflow.data["y"] == 2
    assert workflow.data["len"] == 7


def test_past_iso_timer_date_fires(no_eval: None) -> None:
    xml = timer_diagram("<bpmn:timeDate>2020-01-01T00:00:00Z</bpmn:timeDate>")
    workflow = start(xml, {})
    workflow.do_engine_steps()
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert workflow.is_completed()


def test_plain_iso_duration_timer_waits() -> None:
    workflow = start(timer_diagram("<bpmn:timeDuration>PT24H</bpmn:timeDuration>"), {})
    workflow.do_engine_steps()
    workflow.refresh_timers()
    assert not workflow.is_completed()
    waiting = workflow.get_tasks(state=TaskState.WAITING)
    assert [t.task_spec.bpmn_id for t in waiting] == ["wait"]
    due = datetime.fromisoformat(waiting[0]._get_internal_data("event_value"))
    assert timedelta(hours=23) < due - datetime.now(UTC) <= timedelta(hours=24)


def test_timer_expression_in_our_language() -> None:
    xml = timer_diagram('<bpmn:timeDuration>"PT" + str(hours) + "H"</bpmn:timeDuration>')
    workflow = start(xml, {"hours": 0})
    workflow.do_engine_steps()
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert workflow.is_completed()


def test_validate_uses_the_engine_function_list() -> None:
    engine = SafeScriptEngine(functions={"double": lambda n: n * 2})
    engine.validate("double(2) > 3")
    with pytest.raises(ExpressionError, match="function 'len' is not allowed"):
        engine.validate("len(x)")
    with pytest.raises(ExpressionError, match="attribute access is not allowed"):
        SafeScriptEngine().validate("x.__class__")


def test_custom_functions_are_used_in_diagrams() -> None:
    engine = SafeScriptEngine(functions={"double": lambda n: n * 2})
    workflow = start(gateway_diagram("y = double(x)"), {"amount": 1, "x": 4}, engine)
    workflow.do_engine_steps()
    assert workflow.data["y"] == 8


def test_service_tasks_are_refused() -> None:
    workflow = start(gateway_diagram("y = 1"), {"amount": 1, "x": 1})
    task = workflow.get_tasks(state=TaskState.READY)[0]
    with pytest.raises(WorkflowTaskException, match="service tasks are not supported"):
        SafeScriptEngine().call_service(task, operation_name="anything")


def test_external_context_is_readable_but_not_written() -> None:
    workflow = start(gateway_diagram("y = 1"), {"amount": 1})
    task = workflow.get_tasks(state=TaskState.READY)[0]
    engine = SafeScriptEngine()
    shared = {"limits": {"max": 5}}
    assert engine.evaluate(task, 'limits["max"] > amount', external_context=shared) is True
    engine.execute(task, 'limits["max"] = 9\ncopy = limits["max"]', external_context=shared)
    assert shared == {"limits": {"max": 5}}
    assert task.data["limits"] == {"max": 9}
    assert task.data["copy"] == 9


def test_environment_used_directly_by_spiffworkflow_is_safe(no_eval: None, no_pwned_file: None) -> None:
    # SpiffWorkflow calls script_engine.environment.evaluate directly for ad-hoc
    # completion conditions and message correlations; that must not reach eval().
    environment = SafeScriptEngine().environment
    assert isinstance(environment, SafeEnvironment)
    assert environment.evaluate("a + b", {"a": 1}, external_context={"b": 2}) == 3
    with pytest.raises(ExpressionError, match="name '__import__' is not allowed"):
        environment.evaluate("__import__('os').system('touch /tmp/pwned')", {})
    context: dict[str, Any] = {"a": 1}
    assert environment.execute("b = a + 1", context) is True
    assert context == {"a": 1, "b": 2}
    with pytest.raises(ExpressionError, match="service tasks are not supported"):
        environment.call_service(context, operation_name="x")
