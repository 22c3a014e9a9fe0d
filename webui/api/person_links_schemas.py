"""Schemas and OpenAPI operations of webui.api.person_links: signals between units and family links."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate


class OtherUnitSchema(Schema):
    """The other unit of an open signal: never anything of the other case's content."""

    unit = fields.String(allow_none=True, metadata={"description": "the other case owner's groups"})
    owner_name = fields.String(allow_none=True)
    owner_email = fields.String(allow_none=True)


class SignalSchema(Schema):
    """"En anden enhed arbejder med denne person": locked (only that it exists and what opens it) or open."""

    id = fields.UUID()
    person = fields.String(metadata={"description": "the person's name or pseudonym, as on this case"})
    found_at = fields.String()
    opened = fields.Boolean()
    opened_at = fields.String(allow_none=True)
    other_unit = fields.Nested(OtherUnitSchema, allow_none=True, metadata={"description": "null while locked"})
    needed = fields.String(allow_none=True, metadata={"description": "what opens a locked signal"})


class SignalOpenSchema(Schema):
    """Body of POST /cases/{id}/signals/{signal_id}/open: empty (a consent on file) or a legal basis."""

    legal_basis = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                                metadata={"description": "a key of GET /legal-exceptions"})
    justification = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                                  metadata={"description": "required with legal_basis"})


class FamilyLinkSchema(Schema):
    """A linked family case: its reference only for those with a relation to it."""

    id = fields.UUID()
    linked_at = fields.String()
    visible = fields.Boolean()
    case_id = fields.UUID(allow_none=True)
    reference = fields.String(allow_none=True)
    process = fields.String(allow_none=True)


class FamilyLinkCreateSchema(Schema):
    """Body of POST /cases/{id}/family."""

    case_id = fields.UUID(required=True, metadata={"description": "the other case of the family"})


SCHEMAS = {"Signal": SignalSchema, "SignalOpen": SignalOpenSchema, "FamilyLink": FamilyLinkSchema,
           "FamilyLinkCreate": FamilyLinkCreateSchema}
_UUID = {"type": "string", "format": "uuid"}
CASE_ID = [{"name": "case_id", "in": "path", "required": True, "schema": _UUID}]
SIGNAL_ID = [{"name": "signal_id", "in": "path", "required": True, "schema": _UUID}]
LINK_ID = [{"name": "link_id", "in": "path", "required": True, "schema": _UUID}]
OPERATIONS: list[tuple[str, str, str, str | None, str | None, list[dict[str, Any]], tuple[str, ...]]] = [
    ("/cases/{case_id}/signals", "get", "Signals that another unit works with one of the case's persons (the "
     "case's content): `{\"items\": [Signal]}`. A consent covering other_department on either case opens a "
     "signal when read, recorded as a disclosure on both cases", None, "Signal", CASE_ID, ("401", "403", "404")),
    ("/cases/{case_id}/signals/{signal_id}/open", "post", "Open a signal (case work) on a consent on file or on "
     "a legal basis with a justification; recorded as a disclosure on both cases", "SignalOpen", "Signal",
     CASE_ID + SIGNAL_ID, ("401", "403", "404", "422")),
    ("/cases/{case_id}/family", "get", "The case's family links: `{\"items\": [FamilyLink]}`, the other case's "
     "reference only for those with a relation to it", None, "FamilyLink", CASE_ID, ("401", "403", "404")),
    ("/cases/{case_id}/family", "post", "Link a case of the same family (case work here, a relation to the other "
     "case, else 404); 201; 409 when linked already", "FamilyLinkCreate", "FamilyLink", CASE_ID,
     ("401", "403", "404", "409", "422")),
    ("/cases/{case_id}/family/{link_id}", "delete", "Remove a family link (case work); 204", None, None,
     CASE_ID + LINK_ID, ("401", "403", "404")),
]


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _items(name: str) -> dict[str, Any]:
    return {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": _ref(name)}}}


_JSON = "application/json"
ANSWERS: dict[tuple[str, str], tuple[tuple[str, ...], dict[str, Any] | None, str]] = {
    ("/cases/{case_id}/signals", "get"): (("200",), _items("Signal"), _JSON),
    ("/cases/{case_id}/family", "get"): (("200",), _items("FamilyLink"), _JSON),
    ("/cases/{case_id}/family", "post"): (("201",), _ref("FamilyLink"), _JSON),
    ("/cases/{case_id}/family/{link_id}", "delete"): (("204",), None, _JSON),
}
