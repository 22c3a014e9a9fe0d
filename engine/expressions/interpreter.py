"""Tree-walking interpreter for checked expression and script trees.

Only node types accepted by :mod:`.checker` reach this module; each has an
explicit handler below. Every visited node is charged against the wall-clock
budget, and every computed value against the size and number limits.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Mapping
from typing import Any

from . import operators as ops
from .errors import ExpressionError
from .limits import Budget, check_items, check_size, check_value

Functions = Mapping[str, Callable[..., Any]]


def _own(value: Any) -> Any:
    """Copy containers on assignment so two names never share a mutable value."""
    if isinstance(value, (list, dict, set, tuple)):
        return copy.deepcopy(value)
    return value


class Interpreter:
    """Evaluates checked trees; one instance per evaluation (holds the budget)."""

    def __init__(self, names: Mapping[str, Any], functions: Functions) -> None:
        self.names = names
        self.functions = functions
        self.budget = Budget()
        self.assigned: dict[str, Any] = {}  # script results, owned copies
        self.lineno: int | None = None

    def guarded(self, action: Callable[[], Any]) -> Any:
        """Run ``action`` so that only ExpressionError can escape."""
        try:
            return action()
        except ExpressionError as err:
            if err.lineno is None:
                err.lineno = self.lineno
            raise
        except RecursionError:
            raise ExpressionError("expression too complex", self.lineno) from None
        except MemoryError:
            raise ExpressionError("result too large", self.lineno) from None
        except Exception as err:  # defensive: never leak other exception types
            raise ExpressionError(f"evaluation failed: {err}", self.lineno) from None

    # -- statements --------------------------------------------------------
    def run(self, body: list[ast.stmt]) -> None:
        """Execute a block of checked statements."""
        for node in body:
            self.budget.check()
            self.lineno = node.lineno
            if isinstance(node, ast.Assign):
                self.assign(node.targets[0], self.visit(node.value))
            elif isinstance(node, ast.AugAssign):
                current = self.visit(node.target)  # the target also reads as a value
                self.assign(node.target, ops.binary_op(node.op, current, self.visit(node.value), self.budget))
            elif isinstance(node, ast.If):
                self.run(node.body if self.visit(node.test) else node.orelse)

    def assign(self, target: ast.expr, value: Any) -> None:
        """Store ``value`` into a name or into ``name[key]...``."""
        # Assigned containers are deep-copied; bounding their item count stops
        # "a[0] = a" from doubling a value on every line. Strings are not copied.
        check_items(value, self.budget)
        if isinstance(target, ast.Name):
            self.assigned[target.id] = _own(value)
            return
        keys: list[ast.expr] = []
        while isinstance(target, ast.Subscript):
            keys.append(target.slice)
            target = target.value
        assert isinstance(target, ast.Name)
        container = self._writable(target.id)
        key_values = [self.visit(key) for key in reversed(keys)]
        for key in key_values[:-1]:
            container = ops.subscript(container, key)
        ops.set_item(container, key_values[-1], _own(value))

    def _writable(self, name: str) -> Any:
        """The script's own copy of ``name``, copying task data on first write."""
        if name not in self.assigned:
            self.assigned[name] = copy.deepcopy(self.lookup(name))
        return self.assigned[name]

    # -- expressions ---------------------------------------------------------
    def lookup(self, name: str) -> Any:
        """Value of a plain name: script variables, then task data."""
        if name in self.assigned:
            return self.assigned[name]
        if name in self.names:
            return self.names[name]
        if name in self.functions:
            raise ExpressionError(f"'{name}' is a function; call it like {name}(...)")
        raise ExpressionError(f"name '{name}' is not defined")

    def visit(self, node: ast.expr) -> Any:
        """Evaluate one checked expression node."""
        self.budget.check()
        return _HANDLERS[type(node)](self, node)

    def _constant(self, node: ast.Constant) -> Any:
        return node.value

    def _name(self, node: ast.Name) -> Any:
        return self.lookup(node.id)

    def _list(self, node: ast.List) -> Any:
        return check_value([self.visit(item) for item in node.elts], self.budget)

    def _tuple(self, node: ast.Tuple) -> Any:
        return check_value(tuple(self.visit(item) for item in node.elts), self.budget)

    def _set(self, node: ast.Set) -> Any:
        items = [self.visit(item) for item in node.elts]
        try:
            return check_value(set(items), self.budget)
        except TypeError as err:
            raise ExpressionError(f"cannot build set: {err}") from None

    def _dict(self, node: ast.Dict) -> Any:
        result = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            assert key_node is not None  # rejected by the checker
            key, value = self.visit(key_node), self.visit(value_node)
            try:
                result[key] = value
            except TypeError:
                raise ExpressionError(f"cannot use {ops.type_name(key)} as a dictionary key") from None
        return check_value(result, self.budget)

    def _bool_op(self, node: ast.BoolOp) -> Any:
        # Short-circuit and return the deciding operand, exactly like Python.
        is_and = isinstance(node.op, ast.And)
        result: Any = None
        for value_node in node.values:
            result = self.visit(value_node)
            if bool(result) != is_and:
                return result
        return result

    def _bin_op(self, node: ast.BinOp) -> Any:
        return ops.binary_op(node.op, self.visit(node.left), self.visit(node.right), self.budget)

    def _unary_op(self, node: ast.UnaryOp) -> Any:
        return ops.unary_op(node.op, self.visit(node.operand))

    def _compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.visit(right_node)
            if not ops.compare(op, left, right):
                return False
            left = right
        return True

    def _if_exp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def _subscript(self, node: ast.Subscript) -> Any:
        return ops.subscript(self.visit(node.value), self.visit(node.slice))

    def _slice(self, node: ast.Slice) -> slice:
        parts = [None if part is None else self.visit(part) for part in (node.lower, node.upper, node.step)]
        if any(part is not None and not isinstance(part, int) for part in parts):
            raise ExpressionError("slice bounds must be whole numbers")
        return slice(*parts)

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.visit(func.value)
            return ops.call_method(receiver, func.attr, [self.visit(arg) for arg in node.args])
        assert isinstance(func, ast.Name)
        function = self.functions.get(func.id)
        if function is None:  # tree was checked against another function list
            raise ExpressionError(f"function '{func.id}' is not allowed")
        args = [self.visit(arg) for arg in node.args]
        try:
            result = function(*args)
        except ExpressionError:
            raise
        except Exception as err:
            raise ExpressionError(f"{func.id}(): {err}") from None
        if any(result is arg for arg in args):
            return result  # e.g. max(a, b): nothing new was built, task data may be big
        return check_value(result, self.budget)

    def _joined_str(self, node: ast.JoinedStr) -> str:
        pieces = []
        for part in node.values:
            value = self.visit(part.value if isinstance(part, ast.FormattedValue) else part)
            pieces.append(check_size(str(value), self.budget))
        return check_size("".join(pieces), self.budget)


_HANDLERS: dict[type[ast.AST], Callable[[Interpreter, Any], Any]] = {
    ast.Constant: Interpreter._constant,
    ast.Name: Interpreter._name,
    ast.List: Interpreter._list,
    ast.Tuple: Interpreter._tuple,
    ast.Set: Interpreter._set,
    ast.Dict: Interpreter._dict,
    ast.BoolOp: Interpreter._bool_op,
    ast.BinOp: Interpreter._bin_op,
    ast.UnaryOp: Interpreter._unary_op,
    ast.Compare: Interpreter._compare,
    ast.IfExp: Interpreter._if_exp,
    ast.Subscript: Interpreter._subscript,
    ast.Slice: Interpreter._slice,
    ast.Call: Interpreter._call,
    ast.JoinedStr: Interpreter._joined_str,
}
