"""The case page's "Sagens akter": the record with each task's answers read-only, the note field with
corrections, attachments, the PDF export; Danish errors, and nothing stored when refused."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from engine.cases.access import CaseAccess
from engine.cases.record_models import CaseAttachment, CaseNote
from tests.api.record_helpers import PDF, T0, assessed_case, deploy_shipped
from tests.ui.helpers import csrf_token, login, make_user, post, text


@pytest.fixture
def case(db_session, service_clock):
    service_clock.set(T0 + timedelta(hours=1))
    users = {name: make_user(db_session, name, group) for name, group in (
        ("modtager", "modtagerteam"), ("lene", "teamleder"), ("raadgiver", "raadgiver-boern"), ("admin", "admin"))}
    deploy_shipped(db_session)
    return assessed_case(db_session, users["modtager"], users["lene"], users["raadgiver"])


def _client(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _section(html: str) -> str:
    return html.split('id="akter"', 1)[1].split("</section>", 1)[0]


def test_the_owner_reads_the_assessment_as_it_was_answered(app, case):
    html = text(_client(app, "raadgiver").get(f"/sager/{case.id}"))
    record = _section(html)
    entry = record.split("Opgave udført: Vurdér inden for 24 timer, om barnet er i fare", 1)[1].split("</article>")[0]
    assert "23. nov. 2026 kl. 10:00</time> · modtager" in entry
    answers = entry.split('<dl class="answers">', 1)[1]
    assert "<dt>Tegn i underretningen</dt>" in answers
    assert "<li>Trusler</li><li>Er stukket af eller tør ikke gå hjem</li>" in answers
    assert "<dt>Beslutning</dt><dd>Send videre til fordeling hos teamlederen</dd>" in answers
    assert "Barnet fortæller om trusler fra storebror" in answers
    assert "<input" not in answers and "<textarea" not in answers and "forward" not in answers
    assert "Vurdér inden for **24 timer**" not in entry  # the form's instructions are not answers
    assert "Opgave udført: Fordel sagen til en rådgiver" in record and "<dd>raadgiver</dd>" in record
    assert f'href="/sager/{case.id}/eksport.pdf"' in record


def test_only_those_who_read_the_content_see_the_record(app, case):
    assert 'id="akter"' not in text(_client(app, "admin").get(f"/sager/{case.id}"))
    assert 'id="akter"' not in text(_client(app, "modtager").get(f"/sager/{case.id}"))  # a candidate: the header
    lead = text(_client(app, "lene").get(f"/sager/{case.id}"))
    assert 'id="akter"' in lead and "Skriv et notat" in lead


def test_a_note_is_saved_with_who_and_when_and_corrected_by_a_new_one(app, db_session, case, service_clock):
    owner = _client(app, "raadgiver")
    empty = post(owner, f"/sager/{case.id}/notater", {"note_text": "  "})
    assert empty.status_code == 422
    assert 'id="f-note_text-error"' in text(empty) and "Skriv notatet." in text(empty)
    assert "Notatet blev ikke gemt. Ret feltet nedenfor." in text(empty)
    long = post(owner, f"/sager/{case.id}/notater", {"note_text": "æ" * 10_001})
    assert long.status_code == 422 and "Notatet må højst være 10.000 tegn." in text(long)
    assert "æ" * 10_001 in text(long)  # what was typed is kept
    saved = post(owner, f"/sager/{case.id}/notater", {"note_text": "Mor ringede.\nHun var bange."},
                 follow_redirects=True)
    assert "Notatet er gemt." in text(saved)
    note = db_session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)).one()
    entry = _section(text(saved)).split(f'id="akt-{note.id}"', 1)[1].split("</article>")[0]
    assert "23. nov. 2026 kl. 11:00</time> · raadgiver" in entry and "Mor ringede.\nHun var bange." in entry
    service_clock.set(T0 + timedelta(hours=2))
    bad = post(owner, f"/sager/{case.id}/notater", {"note_text": "", "corrects": str(note.id)})
    assert bad.status_code == 422 and f'id="ret-{note.id}-error"' in text(bad)
    fixed = post(_client(app, "lene"), f"/sager/{case.id}/notater",
                 {"note_text": "Mor ringede kl. 15.", "corrects": str(note.id)}, follow_redirects=True)
    assert "Rettelsen er gemt." in text(fixed)
    record = _section(text(fixed))
    old = record.split(f'id="akt-{note.id}"', 1)[1].split("</article>")[0]
    assert "Mor ringede.\nHun var bange." in old  # append-only: the old note stands
    fix = db_session.scalars(select(CaseNote).where(CaseNote.corrects_id == note.id)).one()
    assert f'Rettet <a href="#akt-{fix.id}">23. nov. 2026 kl. 12:00 af lene</a>.' in old
    assert "Rettelse af notat" in record and f'<a href="#akt-{note.id}">notatet fra 23. nov. 2026 kl. 11:00 af ' \
                                              f'raadgiver</a>' in record
    assert db_session.scalar(select(func.count()).select_from(CaseNote).where(CaseNote.case_id == case.id)) == 2


def test_attachments_upload_download_and_refusals(app, db_session, case):
    owner = _client(app, "raadgiver")
    url = f"/sager/{case.id}/bilag"
    wrong = post(owner, url, {"file": (io.BytesIO(b"ikke en pdf"), "vurdering.pdf"), "description": "Vurdering"})
    assert wrong.status_code == 422
    assert "Filtypen kan ikke bruges. Vælg en PDF, PNG, JPEG, DOCX eller ODT." in text(wrong)
    assert 'value="Vurdering"' in text(wrong) and "Bilaget blev ikke gemt." in text(wrong)
    none = post(owner, url, {"description": "x"})
    assert none.status_code == 422 and "Vælg en fil." in text(none)
    big = owner.post(url, data={"file": (io.BytesIO(PDF + b"0" * (25 * 1024 * 1024)), "stor.pdf"),
                                "csrf_token": csrf_token(owner, "/profil")})
    assert big.status_code == 413 and "Filen er for stor" in text(big) and "højst fylde 20 MB" in text(big)
    assert db_session.scalar(select(func.count()).select_from(CaseAttachment)) == 0
    saved = post(owner, url, {"file": (io.BytesIO(PDF), "Risikovurdering.pdf"),
                              "description": "Fra sikkerhedskonsulenten"}, follow_redirects=True)
    assert "Bilaget er gemt." in text(saved)
    row = db_session.scalars(select(CaseAttachment)).one()
    entry = _section(text(saved)).split(f'id="akt-{row.id}"', 1)[1].split("</article>")[0]
    assert "Bilag: Risikovurdering.pdf" in entry and "Fra sikkerhedskonsulenten" in entry and "(PDF, 1 kB)" in entry
    link = f"/sager/{case.id}/bilag/{row.id}"
    assert f'href="{link}"' in entry
    download = _client(app, "lene").get(link)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=Risikovurdering.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert _client(app, "admin").get(link).status_code == 403
    logged = {(a.username, a.kind, a.purpose, a.channel) for a in db_session.scalars(select(CaseAccess))}
    assert ("lene", "read_attachment", "supervision", "ui") in logged


def test_the_case_page_exports_the_case_as_pdf(app, db_session, case):
    response = _client(app, "raadgiver").get(f"/sager/{case.id}/eksport.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=sag-{case.reference}.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    content = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"Sag {case.reference}" in content and "Send videre til fordeling hos teamlederen" in content
    logged = {(a.username, a.kind, a.purpose, a.channel) for a in db_session.scalars(select(CaseAccess))}
    assert ("raadgiver", "export", "owner_work", "ui") in logged
    assert _client(app, "admin").get(f"/sager/{case.id}/eksport.pdf").status_code == 403
