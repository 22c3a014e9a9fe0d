"""The case file as a PDF document: the HTML (templates/case_export.html), printed by the engine.

Used by GET /api/v1/cases/{id}/export.pdf and the case page's "Eksportér sagen (PDF)"; both check
the access rule and log the export themselves. The document is always in Danish, whatever the
user's language: it goes into the municipality's records system. It holds the header (process,
status, dates, owner, members), the deadlines met or missed, and the whole record oldest first
(every task's answers with its form, consents, disclosures, notes, attachments), with page
numbers and the export's date and user in the page margins.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from engine.cases.export import pdf_from_html
from engine.cases.members import case_members
from engine.cases.models import ClosingReason
from engine.cases.record import NOTE, case_record, corrections
from engine.deadlines.rules import list_rules
from engine.users.models import User
from webui.clock import now
from webui.database import get_session
from webui.ui.queries import case_deadlines, case_tasks
from webui.ui.recipient_picker import person_labels
from webui.ui.record_context import answers_of, consent_labels, file_info


def export_context(session: Session, case_id: UUID, user: User) -> dict[str, Any]:
    """What templates/case_export.html shows (the access rule is asked again by case_record)."""
    moment = now()
    record = case_record(session, case_id, user, moment)
    case = record.case
    reason = session.get(ClosingReason, case.closing_reason) if case.closing_reason else None
    return {
        "case": case, "exported_at": moment, "user": user, "closing_reason": reason,
        "members": [(member, person) for member, person in case_members(session, case_id)],
        "deadlines": case_deadlines(session, case_tasks(session, case_id), case_id, moment),
        "rules": {rule.key: rule for rule in list_rules(session)},
        "record_items": record.items, "record_answers": answers_of(
            record.items, consent_labels(record.items), person_labels(session, case_id)),
        "record_corrections": corrections(record.items),
        "record_notes": {i.row.id: i.row for i in record.items if i.kind == NOTE}, "file_info": file_info,
    }


def export_document(case_id: UUID, user: User) -> bytes:
    """The case file of `case_id` as PDF bytes, in Danish."""
    with force_locale("da"):
        html = render_template("case_export.html", **export_context(get_session(), case_id, user))
    return pdf_from_html(html)
