"""The landing page (the caseworker UI will live here)."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask.typing import ResponseReturnValue

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """A short Danish page pointing to the API documentation."""
    return render_template("index.html")


def init_app(app: Flask) -> None:
    """Register the landing page."""
    app.register_blueprint(bp)
