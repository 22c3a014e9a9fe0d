"""Schemas of the person register's API, the dump of a person as the access rule lets a user see them,
and the OpenAPI operations of webui.api.persons (openapi.py adds them to its list)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.persons.access import PersonAccess
from engine.persons.access_log import PURPOSE_MAX
from engine.persons.links import LinkedPerson
from engine.persons.models import NO_RELATION, RELATIONS, ROLES, Person
from webui.api.schemas import local_iso


class PersonCreateSchema(Schema):
    """Body of POST /persons: every field optional (an anonymous person has none of them)."""

    name = fields.String(allow_none=True, validate=validate.Length(max=200))
    cpr = fields.String(allow_none=True, validate=validate.Length(max=20),
                        metadata={"description": "DDMMYY-SSSS or DDMMYYSSSS; a real date; stored encrypted"})
    date_of_birth = fields.Date(allow_none=True, metadata={"description": "taken from the CPR number when given"})
    protected_address = fields.Boolean(metadata={"description": "navne- og adressebeskyttelse"})
    preferred_language = fields.String(allow_none=True, validate=validate.Length(max=64))
    interpreter_needed = fields.Boolean()
    contact = fields.String(allow_none=True, validate=validate.Length(max=2000))


class PersonUpdateSchema(PersonCreateSchema):
    """Body of PATCH /persons/{id}: the fields to change (null clears one)."""


class PersonSchema(Schema):
    """A person as the user may see them (`access`: full, or limited: CPR masked, no contact details)."""

    id = fields.UUID()
    pseudonym = fields.String()
    label = fields.String(metadata={"description": "the name, else the pseudonym"})
    anonymous = fields.Boolean()
    name = fields.String(allow_none=True)
    cpr = fields.String(allow_none=True, metadata={"description": "DDMMYY-SSSS; DDMMYY-xxxx with limited access"})
    date_of_birth = fields.Date(allow_none=True)
    protected_address = fields.Boolean()
    preferred_language = fields.String(allow_none=True)
    interpreter_needed = fields.Boolean()
    contact = fields.String(allow_none=True, metadata={"description": "null with limited access"})
    created_at = fields.String()
    updated_at = fields.String()
    access = fields.String(metadata={"description": "full | limited"})


class CasePersonCreateSchema(Schema):
    """Body of POST /cases/{id}/persons."""

    person_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    relation = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf((*RELATIONS, NO_RELATION)),
                             metadata={"description": "involved: parent | sibling | partner | other_family | "
                                                      "other; the subject: none"})
    threat = fields.Boolean(load_default=False, metadata={"description": "the subject is at risk from this person"})


class CasePersonUpdateSchema(Schema):
    """Body of PATCH /cases/{id}/persons/{person_id}: what changes."""

    role = fields.String(validate=validate.OneOf(ROLES))
    relation = fields.String(validate=validate.OneOf((*RELATIONS, NO_RELATION)))
    threat = fields.Boolean()


class CasePersonSchema(Schema):
    """A person on a case: the link and the person."""

    person = fields.Nested(PersonSchema)
    role = fields.String()
    relation = fields.String()
    threat = fields.Boolean()
    added_at = fields.String()
    added_by = fields.String()


class LookupSchema(Schema):
    """Body of POST /persons/lookup: an exact CPR number and why you look it up."""

    cpr = fields.String(required=True, validate=validate.Length(min=1, max=20))
    purpose = fields.String(required=True, validate=validate.Length(min=3, max=PURPOSE_MAX))


class LookupResultSchema(Schema):
    """The look-up's answer: whether someone has the number, their id (to link them to a case) and,
    where the access rule lets the user see them, the person."""

    found = fields.Boolean()
    id = fields.UUID(allow_none=True)
    person = fields.Nested(PersonSchema, allow_none=True)


class InsightRowSchema(Schema):
    """One use of a person's data (time in Europe/Copenhagen)."""

    at = fields.String()
    username = fields.String()
    case_reference = fields.String(allow_none=True)
    kind = fields.String()
    purpose = fields.String()
    reason = fields.String(allow_none=True)
    channel = fields.String()


class InsightSchema(Schema):
    """GET /persons/{id}/access-log."""

    person_id = fields.UUID()
    items = fields.List(fields.Nested(InsightRowSchema))


def dump_person(person: Person, access: PersonAccess) -> dict[str, Any]:
    """The person as `access` lets its user see them."""
    full = access.full
    return {
        "id": str(person.id), "pseudonym": person.pseudonym, "label": person.label, "anonymous": person.anonymous,
        "name": person.name, "cpr": person.cpr if full else person.cpr_masked,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "protected_address": person.protected_address, "preferred_language": person.preferred_language,
        "interpreter_needed": person.interpreter_needed, "contact": person.contact if full else None,
        "created_at": local_iso(person.created_at), "updated_at": local_iso(person.updated_at), "access": access.level,
    }


def dump_linked(linked: LinkedPerson, access: PersonAccess) -> dict[str, Any]:
    """A person on a case, with the link."""
    link = linked.link
    return {"person": dump_person(linked.person, access), "role": link.role, "relation": link.relation,
            "threat": link.threat, "added_at": local_iso(link.added_at), "added_by": link.added_by}


SCHEMAS = {"Person": PersonSchema, "PersonCreate": PersonCreateSchema, "PersonUpdate": PersonUpdateSchema,
           "CasePerson": CasePersonSchema, "CasePersonCreate": CasePersonCreateSchema,
           "CasePersonUpdate": CasePersonUpdateSchema, "Lookup": LookupSchema, "LookupResult": LookupResultSchema,
           "Insight": InsightSchema}
_UUID = {"type": "string", "format": "uuid"}
PERSON_ID = [{"name": "person_id", "in": "path", "required": True, "schema": _UUID}]
CASE_ID = [{"name": "case_id", "in": "path", "required": True, "schema": _UUID}]
OPERATIONS: list[tuple[str, str, str, str | None, str | None, list[dict[str, Any]], tuple[str, ...]]] = [
    ("/persons", "post", "Register a person (all fields optional: without name and CPR number an anonymous "
     "person known by the pseudonym); 201; 409 when the CPR number is registered already", "PersonCreate",
     "Person", [], ("401", "409", "422")),
    ("/persons/{person_id}", "get", "A person as the access rule lets the user see them (docs/access.md, "
     "\"Persons\"): full, or limited (CPR masked DDMMYY-xxxx, no contact details); logged as read_person",
     None, "Person", PERSON_ID, ("401", "403", "404")),
    ("/persons/{person_id}", "patch", "Change a person (who does case work on one of their cases, or registered "
     "them while they are in no case); giving an anonymous person a name or CPR number keeps their links",
     "PersonUpdate", "Person", PERSON_ID, ("401", "403", "404", "409", "422")),
    ("/persons/lookup", "post", "Find a person by exact CPR number (a POST: the number never sits in a URL), with "
     "`purpose`; every look-up is logged with its purpose, also when nobody is found: 200 `{\"found\", \"id\", "
     "\"person\"}` (`person` only where the rule lets the user see them)", "Lookup", "LookupResult", [],
     ("401", "422")),
    ("/persons/{person_id}/access-log", "get", "A request for insight (administrators): every read of every case "
     "the person is linked to and every look-up, read and change of the person: `{\"person_id\", \"items\"}`, "
     "or CSV with `?format=csv`; times in Europe/Copenhagen",
     None, "Insight", PERSON_ID + [{"name": "format", "in": "query", "schema": {"type": "string",
                                                                              "enum": ["json", "csv"]}}],
     ("401", "403", "404", "422")),
    ("/cases/{case_id}/persons", "get", "The case's persons, the subject first, with relation and threat flag "
     "(the case's content); logged as read_persons: `{\"items\": [CasePerson]}`", None, "CasePerson", CASE_ID,
     ("401", "403", "404")),
    ("/cases/{case_id}/persons", "post", "Put a person on the case as its subject (one per case) or an involved "
     "person with a relation and the threat flag (case work); 201 with the link; 409 when the person is on the "
     "case already or it has another subject", "CasePersonCreate", "CasePerson", CASE_ID,
     ("401", "403", "404", "409", "422")),
    ("/cases/{case_id}/persons/{person_id}", "patch", "Change a person's role, relation or threat flag on the case",
     "CasePersonUpdate", "CasePerson", CASE_ID + PERSON_ID, ("401", "403", "404", "409", "422")),
    ("/cases/{case_id}/persons/{person_id}", "delete", "Take a person off the case (they stay registered); 204",
     None, None, CASE_ID + PERSON_ID, ("401", "403", "404")),
]

_JSON = "application/json"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


# What the operations above answer when they succeed (the format of webui.api.openapi_answers.ANSWERS).
ANSWERS: dict[tuple[str, str], tuple[tuple[str, ...], dict[str, Any] | None, str]] = {
    ("/persons", "post"): (("201",), _ref("Person"), _JSON),
    ("/cases/{case_id}/persons", "get"): (("200",), {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": _ref("CasePerson")}}}, _JSON),
    ("/cases/{case_id}/persons", "post"): (("201",), _ref("CasePerson"), _JSON),
    ("/cases/{case_id}/persons/{person_id}", "delete"): (("204",), None, _JSON),
    ("/persons/{person_id}/access-log", "get"): (("200",), _ref("Insight"), _JSON),
}
