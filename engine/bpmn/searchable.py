"""A process's searchable fields: which case data the free-text case search may look in.

A team lead declares them on the process (not on a task), in the modeler's properties panel:
`camunda:properties` → `searchable_fields` = `notifier_org,family_language`. The engine copies the
newest value of each into the case's search text (engine.cases.summary) whenever the case is saved.

Search must never find a person by a CPR number: a field whose name says it holds one is refused at
deploy, and 6+4-digit patterns are stripped from whatever is stored (engine.cases.summary).
"""

from __future__ import annotations

import re

from lxml import etree

from .model import CAMUNDA_NS, bpmn_children, q
from .problems import Problem, element_problem
from .xml import parse_xml

PROPERTY = "searchable_fields"
MAX_FIELDS = 10
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# Names that say the field holds a civil registration number (CPR) or another national id.
_IDENTITY = re.compile(r"cpr|personnummer|person_?nr|personal_?id|national_?id|ssn", re.IGNORECASE)


def declared(process: etree._Element) -> str | None:
    """The raw `searchable_fields` property of a process element, or None."""
    extensions = bpmn_children(process, "extensionElements")
    for holder in extensions:
        for props in holder.findall(q("properties", CAMUNDA_NS)):
            for prop in props.findall(q("property", CAMUNDA_NS)):
                if prop.get("name") == PROPERTY:
                    return prop.get("value") or ""
    return None


def split_fields(value: str | None) -> list[str]:
    """`"a, b"` → `["a", "b"]` (empty parts dropped, order kept, no duplicates)."""
    return list(dict.fromkeys(part.strip() for part in (value or "").split(",") if part.strip()))


def check_searchable(process: etree._Element) -> list[Problem]:
    """Deploy check: the declared fields are data keys, at most MAX_FIELDS, and none holds a CPR number."""
    fields = split_fields(declared(process))
    problems = []
    if len(fields) > MAX_FIELDS:
        problems.append(element_problem(process, f"{PROPERTY}: at most {MAX_FIELDS} fields"))
    for field in fields:
        if not _KEY.match(field):
            problems.append(element_problem(
                process, f"{PROPERTY}: '{field[:64]}' is not a data key (letters, digits and _)"))
        elif _IDENTITY.search(field):
            problems.append(element_problem(
                process, f"{PROPERTY}: '{field}' looks like a CPR number; CPR numbers are never searchable"))
    return problems


def searchable_fields(bpmn_xml: bytes, process_key: str) -> tuple[str, ...]:
    """The searchable fields of the process `process_key` in a deployed document (none if it declares
    none). Fields that would not pass the deploy check are left out, for documents deployed before it."""
    root = parse_xml(bpmn_xml)
    for process in bpmn_children(root, "process"):
        if process.get("id") == process_key:
            fields = split_fields(declared(process))[:MAX_FIELDS]
            return tuple(f for f in fields if _KEY.match(f) and not _IDENTITY.search(f))
    return ()
