"""REST API v1: small blueprints sharing one error handler."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Register the API blueprint and the JSON error handlers."""
    from webui.api import (  # noqa: F401 - importing registers the routes
        accounts,
        admin,
        break_glass,
        case_list,
        cases,
        closing,
        consents,
        deadlines,
        digest,
        directory,
        drafts,
        errors,
        me,
        openapi,
        ownership,
        process_models,
        record,
        tasks,
    )

    app.register_blueprint(bp)
    errors.register(app)
