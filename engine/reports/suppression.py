"""Small cells: a count of fewer than CASEPATH_REPORT_MIN_CELL cases is shown as "<N", so a report
cannot single out a family. Figures derived from a suppressed count (a share, a median) are hidden
with it. Zero is shown: it points at nobody."""

from __future__ import annotations

from typing import Any

Shown = int | str  # a count, or "<5"


def shown(count: int, min_cell: int) -> Shown:
    """The count as a report may show it."""
    return f"<{min_cell}" if 0 < count < min_cell else count


def small(count: int, min_cell: int) -> bool:
    """The count is too small to show, or to show anything computed from it."""
    return 0 < count < min_cell


def derived(value: Any, basis: int, min_cell: int) -> Any:
    """`value` (a share, a median ...) when its `basis` count may be shown and it has one, else None."""
    return None if basis < min_cell else value


def is_suppressed(value: Shown) -> bool:
    """The shown value hides a small count."""
    return isinstance(value, str)
