"""Which problem gets a figure, and on which side: one rule for sheets, keys, exports and the drill.

The question side (a student's sheet, a quiz's question text, an Anki card's front, the drill before
the answer is shown) never shows anything the problem asks.  Its figure is drawn with ``answer=False``
(the output size as "?"), and problems whose question *is* the drawing get none:

=====================================  ===========================  ==================================
kind (or a bank problem asking…)        question side                answer side (key, feedback)
=====================================  ===========================  ==================================
output-conv, output-pool,               the layer, output "?"        the layer, output drawn
output-dilated, output-transposed
macs-conv, pool-ops, memory             the layer, output "?"        the layer, output drawn
(bank: output, macs, flops, windows,    (the output size is a step
comparisons, additions, divisions,      of the answer: hidden)
output_bytes)
spot-error                              the layer, output "?"        the layer, output drawn
                                        (the flawed lines' right
                                        values are sizes and counts
                                        a "?" output never shows;
                                        the kernel drawn is stated
                                        in the text)
inverse-padding, inverse-stride,        none: the grid would show    the layer, with the setting found
inverse-kernel (bank: p, s, k)          the padding, stride or
                                        kernel asked
network-trace (a bank stack)            none: the chain of blocks    the stack as a chain of blocks
                                        shows every shape asked
receptive-field                         none: the regions are the    the receptive field on the input
                                        answer
params-conv, params-linear,             none: parameters do not      none
params-separable, macs-linear           depend on the sliding
(bank: params, weights,                 window a figure draws, and
params_bytes only)                      a big input drawn beside
                                        them invites using it
=====================================  ===========================  ==================================

On the question side no axis shows as many window positions as the output has cells along it
(:func:`quizgen.figures.model.hides_the_answer`): a layer whose output has one row or one column is drawn
as a block diagram, and the second position is drawn only where the output has three columns or more.  In the
terminal, a transposed convolution's question side has no grid: its stretched, padded input gives the
output size away (the SVG draws a block diagram instead).

A problem is taken duck-typed (``.kind``, ``.layer``, ``.parts`` with ``.quantity``, ``.spec``,
``.title``), since figures sit below problems in the house and may not import them.
"""

from __future__ import annotations

from typing import Any

#: Kinds whose layer is drawn on the question side (output "?") and on the answer side.
LAYER_KINDS = frozenset(
    {
        "output-conv",
        "output-pool",
        "output-dilated",
        "output-transposed",
        "macs-conv",
        "pool-ops",
        "memory",
        "spot-error",
    }
)
#: Kinds whose question is a layer setting: any figure of the layer draws it.
ASKS_A_SETTING = frozenset({"inverse-padding", "inverse-stride", "inverse-kernel"})
#: Kinds whose question is a stack's answers: their figure is the stack, drawn on the answer side only.
ASKS_A_STACK = frozenset({"network-trace", "receptive-field"})
#: What a bank problem asks that a picture of the sliding window helps with (the output size is drawn
#: as "?" on the question side, and these are the output size itself or counts that follow from it).
GEOMETRY_QUANTITIES = frozenset(
    {"output", "macs", "flops", "flops+bias", "windows", "comparisons", "additions", "divisions", "output_bytes"}
)
#: What a bank problem asks that is one of the layer's settings: the figure would draw it.
SETTING_QUANTITIES = frozenset({"p", "s", "k", "padding", "stride", "kernel"})


def sides(problem: Any) -> str | None:
    """Where ``problem`` has a figure: ``"both"`` sides, the answer side only (``"answer"``), or ``None``."""
    kind = problem.kind
    if kind in LAYER_KINDS:
        return "both"
    if kind in ASKS_A_SETTING or kind in ASKS_A_STACK:
        return "answer"
    if kind.startswith("bank:"):
        asked = {part.quantity for part in problem.parts}
        if _is_stack(problem) or asked & SETTING_QUANTITIES:
            return "answer"
        if asked & GEOMETRY_QUANTITIES:
            return "both"
    return None


def _is_graph(problem: Any) -> bool:
    """A trace of a graph network (names, ``from=``, joins): the chain figure would hide its branches."""
    return problem.kind == "network-trace" and getattr(problem, "asked_spec", "").startswith("input ")


def _is_stack(problem: Any) -> bool:
    return problem.kind in ASKS_A_STACK or "\n" in getattr(problem, "spec", "").strip()


def figure_for(problem: Any, *, answer: bool, lang: str | None = None, paper: bool = False) -> str | None:
    """The SVG figure of ``problem`` for the question side (``answer=False``) or the answer side, or ``None``.

    ``None`` where no figure helps (see the table in this module's docstring), where the question side
    would show what is asked, and for a stack the figures cannot draw.  ``lang`` (``en``/``zh``) sets the
    labels' language; ``None`` keeps the current one.  ``paper`` draws the compact figure of a printed
    sheet, with no title, legend or caption (the sheet's one legend explains the symbols).
    """
    where = sides(problem)
    if where is None or (where == "answer" and not answer) or _is_graph(problem):
        return None
    from quizgen.errors import QuizgenError
    from quizgen.i18n import in_language

    try:
        if _is_stack(problem):
            return in_language(lang, lambda: _stack_svg(problem, paper))
        layer = getattr(problem, "layer", None)
        if layer is None:
            return None
        from quizgen.figures import svg_for_layer

        return svg_for_layer(layer, answer=answer, lang=lang, paper=paper)
    except QuizgenError:  # a stack the figures cannot draw (a receptive field through a transposed conv)
        return None


def text_figure_for(problem: Any, *, answer: bool) -> str | None:
    """The compact Unicode grid of ``problem``'s layer for a terminal, by the same rule, or ``None``."""
    from quizgen.arith import layers as L
    from quizgen.figures import text_for_layer

    where = sides(problem)
    layer = getattr(problem, "layer", None)
    if where is None or layer is None or _is_stack(problem):
        return None
    if not answer and (where != "both" or layer.family == L.CONVT):
        return None
    return text_for_layer(layer, answer=answer)


def grid_for(problem: Any, *, answer: bool) -> Any:
    """The grid model (:class:`quizgen.figures.model.Grid`) that :func:`figure_for` draws for ``problem``, or
    ``None`` where it draws none or draws a block diagram or a stack: what the sheet's legend explains."""
    from quizgen.figures import model

    where = sides(problem)
    layer = getattr(problem, "layer", None)
    if where is None or (where == "answer" and not answer) or layer is None or _is_stack(problem):
        return None
    if layer.family in ("relu", "batchnorm", "flatten"):
        return None
    grid = model.grid(layer, answer=answer)
    if grid is None or not (answer or (not grid.transposed and model.hides_the_answer(grid))):
        return None
    return grid


def _stack_svg(problem: Any, paper: bool) -> str:
    """A trace's stack as a chain of blocks, or a receptive-field stack's field on its input."""
    from quizgen.arith.network import solve_stack
    from quizgen.figures import blocks
    from quizgen.figures.svg import PAPER, SCREEN
    from quizgen.figures.svg_blocks import blocks_svg
    from quizgen.figures.svg_field import receptive_svg

    look = PAPER if paper else SCREEN
    net = solve_stack(problem.spec, name="stack")
    if problem.kind == "receptive-field":
        return receptive_svg(blocks.receptive(problem.title, net.solutions), look=look)
    return blocks_svg(blocks.network_blocks(problem.title, net.solutions), look=look)
