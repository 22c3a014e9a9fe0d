"""Domain errors raised by services; the web layer maps each to one HTTP status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a stable machine-readable `code`, a message and optional details."""

    code = "error"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(DomainError):
    """The thing asked for does not exist (or the user may not know that it does)."""

    code = "not_found"


class PermissionDenied(DomainError):
    """The user is known but not allowed to do this."""

    code = "forbidden"


class Conflict(DomainError):
    """The state changed underneath the request (task no longer ready, held by someone else)."""

    code = "conflict"


class InvalidInput(DomainError):
    """The input is well-formed but fails validation; `details` lists each problem."""

    code = "validation_failed"
