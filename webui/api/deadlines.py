"""Deadline rules: list, inspect how a due time is computed, and (administrators) change them."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from engine.deadlines import rules
from engine.deadlines.calendar import UNITS
from engine.users.permissions import require_admin
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.input_guard import SafeAwareDateTime
from webui.api.schemas import LocalDateTime, local_iso
from webui.database import get_session


class DeadlineRuleSchema(Schema):
    """A deadline rule."""

    key = fields.String()
    name = fields.String()
    law_reference = fields.String()
    amount = fields.Integer()
    unit = fields.String()
    description = fields.String()
    updated_at = LocalDateTime()
    updated_by = fields.String()
    statutory = fields.Boolean(metadata={"description": "set by a law: the bounds below hold (not editable)"})
    min_amount = fields.Integer(allow_none=True)
    max_amount = fields.Integer(allow_none=True)
    locked_unit = fields.String(allow_none=True, metadata={"description": "the law's unit; the rule keeps it"})


class DeadlineRuleUpdateSchema(Schema):
    """Body of PATCH /deadline-rules/{key}: any subset of the editable fields, and the reason for the
    change (required when something changes; kept in the change log)."""

    name = fields.String(validate=validate.Length(min=1, max=255))
    law_reference = fields.String(validate=validate.Length(max=255))
    amount = fields.Integer(strict=True, validate=validate.Range(min=1, max=1000))
    unit = fields.String(validate=validate.OneOf(UNITS))
    description = fields.String(validate=validate.Length(max=5000))
    reason = fields.String(load_default=None)


class DueQuerySchema(Schema):
    """Query of GET /deadline-rules/{key}/due."""

    from_ = SafeAwareDateTime(required=True, data_key="from")


class RuleChangeSchema(Schema):
    """One recorded change of a rule."""

    changed_at = LocalDateTime()
    changed_by = fields.String()
    before = fields.Dict()
    after = fields.Dict()
    reason = fields.String()


_rule = DeadlineRuleSchema()


@bp.get("/deadline-rules")
@token_required
def list_deadline_rules() -> ResponseReturnValue:
    """Every deadline rule."""
    return {"rules": _rule.dump(rules.list_rules(get_session()), many=True)}


@bp.get("/deadline-rules/<key>")
@token_required
def get_deadline_rule(key: str) -> ResponseReturnValue:
    """One rule."""
    return _rule.dump(rules.get_rule(get_session(), key))


@bp.get("/deadline-rules/<key>/due")
@token_required
def deadline_due(key: str) -> ResponseReturnValue:
    """When the rule's deadline runs out if counted from `from` (ISO 8601 with offset)."""
    start = DueQuerySchema().load(request.args.to_dict())["from_"]
    rule = rules.get_rule(get_session(), key)
    due = rules.compute_due(rules.calendar(), rule.amount, rule.unit, start)
    return {"rule": key, "from": local_iso(start), "amount": rule.amount, "unit": rule.unit,
            "due_at": local_iso(due)}


@bp.patch("/deadline-rules/<key>")
@token_required
def update_deadline_rule(key: str) -> ResponseReturnValue:
    """Change a rule (administrators) with a reason; affects timers created afterwards, never running
    ones. A statutory rule stays within the law's bounds (422 with a Danish message per field)."""
    require_admin(current_user(), "change deadline rules")  # before the body: others learn nothing of it
    changes = DeadlineRuleUpdateSchema().load(json_body())
    reason = changes.pop("reason", None)
    return _rule.dump(rules.update_rule(get_session(), key, changes, current_user(), reason))


@bp.get("/deadline-rules/<key>/changes")
@token_required
def deadline_rule_changes(key: str) -> ResponseReturnValue:
    """The recorded changes of a rule, oldest first."""
    return {"changes": RuleChangeSchema().dump(rules.rule_changes(get_session(), key), many=True)}
