"""The case page ("/sager/<case_id>"): diagram, tasks, deadlines, timeline, consents and actors."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.cases import service
from engine.cases.access import READ_CASE, log_access
from engine.consent import service as consent_service
from engine.deadlines.rules import list_rules
from engine.errors import Conflict, InvalidInput
from engine.errors import NotFound as DomainNotFound
from webui.clock import now
from webui.database import get_session
from webui.ui import errors, integrations
from webui.ui.auth import me
from webui.ui.caseforms import consent_schema, safe_contact_schema, safe_contact_values
from webui.ui.formdata import coerce, raw_values
from webui.ui.forms import render_form
from webui.ui.queries import case_deadlines, case_id_by_reference, case_tasks, completed_elements, users_by_name

bp = Blueprint("cases", __name__, url_prefix="/sager")
errors.install(bp)


def _tz() -> str:
    return current_app.config["CASEPATH"].timezone


def _render(case_id: UUID, consent: tuple[dict, dict] | None = None, contact: tuple[dict, dict] | None = None,
            status: int = 200) -> ResponseReturnValue:
    """The case page; `consent` / `contact` are (values, errors) of a rejected form."""
    session, user = get_session(), me()
    case = service.get_case(session, case_id, user)
    tasks = case_tasks(session, case_id)
    events = service.case_events(session, case_id, user)
    sharing = integrations.case_consents(session, case_id, user)
    safe = integrations.safe_contact(session, case_id)
    staff = {e.actor for e in events if e.actor and e.actor != "system"}
    staff |= {t.assignee.username for t in tasks if t.assignee is not None}
    consent_values, consent_errors = consent or ({}, {})
    contact_values, contact_errors = contact or (safe_contact_values(safe), {})
    page = render_template(
        "case.html", case=case, tasks=tasks, ready=[t for t in tasks if t.state == "READY"], events=events,
        deadlines=case_deadlines(session, tasks, case_id, now()),
        rules={rule.key: rule for rule in list_rules(session)},
        active_ids=sorted({t.bpmn_id for t in tasks if t.state == "READY"}),
        completed_ids=completed_elements(tasks), sharing=sharing, contact=safe,
        contact_flags=integrations.safe_contact_flags(safe), staff=users_by_name(session, staff),
        consent_form=render_form(consent_schema(), consent_values, consent_errors, tz=_tz()),
        contact_form=render_form(safe_contact_schema(), contact_values, contact_errors, tz=_tz()),
        consent_failed=bool(consent_errors), contact_failed=bool(contact_errors), me=user,
    )
    # Every page that shows the case is a read of it, also the one that shows a rejected form again.
    log_access(session, case_id, user, READ_CASE, channel="ui")
    return page, status


@bp.get("")
@login_required
def find() -> ResponseReturnValue:
    """Go to a case by its reference (2026-000123) if the user may see it."""
    reference = (request.args.get("sag") or "").strip()[:20]
    case_id = case_id_by_reference(get_session(), reference) if reference else None
    if case_id is not None:
        try:
            service.get_case(get_session(), case_id, me())
            return redirect(url_for("cases.show", case_id=case_id))
        except DomainNotFound:
            pass
    flash(_("Sagen findes ikke, eller du har ikke adgang til den."), "error")
    return redirect(url_for("inbox.index"))


@bp.get("/<uuid:case_id>")
@login_required
def show(case_id: UUID) -> ResponseReturnValue:
    """A case the user may see (need-to-know; otherwise 404); every view is logged."""
    return _render(case_id)


@bp.get("/<uuid:case_id>/diagram.bpmn")
@login_required
def diagram(case_id: UUID) -> ResponseReturnValue:
    """The BPMN XML of the version the case runs on, for the diagram viewer."""
    case = service.get_case(get_session(), case_id, me())
    response = Response(case.process_version.bpmn_xml, mimetype="application/xml")
    response.headers["Content-Disposition"] = "inline"
    return response


def _problems(exc: InvalidInput) -> dict[str, str]:
    found = {str(d["field"]): str(d.get("message", "")) for d in exc.details if d.get("field")}
    return found or {"_": _("Oplysningerne kunne ikke bruges.")}


@bp.post("/<uuid:case_id>/samtykker")
@login_required
def add_consent(case_id: UUID) -> ResponseReturnValue:
    """Record a consent to share information."""
    schema = consent_schema()
    data, problems = coerce(schema, request.form, tz=_tz())
    if not problems:
        try:
            moment = data.pop("given_at", None)
            consent_service.record_consent(get_session(), case_id, me(), given_by=data.get("given_by") or "",
                                    recipient_kind=data.get("recipient_kind") or "", scope=data.get("scope") or "",
                                    purpose=data.get("purpose") or "", given_at=_instant(moment))
            flash(_("Samtykket er registreret."), "success")
            return redirect(url_for("cases.show", case_id=case_id, _anchor="samtykker"))
        except InvalidInput as exc:
            get_session().rollback()
            problems = _problems(exc)
    return _render(case_id, consent=(raw_values(schema, request.form), problems), status=422)


@bp.post("/<uuid:case_id>/samtykker/<uuid:consent_id>/tilbagekald")
@login_required
def withdraw_consent(case_id: UUID, consent_id: UUID) -> ResponseReturnValue:
    """Withdraw a consent: no later disclosure may rely on it."""
    service.get_case(get_session(), case_id, me())
    try:
        consent_service.withdraw_consent(get_session(), consent_id, me())
        flash(_("Samtykket er trukket tilbage."), "success")
    except Conflict:
        get_session().rollback()
        flash(_("Samtykket var allerede trukket tilbage."), "error")
    return redirect(url_for("cases.show", case_id=case_id, _anchor="samtykker"))


@bp.post("/<uuid:case_id>/sikker-kontakt")
@login_required
def set_safe_contact(case_id: UUID) -> ResponseReturnValue:
    """Replace the case's safe-contact instructions."""
    schema = safe_contact_schema()
    data, problems = coerce(schema, request.form, tz=_tz())
    if not problems:
        try:
            consent_service.set_safe_contact(get_session(), case_id, me(), **data)
            flash(_("Instruksen om sikker kontakt er gemt."), "success")
            return redirect(url_for("cases.show", case_id=case_id))
        except InvalidInput as exc:
            get_session().rollback()
            problems = _problems(exc)
    return _render(case_id, contact=(raw_values(schema, request.form), problems), status=422)


def _instant(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None
