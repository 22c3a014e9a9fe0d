"""Accounts: administrators deactivate leavers, move people between groups and revoke tokens;
everyone can see and revoke their own tokens."""

from __future__ import annotations

from uuid import UUID

from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.users import accounts
from engine.users.models import User
from engine.users.permissions import require_admin
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.me import StrictBoolean
from webui.api.schemas import LocalDateTime
from webui.database import get_session

GROUP_KEY = fields.String(validate=validate.Regexp(accounts.GROUP_KEY_PATTERN,
                                                   error="A group key is 1-64 of a-z, 0-9, - and _."))


class AccountSchema(Schema):
    """A user as administrators see it."""

    id = fields.UUID()
    username = fields.String()
    email = fields.String()
    active = fields.Boolean()
    groups = fields.Function(lambda user: sorted(user.group_keys))


class AccountUpdateSchema(Schema):
    """Body of PATCH /admin/users/{id}: access on or off, groups to join and to leave."""

    active = StrictBoolean()
    add_groups = fields.List(GROUP_KEY, load_default=list, validate=validate.Length(max=20))
    remove_groups = fields.List(GROUP_KEY, load_default=list, validate=validate.Length(max=20))

    @validates_schema
    def _asks_for_a_change(self, data: dict, **_kwargs: object) -> None:
        if "active" not in data and not data["add_groups"] and not data["remove_groups"]:
            raise ValidationError("give active, add_groups or remove_groups")


class TokenSchema(Schema):
    """A token by its first characters; the token itself is never shown again."""

    prefix = fields.String()
    created_at = LocalDateTime()
    revoked_at = LocalDateTime()
    expires_at = LocalDateTime(metadata={"description": "null: works until revoked"})
    last_used_at = LocalDateTime(metadata={"description": "to the minute; null: never used"})


_account = AccountSchema()
_tokens = TokenSchema(many=True)


def _admin_target(user_id: UUID) -> User:
    require_admin(current_user(), "administer accounts")
    return accounts.user_by_id(get_session(), user_id)


@bp.get("/admin/users")
@token_required
def list_accounts() -> ResponseReturnValue:
    """Every user with access state and groups; administrators only."""
    return {"items": _account.dump(accounts.list_users(get_session(), current_user()), many=True)}


@bp.patch("/admin/users/<uuid:user_id>")
@token_required
def update_account(user_id: UUID) -> ResponseReturnValue:
    """Deactivate or activate a user and change their groups; held tasks go back to their groups."""
    target = _admin_target(user_id)  # who may not learns nothing of the body's rules
    body = AccountUpdateSchema().load(json_body())
    change = accounts.update_account(get_session(), target, active=body.get("active"),
                                     add=body["add_groups"], remove=body["remove_groups"], actor=current_user())
    return dict(_account.dump(change.user), released_tasks=change.released_tasks)


@bp.get("/admin/users/<uuid:user_id>/tokens")
@token_required
def list_account_tokens(user_id: UUID) -> ResponseReturnValue:
    """A user's tokens; administrators only."""
    return {"items": _tokens.dump(accounts.list_tokens(get_session(), _admin_target(user_id)))}


@bp.delete("/admin/users/<uuid:user_id>/tokens")
@token_required
def revoke_account_tokens(user_id: UUID) -> ResponseReturnValue:
    """Revoke every token of a user; administrators only."""
    return {"revoked": accounts.revoke_tokens(get_session(), _admin_target(user_id))}


@bp.get("/me/tokens")
@token_required
def list_my_tokens() -> ResponseReturnValue:
    """The signed-in user's own tokens."""
    return {"items": _tokens.dump(accounts.list_tokens(get_session(), current_user()))}


@bp.delete("/me/tokens/<string:prefix>")
@token_required
def revoke_my_token(prefix: str) -> ResponseReturnValue:
    """Revoke one of the signed-in user's own tokens by its first characters (as listed)."""
    return {"revoked": accounts.revoke_tokens(get_session(), current_user(), prefix)}
