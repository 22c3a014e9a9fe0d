"""Bearer-token authentication for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from engine.users.models import User
from engine.users.service import user_for_token
from webui.database import get_session


class Unauthorized(Exception):
    """No valid bearer token."""


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require `Authorization: Bearer <token>`; the user is then `g.user`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = user_for_token(get_session(), token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise Unauthorized()
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def current_user() -> User:
    """The authenticated user of this request."""
    return g.user
