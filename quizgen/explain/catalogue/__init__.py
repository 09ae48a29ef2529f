"""The misconception catalogue: each named wrong rule, the layers it applies to, and what it says (DESIGN section 4).

One module per family of mistakes (sizes, weights and compute, pooling, memory, the modern layers), gathered
here into :data:`CATALOGUE`.  Every explanation is generated for the layer it explains: a grouped conv's
filter spans C_in/g channels, a 1-D kernel has K weights per channel, a transposed conv's MACs are counted
input-side, attention's heads split d, and so on.  The values each rule produces come from the flawed
calculator, :mod:`quizgen.explain.misconceptions`.
"""

from __future__ import annotations

from functools import lru_cache

from quizgen.arith.layers import Layer
from quizgen.explain.catalogue import blocks, memory, modern, pooling, sizes, weights
from quizgen.explain.catalogue.core import (
    COMPUTE,
    POOL_QUANTITIES,
    QUANTITIES,
    Explanation,
    Misconception,
    Scalar,
    Shape,
    context,
)
from quizgen.i18n import _, a_an

#: Every misconception by id.  The order is the tie-break when distractors are chosen, so the entries that
#: existed before the modern layers keep their places, and new ones come last.
CATALOGUE: dict[str, Misconception] = {
    m.id: m
    for m in [
        *sizes.SIZES,
        *weights.PARAMS,
        sizes.DILATION,
        *weights.COMPUTE_RULES,
        *pooling.POOLING,
        sizes.TRANSPOSED,
        *memory.MEMORY,
        *modern.MODERN,
        *blocks.BLOCKS,
    ]
}


def explain_combo(layer: Layer, ids: tuple[str, ...] | list[str]) -> str:
    """One sentence for a misconception or a combination: "the 96 biases are missing (one per output channel)"."""
    return _("; and ").join(CATALOGUE[i].explain(layer) for i in ids)


def say(key: str, **values: object) -> str:
    """A block-level misconception's explanation with the block's numbers: ``key`` is a catalogue id, or a key
    of :data:`~quizgen.explain.catalogue.blocks.BLOCK_TEXT` (a one-layer mistake worded for a whole block)."""
    template = blocks.BLOCK_TEXT.get(key) or CATALOGUE[key].explanation
    assert isinstance(template, str)
    return a_an(_(template).format(**values))


@lru_cache(maxsize=8192)
def applicable(layer: Layer, quantity: str) -> tuple[Misconception, ...]:
    """Misconceptions that can change ``quantity`` for ``layer``."""
    return tuple(m for m in CATALOGUE.values() if quantity in m.quantities and m.applies(layer))


__all__ = [
    "CATALOGUE",
    "COMPUTE",
    "POOL_QUANTITIES",
    "QUANTITIES",
    "Explanation",
    "Misconception",
    "Scalar",
    "Shape",
    "applicable",
    "context",
    "explain_combo",
    "say",
]
