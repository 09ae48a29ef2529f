"""Figures: pictures of a layer, a network or a receptive field, built from solved layers.

:mod:`quizgen.figures.model` and :mod:`quizgen.figures.blocks` say *what* to draw, independent of
the output format (:mod:`quizgen.figures.words` their words); the writers are
:mod:`quizgen.figures.svg_grid`, :mod:`quizgen.figures.svg_blocks` and :mod:`quizgen.figures.svg_field`
(on the common parts in :mod:`quizgen.figures.svg`), and :mod:`quizgen.figures.text` for a terminal.
Everything is imported lazily, so importing this package costs nothing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizgen.arith.layers import Layer

__all__ = ["svg_for_layer", "text_for_layer"]

#: Families for which no picture helps (the shape does not change in an interesting way).
_NO_FIGURE = ("relu", "batchnorm", "flatten")


def svg_for_layer(
    layer: Layer, *, answer: bool = True, lang: str | None = None, animate: bool = False, paper: bool = False
) -> str | None:
    """The SVG figure of one layer, or ``None`` where no figure helps (relu, batch-norm, flatten).

    Small conv, transposed conv and pooling layers are drawn as grids (Dumoulin and Visin's guide),
    others as a block diagram.  With ``answer=False`` the output size is not shown (a "?" instead),
    nor anything that gives it away (the cells no window reaches, a transposed conv's stretched
    input), for a student's sheet.  ``lang`` (``en``/``zh``) sets the labels' language for this
    call; ``None`` keeps the current one.
    """
    if layer.family in _NO_FIGURE:
        return None
    from quizgen.i18n import language

    return _svg_in(layer, answer, animate and answer, lang or language(), paper)


@lru_cache(maxsize=1024)
def _svg_in(layer: Layer, answer: bool, animate: bool, lang: str, paper: bool) -> str:
    """The figure in ``lang``, kept: a class of many sheets draws the same layers again and again."""
    from quizgen.i18n import in_language

    return in_language(lang, lambda: _svg(layer, answer=answer, animate=animate, paper=paper))


def _svg(layer: Layer, *, answer: bool, animate: bool, paper: bool) -> str:
    from quizgen.figures import model
    from quizgen.figures.svg import PAPER, SCREEN

    look = PAPER if paper else SCREEN
    grid = model.grid(layer, answer=answer, animate=animate)
    if grid is not None and (answer or (not grid.transposed and model.hides_the_answer(grid))):
        from quizgen.figures.svg_grid import grid_svg

        return grid_svg(grid, look=look, animate=animate)
    from quizgen.arith.solver import solve
    from quizgen.figures import blocks
    from quizgen.figures.svg_blocks import blocks_svg

    return blocks_svg(blocks.layer_blocks(solve(layer), answer=answer), look=look)


def text_for_layer(layer: Layer, *, answer: bool = True) -> str | None:
    """A compact Unicode grid of a small layer for the terminal (at most 80 columns), or ``None`` (also for a
    question side whose windows would show the answer: :func:`quizgen.figures.model.hides_the_answer`)."""
    from quizgen.figures import model, text

    grid = model.grid(layer, answer=answer)
    if grid is None or not (answer or model.hides_the_answer(grid)):
        return None
    return text.grid_text(grid)
