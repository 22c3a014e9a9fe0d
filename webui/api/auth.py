"""Bearer-token authentication for the API: one statement per request, built once.

Every API request starts here, so the token, its user and the user's groups are read with one Core
SELECT and the user is handed to the views as an ORM object built from that row (attached to the
request's session as if loaded, so views may change it), instead of an ORM query with joined
eager loads. The rules are engine.users.service.user_for_token's (tests/api/test_auth_lookup.py
holds the two to the same answers): an unrevoked, unexpired token of an active user, its last use
written at most once per LAST_USED_RESOLUTION.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import wraps
from typing import Any

from flask import g, request
from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session, configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from engine.users.models import ApiToken, Group, User, user_groups
from engine.users.service import LAST_USED_RESOLUTION, TOKEN_PREFIX, hash_token
from webui import clock
from webui.database import get_session

_TOKENS, _USERS, _GROUPS = ApiToken.__table__, User.__table__, Group.__table__
_USER_COLUMNS = tuple(column.key for column in _USERS.columns)
_LOOKUP = (
    select(_TOKENS.c.id.label("token_id"), _TOKENS.c.expires_at.label("token_expires_at"),
           _TOKENS.c.last_used_at.label("token_last_used_at"), *_USERS.columns,
           _GROUPS.c.id.label("group_id"), _GROUPS.c.key.label("group_key"), _GROUPS.c.name.label("group_name"))
    .select_from(_TOKENS.join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
                 .outerjoin(user_groups, user_groups.c.user_id == _USERS.c.id)
                 .outerjoin(_GROUPS, _GROUPS.c.id == user_groups.c.group_id))
    .where(_TOKENS.c.token_hash == bindparam("token_hash"), _TOKENS.c.revoked_at.is_(None), _USERS.c.active)
)
_TOUCH = update(_TOKENS).where(_TOKENS.c.id == bindparam("token_id")).values(last_used_at=bindparam("now"))


class Unauthorized(Exception):
    """No valid bearer token."""


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require `Authorization: Bearer <token>`; the user is then `g.user`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        # The service clock decides whether a token has expired, as it decides every other date.
        user = user_by_token(get_session(), token.strip(), clock.now()) if scheme.lower() == "bearer" else None
        if user is None:
            raise Unauthorized()
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def current_user() -> User:
    """The authenticated user of this request."""
    return g.user


def user_by_token(session: Session, token: str, now: datetime) -> User | None:
    """The active user owning an unrevoked, unexpired `token` as of `now`, or None; records the
    token's last use (to the minute; commits when it writes)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    rows = session.connection().execute(_LOOKUP, {"token_hash": hash_token(token)}).all()
    if not rows or (rows[0].token_expires_at is not None and rows[0].token_expires_at <= now):
        return None
    last_used = rows[0].token_last_used_at
    if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
        session.connection().execute(_TOUCH, {"token_id": rows[0].token_id, "now": now})
        session.commit()
    return _attached_user(session, rows)


def _attached_user(session: Session, rows: Sequence[Row]) -> User:
    """The user (and groups) of the lookup's rows as ORM objects in `session`, as if loaded by a query:
    their values set as loaded (no change history, no attribute events), then attached."""
    configure_mappers()  # a fresh process's first request may come before any query configured them
    groups = [_loaded(Group, {"id": row.group_id, "key": row.group_key, "name": row.group_name})
              for row in rows if row.group_id]
    user = _loaded(User, {key: getattr(rows[0], key) for key in _USER_COLUMNS})
    set_committed_value(user, "groups", groups)
    for instance in (*groups, user):
        make_transient_to_detached(instance)
        session.add(instance)
    return user


def _loaded(cls: type, values: dict[str, Any]) -> Any:
    instance = cls.__mapper__.class_manager.new_instance()  # type: ignore[attr-defined]
    instance_state(instance).dict.update(values)  # what a query's loader does with a row
    return instance
