"""Attempts to escape the sandbox or exhaust resources: all must be ExpressionError."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.expressions import ExpressionError, check_expression, evaluate

DATA = {"age": 20, "x": None, "d": {"k": 1}, "items": ["a"]}


@pytest.fixture
def no_pwned_file() -> Iterator[Path]:
    marker = Path("/tmp/pwned")
    marker.unlink(missing_ok=True)
    yield marker
    assert not marker.exists(), "an attack expression created /tmp/pwned"


ATTACKS = [
    "__import__('os').system('touch /tmp/pwned')",
    "().__class__.__mro__[1].__subclasses__()",
    "open('/etc/passwd').read()",
    "open('/tmp/pwned', 'w')",
    "lambda: 1",
    "(lambda: 1)()",
    "[[[0 for a in range(10**6)] for b in range(10**6)] for c in range(10**6)]",
    "(x for x in [1])",
    "{k: 1 for k in [1]}",
    "getattr(x, '__class__')",
    "x.__class__",
    "{}.__class__",
    '"".format',
    '"{0.__class__}".format(x)',
    'f"{x.__class__}"',
    'f"{age:>1000000000}"',
    'f"{age!r}"',
    "_secret",
    "__builtins__",
    "globals()",
    "eval('1')",
    "exec('1')",
    "compile('1', 'f', 'eval')",
    "type(x)",
    "vars()",
    "(y := 1)",
    "[*items]",
    "{**d}",
    "max(*items)",
    "len(items, key=1)",
    "items[0].__len__()",
    "1 if x else x.real",
    "~age",
    "age << 1000000",
    "b'bytes'",
    "1j",
    "await x",
    "x is 1",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_attacks_are_rejected_statically(source: str, no_pwned_file: Path) -> None:
    with pytest.raises(ExpressionError):
        check_expression(source)
    with pytest.raises(ExpressionError):
        evaluate(source, DATA)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("__import__('os').system('touch /tmp/pwned')", "name '__import__' is not allowed"),
        ("open('/etc/passwd').read()", "function 'open' is not allowed"),
        ("getattr(x, '__class__')", "function 'getattr' is not allowed"),
        ("x.__class__", "attribute access is not allowed"),
        ("().__class__.__mro__[1].__subclasses__()", "attribute access is not allowed"),
        ('"".format(1)', "method 'format' is not allowed"),
        ("lambda: 1", "lambda is not allowed"),
        ("[0 for a in [1]]", "comprehensions are not allowed"),
    ],
)
def test_rejection_messages(source: str, message: str, no_pwned_file: Path) -> None:
    with pytest.raises(ExpressionError) as info:
        check_expression(source)
    assert info.value.message == message
    assert info.value.lineno is None  # one-line conditions carry no line number


@pytest.mark.parametrize(
    "source",
    [
        "9**9**9",
        "'a'*10**10",
        "10**10**10",
        "[0] * 10**18",
        "[[0] * 100000] * 100000",
        "'ab' * 60000",
        "2 ** 64",
        "10 ** 18 + 1",
        "-10 ** 18 - 1",
        "1e308 * 10",
        "2.5 ** 10 ** 18",
        "(-8) ** 0.5",
        "'%999999999d' % 1",
        "12345678901234567890",
        "1e999",
        "round(5, -10**9)",
    ],
)
def test_resource_limits_fail_fast(source: str) -> None:
    started = time.monotonic()
    with pytest.raises(ExpressionError) as info:
        evaluate(source, DATA)
    assert time.monotonic() - started < 1.0
    assert info.value.message


@pytest.mark.parametrize(
    "source",
    [
        "(" * 1000 + "1" + ")" * 1000,
        "(" * 300 + "1" + ")" * 300,
        "-" * 1500 + "1",
        "not " * 400 + "x",
        "[" * 150 + "]" * 150,
        "1" + "+1" * 600,
        "1" * 2001,
        "d" + '["k"]' * 200,
    ],
)
def test_deep_nesting_and_long_input_are_expression_errors(source: str) -> None:
    with pytest.raises(ExpressionError):
        check_expression(source)
    with pytest.raises(ExpressionError):
        evaluate(source, DATA)


def test_length_message() -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate("1" * 2001, {})
    assert info.value.message == "expression too long (max 2000 characters)"


def test_too_many_nodes() -> None:
    source = "[" + ", ".join(["1"] * 600) + "]"
    with pytest.raises(ExpressionError) as info:
        check_expression(source)
    assert "too complex" in info.value.message


def test_time_budget() -> None:
    def slow() -> int:
        time.sleep(0.06)
        return 1

    with pytest.raises(ExpressionError) as info:
        evaluate("[slow(), slow(), slow()]", {}, {"slow": slow})
    assert info.value.message == "evaluation took too long"


def test_measure_terminates_on_cycles() -> None:
    from engine.expressions.limits import MAX_SIZE, measure

    cyclic: list[object] = [1]
    cyclic.append(cyclic)
    assert measure(cyclic) > MAX_SIZE
    with pytest.raises(ExpressionError, match="result too large|took too long"):
        evaluate("[c]", {"c": cyclic})
