"""The misconception catalogue: named, reusable wrong answers (DESIGN section 4).

Each misconception is a flag on a small *flawed calculator* that redoes the
solver's arithmetic the way a student who holds it would.  Flags compose, so
a pair such as ``pool-stride-twice`` + ``pool-forgot-channels`` (the seed
post's 196 windows) needs no extra code.  The same values serve as
multiple-choice distractors, drill feedback and errata.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from functools import lru_cache
from math import ceil, floor, prod
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from quizgen import geometry
from quizgen import layers as L
from quizgen.i18n import N_, _
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
    "windows",
    "comparisons",
    "additions",
    "divisions",
)
_SIZE_QUANTITIES = frozenset({"output", "macs", "flops", "windows", "comparisons", "additions", "divisions"})
_POOL_QUANTITIES = frozenset({"windows", "comparisons", "additions", "divisions"})


class Misconception(NamedTuple):
    """A named wrong rule.

    ``explanation`` is one line a student understands; it reads after the wrong
    value, as in "34,848: the weight count only; the 96 biases are missing".
    """

    id: str
    rule: str
    explanation: str
    quantities: frozenset[str]
    applies: Callable[[Layer], bool]

    def explain(self, layer: Layer) -> str:
        """The explanation with this layer's numbers filled in."""
        return _(self.explanation).format(**context(layer))

    def wrong_values(self, layer: Layer, quantity: str) -> tuple[Scalar | Shape, ...]:
        """The wrong value(s) this misconception produces for ``quantity`` (empty if it changes nothing)."""
        return wrong_values(layer, quantity, frozenset({self.id}))


def _conv_like(layer: Layer) -> bool:
    return layer.family in (L.CONV, L.CONVT)


def _sized(layer: Layer) -> bool:
    return layer.has_kernel


def _windowed(layer: Layer) -> bool:
    return layer.family in (L.MAXPOOL, L.AVGPOOL)


CATALOGUE: dict[str, Misconception] = {
    m.id: m
    for m in [
        Misconception(
            "precedence",
            N_("W - K + 2P/S + 1"),
            N_(
                "only 2P was divided by the stride (W - K + 2P/S + 1); the formula needs parentheses: floor((W - K + 2P)/S) + 1"
            ),
            _SIZE_QUANTITIES,
            lambda lay: _sized(lay) and lay.family != L.CONVT,
        ),
        Misconception(
            "no-floor",
            N_("(W - K + 2P)/S + 1 unrounded, or rounded up"),
            N_("the fraction was kept or rounded up; a window that does not fit is not counted, so round down"),
            _SIZE_QUANTITIES,
            lambda lay: _sized(lay) and lay.family != L.CONVT,
        ),
        Misconception(
            "padding-once",
            N_("W - K + P"),
            N_("the padding was added once; p={p} pads both sides, so add 2P"),
            _SIZE_QUANTITIES,
            lambda lay: _sized(lay) and lay.family != L.CONVT,
        ),
        Misconception(
            "forgot-plus-one",
            N_("floor((W - K + 2P)/S) without the + 1"),
            N_(
                "the + 1 is missing; (W - K + 2P)/S counts the steps between windows, and there is one more window than steps"
            ),
            _SIZE_QUANTITIES,
            lambda lay: _sized(lay) and lay.family != L.CONVT,
        ),
        Misconception(
            "ignored-padding",
            N_("floor((W - K)/S) + 1, padding left out"),
            N_("the padding was left out; p={p} adds p rows and columns on every side"),
            _SIZE_QUANTITIES,
            lambda lay: _sized(lay) and lay.family != L.CONVT and isinstance(lay.padding, tuple) and any(lay.padding),
        ),
        Misconception(
            "ignored-ceil-mode",
            N_("floor where ceil_mode rounds up"),
            N_("floor was used, but ceil_mode=True rounds up (dropping only a window that would start in the padding)"),
            _SIZE_QUANTITIES,
            lambda lay: _windowed(lay) and lay.ceil_mode,
        ),
        Misconception(
            "forgot-bias",
            N_("weights only"),
            N_("the weight count only; the {c_out} biases are missing"),
            frozenset({"params", "bias"}),
            lambda lay: lay.family in (L.CONV, L.CONVT, L.LINEAR) and lay.bias,
        ),
        Misconception(
            "forgot-in-channels",
            N_("K·K·N (+N)"),
            N_("the {c_in} input channels are missing; each filter spans all of them (K·K·C_in weights per filter)"),
            frozenset({"weights", "params", "macs", "flops"}),
            lambda lay: _conv_like(lay) and lay.in_channels > 1,
        ),
        Misconception(
            "ignored-groups",
            N_("a grouped conv counted as a standard one"),
            N_("the groups were ignored; with g={g} each filter sees only C_in/g = {c_in_per_group} channels"),
            frozenset({"weights", "params", "macs", "flops"}),
            lambda lay: _conv_like(lay) and lay.groups > 1,
        ),
        Misconception(
            "ignored-dilation",
            N_("K where the effective kernel is d·(K-1)+1"),
            N_("K = {k} was used, but dilation d={d} stretches the kernel to d·(K-1)+1 = {k_eff}"),
            _SIZE_QUANTITIES,
            lambda lay: _sized(lay) and any(d > 1 for d in lay.dilation),
        ),
        Misconception(
            "input-size-for-macs",
            N_("multiplies by the input's spatial size"),
            N_(
                "the input size {in_spatial} was used; each output position costs one kernel's MACs, "
                "so multiply by the output size {out_spatial}"
            ),
            frozenset({"macs", "flops"}),
            lambda lay: _conv_like(lay),
        ),
        Misconception(
            "macs-vs-flops",
            N_("a factor of 2 either way"),
            N_("off by a factor of 2; one MAC is a multiply plus an add, so FLOPs = 2 × MACs"),
            frozenset({"macs", "flops"}),
            lambda lay: lay.family in (L.CONV, L.CONVT, L.LINEAR),
        ),
        Misconception(
            "pool-windows-from-input",
            N_("(W_in/S)² windows, kernel ignored"),
            N_(
                "the input size was divided by the stride; there is one window per output element, "
                "and the output size is floor((W - K + 2P)/S) + 1"
            ),
            _POOL_QUANTITIES,
            _windowed,
        ),
        Misconception(
            "pool-stride-twice",
            N_("C·⌈W_out/S⌉·⌈H_out/S⌉"),
            N_(
                "the output size was divided by the stride again; the stride is already in the output size, "
                "so each channel has H_out × W_out windows"
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
            N_(
                "K·K per window; the largest of n values takes n - 1 comparisons (and a sum of n values, n - 1 additions)"
            ),
            frozenset({"comparisons", "additions"}),
            lambda lay: lay.is_pool,
        ),
        Misconception(
            "transposed-as-conv",
            N_("the conv output formula for a transposed conv"),
            N_("the conv formula was used; a transposed conv grows the size: (W - 1)·S - 2P + D·(K - 1) + OP + 1"),
            frozenset({"output", "macs", "flops"}),
            lambda lay: lay.family == L.CONVT,
        ),
    ]
}


def explain_combo(layer: Layer, ids: tuple[str, ...] | list[str]) -> str:
    """One sentence for a misconception or a combination: "the weight count only; the 96 biases are missing"."""
    return _("; and ").join(CATALOGUE[i].explain(layer) for i in ids)


@lru_cache(maxsize=4096)
def context(layer: Layer) -> dict[str, object]:
    """Numbers an explanation may name."""
    spatial = layer.spatial
    out = output_spatial(layer) if layer.has_kernel or layer.is_pool else spatial
    k = layer.kernel[0] if layer.kernel else 0
    d = layer.dilation[0] if layer.dilation else 1
    return {
        "c_in": f"{layer.in_channels:,}",
        "c_out": f"{layer.out if layer.out is not None else layer.in_channels:,}",
        "g": layer.groups,
        "c_in_per_group": layer.in_channels // max(layer.groups, 1),
        "k": "×".join(map(str, layer.kernel)) if layer.kernel else "",
        "d": d,
        "k_eff": geometry.effective_kernel(k, d),
        "p": layer.padding if isinstance(layer.padding, str) else (layer.padding[0] if layer.padding else 0),
        "in_spatial": "×".join(map(str, spatial)),
        "out_spatial": "×".join(map(str, out)),
    }


def applicable(layer: Layer, quantity: str) -> list[Misconception]:
    """Misconceptions that can change ``quantity`` for ``layer``."""
    return [m for m in CATALOGUE.values() if quantity in m.quantities and m.applies(layer)]


# --- the flawed calculator --------------------------------------------------------------------


def _out_size_variants(layer: Layer, flags: frozenset[str]) -> list[Shape]:
    """Spatial output sizes as computed under ``flags``; several where a rule has variants."""
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return [layer.output_size]
    if not layer.has_kernel:
        return [layer.spatial]
    pads = L.resolved_padding(layer)
    variants: list[list[Scalar]] = [[], []] if "no-floor" in flags else [[]]
    for i, n in enumerate(layer.spatial):
        k, s = layer.kernel[i], layer.stride[i]
        d = layer.dilation[i] if layer.dilation else 1
        keff = k if "ignored-dilation" in flags else geometry.effective_kernel(k, d)
        before, after = pads[i]
        if layer.family == L.CONVT and "transposed-as-conv" not in flags:
            out = (n - 1) * s - before - after + keff - 1 + layer.output_padding[i] + 1
            for v in variants:
                v.append(out)
            continue
        pad_total = 0 if "ignored-padding" in flags else before if "padding-once" in flags else before + after
        padded = n + pad_total
        plus = 0 if "forgot-plus-one" in flags else 1
        if "precedence" in flags:
            for v in variants:
                v.append(n - keff + _div(pad_total, s) + plus)
            continue
        span = padded - keff
        if "no-floor" in flags:
            variants[0].append(_div(span, s) + plus)
            variants[1].append(-(-span // s) + plus)
            continue
        if layer.ceil_mode and layer.is_pool and "ignored-ceil-mode" not in flags:
            out = -(-span // s) + 1
            if (out - 1) * s >= n + before:
                out -= 1
            out += plus - 1
        else:
            out = span // s + plus
        for v in variants:
            v.append(out)
    return [tuple(v) for v in variants]


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
    if "forgot-in-channels" in flags:
        return prod(layer.kernel) * c_out
    if layer.family == L.CONVT:
        return prod(layer.kernel) * c_in * (c_out // g)
    return prod(layer.kernel) * (c_in // g) * c_out


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


def _quantity(layer: Layer, quantity: str, flags: frozenset[str], spatial: Shape) -> list[Scalar | Shape]:
    fam = layer.family
    if quantity == "output":
        if fam == L.LINEAR:
            return [(layer.out or 0,)]
        channels = layer.out if fam in (L.CONV, L.CONVT) else layer.in_channels
        return [(*spatial, channels or 0)] if layer.has_kernel or layer.is_pool else [solve(layer).output_shape]
    if quantity in ("weights", "bias", "params"):
        if fam not in (L.CONV, L.CONVT, L.LINEAR):
            return [solve(layer).params.total] if quantity == "params" else [0]
        weights = _weights(layer, flags)
        bias = (layer.out or 0) if layer.bias and "forgot-bias" not in flags else 0
        return [{"weights": weights, "bias": bias, "params": weights + bias}[quantity]]
    if quantity in ("macs", "flops"):
        if fam not in (L.CONV, L.CONVT, L.LINEAR):
            return [0]
        weights = _weights(layer, flags)
        if fam == L.LINEAR:
            positions: Scalar = 1
        elif "input-size-for-macs" in flags or (fam == L.CONVT and "transposed-as-conv" not in flags):
            positions = prod(layer.spatial)
        else:
            positions = prod(spatial)
        macs = weights * positions
        if quantity == "macs":
            return [macs * 2, _div(macs, 2)] if "macs-vs-flops" in flags else [macs]
        return [macs, macs * 4] if "macs-vs-flops" in flags else [2 * macs]
    if quantity in _POOL_QUANTITIES:
        return _pool_quantity(layer, quantity, flags, spatial)
    raise KeyError(quantity)


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
    if layer.kernel:
        per = prod(layer.kernel) - (0 if "pool-k2-comparisons" in flags else 1)
        return [_whole(w * per) for w in windows]
    pool = solve(layer).pool
    assert pool is not None
    base = _div(pool.elements_read * channels, layer.in_channels)
    return [_whole(base - (0 if "pool-k2-comparisons" in flags else w)) for w in windows]


def explain_value(
    layer: Layer,
    quantity: str,
    claimed: Callable[[Scalar | Shape], bool],
    output_override: Shape | None = None,
    max_combo: int = 2,
) -> list[tuple[str, ...]]:
    """The misconceptions (singly, then in pairs) whose wrong value ``claimed`` accepts.

    Returns the smallest combinations that explain the value, each as a tuple of ids.
    """
    ids = [m.id for m in applicable(layer, quantity)]
    correct = wrong_values(layer, quantity, frozenset(), output_override)
    found: list[tuple[str, ...]] = []
    for size in range(1, max_combo + 1):
        for combo in itertools.combinations(ids, size):
            values = wrong_values(layer, quantity, frozenset(combo), output_override)
            if any(claimed(v) for v in _with_rounding(values) if v not in correct):
                found.append(combo)
        if found:
            return found
    return found


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


def distractors(layer: Layer, quantity: str, limit: int = 3) -> list[tuple[Scalar | Shape, tuple[str, ...]]]:
    """Distinct whole wrong values with the misconception(s) behind each, singles before pairs."""
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
                        return found
    return found


def _is_whole(v: Scalar | Shape) -> bool:
    if isinstance(v, tuple):
        return not any(_fractional(x) for x in v)
    return not _fractional(v)


def _positive(v: Scalar | Shape) -> bool:
    return all(x > 0 for x in v) if isinstance(v, tuple) else v > 0
