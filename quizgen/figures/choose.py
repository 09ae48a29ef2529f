"""Which problem gets a figure, and on which side: one rule for sheets, keys, exports and the drill.

The question side (a student's sheet, a quiz's question text, an Anki card's front, the drill before
the answer is shown) never shows anything the problem asks.  Its figure is drawn with ``answer=False``
(the output size as "?"), and a problem gets none at all when a figure would show what it asks:

- the inverse kinds ask for a layer setting (padding, stride, kernel), which every figure draws;
- a network trace and a receptive field ask for a stack's shapes and field, which its figures draw;
- a part asking for any quantity not in :data:`HIDDEN` (a bank entry may ask for anything).

The answer side (a key, a quiz's general feedback, a card's back, the drill after the answer is
revealed) draws the answer: the layer with its output, a trace's stack as a chain of blocks, a
receptive-field stack with its field drawn on the input.

A problem is taken duck-typed (``.kind``, ``.layer``, ``.parts`` with ``.quantity``, ``.spec``), since
figures sit below problems in the house and may not import them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizgen.arith.layers import Layer

#: Kinds whose question is a layer setting: any figure of the layer draws it.
ASKS_A_SETTING = frozenset({"inverse-padding", "inverse-stride", "inverse-kernel"})
#: Kinds whose question is a stack's answers: their figure is the stack, drawn on the answer side only.
ASKS_A_STACK = frozenset({"network-trace", "receptive-field"})
#: Quantities a question-side figure keeps hidden: the output size is drawn as "?", and these are the
#: output size itself, numbers computed from it, counts the figure does not draw (parameters), and
#: which step of a flawed solution is wrong.
HIDDEN = frozenset(
    {
        "output",
        "params",
        "weights",
        "macs",
        "flops",
        "flops+bias",
        "windows",
        "comparisons",
        "additions",
        "divisions",
        "output_bytes",
        "params_bytes",
        "step",
    }
)


def question_side_allowed(problem: Any) -> bool:
    """Whether ``problem`` may show a figure (drawn with ``answer=False``) before it is answered."""
    if getattr(problem, "layer", None) is None:
        return False
    if problem.kind in ASKS_A_SETTING or problem.kind in ASKS_A_STACK:
        return False
    return all(part.quantity in HIDDEN for part in getattr(problem, "parts", ()))


def figure_for(problem: Any, *, answer: bool, lang: str | None = None) -> str | None:
    """The SVG figure of ``problem`` for the question side (``answer=False``) or the answer side, or ``None``.

    ``None`` where no figure helps (relu, batch-norm, flatten, linear-only problems without a layer)
    and, on the question side, wherever a figure would show what the problem asks (see the module).
    ``lang`` (``en``/``zh``) sets the labels' language; ``None`` keeps the current one.
    """
    from quizgen.figures import svg_for_layer

    if not answer:
        return svg_for_layer(problem.layer, answer=False, lang=lang) if question_side_allowed(problem) else None
    if problem.kind in ASKS_A_STACK:
        return _stack_svg(problem, lang)
    layer: Layer | None = getattr(problem, "layer", None)
    return svg_for_layer(layer, answer=True, lang=lang) if layer is not None else None


def text_figure_for(problem: Any, *, answer: bool) -> str | None:
    """The compact Unicode grid of ``problem``'s layer for a terminal, by the same rule, or ``None``.

    Only small single layers have one.  A transposed convolution's question side has none: its
    stretched, padded input gives the output size away (the SVG draws a block diagram instead).
    """
    from quizgen.arith import layers as L
    from quizgen.figures import text_for_layer

    layer = getattr(problem, "layer", None)
    if layer is None or problem.kind in ASKS_A_STACK:
        return None
    if not answer and (not question_side_allowed(problem) or layer.family == L.CONVT):
        return None
    return text_for_layer(layer, answer=answer)


def _stack_svg(problem: Any, lang: str | None) -> str | None:
    """A trace's stack as a chain of blocks, or a receptive-field stack's field on its input."""
    from quizgen.arith import network as networks
    from quizgen.errors import QuizgenError
    from quizgen.figures import blocks, svg
    from quizgen.i18n import language, set_language

    spec = getattr(problem, "spec", "")
    if not spec:
        return None
    previous = language()
    if lang is not None and lang != previous:
        set_language(lang)
    try:
        net = networks.solve_stack(spec)
        if problem.kind == "receptive-field":
            return svg.receptive_svg(blocks.receptive(net.name, net.solutions))
        return svg.blocks_svg(blocks.network_blocks(net.name, net.solutions))
    except QuizgenError:
        return None  # a stack the figures do not draw (a transposed conv in a receptive field)
    finally:
        if lang is not None and lang != previous:
            set_language(previous)
