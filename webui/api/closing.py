"""Closing and reopening cases, and the list of closing reasons."""

from __future__ import annotations

from uuid import UUID

from flask import request
from flask.typing import ResponseReturnValue

from engine.cases import closing
from engine.errors import InvalidInput
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import case_for, dump_case, json_body
from webui.api.closing_schemas import CloseCaseSchema, ClosingReasonSchema, ReopenCaseSchema
from webui.clock import service_clock
from webui.database import get_session


@bp.get("/closing-reasons")
@token_required
def closing_reasons() -> ResponseReturnValue:
    """The active closing reasons, in their order."""
    return {"items": ClosingReasonSchema().dump(closing.closing_reasons(get_session()), many=True)}


@bp.post("/cases/<uuid:case_id>/close")
@token_required
def close_case(case_id: UUID) -> ResponseReturnValue:
    """Close an open case with a reason (its owner or a team lead)."""
    case_for(case_id, "manages")  # who may not learns nothing of the body's rules
    body = CloseCaseSchema().load(json_body())
    case = closing.close_case(get_session(), case_id, current_user(), body["reason"], body["note"],
                              body["receiving_municipality"], service_clock())
    return dump_case(case, [])


@bp.post("/cases/<uuid:case_id>/reopen")
@token_required
def reopen_case(case_id: UUID) -> ResponseReturnValue:
    """Open a new case continuing a closed one (team leads); the body's `data` or the old start data."""
    case_for(case_id, "supervises")
    raw = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(raw, dict):
        raise InvalidInput("the request body must be a JSON object")
    body = ReopenCaseSchema().load(raw)
    opened = closing.reopen_case(get_session(), case_id, current_user(), body["data"], service_clock())
    return dump_case(opened.case, opened.tasks), 201
