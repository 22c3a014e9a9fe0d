"""The form editor ("/processer/<key>/formularer/<form_key>"): @bpmn-io/form-js editor and preview.

Forms are saved into the process's draft and deployed with it (the engine pins form versions per
process version), so a running case never sees a form change.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.forms.formjs import check_form
from engine.process_models import drafts
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.i18n import select_locale
from webui.ui.processes import editor_required
from webui.ui.security import relaxed_style_csp

bp = Blueprint("form_editor", __name__, url_prefix="/processer")
errors.install(bp)


@bp.get("/<key>/formularer/<form_key>")
@editor_required
@relaxed_style_csp
def edit(key: str, form_key: str) -> ResponseReturnValue:
    """The editor page; it loads the form itself."""
    _schema, source = drafts.draft_form(get_session(), key, form_key, me())
    return render_template("form_editor.html", key=key, form_key=form_key, source=source,
                           form_url=url_for("form_editor.form", key=key, form_key=form_key), locale=select_locale())


@bp.get("/<key>/formularer/<form_key>.json")
@editor_required
def form(key: str, form_key: str) -> ResponseReturnValue:
    """The form's schema (draft, else as the latest version pinned it, else a new empty form)."""
    schema, source = drafts.draft_form(get_session(), key, form_key, me())
    return jsonify({"schema": schema, "source": source, "problems": check_form(schema, form_key)})


@bp.put("/<key>/formularer/<form_key>.json")
@editor_required
def save(key: str, form_key: str) -> ResponseReturnValue:
    """Save the form into the draft; answers with the problems deploying would report (if any)."""
    body = request.get_json(silent=True)
    schema = body.get("schema") if isinstance(body, dict) else None
    try:
        draft = drafts.save_form(get_session(), key, form_key, schema, me())
    except InvalidInput:
        get_session().rollback()
        return jsonify({"error": _("Formularen kunne ikke gemmes: den er ikke gyldig eller for stor.")}), 422
    problems = check_form(draft.forms[form_key], form_key)
    message = _("Formularen er gemt i kladden.") if not problems else _(
        "Formularen er gemt i kladden, men kan ikke udrulles, før problemerne er rettet.")
    return jsonify({"problems": problems, "message": message})
