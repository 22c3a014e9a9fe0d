"""Signing in with user name and password (Flask-Login), signing out."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import lru_cache, wraps
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from sqlalchemy import select

from engine.users import login_throttle as throttle
from engine.users.models import User
from engine.users.permissions import require_admin
from engine.users.service import check_password, end_sessions
from webui import clock
from webui.database import get_session
from webui.ui import errors, sessions
from webui.ui.security import ip_key, login_key

bp = Blueprint("auth", __name__)
errors.install(bp)
login_manager = LoginManager()
MAX_PASSWORD = 1024


class AuthUser(UserMixin):
    """The signed-in user for Flask-Login; `user` is the database row of this request."""

    def __init__(self, user: User) -> None:
        """Wrap `user`."""
        self.user = user

    def get_id(self) -> str:
        """The id kept in the session cookie."""
        return str(self.user.id)

    @property
    def is_active(self) -> bool:
        """Deactivated users are signed out on their next request."""
        return bool(self.user.active)


def me() -> User:
    """The signed-in user's row (views are all `login_required`)."""
    return current_user.user


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in and an administrator (others get the 403 page)."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_admin(me(), "use the administration pages")
        return view(*args, **kwargs)

    return wrapper


@login_manager.user_loader
def _load_user(user_id: str) -> AuthUser | None:
    try:
        uid = UUID(user_id)
    except ValueError:
        return None
    user = get_session().get(User, uid)
    if user is None or not user.active or not sessions.still_valid(user):
        _forget_sign_in()
        return None
    return AuthUser(user)


def _forget_sign_in() -> None:
    # Not logout_user(): it asks for current_user, which is what is being loaded. The CSRF token
    # stays, so a form posted with it (the sign-in form) still passes.
    for key in ("_user_id", "_fresh", "_id", sessions.EPOCH, sessions.SIGNED_IN, sessions.SEEN):
        session.pop(key, None)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return PasswordHasher().hash("casepath-dummy-password")


def _spend_like_a_check(password: str) -> None:
    """Verify against a dummy hash so unknown user names take as long as wrong passwords."""
    with suppress(VerificationError):
        PasswordHasher().verify(_dummy_hash(), password)


def safe_next(target: str | None) -> str:
    r"""A path on this site to go to after signing in; anything else means the inbox.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so `/\t/evil.test`
    and `/\evil.test` lead off the site: a path may hold no whitespace, control character or
    backslash, and may not begin with two slashes.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("inbox.index")
    if any(char.isspace() or not char.isprintable() for char in target):
        return url_for("inbox.index")
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else url_for("inbox.index")


def render_login(error: str | None = None, status: int = 200) -> ResponseReturnValue:
    """The sign-in page (the user name typed is kept after a failed attempt)."""
    username = (request.form.get("username") or "")[:64] if request.method == "POST" else ""
    target = request.form.get("next") if request.method == "POST" else request.args.get("next")
    return render_template("login.html", error=error, next=target or "", username=username), status


@bp.route("/log-ind", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; check the password (failed attempts are rate-limited); start a fresh session."""
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    if request.method == "GET":
        return render_login()
    if not current_app.config["CASEPATH"].local_login:  # CASEPATH_LOCAL_LOGIN=false: the provider only
        return render_login(_("Log ind med adgangskode er slået fra. Brug organisationens konto."), 403)
    db, now, user_key, address_key = get_session(), clock.now(), login_key(), ip_key()
    if throttle.blocked(db, user_key, address_key, now):
        return render_login(_("For mange loginforsøg. Vent et minut, og prøv igen."), 429)
    username = (request.form.get("username") or "").strip()[:64]
    password = (request.form.get("password") or "")[:MAX_PASSWORD]
    user = db.scalar(select(User).where(User.username == username)) if username else None
    if user is None:
        _spend_like_a_check(password)
    elif check_password(user, password):
        throttle.forget(db, user_key)
        target = safe_next(request.form.get("next"))
        session.clear()  # a new session on sign-in (no fixation); it also renews the CSRF token
        login_user(AuthUser(user))
        sessions.start(user)
        return redirect(target)
    throttle.record_failure(db, user_key, address_key, now)
    return render_login(_("Forkert brugernavn eller adgangskode."))


@bp.post("/log-ud")
@login_required
def logout() -> ResponseReturnValue:
    """End the session, and every other session of the user: a copy of the cookie stops working too."""
    from webui.ui import oidc  # it imports this module

    end_sessions(me())
    get_session().commit()
    via_provider = bool(session.get(oidc.VIA_PROVIDER))
    logout_user()
    session.clear()
    flash(_("Du er logget ud."), "info")
    return oidc.provider_logout(via_provider) or redirect(url_for("auth.login"))


def configure(app: Flask) -> None:
    """Install Flask-Login."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log ind for at se siden.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
