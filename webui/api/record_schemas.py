"""Request schemas of the case record's API and the JSON of its entries (webui.api.record)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields, validate

from engine.cases.record import ATTACHMENT, CONSENT, DISCLOSURE, NOTE, ORDERS, TASK, RecordItem, field_labels
from webui.api.schemas import local_iso


class RecordQuerySchema(Schema):
    """Query string of GET /cases/{id}/record."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    order = fields.String(load_default="oldest", validate=validate.OneOf(ORDERS))


class NoteCreateSchema(Schema):
    """Body of POST /cases/{id}/notes: the text (1-10,000 characters, checked by the engine in Danish)
    and, for a correction, the id of the note it corrects."""

    text = fields.String(required=True)
    corrects = fields.UUID(load_default=None, allow_none=True)


def answers(data: dict[str, Any] | None, form: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A task's submitted data with each field's label from its form, in the form's order (fields
    the form does not name last, under their key)."""
    if data is None:
        return []
    labels = field_labels(form)
    keys = [key for key in labels if key in data] + sorted(key for key in data if key not in labels)
    return [{"key": key, "label": labels.get(key, key), "value": data[key]} for key in keys]


def _task(item: RecordItem) -> dict[str, Any]:
    task = item.row
    return {"name": task.name, "bpmn_id": task.bpmn_id, "form_key": task.form_key, "data": item.data,
            "answers": answers(item.data, item.form)}


def _consent(item: RecordItem) -> dict[str, Any]:
    row = item.row
    return {"given_by": row.given_by, "giver_name": row.giver_name, "giver_capacity": row.giver_capacity,
            "recipient_kind": row.recipient_kind, "scope": row.scope,
            "purpose": row.purpose, "given_at": local_iso(row.given_at), "withdrawn_at": local_iso(row.withdrawn_at)}


def _disclosure(item: RecordItem) -> dict[str, Any]:
    row = item.row
    return {"task_id": str(row.task_id) if row.task_id else None, "recipient_kind": row.recipient_kind,
            "recipient_name": row.recipient_name, "summary": row.summary, "purpose": row.purpose,
            "consent_id": str(row.consent_id) if row.consent_id else None, "legal_exception": row.legal_exception,
            "justification": row.justification}


def note_json(note: Any, corrected_by: list[Any] | None = None) -> dict[str, Any]:
    """A journal note: its text, the note it corrects and the notes that correct it."""
    return {"text": note.text, "corrects": str(note.corrects_id) if note.corrects_id else None,
            "corrected_by": [str(n.id) for n in corrected_by or []]}


def attachment_json(row: Any) -> dict[str, Any]:
    """An attachment without its file; `download` is its API path (None once retention erased the file)."""
    erased = not row.filename  # retention blanks the name with the file; an upload always has one
    return {"filename": row.filename, "description": row.description, "content_type": row.content_type,
            "size": row.size, "sha256": row.sha256 or None,
            "download": None if erased else url_for("api.download_attachment", case_id=row.case_id,
                                                    attachment_id=row.id)}


def item_json(item: RecordItem, corrections: dict[Any, list[Any]]) -> dict[str, Any]:
    """One entry of the record: kind, id, when and by whom, and what the kind records."""
    body: dict[str, Any] = {"kind": item.kind, "id": str(item.row.id), "at": local_iso(item.at), "by": item.by}
    if item.kind == TASK:
        body.update(_task(item))
    elif item.kind == CONSENT:
        body.update(_consent(item))
    elif item.kind == DISCLOSURE:
        body.update(_disclosure(item))
    elif item.kind == NOTE:
        body.update(note_json(item.row, corrections.get(item.row.id)))
    elif item.kind == ATTACHMENT:
        body.update(attachment_json(item.row))
    return body
