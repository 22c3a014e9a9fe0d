"""Static (deploy-time) checks: parse the source and accept only whitelisted syntax.

Nothing here executes user code: the source is parsed with ``ast.parse`` and
the resulting tree is inspected. The interpreter relies on these checks, so
it never meets a node type that was not explicitly allowed here.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Collection

from .errors import ExpressionError
from .limits import MAX_DEPTH, MAX_INT, MAX_NODES, MAX_SOURCE_LENGTH
from .operators import BINARY_OPERATORS, COMPARISONS, SAFE_METHOD_NAMES, UNARY_OPERATORS

# Context and operator nodes are leaves that carry no cost of their own.
_UNCOUNTED = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)

_CONSTANT_TYPES = (int, float, str, bool, type(None))

_FORBIDDEN_EXPRESSIONS: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.Starred: "starred expressions (*x) are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Attribute: "attribute access is not allowed",
}

_FORBIDDEN_STATEMENTS: dict[type[ast.AST], str] = {
    ast.FunctionDef: "function definitions are not allowed",
    ast.AsyncFunctionDef: "function definitions are not allowed",
    ast.ClassDef: "class definitions are not allowed",
    ast.Import: "imports are not allowed",
    ast.ImportFrom: "imports are not allowed",
    ast.For: "loops are not allowed",
    ast.AsyncFor: "loops are not allowed",
    ast.While: "loops are not allowed",
    ast.With: "'with' blocks are not allowed",
    ast.AsyncWith: "'with' blocks are not allowed",
    ast.Try: "'try' blocks are not allowed",
    ast.Raise: "'raise' is not allowed",
    ast.Assert: "'assert' is not allowed",
    ast.Delete: "'del' is not allowed",
    ast.Global: "'global' is not allowed",
    ast.Nonlocal: "'nonlocal' is not allowed",
    ast.Return: "'return' is not allowed",
    ast.Break: "'break' is not allowed",
    ast.Continue: "'continue' is not allowed",
    ast.Match: "'match' is not allowed",
    ast.AnnAssign: "annotated assignments are not allowed",
    ast.Expr: "only assignments are allowed in scripts, not bare expressions",
}


def parse(source: str, mode: str) -> ast.AST:
    """Parse ``source`` ("eval" or "exec" mode) and enforce the size limits."""
    if not isinstance(source, str):
        raise ExpressionError("expression must be text")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"expression too long (max {MAX_SOURCE_LENGTH} characters)")
    # Diagram XML often surrounds the text with whitespace or indents it.
    text = source.strip() if mode == "eval" else textwrap.dedent(source)
    if not text.strip():
        raise ExpressionError("expression is empty")
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as err:
        raise ExpressionError(f"syntax error: {err.msg}", err.lineno) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("expression too complex") from None
    _check_shape(tree)
    return tree


def _check_shape(tree: ast.AST) -> None:
    """Bound node count and nesting depth, iteratively so depth cannot hurt us."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, _UNCOUNTED):
            continue
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"expression too complex (max {MAX_NODES} elements)")
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"expression nested too deeply (max {MAX_DEPTH} levels)", getattr(node, "lineno", None)
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class Checker:
    """Walks a parsed tree and raises ExpressionError on anything not whitelisted."""

    def __init__(self, function_names: Collection[str]) -> None:
        self.function_names = function_names

    def _fail(self, message: str, node: ast.AST) -> None:
        raise ExpressionError(message, getattr(node, "lineno", None))

    # -- scripts ---------------------------------------------------------
    def statements(self, body: list[ast.stmt]) -> None:
        """Check a block: only assignments, if/elif/else and pass."""
        for node in body:
            if isinstance(node, ast.Assign):
                if len(node.targets) != 1:
                    self._fail("chained assignment (a = b = ...) is not allowed", node)
                self.target(node.targets[0])
                self.expression(node.value)
            elif isinstance(node, ast.AugAssign):
                self._operator(node.op, node)
                self.target(node.target)
                self.expression(node.value)
            elif isinstance(node, ast.If):
                self.expression(node.test)
                self.statements(node.body)
                self.statements(node.orelse)
            elif not isinstance(node, ast.Pass):
                default = f"{type(node).__name__} statements are not allowed"
                self._fail(_FORBIDDEN_STATEMENTS.get(type(node), default), node)

    def target(self, node: ast.expr) -> None:
        """Check an assignment target: ``name`` or ``name[key]...``."""
        if isinstance(node, ast.Name):
            self._Name(node)
        elif isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Slice):
                self._fail("slice assignment is not allowed", node)
            self.target(node.value)
            self.expression(node.slice)
        elif isinstance(node, (ast.Tuple, ast.List)):
            self._fail("unpacking assignment (a, b = ...) is not allowed", node)
        else:
            self.expression(node)  # reports the specific reason (attribute, starred, ...)
            self._fail("can only assign to a name or name[key]", node)

    # -- expressions -----------------------------------------------------
    def expression(self, node: ast.expr) -> None:
        """Check one expression node and its children."""
        forbidden = _FORBIDDEN_EXPRESSIONS.get(type(node))
        if forbidden:
            self._fail(forbidden, node)
        handler = getattr(self, f"_{type(node).__name__}", None)
        if handler is None:
            self._fail(f"{type(node).__name__} is not allowed", node)
        handler(node)

    def _children(self, nodes: list[ast.expr | None]) -> None:
        for child in nodes:
            if child is not None:
                self.expression(child)

    def _Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, _CONSTANT_TYPES):
            self._fail(f"{type(value).__name__} literals are not allowed", node)
        if isinstance(value, int) and abs(value) > MAX_INT:
            self._fail("number too large", node)
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            self._fail("number too large", node)

    def _Name(self, node: ast.Name) -> None:
        if node.id.startswith("_"):
            self._fail(f"name '{node.id}' is not allowed", node)

    def _List(self, node: ast.List | ast.Tuple | ast.Set) -> None:
        self._children(node.elts)

    _Tuple = _Set = _List

    def _Dict(self, node: ast.Dict) -> None:
        if any(key is None for key in node.keys):
            self._fail("dictionary unpacking (**) is not allowed", node)
        self._children([*node.keys, *node.values])

    def _BoolOp(self, node: ast.BoolOp) -> None:
        self._children(node.values)

    def _operator(self, op: ast.operator, node: ast.AST) -> None:
        if type(op) not in BINARY_OPERATORS:
            self._fail(f"operator {type(op).__name__} is not allowed", node)

    def _BinOp(self, node: ast.BinOp) -> None:
        self._operator(node.op, node)
        self._children([node.left, node.right])

    def _UnaryOp(self, node: ast.UnaryOp) -> None:
        if type(node.op) not in UNARY_OPERATORS:
            self._fail(f"operator {type(node.op).__name__} is not allowed", node)
        self.expression(node.operand)

    def _Compare(self, node: ast.Compare) -> None:
        for op, right in zip(node.ops, node.comparators, strict=True):
            if type(op) not in COMPARISONS:
                self._fail(f"comparison {type(op).__name__} is not allowed", node)
            is_none = isinstance(right, ast.Constant) and right.value is None
            if isinstance(op, (ast.Is, ast.IsNot)) and not is_none:
                self._fail("'is' can only be used as 'is None' or 'is not None'", node)
        self._children([node.left, *node.comparators])

    def _IfExp(self, node: ast.IfExp) -> None:
        self._children([node.test, node.body, node.orelse])

    def _Subscript(self, node: ast.Subscript) -> None:
        self._children([node.value, node.slice])

    def _Slice(self, node: ast.Slice) -> None:
        self._children([node.lower, node.upper, node.step])

    def _Call(self, node: ast.Call) -> None:
        if node.keywords:
            self._fail("keyword arguments are not allowed", node)
        func = node.func
        if isinstance(func, ast.Name):
            self._Name(func)
            if func.id not in self.function_names:
                self._fail(f"function '{func.id}' is not allowed", node)
        elif isinstance(func, ast.Attribute):
            self.expression(func.value)  # report the innermost problem first
            if func.attr not in SAFE_METHOD_NAMES:
                self._fail(f"method '{func.attr}' is not allowed", node)
        else:
            self.expression(func)
            self._fail("only functions from the function list can be called", node)
        self._children(node.args)

    def _JoinedStr(self, node: ast.JoinedStr) -> None:
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                # Format specs can pad to any width; conversions add nothing needed.
                if part.format_spec is not None:
                    self._fail("format specifications in f-strings are not allowed", part)
                if part.conversion != -1:
                    self._fail("conversions (!r, !s, !a) in f-strings are not allowed", part)
                self.expression(part.value)
            else:
                self.expression(part)
