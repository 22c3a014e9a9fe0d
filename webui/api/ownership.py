"""The case owner and the case members: who keeps the case and who else works on it."""

from __future__ import annotations

from uuid import UUID

from flask.typing import ResponseReturnValue

from engine.cases import members, owner, service
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import case_for, dump_case, json_body
from webui.api.ownership_schemas import MemberCreateSchema, OwnerCandidateSchema, OwnerSchema
from webui.clock import service_clock
from webui.database import get_session


@bp.post("/cases/<uuid:case_id>/owner")
@token_required
def set_owner(case_id: UUID) -> ResponseReturnValue:
    """Set or change the case owner (team leads); the old owner's open tasks move to the new one."""
    case_for(case_id, "supervises")
    body = OwnerSchema().load(json_body())
    case = owner.set_owner(get_session(), case_id, body["username"], current_user(), service_clock())
    return dump_case(case, service.ready_tasks(get_session(), case_id))


@bp.get("/owner-candidates")
@token_required
def owner_candidates() -> ResponseReturnValue:
    """The active users who may own a case (members of the groups whose lanes go to the owner)."""
    return {"items": OwnerCandidateSchema(many=True).dump(owner.owner_candidates(get_session()))}


@bp.post("/cases/<uuid:case_id>/members")
@token_required
def add_member(case_id: UUID) -> ResponseReturnValue:
    """Add a second caseworker or a knowledge person to the case (owner or team lead)."""
    case_for(case_id, "manages")
    body = MemberCreateSchema().load(json_body())
    members.add_member(get_session(), case_id, body["username"], body["role"], body["until"], current_user(),
                       service_clock())
    case, _ = case_for(case_id)
    return dump_case(case, service.ready_tasks(get_session(), case_id)), 201


@bp.delete("/cases/<uuid:case_id>/members/<string:username>")
@token_required
def remove_member(case_id: UUID, username: str) -> ResponseReturnValue:
    """Take a member off the case (owner or team lead)."""
    members.remove_member(get_session(), case_id, username, current_user(), service_clock())
    return "", 204
