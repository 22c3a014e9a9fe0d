"""The one error handler: every API error is `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine.bpmn import BpmnValidationError
from engine.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from webui.api.auth import Unauthorized

log = logging.getLogger(__name__)

STATUS = {NotFound: 404, PermissionDenied: 403, Conflict: 409, InvalidInput: 422}


def error_response(status: int, code: str, message: str, details: list[Any] | None = None) -> ResponseReturnValue:
    """A JSON error body with `status`."""
    return jsonify({"error": {"code": code, "message": message, "details": details or []}}), status


def _marshmallow_details(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    details: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            details.extend(_marshmallow_details(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}"))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        details.extend({"field": prefix or "_body", "message": m} for m in messages)
    elif isinstance(messages, list):
        for item in messages:
            details.extend(_marshmallow_details(item, prefix))
    else:
        details.append({"field": prefix or "_body", "message": str(messages)})
    return details


def register(app: Flask) -> None:
    """Install the JSON error handlers on `app`."""

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> ResponseReturnValue:
        return error_response(STATUS.get(type(exc), _status_of(exc)), exc.code, exc.message, exc.details)

    @app.errorhandler(Unauthorized)
    def _unauthorized(_exc: Unauthorized) -> ResponseReturnValue:
        body, status = error_response(401, "unauthorized", "a valid bearer token is required")
        return body, status, {"WWW-Authenticate": 'Bearer realm="casepath"'}

    @app.errorhandler(BpmnValidationError)
    def _bpmn(exc: BpmnValidationError) -> ResponseReturnValue:
        return error_response(422, "invalid_bpmn", "the BPMN file cannot be deployed",
                              [problem.to_dict() for problem in exc.problems])

    @app.errorhandler(ValidationError)
    def _schema(exc: ValidationError) -> ResponseReturnValue:
        return error_response(422, "validation_failed", "the request is not valid",
                              _marshmallow_details(exc.messages))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.after_request
    def _allow(response: Response) -> Response:
        # A 405 names the methods the address takes (RFC 9110), whichever handler answered it.
        if response.status_code == 405 and "Allow" not in response.headers:
            methods = app.url_map.bind_to_environ(request.environ).allowed_methods()
            response.headers["Allow"] = ", ".join(sorted(methods))
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unhandled error")  # the exception, never request data
        return error_response(500, "internal_error", "an unexpected error occurred")


def _status_of(exc: DomainError) -> int:
    for cls, status in STATUS.items():
        if isinstance(exc, cls):
            return status
    return 400
