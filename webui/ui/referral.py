"""Registering a new referral ("/sager/ny"): a children's notification or an adult inquiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.cases.service import open_case
from engine.errors import InvalidInput
from engine.forms.service import start_form
from engine.process_models.service import latest_version
from webui import clock
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.caseforms import referral_kinds, referral_schema
from webui.ui.formdata import coerce, raw_values, required_problems
from webui.ui.forms import field_id, field_labels, render_form

bp = Blueprint("referral", __name__, url_prefix="/sager/ny")
errors.install(bp)
CLOCK_SKEW = timedelta(minutes=5)


@bp.get("")
@login_required
def choose() -> ResponseReturnValue:
    """Choose the kind of referral; only kinds whose process is deployed are offered."""
    session = get_session()
    kinds = {slug: dict(kind, deployed=latest_version(session, kind["process"]) is not None)
             for slug, kind in referral_kinds().items()}
    return render_template("referral_choose.html", kinds=kinds)


def _schema(slug: str) -> dict:
    """The deployed process's start form (the team lead's, versioned with the process), else the built-in one."""
    session = get_session()
    version = latest_version(session, referral_kinds()[slug]["process"])
    return (start_form(session, version) if version is not None else None) or referral_schema(slug)


def _render(slug: str, values: dict | None = None, problems: dict[str, str] | None = None,
            status: int = 200) -> ResponseReturnValue:
    schema, problems = _schema(slug), problems or {}
    labels = field_labels(schema)
    return render_template(
        "referral.html", slug=slug, kind=referral_kinds()[slug],
        form_html=render_form(schema, values, problems, tz=current_app.config["CASEPATH"].timezone),
        error_list=[(field_id(k), labels[k], problems[k]) for k in labels if k in problems],
    ), status


@bp.route("/<any(boern, voksen):slug>", methods=["GET", "POST"])
@login_required
def new(slug: str) -> ResponseReturnValue:
    """The referral form; on success the case is opened and its page shown."""
    if request.method == "GET":
        return _render(slug)
    schema = _schema(slug)
    data, problems = coerce(schema, request.form, tz=current_app.config["CASEPATH"].timezone)
    problems = {**required_problems(schema, data), **problems}
    received = data.get("received_at")
    if received and "received_at" not in problems and \
            datetime.fromisoformat(received) > clock.now() + CLOCK_SKEW:
        problems["received_at"] = _("Tidspunktet kan ikke ligge i fremtiden.")
    if problems:
        return _render(slug, raw_values(schema, request.form), problems, 422)
    session = get_session()
    try:
        opened = open_case(session, referral_kinds()[slug]["process"], data, me(), clock.service_clock())
    except InvalidInput as exc:
        session.rollback()
        fields = {str(d["field"]).removeprefix("data."): str(d.get("message", "")) for d in exc.details
                  if d.get("field")}
        if fields:
            return _render(slug, raw_values(schema, request.form), fields, 422)
        flash(_("Sagen kunne ikke oprettes (processen mangler eller fejler). Kontakt teamlederen."), "error")
        return redirect(url_for("referral.choose"))
    flash(_("Sagen %(reference)s er oprettet.", reference=opened.case.reference), "success")
    return redirect(url_for("cases.show", case_id=opened.case.id))
