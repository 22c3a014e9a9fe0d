"""The case page's persons ("Personer i sagen"), signals from other units and family links.

The panel is part of the full case page (webui.ui.cases.render_case asks `persons_panel` for its
context once the access rule has granted the content). Those who do case work add a person (looked up
by CPR number, or registered), open a signal on a legal basis and link a family case here; a refused
form is shown again on the case page (422) with Danish messages beside the fields. The threat warning
(`case_threats`, a template global) is shown wherever contact details of the family appear: the case
page, the limited case page of a task's candidates and the task pages.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from engine.cases.models import Case
from engine.cases.need_to_know import case_with_access
from engine.consent.service import legal_exceptions
from engine.errors import Conflict, InvalidInput
from engine.errors import NotFound as DomainNotFound
from engine.persons import family, links, signals
from engine.persons.models import CasePerson, Person
from webui.clock import now
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.case_person_form import add_person, person_schema
from webui.ui.formdata import coerce, raw_values
from webui.ui.forms import render_form

bp = Blueprint("case_persons", __name__, url_prefix="/sager")
errors.install(bp)
ANCHOR = "personer"
RELATION_NAMES = {"parent": _l("Forælder"), "sibling": _l("Søskende"), "partner": _l("Partner/ægtefælle"),
                  "other_family": _l("Anden familie"), "other": _l("Anden relation")}


def _tz() -> str:
    return current_app.config["CASEPATH"].timezone


def case_threats(case_id: UUID) -> list[dict[str, str]]:
    """The persons flagged as a threat on the case, for the warning (only rendered where the page's
    access check showed the case's safe contact or content)."""
    rows = get_session().execute(select(Person, CasePerson.relation).join(CasePerson, CasePerson.person_id == Person.id)
                                 .where(CasePerson.case_id == case_id, CasePerson.threat.is_(True))
                                 .order_by(CasePerson.added_at))
    return [{"label": person.label, "relation": str(RELATION_NAMES.get(relation, ""))} for person, relation in rows]


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"case_threats": case_threats, "RELATION_NAMES": RELATION_NAMES}


def persons_panel(session: Any, case: Case, access: Any) -> dict[str, Any]:
    """The panel's context for a reader of the case's content (checked by the caller)."""
    user, moment = me(), now()
    values, problems = getattr(g, "case_persons_form", None) or ({}, {})
    context: dict[str, Any] = dict(
        case_persons=links.persons_of_case(session, case.id),
        signals=signals.case_signals(session, case.id, user, moment),
        family_links=family.family_of(session, case.id, user, moment),
        person_failed=bool(problems), panel_problems=getattr(g, "case_persons_problems", {}),
    )
    if access.case_work:
        context.update(person_form=render_form(person_schema(), values, problems, tz=_tz()),
                       legal_bases=legal_exceptions(session))
    return context


def _again(case_id: UUID, values: dict[str, Any] | None = None, problems: dict[str, str] | None = None,
           panel: dict[str, str] | None = None) -> ResponseReturnValue:
    """The case page with the refused form (or the panel's message) shown again: 422."""
    from webui.ui.cases import render_case  # the case page's module imports this one

    get_session().rollback()
    if problems:
        g.case_persons_form = (values or {}, problems)
    g.case_persons_problems = panel or {}
    return render_case(case_id, status=422)


@bp.post("/<uuid:case_id>/personer")
@login_required
def add(case_id: UUID) -> ResponseReturnValue:
    """Add a person to the case: found by CPR number (logged with its purpose) or registered, then linked."""
    session = get_session()
    case_with_access(session, case_id, me(), now(), "case_work")
    schema = person_schema()
    data, problems = coerce(schema, request.form, tz=_tz())
    if not problems:
        problems = add_person(session, case_id, data, me(), now())
    if problems:
        return _again(case_id, raw_values(schema, request.form), problems)
    flash(_("Personen er tilføjet sagen."), "success")
    return redirect(url_for("cases.show", case_id=case_id, _anchor=ANCHOR))


@bp.post("/<uuid:case_id>/signaler/<uuid:signal_id>/aabn")
@login_required
def open_signal(case_id: UUID, signal_id: UUID) -> ResponseReturnValue:
    """Open a signal on a legal basis with a justification (case work)."""
    session = get_session()
    case_with_access(session, case_id, me(), now(), "case_work")
    try:
        signals.open_signal(session, case_id, signal_id, me(), now(),
                            legal_basis=request.form.get("legal_basis") or None,
                            justification=request.form.get("justification") or None)
    except InvalidInput as exc:
        return _again(case_id, panel={"signal": " ".join(str(d.get("message", "")) for d in exc.details)})
    flash(_("Signalet er åbnet og registreret som en videregivelse."), "success")
    return redirect(url_for("cases.show", case_id=case_id, _anchor="andre-enheder"))


@bp.post("/<uuid:case_id>/familie")
@login_required
def link_family(case_id: UUID) -> ResponseReturnValue:
    """Link a case of the same family by its reference (case work here, a relation to the other case)."""
    session = get_session()
    case_with_access(session, case_id, me(), now(), "case_work")
    reference = (request.form.get("reference") or "").strip()
    other = session.scalar(select(Case.id).where(Case.reference == reference)) if reference else None
    try:
        if other is None:
            raise DomainNotFound("no such case")
        family.link_family(session, case_id, other, me(), now())
    except DomainNotFound:  # missing or not the user's to see: the same answer
        return _again(case_id, panel={"family": _("Der er ingen sag med det sagsnummer, som du har adgang til.")})
    except InvalidInput:
        return _again(case_id, panel={"family": _("Vælg en anden sag end denne.")})
    except Conflict:
        return _again(case_id, panel={"family": _("Sagerne er allerede knyttet sammen.")})
    flash(_("Sagen er knyttet til en sag i familien."), "success")
    return redirect(url_for("cases.show", case_id=case_id, _anchor="familie"))


@bp.post("/<uuid:case_id>/familie/<uuid:link_id>/fjern")
@login_required
def unlink_family(case_id: UUID, link_id: UUID) -> ResponseReturnValue:
    """Remove a family link (case work)."""
    family.unlink_family(get_session(), case_id, link_id, me(), now())
    flash(_("Tilknytningen er fjernet."), "success")
    return redirect(url_for("cases.show", case_id=case_id, _anchor="familie"))
