"""A user's own draft of a task form: GET, PUT and DELETE /tasks/{id}/draft (engine.tasks.draft_service)."""

from __future__ import annotations

from uuid import UUID

from flask import request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields

from engine.cases.access import log_access
from engine.errors import InvalidInput
from engine.tasks import draft_service
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.schemas import local_iso
from webui.clock import service_clock
from webui.database import get_session

READ_DRAFT = "read_draft"
# The body is read only if it can hold a draft that fits: the envelope and JSON escapes aside, a
# body twice the limit is refused before it is parsed.
MAX_BODY_BYTES = 2 * draft_service.MAX_DRAFT_BYTES


class DraftSchema(Schema):
    """The body of PUT: `{"data": {...}}`, the form's values as the user left them."""

    data = fields.Dict(keys=fields.String(), required=True)


_draft = DraftSchema()


def draft_json(draft: draft_service.Draft) -> dict:
    """A draft as the API and the task page's script see it."""
    return {"data": draft.data, "saved_at": local_iso(draft.saved_at), "max_bytes": draft_service.MAX_DRAFT_BYTES}


def draft_body() -> dict:
    """The `{"data": {...}}` body of a draft; 422 when it is too large to be one or malformed."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise InvalidInput(f"the draft is larger than {draft_service.MAX_DRAFT_BYTES} bytes",
                           [{"field": "data", "message": "Kladden er for stor."}])
    return _draft.load(json_body())


@bp.get("/tasks/<uuid:task_id>/draft")
@token_required
def get_draft(task_id: UUID) -> ResponseReturnValue:
    """The caller's own draft of the task (`data` {} and `saved_at` null when none was saved)."""
    session, user = get_session(), current_user()
    draft, access = draft_service.read_draft(session, task_id, user, service_clock())
    if draft.saved_at is not None:  # what they typed about the case, read back: logged like the task
        log_access(session, draft.case_id, user, READ_DRAFT, purpose=access.purpose, reason=access.reason)
    return draft_json(draft)


@bp.put("/tasks/<uuid:task_id>/draft")
@token_required
def put_draft(task_id: UUID) -> ResponseReturnValue:
    """Replace the caller's draft of the task with `data`."""
    session, user = get_session(), current_user()
    draft_service.workable_task(session, task_id, user, service_clock()())  # who may not learns no body rules
    body = draft_body()
    return draft_json(draft_service.save_draft(session, task_id, user, body["data"], service_clock()))


@bp.delete("/tasks/<uuid:task_id>/draft")
@token_required
def delete_draft(task_id: UUID) -> ResponseReturnValue:
    """Drop the caller's draft of the task; 204."""
    draft_service.delete_draft(get_session(), task_id, current_user(), service_clock())
    return "", 204

