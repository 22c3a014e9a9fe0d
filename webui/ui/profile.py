"""The profile page ("/profil"): e-mail, language and the reminder digest; the password ("/profil/adgangskode")."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import login_required

from engine.errors import InvalidInput
from engine.notifications.preferences import update_preferences
from engine.users.models import User
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.formdata import coerce, raw_values
from webui.ui.forms import field_id, field_labels, render_form
from webui.ui.i18n import LANGUAGE_NAMES
from webui.ui.password import change_password

bp = Blueprint("profile", __name__)
errors.install(bp)


def has_digest() -> bool:
    """True when the user model has the reminder digest preferences (notifications engine)."""
    return hasattr(User, "reminder_digest") and hasattr(User, "digest_hour")


def profile_schema() -> dict[str, Any]:
    """The profile form; the digest fields only when the model has them."""
    components: list[dict[str, Any]] = [
        {"type": "textfield", "key": "email", "label": _("E-mailadresse"), "validate": {"required": True},
         "description": _("Påmindelser sendes hertil. De indeholder kun sagsnummer og et link.")},
        {"type": "radio", "key": "locale", "label": _("Sprog"), "validate": {"required": True},
         "values": [{"value": k, "label": v} for k, v in LANGUAGE_NAMES.items()]},
    ]
    if has_digest():
        components.append({"type": "group", "label": _("Påmindelser"), "components": [
            {"type": "checkbox", "key": "reminder_digest",
             "label": _("Saml mine påmindelser i én daglig e-mail")},
            {"type": "select", "key": "digest_hour", "label": _("Klokkeslæt for den daglige e-mail"),
             "values": [{"value": str(h), "label": f"{h:02d}:00"} for h in range(24)]},
        ]})
    return {"type": "default", "id": "profile", "components": components}


def field_messages() -> dict[str, str]:
    """Messages per field in the user's language (the settings service answers in English)."""
    return {"email": _("Skal være en e-mailadresse."), "locale": _("Vælg dansk eller engelsk."),
            "reminder_digest": _("Vælg ja eller nej."), "digest_hour": _("Vælg et klokkeslæt fra 0 til 23.")}


def _values(user: User) -> dict[str, Any]:
    values: dict[str, Any] = {"email": user.email, "locale": user.locale}
    if has_digest():
        values.update(reminder_digest=bool(user.reminder_digest), digest_hour=str(user.digest_hour))
    return values


def _render(values: dict[str, Any], problems: dict[str, str], status: int = 200) -> ResponseReturnValue:
    schema, user = profile_schema(), me()
    labels = field_labels(schema)
    return render_template(
        "profile.html", user=user, form_html=render_form(schema, values, problems,
                                                         tz=current_app.config["CASEPATH"].timezone),
        error_list=[(field_id(k), labels[k], problems[k]) for k in labels if k in problems],
        groups=sorted(user.group_keys),
    ), status


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile() -> ResponseReturnValue:
    """Show and change the signed-in user's own settings."""
    user = me()
    if request.method == "GET":
        return _render(_values(user), {})
    schema = profile_schema()
    data, problems = coerce(schema, request.form)
    if "digest_hour" in data:
        hour = str(data["digest_hour"] or "")
        data["digest_hour"] = int(hour) if hour.isdigit() else -1
    if not problems:
        try:
            update_preferences(get_session(), user, data)
            refresh()  # the confirmation in the language just chosen
            flash(_("Dine indstillinger er gemt."), "success")
            return redirect(url_for("profile.profile"))
        except InvalidInput as exc:
            get_session().rollback()
            messages = field_messages()
            problems = {str(d["field"]): messages.get(str(d["field"]), str(d.get("message", "")))
                        for d in exc.details if d.get("field")}
    return _render(raw_values(schema, request.form), problems, 422)


@bp.route("/profil/adgangskode", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    """Change the signed-in user's own password (webui/ui/password.py)."""
    return change_password()
