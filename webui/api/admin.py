"""Administration: mails the outbox gave up on (or any other outbox state), for administrators."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from engine.notifications.models import FAILED, STATES
from engine.notifications.outbox import list_outbox
from engine.users.permissions import require_admin
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.schemas import LocalDateTime
from webui.database import get_session


class OutboxQuerySchema(Schema):
    """Query of GET /admin/outbox."""

    state = fields.String(load_default=FAILED, validate=validate.OneOf(STATES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class OutboxItemSchema(Schema):
    """One outbox row without its body: the subject holds no personal data, the body stays inside."""

    id = fields.UUID()
    message_id = fields.String()
    kind = fields.String()
    state = fields.String()
    recipient = fields.String()
    task_id = fields.UUID(allow_none=True)
    subject = fields.String(allow_none=True)
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = LocalDateTime()
    first_failed_at = LocalDateTime()
    next_attempt_at = LocalDateTime()
    sent_at = LocalDateTime()


_item = OutboxItemSchema()


@bp.get("/admin/outbox")
@token_required
def admin_outbox() -> ResponseReturnValue:
    """Outbox rows in a state (default `failed`), newest first; administrators only."""
    require_admin(current_user(), "read the outbox")
    query = OutboxQuerySchema().load(request.args.to_dict())
    page = list_outbox(get_session(), current_user(), query["state"], limit=query["per_page"],
                       offset=(query["page"] - 1) * query["per_page"])
    items = [dict(_item.dump(row), recipient=username) for row, username in page.items]
    return {"items": items, "page": query["page"], "per_page": query["per_page"], "total": page.total}
