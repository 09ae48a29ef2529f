"""Misconceptions about weights, biases and compute: channels, groups, kernel volume, MACs against FLOPs, bias adds."""

from __future__ import annotations

from math import prod

from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.explain.catalogue.core import (
    COMPUTE,
    WEIGHT_QUANTITIES,
    Misconception,
    conv_like,
    resizes,
    weighted,
    windowed,
)
from quizgen.i18n import N_


def _forgot_in_channels_text(layer: Layer) -> str:
    if layer.family == L.CONVT:
        return N_("the {c_in} input channels are missing; every input channel has its own {k_sym}·{c_out_part} weights")
    if layer.groups > 1:
        return N_(
            "the input channels are missing; with g={g} each filter spans C_in/g = {c_in_per_group} channels "
            "({k_sym}·(C_in/g) weights per filter)"
        )
    return N_("the {c_in} input channels are missing; each filter spans all of them ({k_sym}·C_in weights per filter)")


def _ignored_groups_text(layer: Layer) -> str:
    if layer.family == L.CONVT:
        return N_(
            "the groups were ignored; with g={g} each input channel feeds only C_out/g = {c_out_per_group} channels"
        )
    if layer.groups == layer.in_channels:
        return N_("the groups were ignored; with g={g} (depthwise) each filter sees only its own channel")
    return N_("the groups were ignored; with g={g} each filter sees only C_in/g = {c_in_per_group} channels")


def _bias_per_input_text(layer: Layer) -> str:
    if layer.family == L.LINEAR:
        return N_("one bias per input feature was counted ({c_in} in all); there is one per output feature")
    return N_("one bias per input channel was counted ({c_in} in all); there is one per output channel")


def _forgot_square_text(layer: Layer) -> str:
    if layer.is_pool:
        return N_("the window size was not multiplied out: a {k_full} window holds {kvol} values, not {k0}")
    return N_("the kernel size was not multiplied out: a {k_full} kernel holds {k_sym} = {kvol} weights, not {k0}")


PARAMS: list[Misconception] = [
    Misconception(
        "forgot-bias",
        N_("weights only"),
        N_("the weight count only; the {c_out} biases are missing"),
        frozenset({"params", "bias", "params_bytes"}),
        lambda lay: weighted(lay) and lay.bias,
    ),
    Misconception(
        "bias-per-input",
        N_("one bias per input channel"),
        _bias_per_input_text,
        frozenset({"params", "bias", "params_bytes"}),
        lambda lay: weighted(lay) and lay.bias and lay.in_channels != lay.out,
    ),
    Misconception(
        "added-bias",
        N_("biases counted for bias=false"),
        N_("biases were counted, but the layer has bias=false: it has no biases and no bias adds"),
        frozenset({"params", "bias", "params_bytes", "flops+bias"}),
        lambda lay: weighted(lay) and not lay.bias,
    ),
    Misconception(
        "forgot-in-channels",
        N_("K·K·N (+N)"),
        _forgot_in_channels_text,
        WEIGHT_QUANTITIES,
        lambda lay: (
            (lay.family == L.CONV and lay.in_channels // lay.groups > 1)
            or (lay.family == L.CONVT and lay.in_channels > 1)
        ),
    ),
    Misconception(
        "forgot-to-square",
        N_("K instead of K·K"),
        _forgot_square_text,
        WEIGHT_QUANTITIES | frozenset({"comparisons", "additions"}),
        lambda lay: (conv_like(lay) or windowed(lay)) and prod(lay.kernel) != lay.kernel[0],
    ),
    Misconception(
        "ignored-groups",
        N_("a grouped conv counted as a standard one"),
        _ignored_groups_text,
        WEIGHT_QUANTITIES,
        lambda lay: conv_like(lay) and lay.groups > 1,
    ),
]


def _counted_macs_text(layer: Layer) -> str:
    if layer.bias:
        return N_(
            "each multiply-accumulate was counted once; FLOPs count it as 2 (a multiply and an add), plus the bias adds"
        )
    return N_("each multiply-accumulate was counted once; FLOPs count it as 2 (a multiply and an add)")


COMPUTE_RULES: list[Misconception] = [
    Misconception(
        "input-size-for-macs",
        N_("multiplies by the input's spatial size"),
        N_(
            "the input size {in_spatial} was used; each output position costs one filter's MACs, "
            "so multiply by the output size {out_spatial}"
        ),
        COMPUTE,
        lambda lay: lay.family == L.CONV and resizes(lay),
    ),
    Misconception(
        "transposed-output-side",
        N_("transposed-conv MACs counted at the output positions"),
        N_(
            "the MACs were counted per output position ({out_spatial}); here they are counted input-side: "
            "each of the {in_spatial} input positions is scattered through the kernel"
        ),
        COMPUTE,
        lambda lay: lay.family == L.CONVT,
    ),
    Misconception(
        "macs-vs-flops",
        N_("a factor of 2 either way"),
        N_("off by a factor of 2; one MAC is a multiply plus an add, so FLOPs = 2 × MACs"),
        frozenset({"macs", "flops"}),
        weighted,
    ),
    Misconception(
        "counted-bias-adds",
        N_("bias adds counted where the convention leaves them out"),
        N_("the bias adds (one per output element) were counted, but this count leaves bias adds out"),
        frozenset({"macs", "flops"}),
        lambda lay: weighted(lay) and lay.bias,
    ),
    Misconception(
        "forgot-bias-adds",
        N_("2·MACs without the bias adds"),
        N_("that is plain FLOPs (2 × MACs); this count also adds one bias add per output element"),
        frozenset({"flops+bias"}),
        lambda lay: weighted(lay) and lay.bias,
    ),
    Misconception(
        "counted-macs",
        N_("MACs where FLOPs with bias adds are asked"),
        _counted_macs_text,
        frozenset({"flops+bias"}),
        weighted,
    ),
]
