"""Schemas of the case list: GET /api/v1/cases (query string) and POST /api/v1/cases/search (body)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.cases.search import NO_OWNER, PER_PAGE_MAX, SCOPES, SORTS, STATUSES, TEXT_MAX, CaseQuery
from engine.cases.summary import RISK_LEVELS
from webui.api.input_guard import SafeDate


class CaseListQuerySchema(Schema):
    """What a case list asks for; an unknown parameter or a bad value is a 422 naming it."""

    scope = fields.String(load_default="mine", validate=validate.OneOf(SCOPES))
    status = fields.String(load_default="open", validate=validate.OneOf(STATUSES))
    process_key = fields.String(load_default=None, validate=validate.Length(min=1, max=255))
    owner = fields.String(load_default=None, validate=validate.Length(min=1, max=64),
                          metadata={"description": f"a user name, or `{NO_OWNER}` for cases nobody owns yet"})
    risk_level = fields.String(load_default=None, validate=validate.OneOf(RISK_LEVELS))
    acute = fields.Boolean(load_default=None)
    overdue = fields.Boolean(load_default=False)
    opened_from = SafeDate(load_default=None)
    opened_to = SafeDate(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=TEXT_MAX),
                      metadata={"description": "any part of the reference, or free text in the searchable fields"})
    sort = fields.String(load_default="due", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=PER_PAGE_MAX))

    @validates_schema
    def _dates_in_order(self, data: dict, **_kwargs: object) -> None:
        if data.get("opened_from") and data.get("opened_to") and data["opened_to"] < data["opened_from"]:
            raise ValidationError("must not be before opened_from", "opened_to")


def to_query(loaded: dict) -> CaseQuery:
    """The engine's query from a loaded CaseListQuerySchema (the search term stripped)."""
    text = (loaded.pop("q") or "").strip() or None
    return CaseQuery(text=text, **loaded)


class CaseOwnerSchema(Schema):
    """A listed case's owner."""

    username = fields.String()
    name = fields.String()


class CaseListItemSchema(Schema):
    """A listed case: its header; `risk_level` and `acute` only where the access rule shows them
    (null otherwise); `access.content` says whether the user may read the case's content."""

    id = fields.UUID()
    reference = fields.String()
    process_key = fields.String()
    process_name = fields.String()
    process_version = fields.Integer()
    status = fields.String()
    opened_at = fields.String()
    closed_at = fields.String(allow_none=True)
    owner = fields.Nested(CaseOwnerSchema, allow_none=True)
    next_due_at = fields.String(allow_none=True)
    next_due_rule = fields.String(allow_none=True, metadata={"description": "the deadline rule of the task due then"})
    overdue = fields.Boolean()
    risk_level = fields.String(allow_none=True)
    acute = fields.Boolean(allow_none=True)
    access = fields.Dict()


class CaseListSchema(Schema):
    """One page of a case list."""

    items = fields.List(fields.Nested(CaseListItemSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
