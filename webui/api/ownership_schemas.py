"""Schemas of the case owner and the case members."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.cases.models import MEMBER_ROLES
from webui.api.input_guard import SafeDate


class OwnerSchema(Schema):
    """Body of POST /cases/{id}/owner."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))


class MemberCreateSchema(Schema):
    """Body of POST /cases/{id}/members: who, in which role, until which day (inclusive)."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    role = fields.String(required=True, validate=validate.OneOf(MEMBER_ROLES))
    until = SafeDate(load_default=None, allow_none=True)


class OwnerCandidateSchema(Schema):
    """A user who may own a case."""

    username = fields.String()
    name = fields.String(attribute="display_name")
