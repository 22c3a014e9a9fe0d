"""The task page's carried-forward values: the case's answers so far, then the user's own draft.

A form opens with the case's current values of its fields (engine.tasks.prefill) and, over them,
what the user typed and did not submit (engine.tasks.draft_service). The page's script
(static/js/drafts.js) saves the fields the user changed to `PUT /opgaver/<id>/kladde`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from flask import request
from flask_babel import format_time
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine.cases.need_to_know import Access
from engine.errors import InvalidInput
from engine.tasks import draft_service, drafts
from engine.tasks.models import Task
from engine.tasks.prefill import initial_values
from engine.users.models import User
from webui.clock import service_clock
from webui.database import get_session
from webui.ui.auth import me
from webui.ui.filters import local_datetime

# A body twice the draft limit cannot hold a draft that fits (escapes aside): refused unread.
MAX_BODY_BYTES = 2 * draft_service.MAX_DRAFT_BYTES


@dataclass
class Opening:
    """What a task form opens with: values, the keys the draft holds, and what the page says about them."""

    values: dict[str, Any] = field(default_factory=dict)
    draft_keys: list[str] = field(default_factory=list)
    draft_saved_at: datetime | None = None
    prefilled: bool = False

    @property
    def draft_saved(self) -> str:
        """When the restored draft was saved, for the page."""
        return local_datetime(self.draft_saved_at) if self.draft_saved_at else ""


def opening(session: Session, task: Task, access: Access, user: User, form: dict[str, Any] | None) -> Opening:
    """The case's answers for the form's fields, with the user's own draft over them."""
    carried = initial_values(session, task, form, access)
    draft = drafts.own_draft(session, task.id, user.id)
    data = dict(draft.data) if draft is not None else {}
    return Opening({**carried, **data}, sorted(data), draft.saved_at if draft else None,
                   prefilled=bool(set(carried) - set(data)))


def save(task_id: UUID) -> dict[str, Any]:
    """PUT /opgaver/<id>/kladde `{"data": {...}}`: replace the user's draft; `{"saved_at": "HH:MM"}`."""
    session, user = get_session(), me()
    draft_service.workable_task(session, task_id, user, service_clock()())  # who may not learns no body rules
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise InvalidInput("the draft is too large", [{"field": "data", "message": _("Kladden er for stor.")}])
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"data"}:
        raise InvalidInput('the body must be {"data": {...}}', [{"field": "_body", "message": _("Ugyldig værdi.")}])
    draft = draft_service.save_draft(session, task_id, user, body["data"], service_clock())
    return {"saved_at": format_time(draft.saved_at, "HH:mm")}
