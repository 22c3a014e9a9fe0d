"""Sharing tasks refuse a recipient who is flagged as a threat on the case.

The person the citizen is at risk from must never be contacted or informed. A sharing task names its
recipient in free text (`disclosure_recipient_name`, see engine.consent.service); it is matched to the
case's threat persons by name: case and spacing do not count, and the threat's full name anywhere in
the text matches as whole words ("Ahmed Hassan (far)" is Ahmed Hassan). A form may also name the
recipient by picking a person of the case (`disclosure_recipient_person_id`): a threat is refused
whatever the name. Called once, from the completion of a sharing task (engine.tasks.completion).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.persons.models import CasePerson, Person

NAME_FIELDS = ("disclosure_recipient_name",)
PERSON_FIELD = "disclosure_recipient_person_id"
REFUSAL = ("Modtageren er registreret som trussel i sagen og må ikke kontaktes eller have oplysninger. "
           "Vælg en anden modtager.")


def _words(text: str) -> str:
    """Lower-case words separated by one space, for whole-word matching."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def names_threat(text: str, threat_names: list[str]) -> bool:
    """True when `text` names one of `threat_names` (whole words, case-insensitive)."""
    padded = f" {_words(text)} "
    return any(_words(name) and f" {_words(name)} " in padded for name in threat_names)


def _threats(session: Session, case_id: UUID) -> list[Person]:
    return list(session.scalars(select(Person).join(CasePerson, CasePerson.person_id == Person.id)
                                .where(CasePerson.case_id == case_id, CasePerson.threat.is_(True))))


def threat_problems(session: Session, case_id: UUID, data: Mapping[str, Any]) -> list[dict[str, str]]:
    """One problem per recipient field of `data` that names or picks a threat person of the case."""
    threats = _threats(session, case_id)
    if not threats:
        return []
    names = [p.name for p in threats if p.name]
    problems = [{"field": field, "message": REFUSAL} for field in NAME_FIELDS
                if names_threat(str(data.get(field) or ""), names)]
    picked = str(data.get(PERSON_FIELD) or "").strip()
    if picked and picked in {str(p.id) for p in threats}:
        problems.append({"field": PERSON_FIELD, "message": REFUSAL})
    return problems


def refuse_threat_recipients(session: Session, case_id: UUID, data: Mapping[str, Any]) -> None:
    """InvalidInput (422, a Danish form error per field) when the recipient is a threat on the case."""
    problems = threat_problems(session, case_id, data)
    if problems:
        raise InvalidInput("the recipient is flagged as a threat on the case", problems)
