"""The case owner and the case members, from the case page's "Sagsbehandler og tilknyttede".

A team lead sets or changes the owner ("/sager/<case_id>/sagsbehandler"); the owner or a team lead
adds a second caseworker or a knowledge person ("/sager/<case_id>/tilknyttede") and takes them off
again ("/sager/<case_id>/tilknyttede/<username>/fjern"). The engine checks who may (403, or 404
without a relation to the case) and what is valid; its Danish messages are shown beside the fields.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from engine.cases.members import add_member, remove_member
from engine.cases.need_to_know import case_with_access
from engine.cases.owner import set_owner
from engine.errors import InvalidInput
from engine.errors import NotFound as DomainNotFound
from engine.users.models import User
from webui.clock import now, service_clock
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.cases import ROLE_NAMES, member_schema, owner_schema, problems_of, render_case
from webui.ui.formdata import coerce, raw_values, required_problems

bp = Blueprint("case_people", __name__, url_prefix="/sager")
errors.install(bp)

ANCHOR = "sagsbehandler"


def _translated(problems: dict[str, str]) -> dict[str, str]:
    """The engine's Danish messages in the user's language."""
    known = {
        "Ukendt eller inaktiv bruger.": _("Ukendt eller inaktiv bruger."),
        "Brugeren er ikke rådgiver i en gruppe, der kan eje sager.":
            _("Brugeren er ikke rådgiver i en gruppe, der kan eje sager."),
        "Vælg rådgiver eller vidensperson.": _("Vælg rådgiver eller vidensperson."),
        "Datoen må ikke ligge i fortiden.": _("Datoen må ikke ligge i fortiden."),
    }
    return {field: known.get(message, message) for field, message in problems.items()}


def _name(username: str) -> str:
    user = get_session().scalar(select(User).where(User.username == username))
    return user.display_name if user is not None else username


@bp.post("/<uuid:case_id>/sagsbehandler")
@login_required
def set_case_owner(case_id: UUID) -> ResponseReturnValue:
    """Set or change the case owner (team leads); the owner's open tasks of the case follow."""
    session = get_session()
    case_with_access(session, case_id, me(), now(), "supervises")
    schema = owner_schema(session)
    data, problems = coerce(schema, request.form, tz=current_app.config["CASEPATH"].timezone)
    problems = problems or required_problems(schema, data)
    if not problems:
        try:
            set_owner(session, case_id, data["owner_username"], me(), service_clock())
            flash(_("%(name)s er nu sagsbehandler på sagen.", name=_name(data["owner_username"])), "success")
            return redirect(url_for("cases.show", case_id=case_id, _anchor=ANCHOR))
        except InvalidInput as exc:
            session.rollback()
            problems = _translated(problems_of(exc, {"username": "owner_username"}))
    return render_case(case_id, owner=(raw_values(schema, request.form), problems), status=422)


@bp.post("/<uuid:case_id>/tilknyttede")
@login_required
def add_case_member(case_id: UUID) -> ResponseReturnValue:
    """Add a caseworker or a knowledge person to the case, optionally until a date (owner, team leads)."""
    session = get_session()
    case_with_access(session, case_id, me(), now(), "manages")
    schema = member_schema(session)
    data, problems = coerce(schema, request.form, tz=current_app.config["CASEPATH"].timezone)
    problems = problems or required_problems(schema, data)
    if not problems:
        until = date.fromisoformat(data["member_until"]) if data.get("member_until") else None
        try:
            add_member(session, case_id, data["member_username"], data["member_role"], until, me(),
                       service_clock())
            flash(_("%(name)s er tilknyttet sagen som %(role)s.", name=_name(data["member_username"]),
                    role=str(ROLE_NAMES[data["member_role"]]).lower()), "success")
            return redirect(url_for("cases.show", case_id=case_id, _anchor=ANCHOR))
        except InvalidInput as exc:
            session.rollback()
            problems = _translated(problems_of(exc, {"username": "member_username", "role": "member_role",
                                                     "until": "member_until"}))
    return render_case(case_id, member=(raw_values(schema, request.form), problems), status=422)


@bp.post("/<uuid:case_id>/tilknyttede/<username>/fjern")
@login_required
def remove_case_member(case_id: UUID, username: str) -> ResponseReturnValue:
    """Take a person off the case (owner, team leads)."""
    session = get_session()
    case_with_access(session, case_id, me(), now(), "manages")
    try:
        remove_member(session, case_id, username, me(), service_clock())
        flash(_("%(name)s er taget af sagen.", name=_name(username)), "success")
    except DomainNotFound:  # not (or no longer) a member: the case itself was checked above
        session.rollback()
        flash(_("Personen er ikke tilknyttet sagen."), "error")
    return redirect(url_for("cases.show", case_id=case_id, _anchor=ANCHOR))
