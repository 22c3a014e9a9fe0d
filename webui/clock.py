"""The app's service clock: one source of "now" for every view, replaceable by tests.

Views never read the system time themselves: they ask `now()` (one instant per request, so every
task in a list is judged against the same moment) or hand `service_clock()` to a service.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g

from engine.clock import Clock, system_clock


def init_app(app: Flask, clock: Clock | None = None) -> None:
    """Give `app` its clock (the system clock unless one is given)."""
    app.extensions["casepath.clock"] = clock or system_clock


def service_clock() -> Clock:
    """The app's clock, to hand to services."""
    return current_app.extensions["casepath.clock"]


def now() -> datetime:
    """The request's "now", read once from the app's clock."""
    if "now" not in g:
        g.now = service_clock()()
    return g.now
