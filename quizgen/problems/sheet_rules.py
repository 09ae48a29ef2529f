"""What a sheet's draws must pass to be taken: no problem or layer twice, and no answer given away.

:func:`draw` takes a slot's draws one after another (:func:`quizgen.problems.sheet.build_sheet` makes them) and
judges each by its face (:class:`~quizgen.problems.registry.Making`); :class:`Taken` holds what the sheet has
taken so far.
"""

from __future__ import annotations

from collections.abc import Callable

from quizgen.problems import slots
from quizgen.problems.giveaway import Mark, asked, gives_away, shown
from quizgen.problems.problem import Problem
from quizgen.problems.registry import Making

#: What makes a problem's face whole (:attr:`Making.whole`).
Whole = Callable[[Problem], Problem]


class Taken:
    """What a sheet has drawn so far: problem ids and layers (none twice), the answers asked (no later problem may
    write one) and the shapes and counts written (no later problem may ask for one)."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.layers: set[str] = set()
        self.asked: set[Mark] = set()
        self.shown: set[Mark] = set()

    def fresh(self, problem: Problem) -> bool:
        layers = [line.strip() for line in problem.spec.splitlines() if line.strip()]
        once = len(layers) == len(set(layers))  # a stack, too, names each layer once
        return once and problem.id not in self.ids and not set(layers) & self.layers

    def fair(self, problem: Problem) -> bool:
        return not gives_away(problem, self.asked, self.shown)

    def add(self, problem: Problem) -> None:
        self.ids.add(problem.id)
        self.layers |= layer_specs(problem)
        self.asked |= asked(problem)
        self.shown |= shown(problem)


def draw(sample: Callable[[], Making], redraws: int, taken: Taken) -> tuple[Problem, Whole, int]:
    """A problem that is fair (gives no other problem's answer away) and, within ``redraws`` draws, fresh (no
    problem or layer twice on the sheet), as its face and the function that makes it whole
    (:class:`~quizgen.problems.registry.Making`); and the redraws left for the kind's next problem.

    Fairness comes first: past ``redraws``, the first fair problem drawn is taken even if not fresh, and the kind
    is searched less hard from then on (``EXHAUSTED_REDRAWS``), as before.  Each draw is judged by its face (what
    it writes and asks), which is all that :class:`Taken` looks at; only the one taken is made whole.
    """
    first_fair: tuple[Making, Problem] | None = None
    making = sample()
    face = making.face()
    for attempt in range(GIVEAWAY_REDRAWS):
        if taken.fair(face):
            if taken.fresh(face):
                return face, making.whole, redraws if attempt < redraws else EXHAUSTED_REDRAWS
            first_fair = first_fair or (making, face)
        if attempt >= redraws and first_fair is not None:
            return first_fair[1], first_fair[0].whole, EXHAUSTED_REDRAWS
        making = sample()
        face = making.face()
    making, face = first_fair or (making, face)
    return face, making.whole, EXHAUSTED_REDRAWS


def made_whole(sample: Callable[[], Problem]) -> Making:
    """A problem drawn whole (a multiple-choice slot's, whose shape needs its wrong answers), as its own face."""
    problem = sample()
    return Making(lambda: problem, slots.as_it_is)


#: How many times a problem is drawn again when it repeats a problem or a layer already on the sheet;
#: once a section's kind has found no fresh one in that many, its later problems try only a few times.
REDRAWS = 12
EXHAUSTED_REDRAWS = 5
#: How many times a problem that would give another's answer away is drawn again.
GIVEAWAY_REDRAWS = 100


def layer_specs(problem: Problem) -> set[str]:
    """The canonical specs of every layer a problem is about (one per line of its spec)."""
    return {line.strip() for line in problem.spec.splitlines() if line.strip()}
