"""Small helpers shared by the API tests."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

DATA = Path(__file__).resolve().parents[1] / "data"


def deploy(client: FlaskClient, headers: dict[str, str], name: str = "review.bpmn", comment: str = ""):
    """POST a test diagram as a raw body."""
    return client.post(
        "/api/v1/process-models", data=(DATA / name).read_bytes(), headers=headers,
        content_type="application/xml", query_string={"comment": comment, "filename": name},
    )


def error_of(response) -> dict:
    """The error envelope's inner object, asserting the envelope's shape."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "details"} <= set(body["error"])
    return body["error"]
