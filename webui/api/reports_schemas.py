"""Marshmallow schemas of the management reports (GET /api/v1/reports/...)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from webui.api.schemas import LocalDateTime

COUNT = {"description": 'a number of cases, or "<5" when fewer than CASEPATH_REPORT_MIN_CELL (small cells are '
                        "suppressed); figures computed from a suppressed count are null"}


class ReportQuerySchema(Schema):
    """Query of every report: a period of Danish dates (default: the last twelve months), a process, a
    group, and `format` json or csv."""

    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    process_key = fields.String(load_default=None, validate=validate.Length(max=255))
    group = fields.String(load_default=None, validate=validate.Length(max=64))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


def Count() -> fields.Raw:  # noqa: N802 - a field factory read like a field class
    """A suppressible count."""
    return fields.Raw(metadata=COUNT)


class _Scope(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    process_key = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    min_cell = fields.Integer()


class _Outcomes(Schema):
    total, on_time, late, missed, open = Count(), Count(), Count(), Count(), Count()
    share_met = fields.Float(allow_none=True, metadata={"description": "on time / (on time + late + missed)"})
    median_used = fields.Float(allow_none=True, metadata={"description": "median time used, in `used_unit`"})
    p90_used = fields.Float(allow_none=True, metadata={"description": "90th percentile of the time used"})


class MonthOutcomesSchema(_Outcomes):
    """One rule's deadlines that fell in one month (Danish time)."""

    month = fields.String(metadata={"description": "YYYY-MM"})


class RuleComplianceSchema(_Outcomes):
    """One deadline rule's compliance over the period, and per month."""

    rule = fields.String(metadata={"description": 'the rule key; "-" for due dates without a rule'})
    name = fields.String(allow_none=True)
    law_reference = fields.String(allow_none=True)
    amount = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    used_unit = fields.String(allow_none=True, metadata={"description": "hours, working_days or days"})
    months = fields.List(fields.Nested(MonthOutcomesSchema))


class DeadlineReportSchema(_Scope):
    """GET /reports/deadlines."""

    rules = fields.List(fields.Nested(RuleComplianceSchema))


class _Week(Schema):
    week = fields.String(metadata={"description": "ISO week, YYYY-Www"})
    counts = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata=COUNT)
    total = Count()


class _NewCases(Schema):
    sources = fields.List(fields.String(), metadata={"description": 'referral sources; "-" unknown'})
    weeks = fields.List(fields.Nested(_Week))


class _Stage(Schema):
    element, name, cases = fields.String(), fields.String(), Count()


class _Milestone(Schema):
    milestone = fields.String(metadata={"description": "assignment, first_conversation, consultant, first_measure"})
    cases, reached = Count(), Count()
    median_days = fields.Float(allow_none=True)
    p90_days = fields.Float(allow_none=True)


class _Closing(Schema):
    reason = fields.String()
    name = fields.String(allow_none=True)
    name_en = fields.String(allow_none=True)
    cases = Count()


class FlowReportSchema(_Scope):
    """GET /reports/flow."""

    new_cases = fields.Nested(_NewCases)
    open_by_stage = fields.List(fields.Nested(_Stage))
    milestones = fields.List(fields.Nested(_Milestone))
    closing_reasons = fields.List(fields.Nested(_Closing))


class _Owner(Schema):
    username, name = fields.String(), fields.String()
    open_cases, open_tasks, overdue_tasks = Count(), Count(), Count()


class _Group(Schema):
    group, name = fields.String(), fields.String()
    open_cases, open_tasks, overdue_tasks = Count(), Count(), Count()


class _Overdue(Schema):
    case_id = fields.String()
    reference = fields.String()
    task = fields.String()
    due_at = LocalDateTime()
    rule = fields.String(allow_none=True)
    holder = fields.String(allow_none=True)


class WorkloadReportSchema(_Scope):
    """GET /reports/workload (a snapshot now; the period is echoed, not used)."""

    owners = fields.List(fields.Nested(_Owner))
    groups = fields.List(fields.Nested(_Group))
    overdue_now = fields.List(fields.Nested(_Overdue), allow_none=True, metadata={
        "description": "team leads only (null for administrators): overdue tasks with their case, through the "
                       "access rule"})


REPORT_SCHEMAS = {"deadlines": DeadlineReportSchema(), "flow": FlowReportSchema(), "workload": WorkloadReportSchema()}
