"""Worked steps and notes: a :class:`~quizgen.arith.solver.Solution` explained, one module per layer family.

:func:`explain` gives the steps a student works through, each tagged with the quantity it computes;
:func:`notes` gives the flags and the sentences that say what a layer does and how the convention counts it
(torchvision's: MACs of conv, linear and matmul only).  Every sentence is generated for the layer at hand.
"""

from __future__ import annotations

from quizgen.arith import layers as L
from quizgen.arith.solver import Solution
from quizgen.explain.steps import elementwise, tokens
from quizgen.explain.steps.conv import (
    bias_adds_step,
    compute_steps,
    division_notes,
    param_steps,
    same_notes,
    size_steps,
)
from quizgen.explain.steps.core import (
    RELATED_STEPS,
    Step,
    abbrev,
    memory_steps,
    num,
    shape_step,
    steps_for,
    tag,
    to_dict_steps,
)
from quizgen.explain.steps.norm import batchnorm_steps, norm_notes, norm_steps
from quizgen.explain.steps.pool import adaptive_steps, fraction_notes, pool_steps
from quizgen.i18n import _


def explain(sol: Solution, layout: str = "hwc") -> list[Step]:
    """The worked steps for every quantity of ``sol``, in the order a student computes them.

    ``layout`` is the order shapes are written in: ``hwc`` (spatial sizes, then channels) or ``chw``
    (PyTorch's, channels first), as ``quizgen solve --layout`` prints them.
    """
    layer = sol.layer
    steps: list[Step] = []
    if layer.has_kernel:
        steps += tag(size_steps(sol), "output")
    elif layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        steps += tag(adaptive_steps(sol), "output")
    elif layer.family == L.UPSAMPLE:
        steps += tag(elementwise.upsample_steps(sol), "output")
    elif layer.family in (L.PATCHEMBED, L.CLSTOKEN):
        steps += tag(tokens.token_count_steps(sol), "output")
    steps += tag([shape_step(sol, layout)], "output")
    if layer.family in (L.CONV, L.CONVT, L.LINEAR):
        steps += tag(param_steps(sol), "weights", "bias", "params")
        steps += tag(compute_steps(sol), "macs", "flops")
    elif layer.family == L.BATCHNORM:
        steps += tag(batchnorm_steps(sol), "trainable", "non_trainable", "macs")
    elif layer.family in (L.LAYERNORM, L.LAYERSCALE):
        steps += tag(norm_steps(sol), "params", "macs")
    elif layer.family in L.TOKEN_FAMILIES or layer.family == L.PATCHEMBED:
        steps += tokens.token_steps(sol)
    elif sol.pool is not None:
        is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
        steps += tag(pool_steps(sol), "windows", "comparisons" if is_max else "additions", "divisions")
    steps += tag(memory_steps(sol), "output_bytes", "params_bytes")
    return steps


def notes(sol: Solution) -> list[str]:
    """Flags: inexact divisions, floor vs ceil, asymmetric ``same``, fractional pool counts, framework rules;
    and for the layers of modern networks, what the layer computes and why the convention counts it so."""
    layer = sol.layer
    out: list[str] = []
    if layer.has_kernel and layer.family != L.CONVT:
        out += division_notes(sol)
    if layer.padding == L.SAME:
        out += same_notes(sol)
    if layer.family in (L.MAXPOOL, L.AVGPOOL):
        out += fraction_notes(sol)
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX) and sol.pool and sol.pool.window_size is None:
        out.append(
            _(
                "Adaptive windows differ in size here ({sizes}), because an input size is not a multiple of the "
                "output size; the counts use the real sizes."
            ).format(sizes="; ".join(abbrev(s) for s in sol.pool.window_sizes))
        )
    if layer.family == L.ADAPTIVE_AVG and all(o == 1 for o in layer.output_size):
        out.append(
            _(
                "This is a global average pool: each of the {c} channels' {values} values is averaged into one. "
                "Pooling counts 0 MACs (torchvision's convention)."
            ).format(c=num(layer.in_channels), values=" × ".join(map(str, layer.spatial)))
        )
    if layer.family == L.BATCHNORM:
        out.append(
            _(
                "Batchnorm is counted as 0 MACs: at inference it folds into the preceding conv. Unfolded it costs "
                "2 FLOPs per element: {n}."
            ).format(n=num(sol.elementwise_ops))
        )
    if layer.family == L.RELU:
        out.append(
            _("ReLU does one comparison per element ({n}); this is not counted as MACs.").format(
                n=num(sol.elementwise_ops)
            )
        )
    if layer.family == L.AVGPOOL and isinstance(layer.padding, tuple) and any(layer.padding):
        out.append(_("PyTorch's avg-pool divides by the whole window, padding included (count_include_pad=True)."))
    out += elementwise.elementwise_notes(sol) + norm_notes(sol) + tokens.token_notes(sol)
    return out


__all__ = [
    "RELATED_STEPS",
    "Step",
    "bias_adds_step",
    "explain",
    "notes",
    "num",
    "steps_for",
    "to_dict_steps",
]
