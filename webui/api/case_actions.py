"""Actions a caseworker starts on a case at any stage: "Akut fare", "Ny risikovurdering", a move.

The body is read leniently and checked by the service after the access rule (authorization before
body validation): someone unrelated to the case learns nothing from a 422 about the body.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request
from flask.typing import ResponseReturnValue

from engine.cases.acute import raise_acute
from engine.cases.moving import start_move
from engine.cases.reassessment import start_reassessment
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import dump_case
from webui.clock import service_clock
from webui.database import get_session


def _reason() -> Any:
    body = request.get_json(silent=True)
    return body.get("reason") if isinstance(body, dict) else None


@bp.post("/cases/<uuid:case_id>/acute")
@token_required
def report_acute(case_id: UUID) -> ResponseReturnValue:
    """Report acute danger (CaseAction body): the procedure's acute handling starts now (docs/diagrams.md)."""
    case, created = raise_acute(get_session(), case_id, current_user(), _reason(), service_clock())
    return dump_case(case, created)


@bp.post("/cases/<uuid:case_id>/risk-assessment")
@token_required
def new_risk_assessment(case_id: UUID) -> ResponseReturnValue:
    """Start a new risk assessment of the case (CaseAction body; docs/diagrams.md)."""
    case, created = start_reassessment(get_session(), case_id, current_user(), _reason(), service_clock())
    return dump_case(case, created)


@bp.post("/cases/<uuid:case_id>/move")
@token_required
def move_case(case_id: UUID) -> ResponseReturnValue:
    """Start the hand-over to another municipality (CaseAction body; docs/diagrams.md)."""
    case, created = start_move(get_session(), case_id, current_user(), _reason(), service_clock())
    return dump_case(case, created)
