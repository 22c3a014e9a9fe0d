"""What each operation answers when it succeeds, as the service really answers it: the envelope of a
list (`{"items": [...]}`, `{"versions": [...]}`, ...), 201 for what is created, 204 without a body,
files as files. webui.api.openapi documents an operation missing here as 200 with its response schema.

Also the answers every operation can give: 401 (every operation needs a token), 422 (webui.api.input_guard
refuses unusable text in any parameter) and, with a path parameter, 404.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from webui.api.accounts import AccountSchema
from webui.api.directory import DirectoryEntrySchema
from webui.api.schemas import CaseSchema, MemberSchema, TaskDetailSchema, TaskSchema

JSON = "application/json"


class CaseAnswerSchema(CaseSchema):
    """A case as every case answer shows it (webui.api.cases.dump_case): with its READY tasks, members
    and the caller's relations. For the document only: dumping it would load the case's tasks."""

    tasks = fields.List(fields.Nested(TaskSchema))
    members = fields.List(fields.Nested(MemberSchema))
    access = fields.Dict(metadata={"description": "`relations` of the caller to the case, and `content`: "
                                                  "whether they may read it"})


class TaskDetailAnswerSchema(TaskDetailSchema):
    """GET /tasks/{id}: the task, its form and what the form needs (webui.api.tasks.get_task)."""

    values = fields.Dict(metadata={"description": "the case's answers so far, to fill the form in"})
    action_card = fields.Raw(allow_none=True)
    disclosure_recipient = fields.Raw(allow_none=True)
    disclosure_recipients = fields.List(fields.Raw())
    directory = fields.List(fields.Nested(DirectoryEntrySchema))


class AccountChangeSchema(AccountSchema):
    """PATCH /admin/users/{id}: the account, and how many held tasks went back to their groups."""

    released_tasks = fields.Integer()


# Component name -> schema, registered by webui.api.openapi.build_spec.
COMPONENTS = {"CaseAnswer": CaseAnswerSchema, "TaskDetailAnswer": TaskDetailAnswerSchema,
              "AccountChange": AccountChangeSchema}


def ref(name: str) -> dict[str, Any]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def listed(key: str, item: dict[str, Any] | str, **more: Any) -> dict[str, Any]:
    """An object holding the list `key` of `item` (a component name or a schema), and `more` properties."""
    items = ref(item) if isinstance(item, str) else item
    return {"type": "object", "required": [key], "properties": {key: {"type": "array", "items": items}, **more}}


def paged(item: str) -> dict[str, Any]:
    """A page of a list: `{"items", "page", "per_page", "total"}`."""
    return listed("items", item, page={"type": "integer"}, per_page={"type": "integer"}, total={"type": "integer"})


OBJECT: dict[str, Any] = {"type": "object"}
NO_BODY = None
# (path, method) -> ((status, ...), body schema or NO_BODY, media type)
ANSWERS: dict[tuple[str, str], tuple[tuple[str, ...], dict[str, Any] | None, str]] = {
    ("/cases/{case_id}", "get"): (("200",), ref("CaseAnswer"), JSON),
    ("/cases/{case_id}/owner", "post"): (("200",), ref("CaseAnswer"), JSON),
    ("/cases/{case_id}/close", "post"): (("200",), ref("CaseAnswer"), JSON),
    ("/tasks/{task_id}", "get"): (("200",), ref("TaskDetailAnswer"), JSON),
    ("/admin/users/{user_id}", "patch"): (("200",), ref("AccountChange"), JSON),
    ("/process-models", "get"): (("200",), listed("versions", "ProcessVersion"), JSON),
    ("/process-models", "post"): (("200", "201"), listed("versions", "ProcessVersion"), JSON),
    ("/process-models/{key}/versions/{version}/migration", "post"): (("200",), listed(
        "results", "MigrationResult", from_version={"type": "integer"}, to_version={"type": "integer"},
        dry_run={"type": "boolean"}), JSON),
    ("/cases", "post"): (("201",), ref("CaseAnswer"), JSON),
    ("/cases/{case_id}/events", "get"): (("200",), listed("events", "CaseEvent"), JSON),
    ("/cases/{case_id}/members", "post"): (("201",), ref("CaseAnswer"), JSON),
    ("/cases/{case_id}/members/{username}", "delete"): (("204",), NO_BODY, JSON),
    ("/cases/{case_id}/access-log", "get"): (("200",), listed("access", OBJECT), JSON),
    ("/cases/{case_id}/consents", "get"): (("200",), listed("consents", "Consent"), JSON),
    ("/cases/{case_id}/consents", "post"): (("201",), ref("Consent"), JSON),
    ("/cases/{case_id}/disclosures", "get"): (("200",), listed("disclosures", "Disclosure"), JSON),
    ("/cases/{case_id}/break-glass", "post"): (("201",), OBJECT, JSON),
    ("/cases/{case_id}/reopen", "post"): (("201",), ref("CaseAnswer"), JSON),
    ("/cases/{case_id}/notes", "post"): (("201",), OBJECT, JSON),
    ("/cases/{case_id}/attachments", "post"): (("201",), OBJECT, JSON),
    ("/cases/{case_id}/attachments/{attachment_id}", "get"): (("200",), {"type": "string", "format": "binary"},
                                                             "application/octet-stream"),
    ("/cases/{case_id}/export.pdf", "get"): (("200",), {"type": "string", "format": "binary"}, "application/pdf"),
    ("/tasks", "get"): (("200",), paged("Task"), JSON),
    ("/tasks/{task_id}/complete", "post"): (("200",), listed("tasks", "Task"), JSON),
    ("/tasks/{task_id}/draft", "delete"): (("204",), NO_BODY, JSON),
    ("/admin/users", "get"): (("200",), listed("items", "Account"), JSON),
    ("/admin/users/{user_id}/tokens", "get"): (("200",), listed("items", "Token"), JSON),
    ("/admin/users/{user_id}/tokens", "delete"): (("200",), {"type": "object", "properties": {
        "revoked": {"type": "integer"}}}, JSON),
    ("/me/tokens", "get"): (("200",), listed("items", "Token"), JSON),
    ("/me/tokens/{prefix}", "delete"): (("200",), {"type": "object", "properties": {
        "revoked": {"type": "integer"}}}, JSON),
    ("/admin/outbox", "get"): (("200",), paged("OutboxItem"), JSON),
    ("/deadline-rules", "get"): (("200",), listed("rules", "DeadlineRule"), JSON),
    ("/deadline-rules/{key}/changes", "get"): (("200",), listed("changes", OBJECT), JSON),
    ("/legal-exceptions", "get"): (("200",), listed("legal_exceptions", "LegalException"), JSON),
    ("/legal-exceptions", "post"): (("201",), ref("LegalException"), JSON),
    ("/directory", "get"): (("200",), listed("entries", "DirectoryEntry", region={"type": "string"}), JSON),
    ("/directory", "post"): (("201",), ref("DirectoryEntry"), JSON),
    ("/closing-reasons", "get"): (("200",), listed("items", "ClosingReason"), JSON),
    ("/owner-candidates", "get"): (("200",), listed("items", OBJECT), JSON),
}
ALWAYS = {"401": "No valid bearer token",
          "422": "Validation failed; details list each problem (also: a parameter with a NUL character)"}


def document_answers(path: str, method: str, responses: dict[str, Any]) -> dict[str, Any]:
    """`responses` (200 and the errors) with the operation's real success answers and the common errors."""
    error = {"content": {JSON: {"schema": ref("Error")}}}
    for code, description in ALWAYS.items():
        responses.setdefault(code, {"description": description, **error})
    if "{" in path:
        responses.setdefault("404", {"description": "Not found (or not visible to the user)", **error})
    if (path, method) not in ANSWERS:
        return responses
    statuses, body, media = ANSWERS[path, method]
    responses.pop("200")
    for status in statuses:
        answer: dict[str, Any] = {"description": {"201": "Created", "204": "No content"}.get(status, "OK")}
        if body is not NO_BODY:
            answer["content"] = {media: {"schema": body}}
        responses[status] = answer
    return dict(sorted(responses.items()))
