"""The reports as CSV tables (one row per figure's cell, semicolon-separated as Danish spreadsheets
expect, decimal commas); suppressed cells keep their "<5"."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def to_csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    """A CSV document with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_value(v) for v in row])
    return out.getvalue()


FIGURES = ["total", "on_time", "late", "missed", "open", "share_met", "median_used", "p90_used"]


def deadlines_csv(report: dict[str, Any]) -> str:
    """One row per rule and month, then the rule's whole period (month `all`)."""
    rows = []
    for rule in report["rules"]:
        for item in [*rule["months"], {**rule, "month": "all"}]:
            rows.append([rule["rule"], rule["law_reference"], rule["used_unit"], item["month"],
                         *[item[f] for f in FIGURES]])
    return to_csv(["rule", "law_reference", "used_unit", "month", *FIGURES], rows)


def flow_csv(report: dict[str, Any]) -> str:
    """Sections as rows: `new_cases` (week, source), `open_by_stage`, `milestone` (cases referred, those
    that reached it, days), `closing_reason`."""
    rows: list[list[Any]] = []
    new = report["new_cases"]
    for week in new["weeks"]:
        rows += [["new_cases", week["week"], source, week["counts"][source]] for source in new["sources"]]
    rows += [["open_by_stage", s["element"], s["name"], s["cases"]] for s in report["open_by_stage"]]
    rows += [["milestone", m["milestone"], None, m["cases"], m["reached"], m["median_days"], m["p90_days"]]
             for m in report["milestones"]]
    rows += [["closing_reason", r["reason"], r["name"], r["cases"]] for r in report["closing_reasons"]]
    return to_csv(["section", "key", "label", "count", "reached", "median_days", "p90_days"], rows)


def workload_csv(report: dict[str, Any]) -> str:
    """One row per owner, then per group."""
    rows = [["owner", o["username"], o["open_cases"], o["open_tasks"], o["overdue_tasks"]] for o in report["owners"]]
    rows += [["group", g["group"], g["open_cases"], g["open_tasks"], g["overdue_tasks"]] for g in report["groups"]]
    return to_csv(["kind", "key", "open_cases", "open_tasks", "overdue_tasks"], rows)


CSV = {"deadlines": deadlines_csv, "flow": flow_csv, "workload": workload_csv}
