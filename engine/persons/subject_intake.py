"""The subject of a new case, from the start form: registered or matched, linked, never in the case data.

The shipped start forms ask for the subject's name and, optionally, CPR number (`subject_name`,
`subject_cpr`). Opening the case (engine.cases.opening, through its INTAKE_STEPS) hands the start data
here before the workflow sees it: both fields are taken out, the person is matched by the CPR number's
keyed hash (engine.persons.service.find_by_cpr) or registered (anonymous, with a pseudonym, when both
are empty), and only `subject_person_id` stays in the data. Once the case is written the person is
linked as its subject and signals to other units are looked for (engine.persons.signals), all in the
opening's transaction. A start form without these fields registers nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from engine.cases import events
from engine.errors import InvalidInput
from engine.persons import cpr as cpr_numbers
from engine.persons.access_log import CREATE_PERSON, LOOKUP, log_person_access
from engine.persons.links import PERSON_LINKED
from engine.persons.models import NO_RELATION, SUBJECT, CasePerson, Person
from engine.persons.service import find_by_cpr, new_pseudonym
from engine.persons.signals import find_signals
from engine.users.models import User

NAME, CPR, PERSON_ID = "subject_name", "subject_cpr", "subject_person_id"
MATCH_PURPOSE = "Sagsoprettelse: sagens person fundet på CPR-nummer"
BAD_CPR = "Skriv CPR-nummeret som DDMMÅÅ-XXXX; de første seks cifre skal være en dato."


def _digits(text: str) -> tuple[str, Any] | None:
    if not text:
        return None
    try:
        return cpr_numbers.parse(text)
    except InvalidInput as exc:
        raise InvalidInput("the subject's CPR number is not valid",
                           [{"field": f"data.{CPR}", "message": BAD_CPR}]) from exc


def _person(session: Any, name: str, number: tuple[str, Any] | None, actor: User | None,
            now: datetime) -> tuple[Person, str]:
    """The matched or newly registered person, and the log kind of how they were found."""
    found = find_by_cpr(session, number[0]) if number else None
    if found is not None:
        if name and not found.name:  # the first name given for a person known only by number
            found.name, found.updated_at = name, now
        return found, LOOKUP
    person = Person(pseudonym=new_pseudonym(session), name=name or None, created_at=now, updated_at=now,
                    created_by_id=actor.id if actor else None)
    if number:
        person.set_cpr(number[0])
        person.date_of_birth = number[1]
    session.add(person)
    session.flush()
    return person, CREATE_PERSON


def intake(session: Any, data: dict[str, Any], actor: User | None,
           now: datetime) -> tuple[dict[str, Any], Callable[[UUID], None]]:
    """(the start data without name and CPR number, what to do once the case is written)."""
    if NAME not in data and CPR not in data:
        return data, lambda case_id: None
    data = dict(data)
    name = str(data.pop(NAME, None) or "").strip()[:200]
    number = _digits(str(data.pop(CPR, None) or "").strip())
    person, kind = _person(session, name, number, actor, now)
    data[PERSON_ID] = str(person.id)

    def link(case_id: UUID) -> None:
        session.add(CasePerson(case_id=case_id, person_id=person.id, role=SUBJECT, relation=NO_RELATION,
                               added_at=now, added_by=actor.username if actor else "system"))
        log_person_access(session, actor, kind, now, person_id=person.id, case_id=case_id, channel="intake",
                          purpose=MATCH_PURPOSE if kind == LOOKUP else "registration",
                          cpr_hash=person.cpr_hash if kind == LOOKUP else None)
        events.record(session, case_id, PERSON_LINKED, actor, "Sagens person tilføjet",
                      details={"role": SUBJECT, "relation": NO_RELATION, "threat": False}, at=now)
        session.flush()
        find_signals(session, case_id, now)

    return data, link
