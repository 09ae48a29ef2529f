"""Quick sheets: a recipe made from command-line options (``--kind``, ``--problems``, ``--difficulty``,
``--form``) instead of a YAML file.

The problems are split evenly among the kinds, in the order given, one section per kind titled by the
kind's title; when the number does not divide, the first kinds get one more each (10 problems over
three kinds: 4, 3, 3).  The recipe is an ordinary :class:`~quizgen.problems.bank.Recipe`, so its sheet
code fingerprints these options as it fingerprints any recipe's content; it also carries the command
that makes it, which the key prints so that a teacher holding the code can make the sheet again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from quizgen.errors import QuizgenError
from quizgen.i18n import N_, _, closest
from quizgen.problems.bank import FORMS, Recipe, Section

NAME = "quick"
PROBLEMS = range(1, 1001)
DIFFICULTIES = range(1, 4)
DEFAULT_PROBLEMS = 10
DEFAULT_DIFFICULTY = 2
DEFAULT_FORM = "numeric"

#: A sheet's title names its kinds while they are few; past this many it counts them.
TITLED_KINDS = 3

TITLE = N_("Practice — {kinds}")
MANY_TITLE = N_("Practice — {n} kinds")
#: Levels 1 and 2 draw only 2d layers, whose shapes are height × width × channels; level 3 adds 1d and 3d.
INSTRUCTIONS_2D = N_("Work each problem by hand and show your steps. Shapes are written height × width × channels.")
INSTRUCTIONS_ANY = N_(
    "Work each problem by hand and show your steps. Shapes give the spatial sizes first, then the channels."
)


@dataclasses.dataclass(frozen=True)
class QuickRecipe(Recipe):
    """A recipe made from options; ``command`` is the ``quizgen worksheet`` command line that makes it."""

    command: str = ""

    def localized(self) -> QuickRecipe:
        """The same recipe with its title in the active language (the code's fingerprint uses the English)."""
        return dataclasses.replace(self, title=_title([s.title for s in self.sections], _))


def quick_recipe(
    kinds: Sequence[str],
    problems: int = DEFAULT_PROBLEMS,
    difficulty: int = DEFAULT_DIFFICULTY,
    form: str = DEFAULT_FORM,
) -> QuickRecipe:
    """A recipe of ``problems`` problems of ``kinds`` (split evenly, in order), all at one difficulty and form.

    A kind given twice counts once.  Each bad option is refused with one line naming it.
    """
    from quizgen.problems.kinds import REGISTRY

    ids = list(dict.fromkeys(kinds))
    if not ids:
        raise QuizgenError(_("--kind: give at least one problem kind; 'quizgen kinds' lists them"))
    for kind in ids:
        if kind not in REGISTRY:
            raise QuizgenError(
                _("--kind {kind}: is not a problem kind{suggestion}; 'quizgen kinds' lists them").format(
                    kind=kind, suggestion=closest(kind, list(REGISTRY))
                )
            )
    if problems not in PROBLEMS:
        raise QuizgenError(_("--problems {problems}: must be a whole number from 1 to 1000").format(problems=problems))
    if problems < len(ids):
        raise QuizgenError(
            _("--problems {problems}: fewer than the {n} kinds given; each kind needs at least one problem").format(
                problems=problems, n=len(ids)
            )
        )
    if difficulty not in DIFFICULTIES:
        raise QuizgenError(_("--difficulty {difficulty}: must be 1, 2 or 3").format(difficulty=difficulty))
    if form not in FORMS:
        raise QuizgenError(_("--form {form}: must be one of {items}").format(form=form, items=", ".join(FORMS)))
    share, extra = divmod(problems, len(ids))
    sections = tuple(
        Section(
            title=REGISTRY[kind].title,
            kind=kind,
            bank="",
            entries=(),
            count=share + (1 if i < extra else 0),
            difficulty=difficulty,
            form=form,
        )
        for i, kind in enumerate(ids)
    )
    command = " ".join(
        ["quizgen worksheet", *(f"--kind {k}" for k in ids)]
        + [f"--problems {problems}", f"--difficulty {difficulty}", f"--form {form}"]
    )
    return QuickRecipe(
        name=NAME,
        title=_title([s.title for s in sections], lambda text: text),
        instructions=INSTRUCTIONS_2D if difficulty < 3 else INSTRUCTIONS_ANY,
        count="macs",
        sections=sections,
        path=command,
        command=command,
    )


def _title(kind_titles: list[str], translate: Callable[[str], str]) -> str:
    """'Practice — Parameters: convolution · Compute: convolution', or 'Practice — 5 kinds' past a few."""
    if len(kind_titles) > TITLED_KINDS:
        return translate(MANY_TITLE).format(n=len(kind_titles))
    return translate(TITLE).format(kinds=" · ".join(translate(t) for t in kind_titles))
