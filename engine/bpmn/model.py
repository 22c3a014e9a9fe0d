"""Small helpers for walking a BPMN document with lxml (shared by the validation checks)."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

EVENT_TAGS = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
GATEWAY_TAGS = frozenset(
    {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
)
SUBPROCESS_TAGS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITY_TAGS = (
    frozenset(
        {
            "task",
            "userTask",
            "manualTask",
            "scriptTask",
            "serviceTask",
            "sendTask",
            "receiveTask",
            "businessRuleTask",
            "callActivity",
        }
    )
    | SUBPROCESS_TAGS
)
FLOW_NODE_TAGS = EVENT_TAGS | GATEWAY_TAGS | ACTIVITY_TAGS
# Gateways whose outgoing flows are chosen by condition expressions.
CONDITIONAL_GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway"})


def q(tag: str, ns: str = BPMN_NS) -> str:
    """Return the Clark-notation name ``{ns}tag``."""
    return f"{{{ns}}}{tag}"


def local(element: etree._Element) -> str | None:
    """Local name of a BPMN-namespace element, else None (comments, PIs, vendor tags)."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(f"{{{BPMN_NS}}}"):
        return None
    return tag[len(BPMN_NS) + 2 :]


def bpmn_children(element: etree._Element, *tags: str) -> list[etree._Element]:
    """Direct BPMN children of ``element``, optionally restricted to ``tags``."""
    return [c for c in element if (name := local(c)) is not None and (not tags or name in tags)]


def bpmn_descendants(element: etree._Element, *tags: str) -> list[etree._Element]:
    """All BPMN descendants of ``element`` (document order), optionally restricted to ``tags``."""
    found = []
    for child in element.iterdescendants():
        name = local(child)
        if name is not None and (not tags or name in tags):
            found.append(child)
    return found


def text_of(element: etree._Element | None) -> str:
    """Stripped text of ``element`` ('' for None/empty)."""
    if element is None:
        return ""
    text = element.text
    return text.strip() if isinstance(text, str) else ""


def is_executable(process: etree._Element) -> bool:
    """True only for ``isExecutable="true"`` (SpiffWorkflow defaults a missing flag to true)."""
    return (process.get("isExecutable") or "").strip() == "true"


def is_event_subprocess(element: etree._Element) -> bool:
    """True for an event subprocess (``triggeredByEvent="true"``)."""
    return local(element) == "subProcess" and (element.get("triggeredByEvent") or "").strip() == "true"


def flow_nodes(scope: etree._Element) -> list[etree._Element]:
    """The flow nodes that sit directly in a process or subprocess scope."""
    return bpmn_children(scope, *FLOW_NODE_TAGS)


def iter_scopes(process: etree._Element) -> Iterator[etree._Element]:
    """Yield the process and every (nested) subprocess inside it."""
    yield process
    yield from bpmn_descendants(process, *SUBPROCESS_TAGS)


def event_definitions(event: etree._Element) -> list[str]:
    """Local names of the event definitions of an event, e.g. ``['timerEventDefinition']``."""
    return [name for c in bpmn_children(event) if (name := local(c) or "").endswith("EventDefinition")]


def call_targets(process: etree._Element) -> list[str]:
    """calledElement values of all call activities in a process (document order)."""
    return [
        (call.get("calledElement") or "").strip()
        for call in bpmn_descendants(process, "callActivity")
        if (call.get("calledElement") or "").strip()
    ]


def camunda_attribute(element: etree._Element, name: str) -> str | None:
    """Value of a ``camunda:`` attribute, or None."""
    return element.get(q(name, CAMUNDA_NS))
