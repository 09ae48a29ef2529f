"""The one translation mechanism: every user-facing string passes through :func:`_`.

English is the source language.  Translations are gettext catalogues in
``quizgen/locale/<lang>/LC_MESSAGES/quizgen.po``, compiled to ``.mo`` by
``python tools/i18n.py`` (Babel) and shipped with the package.  Strings kept in
data (titles, labels, explanations) are marked with :func:`N_` for extraction
and translated where they are shown.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TypeVar

from quizgen.errors import QuizgenError

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

LANGUAGES = ("en", "zh")
DOMAIN = "quizgen"
_catalogue: dict[str, str] = {}
_language = "en"


def _(message: str) -> str:
    """Translate ``message`` into the active language (English when no catalogue is loaded)."""
    return _catalogue.get(message, message) if _catalogue else message


def closest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    import difflib

    match = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.5)
    return _(" (did you mean '{name}'?)").format(name=match[0]) if match else ""


def sentences(*parts: str) -> str:
    """Sentences run together as the language writes them: with a space in English, without in Chinese."""
    out = ""
    for part in parts:
        out = _("{first} {second}").format(first=out, second=part) if out else part
    return out


def n_(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, translated (ngettext's choice for English and Chinese).

    Mark both forms for extraction: ``n_(N_("{n} day"), N_("{n} days"), n)``.  Each form is an
    ordinary catalogue entry, which is enough for the two languages quizgen speaks (Chinese has
    one form: translate both alike); a language with more plural forms would need ngettext.
    """
    return _(singular if n == 1 else plural)


_A_NUMBER = None


def a_an(text: str) -> str:
    """English only: "a 8 × 8 input" becomes "an 8 × 8 input" (likewise 11, 18, 80–89…, 11,000…).

    The article depends on how the number is spoken, which a template cannot know; other languages
    have no such article, so their text is returned as it is.
    """
    if _language != "en" or " 8" not in text and " 1" not in text:
        return text
    global _A_NUMBER
    if _A_NUMBER is None:
        import re

        _A_NUMBER = re.compile(r"\b([Aa]) (\d[\d,]*)")

    def article(m: re.Match[str]) -> str:
        digits = m.group(2).rstrip(",").replace(",", "")
        spoken_vowel = digits.startswith("8") or (len(digits) % 3 == 2 and digits[:2] in ("11", "18"))
        return f"{m.group(1)}n {m.group(2)}" if spoken_vowel else m.group(0)

    return _A_NUMBER.sub(article, text)


def N_(message: str) -> str:  # noqa: N802 - the conventional name of gettext's no-op marker
    """Mark a string for extraction without translating it here."""
    return message


def language() -> str:
    """The active language."""
    return _language


def in_language(lang: str | None, make: Callable[[], T]) -> T:
    """``make()`` with ``lang`` active (``None``: the active one), then the language that was active before."""
    previous = _language
    if lang is None or lang == previous:
        return make()
    set_language(lang)
    try:
        return make()
    finally:
        set_language(previous)


def set_language(lang: str | None) -> str:
    """Activate ``lang`` (``en`` or ``zh``); ``None`` takes ``QUIZGEN_LANG``, else English."""
    global _language

    source = "--lang" if lang else "QUIZGEN_LANG"
    lang = (lang or os.environ.get("QUIZGEN_LANG") or "en").strip().lower()
    lang = {"zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "cn": "zh", "chinese": "zh", "english": "en"}.get(lang, lang)
    if lang not in LANGUAGES:
        raise QuizgenError(f"{source}={lang}: must be one of {', '.join(LANGUAGES)}")
    _catalogue.clear()
    if lang != "en":
        _catalogue.update(load_catalogue(lang))
    _language = lang
    return lang


def load_catalogue(lang: str) -> dict[str, str]:
    """The compiled catalogue of ``lang`` as a dict, read with the standard library's gettext."""
    import gettext
    from importlib import resources

    path = resources.files("quizgen").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    with path.open("rb") as f:
        translations = gettext.GNUTranslations(f)
    return {k: v for k, v in translations._catalog.items() if isinstance(k, str) and k and v}  # type: ignore[attr-defined]
