"""Form text (form-js `text` components) must be markdown without HTML.

form-js turns a text component's markdown into HTML and cleans it with its own small sanitiser
before it shows it (the form editor and its preview); casepath's own form page shows the text as
escaped plain paragraphs (webui/ui/forms.py). A probe put `<img src=x onerror=...>` into a text
component and the editor rendered it; only the Content-Security-Policy stopped the script. So a
form whose text holds raw HTML (a tag, a comment, a declaration) or a link to anything but http(s),
mailto or tel is refused at deploy, and no one has to rely on either sanitiser.
"""

from __future__ import annotations

import html
import re
from typing import Any

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Markdown autolinks (`<https://kommune.dk>`, `<post@kommune.dk>`) are markdown, not HTML.
_AUTOLINK = re.compile(r"<(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{1,31}):[^\s<>]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)>")
# What an HTML parser reads as markup: `<tag`, `</tag`, `<!--`, `<!DOCTYPE`, `<![CDATA[`, `<?pi`.
_MARKUP = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|[!?])")
# Targets of inline links and images `[x](target)` and of reference definitions `[x]: target`.
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)|^\s{0,3}\[[^\]]+\]:\s*<?(\S*?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028\u2029\u205f\u3000\ufeff]")


def _scheme(target: str) -> str | None:
    """The lower-cased scheme of a link target after entity decoding, None for a relative link."""
    plain = _INVISIBLE.sub("", html.unescape(target))
    found = _SCHEME.match(plain)
    return found.group(1).lower() if found else None


def _has_markup(text: str) -> bool:
    """True if `text` holds HTML markup outside markdown autolinks."""
    for found in _MARKUP.finditer(text):
        autolink = _AUTOLINK.match(text, found.start())
        if autolink is None or (autolink["scheme"] and autolink["scheme"].lower() not in ALLOWED_SCHEMES):
            return True
    return False


def _bad_links(text: str) -> list[str]:
    targets = (first or second for first, second in _LINK_TARGET.findall(text))
    schemes = {_scheme(target) for target in targets if target}
    return sorted(scheme for scheme in schemes if scheme is not None and scheme not in ALLOWED_SCHEMES)


def text_problems(component: dict[str, Any]) -> list[str]:
    """Problems with a text component's `text` (English, for the deploy report); [] when usable."""
    if component.get("type") != "text" or component.get("text") is None:
        return []
    text = component["text"]
    if not isinstance(text, str):
        return ["'text' must be text"]
    problems = []
    if _has_markup(text):
        problems.append("the text contains HTML; write it as markdown (HTML is not allowed in forms)")
    bad = _bad_links(text)
    if bad:
        kinds = ", ".join(f"{scheme}:" for scheme in bad)
        problems.append(f"the text links to {kinds} addresses; only http, https, mailto and tel links are allowed")
    return problems
