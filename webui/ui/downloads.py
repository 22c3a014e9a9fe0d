"""Uploaded files handed back to browsers: as downloads, never as documents that could run.

A diagram is stored as a team lead uploaded it. Served inline as `application/xml`, a browser would
render it, and XHTML or SVG inside could run script in casepath's origin (deploy refuses such
markup now, engine/bpmn/markup_checks.py, but versions deployed before stay as they are). The
viewer reads the file with `fetch`, which ignores Content-Disposition, so a download costs nothing.
The app's own headers (webui/ui/security.py) add the page CSP and `Cache-Control: no-store`.
"""

from __future__ import annotations

from flask import Response


def attachment_response(data: bytes, filename: str) -> Response:
    """`data` as a download named `filename` (other than ASCII letters, digits and `._-` become `_`).

    `application/octet-stream` with `nosniff` is a type no browser renders, even if it ignores the
    `attachment` disposition.
    """
    safe_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename) or "download"
    response = Response(data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def diagram_response(xml: bytes) -> Response:
    """A case's BPMN diagram for the viewer: `diagram.bpmn` as a download, never rendered inline."""
    return attachment_response(xml, "diagram.bpmn")
