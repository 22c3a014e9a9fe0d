"""A user with a one-time password (given by an administrator on /admin/brugere) chooses their own
before anything else: every page sends them to "/profil/adgangskode" until they have, where the
one-time password is the current one. Setting a password clears the mark
(engine.users.service.set_password)."""

from __future__ import annotations

from flask import Flask, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

# What such a user may still reach: the password page, signing in and out, static files. The API
# takes tokens, never the session cookie, and a new user has none.
ALLOWED = frozenset({"profile.password", "auth.logout", "auth.login", "static"})
ALLOWED_BLUEPRINTS = frozenset({"api", "oidc"})


def _must_change() -> bool:
    return bool(current_user and current_user.is_authenticated and current_user.user.must_change_password)


def install(app: Flask) -> None:
    """Register the check on every request of `app`."""

    @app.before_request
    def _choose_own_password() -> ResponseReturnValue | None:
        if request.endpoint in ALLOWED or request.blueprint in ALLOWED_BLUEPRINTS or not _must_change():
            return None
        flash(_("Du er logget ind med en engangsadgangskode. Vælg din egen adgangskode, før du fortsætter – "
                "engangsadgangskoden er den nuværende."), "info")
        return redirect(url_for("profile.password"))
