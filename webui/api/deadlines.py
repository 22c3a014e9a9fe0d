"""Deadline rules: list, inspect how a due time is computed, and (administrators) change them."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from engine.deadlines import rules
from engine.deadlines.calendar import UNITS
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
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


class DeadlineRuleUpdateSchema(Schema):
    """Body of PATCH /deadline-rules/{key}: any subset of the editable fields."""

    name = fields.String(validate=validate.Length(min=1, max=255))
    law_reference = fields.String(validate=validate.Length(max=255))
    amount = fields.Integer(strict=True, validate=validate.Range(min=1, max=1000))
    unit = fields.String(validate=validate.OneOf(UNITS))
    description = fields.String(validate=validate.Length(max=5000))


class DueQuerySchema(Schema):
    """Query of GET /deadline-rules/{key}/due."""

    from_ = fields.AwareDateTime(required=True, data_key="from")


class RuleChangeSchema(Schema):
    """One recorded change of a rule."""

    changed_at = LocalDateTime()
    changed_by = fields.String()
    before = fields.Dict()
    after = fields.Dict()


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
    """Change a rule (administrators); affects timers created afterwards, never running ones."""
    changes = DeadlineRuleUpdateSchema().load(json_body())
    return _rule.dump(rules.update_rule(get_session(), key, changes, current_user()))


@bp.get("/deadline-rules/<key>/changes")
@token_required
def deadline_rule_changes(key: str) -> ResponseReturnValue:
    """The recorded changes of a rule, oldest first."""
    return {"changes": RuleChangeSchema().dump(rules.rule_changes(get_session(), key), many=True)}
