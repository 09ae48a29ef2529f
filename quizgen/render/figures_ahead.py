"""A large sheet's slot targets and figures, worked out by another process while the sheet is being drawn.

A class is drawn by a pool, a sheet a process (:mod:`quizgen.problems.pool`); one large sheet (a
1,000-problem test) is one job, drawn in the run's own process, which would work out every slot's target
(:func:`quizgen.problems.slots.target`) and draw every figure one after another.  :class:`Ahead` has another
process work out the targets first, in the order the sheet needs them (the sheet takes those that have arrived
and works out any other itself), then draw each problem's figure and its key's figure as the sheet draws the
problem (``build_sheet``'s ``on_problem``); :func:`collect` keeps the figures where
:func:`quizgen.render.sheets._figure` finds them.  A target is a function of the recipe and the slot, and a
figure of its problem, so both are the same whichever process works them out, and the files the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

    from quizgen.problems.bank import Recipe
    from quizgen.problems.problem import Problem
    from quizgen.problems.slots import Shape

    Target = tuple[Recipe, int, int, str]  # quizgen.problems.slots.target's arguments

#: Figures drawn ahead, by (problem, the key's or not, language); :func:`quizgen.render.sheets._figure` looks
#: here first.  Kept while the run's :class:`Ahead` is open.
DRAWN: dict[tuple[Problem, bool, str], str | None] = {}
#: Problems sent to the drawing process at a time.
BATCH = 25

_active: list[Ahead] = []  # the run's Ahead, while it is open


class Ahead:
    """A process drawing the figures of one large sheet's problems as they are drawn (a context manager)."""

    def __init__(self, lang: str, targets: list[Target]) -> None:
        self.lang = lang
        self.targets = targets
        self._shapes: list[tuple[list[Target], AsyncResult[list[Shape]]]] = []
        self._pool: Pool | None = None
        self._batch: list[Problem] = []
        self._sent: list[tuple[list[Problem], AsyncResult[list[tuple[str | None, str | None]]]]] = []

    def __enter__(self) -> Ahead:
        from quizgen.problems.pool import forked_pool

        self._pool = forked_pool(1, "fork")
        for start in range(0, len(self.targets), BATCH):  # first, before any figure: the sheet needs them first
            batch = self.targets[start : start + BATCH]
            self._shapes.append((batch, self._pool.apply_async(_shapes, (batch,))))
        _active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        from quizgen.problems.slots import KNOWN

        _active.remove(self)
        DRAWN.clear()
        KNOWN.clear()
        assert self._pool is not None
        self._pool.terminate()
        self._pool.join()

    def add(self, problem: Problem) -> None:
        """Have ``problem``'s figures drawn (in batches of :data:`BATCH`), and give the sheet the targets that
        have arrived meanwhile."""
        from quizgen.problems.slots import KNOWN

        while self._shapes and self._shapes[0][1].ready():
            keys, result = self._shapes.pop(0)
            KNOWN.update(zip(keys, result.get()))
        self._batch.append(problem)
        if len(self._batch) >= BATCH:
            self._send()

    def _send(self) -> None:
        if self._batch:
            assert self._pool is not None
            self._sent.append((self._batch, self._pool.apply_async(_draw, (self._batch, self.lang))))
            self._batch = []

    def collect(self) -> None:
        """Wait for every figure sent, and keep them in :data:`DRAWN`."""
        self._send()
        for problems, result in self._sent:
            for problem, (plain, key) in zip(problems, result.get()):
                DRAWN[(problem, False, self.lang)] = plain
                DRAWN[(problem, True, self.lang)] = key
        self._sent.clear()


def ahead_for(
    recipe: Recipe, *, sheets: int, fmt: str, figures: bool | None, count: str | None, lang: str
) -> Ahead | None:
    """An :class:`Ahead` for a run of one sheet of :data:`~quizgen.problems.pool.PARALLEL_SHEETS` problems or more
    whose ``fmt`` shows figures, where more than one process may work (:func:`quizgen.problems.pool.workers`)
    and a process can be forked (it inherits the run's modules); otherwise None."""
    import multiprocessing

    from quizgen.problems.pool import PARALLEL_SHEETS, workers

    problems = sum(len(s.entries) or s.count for s in recipe.sections)
    wanted = sheets == 1 and fmt in ("md", "html", "practice") and (recipe.figures if figures is None else figures)
    if not wanted or problems < PARALLEL_SHEETS or workers(problems) < 2:
        return None
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.parent_process() is not None:
        return None
    convention = count or recipe.count
    slots = [(i, n) for i, s in enumerate(recipe.sections) if s.kind for n in range(s.count)]
    return Ahead(lang, [(recipe, i, n, convention) for i, n in slots])


def collect() -> None:
    """The figures drawn ahead so far, kept for the templates (nothing when no :class:`Ahead` is open)."""
    for ahead in _active:
        ahead.collect()


def _shapes(targets: list[Target]) -> list[Shape]:
    """The slots' targets (in the other process)."""
    from quizgen.problems.slots import reference_target

    return [reference_target(*key) for key in targets]


def _draw(problems: list[Problem], lang: str) -> list[tuple[str | None, str | None]]:
    """Each problem's figure and its key's figure (in the drawing process)."""
    from quizgen.render.figures_for import figure_for

    return [(figure_for(p, answer=False, lang=lang), figure_for(p, answer=True, lang=lang)) for p in problems]


def on_problem(ahead: Ahead | None) -> dict[str, Any]:
    """``build_sheet``'s option that feeds ``ahead`` (none without one)."""
    return {} if ahead is None else {"on_problem": ahead.add}
