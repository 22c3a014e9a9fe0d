"""Optional engine parts (consent, directory), imported lazily so pages work without them.

Each helper returns None (or an empty list) when its engine package is missing or older than the
function it needs; the templates then hide that section.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engine.users.models import User

SAFE_CONTACT_FLAGS = ("ask_if_alone", "no_letters_home", "no_voicemail", "interpreter_phone_only",
                      "interpreter_not_same_community")


def _service(name: str, *functions: str) -> ModuleType | None:
    try:
        module = importlib.import_module(f"engine.{name}.service")
    except ImportError:
        return None
    return module if all(hasattr(module, f) for f in functions) else None


def consent_service() -> ModuleType | None:
    """engine.consent.service when it offers what the case page uses."""
    return _service("consent", "list_consents", "record_consent", "withdraw_consent", "list_disclosures",
                    "get_safe_contact", "set_safe_contact")


def preferences_service() -> Callable[..., Any] | None:
    """engine.notifications.preferences.update_preferences (a user's own mail settings), if there."""
    try:
        module = importlib.import_module("engine.notifications.preferences")
    except ImportError:
        return None
    return getattr(module, "update_preferences", None)


def safe_contact(session: Session, case_id: UUID) -> Any | None:
    """The case's safe-contact instructions, or None (none recorded, or no consent engine)."""
    service = _service("consent", "get_safe_contact")
    return service.get_safe_contact(session, case_id) if service else None


def safe_contact_flags(contact: Any | None) -> list[str]:
    """The flags that are set on a SafeContact, in display order."""
    return [flag for flag in SAFE_CONTACT_FLAGS if contact is not None and getattr(contact, flag, False)]


def directory_entries(session: Session, kind: str, region: str | None) -> list[Any]:
    """Directory entries of `kind` for the municipality's region (and national ones)."""
    service = _service("directory", "list_entries")
    return list(service.list_entries(session, kind=kind, region=region or None)) if service else []


def case_consents(session: Session, case_id: UUID, user: User) -> tuple[list[Any], list[Any]] | None:
    """(consents, disclosures) of a case, or None without the consent engine."""
    service = consent_service()
    if service is None:
        return None
    return service.list_consents(session, case_id, user), service.list_disclosures(session, case_id, user)


def legal_exceptions(session: Session) -> list[Any]:
    """The active legal exceptions for sharing without consent."""
    service = _service("consent", "legal_exceptions")
    return list(service.legal_exceptions(session)) if service else []


def with_disclosure_choices(
    schema: Mapping[str, Any], consents: list[Any], exceptions: list[Any], recipient_kind: str
) -> dict[str, Any]:
    """A sharing task's form with `disclosure_consent_id` / `disclosure_exception` as choice lists.

    The shipped forms may declare them as text fields; a caseworker should pick a consent that is on
    file and covers the recipient (or a legal exception) instead of typing an id.
    """
    usable = [c for c in consents if c.recipient_kind == recipient_kind and c.withdrawn_at is None]
    choices = {
        "disclosure_consent_id": [{"label": f"{c.given_at:%d.%m.%Y} – {c.scope[:80]}", "value": str(c.id)}
                                  for c in usable],
        "disclosure_exception": [{"label": f"{e.name} ({e.law_reference})" if e.law_reference else e.name,
                                  "value": e.key} for e in exceptions],
    }

    def rewrite(component: Mapping[str, Any]) -> dict[str, Any]:
        copy = dict(component)
        if copy.get("type") == "group":
            copy["components"] = [rewrite(c) for c in copy.get("components") or [] if isinstance(c, dict)]
        elif copy.get("key") in choices and copy.get("type") in ("textfield", "select") and not copy.get("values"):
            copy["type"], copy["values"] = "select", choices[copy["key"]]
        return copy

    return {**schema, "components": [rewrite(c) for c in schema.get("components") or [] if isinstance(c, dict)]}
