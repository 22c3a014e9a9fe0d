"""The UI's own forms (new referral, consent, safe contact) as form-js schemas.

They are rendered and converted by the same code as task forms (webui.ui.forms, webui.ui.formdata),
so every form in the UI looks and behaves the same. Built per request: labels are translated.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from engine.consent.models import RECIPIENT_KINDS as CONSENT_RECIPIENT_KINDS
from webui.ui.filters import GIVER_NAMES, RECIPIENT_NAMES

CHILD_PROCESS = "underretning_boern"
ADULT_PROCESS = "henvendelse_voksen"
RECIPIENT_KINDS = CONSENT_RECIPIENT_KINDS


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs]


def referral_kinds() -> dict[str, dict[str, str]]:
    """URL segment → process key, title and description of each kind of referral."""
    return {
        "boern": {"process": CHILD_PROCESS, "title": _("Underretning om barn eller ung"),
                  "text": _("En underretning fra fx skole, dagtilbud, politi, sundhedspersonale, en anden "
                            "afdeling, en borger, barnet eller en forælder.")},
        "voksen": {"process": ADULT_PROCESS, "title": _("Henvendelse fra en voksen"),
                   "text": _("Borgeren selv (fx i en samtale på jobcentret), en anden kommune, et krisecenter, "
                             "SSP eller en uddannelsesinstitution.")},
    }


def referral_schema(kind: str) -> dict[str, Any]:
    """The form for opening a case of `kind` (`boern` or `voksen`) when its process has no start form.

    The values are those the shipped start forms use (workflows/forms/*_start.form).
    """
    received = {"type": "datetime", "subtype": "datetime", "key": "received_at",
                "dateLabel": _("Modtaget (dato og klokkeslæt)"), "validate": {"required": True},
                "description": _("Fristerne regnes herfra, fx 24-timersvurderingen.")}
    if kind == "boern":
        sources = [("school", _("Skole")), ("day_care", _("Dagtilbud")), ("police", _("Politiet")),
                   ("health", _("Sundhedspersonale")), ("other_department", _("Anden afdeling i kommunen")),
                   ("citizen", _("En borger")), ("child", _("Barnet selv")), ("parent", _("En forælder")),
                   ("other", _("Andet"))]
        extra = [{"type": "checkbox", "key": "professional_notifier",
                  "label": _("Underretteren er fagperson (skal have besked om, hvad der sker)")}]
    else:
        sources = [("citizen", _("Borgeren selv")), ("job_centre", _("Jobcentret (i en samtale)")),
                   ("other_municipality", _("En anden kommune")), ("shelter", _("Et krisecenter")),
                   ("ssp", _("SSP eller kriminalpræventivt personale")),
                   ("education", _("En uddannelsesinstitution")), ("other", _("Andet"))]
        extra = []
    return {"type": "default", "id": f"referral_{kind}", "components": [
        received,
        {"type": "select", "key": "source", "label": _("Hvem har underrettet eller henvendt sig?"),
         "values": _options(sources), "validate": {"required": True}},
        *extra,
    ]}


def consent_schema() -> dict[str, Any]:
    """The form for recording a consent to share information."""
    return {"type": "default", "id": "consent", "components": [
        {"type": "radio", "key": "given_by", "label": _("Samtykket er givet af"), "validate": {"required": True},
         "values": _options([(k, str(v)) for k, v in GIVER_NAMES.items()]),
         "description": _("Er forældremyndighedsindehaveren den, der kontrollerer, kan samtykket komme fra en "
                          "anden, fx den unge selv. Angiv da hvem og i hvilken egenskab.")},
        {"type": "textfield", "key": "giver_name", "label": _("Hvem gav samtykket (hvis en anden person)"),
         "validate": {"maxLength": 255}},
        {"type": "textfield", "key": "giver_capacity", "label": _("I hvilken egenskab"),
         "description": _("Fx »den unge selv, 16 år« eller »den anden forælder«."), "validate": {"maxLength": 255}},
        {"type": "select", "key": "recipient_kind", "label": _("Oplysningerne må gives til"),
         "validate": {"required": True},
         "values": _options([(k, str(RECIPIENT_NAMES[k])) for k in RECIPIENT_KINDS])},
        {"type": "textarea", "key": "scope", "label": _("Hvilke oplysninger samtykket dækker"),
         "validate": {"required": True, "maxLength": 2000},
         "description": _("Skriv ikke CPR-numre her.")},
        {"type": "textarea", "key": "purpose", "label": _("Formål"), "validate": {"required": True, "maxLength": 2000}},
        {"type": "datetime", "subtype": "datetime", "key": "given_at", "dateLabel": _("Givet (dato og klokkeslæt)"),
         "description": _("Tom betyder nu.")},
    ]}


def N_(text: str) -> str:
    """Mark `text` for translation; it is translated where it is shown."""
    return text


SAFE_CONTACT_LABELS = {
    "ask_if_alone": N_("Spørg altid, om personen er alene, før samtalen begynder"),
    "no_letters_home": N_("Send ingen breve til hjemmeadressen"),
    "no_voicemail": N_("Læg ingen beskeder på telefonsvareren"),
    "interpreter_phone_only": N_("Tolk kun over telefon"),
    "interpreter_not_same_community": N_("Brug ikke en tolk fra samme miljø eller by"),
}


def safe_contact_label(flag: str) -> str:
    """The translated text of a safe-contact flag."""
    return _(SAFE_CONTACT_LABELS[flag]) if flag in SAFE_CONTACT_LABELS else flag


def safe_contact_schema() -> dict[str, Any]:
    """The form for the case's safe-contact instructions."""
    flags = [{"type": "checkbox", "key": flag, "label": safe_contact_label(flag)} for flag in SAFE_CONTACT_LABELS]
    return {"type": "default", "id": "safe_contact", "components": [
        {"type": "textarea", "key": "instructions", "label": _("Instruks om sikker kontakt"),
         "validate": {"maxLength": 4000},
         "description": _("Hvordan og hvornår personen kan kontaktes sikkert.")},
        *flags,
    ]}


def safe_contact_values(contact: Any | None) -> dict[str, Any]:
    """The current instructions as form values."""
    if contact is None:
        return {}
    return {"instructions": contact.instructions, **{f: bool(getattr(contact, f, False)) for f in SAFE_CONTACT_LABELS}}
