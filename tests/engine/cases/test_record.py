"""The case record in the engine: what completions submitted, in time order; notes; attachments' types."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from engine.cases.attachments import DOCX, JPEG, ODT, PDF, PNG, add_attachment, clean_filename, size_text, sniff
from engine.cases.notes import add_note
from engine.cases.record import case_record, corrections
from engine.cases.record_models import CaseNote, TaskSubmission
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.users.service import create_user
from tests.api.record_helpers import ASSESSMENT, T0, assessed_case, deploy_shipped, docx, odt
from tests.api.record_helpers import PDF as PDF_BYTES


@pytest.fixture
def world(db_session):
    users = {name: create_user(db_session, name, f"{name}@example.invalid", [group])
             for name, group in (("modtager", "modtagerteam"), ("lene", "teamleder"), ("raadgiver", "raadgiver-boern"),
                                 ("kollega", "raadgiver-boern"))}
    deploy_shipped(db_session)
    case = assessed_case(db_session, users["modtager"], users["lene"], users["raadgiver"])
    return users, case


def test_each_completion_keeps_what_it_submitted(db_session, world):
    users, case = world
    kept = {row.task_id: row.data for row in db_session.scalars(
        select(TaskSubmission).where(TaskSubmission.case_id == case.id))}
    record = case_record(db_session, case.id, users["raadgiver"], T0)
    tasks = [item for item in record.items if item.kind == "task"]
    assert len(kept) == len(tasks) == 2
    assert {key: tasks[0].data[key] for key in ASSESSMENT} == ASSESSMENT == {
        key: kept[tasks[0].row.id][key] for key in ASSESSMENT}
    assert tasks[0].form["key"] == "vurdering_24t" and tasks[0].by == "modtager"
    # The owner choice of "Fordel sag" reads as the list the team lead picked from.
    owner_field = next(c for c in tasks[1].form["schema"]["components"] if c.get("key") == "assigned_caseworker")
    assert owner_field["type"] == "select" and {"value": "raadgiver", "label": "raadgiver"} in owner_field["values"]


def test_tasks_completed_before_the_record_kept_answers_are_read_from_the_workflow(db_session, world):
    users, case = world
    db_session.execute(delete(TaskSubmission).where(TaskSubmission.case_id == case.id))
    db_session.commit()
    tasks = [item for item in case_record(db_session, case.id, users["raadgiver"], T0).items if item.kind == "task"]
    assert tasks[0].data == ASSESSMENT | {k: v for k, v in tasks[0].data.items() if k not in ASSESSMENT}
    assert {key: tasks[0].data[key] for key in ASSESSMENT} == ASSESSMENT
    assert tasks[1].data["assigned_caseworker"] == "raadgiver"


def test_the_record_is_the_cases_content_and_in_time_order(db_session, world):
    users, case = world
    with pytest.raises(NotFound):
        case_record(db_session, case.id, users["kollega"], T0)
    first = add_note(db_session, case.id, users["raadgiver"], "  Første notat  ", clock=lambda: T0 + timedelta(hours=1))
    assert first.text == "Første notat"
    add_attachment(db_session, case.id, users["raadgiver"], "vurdering.pdf", PDF_BYTES, max_bytes=1024,
                   clock=lambda: T0 + timedelta(hours=2))
    fix = add_note(db_session, case.id, users["lene"], "Rettet", corrects=first.id,
                   clock=lambda: T0 + timedelta(hours=3))
    items = case_record(db_session, case.id, users["raadgiver"], T0 + timedelta(hours=4)).items
    assert [item.kind for item in items] == ["task", "task", "note", "attachment", "note"]
    assert [item.at for item in items] == sorted(item.at for item in items)
    assert corrections(items) == {first.id: [fix]}
    newest = case_record(db_session, case.id, users["raadgiver"], T0, order="newest").items
    assert [i.row.id for i in newest] == [i.row.id for i in reversed(items)]


def test_notes_need_case_work_and_a_correction_stays_in_its_case(db_session, world):
    users, case = world
    with pytest.raises(NotFound):
        add_note(db_session, case.id, users["kollega"], "x", clock=lambda: T0)
    reception = users["modtager"]  # a candidate of the waiting receipt: the header, not case work
    with pytest.raises(PermissionDenied):
        add_note(db_session, case.id, reception, "x", clock=lambda: T0)
    other = assessed_case(db_session, users["modtager"], users["lene"], users["kollega"])
    foreign = add_note(db_session, other.id, users["kollega"], "Andet", clock=lambda: T0)
    with pytest.raises(InvalidInput) as refused:
        add_note(db_session, case.id, users["raadgiver"], "Ret", corrects=foreign.id, clock=lambda: T0)
    assert refused.value.details == [{"field": "corrects", "message": "Notatet, der skal rettes, findes ikke i sagen."}]
    db_session.rollback()
    assert db_session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)).all() == []


def test_an_erased_case_takes_no_notes_or_attachments(db_session, world):
    users, case = world
    case.erased_at = T0
    db_session.commit()
    with pytest.raises(Conflict):
        add_note(db_session, case.id, users["lene"], "x", clock=lambda: T0)
    with pytest.raises(Conflict):
        add_attachment(db_session, case.id, users["lene"], "a.pdf", PDF_BYTES, max_bytes=1024, clock=lambda: T0)


def test_admins_and_knowledge_persons_may_not_add_attachments(db_session, world):
    users, case = world
    admin = create_user(db_session, "admin", "admin@example.invalid", ["admin"])
    with pytest.raises(PermissionDenied):
        add_attachment(db_session, case.id, admin, "a.pdf", PDF_BYTES, max_bytes=1024, clock=lambda: T0)


@pytest.mark.parametrize("content, kind", [
    (PDF_BYTES, PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff\xdb", JPEG), (docx(), DOCX), (odt(), ODT),
    (b"", None), (b" %PDF-1.4", None), (b"GIF89a", None), (odt("application/vnd.oasis.opendocument.spreadsheet"), None),
    (b"PK\x03\x04broken", None), (b"{\\rtf1}", None),
])
def test_types_are_recognised_by_content(content, kind):
    assert sniff(content) == kind


def test_a_zip_with_a_huge_mimetype_entry_is_not_read():
    assert sniff(odt("x" * 200)) is None


@pytest.mark.parametrize("name, kind, cleaned", [
    ("C:\\Users\\x\\Risikovurdering.pdf", PDF, "Risikovurdering.pdf"),
    ("../../etc/passwd", PDF, "passwd.pdf"), ("brev.jpeg", JPEG, "brev.jpeg"), ("", PNG, "bilag.png"),
    ('a"b\r\nc.docx', DOCX, "a_b_c.docx"), ("x" * 300 + ".odt", ODT, "x" * 251 + ".odt"),
])
def test_file_names_lose_folders_and_control_characters_and_get_their_types_extension(name, kind, cleaned):
    assert clean_filename(name, kind) == cleaned


def test_sizes_read_as_danes_write_them():
    assert [size_text(n) for n in (20 * 1024 * 1024, 1_572_864, 2048, 10)] == ["20 MB", "1,5 MB", "2 kB", "1 kB"]
