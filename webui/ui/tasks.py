"""The task page ("/opgaver/<task_id>", linked from reminder e-mails) and the task actions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.cases.access import READ_TASK, log_access
from engine.cases.need_to_know import Access
from engine.consent.sharing import possible_recipients, required_only_when_shared
from engine.deadlines.rules import get_rule
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.tasks import service
from engine.tasks.draft_service import may_keep_draft
from engine.tasks.models import READY, Task
from engine.users.service import group_members
from webui.clock import service_clock
from webui.database import get_session
from webui.ui import consent_dialog, errors, integrations, recipient_picker, task_drafts
from webui.ui.auth import me, safe_next
from webui.ui.formdata import coerce, raw_values
from webui.ui.forms import field_id, field_labels, form_schema, render_form
from webui.ui.json_views import json_endpoint

bp = Blueprint("tasks", __name__, url_prefix="/opgaver")
errors.install(bp)


def _tz() -> str:
    return current_app.config["CASEPATH"].timezone


def _schema(task: Task, access: Access, form: dict[str, Any] | None) -> dict[str, Any] | None:
    """The task form (`form`: engine.tasks.service.task_form) as the page shows it."""
    session = get_session()
    schema = form_schema(form)
    properties = service.task_properties(session, task)
    kinds = possible_recipients(properties)
    if schema and kinds:
        # The consents on file are the case's content: offered once the task is yours.
        consents = integrations.case_consents(session, task.case_id, me(), service_clock()) if access.content else None
        schema = integrations.with_disclosure_choices(
            schema, consents[0] if consents else [], integrations.legal_exceptions(session), kinds)
        schema = required_only_when_shared(schema, properties)
        if access.content:  # the case's persons are its content too
            schema = recipient_picker.with_picker(session, schema, properties, task.case_id)
    return schema


def _render(task: Task, access: Access, values: dict[str, Any] | None = None,
            field_errors: dict[str, str] | None = None, general: list[str] | None = None,
            status: int = 200) -> ResponseReturnValue:
    session, user = get_session(), me()
    form = service.task_form(session, task) if task.state == READY else None
    schema = _schema(task, access, form) if task.state == READY else None
    field_errors = field_errors or {}
    labels = field_labels(schema or {})
    properties = service.task_properties(session, task)
    rule = None
    if task.due_rule:
        try:
            rule = get_rule(session, task.due_rule)
        except NotFound:
            rule = None
    contact = integrations.safe_contact(session, task.case_id)
    region = getattr(current_app.config["CASEPATH"], "region", "")
    kind = properties.get("directory_kind")
    may_work = may_keep_draft(user, task)  # holds it, or nobody does and it is their group's
    supervisor = access.supervises
    # Opened: the case's answers so far and the user's own draft; shown again after a refusal: as sent.
    opening = task_drafts.opening(session, task, access, user, form) if values is None and may_work else \
        task_drafts.Opening(values or {})
    page = render_template(
        "task.html", task=task, form_html=render_form(schema, opening.values, field_errors, tz=_tz()),
        has_form=bool(schema), opening=opening, resent=values is not None,
        consent_dialog=consent_dialog.dialog_for(task, access, user, schema, possible_recipients(properties)),
        error_list=[(field_id(k), labels[k], field_errors[k]) for k in labels if k in field_errors],
        general_errors=general or [], properties=properties, rule=rule, contact=contact,
        contact_flags=integrations.safe_contact_flags(contact), directory=integrations.directory_entries(
            session, kind, region) if kind else [], may_work=may_work, supervisor=supervisor,
        members=group_members(session, task.candidate_group) if supervisor and task.candidate_group else [],
        case_visible=access.content, me=user,
    )
    # Every page that shows the task (and the case's safe-contact text) is a read, also a re-shown form.
    log_access(session, task.case_id, user, READ_TASK, channel="ui", purpose=access.purpose, reason=access.reason)
    return page, status


@bp.get("/<uuid:task_id>")
@login_required
def show(task_id: UUID) -> ResponseReturnValue:
    """The task with its form, action card, deadline and safe-contact instructions; the view is logged."""
    return _render(*service.task_with_access(get_session(), task_id, me(), service_clock()))


@bp.post("/<uuid:task_id>")
@login_required
def complete(task_id: UUID) -> ResponseReturnValue:
    """Convert the submitted strings, complete the task, or show the Danish errors beside the fields."""
    session, user = get_session(), me()
    task, access = service.task_with_access(session, task_id, user, service_clock())
    if task.state != READY:
        flash(_("Opgaven er ikke længere åben."), "error")
        return redirect(url_for("inbox.index"))
    schema = _schema(task, access, service.task_form(session, task))
    data, problems = coerce(schema, request.form, tz=_tz())
    if not problems:
        try:
            service.complete(session, task_id, data, user, service_clock())
        except InvalidInput as exc:
            session.rollback()
            problems, general = _split_problems(exc, field_labels(schema or {}))
            task, access = service.task_with_access(session, task_id, user, service_clock())
            return _render(task, access, raw_values(schema, request.form), problems, general, 422)
        except Conflict:
            session.rollback()
            flash(_("Opgaven er ikke længere åben, eller en anden har taget den."), "error")
            return redirect(url_for("inbox.index"))
        flash(_("Opgaven »%(name)s« er udført.", name=task.name), "success")
        return redirect(url_for("inbox.index"))
    return _render(task, access, raw_values(schema, request.form), problems, None, 422)


def _split_problems(exc: InvalidInput, labels: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """({field: message} for the form's fields, messages for the top of the form)."""
    # The engine answers in Danish; known messages are shown in the user's language.
    fields = {d["field"]: _(str(d.get("message", ""))) for d in exc.details if d.get("field") in labels}
    general = [f"{d['field']}: {d.get('message', '')}" for d in exc.details
               if d.get("field") and d.get("field") not in labels]
    elements = [str(d["element_id"]) for d in exc.details if d.get("element_id")]
    if elements:
        general.append(_("Processen kunne ikke fortsætte (fejl i diagrammet ved elementet %(id)s). "
                         "Kontakt teamlederen.", id=elements[0]))
    if not fields and not general:
        general.append(_("Opgaven kunne ikke udføres. Kontakt teamlederen, hvis fejlen bliver ved."))
    return fields, general


def _action(task_id: UUID, action: str) -> ResponseReturnValue:
    session, user = get_session(), me()
    messages = {"claim": _("Du har taget opgaven."), "unclaim": _("Opgaven er lagt tilbage til gruppen."),
                "assign": _("Opgaven er fordelt.")}
    try:
        if action == "claim":
            service.claim(session, task_id, user, service_clock())
        elif action == "unclaim":
            service.unclaim(session, task_id, user, service_clock())
        else:
            service.assign(session, task_id, (request.form.get("username") or "").strip()[:64], user, service_clock())
        flash(messages[action], "success")
    except Conflict:
        session.rollback()
        flash(_("Opgaven er ikke længere åben, eller en anden har taget den."), "error")
    except PermissionDenied:
        session.rollback()
        flash(_("Du har ikke adgang til at gøre dette."), "error")
    except InvalidInput:
        session.rollback()
        flash(_("Vælg en aktiv bruger i opgavens gruppe."), "error")
    return redirect(safe_next(request.form.get("next")))


@bp.post("/<uuid:task_id>/tag")
@login_required
def claim(task_id: UUID) -> ResponseReturnValue:
    """Take an unclaimed task of one of my groups."""
    return _action(task_id, "claim")


@bp.post("/<uuid:task_id>/laeg-tilbage")
@login_required
def unclaim(task_id: UUID) -> ResponseReturnValue:
    """Give the task back to its group."""
    return _action(task_id, "unclaim")


@bp.post("/<uuid:task_id>/fordel")
@login_required
def assign(task_id: UUID) -> ResponseReturnValue:
    """A team lead gives the task to a member of its group."""
    return _action(task_id, "assign")


@bp.put("/<uuid:task_id>/kladde")
@json_endpoint
def save_draft(task_id: UUID) -> ResponseReturnValue:
    """Keep what the user has typed in the task form, unsubmitted (JSON, from the page's script)."""
    return task_drafts.save(task_id)


@bp.post("/<uuid:task_id>/samtykke")
@json_endpoint
def add_consent(task_id: UUID) -> ResponseReturnValue:
    """Record a consent from the sharing task's dialog; answers with the form's consent choices (JSON)."""
    return consent_dialog.register(task_id)
