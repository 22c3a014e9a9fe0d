"""Deadline rules for administrators ("/admin/frister"): amount, unit, name, law reference and
description; every change needs a reason and is recorded (engine.deadlines.rules.update_rule) and
listed. A statutory rule stays within the law's bounds (engine.deadlines.rule_guards): its unit is
fixed and its amount has a maximum; the refusal says so in the user's language."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.deadlines import rules
from engine.deadlines.calendar import UNITS
from engine.deadlines.rule_guards import MAX_REASON, bound_problems, name_problems
from engine.errors import InvalidInput
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
    return render_template("admin_rules.html", rules=rules.list_rules(get_session()), units=UNIT_LABELS,
                           outside=outside_bounds)


def outside_bounds(rule: Any) -> bool:
    """True when a statutory rule is already outside the law's bounds (changed before they were kept)."""
    return bool(guard_problems(rule, rule.amount, rule.unit))


def guard_problems(rule: Any, amount: int, unit: str) -> list:
    """The engine's bound problems of `rule` at `amount` `unit`."""
    return bound_problems(rule, amount, unit) + name_problems(rule.name, amount, unit)


def _units(amount: Any, unit: str) -> str:
    return f"{amount} {UNIT_LABELS.get(unit, unit)}"


def guard_message(detail: dict[str, Any]) -> str:
    """The page's text for one of the engine's refusals (engine.deadlines.rule_guards codes)."""
    code = detail.get("code")
    if code == "unit_locked":
        return _("Enheden kan ikke ændres: %(law)s regner fristen i %(unit)s.", law=detail["law"],
                 unit=UNIT_LABELS.get(detail["locked_unit"], detail["locked_unit"]))
    if code == "above_statutory_max":
        return _("Fristen kan ikke blive længere end %(length)s (%(law)s). Kommunen kan gøre den kortere, "
                 "ikke længere.", length=_units(detail["max_amount"], detail["unit"]), law=detail["law"])
    if code == "below_statutory_min":
        return _("Fristen skal være mindst %(length)s.", length=_units(detail["min_amount"], detail["unit"]))
    if code == "name_states_other_length":
        return _("Navnet siger %(stated)s, men fristen er %(length)s. Ret længden i navnet, eller lad den stå "
                 "ude.", stated=detail["stated"], length=_units(detail["amount"], detail["unit"]))
    if code == "reason_required":
        return _("Skriv en begrundelse for ændringen.")
    if code == "reason_too_long":
        return _("Højst %(n)s tegn.", n=MAX_REASON)
    return str(detail.get("message", ""))


@bp.route("/<key>", methods=["GET", "POST"])
@admin_required
def edit(key: str) -> ResponseReturnValue:
    """Change one rule; its change log below the form."""
    session = get_session()
    rule = rules.get_rule(session, key)
    values: dict[str, Any] = {field: getattr(rule, field) for field in rules.EDITABLE}
    values["reason"] = ""
    problems: dict[str, str] = {}
    if request.method == "POST":
        changes, problems = parse_rule_form(request.form)
        if not problems:
            problems = _save(key, changes, request.form.get("reason") or "")
            if not problems:
                flash(_("Fristreglen %(key)s er gemt. Nye frister bruger den; løbende frister ændres ikke.",
                        key=key), "success")
                return redirect(url_for("admin_rules.edit", key=key))
        values = {field: request.form.get(field, "") for field in (*rules.EDITABLE, "reason")}
    units = {rule.locked_unit: UNIT_LABELS[rule.locked_unit]} if rule.statutory and rule.locked_unit else UNIT_LABELS
    return render_template("admin_rule.html", rule=rule, values=values, problems=problems, units=units,
                           unit_labels=UNIT_LABELS, outside=outside_bounds(rule),
                           changes=list(reversed(rules.rule_changes(session, key)))), 422 if problems else 200


def _save(key: str, changes: dict[str, Any], reason: str) -> dict[str, str]:
    """Change the rule; {field: message} for what the engine refused (nothing changed then)."""
    session = get_session()
    try:
        rules.update_rule(session, key, changes, me(), reason[:MAX_REASON + 1])
    except InvalidInput as exc:
        session.rollback()
        problems: dict[str, str] = {}
        for detail in exc.details:
            problems.setdefault(detail.get("field", "name"), guard_message(detail))
        return problems
    return {}
