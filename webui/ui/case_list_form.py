"""The case list's filter form ("/sager"): Danish parameters in, the engine's CaseQuery out, and a
Danish message for each value that cannot be used (the page answers 422 and lists nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.cases.search import CPR, NO_OWNER, TEXT_MAX, CaseQuery
from engine.cases.summary import RISK_LEVELS
from webui.api.input_guard import MAX_INSTANT, MIN_INSTANT

PER_PAGE = 25
SCOPES = {"mine": "mine", "teamet": "team", "alle": "all"}
STATUSES = {"aabne": "open", "afsluttede": "closed", "alle": "any"}
SORTS = {"frist": "due", "-frist": "-due", "oprettet": "opened", "-oprettet": "-opened", "sag": "reference",
         "-sag": "-reference"}
ACUTE = {"ja": True, "nej": False}
# The filters a link, a saved filter and a page of results carry; never the free-text term.
KEYS = ("visning", "status", "proces", "sagsbehandler", "risiko", "akut", "overskredet", "fra", "til", "sortering")
DEFAULTS = {"visning": "mine", "status": "aabne", "sortering": "frist"}


@dataclass
class ListForm:
    """The form as typed (`values`), the query it asks for and the problems with it."""

    values: dict[str, str]
    text: str = ""  # the search term: any part of a reference, or free text
    page: int = 1
    problems: dict[str, str] = field(default_factory=dict)

    def query(self) -> CaseQuery:
        """The engine's query (only when there are no problems)."""
        v = self.values
        return CaseQuery(
            scope=SCOPES[v["visning"]], status=STATUSES[v["status"]], process_key=v["proces"] or None,
            owner=v["sagsbehandler"] or None, risk_level=v["risiko"] or None, acute=ACUTE.get(v["akut"]),
            overdue=v["overskredet"] == "ja", opened_from=_date(v["fra"]), opened_to=_date(v["til"]),
            text=self.text or None, sort=SORTS[v["sortering"]], page=self.page, per_page=PER_PAGE)

    def link_args(self, **changes: Any) -> dict[str, str]:
        """The filters as query-string arguments (defaults left out), with `changes`."""
        args = {k: v for k, v in self.values.items() if v and v != DEFAULTS.get(k)}
        args.update({k: str(v) for k, v in changes.items() if v not in (None, "")})
        return args


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _page(text: str | None) -> int:
    try:
        return max(1, min(int(text or 1), 10_000))
    except ValueError:
        return 1


def _checks(v: dict[str, str]) -> list[tuple[str, bool, str]]:
    return [
        ("visning", v["visning"] in SCOPES, _("Vælg Mine sager, Teamets sager eller Alle sager.")),
        ("status", v["status"] in STATUSES, _("Vælg åbne, afsluttede eller alle sager.")),
        ("risiko", v["risiko"] in ("", *RISK_LEVELS), _("Vælg lav, middel eller høj.")),
        ("akut", v["akut"] in ("", *ACUTE), _("Vælg ja eller nej.")),
        ("overskredet", v["overskredet"] in ("", "ja"), _("Vælg ja eller lad feltet være tomt.")),
        ("sortering", v["sortering"] in SORTS, _("Vælg en sortering fra listen.")),
        ("sagsbehandler", len(v["sagsbehandler"]) <= 64, _("Ukendt bruger.")),
        ("proces", len(v["proces"]) <= 255, _("Ukendt proces.")),
    ]


def _dates(v: dict[str, str], problems: dict[str, str]) -> None:
    for key in ("fra", "til"):
        try:
            day = _date(v[key])
        except ValueError:
            problems[key] = _("Skriv datoen som ÅÅÅÅ-MM-DD.")
        else:  # a day the search can turn into an instant (webui.api.input_guard's range)
            if day and not MIN_INSTANT.year <= day.year <= MAX_INSTANT.year:
                problems[key] = _("Skriv en dato mellem %(first)d og %(last)d.", first=MIN_INSTANT.year,
                                  last=MAX_INSTANT.year)
    if not problems.keys() & {"fra", "til"} and v["fra"] and v["til"] and v["til"] < v["fra"]:
        problems["til"] = _("Til-datoen må ikke ligge før fra-datoen.")


def _text_problem(text: str) -> str | None:
    if len(text) > TEXT_MAX:
        return _("Højst %(n)d tegn.", n=TEXT_MAX)
    if CPR.search(text):
        return _("Sager kan ikke findes på CPR-nummer. Søg på sagsnummeret eller en anden oplysning.")
    return None


def parse(args: Any, text: str = "", page: str | None = None) -> ListForm:
    """The form from request arguments (a MultiDict or a dict); `text` the search term."""
    values = {key: (args.get(key) or DEFAULTS.get(key, "")).strip() for key in KEYS}
    form = ListForm(values, " ".join(text.split()), _page(page))
    form.problems = {key: message for key, ok, message in _checks(values) if not ok}
    _dates(values, form.problems)
    problem = _text_problem(form.text)
    if problem:
        form.problems["soeg"] = problem
    return form


def owner_problem() -> dict[str, str]:
    """The engine did not know the chosen owner."""
    return {"sagsbehandler": _("Ukendt bruger.")}


LABELS = {"soeg": _l("Søg"), "visning": _l("Visning"), "status": _l("Status"), "proces": _l("Proces"),
          "sagsbehandler": _l("Sagsbehandler"), "risiko": _l("Risiko"), "akut": _l("Akut"),
          "overskredet": _l("Kun overskredne frister"), "fra": _l("Oprettet fra"), "til": _l("Oprettet til"),
          "sortering": _l("Sortering")}
NO_OWNER_VALUE = NO_OWNER
