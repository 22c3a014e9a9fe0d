"""A whitelist interpreter for diagram expressions and scripts.

The source is parsed with ``ast`` and checked by :mod:`.checker`; this module
then walks the tree itself. Python's ``eval``/``exec``/``compile`` are never
used, so only the node types the checker accepted can ever do anything.

Name resolution: in a call, ``f(...)`` always means the whitelisted function
``f`` (functions win; task data can never shadow or replace a function). As a
plain value, a name is looked up in the task data, so a data field that
happens to be called ``date`` can still be read as ``date``.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Collection, Mapping, MutableMapping
from typing import Any

from .checker import Checker, parse
from .errors import ExpressionError
from .functions import DEFAULT_FUNCTIONS
from .interpreter import Functions, Interpreter


@functools.lru_cache(maxsize=512)
def _checked_tree(source: str, mode: str, function_names: frozenset[str]) -> ast.AST:
    """Parse and check once per distinct source; trees are never mutated."""
    tree = parse(source, mode)
    checker = Checker(function_names)
    if isinstance(tree, ast.Expression):
        checker.expression(tree.body)
    else:
        assert isinstance(tree, ast.Module)
        checker.statements(tree.body)
    return tree


def _tree(source: str, mode: str, functions: Collection[str]) -> ast.AST:
    if not isinstance(source, str):
        raise ExpressionError("expression must be text")
    try:
        return _checked_tree(source, mode, frozenset(functions))
    except ExpressionError as err:
        if mode == "eval" and "\n" not in source.strip():
            err.lineno = None  # "line 1" adds nothing for a one-line condition
        raise


def check_expression(source: str, functions: Collection[str] | None = None) -> None:
    """Statically check a single expression (e.g. a gateway condition).

    ``functions`` are the callable names (default: DEFAULT_FUNCTIONS).
    Raises ExpressionError naming the first problem found.
    """
    _tree(source, "eval", DEFAULT_FUNCTIONS if functions is None else functions)


def check_script(source: str, functions: Collection[str] | None = None) -> None:
    """Statically check a script: assignments, if/elif/else and pass only."""
    _tree(source, "exec", DEFAULT_FUNCTIONS if functions is None else functions)


def evaluate(source: str, names: Mapping[str, Any], functions: Functions | None = None) -> Any:
    """Evaluate one expression against ``names`` (task data) and return its value."""
    funcs = DEFAULT_FUNCTIONS if functions is None else functions
    tree = _tree(source, "eval", funcs)
    assert isinstance(tree, ast.Expression)
    interpreter = Interpreter(names, funcs)
    return interpreter.guarded(lambda: interpreter.visit(tree.body))


def execute(source: str, names: MutableMapping[str, Any], functions: Functions | None = None) -> None:
    """Run a script, assigning its results into ``names``.

    The script works on private copies, and ``names`` is updated only if the
    whole script succeeds: a failing script leaves the task data untouched.
    """
    funcs = DEFAULT_FUNCTIONS if functions is None else functions
    tree = _tree(source, "exec", funcs)
    assert isinstance(tree, ast.Module)
    interpreter = Interpreter(names, funcs)
    interpreter.guarded(lambda: interpreter.run(tree.body))
    names.update(interpreter.assigned)
