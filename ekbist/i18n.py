"""Translations: English in the code, Swedish from gettext catalogs.

Each area of ekbist keeps its own catalog (``locale/sv/LC_MESSAGES/<area>.po``,
compiled to ``.mo``) so that areas can be translated independently; at run time
all catalogs of a language are chained into one translation.

The active language is process-wide: the command line sets it once from
``--lang``/``EKBIST_LANG``/the locale before anything is rendered.
"""

from __future__ import annotations

import gettext as _gettext
import locale as _locale
import os
from pathlib import Path

LANGUAGES = ("en", "sv")
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def detect_language(environ: dict[str, str] | None = None) -> str:
    """Pick the language from EKBIST_LANG, else the locale (sv_* → Swedish)."""
    env = os.environ if environ is None else environ
    explicit = env.get("EKBIST_LANG", "").strip().lower()
    if explicit in LANGUAGES:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    if environ is None:
        try:
            loc = _locale.getlocale()[0] or ""
        except ValueError:
            loc = ""
        if loc.lower().startswith("sv"):
            return "sv"
    return "en"


def _load(language: str) -> _gettext.NullTranslations:
    if language == "en":
        return _gettext.NullTranslations()
    directory = LOCALE_DIR / language / "LC_MESSAGES"
    chained: _gettext.NullTranslations | None = None
    for mo in sorted(directory.glob("*.mo")):
        with mo.open("rb") as fh:
            catalog = _gettext.GNUTranslations(fh)
        if chained is None:
            chained = catalog
        else:
            chained.add_fallback(catalog)
    return chained or _gettext.NullTranslations()


def set_language(language: str) -> None:
    """Make ``language`` ('en' or 'sv') the language of every message from now on."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(language)
    _translation = _load(language)
    _language = language


def language() -> str:
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the active language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it yet (labels in tables)."""
    return message
