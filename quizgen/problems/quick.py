"""Quick sheets: a recipe made from command-line options (``--kind``, ``--problems``, ``--difficulty``,
``--form``) instead of a YAML file.  Their sheet codes hold those options (``Q…``, see :func:`code_tag`),
so that ``quizgen worksheet --code CODE`` alone makes a quick sheet and its key again.

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


#: The kinds a quick sheet's code can name, by their place in the code.  Append only: a code names
#: each kind by its number here, so a kind keeps its number for as long as codes made with it exist.
CODE_KINDS = (
    "output-conv",
    "output-pool",
    "output-dilated",
    "output-transposed",
    "params-conv",
    "params-linear",
    "params-separable",
    "macs-conv",
    "macs-linear",
    "pool-ops",
    "memory",
    "inverse-padding",
    "inverse-stride",
    "inverse-kernel",
    "network-trace",
    "receptive-field",
    "spot-error",
    "residual-block",
    "bottleneck-savings",
    "concat-channels",
    "se-block",
    "vit-tokens",
    "attention-cost",
    "training-memory",
)
KIND_RADIX = 64  # room for 64 kinds
#: A quick sheet's code begins with this letter, then its options in hexadecimal (see :func:`code_tag`).
TAG = "Q"


def code_tag(recipe: QuickRecipe) -> str:
    """The recipe part of a quick sheet's code: ``Q`` and its options as one hexadecimal number.

    The number is, in mixed radix with the first lowest: the form (2 values), the difficulty (3), the
    number of problems less 1 (1000), the number of kinds less 1 (64), then each kind's place in
    :data:`CODE_KINDS` (64 each), in the order given.  So the code alone makes the sheet again.
    """
    kinds = [s.kind for s in recipe.sections]
    first = recipe.sections[0]
    value = 0
    for kind in reversed(kinds):
        value = value * KIND_RADIX + CODE_KINDS.index(kind)
    value = value * KIND_RADIX + len(kinds) - 1
    value = value * len(PROBLEMS) + recipe.size - 1
    value = value * len(DIFFICULTIES) + first.difficulty - 1
    value = value * len(FORMS) + FORMS.index(first.form)
    return f"{TAG}{value:X}"


def from_tag(tag: str) -> QuickRecipe | None:
    """The quick recipe a code's ``Q…`` part names, or ``None`` if it names none (a typo the check digit missed)."""
    if not tag.startswith(TAG) or tag[1:2] == "0":
        return None
    try:
        value = int(tag[1:], 16)
    except ValueError:
        return None
    value, form = divmod(value, len(FORMS))
    value, difficulty = divmod(value, len(DIFFICULTIES))
    value, problems = divmod(value, len(PROBLEMS))
    value, n = divmod(value, KIND_RADIX)
    kinds = []
    for _n in range(n + 1):
        value, index = divmod(value, KIND_RADIX)
        if index >= len(CODE_KINDS):
            return None
        kinds.append(CODE_KINDS[index])
    if value or len(set(kinds)) != len(kinds) or problems + 1 < len(kinds):
        return None
    return quick_recipe(kinds, problems=problems + 1, difficulty=difficulty + 1, form=FORMS[form])


def _title(kind_titles: list[str], translate: Callable[[str], str]) -> str:
    """'Practice — Parameters: convolution · Compute: convolution', or 'Practice — 5 kinds' past a few."""
    if len(kind_titles) > TITLED_KINDS:
        return translate(MANY_TITLE).format(n=len(kind_titles))
    return translate(TITLE).format(kinds=" · ".join(translate(t) for t in kind_titles))
