"""The case page ("/sager/<case_id>"): what the user sees follows their access to the case.

One call of the access rule (engine.cases.need_to_know) decides the page: those who may read the
content get the whole case (overview with risk, next deadline, owner and safe contact; diagram,
tasks, deadlines, people, consents, timeline); those with a header only (administrators, knowledge
persons, candidates of a waiting task) get the reference, process, status, deadlines, owner and
members (candidates also their task and the safe-contact instructions, knowledge persons the
anonymised digest); anyone else gets the 404 of a missing case. Every page that shows a case is
logged with the purpose of the read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from engine.cases import events as case_events
from engine.cases.access import READ_CASE, READ_DIGEST, log_access
from engine.cases.digest import case_digest
from engine.cases.members import case_members
from engine.cases.need_to_know import Access, case_with_access, local_today
from engine.cases.owner import owner_candidates
from engine.consent import service as consent_service
from engine.deadlines.rules import list_rules
from engine.errors import Conflict, InvalidInput
from engine.errors import NotFound as DomainNotFound
from engine.tasks.models import READY, Task
from engine.users.models import User
from webui.clock import now, service_clock
from webui.database import get_session
from webui.ui import errors, integrations
from webui.ui.auth import me
from webui.ui.case_persons import persons_panel
from webui.ui.caseforms import consent_schema, safe_contact_schema, safe_contact_values
from webui.ui.downloads import diagram_response
from webui.ui.formdata import coerce, raw_values
from webui.ui.forms import render_form
from webui.ui.queries import (
    CaseDeadline,
    case_deadlines,
    case_risk,
    case_tasks,
    completed_elements,
    users_by_name,
)
from webui.ui.record_context import RecordForms, record_context

bp = Blueprint("cases", __name__, url_prefix="/sager")
errors.install(bp)

Rejected = tuple[dict[str, Any], dict[str, str]]  # (values as typed, {field: message}) of a refused form
RISK_NAMES = {"low": _l("Lav"), "medium": _l("Middel"), "high": _l("Høj")}
ROLE_NAMES = {"caseworker": _l("Rådgiver"), "knowledge_person": _l("Vidensperson")}


def _tz() -> str:
    return current_app.config["CASEPATH"].timezone


def _person(user: User) -> str:
    """`Full Name (username)`, or the user name alone."""
    return f"{user.display_name} ({user.username})" if user.display_name != user.username else user.username


def owner_schema(session: Any) -> dict[str, Any]:
    """The team lead's form that sets the case owner: the active users who may own cases."""
    choices = [{"value": u.username, "label": _person(u)} for u in owner_candidates(session)]
    return {"type": "default", "id": "case-owner", "components": [
        {"type": "select", "key": "owner_username", "label": _("Sagsbehandler"), "values": choices,
         "validate": {"required": True},
         "description": _("Sagsbehandleren får sagens opgaver og beholder sagen gennem hele forløbet.")},
    ]}


def member_schema(session: Any) -> dict[str, Any]:
    """The form that adds a person to the case (owner and team leads)."""
    users = session.scalars(select(User).where(User.active).order_by(User.username))
    return {"type": "default", "id": "case-member", "components": [
        {"type": "select", "key": "member_username", "label": _("Medarbejder"), "validate": {"required": True},
         "values": [{"value": u.username, "label": _person(u)} for u in users]},
        {"type": "select", "key": "member_role", "label": _("Rolle"), "validate": {"required": True},
         "values": [{"value": key, "label": str(name)} for key, name in ROLE_NAMES.items()],
         "description": _("En rådgiver arbejder med på sagen. En vidensperson giver sparring og ser ikke "
                          "sagens indhold.")},
        {"type": "datetime", "subtype": "date", "key": "member_until", "dateLabel": _("Tilknyttet til og med"),
         "description": _("Valgfrit. Tom betyder, indtil personen tages af sagen.")},
    ]}


def nearest_deadline(tasks: list[Task], deadlines: list[CaseDeadline], at: datetime) -> CaseDeadline | None:
    """The deadline that comes first among those still running: open tasks (also overdue ones) and
    waiting timers."""
    running = [d for d in deadlines if d.state == "open"]
    running += [CaseDeadline(t.name, t.due_at, "missed", t.due_rule)
                for t in tasks if t.state == READY and t.due_at is not None and t.due_at <= at]
    return min(running, key=lambda d: d.due_at, default=None)


def render_case(case_id: UUID, *, consent: Rejected | None = None, contact: Rejected | None = None,
                owner: Rejected | None = None, member: Rejected | None = None,
                record: RecordForms | None = None, status: int = 200) -> ResponseReturnValue:
    """The case page as the user's access allows; the given forms are shown again with their errors."""
    session, user, moment = get_session(), me(), now()
    case, access = case_with_access(session, case_id, user, moment, "header")
    tasks = case_tasks(session, case_id)
    ready = [t for t in tasks if t.state == READY]
    deadlines = case_deadlines(session, tasks, case_id, moment)
    safe = integrations.safe_contact(session, case_id) if access.safe_contact else None
    today = local_today(moment)
    members = [{"user": u, "role": str(ROLE_NAMES.get(m.role, m.role)), "until": m.until,
                "ended": m.until is not None and m.until < today} for m, u in case_members(session, case_id)]
    context: dict[str, Any] = dict(
        case=case, access=access, me=user, tasks=tasks, ready=ready, deadlines=deadlines, members=members,
        nearest=nearest_deadline(tasks, deadlines, moment), rules={rule.key: rule for rule in list_rules(session)},
        contact=safe, contact_flags=integrations.safe_contact_flags(safe),
        my_tasks=[t for t in ready if t.id in access.task_ids],
    )
    kind = READ_CASE
    if access.content:
        context.update(_content(session, case, access, tasks, safe, consent, contact, owner, member))
        context.update(record_context(session, case, record))  # "Sagens akter" (webui.ui.case_record)
        context.update(persons_panel(session, case, access))  # persons, signals, family (webui.ui.case_persons)
        page = render_template("case.html", **context)
    else:
        if access.digest:  # a knowledge person: the anonymised digest, never the record
            context["digest"] = case_digest(session, case_id, user, service_clock())
            kind = READ_DIGEST
        page = render_template("case_limited.html", **context)
    # Every page that shows the case is a read of it, also the one that shows a rejected form again.
    log_access(session, case_id, user, kind, channel="ui", purpose=access.purpose, reason=access.reason)
    return page, status


def _content(session: Any, case: Any, access: Access, tasks: list[Task], safe: Any,
             consent: Rejected | None, contact: Rejected | None, owner: Rejected | None,
             member: Rejected | None) -> dict[str, Any]:
    """What the full case page adds for those who may read the content."""
    user = me()
    timeline = case_events.list_events(session, case.id)
    staff = {e.actor for e in timeline if e.actor and e.actor != "system"}
    staff |= {t.assignee.username for t in tasks if t.assignee is not None}
    context: dict[str, Any] = dict(
        events=timeline, sharing=integrations.case_consents(session, case.id, user, service_clock()),
        staff=users_by_name(session, staff), risk=case_risk(session, case, service_clock()), risk_names=RISK_NAMES,
        active_ids=sorted({t.bpmn_id for t in tasks if t.state == READY}), completed_ids=completed_elements(tasks),
        owner_failed=bool(owner and owner[1]), member_failed=bool(member and member[1]),
    )
    if access.case_work:
        consent_values, consent_errors = consent or ({}, {})
        contact_values, contact_errors = contact or (safe_contact_values(safe), {})
        context.update(
            consent_form=render_form(consent_schema(), consent_values, consent_errors, tz=_tz()),
            contact_form=render_form(safe_contact_schema(), contact_values, contact_errors, tz=_tz()),
            consent_failed=bool(consent_errors), contact_failed=bool(contact_errors))
    if access.supervises:
        values, problems = owner or ({"owner_username": case.owner.username if case.owner else ""}, {})
        context["owner_form"] = render_form(owner_schema(session), values, problems, tz=_tz())
    if access.manages:
        values, problems = member or ({}, {})
        context["member_form"] = render_form(member_schema(session), values, problems, tz=_tz())
    return context


@bp.get("")
@login_required
def find() -> ResponseReturnValue:
    """The case list (webui.ui.case_list); `?sag=2026-000123` goes to the case if the user may see it.

    A case the user may not see gets the same answer as a missing one, and no break-the-glass link:
    that would tell that the reference exists. Break the glass is reached from a case link someone
    gives you (/sager/<id>, whose 404 page links to /sager/<id>/noedadgang).
    """
    from webui.ui.case_list import find_or_list  # the list's own module (engine.cases.search)

    return find_or_list()


@bp.get("/<uuid:case_id>")
@login_required
def show(case_id: UUID) -> ResponseReturnValue:
    """A case the user may see; otherwise the 404 of a missing case, with the way to break the glass."""
    try:
        return render_case(case_id)
    except DomainNotFound:
        # The same page whether the case is missing or not the user's: the id is already in the URL.
        return render_template("case_not_found.html", case_id=case_id), 404


@bp.get("/<uuid:case_id>/diagram.bpmn")
@login_required
def diagram(case_id: UUID) -> ResponseReturnValue:
    """The BPMN XML of the version the case runs on, for the diagram viewer (the case's content)."""
    case, _access = case_with_access(get_session(), case_id, me(), now(), "content")
    return diagram_response(case.process_version.bpmn_xml)  # a download, never rendered by the browser


def problems_of(exc: InvalidInput, fields: dict[str, str] | None = None) -> dict[str, str]:
    """{form field: message} of an engine refusal; `fields` renames the engine's field names."""
    fields = fields or {}
    found = {fields.get(str(d["field"]), str(d["field"])): str(d.get("message", ""))
             for d in exc.details if d.get("field")}
    return found or {"_": _("Oplysningerne kunne ikke bruges.")}


def _case_work(case_id: UUID) -> None:
    """Consents and safe contact: the owner's circle and the team leads (403; 404 without a relation)."""
    case_with_access(get_session(), case_id, me(), now(), "case_work")


@bp.post("/<uuid:case_id>/samtykker")
@login_required
def add_consent(case_id: UUID) -> ResponseReturnValue:
    """Record a consent to share information."""
    _case_work(case_id)
    schema = consent_schema()
    data, problems = coerce(schema, request.form, tz=_tz())
    if not problems:
        try:
            moment = data.pop("given_at", None)
            consent_service.record_consent(
                get_session(), case_id, me(), given_by=data.get("given_by") or "",
                giver_name=data.get("giver_name") or "", giver_capacity=data.get("giver_capacity") or "",
                recipient_kind=data.get("recipient_kind") or "", scope=data.get("scope") or "",
                purpose=data.get("purpose") or "", given_at=_instant(moment), clock=service_clock())
            flash(_("Samtykket er registreret."), "success")
            return redirect(url_for("cases.show", case_id=case_id, _anchor="samtykker"))
        except InvalidInput as exc:
            get_session().rollback()
            problems = problems_of(exc)
    return render_case(case_id, consent=(raw_values(schema, request.form), problems), status=422)


@bp.post("/<uuid:case_id>/samtykker/<uuid:consent_id>/tilbagekald")
@login_required
def withdraw_consent(case_id: UUID, consent_id: UUID) -> ResponseReturnValue:
    """Withdraw a consent: no later disclosure may rely on it."""
    _case_work(case_id)
    try:
        consent_service.withdraw_consent(get_session(), consent_id, me(), at=now(), clock=service_clock())
        flash(_("Samtykket er trukket tilbage."), "success")
    except Conflict:
        get_session().rollback()
        flash(_("Samtykket var allerede trukket tilbage."), "error")
    return redirect(url_for("cases.show", case_id=case_id, _anchor="samtykker"))


@bp.post("/<uuid:case_id>/sikker-kontakt")
@login_required
def set_safe_contact(case_id: UUID) -> ResponseReturnValue:
    """Replace the case's safe-contact instructions."""
    _case_work(case_id)
    schema = safe_contact_schema()
    data, problems = coerce(schema, request.form, tz=_tz())
    if not problems:
        try:
            consent_service.set_safe_contact(get_session(), case_id, me(), clock=service_clock(), **data)
            flash(_("Instruksen om sikker kontakt er gemt."), "success")
            return redirect(url_for("cases.show", case_id=case_id))
        except InvalidInput as exc:
            get_session().rollback()
            problems = problems_of(exc)
    return render_case(case_id, contact=(raw_values(schema, request.form), problems), status=422)


def _instant(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None
