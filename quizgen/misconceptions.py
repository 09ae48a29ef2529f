"""The misconception catalogue: named, reusable wrong answers (DESIGN section 4).

Each misconception is a flag on a small *flawed calculator* that redoes the
solver's arithmetic the way a student who holds it would.  Flags compose, so
a pair such as ``pool-stride-twice`` + ``pool-forgot-channels`` (the seed
post's 196 windows) needs no extra code.  The same values serve as
multiple-choice distractors, drill feedback and errata.

Every explanation is generated for the layer it explains: a grouped conv's
filter spans C_in/g channels, a 1-D kernel has K weights per channel, a
transposed conv's MACs are counted input-side, and so on.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from functools import lru_cache
from math import ceil, floor, prod
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from quizgen import geometry
from quizgen import layers as L
from quizgen.i18n import N_, _, a_an
from quizgen.layers import Layer
from quizgen.solver import output_spatial, solve

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
)
_COMPUTE = frozenset({"macs", "flops", "flops+bias"})
_POOL_QUANTITIES = frozenset({"windows", "comparisons", "additions", "divisions"})
_SIZE_QUANTITIES = frozenset({"output", "output_bytes"}) | _COMPUTE | _POOL_QUANTITIES
_WEIGHT_QUANTITIES = frozenset({"weights", "params", "params_bytes"}) | _COMPUTE

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
        return wrong_values(layer, quantity, frozenset({self.id}))


# --- applicability -------------------------------------------------------------------------------


def _conv_like(layer: Layer) -> bool:
    return layer.family in (L.CONV, L.CONVT)


def _weighted(layer: Layer) -> bool:
    return layer.family in (L.CONV, L.CONVT, L.LINEAR)


def _sized(layer: Layer) -> bool:
    """A layer whose output size comes from the conv formula (conv and windowed pooling)."""
    return layer.has_kernel and layer.family != L.CONVT


def _windowed(layer: Layer) -> bool:
    return layer.family in (L.MAXPOOL, L.AVGPOOL)


def _ceil_pool(layer: Layer) -> bool:
    return _windowed(layer) and layer.ceil_mode


def _spans(layer: Layer) -> list[tuple[int, int]]:
    """(padded span, stride) per axis for the conv formula."""
    pads = L.resolved_padding(layer)
    return [
        (n + a + b - geometry.effective_kernel(k, d), s)
        for n, k, s, (a, b), d in zip(layer.spatial, layer.kernel, layer.stride, pads, layer.dilation or (1,) * 9)
    ]


def _inexact(layer: Layer) -> bool:
    return _sized(layer) and any(span % s for span, s in _spans(layer))


def _asymmetric_axes(layer: Layer) -> bool:
    """Swapping the axes changes something: the per-axis settings differ between the axes."""
    if not _sized(layer) or len(layer.spatial) < 2:
        return False
    per_axis = list(zip(layer.kernel, layer.stride, L.resolved_padding(layer), layer.dilation or (1,) * 9))
    return per_axis != per_axis[::-1]


def _uneven_adaptive(layer: Layer) -> bool:
    return layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX) and any(
        n % o for n, o in zip(layer.spatial, layer.output_size)
    )


def _resizes(layer: Layer) -> bool:
    if layer.has_kernel or layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return tuple(output_spatial(layer)) != tuple(layer.spatial)
    return False


# --- explanations chosen by layer ----------------------------------------------------------------


def _size_rule(layer: Layer) -> str:
    if layer.family == L.CONVT:
        return N_("a transposed conv's size is (W - 1)·S - 2P + D·(K - 1) + OP + 1")
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return N_("an adaptive pool's output size is its size={size}")
    return N_("the output size is {size_formula}")


def _no_floor_text(layer: Layer) -> str:
    if _ceil_pool(layer):
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


def _k2_text(layer: Layer) -> str:
    if layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX):
        return N_(
            "a comparison was counted for each value in a window; the largest of n values takes n - 1 comparisons"
        )
    return N_("an addition was counted for each value in a window; summing n values takes n - 1 additions")


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


def _forgot_square_text(layer: Layer) -> str:
    if layer.is_pool:
        return N_("the window size was not multiplied out: a {k_full} window holds {kvol} values, not {k0}")
    return N_("the kernel size was not multiplied out: a {k_full} kernel holds {k_sym} = {kvol} weights, not {k0}")


def _counted_macs_text(layer: Layer) -> str:
    if layer.bias:
        return N_(
            "each multiply-accumulate was counted once; FLOPs count it as 2 (a multiply and an add), plus the bias adds"
        )
    return N_("each multiply-accumulate was counted once; FLOPs count it as 2 (a multiply and an add)")


CATALOGUE: dict[str, Misconception] = {
    m.id: m
    for m in [
        Misconception(
            "precedence",
            N_("W - K + 2P/S + 1"),
            _precedence_text,
            _SIZE_QUANTITIES,
            _sized,
        ),
        Misconception(
            "no-floor",
            N_("(W - K + 2P)/S + 1 unrounded"),
            _no_floor_text,
            _SIZE_QUANTITIES,
            _sized,
        ),
        Misconception(
            "used-ceil",
            N_("ceil((W - K + 2P)/S) + 1 where the layer rounds down"),
            N_("the division was rounded up; a window that does not fit is not counted, so round down (floor)"),
            _SIZE_QUANTITIES,
            lambda lay: _inexact(lay) and not lay.ceil_mode,
        ),
        Misconception(
            "padding-once",
            N_("W - K + P"),
            _padding_once_text,
            _SIZE_QUANTITIES,
            _sized,
        ),
        Misconception(
            "forgot-plus-one",
            N_("floor((W - K + 2P)/S) without the + 1"),
            N_(
                "the + 1 is missing; the division counts the steps between windows, and there is one more window than steps"
            ),
            _SIZE_QUANTITIES,
            _sized,
        ),
        Misconception(
            "ignored-padding",
            N_("floor((W - K)/S) + 1, padding left out"),
            N_("the padding was left out; p={p} pads both ends of every axis"),
            _SIZE_QUANTITIES,
            lambda lay: _sized(lay) and isinstance(lay.padding, tuple) and any(lay.padding),
        ),
        Misconception(
            "stride-ignored",
            N_("W - K + 2P + 1, stride left out"),
            N_(
                "the stride was left out; with s={s} a window starts only every S positions, so divide by S: {size_formula}"
            ),
            _SIZE_QUANTITIES,
            lambda lay: _sized(lay) and any(s > 1 for s in lay.stride),
        ),
        Misconception(
            "ignored-ceil-mode",
            N_("floor where ceil_mode rounds up"),
            N_("floor was used, but ceil_mode=True rounds up (dropping only a window that would start in the padding)"),
            _SIZE_QUANTITIES,
            _ceil_pool,
        ),
        Misconception(
            "swapped-hw",
            N_("the per-axis settings applied to the wrong axes"),
            _swapped_text,
            _SIZE_QUANTITIES,
            _asymmetric_axes,
        ),
        Misconception(
            "output-equals-input",
            N_("the input size used as the output size"),
            _input_for_output_text,
            _SIZE_QUANTITIES - {"macs", "flops", "flops+bias"},
            _resizes,
        ),
        Misconception(
            "forgot-bias",
            N_("weights only"),
            N_("the weight count only; the {c_out} biases are missing"),
            frozenset({"params", "bias", "params_bytes"}),
            lambda lay: _weighted(lay) and lay.bias,
        ),
        Misconception(
            "bias-per-input",
            N_("one bias per input channel"),
            _bias_per_input_text,
            frozenset({"params", "bias", "params_bytes"}),
            lambda lay: _weighted(lay) and lay.bias and lay.in_channels != lay.out,
        ),
        Misconception(
            "added-bias",
            N_("biases counted for bias=false"),
            N_("biases were counted, but the layer has bias=false: it has no biases and no bias adds"),
            frozenset({"params", "bias", "params_bytes", "flops+bias"}),
            lambda lay: _weighted(lay) and not lay.bias,
        ),
        Misconception(
            "forgot-in-channels",
            N_("K·K·N (+N)"),
            _forgot_in_channels_text,
            _WEIGHT_QUANTITIES,
            lambda lay: (
                (lay.family == L.CONV and lay.in_channels // lay.groups > 1)
                or (lay.family == L.CONVT and lay.in_channels > 1)
            ),
        ),
        Misconception(
            "forgot-to-square",
            N_("K instead of K·K"),
            _forgot_square_text,
            _WEIGHT_QUANTITIES | frozenset({"comparisons", "additions"}),
            lambda lay: (_conv_like(lay) or _windowed(lay)) and prod(lay.kernel) != lay.kernel[0],
        ),
        Misconception(
            "ignored-groups",
            N_("a grouped conv counted as a standard one"),
            _ignored_groups_text,
            _WEIGHT_QUANTITIES,
            lambda lay: _conv_like(lay) and lay.groups > 1,
        ),
        Misconception(
            "ignored-dilation",
            N_("K where the effective kernel is d·(K-1)+1"),
            N_("K = {k} was used, but dilation d={d} stretches the kernel to d·(K-1)+1 = {k_eff}"),
            _SIZE_QUANTITIES,
            lambda lay: lay.has_kernel and any(d > 1 for d in lay.dilation),
        ),
        Misconception(
            "input-size-for-macs",
            N_("multiplies by the input's spatial size"),
            N_(
                "the input size {in_spatial} was used; each output position costs one filter's MACs, "
                "so multiply by the output size {out_spatial}"
            ),
            _COMPUTE,
            lambda lay: lay.family == L.CONV and _resizes(lay),
        ),
        Misconception(
            "transposed-output-side",
            N_("transposed-conv MACs counted at the output positions"),
            N_(
                "the MACs were counted per output position ({out_spatial}); here they are counted input-side: "
                "each of the {in_spatial} input positions is scattered through the kernel"
            ),
            _COMPUTE,
            lambda lay: lay.family == L.CONVT,
        ),
        Misconception(
            "macs-vs-flops",
            N_("a factor of 2 either way"),
            N_("off by a factor of 2; one MAC is a multiply plus an add, so FLOPs = 2 × MACs"),
            frozenset({"macs", "flops"}),
            _weighted,
        ),
        Misconception(
            "counted-bias-adds",
            N_("bias adds counted where the convention leaves them out"),
            N_("the bias adds (one per output element) were counted, but this count leaves bias adds out"),
            frozenset({"macs", "flops"}),
            lambda lay: _weighted(lay) and lay.bias,
        ),
        Misconception(
            "forgot-bias-adds",
            N_("2·MACs without the bias adds"),
            N_("that is plain FLOPs (2 × MACs); this count also adds one bias add per output element"),
            frozenset({"flops+bias"}),
            lambda lay: _weighted(lay) and lay.bias,
        ),
        Misconception(
            "counted-macs",
            N_("MACs where FLOPs with bias adds are asked"),
            _counted_macs_text,
            frozenset({"flops+bias"}),
            _weighted,
        ),
        Misconception(
            "pool-windows-from-input",
            N_("(W_in/S)² windows, kernel ignored"),
            N_(
                "the input size was divided by the stride; there is one window per output element, "
                "and the output size is {size_formula}"
            ),
            _POOL_QUANTITIES,
            _windowed,
        ),
        Misconception(
            "pool-stride-twice",
            N_("C·⌈W_out/S⌉·⌈H_out/S⌉"),
            N_(
                "the output size was divided by the stride again; the stride is already in the output size, "
                "so each channel has one window per output position"
            ),
            _POOL_QUANTITIES,
            lambda lay: _windowed(lay) and any(s > 1 for s in lay.stride),
        ),
        Misconception(
            "pool-forgot-channels",
            N_("one channel's windows"),
            N_("one channel only; pooling runs on each of the {c_in} channels separately"),
            _POOL_QUANTITIES,
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
            _uneven_adaptive,
        ),
        Misconception(
            "transposed-as-conv",
            N_("the conv output formula for a transposed conv"),
            N_("the conv formula was used; a transposed conv grows the size: (W - 1)·S - 2P + D·(K - 1) + OP + 1"),
            frozenset({"output", "output_bytes"}) | _COMPUTE,
            lambda lay: lay.family == L.CONVT,
        ),
        Misconception(
            "bytes-as-values",
            N_("the number of values, not bytes"),
            N_("that is the number of values; fp32 takes 4 bytes per value"),
            frozenset({"params_bytes", "output_bytes"}),
            lambda lay: True,
        ),
        Misconception(
            "bits-not-bytes",
            N_("32 per value: bits, not bytes"),
            N_("32 is the bits in an fp32 value; a byte is 8 bits, so fp32 takes 4 bytes per value"),
            frozenset({"params_bytes", "output_bytes"}),
            lambda lay: True,
        ),
    ]
}


def explain_combo(layer: Layer, ids: tuple[str, ...] | list[str]) -> str:
    """One sentence for a misconception or a combination: "the 96 biases are missing (one per output channel)"."""
    return _("; and ").join(CATALOGUE[i].explain(layer) for i in ids)


def _symbols(layer: Layer) -> str:
    """The kernel's size as symbols: ``K`` (1-D), ``K·K`` (2-D), ``K·K·K`` (3-D), ``K_h·K_w`` when sides differ."""
    n = len(layer.kernel)
    if len(set(layer.kernel)) <= 1:
        return "·".join(["K"] * n)
    return "·".join({1: ["K"], 2: ["K_h", "K_w"], 3: ["K_d", "K_h", "K_w"]}[n])


def _size_formula(layer: Layer) -> str:
    if not layer.has_kernel:
        return ""
    rounding = "ceil" if _ceil_pool(layer) else "floor"
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
    }


@lru_cache(maxsize=8192)
def applicable(layer: Layer, quantity: str) -> tuple[Misconception, ...]:
    """Misconceptions that can change ``quantity`` for ``layer``."""
    return tuple(m for m in CATALOGUE.values() if quantity in m.quantities and m.applies(layer))


# --- the flawed calculator --------------------------------------------------------------------


def _out_size_variants(layer: Layer, flags: frozenset[str]) -> list[Shape]:
    """Spatial output sizes as computed under ``flags``; several where a rule has variants."""
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return [layer.spatial if "output-equals-input" in flags else layer.output_size]
    if not layer.has_kernel:
        return [layer.spatial]
    if "output-equals-input" in flags:
        return [layer.spatial]
    pads = L.resolved_padding(layer)
    out_sizes: list[Scalar] = []
    n_axes = len(layer.spatial)
    for i, n in enumerate(layer.spatial):
        j = n_axes - 1 - i if "swapped-hw" in flags else i
        k, s = layer.kernel[j], layer.stride[j]
        d = layer.dilation[j] if layer.dilation else 1
        keff = k if "ignored-dilation" in flags else geometry.effective_kernel(k, d)
        before, after = pads[j]
        if "stride-ignored" in flags:
            s = 1
        if layer.family == L.CONVT and "transposed-as-conv" not in flags:
            out_sizes.append((n - 1) * s - before - after + keff - 1 + layer.output_padding[j] + 1)
            continue
        pad_total = 0 if "ignored-padding" in flags else before if "padding-once" in flags else before + after
        plus = 0 if "forgot-plus-one" in flags else 1
        if "precedence" in flags:
            out_sizes.append(n - keff + _div(pad_total, s) + plus)
            continue
        span = n + pad_total - keff
        if "no-floor" in flags:
            out_sizes.append(_div(span, s) + plus)
        elif "used-ceil" in flags:
            out_sizes.append(-(-span // s) + plus)
        elif layer.ceil_mode and layer.is_pool and "ignored-ceil-mode" not in flags:
            out = -(-span // s) + 1
            if (out - 1) * s >= n + before:
                out -= 1
            out_sizes.append(out + plus - 1)
        else:
            out_sizes.append(span // s + plus)
    return [tuple(out_sizes)]


def _whole(x: Scalar) -> Scalar:
    return int(x) if x.denominator == 1 else x


def _div(a: Scalar, b: int) -> Scalar:
    """``a / b`` exactly: an int when ``b`` divides ``a``, else a Fraction."""
    if isinstance(a, int) and a % b == 0:
        return a // b
    from fractions import Fraction

    return _whole(Fraction(a) / b)


def _fractional(x: Scalar) -> bool:
    return x.denominator != 1  # ints have a denominator too: 1


def _weights(layer: Layer, flags: frozenset[str]) -> Scalar:
    if layer.family == L.LINEAR:
        return layer.in_channels * (layer.out or 0)
    c_in, c_out, g = layer.in_channels, layer.out or 0, layer.groups
    if "ignored-groups" in flags:
        g = 1
    kvol = layer.kernel[0] if "forgot-to-square" in flags else prod(layer.kernel)
    if layer.family == L.CONVT:
        return kvol * (1 if "forgot-in-channels" in flags else c_in) * (c_out // g)
    return kvol * (1 if "forgot-in-channels" in flags else c_in // g) * c_out


def _biases(layer: Layer, flags: frozenset[str]) -> int:
    if "forgot-bias" in flags:
        return 0
    if "bias-per-input" in flags:
        return layer.in_channels
    return (layer.out or 0) if layer.bias or "added-bias" in flags else 0


@lru_cache(maxsize=65536)
def wrong_values(
    layer: Layer, quantity: str, flags: frozenset[str], output_override: Shape | None = None
) -> tuple[Scalar | Shape, ...]:
    """``quantity`` for ``layer`` computed under the misconceptions in ``flags``.

    ``output_override`` replaces the spatial output size, to follow a wrong
    claimed output through to the quantities that depend on it.
    """
    sizes = [output_override] if output_override is not None else _out_size_variants(layer, flags)
    values: list[Scalar | Shape] = []
    for spatial in sizes:
        values.extend(_quantity(layer, quantity, flags, spatial))
    unique: list[Scalar | Shape] = []
    for v in values:
        if v not in unique:
            unique.append(v)
    return tuple(unique)


def _output(layer: Layer, spatial: Shape) -> Shape:
    fam = layer.family
    if fam == L.LINEAR:
        return (layer.out or 0,)
    if layer.has_kernel or layer.is_pool:
        channels = layer.out if fam in (L.CONV, L.CONVT) else layer.in_channels
        return (*spatial, channels or 0)
    return solve(layer).output_shape


def _bytes(values: Iterable[Scalar], flags: frozenset[str]) -> list[Scalar]:
    per = 1 if "bytes-as-values" in flags else 32 if "bits-not-bytes" in flags else 4
    return [per * v for v in values]


def _quantity(layer: Layer, quantity: str, flags: frozenset[str], spatial: Shape) -> list[Scalar | Shape]:
    fam = layer.family
    if quantity == "output":
        return [_output(layer, spatial)]
    if quantity == "output_bytes":
        return list(_bytes([prod(_output(layer, spatial))], flags))
    if quantity in ("weights", "bias", "params", "params_bytes"):
        if fam not in (L.CONV, L.CONVT, L.LINEAR):
            total = solve(layer).params.total
            return {"params": [total], "params_bytes": _bytes([total], flags)}.get(quantity, [0])
        weights, bias = _weights(layer, flags), _biases(layer, flags)
        if quantity == "params_bytes":
            return _bytes([weights + bias], flags)
        return [{"weights": weights, "bias": bias, "params": weights + bias}[quantity]]
    if quantity in _COMPUTE:
        if fam not in (L.CONV, L.CONVT, L.LINEAR):
            return [0]
        return _compute(layer, quantity, flags, spatial)
    if quantity in _POOL_QUANTITIES:
        return _pool_quantity(layer, quantity, flags, spatial)
    raise KeyError(quantity)


def _compute(layer: Layer, quantity: str, flags: frozenset[str], spatial: Shape) -> list[Scalar | Shape]:
    """MACs, FLOPs (2·MACs) or FLOPs with bias adds (2·MACs + one add per output element) under ``flags``."""
    fam = layer.family
    weights = _weights(layer, flags)
    if fam == L.LINEAR:
        positions: Scalar = 1
        out_positions: Scalar = 1
    else:
        out_positions = prod(spatial)
        if "input-size-for-macs" in flags:
            positions = out_positions = prod(layer.spatial)
        elif fam == L.CONVT and "transposed-as-conv" not in flags and "transposed-output-side" not in flags:
            positions = prod(layer.spatial)
        else:
            positions = out_positions
    macs = weights * positions
    has_bias = layer.bias or "added-bias" in flags
    bias_adds = (layer.out or 0) * out_positions if has_bias else 0
    if quantity == "macs":
        if "counted-bias-adds" in flags:
            return [macs + bias_adds]
        return [macs * 2, _div(macs, 2)] if "macs-vs-flops" in flags else [macs]
    if quantity == "flops":
        if "counted-bias-adds" in flags:
            return [2 * macs + bias_adds]
        return [macs, macs * 4] if "macs-vs-flops" in flags else [2 * macs]
    if "counted-macs" in flags:
        return [macs, macs + bias_adds] if bias_adds else [macs]
    if "forgot-bias-adds" in flags:
        return [2 * macs]
    return [2 * macs + bias_adds]


def _fixed_window_elements(layer: Layer) -> int:
    """Elements read when each adaptive axis uses one window size: S = ⌊in/out⌋, K = in - (out - 1)·S."""
    total = layer.in_channels
    for n, o in zip(layer.spatial, layer.output_size):
        s = n // o
        total *= o * (n - (o - 1) * s)
    return total


def _pool_quantity(layer: Layer, quantity: str, flags: frozenset[str], spatial: Shape) -> list[Scalar | Shape]:
    if not layer.is_pool:
        return [0]
    channels = 1 if "pool-forgot-channels" in flags else layer.in_channels
    counts: list[Scalar] = []
    if "pool-windows-from-input" in flags:
        exact = prod(_div(n, s) for n, s in zip(layer.spatial, layer.stride))
        counts += [
            exact,
            prod(n // s for n, s in zip(layer.spatial, layer.stride)),
            prod(-(-n // s) for n, s in zip(layer.spatial, layer.stride)),
        ]
    elif "pool-stride-twice" in flags:
        counts += [
            prod(-(-o // s) if isinstance(o, int) else ceil(o / s) for o, s in zip(spatial, layer.stride)),
            prod(_div(o, s) for o, s in zip(spatial, layer.stride)),
            prod(floor(_div(o, s)) for o, s in zip(spatial, layer.stride)),
        ]
    else:
        counts.append(prod(spatial))
    windows = [_whole(channels * c) for c in counts]
    if quantity in ("windows", "divisions"):
        if quantity == "divisions" and layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX):
            return [0]
        return list(windows)
    is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
    if (quantity == "comparisons") != is_max:
        return [0]
    minus = 0 if "pool-k2-comparisons" in flags else 1
    if layer.kernel:
        per = (layer.kernel[0] if "forgot-to-square" in flags else prod(layer.kernel)) - minus
        return [_whole(w * per) for w in windows]
    pool = solve(layer).pool
    assert pool is not None
    if "output-equals-input" in flags:  # the window sizes are unknown under that rule: nothing to compute
        return [pool.comparisons if is_max else pool.additions]
    read = _fixed_window_elements(layer) if "adaptive-fixed-window" in flags else pool.elements_read
    base = _div(read * channels, layer.in_channels)
    return [_whole(base - (w * minus)) for w in windows]


def explain_value(
    layer: Layer,
    quantity: str,
    claimed: Callable[[Scalar | Shape], bool],
    output_override: Shape | None = None,
    max_combo: int = 2,
) -> list[tuple[str, ...]]:
    """The misconceptions (singly, then in pairs) whose wrong value ``claimed`` accepts.

    Returns the smallest combinations that explain the value, each as a tuple of ids.  Combinations
    whose value is ``claimed`` exactly come before (and replace) those that need a fraction rounded.
    """
    ids = [m.id for m in applicable(layer, quantity)]
    correct = wrong_values(layer, quantity, frozenset(), output_override)
    for size in range(1, max_combo + 1):
        exact: list[tuple[str, ...]] = []
        rounded: list[tuple[str, ...]] = []
        for combo in itertools.combinations(ids, size):
            values = [v for v in wrong_values(layer, quantity, frozenset(combo), output_override) if v not in correct]
            if any(claimed(v) for v in values):
                exact.append(combo)
            elif any(claimed(v) for v in _with_rounding(values) if v not in correct):
                rounded.append(combo)
        if exact or rounded:
            return exact or rounded
    return []


def _with_rounding(values: Iterable[Scalar | Shape]) -> list[Scalar | Shape]:
    """Add floor and ceil of fractional values: students round a fraction before writing it down."""
    out: list[Scalar | Shape] = []
    for v in values:
        out.append(v)
        if not isinstance(v, tuple) and _fractional(v):
            out += [floor(v), ceil(v), round(v)]
        elif isinstance(v, tuple) and any(_fractional(x) for x in v):
            out.append(tuple(floor(x) for x in v))
            out.append(tuple(ceil(x) for x in v))
    return out


@lru_cache(maxsize=8192)
def distractors(layer: Layer, quantity: str, limit: int = 3) -> tuple[tuple[Scalar | Shape, tuple[str, ...]], ...]:
    """Distinct whole, positive wrong values with the misconception(s) behind each, singles before pairs.

    ``limit=0`` means no limit.
    """
    correct = wrong_values(layer, quantity, frozenset())
    seen: list[Scalar | Shape] = list(correct)
    found: list[tuple[Scalar | Shape, tuple[str, ...]]] = []
    ids = [m.id for m in applicable(layer, quantity)]
    for size in (1, 2):
        for combo in itertools.combinations(ids, size):
            for v in wrong_values(layer, quantity, frozenset(combo)):
                if _is_whole(v) and v not in seen and _positive(v):
                    seen.append(v)
                    found.append((v, combo))
                    if len(found) == limit:
                        return tuple(found)
    return tuple(found)


def _is_whole(v: Scalar | Shape) -> bool:
    if isinstance(v, tuple):
        return not any(_fractional(x) for x in v)
    return not _fractional(v)


def _positive(v: Scalar | Shape) -> bool:
    return all(x > 0 for x in v) if isinstance(v, tuple) else v > 0
