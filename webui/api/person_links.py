"""Signals between units that work with the same person, and family links between cases.

Each route asks the access rule first (engine.cases.need_to_know, through engine.persons.signals and
engine.persons.family), then reads the body.
"""

from __future__ import annotations

from uuid import UUID

from flask import request
from flask.typing import ResponseReturnValue

from engine.cases.need_to_know import case_with_access
from engine.persons import family, signals
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.person_links_schemas import FamilyLinkCreateSchema, SignalOpenSchema
from webui.clock import now
from webui.database import get_session


@bp.get("/cases/<uuid:case_id>/signals")
@token_required
def case_signals(case_id: UUID) -> ResponseReturnValue:
    """The case's signals; a consent on file opens one (recorded as a disclosure)."""
    views = signals.case_signals(get_session(), case_id, current_user(), now())
    return {"items": [view.as_dict() for view in views]}


@bp.post("/cases/<uuid:case_id>/signals/<uuid:signal_id>/open")
@token_required
def open_signal(case_id: UUID, signal_id: UUID) -> ResponseReturnValue:
    """Open a signal on a consent on file or a legal basis (case work)."""
    case_with_access(get_session(), case_id, current_user(), now(), "case_work")
    body = SignalOpenSchema().load(json_body() if request.get_data() else {})  # no body: a consent on file
    view = signals.open_signal(get_session(), case_id, signal_id, current_user(), now(), **body)
    return view.as_dict()


@bp.get("/cases/<uuid:case_id>/family")
@token_required
def case_family(case_id: UUID) -> ResponseReturnValue:
    """The case's family links, each other case's reference only for those with a relation to it."""
    views = family.family_of(get_session(), case_id, current_user(), now())
    return {"items": [view.as_dict() for view in views]}


@bp.post("/cases/<uuid:case_id>/family")
@token_required
def link_family(case_id: UUID) -> ResponseReturnValue:
    """Link another case of the same family (case work)."""
    case_with_access(get_session(), case_id, current_user(), now(), "case_work")
    body = FamilyLinkCreateSchema().load(json_body())
    return family.link_family(get_session(), case_id, body["case_id"], current_user(), now()).as_dict(), 201


@bp.delete("/cases/<uuid:case_id>/family/<uuid:link_id>")
@token_required
def unlink_family(case_id: UUID, link_id: UUID) -> ResponseReturnValue:
    """Remove a family link (case work)."""
    family.unlink_family(get_session(), case_id, link_id, current_user(), now())
    return "", 204
