"""Marshmallow schemas at the API edge: request bodies in, resources out."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from marshmallow import INCLUDE, Schema, fields, validate

from engine.deadlines.rules import calendar
from engine.tasks.service import SCOPES
from webui.api import closing_schemas
from webui.api.input_guard import SafeAwareDateTime
from webui.clock import now


def local_iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset, in the configured (Danish) time zone."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["CASEPATH"].timezone)).isoformat()


class LocalDateTime(fields.Field):
    """A datetime dumped as ISO 8601 in Europe/Copenhagen (stored in UTC)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return local_iso(value)


class CaseCreateSchema(Schema):
    """Body of POST /cases."""

    process_key = fields.String(required=True, validate=validate.Length(min=1, max=255))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class TaskCompleteSchema(Schema):
    """Body of POST /tasks/{id}/complete."""

    data = fields.Dict(keys=fields.String(), load_default=dict)


class AssignSchema(Schema):
    """Body of POST /tasks/{id}/assign."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))


class TaskQuerySchema(Schema):
    """Query string of GET /tasks."""

    scope = fields.String(load_default="candidate", validate=validate.OneOf(SCOPES))
    case_id = fields.UUID(load_default=None)
    due_before = SafeAwareDateTime(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TaskSchema(Schema):
    """A user task, as listed."""

    id = fields.UUID()
    case_id = fields.UUID()
    case_reference = fields.Function(lambda t: t.case.reference)
    process_key = fields.Function(lambda t: t.case.process_version.key)
    process_version = fields.Function(lambda t: t.case.process_version.version)
    bpmn_id = fields.String()
    name = fields.String()
    lane = fields.String(allow_none=True)
    candidate_group = fields.String(allow_none=True)
    assignee = fields.Function(lambda t: t.assignee.username if t.assignee else None)
    created_at = LocalDateTime()
    due_at = LocalDateTime()
    due_rule = fields.String(allow_none=True)
    at_risk = fields.Function(lambda t: bool(t.due_at) and calendar().is_at_risk(now(), t.due_at))
    overdue = fields.Function(lambda t: bool(t.due_at) and calendar().is_overdue(now(), t.due_at))
    form_key = fields.String(allow_none=True)
    state = fields.String()
    safe_contact = fields.Raw(dump_only=True, allow_none=True,
                              metadata={"description": "the case's safe-contact instructions, where shown"})


class TaskDetailSchema(TaskSchema):
    """A user task with its form definition."""

    form = fields.Raw(allow_none=True)


class CaseSchema(Schema):
    """A case (the view adds its READY tasks)."""

    id = fields.UUID()
    reference = fields.String()
    status = fields.String()
    process_key = fields.Function(lambda c: c.process_version.key)
    process_version = fields.Function(lambda c: c.process_version.version)
    opened_at = LocalDateTime()
    closed_at = LocalDateTime()
    owner = fields.Function(lambda c: {"username": c.owner.username, "name": c.owner.display_name} if c.owner else None)
    # Closing and reopening (webui/api/closing_schemas.py).
    closing_reason = fields.String(allow_none=True)
    closing_note = fields.String(allow_none=True)  # dump_case hides it from those without the content
    receiving_municipality = fields.String(allow_none=True)
    closed_by = fields.Function(closing_schemas.closed_by)
    reopened_from = fields.Function(closing_schemas.reopened_from)
    reopened_as = fields.Function(closing_schemas.reopened_as)


class MemberSchema(Schema):
    """A member of a case: a second caseworker or a knowledge person, until a given day (inclusive)."""

    username = fields.String()
    name = fields.String()
    role = fields.String()
    until = fields.Date(allow_none=True)


class CaseEventSchema(Schema):
    """One entry of a case's timeline."""

    id = fields.Integer()
    at = LocalDateTime()
    kind = fields.String()
    actor = fields.String()
    task_id = fields.UUID(allow_none=True)
    summary = fields.String()
    details = fields.Dict()


class ProcessVersionSchema(Schema):
    """A deployed process version (without its XML)."""

    id = fields.UUID()
    key = fields.String()
    version = fields.Integer()
    name = fields.String()
    sha256 = fields.String()
    filename = fields.String()
    deployed_by = fields.String()
    deployed_at = LocalDateTime()
    comment = fields.String()
    created = fields.Boolean(dump_only=True)


class DeployFormSchema(Schema):
    """Form fields of a multipart deploy."""

    class Meta:
        unknown = INCLUDE

    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class ErrorSchema(Schema):
    """The error envelope: {"error": {"code", "message", "details"}}."""

    error = fields.Dict()
