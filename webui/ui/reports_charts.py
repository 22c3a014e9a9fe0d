"""The report page's charts and tables: what each chart draws (labels, series; suppressed cells are
gaps) and the table beside it, from the report services' figures, with Danish labels."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SOURCE_NAMES = {
    "school": _l("Skole"), "day_care": _l("Dagtilbud"), "police": _l("Politiet"), "health": _l("Sundhedspersonale"),
    "other_department": _l("Anden afdeling i kommunen"), "citizen": _l("Borgeren selv"), "child": _l("Barnet selv"),
    "parent": _l("En forælder"), "job_centre": _l("Jobcentret"), "other_municipality": _l("En anden kommune"),
    "shelter": _l("Et krisecenter"), "ssp": _l("SSP"), "education": _l("En uddannelsesinstitution"),
    "other": _l("Andet"), "-": _l("Ukendt"),
}
MILESTONE_NAMES = {"assignment": _l("Fordelt til sagsbehandler"), "first_conversation": _l("Første samtale"),
                   "consultant": _l("Sikkerhedskonsulent inddraget"), "first_measure": _l("Første foranstaltning")}
OUTCOME_NAMES = {"on_time": _l("Til tiden"), "late": _l("For sent"), "missed": _l("Overskredet, ikke udført"),
                 "open": _l("Løber stadig")}
USED_UNIT_NAMES = {"hours": _l("timer"), "working_days": _l("arbejdsdage"), "days": _l("dage")}


def month_label(month: str) -> str:
    """`2026-03` as the user reads it: "mar. 2026"."""
    return format_date(date.fromisoformat(f"{month}-01"), "MMM y")


def plot(value: Any) -> Any:
    """A chart value: a suppressed count ("<5") or a missing figure is a gap."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def chart(ident: str, kind: str, title: str, labels: list[str], series: dict[str, list[Any]], *,
          stacked: bool = False, percent: bool = False, horizontal: bool = False) -> dict[str, Any]:
    """One chart's JSON for webui/static/js/reports.js."""
    return {"id": ident, "type": kind, "title": title, "labels": labels, "stacked": stacked, "percent": percent,
            "horizontal": horizontal,
            "datasets": [{"label": str(name), "data": [plot(v) for v in values]} for name, values in series.items()]}


def rule_label(rule: dict[str, Any]) -> str:
    """A rule's name, or "Uden regel"."""
    return rule["name"] or _("Frister uden regel")


def deadline_charts(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Outcomes per rule (stacked bars) and the share met per month (lines), for rules with deadlines."""
    rules = [r for r in report["rules"] if r["total"] != 0]
    labels = [rule_label(r) for r in rules]
    outcomes = chart("chart-frister", "bar", _("Frister i perioden efter udfald"), labels,
                     {OUTCOME_NAMES[k]: [r[k] for r in rules] for k in OUTCOME_NAMES}, stacked=True, horizontal=True)
    months = [m["month"] for m in report["rules"][0]["months"]] if report["rules"] else []
    share = chart("chart-andel", "line", _("Andel overholdt pr. måned"), [month_label(m) for m in months],
                  {rule_label(r): [_percent(m["share_met"]) for m in r["months"]] for r in rules}, percent=True)
    return [outcomes, share]


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def flow_charts(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """New cases per week by source, open cases by stage, days to milestones, closing reasons."""
    new = report["new_cases"]
    weeks = [w["week"] for w in new["weeks"]]
    return {
        "new": chart("chart-nye", "bar", _("Nye sager pr. uge efter henvisningskilde"), weeks,
                     {SOURCE_NAMES.get(s, s): [w["counts"][s] for w in new["weeks"]] for s in new["sources"]},
                     stacked=True),
        "stage": chart("chart-trin", "bar", _("Åbne sager efter hvor de venter"),
                       [s["name"] for s in report["open_by_stage"]],
                       {_("Åbne sager"): [s["cases"] for s in report["open_by_stage"]]}, horizontal=True),
        "milestones": chart("chart-tider", "bar", _("Dage fra henvisning"),
                            [str(MILESTONE_NAMES[m["milestone"]]) for m in report["milestones"]],
                            {_("Median"): [m["median_days"] for m in report["milestones"]],
                             _("90-procent-fraktil"): [m["p90_days"] for m in report["milestones"]]}),
        "closing": chart("chart-lukning", "bar", _("Lukkede sager efter årsag"),
                         [r["name"] or r["reason"] for r in report["closing_reasons"]],
                         {_("Sager"): [r["cases"] for r in report["closing_reasons"]]}, horizontal=True),
    }


def workload_charts(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Open cases, open and overdue tasks per owner and per group."""
    def three(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
        return {_("Åbne sager"): [r["open_cases"] for r in rows], _("Åbne opgaver"): [r["open_tasks"] for r in rows],
                _("Overskredne opgaver"): [r["overdue_tasks"] for r in rows]}
    return {"owners": chart("chart-ejere", "bar", _("Arbejdsbyrde pr. sagsbehandler"),
                            [o["name"] for o in report["owners"]], three(report["owners"]), horizontal=True),
            "groups": chart("chart-grupper", "bar", _("Arbejdsbyrde pr. gruppe"),
                            [g["name"] for g in report["groups"]], three(report["groups"]), horizontal=True)}
