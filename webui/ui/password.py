"""Changing one's own password ("/profil/adgangskode"): the current one, the new one twice.

The new password follows engine.users.passwords (NIST SP 800-63B: length and a blocklist); the
change ends every other session of the user, and this one goes on under a fresh cookie.
Wrong guesses of the current password count against the sign-in limit of this address and user.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user

from engine.users import login_throttle as throttle
from engine.users import passwords
from engine.users.service import check_password, set_password
from webui import clock
from webui.database import get_session
from webui.ui import sessions
from webui.ui.auth import MAX_PASSWORD, AuthUser, me
from webui.ui.security import ip_key, login_key

FIELDS = ("current_password", "new_password", "new_password_again")


def policy_message(reason: str) -> str:
    """The password rule's refusal in the user's language."""
    return {
        passwords.TOO_SHORT: _("Adgangskoden skal være på mindst %(count)d tegn.", count=passwords.MIN_LENGTH),
        passwords.TOO_LONG: _("Adgangskoden må højst være på %(count)d tegn.", count=passwords.MAX_LENGTH),
        passwords.COMMON: _("Adgangskoden er for almindelig eller let at gætte. Vælg en anden – "
                            "fx en sætning på nogle ord."),
        passwords.HAS_USERNAME: _("Adgangskoden må ikke indeholde dit brugernavn."),
    }[reason]


def _labels() -> dict[str, str]:
    return {"current_password": _("Nuværende adgangskode"), "new_password": _("Ny adgangskode"),
            "new_password_again": _("Gentag den nye adgangskode")}


def _render(problems: dict[str, str], status: int = 200) -> ResponseReturnValue:
    labels = _labels()
    error_list = [(f"password-{name}", labels[name], problems[name]) for name in FIELDS if name in problems]
    return render_template("password.html", labels=labels, problems=problems, error_list=error_list,
                           min_length=passwords.MIN_LENGTH), status


def _problems(current: str, new: str, again: str) -> dict[str, str]:
    """What is wrong with the form, by field (the current password is checked by the caller)."""
    if not check_password(me(), current):
        return {"current_password": _("Den nuværende adgangskode er forkert.")}
    try:
        passwords.check_password(new, me().username)
    except passwords.WeakPassword as exc:
        return {"new_password": policy_message(exc.reason)}
    if new != again:
        return {"new_password_again": _("De to nye adgangskoder er ikke ens.")}
    return {}


def change_password() -> ResponseReturnValue:
    """GET: the form. POST: check, set the new password, end the other sessions, start a fresh one."""
    if request.method == "GET":
        return _render({})
    db, now, user = get_session(), clock.now(), me()
    user_key, address_key = login_key(user.username), ip_key()
    if throttle.blocked(db, user_key, address_key, now):
        return _render({"current_password": _("For mange forsøg. Vent et minut, og prøv igen.")}, 429)
    current, new, again = (request.form.get(name, "")[:MAX_PASSWORD + 1] for name in FIELDS)
    problems = _problems(current, new, again)
    if "current_password" in problems:
        throttle.record_failure(db, user_key, address_key, now)
    if problems:
        return _render(problems, 422)
    set_password(db, user.username, new)  # raises the session epoch: every session ends
    session.clear()  # and this one starts again under the new epoch, with a new CSRF token
    login_user(AuthUser(user))
    sessions.start(user)
    flash(_("Din adgangskode er skiftet. Du er logget ud alle andre steder."), "success")
    return redirect(url_for("profile.profile"))
