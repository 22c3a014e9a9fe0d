"""The case page's form that adds a person to a case, and the service calls behind it.

With a CPR number the person is looked up first (an exact match, logged with its purpose) and linked;
without one, or when nobody has the number, the person is registered (name optional: an anonymous
person gets a pseudonym) and linked. Every refusal is a Danish message beside its field, and nothing
is registered when the link would be refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidInput
from engine.persons import cpr as cpr_numbers
from engine.persons import links, service
from engine.persons.models import INVOLVED, RELATIONS, SUBJECT, CasePerson
from engine.users.models import User

LOOKUP_PURPOSE = "Tilføj person til sagen"


def person_schema() -> dict[str, Any]:
    """The form-js form of "Tilføj person til sagen"."""
    from webui.ui.case_persons import RELATION_NAMES

    return {"type": "default", "id": "case-person", "components": [
        {"type": "textfield", "key": "person_name", "label": _("Navn"), "validate": {"maxLength": 200},
         "description": _("Tomt ved en anonym person: personen får et pseudonym.")},
        {"type": "textfield", "key": "person_cpr", "label": _("CPR-nummer (valgfrit)"), "validate": {"maxLength": 11},
         "description": _("DDMMÅÅ-XXXX. Er personen registreret, bruges den eksisterende person. Opslaget logges.")},
        {"type": "radio", "key": "person_role", "label": _("Rolle i sagen"), "validate": {"required": True},
         "defaultValue": INVOLVED, "values": [{"value": INVOLVED, "label": _("Involveret person")},
                                              {"value": SUBJECT, "label": _("Sagens person (den sagen handler om)")}]},
        {"type": "select", "key": "person_relation", "label": _("Relation til sagens person"),
         "values": [{"value": key, "label": str(name)} for key, name in RELATION_NAMES.items()]},
        {"type": "checkbox", "key": "person_threat",
         "label": _("Trussel: sagens person er i fare fra denne person (må ikke kontaktes eller informeres)")},
        {"type": "checkbox", "key": "person_protected", "label": _("Navne- og adressebeskyttelse")},
        {"type": "textarea", "key": "person_contact", "label": _("Kontaktoplysninger"),
         "validate": {"maxLength": 2000}, "description": _("Telefon, adresse. Skriv ikke CPR-numre her.")},
    ]}


def _problems(session: Session, case_id: UUID, data: dict[str, Any]) -> dict[str, str]:
    """The form's own checks, before anything is looked up or registered."""
    role, relation = data.get("person_role"), data.get("person_relation") or None
    problems: dict[str, str] = {}
    if role not in (SUBJECT, INVOLVED):
        problems["person_role"] = _("Vælg personens rolle i sagen.")
    elif role == INVOLVED and relation not in RELATIONS:
        problems["person_relation"] = _("Vælg relationen til sagens person.")
    elif role == SUBJECT and data.get("person_threat"):
        problems["person_threat"] = _("Sagens person kan ikke samtidig være truslen.")
    elif role == SUBJECT and session.scalar(select(CasePerson.id).where(CasePerson.case_id == case_id,
                                                                          CasePerson.role == SUBJECT)):
        problems["person_role"] = _("Sagen har allerede en person, som sagen handler om.")
    if cpr_numbers.looks_like_cpr(data.get("person_contact") or ""):
        problems["person_contact"] = _("Skriv ikke CPR-numre i kontaktoplysningerne.")
    cpr = (data.get("person_cpr") or "").strip()
    if cpr:
        try:
            cpr_numbers.parse(cpr)
        except InvalidInput:
            problems["person_cpr"] = _("Skriv CPR-nummeret som DDMMÅÅ-XXXX; de første seks cifre skal være en dato.")
    return problems


def add_person(session: Session, case_id: UUID, data: dict[str, Any], user: User,
               now: datetime) -> dict[str, str]:
    """Find or register the person and link them to the case; {field: Danish message} when refused."""
    problems = _problems(session, case_id, data)
    if problems:
        return problems
    cpr = (data.get("person_cpr") or "").strip()
    person = service.lookup(session, cpr, LOOKUP_PURPOSE, user, now, channel="ui") if cpr else None
    if person is None:
        values = {"name": data.get("person_name"), "cpr": cpr or None, "contact": data.get("person_contact"),
                  "protected_address": bool(data.get("person_protected"))}
        person = service.create_person(session, user, values, now, channel="ui")
    role = data["person_role"]
    try:
        links.link_person(session, case_id, person.id, user, now, role=role,
                          relation=data.get("person_relation") if role == INVOLVED else None,
                          threat=bool(data.get("person_threat")) and role == INVOLVED)
    except Conflict:
        session.rollback()
        return {"person_cpr" if cpr else "person_name": _("Personen er allerede på sagen.")}
    return {}
