"""Elements that SpiffWorkflow or casepath cannot run, reported before anything is deployed.

Support was checked against SpiffWorkflow 3.2's BpmnParser.PARSER_CLASSES plus
the CamundaParser overrides: every flow node parses except complexGateway, but
several parse into tasks that cannot run in casepath (no service connectors, no
message routing, no DMN) or into silently wrong behaviour (link and
compensation events, ignored Camunda listeners and I/O mappings).
"""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree

from .model import (
    CAMUNDA_NS,
    FLOW_NODE_TAGS,
    SPIFF_NS,
    bpmn_children,
    bpmn_descendants,
    event_definitions,
    is_executable,
    local,
)
from .problems import Problem, element_problem

_NO_MESSAGES = "casepath has no message handling"
UNSUPPORTED_ELEMENTS: dict[str, str] = {
    "serviceTask": "service tasks are not supported",
    "sendTask": f"send tasks are not supported: {_NO_MESSAGES}",
    "receiveTask": f"receive tasks are not supported: {_NO_MESSAGES}",
    "businessRuleTask": "business rule tasks (DMN decisions) are not supported",
    "complexGateway": "complex gateways are not supported",
}
UNSUPPORTED_EVENTS: dict[str, str] = {
    "messageEventDefinition": f"message events are not supported: {_NO_MESSAGES}",
    "linkEventDefinition": "link events are not supported; connect the flow with sequence flows",
    "compensateEventDefinition": "compensation events are not supported",
}
# Extension elements whose logic SpiffWorkflow's Camunda parser would silently drop.
UNSUPPORTED_EXTENSIONS: dict[tuple[str, str], str] = {
    (CAMUNDA_NS, "executionListener"): "execution listeners are not supported",
    (CAMUNDA_NS, "taskListener"): "task listeners are not supported",
    (CAMUNDA_NS, "inputOutput"): "Camunda input/output mappings are not supported",
    (CAMUNDA_NS, "connector"): "Camunda connectors are not supported",
    (SPIFF_NS, "preScript"): "SpiffArena pre-scripts are not supported",
    (SPIFF_NS, "postScript"): "SpiffArena post-scripts are not supported",
}


def check_document_support(root: etree._Element) -> list[Problem]:
    """Document-wide checks: SpiffWorkflow refuses any bpmn:dataStore it has no class for."""
    return [
        element_problem(store, "data stores are not supported")
        for store in bpmn_descendants(root, "dataStore")
    ]


def check_support(
    process: etree._Element,
    local_processes: dict[str, etree._Element],
    external_process_ids: Collection[str],
) -> list[Problem]:
    """Report elements of an executable process that casepath cannot run."""
    problems: list[Problem] = []
    for element in bpmn_descendants(process):
        kind = local(element) or ""
        if kind in UNSUPPORTED_ELEMENTS:
            problems.append(element_problem(element, UNSUPPORTED_ELEMENTS[kind]))
        elif kind in FLOW_NODE_TAGS and kind.endswith("Event"):
            problems += _check_event(element, kind)
        elif kind == "callActivity":
            problems += _check_call(element, local_processes, external_process_ids)
        elif kind == "dataStoreReference":
            problems.append(element_problem(element, "data stores are not supported"))
        if kind in FLOW_NODE_TAGS and (element.get("isForCompensation") or "").strip() == "true":
            problems.append(element_problem(element, "compensation activities are not supported"))
        if kind in FLOW_NODE_TAGS or kind == "sequenceFlow":
            problems += _check_extensions(element)
    problems += _check_extensions(process)
    return problems


# event definition -> (reference attribute, root element it must point to)
_EVENT_REFS = {
    "errorEventDefinition": ("errorRef", "error"),
    "escalationEventDefinition": ("escalationRef", "escalation"),
    "signalEventDefinition": ("signalRef", "signal"),
}


def _check_refs(event: etree._Element) -> list[Problem]:
    """SpiffWorkflow crashes with a TypeError on dangling error/escalation/signal refs."""
    problems = []
    root = event.getroottree().getroot()
    for definition in bpmn_children(event):
        attribute, target = _EVENT_REFS.get(local(definition) or "", ("", ""))
        ref = (definition.get(attribute) or "").strip() if attribute else ""
        if ref and not any(e.get("id") == ref for e in bpmn_children(root, target)):
            problems.append(element_problem(event, f"the {target} '{ref}' it refers to is not declared"))
    return problems


def _check_event(event: etree._Element, kind: str) -> list[Problem]:
    definitions = event_definitions(event)
    problems = [
        element_problem(event, UNSUPPORTED_EVENTS[name])
        for name in dict.fromkeys(definitions)
        if name in UNSUPPORTED_EVENTS
    ]
    problems += _check_refs(event)
    if kind == "boundaryEvent" and not definitions:
        problems.append(element_problem(event, "boundary event has no event definition (timer, error, ...)"))
    return problems


def _check_call(
    call: etree._Element,
    local_processes: dict[str, etree._Element],
    external_process_ids: Collection[str],
) -> list[Problem]:
    called = (call.get("calledElement") or "").strip()
    if not called:
        return [element_problem(call, "call activity has no calledElement")]
    if called in local_processes:
        if not is_executable(local_processes[called]):
            return [
                element_problem(
                    call, f"called process '{called}' is not executable (isExecutable is not true)"
                )
            ]
        return []
    if called not in external_process_ids:
        return [
            element_problem(
                call,
                f"called process '{called}' is defined neither in this file nor in the other uploaded files",
            )
        ]
    return []


def _check_extensions(element: etree._Element) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for container in element:
        if local(container) != "extensionElements":
            continue
        for extension in container.iter():
            tag = extension.tag
            if not isinstance(tag, str) or not tag.startswith("{"):
                continue
            namespace, _, name = tag[1:].partition("}")
            message = UNSUPPORTED_EXTENSIONS.get((namespace, name))
            # SpiffArena writes empty pre/post-script elements; only real code matters.
            if message is None or (namespace == SPIFF_NS and not (extension.text or "").strip()):
                continue
            if message not in seen:
                seen.add(message)
                problems.append(element_problem(element, message))
    return problems
