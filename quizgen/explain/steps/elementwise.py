"""Worked steps and notes of the layers that keep each value's place: activations, dropout, identity, upsample.

None has weights except as said, and all count 0 MACs: torchvision's convention counts only conv, linear and
matmul.  Each note says what the layer computes, for the layer at hand.
"""

from __future__ import annotations

from math import prod

from quizgen.arith import layers as L
from quizgen.arith.solver import Solution
from quizgen.explain.steps.core import AXIS_NAMES, AXIS_WORDS, Step, num, times
from quizgen.i18n import N_, _

#: What each activation computes, element by element.
_FORMULAS = {
    L.RELU6: N_("ReLU6 clamps each value to [0, 6]: min(max(x, 0), 6)."),
    L.GELU: N_("GELU computes x·Φ(x) for each value, Φ being the standard normal distribution function."),
    L.SILU: N_("SiLU (swish) computes x·sigmoid(x) for each value."),
    L.HARDSWISH: N_("Hardswish computes x·ReLU6(x + 3)/6 for each value, a cheap stand-in for SiLU."),
    L.SIGMOID: N_("Sigmoid computes 1/(1 + e^(-x)) for each value, giving a value between 0 and 1."),
    L.HARDSIGMOID: N_("Hardsigmoid computes ReLU6(x + 3)/6 for each value, a cheap stand-in for sigmoid."),
    L.TANH: N_("Tanh computes (e^x - e^(-x))/(e^x + e^(-x)) for each value, giving a value between -1 and 1."),
}


def upsample_steps(sol: Solution) -> list[Step]:
    """One step per group of spatial axes with the same size and scale: out = in × scale."""
    layer = sol.layer
    names = AXIS_NAMES[len(layer.spatial)]
    groups: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(zip(layer.spatial, layer.scale)):
        groups.setdefault(key, []).append(i)
    steps = []
    for (n, s), dims in groups.items():
        title = _("Output {dims}").format(dims=_(" and ").join(_(AXIS_WORDS[names[i]]) for i in dims))
        steps.append(Step(title, _("size × scale"), f"{n} × {s}", str(n * s), r"W \times s", rf"{n} \times {s}"))
    return steps


def elementwise_notes(sol: Solution) -> list[str]:
    """What an activation, dropout, identity or upsample layer does, and that it counts 0 MACs."""
    layer = sol.layer
    family = layer.family
    zero = _("It has no parameters, and activations count 0 MACs (torchvision's convention).")
    if family in _FORMULAS:
        return [_(_FORMULAS[family]), zero]
    if family == L.CLIP:
        low, high = L.fmt_number(layer.low), L.fmt_number(layer.high)
        return [
            _("Clip clamps each value to [{low}, {high}]: min(max(x, {low}), {high}).").format(low=low, high=high),
            zero,
        ]
    if family == L.SOFTMAX:
        return [_softmax_note(layer), zero]
    if family == L.DROPOUT:
        return [
            _(
                "At inference dropout passes its input through unchanged. In training it zeroes values with "
                "probability p = {p} and scales the kept ones by 1/(1 - p). It has no parameters and counts 0 MACs."
            ).format(p=L.fmt_number(layer.rate))
        ]
    if family == L.IDENTITY:
        return [_("Identity passes its input through unchanged: no parameters, 0 MACs.")]
    if family == L.UPSAMPLE:
        return [_upsample_note(layer)]
    return []


def _softmax_note(layer: L.Layer) -> str:
    last = num(layer.in_channels)
    if len(layer.input_shape) == 1:
        return _("Softmax over the {n} values: e^(x_i)/Σ e^(x_j), so they sum to 1.").format(n=last)
    rows = times(layer.input_shape[:-1])
    return _(
        "Softmax over the last dimension: each of the {rows} rows of {n} values becomes e^(x_i)/Σ e^(x_j), "
        "so each row sums to 1."
    ).format(rows=rows, n=last)


def _upsample_note(layer: L.Layer) -> str:
    block = times(layer.scale)
    if layer.mode == L.NEAREST:
        return _(
            "Nearest upsampling copies each input value into a {block} block of {n} outputs: no parameters, 0 MACs."
        ).format(block=block, n=prod(layer.scale))
    return _(
        "Bilinear upsampling makes each output a weighted average of the 2 × 2 nearest input values. The "
        "interpolation is not a conv or a matmul, so it counts 0 MACs (torchvision's convention); it has no "
        "parameters."
    )
