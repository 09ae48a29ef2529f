"""Receptive field of a stack: how many input pixels one output pixel sees (along one side).

r_0 = 1, j_0 = 1; for each layer i: r_i = r_{i-1} + (k_eff_i - 1)·j_{i-1}, j_i = j_{i-1}·s_i,
where k_eff = d·(k-1)+1 and j is the jump (the input distance between neighbouring outputs).
"""

from __future__ import annotations

from dataclasses import dataclass

from quizgen.arith import geometry
from quizgen.arith.layers import Layer


@dataclass(frozen=True)
class RFRow:
    """The receptive field ``r`` and jump ``j`` after one layer."""

    layer: Layer
    k_eff: int
    stride: int
    jump_before: int
    r: int
    jump: int


def receptive_field(layers: list[Layer]) -> list[RFRow]:
    """Rows of the receptive-field table along the first spatial dimension; layers without a kernel pass through."""
    rows = []
    r, j = 1, 1
    for layer in layers:
        if not layer.has_kernel:
            continue
        k_eff = geometry.effective_kernel(layer.kernel[0], (layer.dilation or (1,))[0])
        s = layer.stride[0]
        r_new, j_new = r + (k_eff - 1) * j, j * s
        rows.append(RFRow(layer, k_eff, s, j, r_new, j_new))
        r, j = r_new, j_new
    return rows


def ignoring_strides(layers: list[Layer]) -> int:
    """The wrong value 1 + Σ(k_eff - 1): strides ignored."""
    return 1 + sum(row.k_eff - 1 for row in receptive_field(layers))


def stride_too_early(layers: list[Layer]) -> int:
    """The wrong value where each layer's own stride already scales its kernel: 1 + Σ(k_eff - 1)·j_i."""
    return 1 + sum((row.k_eff - 1) * row.jump for row in receptive_field(layers))


def summed_kernels(layers: list[Layer]) -> int:
    """The wrong value Σ k_eff."""
    return sum(row.k_eff for row in receptive_field(layers))
