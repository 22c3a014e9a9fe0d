"""The directory of external actors for administrators ("/admin/katalog"): list every entry, add one,
correct it, deactivate it (kept for the record, no longer shown on tasks) and activate it again.
Tasks show the active entries of their kind for the municipality's region and the national ones
(webui/ui/tasks.py: the action cards' "se kataloget")."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.directory import service
from engine.directory.models import KINDS, REGIONS
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import admin_required, me

bp = Blueprint("admin_directory", __name__, url_prefix="/admin/katalog")
errors.install(bp)

TEXT_FIELDS = ("name", "organisation", "phone", "email", "notes")
FIELDS = ("kind", "region", *TEXT_FIELDS)


def parse_entry_form(form: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(values, {field: message}) from the submitted strings."""
    values = {field: (form.get(field) or "").strip() for field in FIELDS}
    problems: dict[str, str] = {}
    if values["kind"] not in KINDS:
        problems["kind"] = _("Vælg en type.")
    if values["region"] and values["region"] not in REGIONS:
        problems["region"] = _("Vælg en region, eller hele landet.")
    if not values["name"]:
        problems["name"] = _("Skriv et navn.")
    if values["email"] and not service.EMAIL.match(values["email"]):
        problems["email"] = _("Skriv en e-mailadresse som navn@eksempel.dk.")
    for field in TEXT_FIELDS:
        if len(values[field]) > service.LIMITS[field]:
            problems[field] = _("Højst %(n)s tegn.", n=service.LIMITS[field])
    return values, problems


def _form(entry: Any, values: dict[str, str], problems: dict[str, str]) -> ResponseReturnValue:
    return render_template("admin_directory_entry.html", entry=entry, values=values, problems=problems,
                           kinds=KINDS, regions=REGIONS), 422 if problems else 200


@bp.get("")
@admin_required
def index() -> ResponseReturnValue:
    """Every entry, the active ones first."""
    return render_template("admin_directory.html", entries=service.all_entries(get_session(), me()))


@bp.route("/ny", methods=["GET", "POST"])
@admin_required
def create() -> ResponseReturnValue:
    """Add an entry."""
    if request.method == "GET":
        return _form(None, {field: "" for field in FIELDS}, {})
    values, problems = parse_entry_form(request.form)
    if problems:
        return _form(None, values, problems)
    entry = service.create_entry(get_session(), values, me())
    flash(_("%(name)s er tilføjet til kataloget.", name=entry.name), "success")
    return redirect(url_for("admin_directory.index"))


@bp.route("/<uuid:entry_id>", methods=["GET", "POST"])
@admin_required
def edit(entry_id: UUID) -> ResponseReturnValue:
    """Correct an entry."""
    session = get_session()
    entry = service.get_entry(session, entry_id, me())
    if request.method == "GET":
        return _form(entry, {field: getattr(entry, field) for field in FIELDS}, {})
    values, problems = parse_entry_form(request.form)
    if problems:
        return _form(entry, values, problems)
    service.update_entry(session, entry_id, values, me())
    flash(_("%(name)s er gemt.", name=entry.name), "success")
    return redirect(url_for("admin_directory.index"))


@bp.post("/<uuid:entry_id>/aktiv")
@admin_required
def set_active(entry_id: UUID) -> ResponseReturnValue:
    """Deactivate an entry (no longer shown on tasks), or activate it again."""
    active = request.form.get("active") == "1"
    entry = service.update_entry(get_session(), entry_id, {"active": active}, me())
    flash(_("%(name)s vises igen på opgaverne.", name=entry.name) if active else
          _("%(name)s er deaktiveret og vises ikke længere på opgaverne.", name=entry.name), "success")
    return redirect(url_for("admin_directory.index"))
