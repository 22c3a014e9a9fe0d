"""The signed-in user's own settings: e-mail address, language and reminder digest."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError, fields, validate

from engine.notifications.preferences import update_preferences
from engine.notifications.rendering import LOCALES
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.database import get_session


class StrictBoolean(fields.Boolean):
    """JSON true or false only (not 1, "yes" or "true")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


class WholeNumber(fields.Integer):
    """A JSON integer only (not 8.0, "8" or true)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Must be a whole number.")
        return value


class MeSchema(Schema):
    """The signed-in user and their mail settings."""

    username = fields.String()
    email = fields.String()
    locale = fields.String()
    groups = fields.Function(lambda user: sorted(user.group_keys))
    reminder_digest = fields.Boolean()
    digest_hour = fields.Integer()


class MeUpdateSchema(Schema):
    """Body of PATCH /me: any subset of the user's own mail settings."""

    email = fields.Email(validate=validate.Length(max=254))
    locale = fields.String(validate=validate.OneOf(LOCALES))
    reminder_digest = StrictBoolean()
    digest_hour = WholeNumber(validate=validate.Range(min=0, max=23))


@bp.get("/me")
@token_required
def get_me() -> ResponseReturnValue:
    """The signed-in user's settings."""
    return MeSchema().dump(current_user())


@bp.patch("/me")
@token_required
def update_me() -> ResponseReturnValue:
    """Change the signed-in user's e-mail address, locale (da/en) or digest (on/off and hour 0-23)."""
    changes = MeUpdateSchema().load(json_body())
    return MeSchema().dump(update_preferences(get_session(), current_user(), changes))
