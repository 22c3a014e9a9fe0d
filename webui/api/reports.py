"""Management reports: GET /api/v1/reports/deadlines, /flow and /workload (team leads and
administrators), as JSON or `format=csv`; aggregated only, small cells suppressed."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue

from engine.deadlines.rules import calendar
from engine.reports.csv_export import CSV
from engine.reports.service import make_scope, report, require_reader
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.reports_schemas import REPORT_SCHEMAS, ReportQuerySchema
from webui.clock import now
from webui.database import get_session

_query = ReportQuerySchema()


def report_answer(kind: str, args: dict[str, Any], user: Any) -> tuple[dict[str, Any], str]:
    """The report `kind` for query `args` as (JSON-ready dict, requested format); 403 before 422."""
    require_reader(user)
    loaded = _query.load(args)
    settings = current_app.config["CASEPATH"]
    scope = make_scope(get_session(), now(), settings.timezone, settings.report_min_cell, loaded["from_"],
                       loaded["to"], loaded["process_key"], loaded["group"])
    figures = report(get_session(), kind, scope, calendar(), user)
    return REPORT_SCHEMAS[kind].dump(figures), loaded["format"]


def csv_response(kind: str, figures: dict[str, Any]) -> Response:
    """The report as a CSV download named after it and its period."""
    name = f"rapport-{kind}-{figures['from']}-{figures['to']}.csv"
    return Response("\ufeff" + CSV[kind](figures), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _answer(kind: str) -> ResponseReturnValue:
    figures, form = report_answer(kind, request.args.to_dict(), current_user())
    return csv_response(kind, figures) if form == "csv" else figures


@bp.get("/reports/deadlines")
@token_required
def report_deadlines() -> ResponseReturnValue:
    """Deadline compliance per rule and month."""
    return _answer("deadlines")


@bp.get("/reports/flow")
@token_required
def report_flow() -> ResponseReturnValue:
    """New cases, open cases by stage, times to milestones, closing reasons."""
    return _answer("flow")


@bp.get("/reports/workload")
@token_required
def report_workload() -> ResponseReturnValue:
    """Open cases and tasks per owner and group, overdue tasks."""
    return _answer("workload")
