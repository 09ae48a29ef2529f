"""The misconception catalogue: each named wrong rule, the layers it applies to, and what it says (DESIGN section 4).

Every explanation is generated for the layer it explains: a grouped conv's
filter spans C_in/g channels, a 1-D kernel has K weights per channel, a
transposed conv's MACs are counted input-side, and so on.  The values each
rule produces come from the flawed calculator, :mod:`quizgen.explain.misconceptions`.
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
from quizgen.i18n import N_, _, a_an

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
COMPUTE = frozenset({"macs", "flops", "flops+bias"})
POOL_QUANTITIES = frozenset({"windows", "comparisons", "additions", "divisions"})
_SIZE_QUANTITIES = frozenset({"output", "output_bytes"}) | COMPUTE | POOL_QUANTITIES
_WEIGHT_QUANTITIES = frozenset({"weights", "params", "params_bytes"}) | COMPUTE

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
            COMPUTE,
            lambda lay: lay.family == L.CONV and _resizes(lay),
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
            POOL_QUANTITIES,
            _windowed,
        ),
        Misconception(
            "pool-stride-twice",
            N_("C·⌈W_out/S⌉·⌈H_out/S⌉"),
            N_(
                "the output size was divided by the stride again; the stride is already in the output size, "
                "so each channel has one window per output position"
            ),
            POOL_QUANTITIES,
            lambda lay: _windowed(lay) and any(s > 1 for s in lay.stride),
        ),
        Misconception(
            "pool-forgot-channels",
            N_("one channel's windows"),
            N_("one channel only; pooling runs on each of the {c_in} channels separately"),
            POOL_QUANTITIES,
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
            frozenset({"output", "output_bytes"}) | COMPUTE,
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
