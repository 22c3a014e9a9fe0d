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
        case_actions,
        case_list,
        cases,
        closing,
        consents,
        deadlines,
        digest,
        directory,
        drafts,
        errors,
        group_mappings,
        input_guard,
        me,
        openapi,
        ownership,
        person_links,
        persons,
        process_models,
        record,
        reports,
        tasks,
    )

    input_guard.init_app(app)  # before any route: it bounds the `int` converter
    app.register_blueprint(bp)
    errors.register(app)
