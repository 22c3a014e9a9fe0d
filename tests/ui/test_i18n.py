"""The translation catalogues: English is complete and the compiled .mo files match the .po files."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations

REPO = Path(__file__).resolve().parents[2]
TRANSLATIONS = REPO / "webui" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None}


def _source_messages() -> set[str | tuple[str, ...]]:
    method_map = [("webui/ui/**.py", "python"), ("webui/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(REPO), method_map, keywords=KEYWORDS):
        if message and not (isinstance(message, tuple) and None in message):
            found.add(message[0] if isinstance(message, tuple) and len(message) == 1 else message)
    return found


def _catalogue(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def test_every_source_string_has_an_english_translation():
    english = _catalogue("en")
    missing = []
    for message in sorted(_source_messages(), key=str):
        key = message[0] if isinstance(message, tuple) else message
        entry = english.get(key)
        if entry is None or not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            missing.append(message)
    assert missing == [], f"add English translations (pybabel update, then compile): {missing}"


def test_compiled_catalogues_match_their_sources():
    for locale in ("da", "en"):
        compiled = Translations.load(str(TRANSLATIONS), [locale])
        for entry in _catalogue(locale):
            if entry.id and isinstance(entry.id, str) and entry.string:
                assert compiled.gettext(entry.id) == entry.string, f"{locale}: recompile ({entry.id!r})"
