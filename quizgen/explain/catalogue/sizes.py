"""Misconceptions about output sizes: the conv formula's precedence, floor, padding, stride, axes, dilation, transposed convs."""

from __future__ import annotations

from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.explain.catalogue.core import (
    COMPUTE,
    SIZE_QUANTITIES,
    Misconception,
    asymmetric_axes,
    ceil_pool,
    inexact,
    resizes,
    sized,
)
from quizgen.i18n import N_


def _size_rule(layer: Layer) -> str:
    if layer.family == L.CONVT:
        return N_("a transposed conv's size is (W - 1)·S - 2P + D·(K - 1) + OP + 1")
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return N_("an adaptive pool's output size is its size={size}")
    return N_("the output size is {size_formula}")


def _no_floor_text(layer: Layer) -> str:
    if ceil_pool(layer):
        return N_(
            "the fraction was kept; ceil_mode=True rounds it up (dropping a window that would start in the padding)"
        )
    return N_("the fraction was kept; a window that does not fit is not counted, so round down")


def _precedence_text(layer: Layer) -> str:
    if not any(before or after for before, after in L.resolved_padding(layer)):
        return N_(
            "W - K + 2P/S + 1 divides only 2P by the stride, and with no padding that leaves W - K + 1: the stride "
            "was never applied; the formula needs parentheses: {size_formula}"
        )
    return N_("only 2P was divided by the stride (W - K + 2P/S + 1); the formula needs parentheses: {size_formula}")


def _padding_once_text(layer: Layer) -> str:
    if layer.padding == L.SAME:
        return N_("the padding was added on one side only; 'same' pads both sides ({p_before} before, {p_after} after)")
    return N_("the padding was added once; p={p} pads both sides, so add 2P")


def _input_for_output_text(layer: Layer) -> str:
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return N_("the input size {in_spatial} was kept as the output size; an adaptive pool's output is size={size}")
    if layer.family == L.CONVT:
        return N_(
            "the input size {in_spatial} was kept as the output size; a transposed conv's size is "
            "(W - 1)·S - 2P + D·(K - 1) + OP + 1"
        )
    return N_("the input size {in_spatial} was kept as the output size; the output size is {size_formula}")


def _swapped_text(layer: Layer) -> str:
    if len(layer.spatial) == 3:
        return N_(
            "the axes were swapped: k={k}, s={s} and p={p} list their sizes in the input's order "
            "(depth, height, width), first for the depth"
        )
    return N_(
        "height and width were swapped: k={k}, s={s} and p={p} list their sizes in the input's order "
        "(height, width), first for the height"
    )


SIZES: list[Misconception] = [
    Misconception(
        "precedence",
        N_("W - K + 2P/S + 1"),
        _precedence_text,
        SIZE_QUANTITIES,
        sized,
    ),
    Misconception(
        "no-floor",
        N_("(W - K + 2P)/S + 1 unrounded"),
        _no_floor_text,
        SIZE_QUANTITIES,
        sized,
    ),
    Misconception(
        "used-ceil",
        N_("ceil((W - K + 2P)/S) + 1 where the layer rounds down"),
        N_("the division was rounded up; a window that does not fit is not counted, so round down (floor)"),
        SIZE_QUANTITIES,
        lambda lay: inexact(lay) and not lay.ceil_mode,
    ),
    Misconception(
        "padding-once",
        N_("W - K + P"),
        _padding_once_text,
        SIZE_QUANTITIES,
        sized,
    ),
    Misconception(
        "forgot-plus-one",
        N_("floor((W - K + 2P)/S) without the + 1"),
        N_(
            "the + 1 is missing; the division counts the steps between windows, and there is one more window than steps"
        ),
        SIZE_QUANTITIES,
        sized,
    ),
    Misconception(
        "ignored-padding",
        N_("floor((W - K)/S) + 1, padding left out"),
        N_("the padding was left out; p={p} pads both ends of every axis"),
        SIZE_QUANTITIES,
        lambda lay: sized(lay) and isinstance(lay.padding, tuple) and any(lay.padding),
    ),
    Misconception(
        "stride-ignored",
        N_("W - K + 2P + 1, stride left out"),
        N_(
            "the stride was left out; with s={s} a window starts only every S positions, so divide by S: {size_formula}"
        ),
        SIZE_QUANTITIES,
        lambda lay: sized(lay) and any(s > 1 for s in lay.stride),
    ),
    Misconception(
        "ignored-ceil-mode",
        N_("floor where ceil_mode rounds up"),
        N_("floor was used, but ceil_mode=True rounds up (dropping only a window that would start in the padding)"),
        SIZE_QUANTITIES,
        ceil_pool,
    ),
    Misconception(
        "swapped-hw",
        N_("the per-axis settings applied to the wrong axes"),
        _swapped_text,
        SIZE_QUANTITIES,
        asymmetric_axes,
    ),
    Misconception(
        "output-equals-input",
        N_("the input size used as the output size"),
        _input_for_output_text,
        SIZE_QUANTITIES - {"macs", "flops", "flops+bias"},
        resizes,
    ),
]


#: Dilation and transposed convs change the size formula itself.
DILATION = Misconception(
    "ignored-dilation",
    N_("K where the effective kernel is d·(K-1)+1"),
    N_("K = {k} was used, but dilation d={d} stretches the kernel to d·(K-1)+1 = {k_eff}"),
    SIZE_QUANTITIES,
    lambda lay: lay.has_kernel and any(d > 1 for d in lay.dilation),
)
TRANSPOSED = Misconception(
    "transposed-as-conv",
    N_("the conv output formula for a transposed conv"),
    N_("the conv formula was used; a transposed conv grows the size: (W - 1)·S - 2P + D·(K - 1) + OP + 1"),
    frozenset({"output", "output_bytes"}) | COMPUTE,
    lambda lay: lay.family == L.CONVT,
)


def _channels_text(layer: Layer) -> str:
    if layer.family == L.CONVT:
        return N_(
            "the channels were taken from the input ({c_in}); a transposed conv's output has out={c_out} channels, "
            "one per filter"
        )
    return N_(
        "the channels were taken from the input ({c_in}); a conv's output has out={c_out} channels, one per filter"
    )


#: The output's channels copied from the input's, where the layer changes them.
CHANNELS = Misconception(
    "channels-from-input",
    N_("the input's channels kept in the output shape"),
    _channels_text,
    frozenset({"output", "output_bytes"}),
    lambda lay: lay.family in (L.CONV, L.CONVT) and lay.out is not None and lay.out != lay.in_channels,
)
