"""The inbox ("/"): my tasks, my groups' unclaimed tasks and, for team leads, every open task.

Each task shows its case's risk and acute markers where the access rule shows them (its holder, its
candidates, team leads: need_to_know.listed_with_safe_contact); deadlines counted in clock hours show
the hours left. Columns sort (webui.ui.inbox_sorting) and filters can be saved per user
(webui.ui.saved_filters). The lists are read as plain rows (engine.tasks.listing, two statements a
list); the markers of every list's cases and the assignable members of every group shown are read
once for the page, and what each row uses alike (links, labels, form fields) is made once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import Session

from engine.cases.need_to_know import listed_with_safe_contact
from engine.cases.service import SUPERVISOR_GROUPS
from engine.tasks.listing import ViewPage
from engine.tasks.rows import TaskView
from engine.users.models import User
from engine.users.saved_filters import list_filters
from webui.clock import now
from webui.database import get_session
from webui.ui import errors
from webui.ui.auth import me, render_login
from webui.ui.inbox_sorting import DEFAULT_SORT, SORTS, Facts, Markers, sorted_page
from webui.ui.queries import case_markers, choices_of, inbox_tasks, members_of, process_versions

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
    result: ViewPage

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


ANY_ID = UUID(int=0)


def url_pattern(endpoint: str, name: str) -> Callable[[UUID], str]:
    """`url_for(endpoint, name=id)` for the many ids of a list, built once (a URL's id is its text)."""
    head, _any, tail = url_for(endpoint, **{name: ANY_ID}).partition(str(ANY_ID))
    return lambda value: f"{head}{value}{tail}"


@bp.get("/")
def index() -> ResponseReturnValue:
    """The inbox; signed-out visitors get the sign-in form."""
    if not current_user.is_authenticated:
        return render_login()
    return render_inbox(request.args)


def _markers_of(session: Session, user: User) -> Callable[[list[TaskView]], Markers]:
    """The risk level and acute flag of the cases of the tasks whose markers the access rule shows."""
    return lambda tasks: case_markers(session, {t.case_id for t in tasks if listed_with_safe_contact(user, t)})


def _sections(session: Session, user: User, args: Any, filters: dict[str, Any], facts: Facts) -> list[Section]:
    """The lists the user has (every open task: team leads and administrators), each one page."""
    due_before = now() + timedelta(days=filters["days"]) if filters["days"] else None
    sections = []
    for scope, title, param in SECTIONS:
        if scope == "all" and not user.in_any(*SUPERVISOR_GROUPS):
            continue
        page = _page(args.get(param))

        def fetch(limit: int, offset: int, scope: str = scope) -> ViewPage:
            return inbox_tasks(session, user, scope, process_key=filters["process_key"],
                               reference=filters["reference"], due_before=due_before, limit=limit, offset=offset)

        sections.append(Section(scope, title, param, page, sorted_page(fetch, filters["sort"], page, PER_PAGE, facts)))
    return sections


def _row_tools() -> dict[str, Any]:
    """What every row of a list uses alike, made once per page: its links and the assign label."""
    return {"task_url": url_pattern("tasks.show", "task_id"), "case_url": url_pattern("cases.show", "case_id"),
            "claim_url": url_pattern("tasks.claim", "task_id"), "unclaim_url": url_pattern("tasks.unclaim", "task_id"),
            "assign_url": url_pattern("tasks.assign", "task_id"),
            # Our catalogue's text, marked safe as the template's _() marks it; `%` escapes the
            # task's name and reference filled in per row, as _() with arguments would.
            "assign_label": Markup(gettext("Fordel %(task)s (%(ref)s) til"))}  # noqa: S704


def render_inbox(args: Any, saved_error: str | None = None, status: int = 200) -> ResponseReturnValue:
    """The inbox for the filters in `args`; `saved_error`: the save-filter form's message (422)."""
    user, session = me(), get_session()
    filters, versions = _filters(args), process_versions(session)
    facts = Facts(user, {(key, version): name for key, name, version in versions}, _markers_of(session, user))
    sections = _sections(session, user, args, filters, facts)
    shown = [t for s in sections for t in s.result.items]
    supervisor = user.in_any(*SUPERVISOR_GROUPS)
    members = members_of(session, {t.candidate_group for t in shown if t.candidate_group} if supervisor else set())
    marked = {t.id for t in shown if listed_with_safe_contact(user, t)}
    markers = case_markers(session, {t.case_id for t in shown if t.id in marked})
    processes = choices_of(versions)
    html = render_template(
        "inbox.html", sections=sections, filters=filters, processes=processes, process_names=dict(processes),
        due_choices=DUE_CHOICES, members=members, supervisor=supervisor, page_url=page_url, me=user,
        marked=marked, markers=markers, process_name=facts.process_name, sort_url=sort_url,
        **_row_tools(), saved=list_filters(session, user, "inbox"), saved_page="inbox",
        saved_query=_saved_args(filters), saved_error=saved_error,
        saved_url=lambda query: url_for("inbox.index") + (f"?{query}" if query else ""))
    return html, status
