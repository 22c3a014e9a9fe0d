"""Deploying and listing process models."""

from __future__ import annotations

from pathlib import PurePath

from flask import current_app, request
from flask.typing import ResponseReturnValue

from engine.errors import InvalidInput
from engine.process_models import service
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.schemas import DeployFormSchema, ProcessVersionSchema
from webui.database import get_session

_version = ProcessVersionSchema()


def _upload() -> tuple[bytes, str, str, dict[str, bytes]]:
    """The BPMN bytes, file name, comment and form-js forms (key → bytes) of an upload."""
    if request.mimetype == "multipart/form-data":
        form = DeployFormSchema().load(request.form.to_dict())
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput("multipart upload needs a 'file' part", [{"field": "file", "message": "missing"}])
        forms = {PurePath(f.filename or "").stem: f.read() for f in request.files.getlist("forms") if f.filename}
        return upload.read(), upload.filename or "upload.bpmn", form["comment"], forms
    comment = request.args.get("comment", "")
    return request.get_data(cache=False), request.args.get("filename", "upload.bpmn"), comment, {}


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


@bp.get("/process-models")
@token_required
def list_process_models() -> ResponseReturnValue:
    """Every deployed version, newest first per key (`?key=` narrows to one process)."""
    versions = service.list_versions(get_session(), request.args.get("key"))
    return {"versions": _version.dump(versions, many=True)}
