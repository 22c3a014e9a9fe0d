"""The modeler ("/processer/<key>/modeller"): bpmn-js with its properties panel, drafts, validation
and deploying. The page's script talks to the JSON endpoints below with the CSRF token header."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from engine.bpmn import BpmnValidationError
from engine.deadlines.rules import list_rules
from engine.errors import InvalidInput
from engine.process_models import drafts
from engine.process_models.lanes import lane_groups, owner_lanes, set_lane_group
from engine.process_models.service import latest_version
from engine.users.models import Group
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.i18n import select_locale
from webui.ui.modeler_summary import date_fields, deploy_summary
from webui.ui.problem_texts import problems_json
from webui.ui.processes import editor_required, max_bytes
from webui.ui.security import relaxed_style_csp

bp = Blueprint("modeler", __name__, url_prefix="/processer")
errors.install(bp)


def _json() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


def _xml(body: dict[str, Any], key: str | None = None) -> bytes:
    """The diagram sent by the page; with `key`, a missing one (bpmn-js could not write the imported
    file, and nothing was changed) means the saved draft or the latest version as it is."""
    xml = body.get("xml")
    if xml is None and key is not None:
        return drafts.open_workspace(get_session(), key, me()).xml
    if not isinstance(xml, str) or not xml.strip():
        raise InvalidInput("no diagram", [{"field": "xml", "message": "missing"}])
    return xml.encode("utf-8")


def _invalid(exc: InvalidInput) -> ResponseReturnValue:
    get_session().rollback()
    message = _("Diagrammet kunne ikke gemmes: det er ikke gyldig BPMN-XML, eller det er for stort.")
    return jsonify({"error": message, "details": exc.details}), 422


def messages() -> dict[str, str]:
    """The page script's texts in the user's language (placeholders in %(name)s form)."""
    return {
        "loading": _("Indlæser diagrammet …"),
        "loaded": _("Diagrammet er indlæst."),
        "loaded_warnings": _("Diagrammet er indlæst med %(n)s advarsel(er) fra bpmn-js; kontrollér det."),
        "load_failed": _("Diagrammet kunne ikke indlæses (%(error)s)."),
        "failed": _("Det mislykkedes (%(error)s)."),
        "export_failed": _("bpmn-js kan ikke skrive dette diagram som XML, så ændringerne kan ikke gemmes "
                           "(%(error)s)."),
        "export_broken": _("Bemærk: bpmn-js kan ikke skrive denne fil som XML (%(error)s). Du kan se og kontrollere "
                           "den, men ændringer kan ikke gemmes; »Kontrollér« og »Udrul« bruger filen, som den blev "
                           "importeret."),
        "unsaved": _("Der er ændringer, som ikke er gemt."),
        "saving": _("Gemmer kladden …"),
        "saved": _("Kladden er gemt."),
        "save_failed": _("Kladden kunne ikke gemmes."),
        "checking": _("Kontrollerer diagrammet …"),
        "no_problems": _("Ingen problemer: diagrammet kan udrulles."),
        "problems": _("%(n)s problem(er): diagrammet kan ikke udrulles, før de er rettet."),
        "deploying": _("Udruller …"),
        "deploy_failed": _("Ikke udrullet: %(n)s problem(er). Ret dem, og prøv igen. Kladden er, som den var før "
                           "forsøget; dine ændringer er stadig her på siden."),
        "summary_loading": _("Henter ændringerne …"),
        "summary_running": _("Sammenlignet med den kørende version %(n)s."),
        "summary_first": _("Processen er ikke udrullet før; dette bliver version 1."),
        "summary_none": _("Ingen ændringer i processen – kun layoutet er anderledes. Der er intet at udrulle."),
        "summary_open": _("%(n)s åbne sager kører på ældre versioner og bliver på dem, indtil de flyttes."),
        "summary_forms": _("Formularer ændret i kladden: %(forms)s"),
        "added": _("Tilføjet"),
        "removed": _("Fjernet"),
        "changed": _("Ændret"),
        "comment_missing": _("Skriv en kommentar: hvad er ændret, og hvorfor?"),
        "confirm_missing": _("Bekræft, at du har gennemgået ændringerne."),
        "problem_marker": _("Problem – se listen under diagrammet"),
        "group_mapped": _("Gruppe: %(group)s (lanen »%(lane)s«)"),
        "group_slug": _("Gruppe: %(group)s (lanen »%(lane)s« har ingen tilknytning, så navnet bruges som nøgle)"),
        "group_unknown": _("Advarsel: gruppen %(group)s findes ikke."),
        "lane_group_saved": _("Opgaver i lanen »%(lane)s« går nu til gruppen %(group)s."),
        "lane_group_failed": _("Gruppen blev ikke ændret (%(error)s)."),
        "group_candidate": _("Gruppe: %(group)s (camunda:candidateGroups overstyrer lanen)"),
        "group_none": _("Ingen gruppe: opgaven ligger ikke i en lane og har ingen candidateGroups."),
        "deadline_current": _("Frist nu: %(value)s"),
        "deadline_none": _("Ingen frist er sat."),
        "no_forms": _("Ingen opgaver bruger en formular endnu."),
        "form_tasks": _("bruges af %(tasks)s"),
        "desc_process_id": _("Procesnøglen, som sagerne og API'et bruger. Skift den ikke i en udrullet proces."),
        "desc_form_key": _("Nøglen på formularen, fx vurdering_24t. Formularen redigeres under »Formularer i "
                           "processen« og udrulles med processen."),
        "desc_candidate": _("Tom: opgaven går til lanens gruppe (%(group)s). Grupper: %(groups)s."),
        "desc_due": _("deadline(\"regel\", felt) eller ISO 8601 (P3D). Regler: %(rules)s."),
        "desc_timer": _("ISO 8601 (PT24H, P3M, R3/P1D) eller deadline(\"regel\", felt) med typen Dato. "
                        "Regler: %(rules)s."),
    }


def page_config(key: str) -> dict[str, Any]:
    """What the modeler's helpers need: lane → group mapping, groups, deadline rules, URLs."""
    session = get_session()
    return {
        "key": key,
        "lanes": lane_groups(session),
        "owner_lanes": owner_lanes(session),
        "groups": sorted(session.scalars(select(Group.key))),
        "rules": [{"key": r.key, "name": r.name, "amount": r.amount, "unit": r.unit, "law": r.law_reference}
                  for r in list_rules(session)],
        "workspace": url_for("modeler.workspace", key=key),
        "save": url_for("modeler.save", key=key),
        "check": url_for("modeler.check", key=key),
        "deploy": url_for("modeler.deploy", key=key),
        "summary": url_for("modeler.summary", key=key),
        "date_fields": date_fields(session, key, me()),
        "lane_group": url_for("modeler.lane_group"),
        "form": url_for("form_editor.edit", key=key, form_key="FORM_KEY"),
        "locale": select_locale(),
        "messages": messages(),
    }


@bp.get("/<key>/modeller")
@editor_required
@relaxed_style_csp
def edit(key: str) -> ResponseReturnValue:
    """The modeler page; it loads the draft (or the latest version) itself."""
    workspace = drafts.open_workspace(get_session(), key, me())
    return render_template("modeler.html", key=key, workspace=workspace, config=page_config(key))


@bp.get("/<key>/kladde")
@editor_required
def workspace(key: str) -> ResponseReturnValue:
    """The draft (or latest version) as JSON: {xml, source, version, saved_by, saved_at, forms}."""
    found = drafts.open_workspace(get_session(), key, me())
    return jsonify({"xml": found.xml.decode("utf-8", "replace"), "source": found.source, "version": found.version,
                    "saved_by": found.saved_by, "forms": sorted(found.forms)})


@bp.put("/<key>/kladde")
@editor_required
def save(key: str) -> ResponseReturnValue:
    """Save the diagram as the process's draft."""
    try:
        draft = drafts.save_draft(get_session(), key, _xml(_json()), me(), max_bytes=max_bytes())
    except InvalidInput as exc:
        return _invalid(exc)
    return jsonify({"saved_by": draft.saved_by, "message": _("Kladden er gemt.")})


@bp.post("/<key>/kontrol")
@editor_required
def check(key: str) -> ResponseReturnValue:
    """Validate the diagram with the draft's forms as deploying would; stores nothing."""
    try:
        result = drafts.check_xml(get_session(), key, _xml(_json(), key), me(), max_bytes=max_bytes())
    except InvalidInput as exc:
        return _invalid(exc)
    return jsonify({"problems": problems_json(result.problems)})


@bp.post("/lanegrupper")
@editor_required
def lane_group() -> ResponseReturnValue:
    """Set which group works the tasks of a lane (by lane name, for every process), and whether they go
    straight to the case owner: {lane, group, to_owner (optional)}."""
    body = _json()
    session = get_session()
    try:
        lanes = set_lane_group(session, str(body.get("lane") or ""), str(body.get("group") or ""), me(),
                               body.get("to_owner"))
    except InvalidInput as exc:
        session.rollback()
        return jsonify({"error": exc.message, "details": exc.details}), 422
    return jsonify({"lanes": lanes, "owner_lanes": owner_lanes(session)})


@bp.post("/<key>/udrul/oversigt")
@editor_required
def summary(key: str) -> ResponseReturnValue:
    """What deploying the diagram would change: differences against the running version, forms changed in
    the draft, open cases on older versions and the problems that would refuse it; stores nothing."""
    xml = _xml(_json(), key)
    try:
        result = drafts.check_xml(get_session(), key, xml, me(), max_bytes=max_bytes())
    except InvalidInput as exc:
        return _invalid(exc)
    return jsonify({**deploy_summary(get_session(), key, xml), "problems": problems_json(result.problems)})


@bp.post("/<key>/udrul")
@editor_required
def deploy(key: str) -> ResponseReturnValue:
    """Deploy the diagram with the draft's forms: a comment is required, and a refused diagram is not saved
    (the draft stays as it was before the attempt); 422 with the reason otherwise."""
    body = _json()
    comment = str(body.get("comment") or "").strip()[:2000]
    if not comment:
        return jsonify({"error": _("Skriv en kommentar: hvad er ændret, og hvorfor?"),
                        "details": [{"field": "comment", "message": "missing"}]}), 422
    session = get_session()
    before = drafts.get_draft(session, key)
    previous = before.bpmn_xml if before is not None else None
    try:
        xml = _xml(body, key)
        problems = drafts.check_xml(session, key, xml, me(), max_bytes=max_bytes()).problems
        if problems:
            session.rollback()
            return jsonify({"problems": problems_json(problems)}), 422
        drafts.save_draft(session, key, xml, me(), max_bytes=max_bytes())
        deployed = drafts.deploy_draft(session, key, me(), comment=comment, max_bytes=max_bytes())
    except BpmnValidationError as exc:
        session.rollback()
        _restore(key, previous)
        return jsonify({"problems": problems_json(exc.problems)}), 422
    except InvalidInput as exc:
        return _invalid(exc)
    return jsonify(_deployed(deployed, key))


def _restore(key: str, previous: bytes | None) -> None:
    """Put the draft back as it was before a deploy that the checks passed but deploying refused."""
    if previous is None:
        drafts.discard_draft(get_session(), key, me())
    else:
        drafts.save_draft(get_session(), key, previous, me(), max_bytes=max_bytes())


def _deployed(deployed: list[Any], key: str) -> dict[str, Any]:
    """The answer to a deploy: the versions and what to tell the team lead."""
    versions = [{"key": d.version.key, "version": d.version.version, "created": d.created} for d in deployed]
    created = [v for v in versions if v["created"]]
    message = (_("Version %(n)s af %(key)s er udrullet.", n=created[0]["version"], key=created[0]["key"]) if created
               else _("Diagrammet var uændret; der er ikke lavet en ny version."))
    return {"versions": versions, "message": message, "detail": url_for("processes.detail", key=key)}


@bp.post("/<key>/kasser-kladde")
@editor_required
def discard(key: str) -> ResponseReturnValue:
    """Delete the draft; the latest version opens again."""
    session = get_session()
    drafts.discard_draft(session, key, me())
    flash(_("Kladden er kasseret."), "info")
    if latest_version(session, key) is None:
        return redirect(url_for("processes.index"))
    return redirect(url_for("processes.detail", key=key))
