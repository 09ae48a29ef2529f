"""The flawed calculator: named, reusable wrong answers, computed (DESIGN section 4).

Each misconception of the catalogue (:mod:`quizgen.explain.catalogue`, re-exported here) is a flag on a
small *flawed calculator* that redoes the solver's arithmetic the way a student who holds it would.  Flags
compose, so a pair such as ``pool-stride-twice`` + ``pool-forgot-channels`` (the seed post's 196 windows)
needs no extra code.  The same values serve as multiple-choice distractors, drill feedback and errata.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from functools import lru_cache
from math import ceil, floor, prod

from quizgen.arith import geometry
from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.arith.solver import solve
from quizgen.explain import flawed_modern
from quizgen.explain.catalogue import (
    CATALOGUE,
    COMPUTE,
    POOL_QUANTITIES,
    QUANTITIES,
    Misconception,
    Scalar,
    Shape,
    applicable,
    context,
    explain_causes,
    explain_combo,
    likely,
    likely_first,
    say,
)

# --- the flawed calculator --------------------------------------------------------------------


#: The flags :func:`_out_size_variants` reads; under any other, the output sizes are the right ones.
_SIZE_FLAGS = frozenset(
    {
        "output-equals-input",
        "swapped-hw",
        "ignored-dilation",
        "stride-ignored",
        "transposed-as-conv",
        "ignored-padding",
        "padding-once",
        "forgot-plus-one",
        "precedence",
        "no-floor",
        "used-ceil",
        "ignored-ceil-mode",
    }
)


def _out_size_variants(layer: Layer, flags: frozenset[str]) -> list[Shape]:
    """Spatial output sizes as computed under ``flags``; several where a rule has variants."""
    return list(_out_sizes(layer, flags & _SIZE_FLAGS))


@lru_cache(maxsize=16384)  # the sizes under most flags are the same: a layer's distractors ask for them often
def _out_sizes(layer: Layer, flags: frozenset[str]) -> tuple[Shape, ...]:
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return (layer.spatial if "output-equals-input" in flags else layer.output_size,)
    if not layer.has_kernel:
        return (layer.spatial,)
    if "output-equals-input" in flags:
        return (layer.spatial,)
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
    return (tuple(out_sizes),)


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


def _output(layer: Layer, spatial: Shape, flags: frozenset[str] = frozenset()) -> Shape:
    fam = layer.family
    if fam == L.LINEAR:
        return (*layer.input_shape[:-1], layer.out or 0)
    if layer.has_kernel or layer.is_pool:
        channels = layer.out if fam in (L.CONV, L.CONVT) and "channels-from-input" not in flags else layer.in_channels
        return (*spatial, channels or 0)
    return solve(layer).output_shape


def _bytes(values: Iterable[Scalar], flags: frozenset[str]) -> list[Scalar]:
    per = 1 if "bytes-as-values" in flags else 32 if "bits-not-bytes" in flags else 4
    return [per * v for v in values]


def _quantity(layer: Layer, quantity: str, flags: frozenset[str], spatial: Shape) -> list[Scalar | Shape]:
    fam = layer.family
    if fam in flawed_modern.FAMILIES:
        return flawed_modern.quantity(layer, quantity, flags, _bytes)
    if quantity == "trainable":
        if fam == L.BATCHNORM:
            return [4 * layer.in_channels if "bn-running-stats-trainable" in flags else 2 * layer.in_channels]
        return _quantity(layer, "params", flags, spatial)
    if quantity == "output":
        return [_output(layer, spatial, flags)]
    if quantity == "output_bytes":
        return list(_bytes([prod(_output(layer, spatial, flags))], flags))
    if quantity in ("weights", "bias", "params", "params_bytes"):
        if fam not in (L.CONV, L.CONVT, L.LINEAR):
            total = solve(layer).params.total
            values: dict[str, list[Scalar | Shape]] = {"params": [total], "params_bytes": [*_bytes([total], flags)]}
            return values.get(quantity, [0])
        weights, bias = _weights(layer, flags), _biases(layer, flags)
        if quantity == "params_bytes":
            return [*_bytes([weights + bias], flags)]
        return [{"weights": weights, "bias": bias, "params": weights + bias}[quantity]]
    if quantity in COMPUTE:
        if fam not in (L.CONV, L.CONVT, L.LINEAR):
            return [0]
        return _compute(layer, quantity, flags, spatial)
    if quantity in POOL_QUANTITIES:
        return _pool_quantity(layer, quantity, flags, spatial)
    raise KeyError(quantity)


def _compute(layer: Layer, quantity: str, flags: frozenset[str], spatial: Shape) -> list[Scalar | Shape]:
    """MACs, FLOPs (2·MACs) or FLOPs with bias adds (2·MACs + one add per output element) under ``flags``."""
    fam = layer.family
    weights = _weights(layer, flags)
    if fam == L.LINEAR:
        positions: Scalar = 1 if "linear-positions-forgotten" in flags else prod(layer.input_shape[:-1])
        out_positions: Scalar = positions
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

    Returns the smallest combinations that explain the value, each as a tuple of ids, those about a
    convention the layer states first (:func:`likely_first`: ceil mode, groups, dilation…).  Combinations
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
            return likely_first(layer, exact or rounded)
    return []


def naming(layer: Layer, quantity: str, claimed: Callable[[Scalar | Shape], bool]) -> list[tuple[str, ...]]:
    """What the drill names for a wrong answer: the first combination :func:`explain_value` finds, and every
    other one of the same size that gives the same value (a page that files each value with its causes,
    :func:`quizgen.problems.feedback.known_wrongs`, names the same)."""
    found = explain_value(layer, quantity, claimed)
    if not found:
        return []
    correct = wrong_values(layer, quantity, frozenset())

    def gives(combo: tuple[str, ...]) -> tuple[list[Scalar | Shape], list[Scalar | Shape]]:
        values = [v for v in wrong_values(layer, quantity, frozenset(combo)) if v not in correct]
        return values, [v for v in _with_rounding(values) if v not in correct and v not in values]

    exact, rounded = gives(found[0])
    tier = 0 if any(claimed(v) for v in exact) else 1
    value = next(v for v in (exact, rounded)[tier] if claimed(v))
    return [combo for combo in found if value in gives(combo)[tier]]


@lru_cache(maxsize=8192)
def causes(
    layer: Layer, quantity: str, values: tuple[Scalar | Shape, ...]
) -> dict[Scalar | Shape, tuple[tuple[str, ...], ...]]:
    """For each wrong value in ``values``, the smallest combinations that give it exactly, likely first.

    The same combinations :func:`explain_value` finds for a claim of exactly that value.  Pairs are searched
    only for values no single misconception gives.
    """
    correct = wrong_values(layer, quantity, frozenset())
    found: dict[Scalar | Shape, list[tuple[str, ...]]] = {}
    ids = [m.id for m in applicable(layer, quantity)]
    for size in (1, 2):
        pending = {v for v in values if v not in found and v not in correct}
        if not pending:
            break
        for combo in itertools.combinations(ids, size):
            for v in wrong_values(layer, quantity, frozenset(combo)):
                if v in pending and combo not in found.setdefault(v, []):
                    found[v].append(combo)
    return {v: tuple(likely_first(layer, combos)) for v, combos in found.items()}


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


__all__ = [
    "CATALOGUE",
    "COMPUTE",
    "Misconception",
    "POOL_QUANTITIES",
    "QUANTITIES",
    "Scalar",
    "Shape",
    "applicable",
    "context",
    "distractors",
    "causes",
    "explain_causes",
    "explain_combo",
    "explain_value",
    "say",
    "likely",
    "likely_first",
    "naming",
    "wrong_values",
]
