"""Which figure a problem gets on a student's sheet and on the key: one teacher's rule, in one place.

A figure on a student's sheet must never show anything the problem asks.  It is always drawn with
``answer=False`` (the output is "?"), and problems whose question *is* the drawing get none:

=====================================  ===========================  ==================================
kind (or a bank problem asking…)        student sheet                key
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
inverse-kernel                          the padding, stride or
                                        kernel asked
network-trace                           none: the chain of blocks    the stack as a chain of blocks
                                        shows every shape asked
receptive-field                         none: the regions are the    the receptive field on the input
                                        answer
params-conv, params-linear,             none: parameters do not      none
params-separable, macs-linear           depend on the sliding
(bank: params, weights,                 window a figure draws, and
params_bytes only)                      a big input drawn beside
                                        them invites using it
=====================================  ===========================  ==================================

A small layer whose grid would have a single output column is drawn as a block diagram on the
student's sheet: a grid's second footprint position, or its absence, would tell the output's width.
The student's figure leaves out the caption under the drawing (the problem's text says it; the
``<desc>`` still carries it for screen readers), so that it fits beside the problem on paper.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from quizgen.errors import QuizgenError
from quizgen.problems.problem import Problem

if TYPE_CHECKING:
    from quizgen.arith.layers import Layer

#: Kinds whose layer is drawn on the student's sheet (output "?") and on the key.
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
#: Kinds whose figure would show what is asked: on the key only.
KEY_ONLY_KINDS = frozenset({"inverse-padding", "inverse-stride", "inverse-kernel", "network-trace", "receptive-field"})
#: What a bank problem asks that a picture of the sliding window helps with.
GEOMETRY_QUANTITIES = frozenset(
    {"output", "macs", "flops", "flops+bias", "windows", "comparisons", "additions", "divisions", "output_bytes"}
)
#: What a bank problem asks that is one of the layer's settings: the figure would draw it.
SETTING_QUANTITIES = frozenset({"p", "s", "k", "padding", "stride", "kernel"})


def figure_for(problem: Problem, *, answer: bool, lang: str | None = None) -> str | None:
    """The SVG for ``problem`` on the key (``answer=True``) or on a student's sheet (``answer=False``).

    ``None`` where no figure helps, or where a student's figure would give away what is asked (see the
    table in this module's docstring).  ``lang`` sets the labels' language.
    """
    where = _decide(problem)
    if where is None or (where == "key" and not answer):
        return None
    try:
        if problem.kind == "network-trace" or (problem.kind.startswith("bank:") and "\n" in problem.spec.strip()):
            return _network(problem, lang) if answer else None
        if problem.kind == "receptive-field":
            return _receptive(problem, lang)
        return _layer(problem, answer=answer, lang=lang)
    except QuizgenError:  # a stack the figures cannot draw (a receptive field through a transposed conv)
        return None


def _decide(problem: Problem) -> str | None:
    """``"both"`` (student sheet and key), ``"key"`` (the key only) or ``None``."""
    if problem.kind in LAYER_KINDS:
        return "both"
    if problem.kind in KEY_ONLY_KINDS:
        return "key"
    if problem.kind.startswith("bank:"):
        asked = {part.quantity for part in problem.parts}
        if "\n" in problem.spec.strip():  # a stack: its chain shows every shape
            return "key"
        if asked & SETTING_QUANTITIES:
            return "key"
        if asked & GEOMETRY_QUANTITIES:
            return "both"
    return None


def _layer(problem: Problem, *, answer: bool, lang: str | None) -> str | None:
    from quizgen.figures import svg_for_layer

    layer = problem.layer
    if layer is None:
        return None
    if not answer:
        from quizgen.figures import model

        grid = model.grid(layer, answer=False)
        if grid is not None and grid.cols.out == 1:
            return _with_lang(lang, lambda: _blocks(layer))
    drawn = svg_for_layer(layer, answer=answer, lang=lang)
    if drawn is None:
        return None
    return drawn if answer else without_caption(drawn)


def _blocks(layer: Layer) -> str:
    from quizgen.arith.solver import solve
    from quizgen.figures import blocks, svg

    return without_caption(svg.blocks_svg(blocks.layer_blocks(solve(layer), answer=False)))


def _network(problem: Problem, lang: str | None) -> str:
    from quizgen.arith.network import solve_stack
    from quizgen.figures import blocks, svg

    net = solve_stack(problem.spec, name="stack")
    return _with_lang(lang, lambda: svg.blocks_svg(blocks.network_blocks(problem.title, net.solutions)))


def _receptive(problem: Problem, lang: str | None) -> str:
    from quizgen.arith.network import solve_stack
    from quizgen.figures import blocks, svg

    net = solve_stack(problem.spec, name="stack")
    return _with_lang(lang, lambda: svg.receptive_svg(blocks.receptive(problem.title, net.solutions)))


def _with_lang(lang: str | None, make: Callable[[], str]) -> str:
    from quizgen.i18n import language, set_language

    previous = language()
    if lang is not None and lang != previous:
        set_language(lang)
    try:
        return make()
    finally:
        if lang is not None and lang != previous:
            set_language(previous)


_CAP = re.compile(r'\n *<text x="[^"]*" y="([0-9.]+)" class="cap">[^<]*</text>')
_SIZE = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"( width="[0-9.]+")? height="[0-9.]+"')


def without_caption(svg: str) -> str:
    """The figure without the caption lines under the drawing (the ``<desc>`` keeps them), cropped to fit."""
    tops = [float(m.group(1)) for m in _CAP.finditer(svg)]
    if not tops:
        return svg
    height = min(tops) - 6  # the caption's first baseline sits 16 px below the drawing; keep a margin
    height_text = f"{height:.2f}".rstrip("0").rstrip(".")

    def crop(m: re.Match[str]) -> str:
        return f'viewBox="0 0 {m.group(1)} {height_text}"{m.group(3) or ""} height="{height_text}"'

    return _SIZE.sub(crop, _CAP.sub("", svg), count=1)
