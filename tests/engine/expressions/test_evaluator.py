"""Expressions: normal behaviour, limits, and attempts to escape the sandbox."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.expressions import ExpressionError, check_expression, evaluate
from engine.expressions.limits import MAX_INT

DATA = {
    "risk": "high",
    "acute": True,
    "source": "police",
    "age": 20,
    "d": {"k": 1, "nested": {"list": [1, 2, 3]}},
    "x": None,
    "name": "  Ayse  ",
    "items": ["a", "b", "a"],
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('risk == "high" and acute', True),
        ('risk == "low" or acute', True),
        ('source in ["school", "police"]', True),
        ('source not in ("school", "police")', False),
        ("age >= 18", True),
        ("18 <= age < 65", True),
        ("0 < age < 18", False),
        ('d["k"]', 1),
        ('d["nested"]["list"][-1]', 3),
        ('d["nested"]["list"][1:]', [2, 3]),
        ("x is None", True),
        ("x is not None", False),
        ("not acute", False),
        ("-age + 1", -19),
        ("age * 2 + 1", 41),
        ("age / 8", 2.5),
        ("age // 8", 2),
        ("age % 8", 4),
        ("2 ** 10", 1024),
        ('"adult" if age >= 18 else "minor"', "adult"),
        ('risk + "!"', "high!"),
        ("[1, 2] + [3]", [1, 2, 3]),
        ("{1, 2} - {2}", {1}),
        ('{"a": age}', {"a": 20}),
        ("(1, 2)", (1, 2)),
        ('"ab" * 3', "ababab"),
        ("acute and age", 20),  # and/or return the deciding operand, like Python
        ("x or 0", 0),
        ('f"{risk} risk, age {age + 1}"', "high risk, age 21"),
        ("name.strip().lower()", "ayse"),
        ('risk.upper().startswith("HI")', True),
        ('risk.endswith("gh")', True),
        ('d.get("missing", "default")', "default"),
        ('items.count("a")', 2),
        ('items.index("b")', 1),
        ("len(items)", 3),
        ("max(age, 30)", 30),
        ("  age > 1  \n", True),  # whitespace around diagram text is ignored
    ],
)
def test_expressions_with_task_data(source: str, expected: object) -> None:
    assert evaluate(source, DATA) == expected
    check_expression(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing > 1", "name 'missing' is not defined"),
        ('1 + "a"', "cannot use '+' with int and str"),
        ("1 / 0", "division by zero"),
        ("age % 0", "division by zero"),
        ('d["zz"]', "key 'zz' not found"),
        ("items[10]", "index 10 out of range"),
        ("age[0]", "cannot index into int"),
        ('age < "a"', "cannot compare int with str"),
        ("1 in age", "cannot use 'in' with int"),
        ("len", "'len' is a function; call it like len(...)"),
        ("age.lower()", "method 'lower' is not available on int"),
        ('int("abc")', "int(): cannot convert 'abc' to a whole number"),
        ("{[1]: 2}", "cannot use list as a dictionary key"),
        ("-risk", "cannot use '-' with str"),
    ],
)
def test_runtime_errors_are_expression_errors(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate(source, DATA)
    assert info.value.message == message


def test_unexpected_exceptions_from_functions_are_wrapped() -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    with pytest.raises(ExpressionError) as info:
        evaluate("broken()", {}, {"broken": broken})
    assert info.value.message == "broken(): boom"


def test_functions_win_over_task_data_in_calls() -> None:
    data = {"len": 5, "date": "2026-01-01", "items": [1, 2]}
    assert evaluate("len(items)", data) == 2
    assert evaluate("len == 5", data) is True  # as a plain value the data is still readable
    assert evaluate('date(date) == date("2026-01-01")', data) is True


def test_custom_function_list_replaces_defaults() -> None:
    functions = {"double": lambda n: n * 2}
    assert evaluate("double(4)", {}, functions) == 8
    with pytest.raises(ExpressionError) as info:
        evaluate("len([1])", {}, functions)
    assert info.value.message == "function 'len' is not allowed"
    check_expression("double(1)", functions)


def test_syntax_error_is_expression_error() -> None:
    with pytest.raises(ExpressionError) as info:
        check_expression("age >")
    assert info.value.message.startswith("syntax error")


def test_empty_and_non_text_sources() -> None:
    for source in ("", "   "):
        with pytest.raises(ExpressionError):
            evaluate(source, {})
    with pytest.raises(ExpressionError):
        evaluate(None, {})  # type: ignore[arg-type]


def test_task_data_is_not_modified() -> None:
    data = {"d": {"k": [1]}}
    evaluate('d.get("k") + [2]', data)
    assert data == {"d": {"k": [1]}}


# -- property: our arithmetic agrees with Python's --------------------------

_OPS = ["+", "-", "*", "//", "%", "/"]


@st.composite
def arithmetic(draw: st.DrawFn, depth: int = 3) -> str:
    """Random arithmetic over small ints; exponents stay small literals."""
    if depth == 0 or draw(st.booleans()):
        value = draw(st.integers(min_value=-50, max_value=50))
        return f"({value})"
    if draw(st.integers(0, 5)) == 0:
        base = draw(arithmetic(depth - 1))
        return f"({base} ** {draw(st.integers(0, 4))})"
    op = draw(st.sampled_from(_OPS + ["<", "==", "!="]))
    return f"({draw(arithmetic(depth - 1))} {op} {draw(arithmetic(depth - 1))})"


def oracle(source: str) -> object:
    """Python's own result, checking every intermediate value against the engine's limit (the engine
    refuses 1 // 16**16 although the result is small: 16**16 itself is too large)."""
    import ast

    def apply(expression: ast.expr) -> object:
        return eval(compile(ast.fix_missing_locations(ast.Expression(expression)), "", "eval"))

    def run(node: ast.AST) -> object:
        if isinstance(node, ast.Expression):
            return run(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp):
            value = apply(ast.UnaryOp(node.op, ast.Constant(run(node.operand))))
        elif isinstance(node, ast.Compare):
            left, right = run(node.left), run(node.comparators[0])
            value = apply(ast.Compare(ast.Constant(left), node.ops, [ast.Constant(right)]))
        else:
            left, right = run(node.left), run(node.right)
            value = apply(ast.BinOp(ast.Constant(left), node.op, ast.Constant(right)))
        if isinstance(value, complex) or (isinstance(value, int) and abs(value) > MAX_INT):
            raise OverflowError
        return value

    return run(ast.parse(source, mode="eval"))


@settings(max_examples=300, deadline=None)
@given(arithmetic())
def test_arithmetic_matches_python(source: str) -> None:
    try:
        expected = oracle(source)
    except ZeroDivisionError:
        with pytest.raises(ExpressionError, match="division by zero"):
            evaluate(source, {})
        return
    except OverflowError:
        with pytest.raises(ExpressionError):
            evaluate(source, {})
        return
    assert evaluate(source, {}) == expected


@pytest.mark.parametrize("source", ["((((0) ** 0) ** 0) // (((16) ** 4) ** 4))", "((2 ** 4) ** 4) ** 4 // 10 ** 19"])
def test_an_intermediate_past_the_limit_is_refused_even_when_the_result_is_small(source: str) -> None:
    with pytest.raises(ExpressionError, match="too large"):
        evaluate(source, {})


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=-1000, max_value=1000),
    st.integers(min_value=-1000, max_value=1000),
    st.sampled_from(["+", "-", "*", "//", "%", "<", "<=", "==", "!=", ">=", ">"]),
)
def test_binary_ops_on_names_match_python(a: int, b: int, op: str) -> None:
    source = f"a {op} b"
    try:
        expected = eval(source, {"__builtins__": {}}, {"a": a, "b": b})  # test oracle only
    except ZeroDivisionError:
        with pytest.raises(ExpressionError):
            evaluate(source, {"a": a, "b": b})
        return
    assert evaluate(source, {"a": a, "b": b}) == expected


def test_large_task_data_can_be_read_but_not_multiplied() -> None:
    data = {"form": {"file": "x" * 1_000_000}}
    assert evaluate('len(form.get("file"))', data) == 1_000_000
    assert evaluate('max(form["file"], "a")', data) == data["form"]["file"]
    with pytest.raises(ExpressionError, match="result too large"):
        evaluate('form["file"] + "!"', data)
