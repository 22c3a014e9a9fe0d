"""The anonymised digest of a case: what a knowledge person sees for sparring."""

from __future__ import annotations

from uuid import UUID

from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields

from engine.cases.access import READ_DIGEST
from engine.cases.digest import case_digest
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import case_for
from webui.api.schemas import LocalDateTime
from webui.clock import service_clock
from webui.database import get_session


class DigestStepSchema(Schema):
    """A step of the case: its name, state and deadline."""

    name = fields.String()
    state = fields.String()
    due_at = LocalDateTime()
    ended_at = LocalDateTime()


class DigestSchema(Schema):
    """The digest: choices and yes/no answers, the course of the case; no free text, no names."""

    reference = fields.String()
    process_key = fields.String()
    status = fields.String()
    opened_at = LocalDateTime()
    answers = fields.List(fields.Dict())
    steps = fields.List(fields.Nested(DigestStepSchema))


@bp.get("/cases/<uuid:case_id>/digest")
@token_required
def case_digest_view(case_id: UUID) -> ResponseReturnValue:
    """The anonymised digest (knowledge persons, and everyone who may read the case)."""
    case_for(case_id, "digest", READ_DIGEST)
    return DigestSchema().dump(case_digest(get_session(), case_id, current_user(), service_clock()))
