"""The case list ("/sager"): Mine sager, Teamets sager, Alle sager, with filters, sorting and search.

GET /sager (the route is cases.find) takes the filters in the query string: links, pages, sorting
and saved filters. An exact reference the user may see (`?sag=2026-000123`, the old find-by-reference
link) goes straight to the case; any other `sag` is searched for. POST /sager is the search form:
its term (any part of a reference, or free text) never goes into a URL, since URLs land in server
logs; without a term it redirects to the GET page with the filters. Only cases the access rule lets
the user see are listed (engine.cases.search).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from engine.cases.need_to_know import case_with_access
from engine.cases.owner import owner_groups
from engine.cases.search import CasePage, log_search_matches, search_cases
from engine.errors import InvalidInput
from engine.errors import NotFound as DomainNotFound
from engine.users.models import Group, User, user_groups
from engine.users.saved_filters import list_filters
from webui.clock import now
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me
from webui.ui.case_list_form import LABELS, ListForm, owner_problem, parse
from webui.ui.queries import case_id_by_reference, process_choices

bp = Blueprint("case_list", __name__)
errors.install(bp)

_FULL_REFERENCE = re.compile(r"^\d{4}-\d{6}$")


def _visible(reference: str) -> Any:
    """The id of the case with this exact reference if the user may see it, else None."""
    case_id = case_id_by_reference(get_session(), reference) if _FULL_REFERENCE.match(reference) else None
    if case_id is None:
        return None
    try:
        case_with_access(get_session(), case_id, me(), now(), "header")
    except DomainNotFound:
        return None
    return case_id


def find_or_list() -> ResponseReturnValue:
    """GET /sager: an exact reference the user may see goes to the case; otherwise the list."""
    reference = (request.args.get("sag") or "").strip()
    case_id = _visible(reference)
    if case_id is not None:
        return redirect(url_for("cases.show", case_id=case_id))
    return render_list(parse(request.args, reference, request.args.get("side")), by_post=False)


@bp.post("/sager")
@login_required
def search() -> ResponseReturnValue:
    """The search form (the term stays out of the URL); the header's "Find sag" posts here too."""
    form = request.form
    text = (form.get("soeg") or "").strip()
    case_id = _visible(text)
    if case_id is not None:
        return redirect(url_for("cases.show", case_id=case_id), 303)
    args = {key: form.get(f"ny_{key}") or form.get(key) or "" for key in ("visning", "sortering")}
    fields = {key: form.get(key) or "" for key in ("status", "proces", "sagsbehandler", "risiko", "akut",
                                                  "overskredet", "fra", "til")}
    changed = any(form.get(f"ny_{key}") for key in args)
    parsed = parse({**fields, **{k: v for k, v in args.items() if v}}, text,
                   None if changed else form.get("side"))
    if not parsed.text and not parsed.problems:  # nothing to keep out of the URL: the GET page
        return redirect(url_for("cases.find", **parsed.link_args()), 303)
    return render_list(parsed, by_post=True)


def _result(form: ListForm) -> tuple[CasePage | None, dict[str, str]]:
    if form.problems:
        return None, form.problems
    session, user = get_session(), me()
    try:
        page = search_cases(session, user, form.query(), now())
    except InvalidInput as exc:
        session.rollback()
        fields = {str(d.get("field")) for d in exc.details}
        return None, owner_problem() if "owner" in fields else {"_": _("Søgningen kunne ikke bruges.")}
    log_search_matches(session, user, page, channel="ui")
    return page, {}


def render_list(form: ListForm, by_post: bool, saved_error: str | None = None,
                status: int = 200) -> ResponseReturnValue:
    """The page; 422 with the problems listed when the form cannot be used (nothing is listed)."""
    page, problems = _result(form)
    session = get_session()
    if page is not None and not page.items and _FULL_REFERENCE.match(form.text):
        flash(_("Sagen findes ikke, eller du har ikke adgang til den."), "error")
    owners = _owner_choices(session)
    html = render_template(
        "case_list.html", form=form, page=page, problems=problems, by_post=by_post,
        error_list=[(f"f-{key}", LABELS[key], message) for key, message in problems.items() if key in LABELS],
        processes=process_choices(session), owners=owners, pages=_pages(page),
        # GET links keep a term that came in the URL (?sag=); after a POST the controls are buttons.
        list_url=lambda **changes: url_for("cases.find", **form.link_args(sag=form.text, **changes)),
        saved=list_filters(session, me(), "cases"), saved_query=form.link_args(), saved_error=saved_error,
        saved_page="cases", saved_url=lambda query: url_for("cases.find") + (f"?{query}" if query else ""),
        supervisor=me().in_any("teamleder", "admin"))
    return html, 422 if problems else status


def _owner_choices(session: Any) -> list[tuple[str, str]]:
    """(user name, name) of the active users who may own cases (engine.cases.owner), in one query."""
    rows = session.execute(
        select(User.username, User.full_name).join(user_groups, user_groups.c.user_id == User.id)
        .join(Group, Group.id == user_groups.c.group_id)
        .where(User.active, Group.key.in_(owner_groups(session))).distinct().order_by(User.username))
    return [(username, full_name or username) for username, full_name in rows]


def _pages(page: CasePage | None) -> list[int]:
    """The first, the last and the pages near the current one."""
    if page is None:
        return []
    last = max(1, -(-page.total // page.per_page))
    return sorted({1, last, *range(max(1, page.page - 3), min(last, page.page + 3) + 1)})
