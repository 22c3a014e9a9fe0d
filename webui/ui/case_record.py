"""The case record's actions on the case page: journal notes, attachments, the PDF export.

"/sager/<case_id>/notater" adds a note or a correction, "/sager/<case_id>/bilag" uploads a
document, "/sager/<case_id>/bilag/<attachment_id>" downloads one, "/sager/<case_id>/eksport.pdf"
exports the case file. The access rule decides first (403, or the 404 of a missing case without a
relation); a refused note or upload shows the case page again with the Danish message beside the
field and what was typed; a body over the upload limit is a Danish 413 page, never a 5xx.
"""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from engine.cases import attachments, notes
from engine.cases.access import log_access
from engine.cases.export import EXPORT, check_export, export_filename
from engine.cases.need_to_know import case_with_access
from engine.errors import InvalidInput
from webui.api.record import READ_ATTACHMENT, attachment_response, pdf_response
from webui.clock import now, service_clock
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.case_export import export_document
from webui.ui.cases import problems_of, render_case
from webui.ui.record_context import RecordForms

bp = Blueprint("case_record", __name__, url_prefix="/sager")
errors.install(bp)
ANCHOR = "akter"


def _too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    """An upload over the server's limit: read no further, say so in Danish (no case data: the body,
    and so the access check, was never reached)."""
    limit = attachments.size_text(current_app.config["CASEPATH"].max_attachment_bytes)
    return errors.error_page(413, _("Filen er for stor"),
                             _("Et bilag må højst fylde %(size)s. Gå tilbage, og vælg en mindre fil.", size=limit))


bp.register_error_handler(RequestEntityTooLarge, _too_large)


def translated(problems: dict[str, str]) -> dict[str, str]:
    """The engine's Danish messages in the user's language."""
    limit = attachments.size_text(current_app.config["CASEPATH"].max_attachment_bytes)
    known = {
        "Skriv notatet.": _("Skriv notatet."),
        "Notatet må højst være 10.000 tegn.": _("Notatet må højst være 10.000 tegn."),
        "Notatet indeholder ugyldige tegn.": _("Notatet indeholder ugyldige tegn."),
        "Notatet, der skal rettes, findes ikke i sagen.": _("Notatet, der skal rettes, findes ikke i sagen."),
        "Vælg en fil.": _("Vælg en fil."),
        "Filtypen kan ikke bruges. Vælg en PDF, PNG, JPEG, DOCX eller ODT.":
            _("Filtypen kan ikke bruges. Vælg en PDF, PNG, JPEG, DOCX eller ODT."),
        "Beskrivelsen må højst være 500 tegn.": _("Beskrivelsen må højst være 500 tegn."),
    }
    return {key: _("Filen er for stor. Den må højst fylde %(size)s.", size=limit)
            if message.startswith("Filen er for stor") else known.get(message, message)
            for key, message in problems.items()}


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


@bp.post("/<uuid:case_id>/notater")
@login_required
def add_note(case_id: UUID) -> ResponseReturnValue:
    """Add a journal note, or a correction of one (`corrects`); case work."""
    session = get_session()
    case_with_access(session, case_id, me(), now(), "case_work")
    text, raw = request.form.get("note_text", ""), request.form.get("corrects")
    corrects = _uuid(raw)
    try:
        if raw and corrects is None:
            raise InvalidInput("bad note id", [{"field": "corrects",
                                                "message": "Notatet, der skal rettes, findes ikke i sagen."}])
        notes.add_note(session, case_id, me(), text, corrects, service_clock())
        flash(_("Rettelsen er gemt.") if corrects else _("Notatet er gemt."), "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor=ANCHOR))
    except InvalidInput as exc:
        session.rollback()
        problems = translated(problems_of(exc, {"text": "note_text"}))
    if corrects is not None:
        return render_case(case_id, record=RecordForms(correction=(corrects, text, problems)), status=422)
    return render_case(case_id, record=RecordForms(note=({"note_text": text}, problems)), status=422)


@bp.post("/<uuid:case_id>/bilag")
@login_required
def upload(case_id: UUID) -> ResponseReturnValue:
    """Add a document to the case; case work."""
    session = get_session()
    case_with_access(session, case_id, me(), now(), "case_work")
    limit = current_app.config["CASEPATH"].max_attachment_bytes
    file, description = request.files.get("file"), request.form.get("description", "")
    try:
        attachments.add_attachment(session, case_id, me(), file.filename if file else None,
                                   file.stream.read(limit + 1) if file else b"", description, max_bytes=limit,
                                   clock=service_clock())
        flash(_("Bilaget er gemt."), "success")
        return redirect(url_for("cases.show", case_id=case_id, _anchor=ANCHOR))
    except InvalidInput as exc:
        session.rollback()
        problems = translated(problems_of(exc))
    return render_case(case_id, record=RecordForms(upload=(description, problems)), status=422)


@bp.get("/<uuid:case_id>/bilag/<uuid:attachment_id>")
@login_required
def download(case_id: UUID, attachment_id: UUID) -> ResponseReturnValue:
    """An attachment's file as a download; the case's content, logged as read_attachment."""
    session, user = get_session(), me()
    row, access = attachments.get_attachment(session, case_id, attachment_id, user, service_clock())
    response = attachment_response(row)
    log_access(session, case_id, user, READ_ATTACHMENT, channel="ui", purpose=access.purpose, reason=access.reason)
    return response


@bp.get("/<uuid:case_id>/eksport.pdf")
@login_required
def export(case_id: UUID) -> ResponseReturnValue:
    """The case file as PDF (the case's content), logged as an export with its purpose."""
    session, user = get_session(), me()
    case, access = check_export(session, case_id, user, now())
    pdf = export_document(case_id, user)
    log_access(session, case_id, user, EXPORT, channel="ui", purpose=access.purpose, reason=access.reason)
    return pdf_response(pdf, export_filename(case.reference))
