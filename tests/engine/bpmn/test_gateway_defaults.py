"""A conditional gateway without a way out when all its conditions are false is refused at deploy
(engine/bpmn/gateway_checks.py), by the validator and through the API; the modeler's bpmnlint rule
`casepath/gateway-needs-default` marks the same gateways (tests/ui/test_modeler_deploy_browser.py)."""

from __future__ import annotations

from engine.bpmn import validate_bpmn
from engine.bpmn.gateway_checks import NO_DEFAULT
from tests.api.helpers import DATA, error_of
from tests.engine.bpmn.test_validation import by_element, diagram, problems_of

CONDITION = '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "no"</bpmn:conditionExpression>'
CONDITIONAL_NO = f'<bpmn:sequenceFlow id="Flow_No" name="no" sourceRef="Gateway_1" targetRef="End_Rejected">{CONDITION}'


def without_default(data: bytes, *, kind: str = "exclusiveGateway", no_flow: bool = True) -> bytes:
    """The test diagram with the gateway's default removed; `no_flow` keeps the "no" flow (now conditional)."""
    text = data.decode().replace(' default="Flow_No"', "")
    no = '<bpmn:sequenceFlow id="Flow_No" name="no" sourceRef="Gateway_1" targetRef="End_Rejected"/>'
    text = text.replace(no, CONDITIONAL_NO + "</bpmn:sequenceFlow>" if no_flow else "")
    if not no_flow:
        text = text.replace("<bpmn:flowNodeRef>End_Rejected</bpmn:flowNodeRef>", "")
        text = text.replace('<bpmn:endEvent id="End_Rejected" name="Rejected"/>', "")
    return text.replace("exclusiveGateway", kind).encode()


def test_a_gateway_with_a_default_flow_is_accepted() -> None:
    assert validate_bpmn(diagram()).process_ids == ["Case_1"]


def test_deleting_the_default_flow_leaves_only_a_conditional_exit_and_is_refused() -> None:
    problems = problems_of(without_default(diagram(), no_flow=False))
    assert by_element(problems, "Gateway_1") == [NO_DEFAULT]


def test_every_flow_conditional_and_no_default_is_refused_for_both_gateway_kinds() -> None:
    for kind in ("exclusiveGateway", "inclusiveGateway"):
        problems = problems_of(without_default(diagram(), kind=kind))
        assert by_element(problems, "Gateway_1") == [NO_DEFAULT], kind


def test_a_gateway_in_a_subprocess_is_checked_too() -> None:
    inner = without_default(diagram()).decode()
    body = inner.split('<bpmn:startEvent id="Start_1"', 1)[1].split("</bpmn:process>", 1)[0]
    sub = ('<bpmn:subProcess id="Sub_1" name="Inde i">'
           + ('<bpmn:startEvent id="Start_1"' + body).replace('id="', 'id="S_').replace('Ref="', 'Ref="S_')
           + "</bpmn:subProcess>")
    data = diagram(extra=sub)
    problems = problems_of(data)
    assert NO_DEFAULT in by_element(problems, "S_Gateway_1")


def test_the_api_refuses_the_deploy_and_names_the_gateway(client, make_account):
    lead = make_account("teamleder")
    data = (DATA / "review.bpmn").read_bytes()
    broken = data.replace(b' default="f_small"', b"").replace(
        b'<bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="archive" />',
        b'<bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="archive"><bpmn:conditionExpression '
        b'xsi:type="bpmn:tFormalExpression">amount &lt;= 1000</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert broken != data
    response = client.post("/api/v1/process-models", data=broken, headers=lead.headers,
                           content_type="application/xml")
    assert response.status_code == 422, response.get_json()
    problems = response.get_json()["error"]["details"] if "error" in response.get_json() else []
    assert any(p.get("element_id") == "gw" and "default" in p.get("message", "") for p in problems), error_of(response)
    assert client.get("/api/v1/process-models", headers=lead.headers).get_json()["versions"] == []
