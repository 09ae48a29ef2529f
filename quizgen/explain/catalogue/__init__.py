"""The misconception catalogue: each named wrong rule, the layers it applies to, and what it says (DESIGN section 4).

One module per family of mistakes (sizes, weights and compute, pooling, memory, the modern layers), gathered
here into :data:`CATALOGUE`.  Every explanation is generated for the layer it explains: a grouped conv's
filter spans C_in/g channels, a 1-D kernel has K weights per channel, a transposed conv's MACs are counted
input-side, attention's heads split d, and so on.  The values each rule produces come from the flawed
calculator, :mod:`quizgen.explain.misconceptions`.
"""

from __future__ import annotations

from functools import lru_cache

from quizgen.arith import layers as L
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
    ceil_pool,
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
        sizes.CHANNELS,
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


def explain_causes(layer: Layer, combos: list[tuple[str, ...]] | tuple[tuple[str, ...], ...]) -> str:
    """What names a wrong value that several misconceptions (or combinations) give: the first, then the others.

    ``combos`` come most likely first (:func:`likely_first`); at most two are named, so that a key that says
    why each option is wrong still fits its pages.
    """
    first, *others = combos[:2]
    why = explain_combo(layer, first)
    for n, other in enumerate(others):
        template = _("{why}. Another mistake gives the same value: {other}") if n == 0 else _("{why}. Or else: {other}")
        why = template.format(why=why, other=explain_combo(layer, other))
    return why


def _likely_ids(layer: Layer) -> frozenset[str]:
    """The misconceptions about a convention this layer states: a student who misses it is the likely cause."""
    ids: set[str] = set()
    if ceil_pool(layer):
        ids.add("ignored-ceil-mode")
    if layer.groups > 1:
        ids.add("ignored-groups")
    if layer.dilation and any(d > 1 for d in layer.dilation):
        ids.add("ignored-dilation")
    if layer.family == L.CONVT:
        ids |= {"transposed-as-conv", "transposed-output-side"}
    if layer.padding == L.SAME:
        ids |= {"padding-once", "ignored-padding"}
    return frozenset(ids)


def likely(layer: Layer, combo: tuple[str, ...]) -> bool:
    """Whether ``combo`` holds a misconception about a convention ``layer`` states (ceil mode, groups,
    dilation, transposed, 'same'): where several give a value, that one is the likely cause."""
    return bool(_likely_ids(layer).intersection(combo))


def likely_first(layer: Layer, combos: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """``combos`` with the :func:`likely` ones first; otherwise in the order given (the catalogue's)."""
    return sorted(combos, key=lambda combo: not likely(layer, combo))


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
    "explain_causes",
    "explain_combo",
    "say",
    "likely",
    "likely_first",
]
