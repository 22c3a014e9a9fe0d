"""Which groups of the municipality's directory give which casepath group, for administrators
("/admin/brugere/organisationsgrupper"): the mapping is data (engine/users/group_mapping.py), like
the lane mapping, and applies from each person's next sign-in with the identity provider."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import InvalidInput, NotFound
from engine.users import accounts, group_mapping
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import admin_required, me

bp = Blueprint("oidc_admin", __name__, url_prefix="/admin/brugere/organisationsgrupper")
errors.install(bp)


def _page(problems: dict[str, str] | None = None, value: str = "", group: str = "") -> ResponseReturnValue:
    session = get_session()
    return render_template(
        "admin_group_mappings.html", mappings=group_mapping.mappings(session),
        unmapped=group_mapping.unmapped_values(session), groups=accounts.list_groups(session),
        oidc_enabled=current_app.config["CASEPATH"].oidc_enabled, problems=problems or {}, value=value,
        group=group,
    ), 422 if problems else 200


@bp.get("")
@admin_required
def index() -> ResponseReturnValue:
    """The mapping, the values seen that map to nothing, and a form to map one."""
    return _page()


@bp.post("")
@admin_required
def save() -> ResponseReturnValue:
    """Map a provider value to a group (or move it to another group)."""
    value, group = (request.form.get("external_value") or "")[:300], request.form.get("group_key") or ""
    try:
        group_mapping.set_mapping(get_session(), value, group, me())
    except InvalidInput as exc:
        get_session().rollback()
        field = exc.details[0]["field"] if exc.details else "external_value"
        message = (_("Vælg en gruppe.") if field == "group_key"
                   else _("Skriv værdien, som organisationen sender (1-255 tegn)."))
        return _page({field: message}, value, group)
    flash(_("»%(value)s« giver nu gruppen %(group)s fra næste login.", value=value.strip(), group=group), "success")
    return redirect(url_for("oidc_admin.index"))


@bp.post("/slet")
@admin_required
def delete() -> ResponseReturnValue:
    """Stop a provider value giving a group."""
    value = request.form.get("external_value") or ""
    try:
        group_mapping.delete_mapping(get_session(), value, me())
    except NotFound:
        flash(_("Tilknytningen findes ikke længere."), "info")
    else:
        flash(_("»%(value)s« giver ikke længere en gruppe (fra næste login).", value=value), "success")
    return redirect(url_for("oidc_admin.index"))
