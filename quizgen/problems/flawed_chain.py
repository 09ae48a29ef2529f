"""The chains of a spot-the-error problem's worked solution: each line (formula, substituted numbers, value)
computed from the layer and the lines before it, right or under one misconception's rule.

A flawed worked solution is a chain of lines.  Exactly one line applies a misconception's rule; every other
line applies the right formula to the layer's settings and to the values shown in earlier lines, so a wrong
value is carried forward visibly (:mod:`quizgen.problems.spot_error` makes the problem).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from quizgen.arith.layers import Layer

if TYPE_CHECKING:
    from fractions import Fraction

#: A value a worked line computes: whole, or exact when a flawed rule divides unevenly.
Num: TypeAlias = "int | Fraction"


class Line(NamedTuple):
    quantity: str
    formula: str
    substituted: str
    value: Num
    uses: tuple[int, ...] = ()


def fmt(x: Num) -> str:
    """A number as a student writes it: ``116,962,608``, ``111.5``, or ``217/3`` when no decimal ends."""
    if isinstance(x, int):
        return f"{x:,}"
    from fractions import Fraction

    assert isinstance(x, Fraction)
    if x.denominator == 1:
        return f"{x.numerator:,}"
    d = x.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return f"{x.numerator:,}/{x.denominator:,}"
    whole, rest = divmod(x.numerator, x.denominator)
    digits = 0
    while (rest * 10**digits) % x.denominator:
        digits += 1
    return f"{whole:,}." + str(rest * 10**digits // x.denominator).rjust(digits, "0")


def q(a: Num, b: Num) -> Num:
    """``a / b`` exactly, an int when whole."""
    from fractions import Fraction

    v = Fraction(a) / Fraction(b)
    return v.numerator if v.denominator == 1 else v


def ceil(x: Num) -> int:
    from fractions import Fraction

    return -(-Fraction(x).numerator // Fraction(x).denominator)


#: The quantity of the one line each misconception changes: :func:`output_line`, :func:`conv_lines` and
#: :func:`pool_lines` apply it on that line and no other (where it leaves that line's value as it is, it changes no
#: line).  ``tests/test_spot_error.py`` holds every scenario's wrong line to it.
CHANGES = {
    "precedence": "output_size",
    "padding-once": "output_size",
    "stride-ignored": "output_size",
    "no-floor": "output_size",
    "ignored-dilation": "output_size",
    "forgot-in-channels": "weights",
    "ignored-groups": "weights",
    "forgot-bias": "params",
    "input-size-for-macs": "macs",
    "macs-vs-flops": "macs",
    "pool-stride-twice": "windows",
    "pool-windows-from-input": "windows",
    "pool-forgot-channels": "windows",
    "pool-k2-comparisons": "comparisons",
}


def output_line(layer: Layer, ids: frozenset[str]) -> Line:
    """The output size along one side (the scenarios are square), right or under one misconception."""
    n, k, s, d = layer.spatial[0], layer.kernel[0], layer.stride[0], layer.dilation[0]
    p = layer.padding[0] if isinstance(layer.padding, tuple) else 0
    if "precedence" in ids:
        return Line("output_size", "W - K + 2P/S + 1", f"{n} - {k} + 2·{p}/{s} + 1", n - k + q(2 * p, s) + 1)
    if "padding-once" in ids:
        return Line(
            "output_size", "floor((W - K + P)/S) + 1", f"floor(({n} - {k} + {p})/{s}) + 1", (n - k + p) // s + 1
        )
    if "stride-ignored" in ids:
        return Line("output_size", "W - K + 2P + 1", f"{n} - {k} + 2·{p} + 1", n - k + 2 * p + 1)
    if "no-floor" in ids:
        return Line("output_size", "(W - K + 2P)/S + 1", f"({n} - {k} + 2·{p})/{s} + 1", q(n - k + 2 * p, s) + 1)
    if d > 1 and "ignored-dilation" not in ids:
        span = n + 2 * p - d * (k - 1) - 1
        return Line(
            "output_size",
            "floor((W + 2P - D·(K - 1) - 1)/S) + 1",
            f"floor(({n} + 2·{p} - {d}·({k} - 1) - 1)/{s}) + 1",
            span // s + 1,
        )
    return Line(
        "output_size", "floor((W - K + 2P)/S) + 1", f"floor(({n} - {k} + 2·{p})/{s}) + 1", (n - k + 2 * p) // s + 1
    )


def conv_lines(layer: Layer, ids: frozenset[str], values: list[Num], count: str = "macs") -> Line:
    """The next line of a conv chain, given the values shown so far; the last is compute in ``count``'s terms."""
    k, c_in, c_out, g = layer.kernel[0], layer.in_channels, layer.out or 0, layer.groups
    n = layer.spatial[0]
    step = len(values)
    if step == 0:
        return output_line(layer, ids)
    if step == 1:
        if "forgot-in-channels" in ids:
            return Line("weights", "K·K·C_out", f"{k}·{k}·{c_out}", k * k * c_out)
        if g > 1 and "ignored-groups" not in ids:
            return Line("weights", "K·K·(C_in/g)·C_out", f"{k}·{k}·({c_in}/{g})·{c_out}", k * k * (c_in // g) * c_out)
        return Line("weights", "K·K·C_in·C_out", f"{k}·{k}·{c_in}·{c_out}", k * k * c_in * c_out)
    w, o = values[1], values[0]
    if step == 2:
        if "forgot-bias" in ids:
            return Line("params", "weights", fmt(w), w, (2,))
        return Line("params", "weights + C_out", f"{fmt(w)} + {c_out}", w + c_out, (2,))
    if step == 3:
        if "input-size-for-macs" in ids:
            return Line("macs", "weights × H_in × W_in", f"{fmt(w)} × {n} × {n}", w * n * n, (2,))
        if "macs-vs-flops" in ids:
            return Line(
                "macs",
                "2 × weights × H_out × W_out",
                f"2 × {fmt(w)} × {fmt(o)} × {fmt(o)}",
                2 * w * o * o,
                (1, 2),
            )
        return Line("macs", "weights × H_out × W_out", f"{fmt(w)} × {fmt(o)} × {fmt(o)}", w * o * o, (1, 2))
    macs = values[3]
    if count == "flops+bias" and layer.bias:
        return Line(
            "flops+bias",
            "2 × MACs + C_out × H_out × W_out",
            f"2 × {fmt(macs)} + {c_out} × {fmt(o)} × {fmt(o)}",
            2 * macs + c_out * o * o,
            (1, 4),
        )
    return Line("flops", "2 × MACs", f"2 × {fmt(macs)}", 2 * macs, (4,))


def pool_lines(layer: Layer, ids: frozenset[str], values: list[Num], count: str = "macs") -> Line:
    """The next line of a max-pooling chain, given the values shown so far."""
    k, s, c, n = layer.kernel[0], layer.stride[0], layer.in_channels, layer.spatial[0]
    step = len(values)
    if step == 0:
        return output_line(layer, ids)
    o = values[0]
    if step == 1:
        if "pool-stride-twice" in ids:
            sub = f"⌈{fmt(o)}/{s}⌉ × ⌈{fmt(o)}/{s}⌉"
            side = ceil(q(o, s))
            if "pool-forgot-channels" in ids:
                return Line("windows", "⌈H_out/S⌉ × ⌈W_out/S⌉", sub, side * side, (1,))
            return Line("windows", "C × ⌈H_out/S⌉ × ⌈W_out/S⌉", f"{c} × {sub}", c * side * side, (1,))
        if "pool-windows-from-input" in ids:
            return Line(
                "windows",
                "C × (H_in/S) × (W_in/S)",
                f"{c} × ({n}/{s}) × ({n}/{s})",
                c * q(n, s) * q(n, s),
            )
        if "pool-forgot-channels" in ids:
            return Line("windows", "H_out × W_out", f"{fmt(o)} × {fmt(o)}", o * o, (1,))
        return Line("windows", "C × H_out × W_out", f"{c} × {fmt(o)} × {fmt(o)}", c * o * o, (1,))
    if step == 2:
        windows = values[1]
        if "pool-k2-comparisons" in ids:
            return Line("comparisons", "windows × K·K", f"{fmt(windows)} × {k}·{k}", windows * k * k, (2,))
        return Line(
            "comparisons",
            "windows × (K·K - 1)",
            f"{fmt(windows)} × ({k}·{k} - 1)",
            windows * (k * k - 1),
            (2,),
        )
    return Line("output_bytes", "4 × H_out × W_out × C", f"4 × {fmt(o)} × {fmt(o)} × {c}", 4 * o * o * c, (1,))


def whole_line(line: Line) -> Line:
    """A whole Fraction becomes an int, so it prints and compares as one."""
    v = line.value
    if isinstance(v, int):  # most lines: nothing to do, and no import to look up
        return line
    from fractions import Fraction

    return line._replace(value=v.numerator) if isinstance(v, Fraction) and v.denominator == 1 else line


def chain(layer: Layer, ids: frozenset[str], count: str = "macs") -> list[Line]:
    """The whole chain under ``ids`` (empty: the right solution); each line computed from the lines before."""
    make = pool_lines if layer.is_pool else conv_lines
    lines: list[Line] = []
    values: list[Num] = []
    for _i in range(4 if layer.is_pool else 5):
        line = whole_line(make(layer, ids, values, count))
        lines.append(line)
        values.append(line.value)
    return lines


@lru_cache(maxsize=4096)  # every scenario drawn on a layer starts from it
def right_chain(layer: Layer, count: str = "macs") -> tuple[Line, ...]:
    """The right worked solution: :func:`chain` without a misconception."""
    return tuple(chain(layer, frozenset(), count))


@lru_cache(maxsize=4096)  # a pure function of its arguments, asked again for each scenario drawn
def wrong_line(layer: Layer, ids: frozenset[str], count: str = "macs") -> int | None:
    """The one line that applies the misconception: the first whose value differs when all before it are right."""
    right = right_chain(layer, count)
    for i in range(len(right)):
        make = pool_lines if layer.is_pool else conv_lines
        line = whole_line(make(layer, ids, [r.value for r in right[:i]], count))
        if line.value != right[i].value:
            return i
    return None


def positive_chain(layer: Layer, ids: frozenset[str]) -> bool:
    """The flawed output size is positive, so the carried lines stay meaningful."""
    make = pool_lines if layer.is_pool else conv_lines
    return make(layer, ids, []).value > 0
