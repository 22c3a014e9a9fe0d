"""The documented function whitelist of the expression language.

Every function takes only plain values, checks its inputs and raises
ValueError/TypeError with a readable message; the interpreter turns those
into ExpressionError. Results are size-checked by the interpreter as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .dates import make_date_functions
from .limits import MAX_SIZE

_MAX_NUMBER_TEXT = 50
_MAX_ROUND_DIGITS = 18

Number = int | float


def length(value: Any) -> int:
    """``len("abc")`` -> 3; also lists, tuples, sets and dictionaries."""
    if not isinstance(value, (str, list, tuple, set, frozenset, dict)):
        raise TypeError(f"needs text, a list or a dictionary, not {type(value).__name__}")
    return len(value)


def to_str(value: Any) -> str:
    """``str(42)`` -> "42". Dates and datetimes become ISO 8601 text."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _number_text(value: str) -> str:
    text = value.strip()
    if len(text) > _MAX_NUMBER_TEXT:
        raise ValueError("text is too long to be a number")
    return text


def to_int(value: Any) -> int:
    """``int("42")`` -> 42; ``int(3.9)`` -> 3."""
    try:
        if isinstance(value, str):
            return int(_number_text(value))
        if isinstance(value, (int, float)):
            return int(value)
    except (ValueError, OverflowError):
        pass
    raise ValueError(f"cannot convert {str(value)[:40]!r} to a whole number")


def to_float(value: Any) -> float:
    """``float("2.5")`` -> 2.5."""
    try:
        if isinstance(value, str):
            return float(_number_text(value))
        if isinstance(value, (int, float)):
            return float(value)
    except (ValueError, OverflowError):
        pass
    raise ValueError(f"cannot convert {str(value)[:40]!r} to a number")


def to_bool(value: Any) -> bool:
    """``bool("")`` -> False; empty values and zero are false."""
    return bool(value)


def _number(value: Any) -> Number:
    if not isinstance(value, (int, float)):
        raise TypeError(f"needs a number, not {type(value).__name__}")
    return value


def absolute(value: Any) -> Number:
    """``abs(-3)`` -> 3."""
    return abs(_number(value))


def _items(values: tuple[Any, ...]) -> list[Any]:
    """Accept either ``f(a, b, c)`` or ``f([a, b, c])``, bounded in size."""
    items = values
    if len(values) == 1 and isinstance(values[0], (list, tuple, set, frozenset)):
        items = values[0]
    if not items:
        raise ValueError("needs at least one value")
    if len(items) > MAX_SIZE:
        raise ValueError(f"accepts at most {MAX_SIZE} values")
    return list(items)


def minimum(*values: Any) -> Any:
    """``min(3, 1, 2)`` or ``min([3, 1, 2])`` -> 1."""
    return min(_items(values))


def maximum(*values: Any) -> Any:
    """``max(3, 1, 2)`` or ``max([3, 1, 2])`` -> 3."""
    return max(_items(values))


def round_number(value: Any, digits: int | None = None) -> Number:
    """``round(2.567, 2)`` -> 2.57; ``round(2.5)`` -> 2 (round half to even)."""
    number = _number(value)
    if digits is None:
        return round(number)
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise TypeError("digits must be a whole number")
    # int.__round__ with a large negative digit count computes 10**-digits.
    if abs(digits) > _MAX_ROUND_DIGITS:
        raise ValueError(f"digits must be between -{_MAX_ROUND_DIGITS} and {_MAX_ROUND_DIGITS}")
    return round(number, digits)


def total(values: Any) -> Number:
    """``sum([1, 2, 3])`` -> 6. Only numbers can be summed."""
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise TypeError(f"needs a list of numbers, not {type(values).__name__}")
    if len(values) > MAX_SIZE:
        raise ValueError(f"accepts at most {MAX_SIZE} values")
    return sum(_number(value) for value in values)


BASIC_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": length,
    "str": to_str,
    "int": to_int,
    "float": to_float,
    "bool": to_bool,
    "abs": absolute,
    "min": minimum,
    "max": maximum,
    "round": round_number,
    "sum": total,
}


def _no_deadline_rules(rule: Any, start: Any = None) -> dt.datetime:
    """Placeholder so diagrams can be checked without a database; the runtime injects the real one."""
    raise ValueError("deadline rules are not available here")


def make_functions(
    clock: Callable[[], dt.datetime], deadline: Callable[..., dt.datetime] | None = None
) -> dict[str, Callable[..., Any]]:
    """Build the full whitelist; ``clock`` supplies the time for now()/today().

    ``deadline(rule_key, start)`` computes a statutory deadline from the rule table (see
    engine.deadlines); the caller injects it because it needs the database's rules.
    """
    return {**BASIC_FUNCTIONS, **make_date_functions(clock), "deadline": deadline or _no_deadline_rules}


DEFAULT_FUNCTIONS: dict[str, Callable[..., Any]] = make_functions(lambda: dt.datetime.now(dt.UTC))
