"""Worked steps and notes of normalisation: batchnorm, layernorm and layerscale (0 MACs by the convention)."""

from __future__ import annotations

from quizgen.arith import layers as L
from quizgen.arith.solver import Solution
from quizgen.explain.steps.core import Step, num
from quizgen.i18n import _


def batchnorm_steps(sol: Solution) -> list[Step]:
    c = sol.layer.in_channels
    p = sol.params
    return [
        Step(
            _("Trainable parameters"),
            _("2C (γ and β)"),
            f"2 × {c}",
            num(p.trainable),
            r"2C\ (\gamma, \beta)",
            rf"2 \times {c}",
        ),
        Step(
            _("Non-trainable parameters"),
            _("2C (running mean and variance)"),
            f"2 × {c}",
            num(p.non_trainable),
            r"2C",
            rf"2 \times {c}",
        ),
        Step(_("MACs"), _("0: at inference batchnorm folds into the preceding conv"), "0", "0", "0", "0"),
    ]


def norm_steps(sol: Solution) -> list[Step]:
    """LayerNorm: 2C parameters (γ, β over the last dimension); LayerScale: C (one γ per channel).  0 MACs."""
    layer = sol.layer
    c = layer.in_channels
    if layer.family == L.LAYERNORM:
        params = Step(
            _("Parameters"),
            _("2C (γ and β, one each per value of the last dimension)"),
            f"2 × {c}",
            num(sol.params.total),
            r"2C\ (\gamma, \beta)",
            rf"2 \times {c}",
        )
        why = _("0: normalisation is not counted (torchvision's convention)")
    else:
        params = Step(_("Parameters"), _("C (one γ per channel)"), str(c), num(sol.params.total), r"C", str(c))
        why = _("0: a per-channel scale is an element-wise multiply, not counted (torchvision's convention)")
    return [params, Step(_("MACs"), why, "0", "0", "0", "0")]


def norm_notes(sol: Solution) -> list[str]:
    """What layernorm and layerscale compute, said for this input."""
    layer = sol.layer
    c = num(layer.in_channels)
    rows = layer.input_shape[:-1]
    if layer.family == L.LAYERNORM:
        if rows:
            where = _("at each of the {rows} positions, the {c} values").format(rows=" × ".join(map(str, rows)), c=c)
        else:
            where = _("the {c} values").format(c=c)
        return [
            _(
                "LayerNorm normalises over the last dimension: {where} are normalised by their own mean and "
                "variance, then scaled by γ and shifted by β. The statistics are computed at run time, so there "
                "are no running statistics: all {n} parameters are trainable."
            ).format(where=where, n=num(sol.params.total))
        ]
    if layer.family == L.LAYERSCALE:
        return [
            _(
                "LayerScale (ConvNeXt's per-channel γ) multiplies each of the {c} channels by its own learned "
                "factor: {c} parameters, and element-wise multiplies count 0 MACs."
            ).format(c=c)
        ]
    return []
