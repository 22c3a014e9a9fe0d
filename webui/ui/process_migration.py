"""Moving open cases of a process version to a newer version ("/processer/<key>/versioner/<n>/flyt").

A dry run lists which of the chosen cases can move and why the others cannot; one more click
moves the movable ones (each case in its own transaction, with an event on the case).
"""

from __future__ import annotations

import re
from uuid import UUID

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.process_models import migration, service
from engine.process_models.migration import MigrationCheck
from engine.process_models.overview import open_cases, process_detail
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.processes import editor_required

bp = Blueprint("migration", __name__, url_prefix="/processer")
errors.install(bp)

MAX_SELECTED = 1000


def reason_text(check: MigrationCheck) -> str:
    """The engine's reason in the user's language (the names of steps stay as in the diagram)."""
    reason = check.reason
    fixed = {
        "can move": _("Kan flyttes"),
        "moved": _("Flyttet"),
        "the case is closed": _("Sagen er afsluttet"),
        "the case is already on this version": _("Sagen er allerede på denne version"),
        "a sub-process it runs no longer exists": _("En delproces, som sagen kører, findes ikke længere"),
        "the case changed meanwhile; try again": _("Sagen blev ændret imens; prøv igen"),
    }
    if reason in fixed:
        return fixed[reason]
    match = re.match(r"steps it has reached were removed: (.*)$", reason)
    if match:
        return _("Trin, som sagen er nået til, er fjernet: %(steps)s", steps=match.group(1))
    match = re.match(r"its current steps changed: (.*)$", reason)
    if match:
        return _("Sagens aktuelle trin er ændret: %(steps)s", steps=match.group(1))
    return reason


def _selected() -> list[UUID] | None:
    """The case ids ticked in the form; None means every open case of the version."""
    if request.form.get("omfang") == "alle":
        return None
    selected = []
    for value in request.form.getlist("sag")[:MAX_SELECTED]:
        try:
            selected.append(UUID(value))
        except ValueError:
            continue
    return selected


@bp.route("/<key>/versioner/<int:version>/flyt", methods=["GET", "POST"])
@editor_required
def migrate(key: str, version: int) -> ResponseReturnValue:
    """Choose cases and a target version; dry run (`handling=proev`), then move (`handling=flyt`)."""
    session, user = get_session(), me()
    process = process_detail(session, user, key)
    source = service.get_version(session, key, version)
    targets = [row.version for row in process.versions if row.version.version != version]
    cases = open_cases(session, user, source)
    results, action, target, selected = None, None, None, None
    if request.method == "POST":
        action = "flyt" if request.form.get("handling") == "flyt" else "proev"
        target = service.get_version(session, key, request.form.get("til", type=int) or 0)
        selected = _selected()
        run = migration.migrate if action == "flyt" else migration.dry_run
        results = [] if selected == [] else run(session, source, target, user, selected)
        if action == "flyt":
            cases = open_cases(session, user, source)
    chosen = {str(i) for i in selected} if selected is not None else None
    return render_template("process_migration.html", process=process, source=source, targets=targets, cases=cases,
                           results=results, action=action, target=target, chosen=chosen, reason_text=reason_text)
