"""The case record (sagens akter) in the API: the record, journal notes, attachments, the PDF export.

Every route asks the access rule first (webui.api.cases.case_for: 404 without a relation to the
case, 403 without the right one), before it reads a body: someone who may not act learns nothing
of the body's rules. Every read is logged with its purpose: read_record, read_attachment, export.
"""

from __future__ import annotations

import io
from uuid import UUID

from flask import current_app, request, send_file
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from engine.cases import attachments, notes
from engine.cases.access import log_access
from engine.cases.export import EXPORT, PDF_TYPE, check_export, export_filename
from engine.cases.record import case_record, corrections, page_of
from engine.errors import InvalidInput
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import case_for, json_body
from webui.api.errors import error_response
from webui.api.record_schemas import NoteCreateSchema, RecordQuerySchema, attachment_json, item_json, note_json
from webui.api.schemas import local_iso
from webui.clock import now, service_clock
from webui.database import get_session

READ_RECORD, READ_ATTACHMENT = "read_record", "read_attachment"
_query, _note = RecordQuerySchema(), NoteCreateSchema()


@bp.get("/cases/<uuid:case_id>/record")
@token_required
def case_record_page(case_id: UUID) -> ResponseReturnValue:
    """The case's record in time order (`order=oldest|newest`), one page at a time."""
    session, user = get_session(), current_user()
    record = case_record(session, case_id, user, now(), "oldest")  # the rule first: then the query string
    query = _query.load(request.args.to_dict())
    items = record.items if query["order"] == "oldest" else record.items[::-1]
    fixes = corrections(record.items)
    body = {"items": [item_json(item, fixes) for item in page_of(items, query["page"], query["per_page"])],
            "page": query["page"], "per_page": query["per_page"], "total": len(items), "order": query["order"]}
    log_access(session, case_id, user, READ_RECORD, purpose=record.access.purpose, reason=record.access.reason)
    return body


@bp.post("/cases/<uuid:case_id>/notes")
@token_required
def add_note(case_id: UUID) -> ResponseReturnValue:
    """Add a journal note, or a correction of one (`corrects`); 201 with the note."""
    case_for(case_id, "case_work")
    body = _note.load(json_body())
    note = notes.add_note(get_session(), case_id, current_user(), body["text"], body["corrects"], service_clock())
    return {"kind": "note", "id": str(note.id), "at": local_iso(note.at), "by": note.author, **note_json(note)}, 201


def _upload() -> FileStorage:
    """The multipart `file`; a body over the server's limit is the too-large answer, never a 5xx."""
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise _TooLarge() from None
    if upload is None:
        raise InvalidInput("the request has no file", [{"field": "file", "message": "Vælg en fil."}])
    return upload


class _TooLarge(Exception):
    """The upload is larger than the server takes."""


@bp.errorhandler(_TooLarge)
def _too_large(_exc: _TooLarge) -> ResponseReturnValue:
    limit = current_app.config["CASEPATH"].max_attachment_bytes
    return error_response(413, "too_large", f"the file is larger than the limit of {limit} bytes",
                          [{"field": "file", "message": f"Filen er for stor. Den må højst fylde "
                                                        f"{attachments.size_text(limit)}."}])


@bp.post("/cases/<uuid:case_id>/attachments")
@token_required
def add_attachment(case_id: UUID) -> ResponseReturnValue:
    """Add a document (multipart `file`, optional `description`); 201 with the attachment, without its file."""
    case_for(case_id, "case_work")
    upload = _upload()
    limit = current_app.config["CASEPATH"].max_attachment_bytes
    try:
        description = request.form.get("description", "")
    except RequestEntityTooLarge:
        raise _TooLarge() from None
    row = attachments.add_attachment(get_session(), case_id, current_user(), upload.filename,
                                     upload.stream.read(limit + 1), description, max_bytes=limit,
                                     clock=service_clock())
    return {"kind": "attachment", "id": str(row.id), "at": local_iso(row.at), "by": row.uploaded_by,
            **attachment_json(row)}, 201


@bp.get("/cases/<uuid:case_id>/attachments/<uuid:attachment_id>")
@token_required
def download_attachment(case_id: UUID, attachment_id: UUID) -> ResponseReturnValue:
    """An attachment's file, as a download of the type found in its content."""
    session, user = get_session(), current_user()
    row, access = attachments.get_attachment(session, case_id, attachment_id, user, service_clock())
    response = attachment_response(row)
    log_access(session, case_id, user, READ_ATTACHMENT, purpose=access.purpose, reason=access.reason)
    return response


def attachment_response(row: attachments.CaseAttachment) -> ResponseReturnValue:
    """The file as a download (never shown inline), of its sniffed type, kept out of caches."""
    response = send_file(io.BytesIO(row.content or b""), mimetype=row.content_type, as_attachment=True,
                         download_name=row.filename, conditional=False, etag=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cases/<uuid:case_id>/export.pdf")
@token_required
def export_pdf(case_id: UUID) -> ResponseReturnValue:
    """The case file as PDF for the municipality's records system; logged as an export."""
    from webui.ui.case_export import export_document  # renders the page templates: loaded when exporting

    session, user = get_session(), current_user()
    case, access = check_export(session, case_id, user, now())
    pdf = export_document(case_id, user)
    log_access(session, case_id, user, EXPORT, purpose=access.purpose, reason=access.reason)
    return pdf_response(pdf, export_filename(case.reference))


def pdf_response(pdf: bytes, filename: str) -> ResponseReturnValue:
    """A PDF download named `filename` (the case reference only)."""
    response = send_file(io.BytesIO(pdf), mimetype=PDF_TYPE, as_attachment=True, download_name=filename,
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
