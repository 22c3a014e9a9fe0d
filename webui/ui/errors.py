"""HTML error pages for the UI blueprints (the API keeps its JSON errors)."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, TooManyRequests

from engine.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from engine.errors import NotFound as DomainNotFound

log = logging.getLogger(__name__)


def error_page(status: int, title: str, message: str) -> ResponseReturnValue:
    """A Danish error page with `status`."""
    return render_template("error.html", status=status, title=title, message=message), status


def _domain(exc: DomainError) -> ResponseReturnValue:
    if isinstance(exc, DomainNotFound):
        return error_page(404, _("Siden findes ikke"), _("Sagen eller opgaven findes ikke, eller du har ikke adgang."))
    if isinstance(exc, PermissionDenied):
        return error_page(403, _("Ingen adgang"), _("Du har ikke adgang til at gøre dette."))
    if isinstance(exc, Conflict):
        return error_page(409, _("Ændret af en anden"),
                          _("Opgaven er ikke længere åben, eller en anden har ændret den. Gå tilbage og prøv igen."))
    if isinstance(exc, InvalidInput):
        return error_page(422, _("Kunne ikke gennemføres"), _("Oplysningerne kunne ikke bruges."))
    return error_page(400, _("Kunne ikke gennemføres"), _("Handlingen kunne ikke gennemføres."))


def _http(exc: HTTPException) -> ResponseReturnValue:
    if isinstance(exc, TooManyRequests):
        return error_page(429, _("For mange forespørgsler"), _("Vent et øjeblik, og prøv igen."))
    if isinstance(exc, CSRFError):
        return error_page(400, _("Siden er udløbet"),
                          _("Formularen var for gammel eller ufuldstændig. Gå tilbage, genindlæs siden og prøv igen."))
    if isinstance(exc, NotFound):
        return error_page(404, _("Siden findes ikke"), _("Adressen findes ikke."))
    if isinstance(exc, MethodNotAllowed):
        return error_page(405, _("Siden findes ikke"), _("Adressen kan ikke bruges sådan."))
    return error_page(exc.code or 500, _("Der opstod en fejl"), exc.description or "")


def _unexpected(exc: Exception) -> ResponseReturnValue:
    log.exception("unhandled error in the web UI")  # the exception only, never form data
    return error_page(500, _("Der opstod en fejl"), _("Der skete en uventet fejl. Prøv igen om lidt."))


def install(blueprint: Blueprint) -> None:
    """HTML error handlers for every request routed to `blueprint`."""
    blueprint.register_error_handler(DomainError, _domain)
    blueprint.register_error_handler(HTTPException, _http)
    blueprint.register_error_handler(Exception, _unexpected)


def install_routing_errors(app: Flask) -> None:
    """Unknown addresses and methods outside /api/ get HTML pages; the API keeps its JSON answers."""
    from webui.api.errors import error_response

    def _routing(exc: HTTPException) -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            code = (exc.name or "error").lower().replace(" ", "_")
            return error_response(exc.code or 404, code, exc.description or exc.name)
        return _http(exc)

    app.register_error_handler(NotFound, _routing)
    app.register_error_handler(MethodNotAllowed, _routing)
