"""Schemas of the identity provider's group mapping API (webui.api.group_mappings) and its OpenAPI
operations, which webui.api.openapi adds to its list."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.users.accounts import GROUP_KEY_PATTERN
from webui.api.schemas import LocalDateTime


class GroupMappingSchema(Schema):
    """One provider value and the casepath group it gives."""

    external_value = fields.String(metadata={"description": "a value of the provider's groups claim"})
    group_key = fields.String()


class GroupMappingUpdateSchema(Schema):
    """Body of PUT /admin/group-mappings/{external_value}."""

    group_key = fields.String(required=True, validate=validate.Regexp(
        GROUP_KEY_PATTERN, error="A group key is 1-64 of a-z, 0-9, - and _."))


class UnmappedValueSchema(Schema):
    """A value the provider sent at sign-in that no mapping names."""

    external_value = fields.String()
    first_seen_at = LocalDateTime()
    last_seen_at = LocalDateTime()


class GroupMappingListSchema(Schema):
    """The whole mapping, and the values seen that map to nothing."""

    items = fields.List(fields.Nested(GroupMappingSchema), required=True)
    unmapped = fields.List(fields.Nested(UnmappedValueSchema), required=True)


SCHEMAS = {"GroupMapping": GroupMappingSchema, "GroupMappingUpdate": GroupMappingUpdateSchema,
           "GroupMappingList": GroupMappingListSchema}
VALUE = [{"name": "external_value", "in": "path", "required": True, "schema": {"type": "string"},
          "description": "the provider's value, URL-encoded (it may hold spaces and slashes)"}]
OPERATIONS: list[tuple[str, str, str, str | None, str | None, list[dict[str, Any]], tuple[str, ...]]] = [
    ("/admin/group-mappings", "get", "Which values of the identity provider's groups claim give which casepath "
     "group, and the values seen at sign-in that give none (administrators)", None, "GroupMappingList", [],
     ("401", "403")),
    ("/admin/group-mappings/{external_value}", "put", "Let a provider value give an existing group from each "
     "person's next sign-in (administrators)", "GroupMappingUpdate", "GroupMapping", VALUE,
     ("401", "403", "422")),
    ("/admin/group-mappings/{external_value}", "delete", "Stop a provider value giving a group from the next "
     "sign-in; answers the remaining mapping (administrators)", None, "GroupMappingList", VALUE,
     ("401", "403", "404")),
]
