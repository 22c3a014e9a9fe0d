"""The recipient picker of sharing tasks: the case's involved persons as a choice, threats disabled.

A caseworker who shares with or contacts a family member picks them from the case's persons instead
of typing a name (`disclosure_recipient_person_id`, which threat_gate checks). The choice is injected
into the task's form per case, as the owner choices of "Fordel sag" are (engine.cases.owner): where the
form declares the field it becomes the list, else it is put before `disclosure_recipient_name` (or at
the end). A person flagged as threat stays in the list, marked and disabled, so the page shows why they
cannot be picked; a threat posted anyway fails validation with threat_gate's Danish refusal. A case
without involved persons gets no picker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engine.consent.sharing import possible_recipients
from engine.persons.links import RELATION_LABELS, persons_of_case
from engine.persons.models import INVOLVED
from engine.persons.threat_gate import PERSON_FIELD, threat_problems

NAME_FIELD = "disclosure_recipient_name"


@dataclass(frozen=True)
class PickerTexts:
    """The picker's words; the UI passes them translated."""

    label: str = "Modtager fra sagens personer"
    description: str = "Valgfrit. En person markeret som trussel kan ikke vælges."
    threat: str = "Trussel – må ikke kontaktes"
    relations: Mapping[str, str] | None = None


def recipient_choices(session: Session, case_id: UUID, texts: PickerTexts = PickerTexts()) -> list[dict[str, Any]]:
    """The case's involved persons as select values; a threat is marked and `disabled`."""
    relations = texts.relations or RELATION_LABELS
    values = []
    for linked in persons_of_case(session, case_id):
        if linked.link.role != INVOLVED:
            continue
        relation = str(relations.get(linked.link.relation, "") or "")
        label = f"{linked.person.label} ({relation})" if relation else linked.person.label
        threat = bool(linked.link.threat)
        values.append({"label": f"{label} – {texts.threat}" if threat else label,
                       "value": str(linked.person.id), "disabled": threat, "threat": threat})
    return values


def with_recipient_choices(session: Session, schema: dict[str, Any], properties: Mapping[str, Any],
                           case_id: UUID, texts: PickerTexts = PickerTexts()) -> dict[str, Any]:
    """The sharing task's form with the optional picker of the case's persons (unchanged otherwise)."""
    if not possible_recipients(properties):
        return schema
    values = recipient_choices(session, case_id, texts)
    if not values:
        return schema
    picker = {"type": "select", "key": PERSON_FIELD, "id": "Field_recipient_person", "label": texts.label,
              "description": texts.description, "values": values}
    components = [dict(c) for c in schema.get("components") or [] if isinstance(c, dict)]
    if not _replace(components, picker) and not _insert_before_name(components, picker):
        components.append(picker)
    return {**schema, "components": components}


def _replace(components: list[dict[str, Any]], picker: dict[str, Any]) -> bool:
    """Turn the form's own picker field into the list (in place); False when the form has none."""
    for index, component in enumerate(components):
        if component.get("type") == "group":
            inner = [dict(c) for c in component.get("components") or [] if isinstance(c, dict)]
            if _replace(inner, picker):
                components[index] = {**component, "components": inner}
                return True
        elif component.get("key") == PERSON_FIELD and component.get("type") in ("textfield", "select"):
            own = {k: component[k] for k in ("id", "label", "description") if component.get(k)}  # the form's words win
            components[index] = {**component, **picker, **own}
            return True
    return False


def _insert_before_name(components: list[dict[str, Any]], picker: dict[str, Any]) -> bool:
    for index, component in enumerate(components):
        if component.get("key") == NAME_FIELD:
            components.insert(index, picker)
            return True
        if component.get("type") == "group":
            inner = [dict(c) for c in component.get("components") or [] if isinstance(c, dict)]
            if _insert_before_name(inner, picker):
                components[index] = {**component, "components": inner}
                return True
    return False


def picked_threat_problems(session: Session, case_id: UUID, data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The refusal when the picker names a person flagged as threat on the case (whatever else is shared)."""
    picked = str(data.get(PERSON_FIELD) or "").strip()
    if not picked:  # most completions: no query
        return []
    return threat_problems(session, case_id, {PERSON_FIELD: picked})
