"""Column sorting of the inbox's task lists, on top of the task service's pages.

The service lists READY tasks by deadline, cut on an index (engine.tasks.listing); that stays the
default and costs one page. Another column sorts the first SORT_LIMIT tasks of the list in that
order (deadline first) and shows a page of them; the page says so when the list is longer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.cases.need_to_know import listed_with_safe_contact
from engine.tasks.service import TaskPage
from engine.users.models import User

DEFAULT_SORT = "frist"
COLUMNS = ("frist", "opgave", "sag", "proces", "risiko")
SORTS = (*COLUMNS, *(f"-{column}" for column in COLUMNS))
SORT_LIMIT = 500
RISK_RANK = {"high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True)
class SortedPage(TaskPage):
    """A page of a list sorted on another column; `capped`: only the first SORT_LIMIT were sorted."""

    capped: bool = False


def _due(task: Any) -> float:
    return task.due_at.timestamp() if task.due_at is not None else float("inf")


def _key(column: str, user: User) -> Callable[[Any], tuple]:
    """The sort key of `column`; ties keep the deadline order."""
    if column == "frist":
        return lambda t: (_due(t),)
    if column == "opgave":
        return lambda t: (t.name.casefold(), _due(t))
    if column == "sag":
        return lambda t: (t.case.reference, _due(t))
    if column == "proces":
        return lambda t: ((t.case.process_version.name or t.case.process_version.key).casefold(), _due(t))

    def risk(task: Any) -> tuple:  # most urgent first: acute, then high, medium, low, not assessed, not shown
        if not listed_with_safe_contact(user, task):
            return (2, 0, _due(task))
        return (0 if task.case.acute else 1, -RISK_RANK.get(task.case.risk_level or "", 0), _due(task))

    return risk


def sorted_page(fetch: Callable[[int, int], TaskPage], sort: str, page: int, per_page: int, user: User) -> TaskPage:
    """Page `page` of a task list (`fetch(limit, offset)`) sorted by `sort` (a column, `-` for the
    other way round)."""
    if sort == DEFAULT_SORT:
        return fetch(per_page, (page - 1) * per_page)
    everything = fetch(SORT_LIMIT, 0)
    column, reverse = sort.lstrip("-"), sort.startswith("-")
    items = sorted(everything.items, key=_key(column, user), reverse=reverse)
    if column == "frist" and reverse:  # tasks without a deadline stay last
        items = [t for t in items if t.due_at is not None] + [t for t in items if t.due_at is None]
    start = (page - 1) * per_page
    return SortedPage(items[start:start + per_page], everything.total, capped=everything.total > SORT_LIMIT)
