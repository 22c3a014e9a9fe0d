"""Scripts: assignments, if/elif/else, and everything else rejected."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.expressions import ExpressionError, check_script, execute


def run(source: str, **data: object) -> dict[str, object]:
    execute(source, data)
    return data


def test_assignments() -> None:
    data = run("y = x * 2\nlabel = 'case ' + str(y)", x=21)
    assert data == {"x": 21, "y": 42, "label": "case 42"}


def test_augmented_assignment() -> None:
    assert run("n += 1\nn *= 10\ns += '!'", n=1, s="hi") == {"n": 20, "s": "hi!"}


def test_subscript_assignment() -> None:
    data = run('d["k"] = 1\nd["inner"]["x"] += 5\nitems[0] = "z"', d={"inner": {"x": 1}}, items=["a"])
    assert data == {"d": {"k": 1, "inner": {"x": 6}}, "items": ["z"]}


def test_new_dict_then_fill() -> None:
    assert run('out = {}\nout["a"] = 1\nout["b"] = out["a"] + 1')["out"] == {"a": 1, "b": 2}


def test_if_elif_else() -> None:
    script = """
if score >= 8:
    level = "high"
elif score >= 4:
    level = "medium"
else:
    level = "low"
    pass
"""
    assert run(script, score=9)["level"] == "high"
    assert run(script, score=5)["level"] == "medium"
    assert run(script, score=1)["level"] == "low"


def test_indented_script_from_xml_is_accepted() -> None:
    assert run("\n        a = 1\n        b = a + 1\n    ")["b"] == 2


def test_later_statements_see_earlier_assignments() -> None:
    assert run("a = [1]\nb = a + [2]\nc = len(b)")["c"] == 2


def test_values_are_not_shared_between_names() -> None:
    data = run('a = {"k": 1}\nb = a\nb["k"] = 2')
    assert data["a"] == {"k": 1}
    assert data["b"] == {"k": 2}


def test_failed_script_leaves_data_untouched() -> None:
    data = {"d": {"k": 1}, "n": 1}
    with pytest.raises(ExpressionError) as info:
        execute('n = 2\nd["k"] = 99\nboom = 1 / 0', data)
    assert data == {"d": {"k": 1}, "n": 1}
    assert info.value.message == "division by zero"
    assert info.value.lineno == 3


def test_subscript_assignment_on_missing_name() -> None:
    with pytest.raises(ExpressionError) as info:
        execute('missing["k"] = 1', {})
    assert info.value.message == "name 'missing' is not defined"


def test_assign_into_text_is_rejected() -> None:
    with pytest.raises(ExpressionError) as info:
        execute('s[0] = "x"', {"s": "abc"})
    assert info.value.message == "cannot assign into str"


def test_self_reference_does_not_create_a_cycle() -> None:
    data = run("a = [1]\na[0] = a")
    assert data["a"] == [[1]]


def test_growing_value_hits_size_limit() -> None:
    script = 'a = "x" * 60000\nb = a + a'
    with pytest.raises(ExpressionError) as info:
        execute(script, {})
    assert info.value.message == "result too large"


def test_assigning_a_function_name_does_not_break_the_function() -> None:
    data = run("len = 3\nn = len([1, 2])")
    assert data == {"len": 3, "n": 2}


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("def f():\n    pass", "function definitions are not allowed"),
        ("class A:\n    pass", "class definitions are not allowed"),
        ("import os", "imports are not allowed"),
        ("from os import system", "imports are not allowed"),
        ("for i in [1]:\n    x = i", "loops are not allowed"),
        ("while True:\n    pass", "loops are not allowed"),
        ("with x:\n    pass", "'with' blocks are not allowed"),
        ("try:\n    x = 1\nexcept Exception:\n    pass", "'try' blocks are not allowed"),
        ("f = lambda: 1", "lambda is not allowed"),
        ("global x", "'global' is not allowed"),
        ("del x", "'del' is not allowed"),
        ("raise ValueError()", "'raise' is not allowed"),
        ("assert x", "'assert' is not allowed"),
        ("return 1", "'return' is not allowed"),
        ("len(x)", "only assignments are allowed in scripts, not bare expressions"),
        ("a, b = 1, 2", "unpacking assignment (a, b = ...) is not allowed"),
        ("a = b = 1", "chained assignment (a = b = ...) is not allowed"),
        ("x.y = 1", "attribute access is not allowed"),
        ("x[1:2] = [1]", "slice assignment is not allowed"),
        ("x: int = 1", "annotated assignments are not allowed"),
        ("_hidden = 1", "name '_hidden' is not allowed"),
        ("x = __import__('os')", "name '__import__' is not allowed"),
        ("if True:\n    import os", "imports are not allowed"),
        ("x <<= 1", "operator LShift is not allowed"),
        ("x = [i for i in y]", "comprehensions are not allowed"),
    ],
)
def test_forbidden_statements(script: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        check_script(script)
    assert info.value.message == message
    with pytest.raises(ExpressionError):
        execute(script, {"x": 1, "y": [1]})


def test_error_reports_line_number() -> None:
    with pytest.raises(ExpressionError) as info:
        check_script("a = 1\nb = 2\nimport os")
    assert info.value.lineno == 3
    assert str(info.value) == "imports are not allowed (line 3)"


def test_script_attack_creates_no_file() -> None:
    marker = Path("/tmp/pwned")
    marker.unlink(missing_ok=True)
    with pytest.raises(ExpressionError):
        execute("x = __import__('os').system('touch /tmp/pwned')", {})
    with pytest.raises(ExpressionError):
        execute("import os\nos.system('touch /tmp/pwned')", {})
    assert not marker.exists()


def test_script_length_limit() -> None:
    with pytest.raises(ExpressionError) as info:
        check_script("x = 1\n" * 400)
    assert info.value.message == "expression too long (max 2000 characters)"


def test_script_time_budget() -> None:
    def slow() -> int:
        time.sleep(0.03)
        return 1

    data: dict[str, object] = {}
    with pytest.raises(ExpressionError) as info:
        execute("a = slow()\nb = slow()\nc = slow()", data, {"slow": slow})
    assert info.value.message == "evaluation took too long"
    assert data == {}


def test_self_doubling_is_stopped() -> None:
    # Either the item limit or the time budget stops it; both are safe outcomes.
    started = time.monotonic()
    with pytest.raises(ExpressionError) as info:
        execute("a = [0] * 60000\na[0] = a\na[1] = a\na[2] = a\na[3] = a", {})
    assert info.value.message in {"value too large to assign", "evaluation took too long"}
    assert time.monotonic() - started < 1.0


def test_assigned_values_are_limited_in_items() -> None:
    nested = [[0] * 60000, [0] * 60000]
    with pytest.raises(ExpressionError) as info:
        execute("copy = nested", {"nested": nested})
    assert info.value.message == "value too large to assign"


def test_large_text_in_task_data_can_be_copied_and_updated() -> None:
    doc = "x" * 1_000_000
    data = run('copy = form["file"]\nform["seen"] = True', form={"file": doc})
    assert data["copy"] is doc
    assert data["form"] == {"file": doc, "seen": True}
