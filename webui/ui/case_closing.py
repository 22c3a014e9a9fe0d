"""Closing and reopening a case from its page ("/sager/<case_id>/luk", "/sager/<case_id>/genaabn").

The case page includes `_case_closing.html`, which asks `closing_view(case, ...)` (a template
global installed here) for what to show: the "Luk sagen" form, the reopen button, the links
between a reopened case and its successor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, flash, redirect, render_template_string, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from sqlalchemy import select

from engine.cases import closing
from engine.cases.models import Case, ClosingReason
from engine.cases.need_to_know import access_to
from engine.errors import Conflict, InvalidInput
from engine.users.models import User
from webui.clock import now, service_clock
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.forms import field_id, render_form
from webui.ui.i18n import select_locale

bp = Blueprint("case_closing", __name__, url_prefix="/sager")
errors.install(bp)

ERROR_PAGE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<p class="breadcrumb"><a href="{{ url_for('cases.show', case_id=case.id) }}">{{ back }}</a></p>
<h1>{{ title }}</h1>
{% include "_case_closing.html" %}
{% endblock %}"""


def _label(reason: ClosingReason) -> str:
    return reason.name_en if select_locale() == "en" and reason.name_en else reason.name


def closing_schema(reasons: list[ClosingReason]) -> dict[str, Any]:
    """The "Luk sagen" form as a form-js schema: reason, receiving municipality, note."""
    return {"type": "default", "id": "close-case", "components": [
        {"type": "select", "key": "reason", "label": _("Årsag"), "validate": {"required": True},
         "values": [{"value": r.key, "label": _label(r)} for r in reasons]},
        {"type": "textfield", "key": "receiving_municipality", "label": _("Modtagende kommune"),
         "description": _("Kun når borgeren er flyttet til en anden kommune."),
         "validate": {"maxLength": closing.MUNICIPALITY_MAX}},
        {"type": "textarea", "key": "note", "label": _("Notat"),
         "description": _("Valgfrit. Skriv ikke flere personoplysninger end nødvendigt."),
         "validate": {"maxLength": closing.NOTE_MAX}},
    ]}


def _messages() -> dict[str, str]:
    return {"reason": _("Vælg en årsag på listen."),
            "receiving_municipality": _("Angiv den kommune, sagen overgår til (højst 100 tegn)."),
            "note": _("Notatet må højst være 2000 tegn.")}


@dataclass
class ClosingView:
    """What `_case_closing.html` shows for one case and the signed-in user."""

    may_close: bool
    may_reopen: bool
    form: Markup = Markup("")
    errors: dict[str, str] = field(default_factory=dict)
    error_list: list[tuple[str, str, str]] = field(default_factory=list)
    reason_label: str | None = None
    note: str | None = None  # the closing note: free text, for those who may read the case's content
    closed_by: str | None = None
    reopened_from: Case | None = None
    reopened_as: list[Case] = field(default_factory=list)


def closing_view(case: Case, reasons: list[ClosingReason] | None = None,
                 problems: dict[str, str] | None = None) -> ClosingView:
    """The closing part of the case page (a template global)."""
    session, problems = get_session(), problems or {}
    access = access_to(session, case, me(), now())
    view = ClosingView(may_close=case.status == "open" and access.manages,
                       may_reopen=case.status == "closed" and access.supervises, errors=problems)
    if view.may_close:
        schema = closing_schema(reasons if reasons is not None else closing.closing_reasons(session))
        values = {key: request.form.get(key, "") for key in ("reason", "receiving_municipality", "note")} \
            if request.method == "POST" else {}
        view.form = render_form(schema, values, problems, tz=current_app.config["CASEPATH"].timezone)
        labels = {c["key"]: c["label"] for c in schema["components"]}
        view.error_list = [(field_id(key), labels.get(key, key), message) for key, message in problems.items()]
    reason = session.get(ClosingReason, case.closing_reason) if case.closing_reason else None
    view.reason_label = _label(reason) if reason else None
    view.note = case.closing_note if access.content else None
    closer = session.get(User, case.closed_by_id) if case.closed_by_id else None
    view.closed_by = closer.username if closer else None
    view.reopened_from = session.get(Case, case.reopened_from_id) if case.reopened_from_id else None
    view.reopened_as = list(session.scalars(select(Case).where(Case.reopened_from_id == case.id)
                                            .order_by(Case.opened_at, Case.reference)))
    return view


@bp.app_context_processor
def _globals() -> dict[str, object]:
    return {"closing_view": closing_view}


@bp.post("/<uuid:case_id>/luk")
@login_required
def close(case_id: UUID) -> ResponseReturnValue:
    """Close the case with a reason (its owner or a team lead)."""
    session = get_session()
    try:
        closing.close_case(session, case_id, me(), request.form.get("reason", ""), request.form.get("note"),
                           request.form.get("receiving_municipality"), service_clock())
    except Conflict:
        session.rollback()
        flash(_("Sagen er allerede lukket."), "error")
        return redirect(url_for("cases.show", case_id=case_id))
    except InvalidInput as exc:
        session.rollback()
        messages = _messages()
        problems = {str(d["field"]): messages.get(str(d["field"]), _("Feltet kan ikke bruges."))
                    for d in exc.details if d.get("field")}
        case = session.get(Case, case_id)
        return render_template_string(ERROR_PAGE, case=case, errors=problems,
                                      title=_("Luk sagen %(ref)s", ref=case.reference),
                                      back=_("Sag %(ref)s", ref=case.reference)), 422
    flash(_("Sagen er lukket."), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/<uuid:case_id>/genaabn")
@login_required
def reopen(case_id: UUID) -> ResponseReturnValue:
    """Open a new case continuing this closed one (team leads), with the old case's start data."""
    session = get_session()
    try:
        opened = closing.reopen_case(session, case_id, me(), None, service_clock())
    except Conflict:
        session.rollback()
        flash(_("Sagen kan ikke genåbnes: den er ikke lukket, eller den er allerede genåbnet."), "error")
        return redirect(url_for("cases.show", case_id=case_id))
    except InvalidInput:
        session.rollback()
        flash(_("Sagens oplysninger er slettet eller passer ikke til den nyeste version af processen. "
                "Opret en ny sag i stedet."), "error")
        return redirect(url_for("cases.show", case_id=case_id))
    flash(_("Sagen er genåbnet som %(ref)s.", ref=opened.case.reference), "success")
    return redirect(url_for("cases.show", case_id=opened.case.id))
