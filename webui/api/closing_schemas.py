"""Schemas of closing and reopening, and the closing fields of a case (CaseSchema uses the functions).

This module does not import webui.api.schemas, so CaseSchema can import it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from engine.cases.closing import MUNICIPALITY_MAX, NOTE_MAX
from engine.cases.models import Case
from engine.users.models import User
from webui.database import get_session


class CloseCaseSchema(Schema):
    """Body of POST /cases/{id}/close."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=64))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=NOTE_MAX))
    receiving_municipality = fields.String(load_default=None, allow_none=True,
                                           validate=validate.Length(max=MUNICIPALITY_MAX))


class ReopenCaseSchema(Schema):
    """Body of POST /cases/{id}/reopen (optional): the new case's start data; default the old case's."""

    data = fields.Dict(keys=fields.String(), load_default=None, allow_none=True)


class ClosingReasonSchema(Schema):
    """A closing reason of the maintained list."""

    key = fields.String()
    name = fields.String()
    name_en = fields.String()
    needs_municipality = fields.Boolean()


def closed_by(case: Case) -> str | None:
    """The username of who closed the case."""
    user = get_session().get(User, case.closed_by_id) if case.closed_by_id else None
    return user.username if user else None


def reopened_from(case: Case) -> dict[str, Any] | None:
    """The case this one reopens: {id, reference}."""
    old = get_session().get(Case, case.reopened_from_id) if case.reopened_from_id else None
    return {"id": str(old.id), "reference": old.reference} if old else None


def reopened_as(case: Case) -> list[dict[str, Any]]:
    """The cases that reopen this one, oldest first: [{id, reference}]."""
    rows = get_session().execute(select(Case.id, Case.reference).where(Case.reopened_from_id == case.id)
                                 .order_by(Case.opened_at, Case.reference))
    return [{"id": str(case_id), "reference": reference} for case_id, reference in rows]
