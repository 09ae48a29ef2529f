"""Labels: what a sheet prints about itself besides its problems (title, course, date, time allowed,
instructions), given on the command line over a recipe's own."""

from __future__ import annotations

import dataclasses

from quizgen.errors import QuizgenError
from quizgen.i18n import _
from quizgen.problems.bank import Recipe


@dataclasses.dataclass(frozen=True)
class Labels:
    """What ``--title``, ``--course``, ``--date``, ``--time-allowed`` and ``--instructions`` print.

    They replace the recipe's own fields where given (``None``: the recipe's).  They change no problem
    and no answer, so a sheet's code does not hold them: ``--code`` prints the recipe's unless they are
    given again.
    """

    title: str | None = None
    course: str | None = None
    date: str | None = None
    time_allowed: str | None = None
    instructions: str | None = None

    def apply(self, recipe: Recipe) -> Recipe:
        """``recipe`` with these labels in place of its own (the same object when none is given)."""
        given = {k: v.strip() for k, v in dataclasses.asdict(self).items() if v is not None}
        for name, value in given.items():
            if name == "title" and not value:
                raise QuizgenError(_("--title: must not be empty"))
        return dataclasses.replace(recipe, **given) if given else recipe
