"""The flawed calculator for the layers of modern networks: their quantities under the misconception flags.

The right values come from the solver; each flag of :mod:`quizgen.explain.catalogue.modern` changes one term,
as a student who holds it would (attention's parameters times h, QKᵀ and AV left out or counted for one head,
the class token or one side of the patch grid forgotten, the MLP's second linear forgotten, running
statistics counted for layernorm, element-wise work counted as MACs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from math import prod

from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.arith.solver import Solution, solve

#: The families this calculator answers for (ReLU among the activations).
FAMILIES = frozenset({*L.SHAPE_KEEPING, L.UPSAMPLE, L.PATCHEMBED, *L.TOKEN_FAMILIES})
COMPUTE = ("macs", "flops", "flops+bias")

ToBytes = Callable[[Iterable[int], frozenset[str]], list]


def quantity(layer: Layer, name: str, flags: frozenset[str], to_bytes: ToBytes) -> list:
    """``name`` (output, params, MACs… and their bytes) for ``layer`` computed under ``flags``."""
    sol = solve(layer)
    if name in ("output", "output_bytes"):
        shape = _output(layer, sol, flags)
        return [shape] if name == "output" else list(to_bytes([prod(shape)], flags))
    if name in ("weights", "bias", "params", "params_bytes", "trainable"):
        weights, bias = _params(layer, sol, flags)
        if name == "params_bytes":
            return list(to_bytes([weights + bias], flags))
        return [{"weights": weights, "bias": bias, "params": weights + bias, "trainable": weights + bias}[name]]
    if name in COMPUTE:
        macs, bias_adds = _macs(layer, sol, flags)
        return [{"macs": macs, "flops": 2 * macs, "flops+bias": 2 * macs + bias_adds}[name]]
    return [0]


def _output(layer: Layer, sol: Solution, flags: frozenset[str]) -> tuple[int, ...]:
    if layer.family == L.CLSTOKEN and "cls-token-forgotten" in flags:
        return layer.input_shape
    if layer.family == L.PATCHEMBED and "patches-one-side" in flags:
        return (layer.spatial[0] // layer.kernel[0], layer.out or 0)
    return sol.output_shape


def _params(layer: Layer, sol: Solution, flags: frozenset[str]) -> tuple[int, int]:
    weights, bias = sol.params.weights, sol.params.bias
    if layer.family == L.MHSA and "heads-multiply-params" in flags:
        return weights * layer.heads, bias * layer.heads
    if layer.family == L.MLP and "mlp-one-linear" in flags:
        return layer.in_channels * layer.hidden, layer.hidden if layer.bias else 0
    if layer.family == L.LAYERNORM and "layernorm-running-stats" in flags:
        return 2 * weights, 2 * bias
    return weights, bias


def _macs(layer: Layer, sol: Solution, flags: frozenset[str]) -> tuple[int, int]:
    """(MACs, bias adds) under ``flags``."""
    if "counted-elementwise" in flags:
        return prod(layer.input_shape), 0
    if layer.family == L.MHSA:
        (n, d), h = layer.input_shape, layer.heads
        scores = 2 * n * n * d
        if "n-squared-dropped" in flags:
            scores = 0
        elif "one-head-scores" in flags:
            scores //= h
        return 4 * n * d * d + scores, sol.bias_adds
    if layer.family == L.PATCHEMBED and "patches-one-side" in flags:
        tokens = layer.spatial[0] // layer.kernel[0]
        return sol.params.weights * tokens, sol.params.bias * tokens
    return sol.macs, sol.bias_adds
