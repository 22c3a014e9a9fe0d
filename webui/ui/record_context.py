"""What the case page's "Sagens akter" section (templates/_case_record.html) and the PDF export need.

The record comes from the engine (engine.cases.record, which asks the access rule for the case's
content); this module adds what only the web layer knows: each task's answers rendered read-only
with its form, the labels of the case's consents for a sharing task's consent field, the note and
upload forms (shown again with their errors after a refused post), the order and the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask import current_app, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import Session

from engine.cases.attachments import DOCX, JPEG, ODT, PDF, PNG, size_text
from engine.cases.models import Case
from engine.cases.notes import MAX_NOTE
from engine.cases.record import CONSENT, NOTE, TASK, RecordItem, case_record, corrections, page_of
from engine.persons.threat_gate import PERSON_FIELD
from webui.clock import now
from webui.ui.auth import me
from webui.ui.filters import local_date
from webui.ui.form_view import render_answers
from webui.ui.forms import render_form
from webui.ui.recipient_picker import answered_form, person_labels

PER_PAGE = 50
ORDER_ARG, PAGE_ARG = "akter", "akter_side"  # ?akter=nyeste&akter_side=2 on the case page


@dataclass
class RecordForms:
    """The record's forms as a refused post left them: values typed and {field: Danish message}."""

    note: tuple[dict[str, Any], dict[str, str]] | None = None
    correction: tuple[UUID, str, dict[str, str]] | None = None  # (note corrected, text typed, problems)
    upload: tuple[str, dict[str, str]] | None = None  # (description typed, problems)


def note_schema() -> dict[str, Any]:
    """The note field of the case page."""
    return {"type": "default", "id": "case-note", "components": [
        {"type": "textarea", "key": "note_text", "label": _("Nyt notat"), "validate": {"required": True,
                                                                                       "maxLength": MAX_NOTE},
         "description": _("Et notat kan ikke ændres eller slettes bagefter. En fejl rettes med et nyt notat, "
                          "der peger på det gamle.")}]}


def consent_labels(items: list[RecordItem]) -> dict[str, str]:
    """Consent id → `date – scope`, as the sharing task offered it, for the consent field of its answers."""
    return {str(i.row.id): f"{local_date(i.row.given_at)} – {i.row.scope[:80]}" for i in items if i.kind == CONSENT}


def answers_of(items: list[RecordItem], consents: dict[str, str],
               persons: dict[str, str] | None = None) -> dict[UUID, Markup]:
    """Task id → its answers, rendered read-only with its form (`consents`: from consent_labels;
    `persons`: recipient_picker.person_labels, for a recipient picked from the case's persons)."""
    choices = {"disclosure_consent_id": consents, PERSON_FIELD: persons or {}}
    return {i.row.id: render_answers(answered_form(i.form, i.data), i.data, choices) for i in items if i.kind == TASK}


FILE_KINDS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", DOCX: "DOCX", ODT: "ODT"}


def file_info(attachment: Any) -> str:
    """`PDF, 350 kB`, `DOCX, 1,2 MB`."""
    return f"{FILE_KINDS.get(attachment.content_type, attachment.content_type)}, {size_text(attachment.size)}"


def record_context(session: Session, case: Case, forms: RecordForms | None = None) -> dict[str, Any]:
    """The record section's context: entries of this page, answers, corrections, forms, paging."""
    forms = forms or RecordForms()
    record = case_record(session, case.id, me(), now())
    newest = request.args.get(ORDER_ARG) == "nyeste"
    items = record.items[::-1] if newest else record.items
    pages = max(1, -(-len(items) // PER_PAGE))
    page = min(max(request.args.get(PAGE_ARG, 1, type=int) or 1, 1), pages)
    shown = page_of(items, page, PER_PAGE)
    values, problems = forms.note or ({}, {})
    return {
        "record_items": shown, "record_total": len(items), "record_page": page, "record_pages": pages,
        "record_newest": newest, "record_answers": answers_of(shown, consent_labels(record.items),
                                                               person_labels(session, case.id)),
        "record_corrections": corrections(record.items),
        "record_notes": {i.row.id: i.row for i in record.items if i.kind == NOTE}, "file_info": file_info,
        "note_form": render_form(note_schema(), values, problems, tz=current_app.config["CASEPATH"].timezone),
        "note_failed": bool(problems), "correction": forms.correction, "upload": forms.upload,
        "attachment_limit": size_text(current_app.config["CASEPATH"].max_attachment_bytes),
    }
