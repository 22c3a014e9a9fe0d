"""Who may administer: one check for every service that only administrators may use."""

from __future__ import annotations

from engine.errors import PermissionDenied
from engine.users.models import User

ADMIN_GROUP = "admin"


def require_admin(actor: User | None, action: str) -> None:
    """Refuse `action` ("change the directory", ...) unless `actor` is an administrator.

    `actor` None is an operator at the command line or the system itself, which may.
    """
    if actor is not None and not actor.in_any(ADMIN_GROUP):
        raise PermissionDenied(f"only administrators may {action}")
