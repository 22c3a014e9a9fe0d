"""The process pages ("/processer"): processes and their versions, read-only diagrams, downloads,
change summaries and importing a BPMN file from another modeler. Team leads and administrators."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import Conflict, InvalidInput, NotFound
from engine.process_models import drafts, service
from engine.process_models.overview import process_detail, process_overview, require_editor
from engine.process_models.versions import diff_versions
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me

bp = Blueprint("processes", __name__, url_prefix="/processer")
errors.install(bp)


def editor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in and a team lead or administrator (others get the 403 page)."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_editor(me())
        return view(*args, **kwargs)

    return wrapper


def max_bytes() -> int:
    """The configured upload limit for BPMN files."""
    return int(current_app.config["CASEPATH"].max_bpmn_bytes)


@bp.get("")
@editor_required
def index() -> ResponseReturnValue:
    """Every process with its versions (who, when, comment, open cases) and drafts; the import form."""
    return render_template("processes.html", processes=process_overview(get_session(), me()))


@bp.get("/<key>")
@editor_required
def detail(key: str) -> ResponseReturnValue:
    """One process: versions, draft, comparing two versions, moving open cases."""
    process = process_detail(get_session(), me(), key)
    return render_template("process.html", process=process)


@bp.get("/<key>/versioner/<int:version>")
@editor_required
def version(key: str, version: int) -> ResponseReturnValue:
    """A deployed version, read-only (bpmn-js NavigatedViewer)."""
    row = service.get_version(get_session(), key, version)
    return render_template("process_version.html", version=row)


@bp.get("/<key>/versioner/<int:version>.bpmn")
@editor_required
def download(key: str, version: int) -> ResponseReturnValue:
    """The BPMN file of a version, as a download."""
    row = service.get_version(get_session(), key, version)
    filename = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{row.key}-v{row.version}.bpmn")
    return Response(row.bpmn_xml, mimetype="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/<key>/sammenlign")
@editor_required
def compare(key: str) -> ResponseReturnValue:
    """Elements added, removed and changed between two versions (?fra=1&til=2)."""
    session = get_session()
    process = process_detail(session, me(), key)
    numbers = [row.version.version for row in process.versions]
    if not numbers:
        return redirect(url_for("processes.detail", key=key))
    old_number = request.args.get("fra", type=int) or min(numbers)
    new_number = request.args.get("til", type=int) or max(numbers)
    if not {old_number, new_number} <= set(numbers):  # also a number beyond the database's integer
        raise NotFound("no such version")
    old, new = service.get_version(session, key, old_number), service.get_version(session, key, new_number)
    diff = diff_versions(old.bpmn_xml, new.bpmn_xml)
    return render_template("process_compare.html", process=process, old=old, new=new, diff=diff, numbers=numbers)


@bp.post("/importer")
@editor_required
def import_file() -> ResponseReturnValue:
    """Open a BPMN file from any modeler as the draft of its process, in the modeler."""
    upload = request.files.get("fil")
    data = upload.read(max_bytes() + 1) if upload is not None else b""
    if not data:
        flash(_("Vælg en BPMN-fil."), "error")
        return redirect(url_for("processes.index"))
    try:
        key = drafts.import_file(get_session(), data, me(), max_bytes=max_bytes(),
                                 replace=request.form.get("erstat") == "ja")
    except Conflict:
        get_session().rollback()
        flash(_("Processen har allerede en kladde, som ikke er udrullet. Sæt kryds i »Erstat en eksisterende "
                "kladde«, hvis filen skal erstatte den."), "error")
        return redirect(url_for("processes.index"))
    except InvalidInput:
        get_session().rollback()
        flash(_("Filen kunne ikke åbnes: den er ikke en BPMN-fil med en proces, eller den er for stor."), "error")
        return redirect(url_for("processes.index"))
    flash(_("Filen er åbnet som kladde af processen %(key)s. Den er ikke udrullet endnu.", key=key), "success")
    return redirect(url_for("modeler.edit", key=key))
