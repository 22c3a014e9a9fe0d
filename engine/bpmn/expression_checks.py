"""Deploy-time checks of every expression and script a diagram will make the engine evaluate."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from engine.expressions import ExpressionError, check_expression, check_script, timer_source

from .model import CAMUNDA_NS, bpmn_children, bpmn_descendants, local, q, text_of
from .problems import Problem, element_problem

# Script formats we treat as "our Python subset"; anything else is another language.
_PYTHON_FORMATS = frozenset({"", "python", "python3", "text/x-python", "application/x-python"})
_TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")


def _check(checker: Callable[[str], None], source: str, element: etree._Element, what: str) -> list[Problem]:
    """Run a checker and translate its verdict into at most one Problem."""
    if source.lstrip().startswith(("${", "#{")):
        # Camunda Modeler's default expression language; say so rather than "syntax error".
        return [
            element_problem(
                element,
                f"{what} is written as a Camunda/JUEL expression ({source.strip()[:60]}); "
                "write it as a casepath (Python) expression",
            )
        ]
    try:
        checker(source)
    except ExpressionError as exc:
        line = getattr(exc, "lineno", None)
        detail = f"{exc.message} (line {line})" if line and what == "script" else exc.message
        return [element_problem(element, f"invalid {what}: {detail}")]
    except Exception as exc:  # noqa: BLE001 - a checker crash must not crash the upload
        return [element_problem(element, f"{what} could not be checked: {type(exc).__name__}")]
    return []


def check_expressions(process: etree._Element) -> list[Problem]:
    """Check conditions, scripts, timers and loop expressions of an executable process."""
    problems: list[Problem] = []
    for flow in bpmn_descendants(process, "sequenceFlow"):
        for condition in bpmn_children(flow, "conditionExpression"):
            problems += _check_condition(flow, condition)
    for task in bpmn_descendants(process, "scriptTask"):
        problems += _check_script_task(task)
    for definition in bpmn_descendants(process, "timerEventDefinition"):
        problems += _check_timer(definition)
    for task in bpmn_descendants(process, "userTask"):
        due_date = (task.get(f"{{{CAMUNDA_NS}}}dueDate") or "").strip()
        if due_date:
            problems += _check(check_expression, timer_source(due_date), task, "due date")
    for definition in bpmn_descendants(process, "conditionalEventDefinition"):
        event = definition.getparent()
        source = text_of(definition.find(q("condition")))
        if not source:
            problems.append(element_problem(event, "conditional event has no condition"))
        else:
            problems += _check(check_expression, source, event, "condition")
    problems += _check_loops(process)
    return problems


def _check_condition(flow: etree._Element, condition: etree._Element) -> list[Problem]:
    language = (condition.get("language") or "").strip()
    if language and "python" not in language.lower():
        # MIWG/Trisotech files use FEEL or XPath; name the language instead of a syntax error.
        return [element_problem(flow, f"condition language '{language}' is not supported (use Python)")]
    source = text_of(condition)
    if not source:
        return [element_problem(flow, "condition expression is empty")]
    return _check(check_expression, source, flow, "condition")


def _check_script_task(task: etree._Element) -> list[Problem]:
    script_format = (task.get("scriptFormat") or "").strip()
    if script_format.lower() not in _PYTHON_FORMATS:
        return [
            element_problem(task, f"script language '{script_format}' is not supported (scripts are Python)")
        ]
    if task.get(q("resource", CAMUNDA_NS)):
        return [element_problem(task, "external script resources are not supported; write the script inline")]
    scripts = bpmn_children(task, "script")
    source = text_of(scripts[0]) if scripts else ""
    if not source:
        return [element_problem(task, "script task has no script")]
    # Keep the author's indentation: strip() above was only for the emptiness test.
    return _check(check_script, scripts[0].text or "", task, "script")


def _check_timer(definition: etree._Element) -> list[Problem]:
    event = definition.getparent()
    specs = bpmn_children(definition, *_TIMER_TAGS)
    if not specs:
        return [element_problem(event, "timer has no timeDate, timeDuration or timeCycle")]
    problems = []
    for spec in specs:
        text = text_of(spec)
        if not text:
            problems.append(element_problem(event, f"timer {local(spec)} is empty"))
            continue
        try:
            source = timer_source(text)
        except Exception as exc:  # noqa: BLE001
            problems.append(element_problem(event, f"timer could not be checked: {type(exc).__name__}"))
            continue
        problems += _check(check_expression, source, event, "timer")
    return problems


def _check_loops(process: etree._Element) -> list[Problem]:
    """Loop conditions, multi-instance cardinality/completion and ad hoc completion conditions."""
    problems: list[Problem] = []
    checks = (
        ("standardLoopCharacteristics", "loopCondition", "loop condition"),
        ("multiInstanceLoopCharacteristics", "loopCardinality", "loop cardinality"),
        ("multiInstanceLoopCharacteristics", "completionCondition", "completion condition"),
    )
    for container_tag, child_tag, what in checks:
        for container in bpmn_descendants(process, container_tag):
            activity = container.getparent()
            for child in bpmn_children(container, child_tag):
                if text_of(child):
                    problems += _check(check_expression, text_of(child), activity, what)
    for ad_hoc in bpmn_descendants(process, "adHocSubProcess"):
        for child in bpmn_children(ad_hoc, "completionCondition"):
            if text_of(child):
                problems += _check(check_expression, text_of(child), ad_hoc, "completion condition")
    return problems
