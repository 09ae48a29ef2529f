"""Misconceptions about pooling work: window counts, channels, comparisons and additions, adaptive windows."""

from __future__ import annotations

from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.explain.catalogue.core import (
    POOL_QUANTITIES,
    Misconception,
    uneven_adaptive,
    windowed,
)
from quizgen.i18n import N_


def _k2_text(layer: Layer) -> str:
    if layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX):
        return N_(
            "a comparison was counted for each value in a window; the largest of n values takes n - 1 comparisons"
        )
    return N_("an addition was counted for each value in a window; summing n values takes n - 1 additions")


POOLING: list[Misconception] = [
    Misconception(
        "pool-windows-from-input",
        N_("(W_in/S)² windows, kernel ignored"),
        N_(
            "the input size was divided by the stride; there is one window per output element, "
            "and the output size is {size_formula}"
        ),
        POOL_QUANTITIES,
        windowed,
    ),
    Misconception(
        "pool-stride-twice",
        N_("C·⌈W_out/S⌉·⌈H_out/S⌉"),
        N_(
            "the output size was divided by the stride again; the stride is already in the output size, "
            "so each channel has one window per output position"
        ),
        POOL_QUANTITIES,
        lambda lay: windowed(lay) and any(s > 1 for s in lay.stride),
    ),
    Misconception(
        "pool-forgot-channels",
        N_("one channel's windows"),
        N_("one channel only; pooling runs on each of the {c_in} channels separately"),
        POOL_QUANTITIES,
        lambda lay: lay.is_pool and lay.in_channels > 1,
    ),
    Misconception(
        "pool-k2-comparisons",
        N_("K² comparisons per window"),
        _k2_text,
        frozenset({"comparisons", "additions"}),
        lambda lay: lay.is_pool,
    ),
    Misconception(
        "adaptive-fixed-window",
        N_("adaptive windows as one fixed kernel: S = ⌊in/out⌋, K = in - (out - 1)·S"),
        N_(
            "every window was given one size (S = ⌊in/out⌋, K = in - (out - 1)·S); PyTorch's window i covers "
            "inputs floor(i·n/m) to ceil((i + 1)·n/m) - 1, so the windows here differ in size"
        ),
        frozenset({"comparisons", "additions"}),
        uneven_adaptive,
    ),
]
