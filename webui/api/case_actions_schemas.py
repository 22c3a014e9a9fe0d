"""Schemas and OpenAPI entries of the actions a caseworker starts on a case at any stage."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.cases.acute import MAX_REASON


class CaseActionSchema(Schema):
    """Body of POST /cases/{id}/acute and /cases/{id}/risk-assessment: why (10-2000 characters)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_REASON))


SCHEMAS = {"CaseAction": CaseActionSchema}
CASE_ID = [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}]
OPERATIONS: list[tuple[str, str, str, str | None, str | None, list[dict[str, Any]], tuple[str, ...]]] = [
    ("/cases/{case_id}/acute", "post", "Report acute danger with `{\"reason\"}` (10-2000 characters; who and why "
     "are recorded as a case event): the procedure's acute handling starts at once, whatever stage the case is at "
     "(the owner's acute task due in clock hours, the security consultant's and the police's tasks; the team leads "
     "are mailed, neutrally). For those who may read the case's content; the answer is the case with the tasks it "
     "created; 409 when the case is closed or its procedure version has no acute handling",
     "CaseAction", "Case", CASE_ID, ("401", "403", "404", "409", "422")),
    ("/cases/{case_id}/risk-assessment", "post", "Start a new risk assessment with `{\"reason\"}` (10-2000 "
     "characters; recorded as a case event): the shared risk assessment runs again beside the case's path, and its "
     "result becomes the case's risk level. As for /acute: content readers; the case with the tasks it created; 409 "
     "when closed or the procedure version does not offer it",
     "CaseAction", "Case", CASE_ID, ("401", "403", "404", "409", "422")),
    ("/cases/{case_id}/move", "post", "The child moved to another municipality, with `{\"reason\"}` (10-2000 "
     "characters; recorded as a case event): the hand-over task starts (what is sent, on which basis: a sharing "
     "task to `other_municipality`), and when it is done the case closes with the reason `moved`. As for /acute; "
     "409 when closed or the procedure version does not offer it (the adults' procedure does not)",
     "CaseAction", "Case", CASE_ID, ("401", "403", "404", "409", "422")),
]
