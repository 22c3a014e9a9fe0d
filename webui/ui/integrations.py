"""Engine reads the UI pages combine: consents, safe contact, directory, legal exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.consent import service as consent_service
from engine.consent.sharing import with_exception_choices
from engine.directory import service as directory_service
from engine.forms.formjs import map_components
from engine.users.models import User
from webui.ui.filters import local_date

SAFE_CONTACT_FLAGS = ("ask_if_alone", "no_letters_home", "no_voicemail", "interpreter_phone_only",
                      "interpreter_not_same_community")


def safe_contact(session: Session, case_id: UUID) -> Any | None:
    """The case's safe-contact instructions, or None when none were recorded."""
    return consent_service.get_safe_contact(session, case_id)


def safe_contact_flags(contact: Any | None) -> list[str]:
    """The flags that are set on a SafeContact, in display order."""
    return [flag for flag in SAFE_CONTACT_FLAGS if contact is not None and getattr(contact, flag, False)]


def directory_entries(session: Session, kind: str, region: str | None) -> list[Any]:
    """Directory entries of `kind` for the municipality's region (and national ones)."""
    return directory_service.list_entries(session, kind=kind, region=region or None)


def case_consents(session: Session, case_id: UUID, user: User, clock: Clock) -> tuple[list[Any], list[Any]]:
    """(consents, disclosures) of a case whose content the user may read."""
    consents = consent_service.list_consents(session, case_id, user, clock)
    return consents, consent_service.list_disclosures(session, case_id, user, clock)


def legal_exceptions(session: Session) -> list[Any]:
    """The active legal exceptions for sharing without consent."""
    return consent_service.legal_exceptions(session)


def with_disclosure_choices(
    schema: Mapping[str, Any], consents: list[Any], exceptions: list[Any], recipient_kinds: list[str]
) -> dict[str, Any]:
    """A sharing task's form with `disclosure_consent_id` / `disclosure_exception` as choice lists.

    The shipped forms declare the consent as a text field; a caseworker picks a consent that is on
    file and covers a recipient of the task instead of typing an id. The legal bases are the
    maintained list's active ones (the server checks against the same list).
    """
    usable = [c for c in consents if c.recipient_kind in recipient_kinds and c.withdrawn_at is None]
    choices = [{"label": f"{local_date(c.given_at)} – {c.scope[:80]}", "value": str(c.id)} for c in usable]

    def change(component: dict[str, Any]) -> dict[str, Any]:
        if component.get("key") == "disclosure_consent_id" and component.get("type") in ("textfield", "select") \
                and not component.get("values"):
            component.update(type="select", values=choices)
        return component

    consent_choices = map_components(schema, change)
    return with_exception_choices(consent_choices, exceptions)
