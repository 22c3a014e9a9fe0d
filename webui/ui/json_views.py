"""Same-site JSON endpoints of the UI pages (called by the pages' scripts with the CSRF token).

They answer like the API, `{"error": {"code", "message", "details"}}`, never with an HTML page or a
redirect to the sign-in page: a script saving a draft in the background must learn that the
session has ended (401) rather than receive the sign-in form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from webui.api.errors import error_response
from webui.database import get_session

STATUS = {NotFound: 404, PermissionDenied: 403, Conflict: 409, InvalidInput: 422}


def json_endpoint(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in (else 401), and domain errors as JSON with their status; nothing half-done is kept."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user.is_authenticated:
            return error_response(401, "signed_out", _("Du er ikke længere logget ind."))
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            get_session().rollback()
            details = [{**d, "message": _(str(d.get("message", "")))} for d in exc.details]
            return error_response(STATUS.get(type(exc), 400), exc.code, exc.message, details)

    return wrapper
