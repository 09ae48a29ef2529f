"""quizgen's own errors.

Every error a user can cause is a :class:`QuizgenError` whose message is one
line naming the field, the value and the rule.  The CLI turns it into
``Error: <message>`` and exit status 2; library callers catch it as a
``ValueError``.
"""

from __future__ import annotations


class QuizgenError(ValueError):
    """A user-facing error: one line that names the field, the value and the rule."""

    exit_code = 2


class SpecError(QuizgenError):
    """A layer spec or a stack of specs that cannot be parsed or built."""


class ClaimError(QuizgenError):
    """A ``--claim QUANTITY=VALUE`` that cannot be read."""


def closest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    import difflib

    from quizgen.i18n import _

    match = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.5)
    return _(" (did you mean '{name}'?)").format(name=match[0]) if match else ""
