"""Sequence-flow graph checks, run separately for every process and subprocess scope.

SpiffWorkflow builds a spec by walking outgoing flows from the start events and
silently drops everything it does not reach, so we check reachability ourselves.
"""

from __future__ import annotations

from collections import defaultdict, deque

from lxml import etree

from .model import (
    ACTIVITY_TAGS,
    CONDITIONAL_GATEWAYS,
    GATEWAY_TAGS,
    bpmn_children,
    event_definitions,
    flow_nodes,
    is_event_subprocess,
    iter_scopes,
    local,
    text_of,
)
from .problems import Problem, element_problem

# SpiffWorkflow only lets gateways and start events fork the flow.
_MAY_FORK = GATEWAY_TAGS | {"startEvent"}


def check_graph(process: etree._Element) -> list[Problem]:
    """Check every scope of an executable process; return the problems found."""
    problems: list[Problem] = []
    for scope in iter_scopes(process):
        problems.extend(_check_scope(scope, is_process=scope is process))
    return problems


def _is_link_event(node: etree._Element) -> bool:
    # Link events are reported as unsupported elsewhere; skip graph noise for them.
    return "linkEventDefinition" in event_definitions(node)


def _check_scope(scope: etree._Element, is_process: bool) -> list[Problem]:
    problems: list[Problem] = []
    nodes = {node.get("id"): node for node in flow_nodes(scope) if node.get("id")}
    ad_hoc = local(scope) == "adHocSubProcess"
    outgoing: dict[str, list[etree._Element]] = defaultdict(list)
    incoming: dict[str, list[etree._Element]] = defaultdict(list)
    for flow in bpmn_children(scope, "sequenceFlow"):
        reasons = []
        for attribute in ("sourceRef", "targetRef"):
            ref = (flow.get(attribute) or "").strip()
            if not ref:
                reasons.append(f"it has no {attribute}")
            elif ref not in nodes:
                reasons.append(f"its {attribute} '{ref}' is not an element of the same (sub)process")
        if reasons:
            problems.append(element_problem(flow, "dangling sequence flow: " + " and ".join(reasons)))
            continue
        outgoing[flow.get("sourceRef").strip()].append(flow)
        incoming[flow.get("targetRef").strip()].append(flow)

    attached: dict[str, list[etree._Element]] = defaultdict(list)
    for node in nodes.values():
        if local(node) != "boundaryEvent":
            continue
        host = (node.get("attachedToRef") or "").strip()
        if host in nodes and local(nodes[host]) in ACTIVITY_TAGS:
            attached[host].append(node)
        else:
            problems.append(
                element_problem(
                    node, "boundary event is not attached to an activity of the same (sub)process"
                )
            )

    problems.extend(_check_start_end(scope, nodes, is_process, ad_hoc))
    problems.extend(_check_reachability(nodes, incoming, outgoing, attached, ad_hoc))
    problems.extend(_check_outgoing(nodes, outgoing, attached, ad_hoc))
    return problems


def _check_start_end(
    scope: etree._Element, nodes: dict[str, etree._Element], is_process: bool, ad_hoc: bool
) -> list[Problem]:
    if ad_hoc:
        return []  # ad hoc subprocesses have no start/end events by definition
    starts = [n for n in nodes.values() if local(n) == "startEvent"]
    if is_process:
        return [] if starts else [element_problem(scope, "process has no start event")]
    if not nodes:
        return [element_problem(scope, "subprocess is empty (it needs a start and an end event)")]
    problems = []
    if len(starts) != 1:
        problems.append(
            element_problem(scope, f"a subprocess needs exactly one start event (found {len(starts)})")
        )
    if not any(local(n) == "endEvent" for n in nodes.values()):
        problems.append(element_problem(scope, "subprocess has no end event"))
    return problems


def _check_reachability(
    nodes: dict[str, etree._Element],
    incoming: dict[str, list[etree._Element]],
    outgoing: dict[str, list[etree._Element]],
    attached: dict[str, list[etree._Element]],
    ad_hoc: bool,
) -> list[Problem]:
    # Entry points: start events, event subprocesses (triggered by events) and,
    # inside an ad hoc subprocess, every activity without incoming flow.
    roots = [
        node_id
        for node_id, node in nodes.items()
        if local(node) == "startEvent" or is_event_subprocess(node) or (ad_hoc and not incoming[node_id])
    ]
    seen = set(roots)
    queue = deque(roots)
    while queue:
        current = queue.popleft()
        successors = [f.get("targetRef").strip() for f in outgoing[current]]
        successors += [b.get("id") for b in attached[current]]
        for successor in successors:
            if successor not in seen:
                seen.add(successor)
                queue.append(successor)

    problems = []
    for node_id, node in nodes.items():
        if node_id in seen or _is_link_event(node):
            continue
        kind = local(node)
        if kind == "boundaryEvent":
            continue  # reported via its host (or as unattached above)
        if not incoming[node_id]:
            problems.append(element_problem(node, "unreachable: no incoming sequence flow"))
        else:
            problems.append(element_problem(node, "unreachable from the start event"))
    return problems


def _check_outgoing(
    nodes: dict[str, etree._Element],
    outgoing: dict[str, list[etree._Element]],
    attached: dict[str, list[etree._Element]],
    ad_hoc: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    for node_id, node in nodes.items():
        kind = local(node) or ""
        flows = outgoing[node_id]
        if not flows:
            exempt = (
                kind == "endEvent"
                or ad_hoc
                or is_event_subprocess(node)
                or _is_link_event(node)
                # the host's path continues through one of its boundary events
                or any(outgoing[b.get("id")] for b in attached[node_id])
            )
            if not exempt:
                problems.append(element_problem(node, "has no outgoing sequence flow"))
            continue
        if len(flows) > 1 and kind not in _MAY_FORK:
            problems.append(
                element_problem(
                    node, "has more than one outgoing sequence flow; use a gateway to split the flow"
                )
            )
        problems.extend(_check_flow_conditions(node, kind, flows))
    return problems


def _check_flow_conditions(node: etree._Element, kind: str, flows: list[etree._Element]) -> list[Problem]:
    problems = []
    default = (node.get("default") or "").strip()
    flow_ids = {f.get("id") for f in flows}
    if default and kind in CONDITIONAL_GATEWAYS and default not in flow_ids:
        problems.append(
            element_problem(
                node, f"default flow '{default}' is not an outgoing sequence flow of this gateway"
            )
        )
    for flow in flows:
        condition = bpmn_children(flow, "conditionExpression")
        if kind in CONDITIONAL_GATEWAYS:
            if len(flows) > 1 and not condition and flow.get("id") != default:
                problems.append(
                    element_problem(
                        flow, "sequence flow leaves a gateway without a condition and is not its default flow"
                    )
                )
        elif condition and text_of(condition[0]):
            problems.append(
                element_problem(
                    flow, "conditions are only supported on flows leaving an exclusive or inclusive gateway"
                )
            )
    return problems
