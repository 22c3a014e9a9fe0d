"""Consents, disclosures and safe-contact instructions of a case; legal exceptions."""

from __future__ import annotations

from uuid import UUID

from flask import request
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from engine.cases.access import READ_CONSENTS, READ_SAFE_CONTACT
from engine.consent import exceptions, service
from engine.consent.models import GIVERS, RECIPIENT_KINDS
from engine.users.permissions import require_admin
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.cases import case_for, json_body
from webui.api.input_guard import SafeAwareDateTime
from webui.api.me import StrictBoolean
from webui.api.schemas import LocalDateTime
from webui.clock import service_clock
from webui.database import get_session


class ConsentSchema(Schema):
    """A consent (also the body of POST /cases/{id}/consents)."""

    id = fields.UUID(dump_only=True)
    case_id = fields.UUID(dump_only=True)
    given_by = fields.String(required=True, validate=validate.OneOf(GIVERS))
    recipient_kind = fields.String(required=True, validate=validate.OneOf(RECIPIENT_KINDS))
    scope = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    giver_name = fields.String(load_default="", validate=validate.Length(max=255))
    giver_capacity = fields.String(load_default="", validate=validate.Length(max=255))
    given_at = SafeAwareDateTime(load_default=None)
    withdrawn_at = LocalDateTime(dump_only=True)
    recorded_by = fields.String(dump_only=True)


class DisclosureSchema(Schema):
    """A recorded disclosure."""

    id = fields.UUID()
    task_id = fields.UUID(allow_none=True)
    recipient_kind = fields.String()
    recipient_name = fields.String()
    summary = fields.String()
    purpose = fields.String()
    consent_id = fields.UUID(allow_none=True)
    legal_exception = fields.String(allow_none=True)
    justification = fields.String(allow_none=True)
    disclosed_at = LocalDateTime()
    recorded_by = fields.String()


class SafeContactSchema(Schema):
    """Safe-contact instructions of a case."""

    instructions = fields.String(load_default="", validate=validate.Length(max=4000))
    ask_if_alone = StrictBoolean(load_default=False)
    no_letters_home = StrictBoolean(load_default=False)
    no_voicemail = StrictBoolean(load_default=False)
    interpreter_phone_only = StrictBoolean(load_default=False)
    interpreter_not_same_community = StrictBoolean(load_default=False)
    updated_at = LocalDateTime(dump_only=True)
    updated_by = fields.String(dump_only=True)


_consent = ConsentSchema()


@bp.get("/cases/<uuid:case_id>/consents")
@token_required
def list_consents(case_id: UUID) -> ResponseReturnValue:
    """The case's consents."""
    case_for(case_id, "content", READ_CONSENTS)
    return {"consents": _consent.dump(service.list_consents(get_session(), case_id, current_user(), service_clock()),
                                      many=True)}


@bp.post("/cases/<uuid:case_id>/consents")
@token_required
def record_consent(case_id: UUID) -> ResponseReturnValue:
    """Record a consent (who gave it, to whom, what and why)."""
    case_for(case_id, "case_work")  # who may not record one learns nothing of the body's rules
    body = _consent.load(json_body())
    return _consent.dump(service.record_consent(get_session(), case_id, current_user(), **body,
                                                clock=service_clock())), 201


@bp.post("/consents/<uuid:consent_id>/withdraw")
@token_required
def withdraw_consent(consent_id: UUID) -> ResponseReturnValue:
    """Withdraw a consent; later disclosures cannot rely on it."""
    return _consent.dump(service.withdraw_consent(get_session(), consent_id, current_user(), clock=service_clock()))


@bp.get("/cases/<uuid:case_id>/disclosures")
@token_required
def list_disclosures(case_id: UUID) -> ResponseReturnValue:
    """Every disclosure made in the case."""
    case_for(case_id, "content", READ_CONSENTS)
    disclosures = service.list_disclosures(get_session(), case_id, current_user(), service_clock())
    return {"disclosures": DisclosureSchema().dump(disclosures, many=True)}


@bp.get("/cases/<uuid:case_id>/safe-contact")
@token_required
def get_safe_contact(case_id: UUID) -> ResponseReturnValue:
    """The case's safe-contact instructions (empty when none were recorded)."""
    case_for(case_id, "safe_contact", READ_SAFE_CONTACT)
    contact = service.get_safe_contact(get_session(), case_id)
    return SafeContactSchema().dump(contact) if contact else SafeContactSchema().load({})


@bp.put("/cases/<uuid:case_id>/safe-contact")
@token_required
def put_safe_contact(case_id: UUID) -> ResponseReturnValue:
    """Replace the case's safe-contact instructions."""
    case_for(case_id, "case_work")
    body = SafeContactSchema().load(json_body())
    return SafeContactSchema().dump(service.set_safe_contact(get_session(), case_id, current_user(), service_clock(),
                                                             **body))


@bp.get("/legal-exceptions")
@token_required
def list_legal_exceptions() -> ResponseReturnValue:
    """Legal bases for sharing without consent: the active ones, or every one with `?all=true`."""
    session = get_session()
    rows = exceptions.all_exceptions(session) if request.args.get("all") == "true" else \
        service.legal_exceptions(session)
    return {"legal_exceptions": [{"key": r.key, "name": r.name, "law_reference": r.law_reference,
                                  "active": r.active} for r in rows]}


class LegalExceptionSchema(Schema):
    """A legal basis for sharing without consent."""

    key = fields.String(required=True, validate=validate.Regexp(exceptions.KEY_PATTERN))
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    law_reference = fields.String(load_default="", validate=validate.Length(max=255))
    active = StrictBoolean(load_default=True)


_exception = LegalExceptionSchema()
LEGAL_BASES = "change the list of legal bases"


@bp.post("/legal-exceptions")
@token_required
def create_legal_exception() -> ResponseReturnValue:
    """Add a legal basis to the maintained list (administrators)."""
    require_admin(current_user(), LEGAL_BASES)  # who may not learns nothing of the body's rules
    values = _exception.load(json_body())
    return _exception.dump(exceptions.create_exception(get_session(), values, current_user())), 201


@bp.patch("/legal-exceptions/<key>")
@token_required
def update_legal_exception(key: str) -> ResponseReturnValue:
    """Rename a legal basis, correct its law reference, or switch it off with `active: false` (administrators)."""
    require_admin(current_user(), LEGAL_BASES)
    values = _exception.load(json_body(), partial=True)
    return _exception.dump(exceptions.update_exception(get_session(), key, values, current_user()))
