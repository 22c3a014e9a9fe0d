"""Cookies, CSRF protection, sign-in rate-limit keys and security headers for the web UI.

The JSON API (blueprint `api`) authenticates with bearer tokens, so it is exempt from CSRF and
gets a stricter Content-Security-Policy of its own (it serves JSON and one documentation page).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFProtect

from engine.config import Settings

csrf = CSRFProtect()

UI_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # data: only for the bpmn.io watermark bpmn-js draws (its licence)
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# The modeler and form editor pages only (views marked with `relaxed_style_csp`): bpmn-js, its
# properties panel and form-js build parts of their UI from HTML strings with style attributes
# (e.g. the panel container `<div style="height: 100%">`), and the CodeMirror editors in the
# properties panels (FEEL, templates, in form-js) insert `<style>` elements without a way to pass a
# nonce. Under `style-src 'self'` Chromium refuses those (checked: selecting a field in the form
# editor logs nine violations and its editors lose their layout). Styles cannot run code, so only
# style-src gets 'unsafe-inline'; script-src stays 'self' without 'unsafe-eval' (none of the
# vendored bundles uses eval or new Function; form-js evaluates FEEL with its own interpreter).
EDITOR_CSP = UI_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
# The API serves JSON and one documentation page with an inline stylesheet; never scripts.
API_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def relaxed_style_csp(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a page view that needs EDITOR_CSP (inline style attributes, never inline scripts)."""
    view.relaxed_style_csp = True  # type: ignore[attr-defined]
    return view


class PageSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions for the pages only: the API signs in by token on every request, so it
    neither reads nor sets the cookie (no work per API request, and a page's cookie is no API key)."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path.startswith("/api/"):
            return self.null_session_class()
        return super().open_session(app, request)


def _page_csp() -> str:
    view = current_app.view_functions.get(request.endpoint or "")
    return EDITOR_CSP if getattr(view, "relaxed_style_csp", False) else UI_CSP


def _address() -> str:
    # The client as the WSGI server saw it (behind proxies: CASEPATH_TRUSTED_PROXIES).
    return request.remote_addr or "unknown"


def _keyed_hash(text: str) -> str:
    # Keyed with the app's secret: a plain hash of an address and a user name could be reversed by
    # trying every address with a list of user names.
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:32]


def login_key(username: str | None = None) -> str:
    """Rate-limit key for sign-in attempts: address and user name, hashed so the table holds neither.

    `username` defaults to the one in the posted form; the password page passes the signed-in user's,
    so guesses of the current password there count against the same limit as at the sign-in form.
    """
    if username is None:
        username = request.form.get("username") or ""
    return _keyed_hash(f"{_address()}|{username.strip().lower()}")


def ip_key() -> str:
    """Rate-limit key per address, hashed."""
    return _keyed_hash(_address())


def configure(app: Flask, settings: Settings, keep: frozenset[str] = frozenset()) -> None:
    """Cookie and CSRF settings (except the keys in `keep`); CSRF on every form; rate limits; headers."""
    defaults = dict(
        SESSION_COOKIE_NAME="casepath_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.is_development,
        # The browser drops the cookie after the idle timeout; webui/ui/sessions.py enforces it (and
        # the absolute lifetime) on the server, where a kept copy of the cookie cannot dodge it.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=not settings.is_development,
        # A caseworker may spend more than an hour on a form: the token lives as long as the session.
        WTF_CSRF_TIME_LIMIT=None,
        # We send no Referer (Referrer-Policy: no-referrer), so the HTTPS referrer check cannot work;
        # the token and SameSite=Lax cookies protect the forms.
        WTF_CSRF_SSL_STRICT=False,
    )
    app.config.update({key: value for key, value in defaults.items() if key not in keep})
    csrf.init_app(app)
    app.session_interface = PageSessions()
    from webui.api import bp as api_bp

    csrf.exempt(api_bp)
    hsts = not settings.is_development

    @app.after_request
    def _headers(response: Response) -> Response:
        api = request.blueprint == "api" or request.path.startswith("/api/")
        response.headers["Content-Security-Policy"] = API_CSP if api else _page_csp()
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if hsts:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages show case data: keep them out of shared browser caches and the back/forward cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
