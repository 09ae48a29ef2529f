"""A large sheet's slot targets, whole problems and figures, worked out by another process while the sheet is
being drawn.

A class is drawn by a pool, a sheet a process (:mod:`quizgen.problems.pool`); one large sheet (a
1,000-problem test) is one job, drawn in the run's own process, which would work out every slot's target
(:func:`quizgen.problems.slots.target`), make every problem whole and draw every figure one after another.
:class:`Ahead` has another process work out the targets first, in the order the sheet needs them (the sheet takes
those that have arrived and works out any other itself).  The sheet then draws only each problem's face (what its
rules judge it by: ``build_sheet``'s ``on_face``), and the other process makes each problem whole (its wrong
answers, hints and steps) and draws its figure and its key's figure meanwhile.  :func:`whole_sheet` gives the sheet
its whole problems, and keeps the figures where :func:`quizgen.render.sheets._figure` finds them.  Each is a
function of the recipe and the slot, or of the problem's face, so it is the same whichever process works it out,
and the files the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

    from quizgen.problems.bank import Recipe
    from quizgen.problems.problem import Problem
    from quizgen.problems.sheet import Sheet
    from quizgen.problems.sheet_rules import Whole
    from quizgen.problems.slots import Shape

    Target = tuple[Recipe, int, int, str]  # quizgen.problems.slots.target's arguments
    Made = tuple[Problem, str | None, str | None]  # a problem made whole, its figure and its key's figure

#: Figures drawn ahead, by (problem, the key's or not, language); :func:`quizgen.render.sheets._figure` looks
#: here first.  Kept while the run's :class:`Ahead` is open.
DRAWN: dict[tuple[Problem, bool, str], str | None] = {}
#: Problems sent to the other process at a time.
BATCH = 25
#: Batches the other process has been sent and not yet done, at most: those not sent when the sheet is drawn are
#: shared between the two processes.
IN_FLIGHT = 2

_active: list[Ahead] = []  # the run's Ahead, while it is open


class Ahead:
    """A process making one large sheet's problems whole and drawing their figures as the sheet draws them (a
    context manager).

    The problems go in batches of :data:`BATCH`, at most :data:`IN_FLIGHT` at a time, so that the batches not yet
    sent when the sheet is drawn can be shared: the other process goes on from the first of them, and the run's
    process works back from the last (:meth:`whole_sheet`).
    """

    def __init__(self, lang: str, targets: list[Target]) -> None:
        self.lang = lang
        self.targets = targets
        self._shapes: list[tuple[list[Target], AsyncResult[list[Shape]]]] = []
        self._pool: Pool | None = None
        self._batches: list[list[tuple[Problem, Whole]]] = [[]]  # the last one is being filled
        self._done: dict[int, AsyncResult[list[Made]] | list[Made]] = {}  # by batch: sent, or made here
        self._sent = 0  # batches sent to the other process (the first ones)
        self._waiting: list[int] = []  # batches sent and not known to be done

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

    def add(self, face: Problem, whole: Whole) -> None:
        """Have a problem made whole from its ``face`` and its figures drawn, and give the sheet the targets that
        have arrived meanwhile."""
        from quizgen.problems.slots import KNOWN

        while self._shapes and self._shapes[0][1].ready():
            keys, result = self._shapes.pop(0)
            KNOWN.update(zip(keys, result.get()))
        self._batches[-1].append((face, whole))
        if len(self._batches[-1]) >= BATCH:
            self._batches.append([])
        self._send(len(self._batches) - 1)

    def _send(self, end: int) -> None:
        """Send the other process the next batches before ``end``, while fewer than :data:`IN_FLIGHT` are there."""
        assert self._pool is not None
        while self._waiting and self._done[self._waiting[0]].ready():  # type: ignore[union-attr]
            self._waiting.pop(0)
        while self._sent < end and len(self._waiting) < IN_FLIGHT:
            self._done[self._sent] = self._pool.apply_async(_draw, (self._batches[self._sent], self.lang))
            self._waiting.append(self._sent)
            self._sent += 1

    def _made(self) -> list[Made]:
        """Every problem given, made whole with its figures, in order: the batches not yet sent are shared, the
        other process going on from the first of them and this one working back from the last."""
        total = len(self._batches) if self._batches[-1] else len(self._batches) - 1
        end = total
        while True:
            self._send(end)
            if self._sent >= end:
                break
            end -= 1  # the last batch not sent: made here
            self._done[end] = _draw(self._batches[end], self.lang)
        made: list[Made] = []
        for i in range(total):
            done = self._done.pop(i)
            made += done if isinstance(done, list) else done.get()
        return made

    def whole_sheet(self, sheet: Sheet) -> Sheet:
        """``sheet`` (drawn as faces, each given to :meth:`add`) with its problems made whole, and their figures
        kept in :data:`DRAWN`."""
        import dataclasses

        from quizgen.problems.sheet import collection_paused

        with collection_paused():  # the problems arriving are kept, as the sheet's are while it is drawn
            made = self._made()
        for problem, plain, key in made:
            DRAWN[(problem, False, self.lang)] = plain
            DRAWN[(problem, True, self.lang)] = key
        wholes = iter(problem for problem, _plain, _key in made)
        sections = tuple((title, tuple(next(wholes) for _face in faces)) for title, faces in sheet.sections)
        assert next(wholes, None) is None, "a face was given to Ahead.add that is not on the sheet"
        return dataclasses.replace(sheet, sections=sections)


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


def whole_sheet(sheet: Sheet) -> Sheet:
    """``sheet`` with its problems made whole, and their figures kept for the templates, by the run's open
    :class:`Ahead`; ``sheet`` as it is when none is open (its problems were made whole as they were drawn)."""
    return _active[0].whole_sheet(sheet) if _active else sheet


def _shapes(targets: list[Target]) -> list[Shape]:
    """The slots' targets (in the other process)."""
    from quizgen.problems.slots import reference_target

    return [reference_target(*key) for key in targets]


def _draw(batch: list[tuple[Problem, Whole]], lang: str) -> list[Made]:
    """Each problem made whole, with its figure and its key's figure (in either process)."""
    from quizgen.render.figures_for import figure_for

    out = []
    for face, whole in batch:
        p = whole(face)
        out.append((p, figure_for(p, answer=False, lang=lang), figure_for(p, answer=True, lang=lang)))
    return out


def on_face(ahead: Ahead | None) -> dict[str, Any]:
    """``build_sheet``'s option that feeds ``ahead`` (none without one)."""
    return {} if ahead is None else {"on_face": ahead.add}
