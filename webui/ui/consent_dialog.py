"""Registering a missing consent from a sharing task, without leaving it (a dialog on the task page).

The dialog posts to `POST /opgaver/<id>/samtykke` (static/js/consent_dialog.js), which records the
consent on the task's case and answers with the task form's new consent choices; the script puts
them into the form's choice list in place, so nothing typed is lost (the draft is saved first too).
Recording a consent is case work (engine.cases.need_to_know.Access.case_work): a candidate who has
not taken the task is told to take it first, and a holder outside the owner's circle to ask them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from flask import current_app, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import Session

from engine.cases.access import READ_CONSENTS, log_access
from engine.cases.need_to_know import Access, case_with_access
from engine.consent import service as consent_service
from engine.consent.sharing import possible_recipients
from engine.errors import InvalidInput, PermissionDenied
from engine.forms.formjs import components
from engine.tasks import service
from engine.tasks.draft_service import may_keep_draft
from engine.tasks.models import Task
from engine.users.models import User
from webui.clock import now, service_clock
from webui.database import get_session
from webui.ui import integrations
from webui.ui.auth import me
from webui.ui.caseforms import consent_schema
from webui.ui.formdata import coerce, required_problems
from webui.ui.forms import render_form

CONSENT_FIELD = "disclosure_consent_id"
# The dialog's fields are named apart from the task form's, so no id on the page is used twice.
PREFIX = "samtykke_"
REGISTER, CLAIM, ASK = "register", "claim", "ask"


@dataclass(frozen=True)
class ConsentDialog:
    """What the dialog offers: the consent form (register), "take the task first" (claim), or "ask
    the case owner" (ask)."""

    mode: str
    form_html: Markup = Markup("")
    owner: str | None = None


def _tz() -> str:
    return current_app.config["CASEPATH"].timezone


def has_consent_field(schema: Mapping[str, Any] | None) -> bool:
    """Whether the task form asks for a consent."""
    return any(c.get("key") == CONSENT_FIELD for c in components(dict(schema or {})))


def dialog_schema(kinds: list[str]) -> dict[str, Any]:
    """The case page's consent form for the task's recipients only (the one preselected when
    there is one), its keys prefixed."""
    def adapt(component: dict[str, Any]) -> dict[str, Any]:
        component = dict(component)
        if component["key"] == "recipient_kind":
            component["values"] = [v for v in component["values"] if v["value"] in kinds]
            if len(kinds) == 1:
                component["defaultValue"] = kinds[0]
        return {**component, "key": PREFIX + component["key"]}

    schema = consent_schema()
    return {**schema, "components": [adapt(c) for c in schema["components"]]}


def dialog_for(task: Task, access: Access, user: User, schema: Mapping[str, Any] | None,
               kinds: list[str]) -> ConsentDialog | None:
    """The dialog for a sharing task the user may complete and whose form asks for a consent."""
    if not kinds or not may_keep_draft(user, task) or not has_consent_field(schema):
        return None
    if access.case_work:
        return ConsentDialog(REGISTER, render_form(dialog_schema(kinds), tz=_tz()))
    if task.assignee_id is None:
        return ConsentDialog(CLAIM)
    owner = task.case.owner
    return ConsentDialog(ASK, owner=owner.display_name or owner.username if owner else None)


def _instant(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None


def _checked(kinds: list[str]) -> dict[str, Any]:
    """The dialog's values without their prefix; InvalidInput (prefixed fields) with every problem."""
    schema = dialog_schema(kinds)
    data, problems = coerce(schema, request.form, tz=_tz())
    problems = {**required_problems(schema, data), **problems}
    if data.get(PREFIX + "recipient_kind") and data[PREFIX + "recipient_kind"] not in kinds:
        problems.setdefault(PREFIX + "recipient_kind", _("Vælg en af mulighederne."))
    if problems:
        raise InvalidInput("the consent is not valid", [{"field": k, "message": v} for k, v in problems.items()])
    return {key[len(PREFIX):]: value for key, value in data.items()}


def consent_choices(session: Session, task: Task, user: User, kinds: list[str]) -> list[dict[str, str]]:
    """The consent choices of the task form, as the task page builds them."""
    consents = consent_service.list_consents(session, task.case_id, user, service_clock())
    stub = {"components": [{"type": "select", "key": CONSENT_FIELD}]}
    return next(c["values"] for c in integrations.with_disclosure_choices(stub, consents, [], kinds)["components"])


def register(task_id: UUID) -> dict[str, Any]:
    """POST /opgaver/<id>/samtykke: record the consent; `{"consent", "choices"}` for the form."""
    session, user = get_session(), me()
    task, access = service.task_with_access(session, task_id, user, service_clock())
    if not may_keep_draft(user, task):
        raise PermissionDenied("only the one who may complete the task registers a consent from it")
    case_with_access(session, task.case_id, user, now(), "case_work")  # before the body: nothing learnt
    kinds = possible_recipients(service.task_properties(session, task))
    values = _checked(kinds)
    try:
        consent = consent_service.record_consent(
            session, task.case_id, user, given_by=values.get("given_by") or "",
            giver_name=values.get("giver_name") or "", giver_capacity=values.get("giver_capacity") or "",
            recipient_kind=values.get("recipient_kind") or "", scope=values.get("scope") or "",
            purpose=values.get("purpose") or "", given_at=_instant(values.get("given_at")), clock=service_clock())
    except InvalidInput as exc:
        raise InvalidInput(exc.message, [{**d, "field": PREFIX + str(d.get("field"))} for d in exc.details]) from exc
    choices = consent_choices(session, task, user, kinds)
    log_access(session, task.case_id, user, READ_CONSENTS, channel="ui", purpose=access.purpose, reason=access.reason)
    return {"consent": str(consent.id), "choices": choices}
