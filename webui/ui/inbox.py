"""The inbox ("/"): my tasks, my groups' unclaimed tasks and, for team leads, every open task.

Each task shows its case's risk and acute markers where the access rule shows them (its holder, its
candidates, team leads: need_to_know.listed_with_safe_contact); deadlines counted in clock hours show
the hours left. Columns sort (webui.ui.inbox_sorting) and filters can be saved per user
(webui.ui.saved_filters).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from engine.cases.need_to_know import listed_with_safe_contact
from engine.cases.service import SUPERVISOR_GROUPS
from engine.tasks.service import TaskPage
from engine.users.saved_filters import list_filters
from engine.users.service import group_members
from webui.clock import now
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me, render_login
from webui.ui.inbox_sorting import DEFAULT_SORT, SORTS, sorted_page
from webui.ui.queries import inbox_tasks, process_choices

bp = Blueprint("inbox", __name__)
errors.install(bp)

PER_PAGE = 20
DUE_CHOICES = (1, 3, 7, 14, 30)
REFERENCE_MAX = 20


@dataclass(frozen=True)
class Section:
    """One task list of the inbox."""

    scope: str
    title: Any
    param: str
    page: int
    result: TaskPage

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.result.total // PER_PAGE))

    @property
    def page_numbers(self) -> list[int]:
        """The first, the last and the pages near the current one."""
        near = range(max(1, self.page - 3), min(self.pages, self.page + 3) + 1)
        return sorted({1, self.pages, *near})


SECTIONS = (
    ("mine", _l("Mine opgaver"), "side_mine"),
    ("candidate", _l("Gruppens opgaver"), "side_gruppe"),
    ("all", _l("Alle åbne opgaver"), "side_alle"),
)


def _page(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


def _filters(args: Any) -> dict[str, Any]:
    days = args.get("frist", "")
    return {
        "process_key": (args.get("proces") or "").strip()[:255] or None,
        "reference": (args.get("sag") or "").strip()[:REFERENCE_MAX] or None,
        "days": int(days) if days.isdigit() and int(days) in DUE_CHOICES else None,
        "sort": args.get("sortering") if args.get("sortering") in SORTS else DEFAULT_SORT,
    }


def _saved_args(filters: dict[str, Any]) -> dict[str, str]:
    """The filters as the inbox's query-string arguments (what a saved filter keeps)."""
    args = {"proces": filters["process_key"], "frist": filters["days"], "sag": filters["reference"],
            "sortering": filters["sort"] if filters["sort"] != DEFAULT_SORT else None}
    return {key: str(value) for key, value in args.items() if value}


def sort_url(column: str, current: str) -> str:
    """The inbox URL sorted by `column` (again: the other way), back on the first pages."""
    args = {k: v for k, v in request.args.to_dict().items() if not k.startswith("side_")}
    args["sortering"] = f"-{column}" if current == column else column
    return url_for("inbox.index", **args)


def page_url(param: str, page: int) -> str:
    """The inbox URL with the current filters and `param` set to `page`."""
    args = request.args.to_dict()
    args[param] = str(page)
    return url_for("inbox.index", **args)


@bp.get("/")
def index() -> ResponseReturnValue:
    """The inbox; signed-out visitors get the sign-in form."""
    if not current_user.is_authenticated:
        return render_login()
    return render_inbox(request.args)


def render_inbox(args: Any, saved_error: str | None = None, status: int = 200) -> ResponseReturnValue:
    """The inbox for the filters in `args`; `saved_error`: the save-filter form's message (422)."""
    user, session = me(), get_session()
    filters = _filters(args)
    due_before = now() + timedelta(days=filters["days"]) if filters["days"] else None
    supervisor = user.in_any(*SUPERVISOR_GROUPS)
    sections = []
    for scope, title, param in SECTIONS:
        if scope == "all" and not supervisor:
            continue
        page = _page(args.get(param))

        def fetch(limit: int, offset: int, scope: str = scope) -> TaskPage:
            return inbox_tasks(session, user, scope, process_key=filters["process_key"],
                               reference=filters["reference"], due_before=due_before, limit=limit, offset=offset)

        result = sorted_page(fetch, filters["sort"], page, PER_PAGE, user)
        sections.append(Section(scope, title, param, page, result))
    groups = {t.candidate_group for s in sections for t in s.result.items if t.candidate_group} if supervisor else set()
    members = {group: group_members(session, group) for group in sorted(groups)}
    processes = process_choices(session)
    marked = {t.id for s in sections for t in s.result.items if listed_with_safe_contact(user, t)}
    html = render_template(
        "inbox.html", sections=sections, filters=filters, processes=processes, process_names=dict(processes),
        due_choices=DUE_CHOICES, members=members, supervisor=supervisor, page_url=page_url, me=user,
        marked=marked, sort_url=sort_url,
        saved=list_filters(session, user, "inbox"), saved_page="inbox", saved_query=_saved_args(filters),
        saved_error=saved_error, saved_url=lambda query: url_for("inbox.index") + (f"?{query}" if query else ""))
    return html, status
