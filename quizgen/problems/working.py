"""Worked steps of the multi-layer and inverse kinds: the step record with LaTeX derived from plain working."""

from __future__ import annotations

import re

from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.explain.steps import Step
from quizgen.i18n import _
from quizgen.problems.registry import REGISTRY


def kind_title(kind_id: str) -> str:
    return _(REGISTRY[kind_id].title)


def worked_step(
    title: str, formula: str, substituted: str, result: str, tex: str = "", sub_tex: str = "", quantity: str = ""
) -> Step:
    return Step(title, formula, substituted, result, tex or _text(formula), sub_tex or _text(substituted), quantity)


_SYMBOL = re.compile(r"\b([A-Za-z])_([A-Za-z]+)\b")
_TEX_SAFE = str.maketrans(
    {"{": "(", "}": ")", "\\": "/", "_": " ", "%": " percent", "&": "and", "#": "no.", "$": "", "^": "", "~": " "}
)


def _text(plain: str) -> str:
    """Plain working as LaTeX: words in ``\\text{}``, symbols such as ``H_out`` as subscripts (``H_{\\text{out}}``).

    Characters that are special in TeX become harmless ones.
    """
    if not plain:
        return ""
    pieces = []
    last = 0
    for m in _SYMBOL.finditer(plain):
        if m.start() > last:
            pieces.append(rf"\text{{{plain[last : m.start()].translate(_TEX_SAFE)}}}")
        pieces.append(rf"{m.group(1)}_{{\text{{{m.group(2)}}}}}")
        last = m.end()
    if last < len(plain):
        pieces.append(rf"\text{{{plain[last:].translate(_TEX_SAFE)}}}")
    return "".join(pieces)


def stack_spec(layers: list[Layer]) -> str:
    """A stack as a student reads it: only the first layer names its input (the rest is to be traced)."""
    lines = [spec.format_layer(layers[0])]
    lines += [re.sub(r" in=\S+", "", spec.format_layer(x), count=1) for x in layers[1:]]
    return "\n".join(lines)
