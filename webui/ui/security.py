"""Cookies, CSRF protection, login rate limits and security headers for the web UI.

The JSON API (blueprint `api`) authenticates with bearer tokens, so it is exempt from CSRF and
gets a stricter Content-Security-Policy of its own (it serves JSON and one documentation page).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from engine.config import Settings

csrf = CSRFProtect()
limiter = Limiter(get_remote_address, storage_uri="memory://", headers_enabled=True)

LOGIN_LIMIT = "10/minute"  # per IP address and user name
LOGIN_LIMIT_PER_IP = "60/minute"
SESSION_LIFETIME = timedelta(hours=8)  # idle timeout: the cookie is renewed on every request

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
# The API serves JSON and one documentation page with an inline stylesheet; never scripts.
API_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def login_key() -> str:
    """Rate-limit key for login attempts: IP address and user name, hashed so logs hold neither."""
    username = (request.form.get("username") or "").strip().lower()
    return hashlib.sha256(f"{get_remote_address()}|{username}".encode()).hexdigest()[:32]


def ip_key() -> str:
    """Rate-limit key per IP address, hashed."""
    return hashlib.sha256(str(get_remote_address()).encode()).hexdigest()[:32]


def configure(app: Flask, settings: Settings, keep: frozenset[str] = frozenset()) -> None:
    """Cookie and CSRF settings (except the keys in `keep`); CSRF on every form; rate limits; headers."""
    defaults = dict(
        SESSION_COOKIE_NAME="casepath_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.is_development,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
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
    from webui.api import bp as api_bp

    csrf.exempt(api_bp)
    limiter.init_app(app)
    hsts = not settings.is_development

    @app.after_request
    def _headers(response: Response) -> Response:
        api = request.blueprint == "api" or request.path.startswith("/api/")
        response.headers["Content-Security-Policy"] = API_CSP if api else UI_CSP
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
