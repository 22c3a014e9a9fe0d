"""Deploying, validating and listing process models; comparing versions; moving open cases."""

from __future__ import annotations

from pathlib import PurePath

from flask import current_app, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from engine.bpmn import BpmnValidationError
from engine.errors import InvalidInput
from engine.process_models import migration, service
from engine.process_models.versions import ElementChange, diff_versions
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.input_guard import Int32
from webui.api.me import StrictBoolean
from webui.api.schemas import DeployFormSchema, ProcessVersionSchema
from webui.database import get_session

_version = ProcessVersionSchema()


class MigrationRequestSchema(Schema):
    """Body of POST /process-models/{key}/versions/{version}/migration."""

    to_version = Int32(required=True, strict=True)
    case_ids = fields.List(fields.UUID(), load_default=None, validate=validate.Length(max=1000))
    dry_run = StrictBoolean(load_default=True)


class ChangesQuerySchema(Schema):
    """Query of GET /process-models/{key}/versions/{version}/changes."""

    to = Int32(load_default=None)


class MigrationResultSchema(Schema):
    """What happened (or would happen) to one case."""

    case_id = fields.UUID()
    reference = fields.String()
    movable = fields.Boolean()
    reason = fields.String()


class ValidationResultSchema(Schema):
    """Answer of POST /process-models/validate: no problems, and the form versions it would pin."""

    problems = fields.List(fields.Dict())
    forms = fields.Dict(keys=fields.String(), values=fields.String())


def _upload() -> tuple[bytes, str, str, dict[str, bytes]]:
    """The BPMN bytes, file name, comment and form-js forms (key → bytes) of an upload."""
    service.require_deployer(current_user())  # who may not deploy learns nothing of the upload's rules
    if request.mimetype == "multipart/form-data":
        form = DeployFormSchema().load(request.form.to_dict())
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput("multipart upload needs a 'file' part", [{"field": "file", "message": "missing"}])
        forms = {PurePath(f.filename or "").stem: f.read() for f in request.files.getlist("forms") if f.filename}
        return upload.read(), upload.filename or "upload.bpmn", form["comment"], forms
    comment = request.args.get("comment", "")
    data = request.get_data(cache=False)
    if not data:
        raise InvalidInput("the request has no BPMN file", [{"field": "file", "message": "empty"}])
    return data, request.args.get("filename", "upload.bpmn"), comment, {}


@bp.post("/process-models")
@token_required
def deploy_process_model() -> ResponseReturnValue:
    """Deploy a BPMN file (+ multipart `forms` files); 201 when a version was created, 200 when it existed."""
    data, filename, comment, forms = _upload()
    if not data:
        raise InvalidInput("the request has no BPMN file", [{"field": "file", "message": "empty"}])
    deployed = service.deploy(
        get_session(), data, actor=current_user(), filename=filename, comment=comment,
        max_bytes=current_app.config["CASEPATH"].max_bpmn_bytes, forms=forms,
    )
    body = [dict(_version.dump(d.version), created=d.created) for d in deployed]
    return {"versions": body}, 201 if any(d.created for d in deployed) else 200


@bp.post("/process-models/validate")
@token_required
def validate_process_model() -> ResponseReturnValue:
    """Validate an upload exactly as deploying would, storing nothing: 200 without problems, else 422."""
    data, filename, _comment, forms = _upload()
    check = service.validate_upload(get_session(), data, actor=current_user(), filename=filename,
                                    max_bytes=current_app.config["CASEPATH"].max_bpmn_bytes, forms=forms)
    if check.problems:
        raise BpmnValidationError(check.problems)
    return {"problems": [], "forms": check.pinned}


@bp.get("/process-models")
@token_required
def list_process_models() -> ResponseReturnValue:
    """Every deployed version, newest first per key (`?key=` narrows to one process)."""
    versions = service.list_versions(get_session(), request.args.get("key"))
    return {"versions": _version.dump(versions, many=True)}


@bp.get("/process-models/<key>/versions/<int:version>/changes")
@token_required
def version_changes(key: str, version: int) -> ResponseReturnValue:
    """Elements added, removed and changed from `version` to `?to=` (default: the latest version)."""
    session = get_session()
    target = ChangesQuerySchema().load(request.args.to_dict())["to"]
    old = service.get_version(session, key, version)
    new = service.get_version(session, key, target) if target else service.latest_version(session, key)
    assert new is not None  # `old` exists, so the process has a latest version
    diff = diff_versions(old.bpmn_xml, new.bpmn_xml)
    return {"from_version": old.version, "to_version": new.version, "added": _changes(diff.added),
            "removed": _changes(diff.removed), "changed": _changes(diff.changed)}


def _changes(changes: list[ElementChange]) -> list[dict[str, object]]:
    return [{"element_id": c.element_id, "name": c.name, "kind": c.kind, "details": c.details} for c in changes]


@bp.post("/process-models/<key>/versions/<int:version>/migration")
@token_required
def migrate_cases(key: str, version: int) -> ResponseReturnValue:
    """Dry run (default) or move open cases of `version` (all, or `case_ids`) to `to_version`."""
    session, user = get_session(), current_user()
    migration.require_migrator(user)  # who may not migrate learns nothing of the body's rules
    body = MigrationRequestSchema().load(json_body())
    source = service.get_version(session, key, version)
    target = service.get_version(session, key, body["to_version"])
    run = migration.dry_run if body["dry_run"] else migration.migrate
    results = run(session, source, target, user, body["case_ids"])
    return {"from_version": source.version, "to_version": target.version, "dry_run": body["dry_run"],
            "results": MigrationResultSchema(many=True).dump(results)}
