"""Accounts for administrators ("/admin/brugere"): create a user with a one-time password (shown
once; the user must choose their own at first sign-in, webui/ui/first_password.py), deactivate a
leaver, move someone between groups, revoke their API tokens. Tasks the person held go back to
their groups (engine.users.accounts)."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from engine.users import accounts, group_mapping
from engine.users.models import User
from engine.users.names import USERNAME_PATTERN
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import admin_required, me

bp = Blueprint("admin_users", __name__, url_prefix="/admin/brugere")
errors.install(bp)

GROUP_KEY = re.compile(accounts.GROUP_KEY_PATTERN)
USERNAME = re.compile(USERNAME_PATTERN)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@bp.get("")
@admin_required
def index() -> ResponseReturnValue:
    """Every user with access state and groups."""
    session = get_session()
    return render_template("admin_users.html", users=accounts.list_users(session, me()),
                           unmapped=group_mapping.unmapped_values(session),
                           oidc_enabled=current_app.config["CASEPATH"].oidc_enabled)


def parse_new_user_form(session: Any, form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """({username, email, groups}, {field: Danish message}) for a new user."""
    values = {"username": (form.get("username") or "").strip()[:65], "email": (form.get("email") or "").strip(),
              "groups": sorted(set(form.getlist("groups")))}
    problems: dict[str, str] = {}
    if not USERNAME.match(values["username"]):
        problems["username"] = _("Skriv et brugernavn med bogstaver, tal og . _ @ - (højst 64 tegn, ingen "
                                 "mellemrum).")
    elif session.scalar(select(User.id).where(User.username == values["username"])) is not None:
        problems["username"] = _("Der findes allerede en bruger med det brugernavn.")
    if not EMAIL.match(values["email"]) or len(values["email"]) > 254:
        problems["email"] = _("Skriv en e-mailadresse som navn@eksempel.dk.")
    new_group = (form.get("new_group") or "").strip().lower()
    if new_group and not GROUP_KEY.match(new_group):
        problems["new_group"] = _("Skriv en gruppenøgle med a-z, 0-9, - og _ (højst 64 tegn).")
    elif new_group:
        values["groups"] = sorted({*values["groups"], new_group})
    if not values["groups"] and "new_group" not in problems:
        problems["groups"] = _("Vælg mindst én gruppe.")
    return values, problems


@bp.route("/ny", methods=["GET", "POST"])
@admin_required
def create() -> ResponseReturnValue:
    """A new user with a one-time password, shown once on the answer page (never stored in clear)."""
    session = get_session()
    values: dict[str, Any] = {"username": "", "email": "", "groups": []}
    problems: dict[str, str] = {}
    if request.method == "POST":
        values, problems = parse_new_user_form(session, request.form)
        if not problems:
            user, password = accounts.create_account(session, values["username"], values["email"],
                                                     values["groups"], me())
            page = render_template("admin_user_created.html", account=user, password=password)
            return page, 200, {"Cache-Control": "no-store"}  # the password must not stay in a cache
    return render_template("admin_user_new.html", values=values, problems=problems,
                           groups=accounts.list_groups(session),
                           new_group=(request.form.get("new_group") or "")[:64]), 422 if problems else 200


def parse_account_form(form: Any, user: User) -> tuple[dict[str, Any], dict[str, str]]:
    """({active, add, remove}, {field: Danish message}) from the checkboxes and the new-group field."""
    chosen = set(form.getlist("groups"))
    problems: dict[str, str] = {}
    new_group = (form.get("new_group") or "").strip().lower()
    if new_group:
        if GROUP_KEY.match(new_group):
            chosen.add(new_group)
        else:
            problems["new_group"] = _("Skriv en gruppenøgle med a-z, 0-9, - og _ (højst 64 tegn).")
    if not chosen:
        problems["groups"] = _("Vælg mindst én gruppe.")
    current = user.group_keys
    change = {"active": form.get("active") == "1", "add": sorted(chosen - current),
              "remove": sorted(current - chosen)}
    return change, problems


@bp.route("/<uuid:user_id>", methods=["GET", "POST"])
@admin_required
def edit(user_id: UUID) -> ResponseReturnValue:
    """Access on or off and the groups of one user; their API tokens below."""
    session = get_session()
    user = accounts.user_by_id(session, user_id)
    problems: dict[str, str] = {}
    chosen, active, new_group = set(user.group_keys), user.active, ""
    if request.method == "POST":
        change, problems = parse_account_form(request.form, user)
        if not problems:
            try:
                result = accounts.update_account(session, user, actor=me(), **change)
            except accounts.LastAdministrator as exc:
                session.rollback()
                field = "active" if exc.details[0]["field"] == "active" else "groups"
                problems[field] = _("Der skal altid være mindst én aktiv administrator.")
            else:
                flash(_("%(name)s er gemt. Opgaver lagt tilbage til grupperne: %(n)s.",
                        name=user.username, n=result.released_tasks), "success")
                return redirect(url_for("admin_users.edit", user_id=user.id))
        chosen, active = set(request.form.getlist("groups")), request.form.get("active") == "1"
        new_group = (request.form.get("new_group") or "")[:64]
    return render_template(
        "admin_user.html", account=user, groups=accounts.list_groups(session), chosen=chosen, active=active,
        new_group=new_group, problems=problems, tokens=accounts.list_tokens(session, user),
    ), 422 if problems else 200


@bp.post("/<uuid:user_id>/tokens")
@admin_required
def revoke_tokens(user_id: UUID) -> ResponseReturnValue:
    """Revoke every API token of the user."""
    session = get_session()
    user = accounts.user_by_id(session, user_id)
    count = accounts.revoke_tokens(session, user)
    flash(_("API-nøgler tilbagekaldt: %(n)s.", n=count), "success")
    return redirect(url_for("admin_users.edit", user_id=user.id))
