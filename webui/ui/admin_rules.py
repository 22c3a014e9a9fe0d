"""Deadline rules for administrators ("/admin/frister"): amount, unit, name, law reference and
description; every change is recorded (engine.deadlines.rules.update_rule) and listed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.deadlines import rules
from engine.deadlines.calendar import UNITS
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import admin_required, me

bp = Blueprint("admin_rules", __name__, url_prefix="/admin/frister")
errors.install(bp)

UNIT_LABELS = {"hours": _l("timer"), "days": _l("kalenderdage"), "working_days": _l("arbejdsdage"),
               "months": _l("kalendermåneder")}
LIMITS = {"name": 255, "law_reference": 255, "description": 5000}


def parse_rule_form(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """(changes, {field: Danish message}) from the submitted strings."""
    values = {field: (form.get(field) or "").strip() for field in rules.EDITABLE}
    problems: dict[str, str] = {}
    if not values["name"]:
        problems["name"] = _("Skriv et navn.")
    for field, limit in LIMITS.items():
        if len(values[field]) > limit:
            problems[field] = _("Højst %(n)s tegn.", n=limit)
    amount = values["amount"]
    if not amount.isdigit() or not 1 <= int(amount) <= 1000:
        problems["amount"] = _("Skriv et helt tal fra 1 til 1000.")
    if values["unit"] not in UNITS:
        problems["unit"] = _("Vælg en enhed.")
    changes = {field: value for field, value in values.items() if field not in problems}
    if "amount" in changes:
        changes["amount"] = int(amount)
    return changes, problems


@bp.get("")
@admin_required
def index() -> ResponseReturnValue:
    """Every rule."""
    return render_template("admin_rules.html", rules=rules.list_rules(get_session()), units=UNIT_LABELS)


@bp.route("/<key>", methods=["GET", "POST"])
@admin_required
def edit(key: str) -> ResponseReturnValue:
    """Change one rule; its change log below the form."""
    session = get_session()
    rule = rules.get_rule(session, key)
    values: dict[str, Any] = {field: getattr(rule, field) for field in rules.EDITABLE}
    problems: dict[str, str] = {}
    if request.method == "POST":
        changes, problems = parse_rule_form(request.form)
        if not problems:
            rules.update_rule(session, key, changes, me())
            flash(_("Fristreglen %(key)s er gemt. Nye frister bruger den; løbende frister ændres ikke.", key=key),
                  "success")
            return redirect(url_for("admin_rules.edit", key=key))
        values = {field: request.form.get(field, "") for field in rules.EDITABLE}
    return render_template("admin_rule.html", rule=rule, values=values, problems=problems, units=UNIT_LABELS,
                           changes=list(reversed(rules.rule_changes(session, key)))), 422 if problems else 200
