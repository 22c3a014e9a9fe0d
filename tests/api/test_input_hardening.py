"""Probes 5 and 6 of issue 15: input the databases cannot store or the code cannot compute is answered
with a 4xx naming the problem, on SQLite and PostgreSQL alike, and changes nothing; a chunked body
(no Content-Length, as gunicorn and werkzeug's server pass it on) is read like any other."""

from __future__ import annotations

import http.client
import io
import json
import threading
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError
from werkzeug.serving import make_server

from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.forms.formjs import validate_submission
from engine.migrate import upgrade
from engine.process_models.service import deploy as deploy_version
from engine.users.service import create_token, create_user
from tests.api.helpers import DATA, deploy, error_of
from tests.engine.deadlines.diagrams import intermediate
from tests.engine.forms.test_formjs import FORM as DATE_FORM
from tests.engine.forms.test_formjs import VALID as DATE_ANSWERS
from tests.ui.helpers import PASSWORD, csrf_token, deploy_test_diagram, login, make_user
from webui import create_app
from webui.api.input_guard import MAX_INSTANT, MIN_INSTANT, SafeAwareDateTime

BIG = "99999999999999999999"


@pytest.fixture
def lead(client, make_account):
    account = make_account("teamleder", "modtagerteam")
    assert deploy(client, account.headers).status_code == 201
    return account


@pytest.fixture
def case(client, lead):
    return client.post("/api/v1/cases", json={"process_key": "review"}, headers=lead.headers).get_json()


def _raw(client, method, path, body: bytes, headers):
    return client.open(path, method=method, data=body, content_type="application/json", headers=headers)


def _message(response, status: int = 422) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    error = error_of(response)
    return " | ".join([error["message"], *(f"{d['field']}: {d['message']}" for d in error["details"])])


@pytest.mark.parametrize("path", [
    f"/api/v1/process-models/review/versions/{BIG}/changes",
    "/api/v1/process-models/review/versions/2147483648/changes",
])
def test_a_version_beyond_the_database_integer_is_not_found(client, lead, path):
    assert _message(client.get(path, headers=lead.headers), 404)


@pytest.mark.parametrize("to", [BIG, "2147483648", "0", "zwei"])
def test_a_target_version_beyond_the_database_integer_is_refused(client, lead, to):
    response = client.get(f"/api/v1/process-models/review/versions/1/changes?to={to}", headers=lead.headers)
    assert "to:" in _message(response)


def test_a_migration_target_beyond_the_database_integer_is_refused(client, lead):
    response = client.post("/api/v1/process-models/review/versions/1/migration", json={"to_version": int(BIG)},
                           headers=lead.headers)
    assert "to_version: Must be greater than or equal to 1 and less than or equal to 2147483647." in \
        _message(response)


@pytest.mark.parametrize("body", [{"to_version": 2147483648}, {"to_version": "x"}, {}])
def test_a_caseworker_migrating_is_refused_before_the_body_is_read(client, lead, make_account, body):
    worker = make_account("raadgiver-boern")
    response = client.post("/api/v1/process-models/review/versions/1/migration", json=body,
                           headers=worker.headers)
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


@pytest.mark.parametrize("path", [
    "/api/v1/tasks?due_before=9999-12-31T23:59:59-12:00",
    "/api/v1/tasks?due_before=0001-01-01T00:00:00%2B14:00",
    "/api/v1/deadline-rules/assessment_24h/due?from=0001-01-01T00:00:00%2B14:00",
    "/api/v1/deadline-rules/assessment_24h/due?from=9999-12-31T23:59:59-12:00",
    "/api/v1/cases?opened_to=9999-12-31",
])
def test_extreme_dates_in_a_query_are_refused(client, lead, path):
    assert "Must be between 1900 and 2999." in _message(client.get(path, headers=lead.headers))


def test_an_extreme_consent_date_is_refused_and_nothing_recorded(client, lead, case):
    consent = {"given_by": "citizen", "recipient_kind": "police", "scope": "x", "purpose": "y",
               "given_at": "0001-01-01T00:00:00+14:00"}
    response = client.post(f"/api/v1/cases/{case['id']}/consents", json=consent, headers=lead.headers)
    assert "given_at: Must be between 1900 and 2999." in _message(response)
    assert client.get(f"/api/v1/cases/{case['id']}/consents", headers=lead.headers).get_json()["consents"] == []


@pytest.mark.parametrize("field", ["process_key", "data.note"])
@pytest.mark.parametrize("bad, problem", [("\\ud800", "lone surrogate"), ("a\\u0000b", "NUL character")])
def test_unusable_text_in_a_json_body_is_refused(client, lead, field, bad, problem):
    body = {"process_key": "review", "data": {"note": "x"}}
    text = json.dumps(body).replace('"review"' if field == "process_key" else '"x"', f'"{bad}"')
    response = _raw(client, "POST", "/api/v1/cases", text.encode(), lead.headers)
    assert f"{field}: contains a {problem}" in _message(response)


def test_unusable_text_in_safe_contact_and_consent_is_refused(client, lead, case):
    path = f"/api/v1/cases/{case['id']}"
    assert "instructions: contains a lone surrogate" in _message(
        _raw(client, "PUT", f"{path}/safe-contact", b'{"instructions": "\\ud800"}', lead.headers))
    consent = b'{"given_by": "citizen", "recipient_kind": "police", "scope": "\\ud800", "purpose": "y"}'
    assert "scope: contains a lone surrogate" in _message(_raw(client, "POST", f"{path}/consents", consent,
                                                               lead.headers))
    assert "has a key that contains a NUL" in _message(
        _raw(client, "PUT", f"{path}/safe-contact", b'{"a\\u0000": true}', lead.headers))
    assert client.get(f"{path}/safe-contact", headers=lead.headers).get_json()["instructions"] == ""


@pytest.mark.parametrize("depth", [65, 5000])
def test_deeply_nested_json_is_refused(client, lead, depth):
    body = b'{"process_key": "review", "data": {"a": ' + b"[" * depth + b"]" * depth + b"}}"
    assert "nested deeper than 64 levels" in _message(_raw(client, "POST", "/api/v1/cases", body, lead.headers))
    assert client.get("/api/v1/cases?scope=all", headers=lead.headers).get_json()["total"] == 0


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_beyond_json_are_refused_in_case_data(client, lead, number):
    body = f'{{"process_key": "review", "data": {{"amount": {number}}}}}'.encode()
    response = _raw(client, "POST", "/api/v1/cases", body, lead.headers)
    assert "the JSON body holds" in _message(response)
    assert client.get("/api/v1/cases?scope=all", headers=lead.headers).get_json()["total"] == 0


@pytest.mark.parametrize("path, name", [
    ("/api/v1/process-models?key=a%00b", "query parameter key"),
    ("/api/v1/directory?kind=%00", "query parameter kind"),
    ("/api/v1/deadline-rules/a%00b", "path segment key"),
    ("/api/v1/cases?q=a%00b", "query parameter q"),
])
def test_a_nul_byte_in_a_text_parameter_is_refused(client, lead, path, name):
    assert f"{name} contains a NUL character" in _message(client.get(path, headers=lead.headers))


@pytest.mark.parametrize("name, comment, where", [
    ("re\x00view.bpmn", "", "file name of file"), ("review.bpmn", "ok\x00", "form field comment"),
])
def test_a_nul_byte_in_an_upload_is_refused(client, lead, name, comment, where):
    files = {"file": (io.BytesIO((DATA / "review.bpmn").read_bytes()), name), "comment": comment}
    response = client.post("/api/v1/process-models", data=files, headers=lead.headers,
                           content_type="multipart/form-data")
    assert f"{where} contains a NUL character" in _message(response)


def test_a_nul_byte_in_the_sign_in_form_is_refused_without_signing_in(client, db_session):
    make_user(db_session, "admin", "admin")
    token = csrf_token(client)
    response = client.post("/log-ind", data={"username": "adm\x00in", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 422 and "Oplysningerne kunne ikke bruges." in response.get_data(as_text=True)
    assert client.get("/profil").status_code == 302  # still signed out


def test_a_line_break_in_next_leads_to_the_inbox(client, db_session):
    make_user(db_session, "admin", "admin")
    response = client.post("/log-ind", data={"username": "admin", "password": PASSWORD, "next": "/\r/x",
                                             "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_timer_expression_giving_a_number_is_refused_when_a_case_opens(client, lead):
    xml = intermediate("numtimer", "timeDuration", "{}.get('__class__', 1)")
    assert client.post("/api/v1/process-models", data=xml, headers=lead.headers,
                       content_type="application/xml").status_code == 201
    response = client.post("/api/v1/cases", json={"process_key": "numtimer"}, headers=lead.headers)
    error = error_of(response)
    assert response.status_code == 422 and error["details"][0]["element_id"] == "wait"
    assert "a timer needs a date, a time or an ISO 8601 text, not int" in error["details"][0]["message"]
    assert client.get("/api/v1/cases?scope=all", headers=lead.headers).get_json()["total"] == 0


@given(moment=st.datetimes(timezones=st.sampled_from(
    [timezone(timedelta(hours=h)) for h in (-12, -1, 0, 1, 14)] + [ZoneInfo("Europe/Copenhagen")])))
def test_any_instant_is_either_within_the_safe_range_or_refused(moment):
    field, text = SafeAwareDateTime(), moment.isoformat()
    try:
        loaded = field.deserialize(text)
    except ValidationError as refused:
        assert refused.messages == ["Must be between 1900 and 2999."]
        return
    assert MIN_INSTANT <= loaded.astimezone(UTC) <= MAX_INSTANT and loaded == datetime.fromisoformat(text)


@pytest.mark.parametrize("field, value", [
    ("met_on", "0001-01-01"), ("met_on", "9999-12-31"), ("called_at", "9999-12-31T23:59:59-12:00"),
    ("called_at", "0001-01-01T00:00:00+14:00"), ("called_at", "1899-12-31T23:00:00-02:00"),
])
def test_a_form_date_beyond_the_safe_range_is_a_field_error(field, value):
    _cleaned, problems = validate_submission(DATE_FORM, {**DATE_ANSWERS, field: value})
    assert problems == [{"field": field, "message": "Skal ligge mellem år 1900 og 2999."}]


@pytest.mark.parametrize("path, status, shown", [
    ("/sager?fra=9999-12-31", 422, "Skriv en dato mellem 1900 og 2999."),
    ("/sager?fra=2026-01-01&til=0001-01-01", 422, "Skriv en dato mellem 1900 og 2999."),
    (f"/processer/underretning_boern/sammenlign?fra={BIG}", 404, "Siden findes ikke"),
    ("/processer/underretning_boern/sammenlign?til=2147483648", 404, "Siden findes ikke"),
])
def test_pages_answer_extreme_numbers_and_dates_in_danish(client, db_session, path, status, shown):
    deploy_test_diagram(db_session)
    make_user(db_session, "lead1", "teamleder")
    login(client, "lead1")
    response = client.get(path)
    assert response.status_code == status and shown in response.get_data(as_text=True)


def _chunked(body: bytes, size: int = 7) -> bytes:
    parts = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


def test_a_chunked_completion_is_read_as_gunicorn_passes_it_on(client, lead, case):
    """gunicorn de-chunks the body and sets wsgi.input_terminated, with no CONTENT_LENGTH."""
    body = json.dumps({"data": {"amount": 50, "note": "chunked"}}).encode()
    response = client.post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", input_stream=io.BytesIO(body),
                           content_type="application/json", headers=lead.headers,
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 200
    assert [t["bpmn_id"] for t in response.get_json()["tasks"]] == ["approve"]  # amount 50 > 10


def test_a_chunked_body_beyond_the_limit_is_413(app, client, lead, case):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    body = json.dumps({"data": {"note": "x" * 5000}}).encode()
    response = client.post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", input_stream=io.BytesIO(body),
                           content_type="application/json", headers=lead.headers,
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert client.get(f"/api/v1/tasks/{case['tasks'][0]['id']}", headers=lead.headers).get_json()["state"] == "READY"


def test_a_chunked_completion_through_a_real_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'chunked.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        create_user(session, "lead", "lead@example.invalid", ["teamleder", "modtagerteam"])
        token = create_token(session, "lead")
        deploy_version(session, (DATA / "review.bpmn").read_bytes(), actor=None, filename="review.bpmn")
        session.commit()
    app = create_app(Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": url,
                                        "CASEPATH_INSTANCE_PATH": str(tmp_path / "instance")}))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        task_id = _request(server.server_port, "POST", "/api/v1/cases", json.dumps({"process_key": "review"})
                           .encode(), headers)["tasks"][0]["id"]
        body = _chunked(json.dumps({"data": {"amount": 50}}).encode())
        answer = _request(server.server_port, "POST", f"/api/v1/tasks/{task_id}/complete", body,
                          {**headers, "Transfer-Encoding": "chunked"}, encode=False)
        assert [t["bpmn_id"] for t in answer["tasks"]] == ["approve"]
    finally:
        server.shutdown()
        app.extensions["casepath.engine"].dispose()
        engine.dispose()


def _request(port: int, method: str, path: str, body: bytes, headers: dict, encode: bool = True) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest(method, path)
    for name, value in headers.items():
        connection.putheader(name, value)
    if encode:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    assert response.status in (200, 201), data
    return json.loads(data)
