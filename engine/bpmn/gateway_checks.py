"""A gateway that can leave a case stuck: an exclusive or inclusive gateway whose outgoing flows all
carry a condition and which has no default flow. When every condition is false no flow is taken and
the case waits at the gateway for ever (SpiffWorkflow raises at run time), so deploying refuses it.

The modeler runs the same rule in the browser (bpmnlint rule `casepath/gateway-needs-default`,
webui/static/modeler/lint.js) so the team lead sees the marker before deploying.
"""

from __future__ import annotations

from lxml import etree

from .model import CONDITIONAL_GATEWAYS, bpmn_children, iter_scopes
from .problems import Problem, element_problem

NO_DEFAULT = ("every outgoing flow of this gateway has a condition and none is the default flow: "
              "a case whose conditions are all false gets stuck; make one flow the default")


def check_gateway_defaults(process: etree._Element) -> list[Problem]:
    """A problem for every conditional gateway in `process` that has no way out when all conditions fail."""
    problems = []
    for scope in iter_scopes(process):
        flows = bpmn_children(scope, "sequenceFlow")
        for gateway in bpmn_children(scope, *CONDITIONAL_GATEWAYS):
            if _stuck_possible(gateway, flows):
                problems.append(element_problem(gateway, NO_DEFAULT))
    return problems


def _stuck_possible(gateway: etree._Element, flows: list[etree._Element]) -> bool:
    gateway_id = gateway.get("id")
    outgoing = [f for f in flows if (f.get("sourceRef") or "").strip() == gateway_id]
    if not outgoing or (gateway.get("default") or "").strip():
        return False
    return all(bpmn_children(flow, "conditionExpression") for flow in outgoing)
