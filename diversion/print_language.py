"""Checkpoint Cymru: the documents a person is given (the printable contract to engage and the appointment
letter) in the language they prefer, English or Welsh, with a switch to show either.

The Welsh text is in a translation file, translations/cy/LC_MESSAGES/messages.po (msgid: the English sentence),
read with Babel at first use; the templates hold only the English msgids. Dates use Babel's Welsh calendar names
(Ionawr, Chwefror ...). Only these two documents are translated: the pages staff use stay in English.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup, escape

from diversion.domain.people import ENGLISH, LANGUAGES, WELSH

TRANSLATIONS = Path(__file__).parent / "translations"
LOCALES = {ENGLISH: "en", WELSH: "cy"}
UK = ZoneInfo("Europe/London")


@lru_cache(maxsize=None)
def _catalogue(language: str) -> NullTranslations:
    if language == ENGLISH:
        return NullTranslations()
    with open(TRANSLATIONS / LOCALES[language] / "LC_MESSAGES" / "messages.po", "rb") as source:
        catalogue = read_po(source, locale=LOCALES[language])
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def chosen(asked: object, preferred: str | None) -> str:
    """The language to show: the one asked for with ?language= when it is English or Welsh, else the person's
    preference (not asked: English)."""
    if isinstance(asked, str) and asked in LANGUAGES:
        return asked
    return preferred if preferred in LANGUAGES else ENGLISH


@dataclass(frozen=True)
class Document:
    """What a template needs to write a document in one language."""
    language: str

    @property
    def lang(self) -> str:  # the HTML lang attribute
        return LOCALES[self.language]

    def t(self, message: str, **values) -> Markup:
        """The message in this language; the values are escaped, the translation file's text is trusted."""
        translated = Markup(_catalogue(self.language).gettext(message))
        return translated % {key: escape(value) for key, value in values.items()} if values else translated

    def date(self, day: date | None) -> str:
        """27 November 2026 / 27 Tachwedd 2026."""
        if day is None:
            return ""
        return f"{day.day} {day:%B %Y}" if self.language == ENGLISH else format_date(day, "d MMMM y", locale="cy")

    def day(self, moment: datetime) -> str:
        """Monday 30 November 2026 / Dydd Llun 30 Tachwedd 2026 (UK time)."""
        local = moment.astimezone(UK)
        if self.language == ENGLISH:
            return f"{local:%A} {local.day} {local:%B %Y}"
        return format_date(local.date(), "EEEE d MMMM y", locale="cy")

    def time(self, moment: datetime) -> str:
        """11:00am / 11:00yb (UK time)."""
        local = moment.astimezone(UK)
        hour = local.strftime("%I").lstrip("0") or "12"
        return f"{hour}:{local:%M}" + str(self.t("am" if local.hour < 12 else "pm"))


def document(asked: object, preferred: str | None) -> Document:
    return Document(chosen(asked, preferred))
