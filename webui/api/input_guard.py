"""One guard for every request's input, API and UI alike: what the databases cannot store or the
code cannot compute is refused with a 422 naming the parameter, before it reaches a service.

- text: no NUL character (PostgreSQL refuses it in text and JSON) and no lone surrogate such as
  "\\ud800" (not UTF-8), in query strings, path segments, form fields and JSON strings and keys;
- JSON bodies: no `NaN`/`Infinity` (not JSON; PostgreSQL refuses them, SQLite would store them),
  no number beyond a double, at most MAX_DEPTH levels of nesting;
- numbers in the path (`<int:...>`) and in schemas (Int32): within the databases' 32-bit integer;
- dates and times in schemas (SafeAwareDateTime, SafeDate): between MIN_INSTANT and MAX_INSTANT, so
  converting them to UTC, to Danish time or adding a deadline cannot overflow.

Body-level checks run when a view reads the body (after authorization); query and path checks run
before the view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask.wrappers import Request
from marshmallow import ValidationError, fields, validate
from werkzeug.routing import IntegerConverter

from engine.errors import InvalidInput

INT32_MAX = 2**31 - 1
MAX_DEPTH = 64
MIN_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
MAX_INSTANT = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
# Form fields never stored nor looked up: `next` is checked by webui.ui.auth.safe_next.
UNCHECKED_FORM_FIELDS = frozenset({"next"})


def text_problem(value: str) -> str | None:
    """Why `value` cannot be used as text, or None."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not UTF-8)"
    return None


def _refuse(field: str, message: str, label: str = "") -> InvalidInput:
    return InvalidInput(f"{label or field} {message}", [{"field": field, "message": message}])


def check_pairs(pairs: Iterable[tuple[str, Any]], where: str, skip: frozenset[str] = frozenset()) -> None:
    """Refuse unusable text among the names and (text) values of `pairs` (`where`: "query parameter")."""
    for name, value in pairs:
        if name in skip:
            continue
        if problem := text_problem(name):
            raise _refuse("_request", f"has a {where} name that {problem}", "the request")
        if isinstance(value, str) and (problem := text_problem(value)):
            raise _refuse(name, problem, f"{where} {name}")


def check_tree(value: Any) -> None:
    """Refuse a parsed JSON value nested deeper than MAX_DEPTH or holding unusable text (iteratively:
    the value may be deep)."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise _refuse("_body", f"is nested deeper than {MAX_DEPTH} levels", "the JSON body")
        if isinstance(item, str):
            if problem := text_problem(item):
                raise _refuse(path or "_body", problem, f"the JSON body at {path or 'its top'}")
        elif isinstance(item, dict):
            for key, child in item.items():
                if problem := text_problem(key):
                    raise _refuse(path or "_body", f"has a key that {problem}", f"the JSON body at {path or 'its top'}")
                stack.append((child, depth + 1, f"{path}.{key}" if path else key))
        elif isinstance(item, list):
            stack.extend((child, depth + 1, f"{path}[{n}]") for n, child in enumerate(item))


def _no_constant(name: str) -> Any:
    raise _refuse("_body", f"holds {name}, which is not a JSON number", "the JSON body")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _refuse("_body", f"holds the number {text[:40]}, beyond the largest allowed", "the JSON body")
    return number


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading bodies under the guard (request.get_json and everything built on it)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON, refusing what check_tree and the number rules refuse."""
        kwargs.setdefault("parse_constant", _no_constant)
        kwargs.setdefault("parse_float", _finite)
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise _refuse("_body", f"is nested deeper than {MAX_DEPTH} levels", "the JSON body") from None
        check_tree(value)
        return value


class GuardedRequest(Request):
    """A request whose form fields and file names are checked when first read (after authorization)."""

    def _load_form_data(self) -> None:
        loaded = "form" in self.__dict__
        super()._load_form_data()
        if not loaded:
            check_pairs(self.form.items(multi=True), "form field", UNCHECKED_FORM_FIELDS)
            check_pairs(((key, upload.filename) for key, upload in self.files.items(multi=True)), "file name of")


class Int32Converter(IntegerConverter):
    """`<int:...>` within the databases' integer: a larger number matches no route (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", INT32_MAX)
        super().__init__(map, *args, **kwargs)


class Int32(fields.Integer):
    """A whole number the databases' integer columns can hold (1 to 2147483647 unless narrowed)."""

    def __init__(self, *, minimum: int = 1, maximum: int = INT32_MAX, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=minimum, max=maximum))
        super().__init__(**kwargs)


def _within(moment: datetime) -> datetime:
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not MIN_INSTANT <= utc <= MAX_INSTANT:
        raise ValidationError(f"Must be between {MIN_INSTANT.year} and {MAX_INSTANT.year}.")
    return moment


class SafeAwareDateTime(fields.AwareDateTime):
    """An ISO 8601 instant with an offset, between MIN_INSTANT and MAX_INSTANT."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        return _within(super()._deserialize(value, attr, data, **kwargs))


class SafeDate(fields.Date):
    """A calendar day between MIN_INSTANT's and MAX_INSTANT's years."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_INSTANT.year <= day.year <= MAX_INSTANT.year:
            raise ValidationError(f"Must be between {MIN_INSTANT.year} and {MAX_INSTANT.year}.")
        return day


def _check_query_and_path() -> None:
    check_pairs(request.args.items(multi=True), "query parameter")
    check_pairs((request.view_args or {}).items(), "path segment")


def init_app(app: Flask) -> None:
    """Install the guard on `app`: before any route is registered (the `int` converter)."""
    app.url_map.converters["int"] = Int32Converter
    app.request_class = GuardedRequest
    app.json = GuardedJSONProvider(app)
    app.before_request(_check_query_and_path)
