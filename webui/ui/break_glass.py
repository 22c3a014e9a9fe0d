"""Break the glass ("/sager/<case_id>/noedadgang"): emergency access to a case with a stated reason."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.cases.break_glass import MAX_REASON, MIN_REASON, break_glass
from engine.cases.models import Case
from engine.cases.need_to_know import access_to
from engine.errors import Conflict, InvalidInput
from engine.errors import NotFound as DomainNotFound
from webui.clock import now, service_clock
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.filters import local_datetime
from webui.ui.forms import field_id, render_form

bp = Blueprint("break_glass", __name__, url_prefix="/sager")
errors.install(bp)


def reason_schema() -> dict[str, Any]:
    """The one field of the page: the reason, required."""
    return {"type": "default", "id": "break-glass", "components": [
        {"type": "textarea", "key": "reason", "label": _("Begrundelse"),
         "description": _("Hvorfor skal du have adgang til sagen nu? Skriv ikke flere personoplysninger end "
                          "nødvendigt."),
         "validate": {"required": True, "minLength": MIN_REASON, "maxLength": MAX_REASON}},
    ]}


def _case(case_id: UUID) -> Case:
    """Any existing case (break the glass is for those outside the access rule); 404 for a missing one."""
    case = get_session().get(Case, case_id)
    if case is None:
        raise DomainNotFound("no such case")
    return case


def _already_open(case_id: UUID) -> ResponseReturnValue:
    flash(_("Du har allerede adgang til sagen."), "info")
    return redirect(url_for("cases.show", case_id=case_id))


def _render(case: Case, reason: str = "", problem: str | None = None, status: int = 200) -> ResponseReturnValue:
    problems = {"reason": problem} if problem else {}
    schema = reason_schema()
    return render_template(
        "break_glass.html", case=case, hours=current_app.config["CASEPATH"].break_glass_hours,
        form_html=render_form(schema, {"reason": reason}, problems, tz=current_app.config["CASEPATH"].timezone),
        error_list=[(field_id("reason"), _("Begrundelse"), problem)] if problem else [],
    ), status


@bp.get("/<uuid:case_id>/noedadgang")
@login_required
def form(case_id: UUID) -> ResponseReturnValue:
    """What breaking the glass means, and the reason field."""
    case = _case(case_id)
    if access_to(get_session(), case, me(), now()).content:
        return _already_open(case_id)
    return _render(case)


@bp.post("/<uuid:case_id>/noedadgang")
@login_required
def submit(case_id: UUID) -> ResponseReturnValue:
    """Break the glass; on success go to the case page."""
    reason = request.form.get("reason", "")
    session = get_session()
    try:
        given = break_glass(session, case_id, me(), reason, channel="ui", settings=current_app.config["CASEPATH"],
                            clock=service_clock())
    except Conflict:
        session.rollback()
        return _already_open(case_id)
    except InvalidInput:
        session.rollback()
        short = len(reason.strip()) < MIN_REASON
        problem = (_("Skriv en begrundelse på mindst 10 tegn.") if short
                   else _("Begrundelsen må højst være på 2000 tegn."))
        return _render(_case(case_id), reason[:MAX_REASON * 2], problem, 422)
    flash(_("Du har nødadgang til sagen indtil %(until)s. Adgangen er logget, og teamlederne har fået besked.",
            until=local_datetime(given.expires_at)), "success")
    return redirect(url_for("cases.show", case_id=case_id))
