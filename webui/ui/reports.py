"""The management reports page ("/rapporter", team leads and administrators): deadline compliance,
the flow of cases and workload for a chosen period, process and team, as charts with their tables
beside them and CSV downloads. Aggregates only; the overdue list for team leads goes through the
access rule (engine.reports.workload)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from engine.cases.need_to_know import ADMIN_GROUP, TEAM_LEAD_GROUP
from engine.deadlines.rules import calendar
from engine.errors import InvalidInput
from engine.reports.heatmap import process_heatmap
from engine.reports.service import make_scope, report, require_reader
from engine.users.models import Group
from webui.api.reports import csv_response
from webui.clock import now
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.queries import process_choices
from webui.ui.reports_charts import (
    MILESTONE_NAMES,
    OUTCOME_NAMES,
    SOURCE_NAMES,
    USED_UNIT_NAMES,
    deadline_charts,
    flow_charts,
    workload_charts,
)

bp = Blueprint("reports", __name__, url_prefix="/rapporter")
errors.install(bp)
KINDS = {"frister": "deadlines", "flow": "flow", "arbejdsbyrde": "workload"}
FIELDS = {"fra": "from", "til": "to", "proces": "process_key", "gruppe": "group"}


@bp.app_template_filter("count")
def count_filter(value: Any) -> str:
    """A count or a suppressed "<5" in the user's number format; – for none."""
    if value is None:
        return "–"
    return value if isinstance(value, str) else format_decimal(value)


@bp.app_template_filter("decimal1")
def decimal_filter(value: float | None) -> str:
    """A figure with one decimal (12,5 in Danish); – for none (hidden or no cases)."""
    return "–" if value is None else format_decimal(value, format="#,##0.0")


@bp.app_template_filter("share")
def share_filter(value: float | None) -> str:
    """A share as a percentage (85 %); – for none."""
    return "–" if value is None else format_percent(value, format="#,##0 %")


def _date(text: str, problems: dict[str, str], key: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems[key] = _("Skriv en dato som ÅÅÅÅ-MM-DD.")
        return None


def _scope_from(args: Any) -> tuple[Any, dict[str, str], dict[str, str]]:
    """(scope or None, the form's values, {field: Danish message})."""
    values = {key: (args.get(key) or "").strip()[:64] for key in FIELDS}
    problems: dict[str, str] = {}
    first, last = _date(values["fra"], problems, "fra"), _date(values["til"], problems, "til")
    if problems:
        return None, values, problems
    settings = current_app.config["CASEPATH"]
    try:
        scope = make_scope(get_session(), now(), settings.timezone, settings.report_min_cell, first, last,
                           values["proces"] or None, values["gruppe"] or None)
    except InvalidInput as exc:
        names = {v: k for k, v in FIELDS.items()}
        return None, values, {names.get(d["field"], "fra"): d["message"] for d in exc.details}
    return scope, values, problems


def _groups() -> list[tuple[str, str]]:
    return [(k, n) for k, n in get_session().execute(select(Group.key, Group.name).order_by(Group.name))]


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    """The three reports for the chosen period, process and group."""
    require_reader(me())
    scope, values, problems = _scope_from(request.args)
    context: dict[str, Any] = dict(values=values, problems=problems, processes=process_choices(get_session()),
                                   groups=_groups(), SOURCE_NAMES=SOURCE_NAMES, MILESTONE_NAMES=MILESTONE_NAMES,
                                   OUTCOME_NAMES=OUTCOME_NAMES, USED_UNIT_NAMES=USED_UNIT_NAMES)
    if scope is None:
        return render_template("reports.html", **context), 422
    session, user = get_session(), me()
    figures = {kind: report(session, kind, scope, calendar(), user) for kind in KINDS.values()}
    context.update(figures=figures, scope=scope, csv_query={k: v for k, v in values.items() if v},
                   deadline_charts=deadline_charts(figures["deadlines"]), flow_charts=flow_charts(figures["flow"]),
                   workload_charts=workload_charts(figures["workload"]))
    return render_template("reports.html", **context)


@bp.app_context_processor
def _heatmap_helper() -> dict[str, Any]:
    """`process_heatmap_for(key)` for the process page (webui/templates/_process_heatmap.html): the
    figures for report readers, None for everyone else."""
    def heat(key: str) -> dict[str, Any] | None:
        user = getattr(current_user, "user", None)
        if user is None or not user.in_any(TEAM_LEAD_GROUP, ADMIN_GROUP):
            return None
        return process_heatmap(get_session(), key, now(), current_app.config["CASEPATH"].report_min_cell)
    return {"process_heatmap_for": heat}


@bp.get("/<name>.csv")
@login_required
def download(name: str) -> ResponseReturnValue:
    """One report as CSV, for the same choices as the page."""
    require_reader(me())
    if name not in KINDS:
        return errors.error_page(404, _("Siden findes ikke"), _("Adressen findes ikke."))
    scope, _values, problems = _scope_from(request.args)
    if scope is None:
        return errors.error_page(422, _("Kunne ikke gennemføres"), "; ".join(problems.values()))
    return csv_response(KINDS[name], report(get_session(), KINDS[name], scope, calendar(), me()))
