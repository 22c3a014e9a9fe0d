"""Languages: Danish by default, English per user (User.locale); times in the configured zone.

Source strings are Danish; `webui/translations/en` holds the English catalogue. Update it with
`pybabel extract -F babel.cfg -o /tmp/messages.pot . && pybabel update -i /tmp/messages.pot
-d webui/translations` and compile with `pybabel compile -d webui/translations`.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_login import current_user

from engine.config import Settings

LOCALES = ("da", "en")
DEFAULT_LOCALE = "da"
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}

babel = Babel()


def select_locale() -> str:
    """The signed-in user's language, else Danish."""
    if current_user and current_user.is_authenticated:
        locale = getattr(current_user.user, "locale", None)
        if locale in LOCALES:
            return locale
    return DEFAULT_LOCALE


def configure(app: Flask, settings: Settings) -> None:
    """Install Flask-Babel with our locale selector and the configured time zone."""
    app.config.update(BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE, BABEL_DEFAULT_TIMEZONE=settings.timezone)
    babel.init_app(app, locale_selector=select_locale)
