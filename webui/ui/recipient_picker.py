"""The task page's "Modtager fra sagens personer": the engine's picker (engine.persons.recipients) in the
user's language, offered with the consents to those who may read the case's content; and the picked
person by name in the case record's answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine.forms.formjs import components
from engine.persons.links import persons_of_case
from engine.persons.recipients import PickerTexts, with_recipient_choices
from engine.persons.threat_gate import PERSON_FIELD


def texts() -> PickerTexts:
    """The picker's words, translated."""
    from webui.ui.case_persons import RELATION_NAMES  # the case page's relation names

    return PickerTexts(label=_("Modtager fra sagens personer"),
                       description=_("Valgfrit. En person markeret som trussel kan ikke vælges."),
                       threat=_("Trussel – må ikke kontaktes"),
                       relations={key: str(name).lower() for key, name in RELATION_NAMES.items()})


def with_picker(session: Session, schema: dict[str, Any], properties: dict[str, str], case_id: UUID) -> dict[str, Any]:
    """The task form with the picker of the case's persons, where the task shares."""
    return with_recipient_choices(session, schema, properties, case_id, texts())


def person_labels(session: Session, case_id: UUID) -> dict[str, str]:
    """Person id → name (or pseudonym) of the case's persons, for the picked recipient in the record
    (its reader may read the case's content: checked by the caller)."""
    return {str(linked.person.id): linked.person.label for linked in persons_of_case(session, case_id)}


def answered_form(form: Mapping[str, Any] | None, data: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The task's form as the record shows its answers: with the picker's row when a person was picked
    (the form itself does not declare the picker, which the task page adds)."""
    schema = (form or {}).get("schema")
    if not isinstance(schema, dict) or not (data or {}).get(PERSON_FIELD):
        return form
    if any(component.get("key") == PERSON_FIELD for component in components(schema)):
        return form
    picker = {"type": "select", "key": PERSON_FIELD, "label": _("Modtager fra sagens personer"), "values": []}
    return {**form, "schema": {**schema, "components": [*(schema.get("components") or []), picker]}}
