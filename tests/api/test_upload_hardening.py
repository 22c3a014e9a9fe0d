"""The probes of issue 15 that came in through uploads, replayed through the API: flooding cycle
timers, a catastrophic form pattern and foreign markup in diagrams and forms. Each is answered with
a 422 naming the problem, and nothing is stored."""

from __future__ import annotations

import io
import json

import pytest

from tests.api.helpers import DATA, error_of
from tests.engine.deadlines.diagrams import boundary
from webui.ui.downloads import diagram_response

FORM = json.loads((DATA / "forms" / "politi.form").read_bytes())
EVIL = r"^([a-zA-Z0-9]+)*@example\.dk$"


def _post(client, headers, xml: bytes, forms: dict[str, dict] | None = None):
    files = {"file": (io.BytesIO(xml), "upload.bpmn")}
    if forms:
        files["forms"] = [(io.BytesIO(json.dumps(schema).encode()), f"{key}.form") for key, schema in forms.items()]
    return client.post("/api/v1/process-models", data=files, headers=headers, content_type="multipart/form-data")


def _refused(client, headers, xml: bytes, forms: dict[str, dict] | None = None) -> str:
    response = _post(client, headers, xml, forms)
    assert response.status_code == 422, response.get_json()
    assert client.get("/api/v1/process-models", headers=headers).get_json()["versions"] == []
    return " | ".join(d["message"] for d in error_of(response)["details"])


@pytest.mark.parametrize("cycle, message", [
    ("R/PT0S", "the shortest period allowed is PT1H"),
    ("R/2000-01-01T00:00:00Z/P1D", "the cycle starts in the past"),
])
def test_flooding_cycles_are_refused(client, make_account, cycle, message):
    lead = make_account("teamleder", "modtagerteam")
    assert message in _refused(client, lead.headers, boundary("flood", "timeCycle", cycle, interrupting=False))


@pytest.mark.parametrize("markup, message", [
    ('<bpmn:documentation><html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>'
     "</bpmn:documentation>", "a script element"),
    ('<bpmn:extensionElements><svg:svg xmlns:svg="http://www.w3.org/2000/svg" onload="alert(1)"/>'
     "</bpmn:extensionElements>", "the element svg"),
    ('<bpmn:extensionElements><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/>'
     "</bpmn:extensionElements>", "XInclude"),
])
def test_foreign_markup_in_a_diagram_is_refused(client, make_account, markup, message):
    lead = make_account("teamleder", "modtagerteam")
    xml = boundary("markup", "timeDuration", "P1D", interrupting=False)
    xml = xml.replace(b'<bpmn:userTask id="work" name="Arbejde">', f'<bpmn:userTask id="work" name="Arbejde">{markup}'
                      .encode())
    assert message in _refused(client, lead.headers, xml)


def test_html_in_a_form_text_is_refused(client, make_account):
    lead = make_account("teamleder")
    form = {**FORM, "components": [{"type": "text", "id": "intro", "text": "<img src=x onerror=alert(1)>"},
                                   *FORM["components"][1:]]}
    message = _refused(client, lead.headers, (DATA / "sharing.bpmn").read_bytes(), {"politi": form})
    assert "the text contains HTML" in message


def test_a_catastrophic_pattern_answers_at_once_with_the_right_result(client, make_account):
    worker = make_account("raadgiver-boern", "teamleder")
    form = {**FORM, "components": [*FORM["components"],
                                   {"type": "textfield", "id": "c_mail", "key": "mail", "label": "Mail",
                                    "validate": {"pattern": EVIL}}]}
    assert _post(client, worker.headers, (DATA / "sharing.bpmn").read_bytes(), {"politi": form}).status_code == 201
    case = client.post("/api/v1/cases", json={"process_key": "sharing"}, headers=worker.headers).get_json()
    task_id = case["tasks"][0]["id"]
    response = client.post(f"/api/v1/tasks/{task_id}/complete", headers=worker.headers,
                           json={"data": {"threat_kind": "threats", "mail": "a" * 24 + "!"}})
    assert response.status_code == 422
    assert {d["field"]: d["message"] for d in error_of(response)["details"]}["mail"] == "Har ikke det rigtige format."


def test_a_diagram_is_served_as_a_download_that_no_browser_renders(app):
    with app.test_request_context():
        response = diagram_response(b'<?xml version="1.0"?><bpmn:definitions/>')
    assert response.headers["Content-Disposition"] == 'attachment; filename="diagram.bpmn"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/octet-stream"
    assert response.get_data() == b'<?xml version="1.0"?><bpmn:definitions/>'
