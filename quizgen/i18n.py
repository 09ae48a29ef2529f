"""The one translation mechanism: every user-facing string passes through :func:`_`.

English is the source language.  A catalogue for another language is a
mapping from English message to translation, loaded into ``_catalogue``.
"""

from __future__ import annotations

_catalogue: dict[str, str] = {}


def _(message: str) -> str:
    """Translate ``message`` into the active language (English when no catalogue is loaded)."""
    return _catalogue.get(message, message)
