"""quizgen's own errors.

Every error a user can cause is a :class:`QuizgenError` whose message is one
line naming the field, the value and the rule.  The CLI turns it into
``Error: <message>`` and exit status 2; library callers catch it as a
``ValueError``.

This module imports nothing from quizgen: :mod:`quizgen.i18n` builds on it (its "did you mean" helper,
:func:`quizgen.i18n.closest`, is a matter of wording, so it lives there).
"""

from __future__ import annotations


class QuizgenError(ValueError):
    """A user-facing error: one line that names the field, the value and the rule."""

    exit_code = 2


class SpecError(QuizgenError):
    """A layer spec or a stack of specs that cannot be parsed or built."""


class ClaimError(QuizgenError):
    """A ``--claim QUANTITY=VALUE`` that cannot be read."""
