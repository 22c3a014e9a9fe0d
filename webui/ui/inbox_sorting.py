"""Column sorting of the inbox's task lists, on top of the task listing's pages.

The listing gives READY tasks by deadline, cut on an index (engine.tasks.listing); that stays the
default and costs one page. Another column sorts the first SORT_LIMIT tasks of the list in that
order (deadline first) and shows a page of them; the page says so when the list is longer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.cases.need_to_know import listed_with_safe_contact
from engine.tasks.listing import ViewPage
from engine.tasks.rows import TaskView
from engine.users.models import User

DEFAULT_SORT = "frist"
COLUMNS = ("frist", "opgave", "sag", "proces", "risiko")
SORTS = (*COLUMNS, *(f"-{column}" for column in COLUMNS))
SORT_LIMIT = 500
RISK_RANK = {"high": 3, "medium": 2, "low": 1}

Markers = dict[Any, tuple[str | None, bool | None]]  # case id -> (risk level, acute)


@dataclass(frozen=True)
class SortedPage(ViewPage):
    """A page of a list sorted on another column; `capped`: only the first SORT_LIMIT were sorted."""

    capped: bool = False


@dataclass(frozen=True)
class Facts:
    """What the columns sort on besides the task: the user (whose relation shows the markers), the
    process names by (key, version), and the markers of a list's cases (`markers(tasks)`)."""

    user: User
    process_names: dict[tuple[str, int], str]
    markers: Callable[[list[TaskView]], Markers]

    def process_name(self, task: TaskView) -> str:
        """The name of the task's case's process version, or its key."""
        return self.process_names.get((task.process_key, task.process_version)) or task.process_key


def _due(task: TaskView) -> float:
    return task.due_at.timestamp() if task.due_at is not None else float("inf")


def _key(column: str, facts: Facts, tasks: list[TaskView]) -> Callable[[TaskView], tuple]:
    """The sort key of `column`; ties keep the deadline order."""
    if column == "frist":
        return lambda t: (_due(t),)
    if column == "opgave":
        return lambda t: (t.name.casefold(), _due(t))
    if column == "sag":
        return lambda t: (t.case_reference, _due(t))
    if column == "proces":
        return lambda t: (facts.process_name(t).casefold(), _due(t))
    markers = facts.markers(tasks)

    def risk(task: TaskView) -> tuple:  # most urgent first: acute, then high, medium, low, not assessed, not shown
        if not listed_with_safe_contact(facts.user, task):
            return (2, 0, _due(task))
        risk_level, acute = markers.get(task.case_id, (None, None))
        return (0 if acute else 1, -RISK_RANK.get(risk_level or "", 0), _due(task))

    return risk


def sorted_page(fetch: Callable[[int, int], ViewPage], sort: str, page: int, per_page: int, facts: Facts) -> ViewPage:
    """Page `page` of a task list (`fetch(limit, offset)`) sorted by `sort` (a column, `-` for the
    other way round)."""
    if sort == DEFAULT_SORT:
        return fetch(per_page, (page - 1) * per_page)
    everything = fetch(SORT_LIMIT, 0)
    column, reverse = sort.lstrip("-"), sort.startswith("-")
    items = sorted(everything.items, key=_key(column, facts, everything.items), reverse=reverse)
    if column == "frist" and reverse:  # tasks without a deadline stay last
        items = [t for t in items if t.due_at is not None] + [t for t in items if t.due_at is None]
    start = (page - 1) * per_page
    return SortedPage(items[start:start + per_page], everything.total, capped=everything.total > SORT_LIMIT)
