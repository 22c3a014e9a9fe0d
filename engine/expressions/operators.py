"""Bounded operators, subscripts and the method whitelist of the language.

Every operation that could allocate or compute without bound (``**``,
sequence repetition, string ``%`` formatting) is checked *before* Python
does the work, and every result is checked against the limits afterwards.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from .errors import ExpressionError
from .limits import MAX_INT, MAX_SIZE, Budget, check_number, check_value, measure

BINARY_OPERATORS: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.FloorDiv: ("//", operator.floordiv),
    ast.Mod: ("%", operator.mod),
    ast.Pow: ("**", operator.pow),
}

UNARY_OPERATORS: dict[type[ast.unaryop], str] = {ast.Not: "not", ast.USub: "-", ast.UAdd: "+"}

COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}

# The only methods that may be called on values. Unbound base-class methods
# are used so a subclass in task data cannot swap in its own implementation.
SAFE_METHODS: dict[tuple[type, str], Callable[..., Any]] = {
    (str, "lower"): str.lower,
    (str, "upper"): str.upper,
    (str, "strip"): str.strip,
    (str, "startswith"): str.startswith,
    (str, "endswith"): str.endswith,
    (dict, "get"): dict.get,
    (list, "count"): list.count,
    (list, "index"): list.index,
    (tuple, "count"): tuple.count,
    (tuple, "index"): tuple.index,
}
SAFE_METHOD_NAMES: frozenset[str] = frozenset(name for _, name in SAFE_METHODS)

_NUMBERS = (int, float)
_SEQUENCES = (str, list, tuple)


def type_name(value: Any) -> str:
    """Short, user-facing name of a value's type."""
    return "None" if value is None else type(value).__name__


def short_repr(value: Any, limit: int = 60) -> str:
    """``repr`` of a value, cut short so error messages stay readable."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_power(base: Any, exponent: Any) -> None:
    """Refuse integer powers whose result would exceed MAX_INT, before computing."""
    if not (isinstance(base, int) and isinstance(exponent, int) and exponent > 0):
        return
    # |base| >= 2**(bit_length-1), so this product is a lower bound on log2(result).
    if abs(base) > 1 and (abs(base).bit_length() - 1) * exponent > MAX_INT.bit_length():
        raise ExpressionError("number too large")


def _check_repeat(left: Any, right: Any, budget: Budget) -> None:
    """Refuse ``sequence * n`` whose result would exceed MAX_SIZE, before allocating."""
    if isinstance(left, _SEQUENCES) and isinstance(right, int):
        sequence, count = left, right
    elif isinstance(right, _SEQUENCES) and isinstance(left, int):
        sequence, count = right, left
    else:
        return
    if count > 0 and measure(sequence, budget) * count > MAX_SIZE:
        raise ExpressionError("result too large")


def binary_op(op: ast.operator, left: Any, right: Any, budget: Budget) -> Any:
    """Apply an arithmetic operator with limits checked before and after."""
    symbol, function = BINARY_OPERATORS[type(op)]
    if isinstance(op, ast.Pow):
        _check_power(left, right)
    elif isinstance(op, ast.Mult):
        _check_repeat(left, right, budget)
    elif isinstance(op, ast.Mod) and isinstance(left, str):
        # printf-style formatting can pad to arbitrary widths ("%999999999d").
        raise ExpressionError("string formatting with % is not allowed")
    try:
        result = function(left, right)
    except ZeroDivisionError:
        raise ExpressionError("division by zero") from None
    except OverflowError:
        raise ExpressionError("number too large") from None
    except (TypeError, ValueError):
        raise ExpressionError(
            f"cannot use '{symbol}' with {type_name(left)} and {type_name(right)}"
        ) from None
    return check_value(result, budget)


def unary_op(op: ast.unaryop, operand: Any) -> Any:
    """Apply ``not``, unary minus or unary plus."""
    if isinstance(op, ast.Not):
        return not operand
    symbol = UNARY_OPERATORS[type(op)]
    if not isinstance(operand, _NUMBERS):
        raise ExpressionError(f"cannot use '{symbol}' with {type_name(operand)}")
    return check_number(-operand if isinstance(op, ast.USub) else +operand)


def compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    """Apply one comparison operator, turning type errors into ExpressionError."""
    try:
        return bool(COMPARISONS[type(op)](left, right))
    except TypeError:
        if isinstance(op, (ast.In, ast.NotIn)):
            raise ExpressionError(f"cannot use 'in' with {type_name(right)}") from None
        raise ExpressionError(f"cannot compare {type_name(left)} with {type_name(right)}") from None


def subscript(container: Any, key: Any) -> Any:
    """``container[key]`` for dicts, lists, tuples and strings only."""
    if not isinstance(container, (dict, list, tuple, str)):
        raise ExpressionError(f"cannot index into {type_name(container)}")
    try:
        return container[key]
    except KeyError:
        raise ExpressionError(f"key {short_repr(key)} not found") from None
    except IndexError:
        raise ExpressionError(f"index {short_repr(key)} out of range") from None
    except (TypeError, ValueError):
        raise ExpressionError(f"cannot index {type_name(container)} with {type_name(key)}") from None


def set_item(container: Any, key: Any, value: Any) -> None:
    """``container[key] = value`` for dicts and (existing indexes of) lists."""
    if isinstance(container, dict):
        try:
            container[key] = value
        except TypeError:
            raise ExpressionError(f"cannot use {type_name(key)} as a dictionary key") from None
    elif isinstance(container, list):
        if not isinstance(key, int):
            raise ExpressionError(f"list index must be int, not {type_name(key)}")
        try:
            container[key] = value
        except IndexError:
            raise ExpressionError(f"index {key} out of range") from None
    else:
        raise ExpressionError(f"cannot assign into {type_name(container)}")


def call_method(receiver: Any, name: str, args: list[Any]) -> Any:
    """Call a whitelisted method such as ``text.lower()`` or ``data.get("k")``."""
    for base in (str, dict, list, tuple):
        method = SAFE_METHODS.get((base, name))
        if method is not None and isinstance(receiver, base):
            break
    else:
        raise ExpressionError(f"method '{name}' is not available on {type_name(receiver)}")
    try:
        # No size check needed: every whitelisted method returns a part of its
        # receiver or argument, or something smaller (lower, strip, count...).
        return method(receiver, *args)
    except (TypeError, ValueError, KeyError) as err:
        raise ExpressionError(f"{name}(): {err}") from None
