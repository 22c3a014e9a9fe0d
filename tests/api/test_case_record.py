"""The case record in the API: the record, journal notes, attachments and the PDF export, on both
databases, with a children's case of the shipped procedure (tests/api/record_helpers.py)."""

from __future__ import annotations

import io
import uuid
from dataclasses import replace

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from engine.cases.access import CaseAccess
from engine.cases.record_models import CaseAttachment
from tests.api.helpers import error_of
from tests.api.record_helpers import ASSESSMENT, PDF, PNG, T0, assessed_case, deploy_shipped, docx, odt

ASSESS_NAME = "Vurdér inden for 24 timer, om barnet er i fare"


@pytest.fixture
def people(make_account):
    return {"reception": make_account("modtagerteam", name="modtager"), "lead": make_account("teamleder", name="lene"),
            "owner": make_account("raadgiver-boern", name="raadgiver"),
            "colleague": make_account("raadgiver-boern", name="kollega"), "admin": make_account("admin", name="admin")}


@pytest.fixture
def case(db_session, people, service_clock):
    service_clock.set(T0)
    deploy_shipped(db_session)
    return assessed_case(db_session, people["reception"].user, people["lead"].user, people["owner"].user)


def _record(client, case, who, **query):
    response = client.get(f"/api/v1/cases/{case.id}/record", query_string=query, headers=who.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _log(db_session, case, kind):
    return {(row.username, row.purpose, row.channel) for row in db_session.scalars(
        select(CaseAccess).where(CaseAccess.case_id == case.id, CaseAccess.kind == kind))}


def test_the_record_holds_each_completed_task_with_who_when_and_its_answers_labelled(client, db_session, people, case):
    body = _record(client, case, people["owner"])
    tasks = [item for item in body["items"] if item["kind"] == "task"]
    assert [(t["name"], t["by"]) for t in tasks] == [(ASSESS_NAME, "modtager"),
                                                     ("Fordel sagen til en rådgiver", "lene")]
    assessment = tasks[0]
    assert {key: assessment["data"][key] for key in ASSESSMENT} == ASSESSMENT
    assert assessment["at"] == T0.isoformat() and assessment["form_key"] == "vurdering_24t"
    labels = {a["key"]: (a["label"], a["value"]) for a in assessment["answers"]}
    assert labels["danger_signs"] == ("Tegn i underretningen", ["threats", "runaway"])
    assert labels["assessment_decision"] == ("Beslutning", "forward")
    assert [a["key"] for a in assessment["answers"]][:3] == ["danger_signs", "danger_assessment", "assessment_decision"]
    assert (body["total"], body["page"], body["order"]) == (2, 1, "oldest")
    assert _log(db_session, case, "read_record") == {("raadgiver", "owner_work", "api")}


def test_the_record_pages_in_either_order_and_refuses_a_bad_query(client, people, case, service_clock):
    for number in range(3):
        service_clock.set(T0.replace(hour=11 + number))
        assert client.post(f"/api/v1/cases/{case.id}/notes", json={"text": f"Notat {number}"},
                           headers=people["owner"].headers).status_code == 201
    newest = _record(client, case, people["owner"], order="newest", per_page=2)
    assert [i.get("text") for i in newest["items"]] == ["Notat 2", "Notat 1"] and newest["total"] == 5
    oldest = _record(client, case, people["owner"], order="oldest", per_page=2, page=3)
    assert [i["text"] for i in oldest["items"]] == ["Notat 2"]
    bad = client.get(f"/api/v1/cases/{case.id}/record?order=random", headers=people["owner"].headers)
    assert bad.status_code == 422 and error_of(bad)["details"][0]["field"] == "order"
    # The rule before the query string: a stranger learns nothing of it.
    hidden = client.get(f"/api/v1/cases/{case.id}/record?order=random", headers=people["colleague"].headers)
    assert hidden.status_code == 404


def test_notes_are_append_only_and_a_correction_points_at_the_note_it_corrects(client, people, case):
    url = f"/api/v1/cases/{case.id}/notes"
    first = client.post(url, json={"text": "Mor ringede kl. 14."}, headers=people["owner"].headers)
    assert first.status_code == 201
    note = first.get_json()
    assert (note["kind"], note["text"], note["by"], note["corrects"]) == ("note", "Mor ringede kl. 14.", "raadgiver",
                                                                          None)
    fix = client.post(url, json={"text": "Mor ringede kl. 15.", "corrects": note["id"]}, headers=people["lead"].headers)
    assert fix.status_code == 201 and fix.get_json()["corrects"] == note["id"]
    notes = {i["id"]: i for i in _record(client, case, people["owner"])["items"] if i["kind"] == "note"}
    assert notes[note["id"]]["text"] == "Mor ringede kl. 14."  # kept as written
    assert notes[note["id"]]["corrected_by"] == [fix.get_json()["id"]]
    # No route changes or deletes a note.
    assert client.put(f"{url}/{note['id']}", json={"text": "x"}, headers=people["owner"].headers).status_code in (404,
                                                                                                                  405)
    assert client.delete(f"{url}/{note['id']}", headers=people["owner"].headers).status_code in (404, 405)


@pytest.mark.parametrize("body, field, message", [
    ({"text": "   "}, "text", "Skriv notatet."),
    ({"text": "x" * 10_001}, "text", "Notatet må højst være 10.000 tegn."),
    ({"text": "Ok", "corrects": str(uuid.uuid4())}, "corrects", "Notatet, der skal rettes, findes ikke i sagen."),
    ({"text": 5}, "text", None),
    ({}, "text", None),
])
def test_a_bad_note_is_refused_and_changes_nothing(client, people, case, body, field, message):
    response = client.post(f"/api/v1/cases/{case.id}/notes", json=body, headers=people["owner"].headers)
    assert response.status_code == 422
    detail = error_of(response)["details"][0]
    assert detail["field"] == field and (message is None or detail["message"] == message)
    assert [i for i in _record(client, case, people["owner"])["items"] if i["kind"] == "note"] == []


def test_who_may_write_notes(client, people, case):
    url = f"/api/v1/cases/{case.id}/notes"
    assert client.post(url, json={"text": "x"}, headers=people["colleague"].headers).status_code == 404
    assert client.post(url, json={"text": "x"}, headers=people["admin"].headers).status_code == 403
    # Authorization first: an outsider's empty body is still the 404 of a missing case.
    assert client.post(url, json={}, headers=people["colleague"].headers).status_code == 404


def _upload(client, case, who, content, name="dokument.pdf", description=None):
    data = {"file": (io.BytesIO(content), name)}
    if description is not None:
        data["description"] = description
    return client.post(f"/api/v1/cases/{case.id}/attachments", data=data, headers=who.headers,
                       content_type="multipart/form-data")


def _stored(db_session, case) -> int:
    return db_session.scalar(select(func.count()).select_from(CaseAttachment).where(CaseAttachment.case_id == case.id))


@pytest.mark.parametrize("content, name, kind, saved_as", [
    (PDF, "Risikovurdering.pdf", "application/pdf", "Risikovurdering.pdf"),
    (PNG, "foto.PNG", "image/png", "foto.PNG"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "scan.jpeg", "image/jpeg", "scan.jpeg"),
    (docx(), "brev.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "brev.docx"),
    (odt(), "brev.odt", "application/vnd.oasis.opendocument.text", "brev.odt"),
    (PDF, "../../etc/brev.html", "application/pdf", "brev.html.pdf"),  # the type comes from the content
])
def test_attachments_are_taken_by_their_content_and_downloaded_as_such(client, db_session, people, case, content,
                                                                       name, kind, saved_as):
    response = _upload(client, case, people["owner"], content, name, "Fra sikkerhedskonsulenten")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["content_type"], body["filename"], body["size"], body["description"]) == (
        kind, saved_as, len(content), "Fra sikkerhedskonsulenten")
    download = client.get(body["download"], headers=people["lead"].headers)
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Type"] == kind
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert saved_as in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    assert _log(db_session, case, "read_attachment") == {("lene", "supervision", "api")}
    entry = [i for i in _record(client, case, people["owner"])["items"] if i["kind"] == "attachment"]
    assert [(e["id"], e["filename"], e["by"]) for e in entry] == [(body["id"], saved_as, "raadgiver")]


@pytest.mark.parametrize("content, name", [
    (b"Dette er ikke en PDF, bare tekst med et andet navn.", "risikovurdering.pdf"),
    (b"<html><script>alert(1)</script></html>", "side.png"),
    (odt("application/vnd.oasis.opendocument.spreadsheet"), "regneark.odt"),
    (b"PK\x03\x04 not really a zip", "brev.docx"),
    (b"MZ\x90\x00", "program.pdf"),
])
def test_a_file_of_another_kind_is_refused_whatever_its_name(client, db_session, people, case, content, name):
    response = _upload(client, case, people["owner"], content, name)
    assert response.status_code == 422
    assert error_of(response)["details"] == [
        {"field": "file", "message": "Filtypen kan ikke bruges. Vælg en PDF, PNG, JPEG, DOCX eller ODT."}]
    assert _stored(db_session, case) == 0


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(app, client, db_session, people, case):
    big = PDF + b"0" * (25 * 1024 * 1024)  # 25 MB: over the server's limit, refused before it is read
    response = _upload(client, case, people["owner"], big)
    assert response.status_code == 413
    assert error_of(response)["details"] == [
        {"field": "file", "message": "Filen er for stor. Den må højst fylde 20 MB."}]
    # Under the server's limit but over the setting: the engine refuses it.
    app.config["CASEPATH"] = replace(app.config["CASEPATH"], max_attachment_bytes=2048)
    response = _upload(client, case, people["owner"], PDF + b"0" * 4096)
    assert response.status_code == 422
    assert error_of(response)["details"][0]["message"] == "Filen er for stor. Den må højst fylde 2 kB."
    assert _upload(client, case, people["owner"], b"").status_code == 422
    missing = client.post(f"/api/v1/cases/{case.id}/attachments", data={}, headers=people["owner"].headers)
    assert missing.status_code == 422 and error_of(missing)["details"][0]["field"] == "file"
    assert _stored(db_session, case) == 0


def test_a_caseworker_without_access_gets_404_for_attachments(client, db_session, people, case):
    assert _upload(client, case, people["colleague"], PDF).status_code == 404
    assert _upload(client, case, people["admin"], PDF).status_code == 403
    stored = _upload(client, case, people["owner"], PDF).get_json()
    assert client.get(stored["download"], headers=people["colleague"].headers).status_code == 404
    assert client.get(stored["download"], headers=people["admin"].headers).status_code == 403
    other = f"/api/v1/cases/{case.id}/attachments/{uuid.uuid4()}"
    assert client.get(other, headers=people["owner"].headers).status_code == 404
    assert _stored(db_session, case) == 1


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_export_holds_the_case_reference_and_the_answers(client, db_session, people, case):
    client.post(f"/api/v1/cases/{case.id}/notes", json={"text": "Samtale med skolens AKT-lærer aftalt."},
                headers=people["owner"].headers)
    response = client.get(f"/api/v1/cases/{case.id}/export.pdf", headers=people["owner"].headers)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=sag-{case.reference}.pdf"
    text = " ".join(_pdf_text(response.data).split())
    assert f"Sag {case.reference}" in text
    assert "Barnet fortæller om trusler fra storebror" in text  # a task's free-text answer
    assert "Trusler" in text and "Er stukket af eller tør ikke gå hjem" in text  # choices by their labels
    assert "Samtale med skolens AKT-lærer aftalt." in text
    assert "Side 1 af" in text and "Eksporteret" in text and "raadgiver" in text
    assert "Overholdt" in text  # the 24-hour deadline was met
    assert _log(db_session, case, "export") == {("raadgiver", "owner_work", "api")}
    assert client.get(f"/api/v1/cases/{case.id}/export.pdf", headers=people["colleague"].headers).status_code == 404
    assert client.get(f"/api/v1/cases/{case.id}/export.pdf", headers=people["admin"].headers).status_code == 403
