"""A person's request for insight, for administrators: "/admin/personer" finds the person by CPR number
(posted, never in the address), "/admin/personer/<id>/indsigt" is the printable answer in Danish."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import InvalidInput
from engine.persons import cpr as cpr_numbers
from engine.persons.insight import InsightRow, insight_for_cpr, person_insight
from engine.persons.models import Person
from webui.clock import now
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import admin_required, me

bp = Blueprint("person_insight", __name__, url_prefix="/admin/personer")
errors.install(bp)

KINDS = {
    "read_case": _l("Så sagen"), "read_task": _l("Åbnede en opgave"), "read_timeline": _l("Læste sagens forløb"),
    "read_consents": _l("Læste samtykker"), "read_safe_contact": _l("Så sikker kontakt"),
    "read_record": _l("Læste sagens akter"), "read_attachment": _l("Hentede et bilag"),
    "export": _l("Eksporterede sagen"), "read_digest": _l("Læste et anonymiseret resumé"),
    "read_diagram": _l("Så sagens forløbsdiagram"), "search_case": _l("Søgning fandt sagen"),
    "read_persons": _l("Så sagens personer"), "lookup": _l("Søgte på CPR-nummeret"),
    "read_person": _l("Så personens oplysninger"), "change_person": _l("Ændrede personens oplysninger"),
    "create_person": _l("Registrerede personen"), "insight": _l("Besvarede en anmodning om indsigt"),
}
PURPOSES = {
    "owner_work": _l("Sagsbehandler på sagen"), "case_work": _l("Sagsbehandling"), "task": _l("Opgave i sagen"),
    "supervision": _l("Teamleders tilsyn"), "break_glass": _l("Nødadgang"), "digest": _l("Sparring"),
    "administration": _l("Administration"), "registration": _l("Registrering"),
    "insight_request": _l("Anmodning om indsigt"), "operator": _l("Drift"),
}


@bp.route("", methods=["GET", "POST"])
@admin_required
def find() -> ResponseReturnValue:
    """The form for a CPR number; posted, the answer for the person with it (or its look-ups only)."""
    if request.method == "GET":
        return render_template("person_insight_find.html", problem=None)
    try:
        cpr_numbers.parse(request.form.get("cpr", ""))
    except InvalidInput:
        problem = _("Skriv et CPR-nummer som DDMMÅÅ-XXXX med en gyldig dato.")
        return render_template("person_insight_find.html", problem=problem), 422
    person, rows = insight_for_cpr(get_session(), request.form["cpr"], me(), now(), channel="ui")
    return _answer(person, rows)


@bp.get("/<uuid:person_id>/indsigt")
@admin_required
def show(person_id: UUID) -> ResponseReturnValue:
    """The printable answer for one person."""
    person, rows = person_insight(get_session(), person_id, me(), now(), channel="ui")
    return _answer(person, rows)


def _answer(person: Person | None, rows: list[InsightRow]) -> ResponseReturnValue:
    return render_template("person_insight.html", person=person, rows=rows, kinds=KINDS, purposes=PURPOSES,
                           printed_at=now(), printed_by=me().username)
