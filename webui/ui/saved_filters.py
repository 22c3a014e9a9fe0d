"""Saved filters of the inbox and the case list: save the current filters under a name, delete one.

The query saved is rebuilt here from the page's own filter names, each value cut to a sensible
length, so a saved filter can only hold what the page's filter form offers (never a free-text
search term: the case list's search is not a GET parameter). A bad name shows the page again with a
Danish message (422) and saves nothing.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import InvalidInput
from engine.errors import NotFound as DomainNotFound
from engine.users.saved_filters import MAX_PER_PAGE, NAME_MAX, delete_filter, save_filter
from webui.database import get_session
from webui.ui import case_list_form, errors
from webui.ui.auth import me

bp = Blueprint("saved_filters", __name__, url_prefix="/filtre")
errors.install(bp)

INBOX_KEYS = ("proces", "frist", "sag", "sortering")
KEYS = {"inbox": INBOX_KEYS, "cases": case_list_form.KEYS}
TARGETS = {"inbox": "inbox.index", "cases": "cases.find"}
VALUE_MAX = 100


def canonical(page: str, query: str) -> str:
    """The page's own filters from a query string, in a fixed order, values cut to VALUE_MAX."""
    given = dict(parse_qsl(query or "", keep_blank_values=False))
    return urlencode([(key, given[key].strip()[:VALUE_MAX]) for key in KEYS[page] if given.get(key, "").strip()])


def _page() -> str:
    page = request.form.get("page", "")
    if page not in KEYS:
        abort(422)  # the form names the page itself: anything else was not sent by it
    return page


def _render(page: str, query: str, message: str) -> ResponseReturnValue:
    """The page again, its filters applied, with the message at the save form (422)."""
    from webui.ui import case_list, inbox  # the pages import nothing from here

    args = dict(parse_qsl(query))
    if page == "inbox":
        return inbox.render_inbox(args, saved_error=message, status=422)
    return case_list.render_list(case_list_form.parse(args, args.get("sag", "")), by_post=False,
                                 saved_error=message, status=422)


@bp.post("")
@login_required
def save() -> ResponseReturnValue:
    """Save the page's current filters under a name (a filter of the same name is replaced)."""
    page = _page()
    query = canonical(page, request.form.get("query", ""))
    name = " ".join((request.form.get("name") or "").split())
    if not name or len(name) > NAME_MAX:
        return _render(page, query, _("Skriv et navn på højst %(n)d tegn.", n=NAME_MAX))
    try:
        save_filter(get_session(), me(), page, name, query)
    except InvalidInput:
        get_session().rollback()
        return _render(page, query, _("Du kan højst gemme %(n)d filtre her. Slet et først.", n=MAX_PER_PAGE))
    flash(_("Filteret \"%(name)s\" er gemt.", name=name), "success")
    return redirect(url_for(TARGETS[page]) + (f"?{query}" if query else ""), 303)


@bp.post("/<uuid:filter_id>/slet")
@login_required
def delete(filter_id: UUID) -> ResponseReturnValue:
    """Delete one of the user's own saved filters (anyone else's: 404)."""
    page = _page()
    try:
        delete_filter(get_session(), me(), filter_id)
    except DomainNotFound:
        abort(404)
    flash(_("Filteret er slettet."), "success")
    return redirect(url_for(TARGETS[page]), 303)
