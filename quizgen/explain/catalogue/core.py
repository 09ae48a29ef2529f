"""What every misconception is made of: the :class:`Misconception` record, the quantity sets, the tests of
which layers a rule applies to, and :func:`context`, the numbers an explanation may name (DESIGN section 4).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from math import prod
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from quizgen.arith import geometry
from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.arith.solver import output_spatial, solve
from quizgen.i18n import _, a_an

if TYPE_CHECKING:
    from fractions import Fraction


#: A value a rule produces: whole numbers are ints; a :class:`~fractions.Fraction` appears only when a rule
#: divides unevenly, and ``fractions`` is imported only then (see :func:`_div`).
Scalar: TypeAlias = "int | Fraction"
Shape = tuple[Scalar, ...]
QUANTITIES = (
    "output",
    "weights",
    "bias",
    "params",
    "macs",
    "flops",
    "flops+bias",
    "windows",
    "comparisons",
    "additions",
    "divisions",
    "params_bytes",
    "output_bytes",
    "trainable",
)
COMPUTE = frozenset({"macs", "flops", "flops+bias"})
POOL_QUANTITIES = frozenset({"windows", "comparisons", "additions", "divisions"})
SIZE_QUANTITIES = frozenset({"output", "output_bytes"}) | COMPUTE | POOL_QUANTITIES
WEIGHT_QUANTITIES = frozenset({"weights", "params", "params_bytes"}) | COMPUTE

#: An explanation: a template (marked with ``N_``), or a function choosing the template that is true for a layer.
Explanation = str | Callable[[Layer], str]


class Misconception(NamedTuple):
    """A named wrong rule.

    ``explanation`` is one line a student understands; it reads after the wrong
    value, as in "34,848: the 96 biases are missing (one per output channel)".
    It is a template filled from :func:`context`, or a function of the layer
    that picks the template true for that layer (groups, transposed, 1-D…).
    """

    id: str
    rule: str
    explanation: Explanation
    quantities: frozenset[str]
    applies: Callable[[Layer], bool]

    def explain(self, layer: Layer) -> str:
        """The explanation with this layer's numbers filled in."""
        template = self.explanation if isinstance(self.explanation, str) else self.explanation(layer)
        return a_an(_(template).format(**context(layer)))

    def wrong_values(self, layer: Layer, quantity: str) -> tuple[Scalar | Shape, ...]:
        """The wrong value(s) this misconception produces for ``quantity`` (empty if it changes nothing)."""
        from quizgen.explain.misconceptions import wrong_values  # the calculator builds on the catalogue

        return wrong_values(layer, quantity, frozenset({self.id}))


# --- applicability -------------------------------------------------------------------------------


def conv_like(layer: Layer) -> bool:
    return layer.family in (L.CONV, L.CONVT)


def weighted(layer: Layer) -> bool:
    return layer.family in (L.CONV, L.CONVT, L.LINEAR)


def sized(layer: Layer) -> bool:
    """A layer whose output size comes from the conv formula (conv and windowed pooling)."""
    return layer.has_kernel and layer.family != L.CONVT


def windowed(layer: Layer) -> bool:
    return layer.family in (L.MAXPOOL, L.AVGPOOL)


def ceil_pool(layer: Layer) -> bool:
    return windowed(layer) and layer.ceil_mode


def _spans(layer: Layer) -> list[tuple[int, int]]:
    """(padded span, stride) per axis for the conv formula."""
    pads = L.resolved_padding(layer)
    return [
        (n + a + b - geometry.effective_kernel(k, d), s)
        for n, k, s, (a, b), d in zip(layer.spatial, layer.kernel, layer.stride, pads, layer.dilation or (1,) * 9)
    ]


def inexact(layer: Layer) -> bool:
    return sized(layer) and any(span % s for span, s in _spans(layer))


def asymmetric_axes(layer: Layer) -> bool:
    """Swapping the axes changes something: the per-axis settings differ between the axes."""
    if not sized(layer) or len(layer.spatial) < 2:
        return False
    per_axis = list(zip(layer.kernel, layer.stride, L.resolved_padding(layer), layer.dilation or (1,) * 9))
    return per_axis != per_axis[::-1]


def uneven_adaptive(layer: Layer) -> bool:
    return layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX) and any(
        n % o for n, o in zip(layer.spatial, layer.output_size)
    )


def resizes(layer: Layer) -> bool:
    if layer.has_kernel or layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return tuple(output_spatial(layer)) != tuple(layer.spatial)
    return False


def _symbols(layer: Layer) -> str:
    """The kernel's size as symbols: ``K`` (1-D), ``K·K`` (2-D), ``K·K·K`` (3-D), ``K_h·K_w`` when sides differ."""
    n = len(layer.kernel)
    if len(set(layer.kernel)) <= 1:
        return "·".join(["K"] * n)
    return "·".join({1: ["K"], 2: ["K_h", "K_w"], 3: ["K_d", "K_h", "K_w"]}[n])


def _size_formula(layer: Layer) -> str:
    if not layer.has_kernel:
        return ""
    rounding = "ceil" if ceil_pool(layer) else "floor"
    if any(d > 1 for d in layer.dilation):
        return f"{rounding}((W + 2P - D·(K - 1) - 1)/S) + 1"
    return f"{rounding}((W - K + 2P)/S) + 1"


@lru_cache(maxsize=4096)
def context(layer: Layer) -> dict[str, object]:
    """Numbers and symbols an explanation may name, all true for ``layer``."""
    spatial = layer.spatial
    out = output_spatial(layer) if layer.has_kernel or layer.is_pool else spatial
    k = layer.kernel[0] if layer.kernel else 0
    d = layer.dilation[0] if layer.dilation else 1
    c_out = layer.out if layer.out is not None else layer.in_channels
    g = max(layer.groups, 1)
    sol = solve(layer)
    pads = L.resolved_padding(layer) if layer.has_kernel else ()
    padding = (
        layer.padding if isinstance(layer.padding, str) else L.fmt_tuple(layer.padding, "×") if layer.padding else 0
    )
    return {
        "c_in": f"{layer.in_channels:,}",
        "c_out": f"{c_out:,}",
        "g": g,
        "c_in_per_group": layer.in_channels // g,
        "c_out_per_group": c_out // g,
        "c_out_part": "(C_out/g)" if g > 1 else "C_out",
        "k": L.fmt_tuple(layer.kernel, "×") if layer.kernel else "",
        "k0": k,
        "k_full": "×".join(map(str, layer.kernel)),
        "kvol": prod(layer.kernel) if layer.kernel else 0,
        "k_sym": _symbols(layer) if layer.kernel else "",
        "s": L.fmt_tuple(layer.stride, "×") if layer.stride else 1,
        "d": d,
        "k_eff": L.fmt_tuple(tuple(geometry.effective_kernel(a, b) for a, b in zip(layer.kernel, layer.dilation)), "×")
        if layer.dilation
        else k,
        "p": padding,
        "p_before": L.fmt_tuple(tuple(a for a, _b in pads), "×") if pads else 0,
        "p_after": L.fmt_tuple(tuple(b for _a, b in pads), "×") if pads else 0,
        "size": "×".join(map(str, layer.output_size)),
        "size_formula": _size_formula(layer),
        "in_spatial": "×".join(map(str, spatial)),
        "out_spatial": "×".join(map(str, out)),
        "bias_adds": f"{sol.bias_adds:,}",
        **_modern_context(layer),
    }


def _modern_context(layer: Layer) -> dict[str, object]:
    """Numbers the explanations of the modern layers name: tokens, d, heads, positions, the patch grid."""
    shape = layer.input_shape
    grid = tuple(n // layer.kernel[0] for n in layer.spatial) if layer.family == L.PATCHEMBED else ()
    return {
        "n": f"{shape[0]:,}",
        "n_plus_one": f"{shape[0] + 1:,}",
        "d_model": f"{shape[-1]:,}",
        "h": layer.heads,
        "dh": shape[-1] // layer.heads if layer.heads else 0,
        "positions": "×".join(map(str, shape[:-1])),
        "position_count": f"{prod(shape[:-1]):,}",
        "grid": "×".join(map(str, grid)),
        "tokens": f"{prod(grid):,}" if grid else "",
    }
