"""Deploy problems in the user's language for the modeler (the engine and the API report English).

Only the messages team leads meet most often are translated; any other message is shown as the
engine wrote it, so nothing is ever lost in translation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

from engine.bpmn import Problem

Translation = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

TRANSLATIONS: list[Translation] = [
    (re.compile(r"^form '(?P<key>[^']+)' is missing: upload .* with it$"),
     lambda m: _("formularen »%(key)s« findes ikke endnu: opret den under »Formularer i processen«", key=m["key"])),
    (re.compile(r"^form '(?P<key>[^']+)': (?P<error>.*)$"),
     lambda m: _("formularen »%(key)s«: %(error)s", key=m["key"], error=m["error"])),
    (re.compile(r"^user task is not in a lane and has no candidate group$"),
     lambda m: _("brugeropgaven ligger ikke i en lane og har ingen gruppe (candidateGroups)")),
    (re.compile(r"^unknown deadline rule '(?P<key>[^']+)'$"),
     lambda m: _("ukendt fristregel »%(key)s«", key=m["key"])),
    (re.compile(r"^process '(?P<id>[^']+)' is not executable \(isExecutable is not true\)$"),
     lambda m: _("processen »%(id)s« er ikke markeret som kørbar (isExecutable)", id=m["id"])),
    (re.compile(r"^condition is written as a Camunda/JUEL expression \((?P<expr>.*)\); write it as a casepath "
                r"\(Python\) expression$"),
     lambda m: _("betingelsen er skrevet som et Camunda/JUEL-udtryk (%(expr)s); skriv den i casepaths "
                 "udtrykssprog", expr=m["expr"])),
    (re.compile(r"^timer has no timeDate, timeDuration or timeCycle$"),
     lambda m: _("tidsuret har ingen værdi (dato, varighed eller gentagelse)")),
    (re.compile(r"^unreachable: no incoming sequence flow$"),
     lambda m: _("kan ikke nås: ingen pil fører hertil")),
    (re.compile(r"^has no outgoing sequence flow$"),
     lambda m: _("ingen pil fører videre herfra")),
    (re.compile(r"^every outgoing flow of this gateway has a condition and none is the default flow: .*$"),
     lambda m: _("alle pile ud af gatewayen har en betingelse, og ingen er standardpil: passer ingen betingelse, "
                 "går sagen i stå; gør én pil til standardpil")),
    (re.compile(r"^service tasks are not supported$"),
     lambda m: _("serviceopgaver understøttes ikke")),
]


def problem_message(message: str) -> str:
    """`message` in the user's language when it is one of the common ones, else unchanged."""
    for pattern, translate in TRANSLATIONS:
        match = pattern.match(message)
        if match:
            return translate(match)
    return message


def problems_json(problems: list[Problem]) -> list[dict[str, str | None]]:
    """Problems for the modeler's list and diagram markers, messages translated where known."""
    return [{"element_id": p.element_id, "element_name": p.element_name, "message": problem_message(p.message)}
            for p in problems]
