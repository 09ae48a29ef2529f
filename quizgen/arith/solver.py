"""The solver: a layer's output shape, parameters, compute, pooling work and memory.

Numbers only; :mod:`quizgen.explain.steps` explains them.  The counting conventions
(DESIGN section 3) are written once, in the docstrings below, where each
number is computed.
"""

from __future__ import annotations

from math import prod
from typing import NamedTuple

from quizgen.arith import geometry
from quizgen.arith import layers as L
from quizgen.arith.layers import Layer

FP32_BYTES = 4


class Params(NamedTuple):
    """Parameter counts.  ``trainable`` is what PyTorch's ``parameters()`` holds."""

    weights: int
    bias: int
    trainable: int
    non_trainable: int
    total: int


class PoolOps(NamedTuple):
    """The work of a pooling layer.

    ``windows`` = C·prod(out spatial).  Max-pool: ``comparisons`` =
    Σ(window elements - 1).  Avg-pool: ``additions`` = Σ(window elements - 1)
    and ``divisions`` = windows.  For adaptive pooling the sums run over the
    real, possibly uneven, window sizes (``window_sizes`` per dimension, adaptive pooling only).
    """

    windows: int
    window_size: tuple[int, ...] | None
    window_sizes: tuple[tuple[int, ...], ...]
    elements_read: int
    comparisons: int
    additions: int
    divisions: int


class Solution(NamedTuple):
    """Everything quizgen computes about one layer (shapes spatial-first, channels last)."""

    layer: Layer
    output_shape: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    params: Params
    macs: int
    bias_adds: int
    elementwise_ops: int
    pool: PoolOps | None

    @property
    def flops(self) -> int:
        """FLOPs = 2·MACs: one multiply and one add per multiply-accumulate."""
        return 2 * self.macs

    @property
    def flops_with_bias(self) -> int:
        """FLOPs plus one add per output element for the bias (``--count flops+bias``)."""
        return 2 * self.macs + self.bias_adds

    @property
    def output_elements(self) -> int:
        return prod(self.output_shape)

    @property
    def output_bytes(self) -> int:
        """Activation memory of the output in fp32, batch 1."""
        return FP32_BYTES * self.output_elements

    @property
    def params_bytes(self) -> int:
        """Parameter memory in fp32, counting non-trainable buffers (batchnorm's running stats)."""
        return FP32_BYTES * self.params.total

    def compute(self, count: str = "macs") -> int:
        """The compute figure under a convention: ``macs``, ``flops`` or ``flops+bias``."""
        return {"macs": self.macs, "flops": self.flops, "flops+bias": self.flops_with_bias}[count]


def solve(layer: Layer) -> Solution:
    """Solve a validated layer."""
    family = layer.family
    if family in (L.CONV, L.CONVT):
        return _conv(layer)
    if layer.is_pool:
        return _pool(layer)
    if family == L.LINEAR:
        return _linear(layer)
    if family in (L.PATCHEMBED, L.MHSA, L.MLP, L.CLSTOKEN, L.POSEMBED, L.SELECT):
        return _token(layer)
    if family in (L.LAYERNORM, L.LAYERSCALE):
        return _norm(layer)
    if family == L.UPSAMPLE:
        shape = (*(n * s for n, s in zip(layer.spatial, layer.scale)), layer.in_channels)
        return Solution(layer, shape, (), Params(0, 0, 0, 0, 0), 0, 0, 0, None)
    if family == L.BATCHNORM:
        c = layer.in_channels
        params = Params(weights=c, bias=c, trainable=2 * c, non_trainable=2 * c, total=4 * c)
        return Solution(layer, layer.input_shape, (), params, 0, 0, 2 * prod(layer.input_shape), None)
    shape = (prod(layer.input_shape),) if family == L.FLATTEN else layer.input_shape
    ops = prod(layer.input_shape) if family in L.ACTIVATIONS else 0
    return Solution(layer, shape, (), Params(0, 0, 0, 0, 0), 0, 0, ops, None)


def output_spatial(layer: Layer) -> tuple[int, ...]:
    """Output spatial sizes of a conv, transposed conv or pooling layer."""
    pads = L.resolved_padding(layer) if layer.has_kernel else ()
    dilation = layer.dilation or (1,) * layer.ndim
    if layer.family == L.CONVT:
        return tuple(
            geometry.transposed_out(n, k, s, pad[0], op, d)
            for n, k, s, pad, op, d in zip(
                layer.spatial, layer.kernel, layer.stride, pads, layer.output_padding, dilation
            )
        )
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return layer.output_size
    return tuple(
        geometry.pool_out(n, k, s, pad, d, layer.ceil_mode)
        for n, k, s, pad, d in zip(layer.spatial, layer.kernel, layer.stride, pads, dilation)
    )


def _conv(layer: Layer) -> Solution:
    """Conv: weights = prod(k)·(C_in/g)·C_out, MACs = prod(k)·(C_in/g)·C_out·prod(out spatial).

    Transposed conv: weights = prod(k)·C_in·(C_out/g), MACs = prod(k)·C_in·(C_out/g)·prod(in spatial),
    since every input element is scattered through the kernel.  Bias adds are not MACs.
    """
    assert layer.out is not None
    spatial = output_spatial(layer)
    c_in, c_out, g = layer.in_channels, layer.out, layer.groups
    if layer.family == L.CONV:
        weights = prod(layer.kernel) * (c_in // g) * c_out
        macs = weights * prod(spatial)
    else:
        weights = prod(layer.kernel) * c_in * (c_out // g)
        macs = weights * prod(layer.spatial)
    bias = c_out if layer.bias else 0
    params = Params(weights, bias, weights + bias, 0, weights + bias)
    bias_adds = bias * prod(spatial)
    return Solution(layer, (*spatial, c_out), L.resolved_padding(layer), params, macs, bias_adds, 0, None)


def _linear(layer: Layer) -> Solution:
    """Linear: weights = in·out, bias = out, MACs = in·out at each position.

    On a multi-dimensional input it acts on the last dimension, once per position (every other
    dimension): MACs = (elements / in)·in·out, and one bias add per output element.
    """
    assert layer.out is not None
    positions = prod(layer.input_shape[:-1])
    weights = layer.in_channels * layer.out
    bias = layer.out if layer.bias else 0
    params = Params(weights, bias, weights + bias, 0, weights + bias)
    shape = (*layer.input_shape[:-1], layer.out)
    return Solution(layer, shape, (), params, positions * weights, positions * bias, 0, None)


def patch_conv(layer: Layer) -> Layer:
    """The conv a patch embedding is: ``conv2d out=d k=P s=P`` on the same image."""
    assert layer.out is not None
    return Layer(L.CONV, 2, layer.input_shape, layer.out, layer.kernel, layer.kernel, (0, 0), (1, 1), 1, layer.bias)


def _token(layer: Layer) -> Solution:
    """Vision Transformer layers on a token map (N, d), torchvision's counts.

    - patchembed: the conv k = s = P, d filters; tokens = (H/P)·(W/P); params P·P·C·d + d; MACs as that conv.
    - clstoken: (N + 1, d), params d.  posembed: (N, d), params N·d.  0 MACs (adds only).
    - mhsa: params 4d² + 4d (Q, K, V and output projections, each d×d + d), whatever the heads;
      MACs 4·N·d² (the projections) + 2·N²·d (QKᵀ and AV, summed over the heads).
    - mlp: linear d→H, GELU, linear H→d: params 2dH + H + d, MACs 2·N·d·H.
    - select: the token's d features.
    """
    family, shape = layer.family, layer.input_shape
    if family == L.PATCHEMBED:
        conv = _conv(patch_conv(layer))
        tokens = prod(conv.output_shape[:-1])
        return conv._replace(layer=layer, output_shape=(tokens, conv.output_shape[-1]))
    n, d = shape
    zero = Params(0, 0, 0, 0, 0)
    if family == L.CLSTOKEN:
        return Solution(layer, (n + 1, d), (), Params(d, 0, d, 0, d), 0, 0, 0, None)
    if family == L.POSEMBED:
        return Solution(layer, shape, (), Params(n * d, 0, n * d, 0, n * d), 0, 0, n * d, None)
    if family == L.SELECT:
        return Solution(layer, (d,), (), zero, 0, 0, 0, None)
    if family == L.MHSA:
        weights, bias = 4 * d * d, 4 * d if layer.bias else 0
        macs = 4 * n * d * d + 2 * n * n * d
        bias_adds = n * bias
    else:
        h = layer.hidden
        weights, bias = 2 * d * h, h + d if layer.bias else 0
        macs = 2 * n * d * h
        bias_adds = n * bias
    params = Params(weights, bias, weights + bias, 0, weights + bias)
    return Solution(layer, shape, (), params, macs, bias_adds, 0, None)


def _norm(layer: Layer) -> Solution:
    """LayerNorm over the last dimension C: params 2C (γ, β); LayerScale: params C (γ).  0 MACs."""
    c = layer.in_channels
    params = Params(c, c, 2 * c, 0, 2 * c) if layer.family == L.LAYERNORM else Params(c, 0, c, 0, c)
    return Solution(layer, layer.input_shape, (), params, 0, 0, prod(layer.input_shape), None)


def _pool(layer: Layer) -> Solution:
    """Pooling: 0 MACs and 0 parameters; its work is in :class:`PoolOps`."""
    spatial = output_spatial(layer)
    channels = layer.in_channels
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        sizes = tuple(geometry.adaptive_windows(n, o) for n, o in zip(layer.spatial, spatial))
        pads: tuple[tuple[int, int], ...] = ()
        uniform = all(len(set(s)) == 1 for s in sizes)
        window_size = tuple(s[0] for s in sizes) if uniform else None
        per_dim_sums = [sum(s) for s in sizes]
    else:
        sizes = ()
        pads = L.resolved_padding(layer)
        window_size = layer.kernel
        per_dim_sums = [k * o for k, o in zip(layer.kernel, spatial)]
    windows = channels * prod(spatial)
    # Σ over windows of the window's element count; windows are separable across dimensions.
    elements = channels * prod(per_dim_sums)
    is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
    pool = PoolOps(
        windows=windows,
        window_size=window_size,
        window_sizes=sizes,
        elements_read=elements,
        comparisons=elements - windows if is_max else 0,
        additions=0 if is_max else elements - windows,
        divisions=0 if is_max else windows,
    )
    return Solution(layer, (*spatial, channels), pads, Params(0, 0, 0, 0, 0), 0, 0, 0, pool)


def value_of(sol: Solution, quantity: str) -> int | tuple[int, ...]:
    """The value of a claimable quantity: ``output``, ``params``, ``macs``, ``windows``, … (``check`` names them)."""
    pool = sol.pool
    table: dict[str, int | tuple[int, ...]] = {
        "output": sol.output_shape,
        "params": sol.params.total,
        "weights": sol.params.weights,
        "bias": sol.params.bias,
        "trainable": sol.params.trainable,
        "non_trainable": sol.params.non_trainable,
        "macs": sol.macs,
        "flops": sol.flops,
        "flops+bias": sol.flops_with_bias,
        "windows": pool.windows if pool else 0,
        "comparisons": pool.comparisons if pool else 0,
        "additions": pool.additions if pool else 0,
        "divisions": pool.divisions if pool else 0,
        "output_elements": sol.output_elements,
        "output_bytes": sol.output_bytes,
        "params_bytes": sol.params_bytes,
        "comparisons_per_window": (
            prod(pool.window_size) - 1
            if pool and pool.window_size and sol.layer.family.startswith(("max", "adaptivemax"))
            else 0
        ),
    }
    return table[quantity]
