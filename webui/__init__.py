"""The casepath web app: REST API v1 and the caseworker UI."""

from __future__ import annotations

from typing import Any

from flask import Flask

from engine.clock import Clock
from engine.config import Settings


def create_app(settings: Settings | None = None, clock: Clock | None = None, **overrides: Any) -> Flask:
    """Application factory: `settings` default to the environment, `clock` to the system clock."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path), instance_relative_config=True)
    app.config.update(
        SECRET_KEY=settings.effective_secret_key,
        DATABASE_URL=settings.database_url,
        # The largest upload (an attachment or a BPMN file) and the multipart around it; each route checks
        # its own limit, and a larger body is a 413 before anything is read (webui.api.record).
        MAX_CONTENT_LENGTH=max(settings.max_bpmn_bytes, settings.max_attachment_bytes) + 64 * 1024,
        TESTING=settings.testing,
        JSON_SORT_KEYS=False,
        CASEPATH=settings,
    )
    app.config.update(overrides)

    from engine.setup import configure
    from webui import clock as clock_ext
    from webui import database, ui
    from webui.api import init_app as init_api

    configure(settings)
    clock_ext.init_app(app, clock)
    database.init_app(app)
    init_api(app)
    ui.init_app(app, settings, keep=frozenset(overrides))  # after the API: it exempts the API from CSRF
    if settings.trusted_proxies:
        # The client's address (sign-in limits) and scheme come from the proxies' X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app
