"""The person register: register, read, change and look up persons; persons on a case; insight requests.

Each route asks the access rule first (engine.persons.access, engine.cases.need_to_know), then reads
the body. CPR numbers travel only in request and response bodies, never in a URL.
"""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue

from engine.cases.need_to_know import case_with_access
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.persons import insight, links, service
from engine.persons.access import FULL, PersonAccess, person_access, person_with_access
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.persons_schemas import (
    CasePersonCreateSchema,
    CasePersonUpdateSchema,
    LookupSchema,
    PersonCreateSchema,
    PersonUpdateSchema,
    dump_linked,
    dump_person,
)
from webui.clock import now
from webui.database import get_session

CASE_CONTENT = PersonAccess(FULL, "case_work")  # who reads a case's content sees its persons fully


@bp.post("/persons")
@token_required
def create_person() -> ResponseReturnValue:
    """Register a person; the registering user may read and change them until they are on a case."""
    body = PersonCreateSchema().load(json_body())
    person = service.create_person(get_session(), current_user(), body, now())
    return dump_person(person, PersonAccess(FULL, "registration", may_change=True)), 201


@bp.get("/persons/<uuid:person_id>")
@token_required
def get_person(person_id: UUID) -> ResponseReturnValue:
    """A person as the access rule lets the user see them; logged."""
    person, access = service.read_person(get_session(), person_id, current_user(), now())
    return dump_person(person, access)


@bp.patch("/persons/<uuid:person_id>")
@token_required
def update_person(person_id: UUID) -> ResponseReturnValue:
    """Change a person (case work on one of their cases, or their registering user before any case)."""
    person_with_access(get_session(), person_id, current_user(), now(), change=True)
    body = PersonUpdateSchema().load(json_body())
    person, access = service.update_person(get_session(), person_id, current_user(), body, now())
    return dump_person(person, access)


@bp.post("/persons/lookup")
@token_required
def lookup_person() -> ResponseReturnValue:
    """Exact CPR match with a stated purpose; logged either way."""
    body = LookupSchema().load(json_body())
    session, user, moment = get_session(), current_user(), now()
    person = service.lookup(session, body["cpr"], body["purpose"], user, moment)
    if person is None:
        return {"found": False, "id": None, "person": None}
    try:
        shown = dump_person(person, person_access(session, person, user, moment))
    except (NotFound, PermissionDenied):  # not theirs to see: the id only, to link them to a case
        shown = None
    return {"found": True, "id": str(person.id), "person": shown}


@bp.get("/persons/<uuid:person_id>/access-log")
@token_required
def person_access_log(person_id: UUID) -> ResponseReturnValue:
    """Every use of the person's data (administrators): JSON, or CSV with ?format=csv."""
    wanted = request.args.get("format", "json")
    if wanted not in ("json", "csv"):
        raise InvalidInput("format must be json or csv", [{"field": "format", "message": "json or csv"}])
    person, rows = insight.person_insight(get_session(), person_id, current_user(), now())
    zone = ZoneInfo(current_app.config["CASEPATH"].timezone)
    if wanted == "csv":
        filename = f"indsigt-{person.pseudonym.replace(' ', '-').lower()}.csv"
        return Response(insight.as_csv(rows, zone), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return {"person_id": str(person.id), "items": [row.as_dict(zone) for row in rows]}


@bp.get("/cases/<uuid:case_id>/persons")
@token_required
def case_persons(case_id: UUID) -> ResponseReturnValue:
    """The case's persons (its content); logged as read_persons."""
    persons = links.read_case_persons(get_session(), case_id, current_user(), now())
    return {"items": [dump_linked(linked, CASE_CONTENT) for linked in persons]}


@bp.post("/cases/<uuid:case_id>/persons")
@token_required
def add_case_person(case_id: UUID) -> ResponseReturnValue:
    """Put a person on the case (case work)."""
    session, user, moment = get_session(), current_user(), now()
    case_with_access(session, case_id, user, moment, "case_work")
    body = CasePersonCreateSchema().load(json_body())
    links.link_person(session, case_id, body["person_id"], user, moment, role=body["role"],
                      relation=body["relation"], threat=body["threat"])
    return _linked(case_id, body["person_id"]), 201


@bp.patch("/cases/<uuid:case_id>/persons/<uuid:person_id>")
@token_required
def change_case_person(case_id: UUID, person_id: UUID) -> ResponseReturnValue:
    """Change a person's role, relation or threat flag on the case (case work)."""
    session, user, moment = get_session(), current_user(), now()
    case_with_access(session, case_id, user, moment, "case_work")
    body = CasePersonUpdateSchema().load(json_body())
    links.update_link(session, case_id, person_id, user, moment, **body)
    return _linked(case_id, person_id)


@bp.delete("/cases/<uuid:case_id>/persons/<uuid:person_id>")
@token_required
def remove_case_person(case_id: UUID, person_id: UUID) -> ResponseReturnValue:
    """Take a person off the case (case work); they stay registered."""
    links.unlink_person(get_session(), case_id, person_id, current_user(), now())
    return "", 204


def _linked(case_id: UUID, person_id: UUID) -> dict:
    linked = next(lp for lp in links.persons_of_case(get_session(), case_id) if lp.person.id == person_id)
    return dump_linked(linked, CASE_CONTENT)
