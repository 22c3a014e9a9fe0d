"""Form patterns run in engines that cannot backtrack catastrophically (the probe: a nested
quantifier against 24 letters and a `!` held a server process for over a second)."""

from __future__ import annotations

import pytest

from engine.forms.formjs import check_form, validate_submission
from engine.forms.patterns import BROKEN_PATTERN, UNDECIDED, compile_pattern, pattern_problem

EVIL = r"^([a-zA-Z0-9]+)*@example\.dk$"
NO_CPR = r"^(?![\s\S]*\b\d{6}-?\d{4}\b)[\s\S]*$"  # as in the shipped forms: a lookahead


def form(pattern: str) -> dict:
    return {"type": "default", "id": "f", "components": [
        {"type": "textfield", "key": "mail", "label": "Mail", "validate": {"pattern": pattern}}]}


def test_the_probe_pattern_answers_and_gives_the_right_result():
    assert compile_pattern(EVIL).engine == "re2"
    assert check_form(form(EVIL), "f") == []
    _data, problems = validate_submission(form(EVIL), {"mail": "a" * 24 + "!"})
    assert problems == [{"field": "mail", "message": "Har ikke det rigtige format."}]
    # Longer still: RE2's time grows with the value, not exponentially.
    assert validate_submission(form(EVIL), {"mail": "a" * 5000 + "!"})[1][0]["field"] == "mail"
    assert validate_submission(form(EVIL), {"mail": "kontakt@example.dk"})[1] == []


def test_lookahead_patterns_of_the_shipped_forms_run_in_the_time_limited_engine():
    assert compile_pattern(NO_CPR).engine == "regex"
    assert validate_submission(form(NO_CPR), {"mail": "ingen personnumre her"})[1] == []
    assert validate_submission(form(NO_CPR), {"mail": "cpr 010190-1234"})[1][0]["field"] == "mail"


def test_a_value_the_time_limited_engine_cannot_decide_is_refused_not_accepted():
    evil_lookahead = r"^(?=(a|aa)+!)"  # RE2 cannot run lookahead; the fallback would backtrack forever
    _data, problems = validate_submission(form(evil_lookahead), {"mail": "a" * 60})
    assert problems == [{"field": "mail", "message": UNDECIDED}]


def test_a_value_that_is_not_valid_text_does_not_match():
    assert not compile_pattern("^a+$").search("a\ud800")
    assert validate_submission(form("^a+$"), {"mail": "a\ud800"})[1][0]["field"] == "mail"


def test_ascii_classes_as_in_javascript():
    assert not compile_pattern(r"^\d+$").search("١٢٣")  # Arabic-Indic digits are not \d in form-js
    assert not compile_pattern(r"^(?=x)?\d+$").search("١٢٣")  # nor in the fallback engine


@pytest.mark.parametrize("pattern, problem", [
    ("(", "the pattern is not a valid regular expression"),
    ("a" * 501, "the pattern is longer than 500 characters"),
    (r"(a)\2", "the pattern is not a valid regular expression"),  # a back-reference to nothing
    ("a\ud800", "the pattern holds a character that is not valid text (a lone surrogate)"),
])
def test_deploy_refuses_patterns_no_engine_can_run(pattern, problem):
    assert pattern_problem(pattern) == problem
    assert check_form(form(pattern), "f") == [f"component 'Mail': {problem}"]


def test_a_pinned_form_whose_pattern_no_engine_runs_refuses_values_instead_of_failing():
    # Deployed before patterns were checked with these engines: the submission gets a clear answer.
    assert validate_submission(form("a" * 501), {"mail": "a"})[1] == [{"field": "mail", "message": BROKEN_PATTERN}]
