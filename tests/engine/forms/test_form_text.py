"""A form's text components are markdown without HTML: refused at deploy (the probe: `<img onerror>`
rendered in the form editor), so neither form-js's sanitiser nor ours has to catch it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.forms.formjs import check_form

WORKFLOWS = Path(__file__).resolve().parents[3] / "workflows" / "forms"


def form(text: object) -> dict:
    return {"type": "default", "id": "f", "components": [{"type": "text", "id": "intro", "text": text}]}


@pytest.mark.parametrize("text", [
    "<img src=x onerror=alert(1)>",
    "Læs dette <svg/onload=alert(1)>",
    "<a:b onfocus=alert(1) tabindex=0>",
    "</p><p>",
    "<!-- skjult -->",
    "<javascript:alert(1)>",
])
def test_html_in_text_refuses_the_deploy(text):
    assert check_form(form(text), "f") == [
        "component 'intro': the text contains HTML; write it as markdown (HTML is not allowed in forms)"]


@pytest.mark.parametrize("text", [
    "[Klik](javascript:alert(1))",
    "[Klik](  JaVa&#115;cript:alert(1))",
    "![billede](data:image/svg+xml;base64,PHN2Zz4=)",
    "[ref]: vbscript:msgbox(1)",
])
def test_links_to_anything_but_the_web_mail_or_phone_refuse_the_deploy(text):
    [problem] = check_form(form(text), "f")
    assert "only http, https, mailto and tel links are allowed" in problem


@pytest.mark.parametrize("text", [
    "**Vigtigt:** ring til [politiet](tel:114) eller skriv til <post@kommune.dk>.",
    "Se <https://www.retsinformation.dk> og [vejledningen](https://kommune.dk/vejledning).",
    "Risiko < 3 og alder > 18",
    "",
])
def test_plain_markdown_still_deploys(text):
    assert check_form(form(text), "f") == []


def test_text_must_be_text():
    assert check_form(form(["<img>"]), "f") == ["component 'intro': 'text' must be text"]


def test_every_shipped_form_passes():
    for path in sorted(WORKFLOWS.glob("*.form")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert check_form(schema, path.stem) == [], path.name
