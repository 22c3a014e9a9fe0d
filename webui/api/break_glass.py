"""Break the glass: emergency access to a case for someone outside the access rule (docs/break_glass.md)."""

from __future__ import annotations

from uuid import UUID

from flask import current_app, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields

from engine.cases.break_glass import break_glass
from engine.errors import InvalidInput
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.schemas import LocalDateTime
from webui.clock import service_clock
from webui.database import get_session


class BreakGlassSchema(Schema):
    """Body of POST /cases/{id}/break-glass: why you must open the case now (10-2000 characters)."""

    reason = fields.String(required=True, metadata={"description": "10 to 2000 characters after stripping blanks; "
                                                                   "kept in the access log, never in mails"})


class BreakGlassResultSchema(Schema):
    """The emergency access given."""

    case_id = fields.UUID()
    reference = fields.String()
    expires_at = LocalDateTime()


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


@bp.post("/cases/<uuid:case_id>/break-glass")
@token_required
def break_the_glass(case_id: UUID) -> ResponseReturnValue:
    """Open any existing case for a limited time with a stated reason; logged, and the team leads are told."""
    body = BreakGlassSchema().load(_json_object())
    given = break_glass(get_session(), case_id, current_user(), body["reason"], channel="api",
                        settings=current_app.config["CASEPATH"], clock=service_clock())
    return BreakGlassResultSchema().dump(given), 201
