"""Resource limits shared by the checker, the interpreter and the functions.

The limits are deliberately generous for real gateway conditions and small
scripts, but small enough that no expression can exhaust CPU or memory.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Collection
from typing import Any

from .errors import ExpressionError

MAX_SOURCE_LENGTH = 2000
MAX_NODES = 500
MAX_DEPTH = 100
MAX_INT = 10**18
# Total "size" of a value: characters of strings plus items of containers,
# counted recursively so nested or aliased containers cannot multiply up.
MAX_SIZE = 100_000
TIME_LIMIT_SECONDS = 0.05

_SIZED = (str, dict, list, tuple, set, frozenset)
_SCALARS = frozenset({int, float, bool, type(None), datetime.date, datetime.datetime})


class Budget:
    """Wall-clock budget for one evaluation, checked as nodes are visited."""

    def __init__(self, seconds: float = TIME_LIMIT_SECONDS) -> None:
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        """Raise once the budget is used up."""
        if time.monotonic() > self.deadline:
            raise ExpressionError("evaluation took too long")


def check_number(value: Any) -> Any:
    """Reject integers beyond ``MAX_INT`` and non-finite or complex numbers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise ExpressionError("number too large")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionError("number too large")
    elif isinstance(value, complex):
        raise ExpressionError("result is not a real number")
    return value


def measure(value: Any, budget: Budget | None = None, limit: int = MAX_SIZE, chars: bool = True) -> int:
    """Return the recursive size of ``value``, stopping early past ``limit``.

    Size is the number of container items plus the characters of strings,
    counted through nested containers so aliasing cannot multiply it up
    unnoticed. With ``chars=False`` only container items count: that is the
    cost of deep-copying, since strings are immutable and never copied.
    Iterative, so deep or cyclic structures cannot overflow the stack: a
    cycle simply keeps counting until the limit is passed.
    """
    total = 0
    steps = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) if chars else 0
            continue
        children: Collection[Any]
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple, set, frozenset)):
            children = item
        else:
            continue
        total += len(item)
        if total > limit:
            return total
        # Fast path for flat data: collecting the types runs at C speed.
        if not _SCALARS.issuperset(map(type, children)):
            stack.extend([child for child in children if isinstance(child, _SIZED)])
        steps += len(item)
        if budget is not None and steps > 1024:
            steps = 0
            budget.check()
    return total


def check_size(value: Any, budget: Budget | None = None) -> Any:
    """Reject strings and containers whose recursive size exceeds ``MAX_SIZE``."""
    sized = isinstance(value, (str, list, tuple, dict, set, frozenset))
    if sized and measure(value, budget) > MAX_SIZE:
        raise ExpressionError("result too large")
    return value


def check_items(value: Any, budget: Budget | None = None) -> Any:
    """Reject containers with more than ``MAX_SIZE`` items in total (strings count once)."""
    container = isinstance(value, (list, tuple, dict, set, frozenset))
    if container and measure(value, budget, chars=False) > MAX_SIZE:
        raise ExpressionError("value too large to assign")
    return value


def check_value(value: Any, budget: Budget | None = None) -> Any:
    """Apply both the number and the size limit to a computed value."""
    return check_size(check_number(value), budget)
