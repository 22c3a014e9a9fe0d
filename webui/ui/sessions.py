"""When a sign-in session ends.

The session is Flask's signed cookie, so the server keeps no list of sessions; three stamps in the
cookie and one number on the user decide instead:

- the user's `session_epoch` at sign-in: sign-out, a new password, deactivation and revoking all
  API tokens raise it (engine.users.service.end_sessions), and every cookie issued before stops
  working, also a copy someone kept;
- when the user signed in: after CASEPATH_SESSION_MAX_HOURS the session ends however active it was;
- the last request: after CASEPATH_SESSION_IDLE_MINUTES without one the session ends.

Ages are measured on the real clock, not the app's service clock: tests move the service clock
through weeks of deadlines while the same browser stays signed in.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, session

from engine.clock import system_clock
from engine.users.models import User

EPOCH, SIGNED_IN, SEEN = "cp_epoch", "cp_signed_in", "cp_seen"


def _now() -> int:
    return int(system_clock().timestamp())


def lifetimes() -> tuple[timedelta, timedelta]:
    """(idle timeout, absolute lifetime) from the settings."""
    settings = current_app.config["CASEPATH"]
    return timedelta(minutes=settings.session_idle_minutes), timedelta(hours=settings.session_max_hours)


def start(user: User) -> None:
    """Stamp a fresh session for `user` (call right after login_user)."""
    now = _now()
    session[EPOCH] = user.session_epoch
    session[SIGNED_IN] = now
    session[SEEN] = now
    session.permanent = True  # the cookie's own expiry follows the idle timeout (PERMANENT_SESSION_LIFETIME)


def still_valid(user: User) -> bool:
    """True when the session may go on for `user`; then it counts as used now."""
    idle, lifetime = lifetimes()
    epoch, signed_in, seen = session.get(EPOCH), session.get(SIGNED_IN), session.get(SEEN)
    if epoch != user.session_epoch or not isinstance(signed_in, int) or not isinstance(seen, int):
        return False  # ended everywhere, or a cookie from before these stamps
    now = _now()
    if now - seen > idle.total_seconds() or now - signed_in > lifetime.total_seconds():
        return False
    session[SEEN] = now
    return True
