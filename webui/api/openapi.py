"""OpenAPI 3 description of API v1, and a browsable docs page rendered from it."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import render_template
from flask.typing import ResponseReturnValue

from webui.api import bp
from webui.api.accounts import AccountSchema, AccountUpdateSchema, TokenSchema
from webui.api.admin import OutboxItemSchema
from webui.api.case_actions_schemas import OPERATIONS as CASE_ACTION_OPERATIONS
from webui.api.case_actions_schemas import SCHEMAS as CASE_ACTION_SCHEMAS
from webui.api.case_list_schemas import CaseListSchema
from webui.api.closing_schemas import CloseCaseSchema, ClosingReasonSchema, ReopenCaseSchema
from webui.api.consents import ConsentSchema, DisclosureSchema, LegalExceptionSchema, SafeContactSchema
from webui.api.deadlines import DeadlineRuleSchema, DeadlineRuleUpdateSchema
from webui.api.digest import DigestSchema
from webui.api.directory import DirectoryEntrySchema
from webui.api.group_mapping_schemas import OPERATIONS as GROUP_MAPPING_OPERATIONS
from webui.api.group_mapping_schemas import SCHEMAS as GROUP_MAPPING_SCHEMAS
from webui.api.me import MeSchema, MeUpdateSchema
from webui.api.openapi_answers import ANSWERS, document_answers
from webui.api.openapi_answers import COMPONENTS as ANSWER_COMPONENTS
from webui.api.ownership_schemas import MemberCreateSchema, OwnerSchema
from webui.api.person_links_schemas import ANSWERS as PERSON_LINK_ANSWERS
from webui.api.person_links_schemas import OPERATIONS as PERSON_LINK_OPERATIONS
from webui.api.person_links_schemas import SCHEMAS as PERSON_LINK_SCHEMAS
from webui.api.persons_schemas import ANSWERS as PERSON_ANSWERS
from webui.api.persons_schemas import OPERATIONS as PERSON_OPERATIONS
from webui.api.persons_schemas import SCHEMAS as PERSON_SCHEMAS
from webui.api.process_models import MigrationRequestSchema, MigrationResultSchema, ValidationResultSchema
from webui.api.reports_schemas import DeadlineReportSchema, FlowReportSchema, WorkloadReportSchema
from webui.api.schemas import (
    AssignSchema,
    CaseCreateSchema,
    CaseEventSchema,
    CaseSchema,
    ErrorSchema,
    ProcessVersionSchema,
    TaskCompleteSchema,
    TaskDetailSchema,
    TaskSchema,
)

ANSWERS.update(PERSON_ANSWERS)  # the person register's success answers (201, 204, envelopes)
ANSWERS.update(PERSON_LINK_ANSWERS)  # signals between units and family links (webui.api.person_links)
ERRORS = {
    "401": "No valid bearer token",
    "403": "The user's groups do not allow this",
    "404": "Not found (or not visible to the user)",
    "409": "The state changed: the task is no longer ready or someone else holds it",
    "422": "Validation failed; details list each problem",
}
TASK_ID = [{"name": "task_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}]
RULE_KEY = [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}]
CASE_ID = [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}]
USER_ID = [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}]
VERSION_PATH = [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "version", "in": "path", "required": True, "schema": {"type": "integer"}}]

REPORT_QUERY = [{"name": n, "in": "query", "schema": {"type": "string"}}
                for n in ("from", "to", "process_key", "group", "format")]
REPORTS = [
    ("deadlines", "Deadline compliance per statutory rule and month: deadlines (task due dates) that fell in the "
     "period met on time, late, missed (still open past due) and open, the share met, median and 90th percentile "
     "of the time used in the rule's unit", "DeadlineReport"),
    ("flow", "The flow of cases: new cases per ISO week by referral source, open cases by the task they wait at, "
     "days from referral to assignment, first conversation, security consultant and first measure, closing "
     "reasons", "FlowReport"),
    ("workload", "Workload now: open cases, open and overdue tasks per owner and per group; for team leads the "
     "overdue tasks with their case, listed through the access rule", "WorkloadReport"),
]

# (path, method, summary, request schema, response schema, parameters, error codes)
OPERATIONS: list[tuple[str, str, str, str | None, str | None, list[dict[str, Any]], tuple[str, ...]]] = [
    ("/process-models", "post", "Deploy a BPMN file (raw XML body or multipart `file`, optional `comment`)",
     None, "ProcessVersion", [], ("401", "403", "422")),
    ("/process-models", "get", "List deployed process versions (`?key=`)", None, "ProcessVersion", [], ("401",)),
    ("/process-models/validate", "post", "Validate a BPMN file like a deploy (same body), storing nothing: 200 "
     "`{\"problems\": []}` or 422 with the problems", None, "ProcessValidation", [], ("401", "403", "422")),
    ("/process-models/{key}/versions/{version}/changes", "get", "Elements added, removed and changed from "
     "`version` to `?to=` (default: the latest version)", None, None, VERSION_PATH, ("401", "404")),
    ("/process-models/{key}/versions/{version}/migration", "post", "Dry run (`dry_run`, default true) or move "
     "open cases of `version` (all, or `case_ids`) to `to_version`; each case in its own transaction",
     "MigrationRequest", "MigrationResult", VERSION_PATH, ("401", "403", "404", "422")),
    ("/cases", "post", "Open a case on the latest version of a process", "CaseCreate", "Case", [],
     ("401", "422")),
    ("/cases/{case_id}", "get", "A case's header (reference, process, status, deadlines, owner, members) and its "
     "READY tasks for everyone the access rule relates to it (docs/access.md); safe contact and the closing note "
     "only where the rule shows them", None, "Case", CASE_ID, ("401", "404")),
    ("/cases/{case_id}/events", "get", "The case's timeline (its content)", None, "CaseEvent", CASE_ID,
     ("401", "403", "404")),
    ("/cases/{case_id}/digest", "get", "The anonymised digest of a case for a knowledge person's sparring: yes/no "
     "answers, numbers and choices from the forms' lists, and the steps with their deadlines; never free text",
     None, "Digest", CASE_ID, ("401", "403", "404")),
    ("/cases/{case_id}/owner", "post", "Set or change the case owner (team leads): an active caseworker; the old "
     "owner's open tasks move to the new one", "Owner", "Case", CASE_ID, ("401", "403", "404", "422")),
    ("/owner-candidates", "get", "Active users who may own a case: `{\"items\": [{\"username\", \"name\"}]}`",
     None, None, [], ("401",)),
    ("/cases/{case_id}/members", "post", "Add a second caseworker or a knowledge person, optionally until a day "
     "(the owner or a team lead); 201 with the case", "MemberCreate", "Case", CASE_ID,
     ("401", "403", "404", "422")),
    ("/cases/{case_id}/members/{username}", "delete", "Take a member off the case (the owner or a team lead); 204",
     None, None, CASE_ID + [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
     ("401", "403", "404")),
    ("/tasks", "get", "READY tasks: scope=mine|candidate|all, case_id, due_before, page, per_page", None,
     "Task", [{"name": n, "in": "query", "schema": {"type": "string"}}
              for n in ("scope", "case_id", "due_before", "page", "per_page")], ("401", "403", "422")),
    ("/tasks/{task_id}", "get", "A task with its form", None, "TaskDetail", TASK_ID, ("401", "403", "404")),
    ("/tasks/{task_id}/claim", "post", "Claim a task", None, "Task", TASK_ID, ("401", "403", "404", "409")),
    ("/tasks/{task_id}/unclaim", "post", "Give a task back to its group", None, "Task", TASK_ID,
     ("401", "403", "404", "409")),
    ("/tasks/{task_id}/assign", "post", "Assign a task to a user (team leads)", "Assign", "Task", TASK_ID,
     ("401", "403", "404", "409", "422")),
    ("/tasks/{task_id}/complete", "post", "Complete a task with data; returns the case's READY tasks",
     "TaskComplete", "Task", TASK_ID, ("401", "403", "404", "409", "422")),
    ("/me", "get", "The signed-in user's e-mail address, locale and reminder digest", None, "Me", [], ("401",)),
    ("/me", "patch", "Change the own e-mail address, locale (da/en) or digest (on/off, hour 0-23 Danish time)",
     "MeUpdate", "Me", [], ("401", "422")),
    ("/admin/users", "get", "Every user with access state and groups (administrators)", None, "Account", [],
     ("401", "403")),
    ("/admin/users/{user_id}", "patch", "Deactivate or activate a user, add and remove groups; tasks the user held "
     "(all on deactivation, else those of left groups) go back to their groups (administrators)",
     "AccountUpdate", "Account", USER_ID, ("401", "403", "404", "422")),
    ("/admin/users/{user_id}/tokens", "get", "A user's API tokens by prefix (administrators)", None, "Token",
     USER_ID, ("401", "403", "404")),
    ("/admin/users/{user_id}/tokens", "delete", "Revoke every API token of a user (administrators)", None, None,
     USER_ID, ("401", "403", "404")),
    ("/me/tokens", "get", "The own API tokens by prefix", None, "Token", [], ("401",)),
    ("/me/tokens/{prefix}", "delete", "Revoke one of the own API tokens by its first characters", None, None,
     [{"name": "prefix", "in": "path", "required": True, "schema": {"type": "string"}}], ("401", "404", "422")),
    ("/admin/outbox", "get", "Outbox mails by state (default failed), without bodies; administrators",
     None, "OutboxItem", [{"name": n, "in": "query", "schema": {"type": "string"}}
                          for n in ("state", "page", "per_page")], ("401", "403", "422")),
    ("/deadline-rules", "get", "Deadline rules (statutory deadlines as data)", None, "DeadlineRule", [], ("401",)),
    ("/deadline-rules/{key}", "get", "One deadline rule", None, "DeadlineRule", RULE_KEY, ("401", "404")),
    ("/deadline-rules/{key}", "patch", "Change a rule (administrators, with a `reason`); affects timers created "
     "afterwards. A statutory rule keeps its `locked_unit` and stays within `min_amount`-`max_amount`",
     "DeadlineRuleUpdate", "DeadlineRule", RULE_KEY, ("401", "403", "404", "422")),
    ("/deadline-rules/{key}/due", "get", "When the rule's deadline runs out counted from `from` (ISO 8601 with offset)",
     None, None, RULE_KEY + [{"name": "from", "in": "query", "required": True, "schema": {"type": "string"}}],
     ("401", "404", "422")),
    ("/deadline-rules/{key}/changes", "get", "Recorded changes of a rule", None, None, RULE_KEY, ("401", "404")),
    ("/cases/{case_id}/access-log", "get", "Who used the case, when and why (`purpose`, and the `reason` of a "
     "break-glass access); team leads and administrators", None, None, CASE_ID,
     ("401", "403", "404")),
    ("/cases/{case_id}/consents", "get", "The case's consents", None, "Consent", CASE_ID, ("401", "403", "404")),
    ("/cases/{case_id}/consents", "post", "Record a consent (who, to whom, what, why)", "Consent", "Consent", CASE_ID,
     ("401", "403", "404", "422")),
    ("/consents/{consent_id}/withdraw", "post", "Withdraw a consent", None, "Consent",
     [{"name": "consent_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
     ("401", "403", "404", "409")),
    ("/cases/{case_id}/disclosures", "get", "Every disclosure made in the case", None, "Disclosure", CASE_ID,
     ("401", "403", "404")),
    ("/cases/{case_id}/safe-contact", "get", "Safe-contact instructions", None, "SafeContact", CASE_ID,
     ("401", "403", "404")),
    ("/cases/{case_id}/safe-contact", "put", "Replace safe-contact instructions", "SafeContact", "SafeContact",
     CASE_ID, ("401", "403", "404", "422")),
    ("/legal-exceptions", "get", "Legal bases for sharing without consent (`all=true`: also those switched off)",
     None, "LegalException", [], ("401",)),
    ("/legal-exceptions", "post", "Add a legal basis (administrators)", "LegalException", "LegalException", [],
     ("401", "403", "422")),
    ("/legal-exceptions/{key}", "patch", "Change a legal basis; `active: false` stops its use (administrators)",
     "LegalException", "LegalException",
     [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}], ("401", "403", "404", "422")),
    ("/directory", "get", "External actors (`kind`, `region`; default: the municipality's region)", None,
     "DirectoryEntry", [], ("401",)),
    ("/directory", "post", "Add an external actor (administrators)", "DirectoryEntry", "DirectoryEntry", [],
     ("401", "403", "422")),
    ("/directory/{entry_id}", "patch", "Change an external actor (administrators)", "DirectoryEntry", "DirectoryEntry",
     [{"name": "entry_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
     ("401", "403", "404", "422")),
    ("/cases/{case_id}/break-glass", "post", "Break the glass: open any existing case for a limited time "
     "(`CASEPATH_BREAK_GLASS_HOURS`) with `{\"reason\"}` (10-2000 characters); 201 `{\"case_id\", \"reference\", "
     "\"expires_at\"}`; logged with the reason, the team leads are mailed; 409 when you already have access",
     None, None, CASE_ID, ("401", "404", "409", "422")),
    ("/closing-reasons", "get", "The active closing reasons: `{\"items\": [{\"key\", \"name\", \"name_en\", "
     "\"needs_municipality\"}]}`", None, None, [], ("401",)),
    ("/cases/{case_id}/close", "post", "Close an open case with a reason from the list (its owner or a team lead): "
     "its open tasks are cancelled, its timers and queued reminders dropped; 409 when it is already closed",
     "CloseCase", "Case", CASE_ID, ("401", "403", "404", "409", "422")),
    ("/cases/{case_id}/reopen", "post", "Open a new case on the latest version of the closed case's process, linked "
     "to it (team leads); 201; `data` as for POST /cases, default the old case's start data (required once erased)",
     "ReopenCase", "Case", CASE_ID, ("401", "403", "404", "409", "422")),
    ("/tasks/{task_id}/draft", "get", "The caller's own draft of a task form: `{\"data\", \"saved_at\", "
     "\"max_bytes\"}` (`data` {} and `saved_at` null when none); only for the one who may complete the task "
     "(its holder, or while nobody holds it its group); 409 once the task has ended", None, None, TASK_ID,
     ("401", "403", "404", "409")),
    ("/tasks/{task_id}/draft", "put", "Save the caller's draft `{\"data\": {...}}`: only keys the task's form "
     "declares, scalars or lists of them, at most `max_bytes` (61440) bytes of JSON; values are not checked as "
     "answers. Deleted when the task completes", None, None, TASK_ID, ("401", "403", "404", "409", "422")),
    ("/tasks/{task_id}/draft", "delete", "Drop the caller's draft of a task; 204", None, None, TASK_ID,
     ("401", "403", "404", "409")),
    ("/cases/{case_id}/record", "get", "The case record (sagens akter) in time order, for those who may read the "
     "case's content: every completed task with who, when, its submitted `data` and `answers` (label and value, "
     "in the form's order), every consent, disclosure, journal note and attachment (without its file). `order` "
     "oldest (default) or newest, `page`, `per_page` (1-200): `{\"items\": [{\"kind\", \"id\", \"at\", "
     "\"by\", ...}], \"page\", \"per_page\", \"total\", \"order\"}`; logged as read_record",
     None, None, CASE_ID + [{"name": n, "in": "query", "schema": {"type": "string"}}
                            for n in ("order", "page", "per_page")], ("401", "403", "404", "422")),
    ("/cases/{case_id}/notes", "post", "Add a journal note `{\"text\"}` (1-10,000 characters), or a correction "
     "of one `{\"text\", \"corrects\": note id}`: notes are append-only (the owner's circle, team leads); 201; "
     "409 once the case's personal data are erased", None, None, CASE_ID, ("401", "403", "404", "409", "422")),
    ("/cases/{case_id}/attachments", "post", "Add a document (multipart `file`, optional `description` up to 500 "
     "characters): PDF, PNG, JPEG, DOCX or ODT, recognised by content, not name; at most "
     "`CASEPATH_MAX_ATTACHMENT_BYTES` (default 20 MB; a larger body is 413 `too_large`); 201 without the file",
     None, None, CASE_ID, ("401", "403", "404", "409", "422")),
    ("/cases/{case_id}/attachments/{attachment_id}", "get", "Download an attachment (`Content-Disposition: "
     "attachment`, the type found in its content); logged as read_attachment; 404 once retention erased it",
     None, None, CASE_ID + [{"name": "attachment_id", "in": "path", "required": True,
                             "schema": {"type": "string", "format": "uuid"}}], ("401", "403", "404")),
    ("/cases/{case_id}/export.pdf", "get", "The case file as PDF for the records system: header, the record with "
     "every task's data, notes, consents, disclosures, deadlines met or missed; page numbers, the export's date "
     "and user. Named `sag-<reference>.pdf`; logged as an export with its purpose", None, None, CASE_ID,
     ("401", "403", "404")),
    ("/cases", "get", "Find cases: only those the access rule lets the user see (docs/access.md, \"Lists\"). "
     "`scope` mine (owner or member) | team (the user's groups' work) | all (every case the rule shows: for team "
     "leads and administrators every case); "
     "filters `status` (open, closed, any), `process_key`, `owner` (`-`: none), `risk_level`, `acute`, `overdue`, "
     "`opened_from`/`opened_to` (dates, Danish time); `q`: any part of the reference, or free text in the "
     "searchable fields where the user may read the content (a term in a URL lands in server logs: prefer POST "
     "/cases/search); `sort` due|-due|opened|-opened|reference|-reference; `page`, `per_page` (at most 100). "
     "`risk_level` and `acute` are null where the rule does not show them", None, "CaseList",
     [{"name": n, "in": "query", "schema": {"type": "string"}}
      for n in ("scope", "status", "process_key", "owner", "risk_level", "acute", "overdue", "opened_from",
                "opened_to", "q", "sort", "page", "per_page")], ("401", "422")),
    ("/cases/search", "post", "The case list of GET /cases with its parameters in a JSON body, so the search term "
     "stays out of URLs and server logs; a free-text match in a case's content is logged (`search_case`)",
     None, "CaseList", [], ("401", "422")),
    *[(f"/reports/{kind}", "get", f"{summary} (team leads and administrators; 403 before any parameter is "
       "checked). A period of Danish dates `from`/`to` (default: the last twelve months, at most three years), "
       "`process_key`, `group` (a candidate group), `format=csv` for a semicolon-separated download. Counts under "
       "`CASEPATH_REPORT_MIN_CELL` (default 5) are the string \"<5\"; figures computed from them are null",
       None, schema, REPORT_QUERY, ("401", "403", "422")) for kind, summary, schema in REPORTS],
]

OPERATIONS.extend(GROUP_MAPPING_OPERATIONS)  # the identity provider's group mapping (administrators)
OPERATIONS.extend(PERSON_OPERATIONS)  # the person register (webui.api.persons)
OPERATIONS.extend(PERSON_LINK_OPERATIONS)  # signals and family links (webui.api.person_links)


@cache
def build_spec() -> dict[str, Any]:
    """The OpenAPI document as a dict."""
    spec = APISpec(
        title="casepath API", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
        info={"description": "Case orchestration for honour-related conflict cases."},
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, schema in {
        "Case": CaseSchema, "CaseCreate": CaseCreateSchema, "CaseEvent": CaseEventSchema,
        "Task": TaskSchema, "TaskDetail": TaskDetailSchema, "TaskComplete": TaskCompleteSchema,
        "Assign": AssignSchema, "ProcessVersion": ProcessVersionSchema, "Error": ErrorSchema,
    }.items():
        spec.components.schema(name, schema=schema)
    for name, schema in {"Me": MeSchema, "MeUpdate": MeUpdateSchema, "OutboxItem": OutboxItemSchema,
                         "Account": AccountSchema, "AccountUpdate": AccountUpdateSchema, "Token": TokenSchema}.items():
        spec.components.schema(name, schema=schema)
    for name, schema in {"CloseCase": CloseCaseSchema, "ReopenCase": ReopenCaseSchema,
                         "ClosingReason": ClosingReasonSchema, "Owner": OwnerSchema,
                         "MemberCreate": MemberCreateSchema, "Digest": DigestSchema}.items():
        spec.components.schema(name, schema=schema)
    spec.components.schema("CaseList", schema=CaseListSchema)
    for name, schema in PERSON_SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    for name, schema in PERSON_LINK_SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    for name, schema in CASE_ACTION_SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    for name, schema in GROUP_MAPPING_SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    for name, schema in {"DeadlineReport": DeadlineReportSchema, "FlowReport": FlowReportSchema,
                         "WorkloadReport": WorkloadReportSchema}.items():
        spec.components.schema(name, schema=schema)
    for name, schema in {"ProcessValidation": ValidationResultSchema, "MigrationRequest": MigrationRequestSchema,
                         "MigrationResult": MigrationResultSchema}.items():
        spec.components.schema(name, schema=schema)
    for name, schema in {
        "DeadlineRule": DeadlineRuleSchema, "DeadlineRuleUpdate": DeadlineRuleUpdateSchema, "Consent": ConsentSchema,
        "Disclosure": DisclosureSchema, "SafeContact": SafeContactSchema, "DirectoryEntry": DirectoryEntrySchema,
        "LegalException": LegalExceptionSchema,
    }.items():
        spec.components.schema(name, schema=schema)
    for name, schema in ANSWER_COMPONENTS.items():
        spec.components.schema(name, schema=schema)
    paths: dict[str, dict[str, Any]] = {}
    for path, method, summary, request_schema, response_schema, params, errors in OPERATIONS + CASE_ACTION_OPERATIONS:
        operation: dict[str, Any] = {"summary": summary, "security": [{"bearer": []}], "parameters": params}
        if request_schema:
            operation["requestBody"] = {"content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{request_schema}"}}}}
        body = {"$ref": f"#/components/schemas/{response_schema}"} if response_schema else {"type": "object"}
        responses: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": body}}}}
        if path.startswith("/reports/"):  # format=csv
            responses["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
        for code in errors:
            responses[code] = {"description": ERRORS[code], "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
        operation["responses"] = document_answers(path, method, responses)
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The OpenAPI 3 document."""
    return build_spec()


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """A readable page of every operation, rendered on the server (no external scripts)."""
    return render_template("api_docs.html", spec=build_spec())
