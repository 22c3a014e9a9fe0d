"""The directory of external actors: read by everyone, maintained by administrators."""

from __future__ import annotations

from uuid import UUID

from flask import current_app, request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from engine.directory import service
from engine.directory.models import KINDS
from engine.users.permissions import require_admin
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import json_body
from webui.api.me import StrictBoolean
from webui.database import get_session


class DirectoryEntrySchema(Schema):
    """An external actor."""

    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    region = fields.String(load_default="", validate=validate.Length(max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    organisation = fields.String(load_default="", validate=validate.Length(max=255))
    phone = fields.String(load_default="", validate=validate.Length(max=64))
    email = fields.String(load_default="", validate=validate.Length(max=254))
    notes = fields.String(load_default="", validate=validate.Length(max=4000))
    active = StrictBoolean(load_default=True)


_entry = DirectoryEntrySchema()


@bp.get("/directory")
@token_required
def list_directory() -> ResponseReturnValue:
    """Entries by `kind`; `region` defaults to the municipality's region (`all` for every region)."""
    region = request.args.get("region") or current_app.config["CASEPATH"].region
    entries = service.list_entries(get_session(), request.args.get("kind"), None if region == "all" else region)
    return {"region": region, "entries": _entry.dump(entries, many=True)}


@bp.post("/directory")
@token_required
def create_directory_entry() -> ResponseReturnValue:
    """Add an entry (administrators)."""
    require_admin(current_user(), "change the directory")  # who may not learns nothing of the body's rules
    return _entry.dump(service.create_entry(get_session(), _entry.load(json_body()), current_user())), 201


@bp.patch("/directory/<uuid:entry_id>")
@token_required
def update_directory_entry(entry_id: UUID) -> ResponseReturnValue:
    """Change an entry (administrators); `active: false` hides it."""
    require_admin(current_user(), "change the directory")
    values = _entry.load(json_body(), partial=True)
    return _entry.dump(service.update_entry(get_session(), entry_id, values, current_user()))
