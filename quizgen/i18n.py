"""The one translation mechanism: every user-facing string passes through :func:`_`.

English is the source language; catalogues for other languages plug in here.
"""

from __future__ import annotations

import gettext

_translations: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """Translate ``message`` into the active language."""
    return _translations.gettext(message)
