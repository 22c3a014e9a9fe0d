"""Registering, reading, changing and finding persons. Each function commits its change and its log row.

The CPR number is validated (engine.persons.cpr), stored encrypted and matched by its keyed hash; one
person per CPR number. A person without name and CPR number is anonymous and known by the pseudonym
every person gets; giving them a name or CPR number later (PATCH) keeps everything linked to them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidInput
from engine.persons import cpr as cpr_numbers
from engine.persons.access import PersonAccess, person_with_access
from engine.persons.access_log import CHANGE_PERSON, CREATE_PERSON, LOOKUP, READ_PERSON, log_person_access
from engine.persons.crypto import keys
from engine.persons.models import Person
from engine.users.models import User

FIELDS = ("name", "cpr", "date_of_birth", "protected_address", "preferred_language", "interpreter_needed", "contact")
LIMITS = {"name": 200, "preferred_language": 64, "contact": 2000}
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone
PURPOSE_MIN = 3


def new_pseudonym(session: Session) -> str:
    """An unused "Anonym 7F3K" (32^4 labels; a clash is drawn again)."""
    while True:
        label = "Anonym " + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(4))
        if session.scalar(select(Person.id).where(Person.pseudonym == label)) is None:
            return label


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Stripped texts (empty: None) within their limits, a valid CPR number as digits; InvalidInput."""
    cleaned = dict(values)
    for key, limit in LIMITS.items():
        if key in cleaned:
            text = (cleaned[key] or "").strip()
            if len(text) > limit:
                raise InvalidInput("the request is not valid",
                                   [{"field": key, "message": f"at most {limit} characters"}])
            cleaned[key] = text or None
    if cleaned.get("cpr"):
        digits, born = cpr_numbers.parse(cleaned["cpr"])
        if cleaned.get("date_of_birth") not in (None, born):
            raise InvalidInput("the date of birth does not match the CPR number",
                               [{"field": "date_of_birth", "message": "does not match the CPR number"}])
        cleaned.update(cpr=digits, date_of_birth=born)
    elif "cpr" in cleaned:
        cleaned["cpr"] = None
    return cleaned


def _refuse_taken(session: Session, digits: str | None, person_id: UUID | None) -> None:
    if not digits:
        return
    holder = session.scalar(select(Person.id).where(Person.cpr_hash == keys().match_hash(digits)))
    if holder is not None and holder != person_id:
        raise Conflict("a person with this CPR number is already registered: find them with a look-up "
                       "(POST /api/v1/persons/lookup) and link them to the case")


def _guarded(session: Session, write: Callable[[], None]) -> None:
    """`write` (flush or commit); the same CPR number registered by a concurrent request first is a Conflict."""
    try:
        write()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("a person with this CPR number was registered meanwhile") from exc


def _apply(person: Person, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "cpr":
            person.set_cpr(value)
        elif key in FIELDS:
            setattr(person, key, value)


def create_person(session: Session, actor: User | None, values: dict[str, Any], now: datetime,
                  channel: str = "api") -> Person:
    """Register a person from `values` (keys of FIELDS, all optional) and commit. Conflict when the
    CPR number is registered already."""
    cleaned = _clean(values)
    _refuse_taken(session, cleaned.get("cpr"), None)
    person = Person(pseudonym=new_pseudonym(session), created_at=now, updated_at=now,
                    created_by_id=actor.id if actor else None)
    _apply(person, cleaned)
    session.add(person)
    _guarded(session, session.flush)  # the person's row first: the log row points at it
    log_person_access(session, actor, CREATE_PERSON, now, person_id=person.id, channel=channel,
                      purpose="registration")
    session.commit()
    return person


def read_person(session: Session, person_id: UUID, actor: User | None, now: datetime,
                channel: str = "api") -> tuple[Person, PersonAccess]:
    """The person and what the actor may see of them (engine.persons.access); the read is logged."""
    person, access = person_with_access(session, person_id, actor, now)
    log_person_access(session, actor, READ_PERSON, now, person_id=person.id, case_id=access.case_id,
                      purpose=access.purpose, channel=channel)
    session.commit()
    return person, access


def update_person(session: Session, person_id: UUID, actor: User | None, changes: dict[str, Any], now: datetime,
                  channel: str = "api") -> tuple[Person, PersonAccess]:
    """Change some fields (keys of FIELDS; None clears) and commit; those doing case work on one of the
    person's cases, or the registering user while the person is in no case."""
    person, access = person_with_access(session, person_id, actor, now, change=True)
    cleaned = _clean(changes)
    _refuse_taken(session, cleaned.get("cpr"), person.id)
    _apply(person, cleaned)
    person.updated_at = now
    log_person_access(session, actor, CHANGE_PERSON, now, person_id=person.id, case_id=access.case_id,
                      purpose=access.purpose, channel=channel)
    _guarded(session, session.commit)
    return person, access


def find_by_cpr(session: Session, number: str) -> Person | None:
    """The person with this CPR number, unlogged: for the engine's own matching (a look-up by a user
    goes through `lookup`)."""
    return session.scalar(select(Person).where(Person.cpr_hash == keys().match_hash(cpr_numbers.normalise(number))))


def lookup(session: Session, number: str, purpose: str, actor: User | None, now: datetime,
           channel: str = "api") -> Person | None:
    """The person with exactly this CPR number, or None; logged with its purpose either way (a miss
    with the number's keyed hash). `purpose`: why, 3-200 characters, never empty."""
    purpose = (purpose or "").strip()
    if not PURPOSE_MIN <= len(purpose) <= 200:
        raise InvalidInput("state the purpose of the look-up (3-200 characters)",
                           [{"field": "purpose", "message": "3-200 characters"}])
    digits = cpr_numbers.normalise(number)
    match = keys().match_hash(digits)
    person = session.scalar(select(Person).where(Person.cpr_hash == match))
    log_person_access(session, actor, LOOKUP, now, person_id=person.id if person else None, cpr_hash=match,
                      purpose=purpose, channel=channel)
    session.commit()
    return person


def birth_date_of(number: str) -> date:
    """The date of birth a valid CPR number gives."""
    return cpr_numbers.parse(number)[1]
