"""The identity provider's group mapping for administrators: which values of the groups claim give
which casepath group (engine/users/group_mapping.py), like the lane mapping."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from engine.users import group_mapping
from engine.users.permissions import require_admin
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.group_mapping_schemas import GroupMappingListSchema, GroupMappingSchema, GroupMappingUpdateSchema
from webui.database import get_session


def _listing() -> dict:
    session = get_session()
    items = [{"external_value": value, "group_key": key} for value, key in group_mapping.mappings(session).items()]
    return GroupMappingListSchema().dump({"items": items, "unmapped": group_mapping.unmapped_values(session)})


@bp.get("/admin/group-mappings")
@token_required
def list_group_mappings() -> ResponseReturnValue:
    """The mapping and the unmapped values seen; administrators only."""
    require_admin(current_user(), "see which provider groups give which casepath group")
    return _listing()


@bp.put("/admin/group-mappings/<path:external_value>")
@token_required
def put_group_mapping(external_value: str) -> ResponseReturnValue:
    """Map a provider value to an existing group."""
    require_admin(current_user(), "change which provider groups give which casepath group")
    body = GroupMappingUpdateSchema().load(json_body())
    mapping = group_mapping.set_mapping(get_session(), external_value, body["group_key"], current_user())
    value = group_mapping.clean_value(external_value)
    return GroupMappingSchema().dump({"external_value": value, "group_key": mapping[value]})


@bp.delete("/admin/group-mappings/<path:external_value>")
@token_required
def delete_group_mapping(external_value: str) -> ResponseReturnValue:
    """Remove a provider value's mapping."""
    group_mapping.delete_mapping(get_session(), external_value, current_user())
    return _listing()
