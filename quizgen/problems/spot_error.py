"""Spot the error: a flawed worked solution, the wrong step marked by the student, and the right value."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.arith.solver import solve
from quizgen.errors import QuizgenError
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import bias_adds_step, explain
from quizgen.i18n import N_, _, language, sentences
from quizgen.problems.problem import FlawedLine, Part, Problem, Wrong, wrongs_for
from quizgen.problems.registry import describe, kind
from quizgen.problems.working import kind_title, worked_step

if TYPE_CHECKING:
    from fractions import Fraction

# --- spot the error -------------------------------------------------------------------------------
#
# A flawed worked solution is a chain of lines, each (formula, substituted numbers, value).  Exactly one
# line applies a misconception's rule; every other line applies the right formula to the layer's settings
# and to the values shown in earlier lines, so a wrong value is carried forward visibly.

SCENARIOS: dict[int, list[tuple[str, tuple[str, ...]]]] = {
    1: [
        ("conv", ("forgot-bias",)),
        ("conv", ("forgot-in-channels",)),
        ("pool", ("pool-forgot-channels",)),
        ("pool", ("pool-k2-comparisons",)),
    ],
    2: [
        ("conv", ("precedence",)),
        ("conv", ("padding-once",)),
        ("conv", ("stride-ignored",)),
        ("conv", ("input-size-for-macs",)),
        ("conv", ("macs-vs-flops",)),
        ("pool", ("pool-stride-twice", "pool-forgot-channels")),
        ("pool", ("pool-windows-from-input",)),
    ],
    3: [
        ("dilated", ("ignored-dilation",)),
        ("grouped", ("ignored-groups",)),
        ("inexact", ("no-floor",)),
        ("pool", ("pool-stride-twice", "pool-forgot-channels")),
    ],
}


def _scenario_spec(rng: random.Random, family: str, difficulty: int) -> str:
    """A square 2-D layer for a scenario, drawn from sizes, channels and kernels of real networks.

    Level 1 keeps stride 1 and no padding for convs (DESIGN section 5).
    """
    c = rng.choice
    n, c_in, c_out = c([227, 224, 112, 65, 64, 56, 32, 28]), c([3, 16, 32, 64, 96, 128]), c([32, 64, 96, 128, 256])
    if family == "conv":
        k = c([3, 5, 7, 11])
        s, p = (1, 0) if difficulty == 1 else (c([1, 2, 2, 4]), c([0, k // 2, k // 2 - 1 or 0]))
        return f"conv2d in={n}x{n}x{c_in} out={c_out} k={k} s={s} p={p}"
    if family == "dilated":
        d = c([2, 3, 4])
        return f"conv2d in={n}x{n}x{c_in} out={c_out} k=3 d={d} p={c([0, d])}"
    if family == "grouped":
        return f"conv2d in={n}x{n}x{c([64, 128, 256])} out={c([64, 128, 256])} k=3 p=1 g={c([2, 4, 8, 16, 32])}"
    if family == "inexact":  # an odd span over stride 2: the division leaves a half
        k, p = c([3, 4, 5, 7]), c([0, 1, 2, 3])
        n = c([m for m in (227, 224, 112, 56, 32) if (m + 2 * p - k) % 2])
        return f"conv2d in={n}x{n}x{c_in} out={c_out} k={k} s=2 p={p}"
    # pool: no padding, since whether padded positions count as comparisons is a convention
    n = c([112, 56, 55, 28, 27, 14, 13])
    return f"maxpool2d in={n}x{n}x{c([64, 96, 128, 256, 512])} k={c([2, 3, 3])} s=2"


_CHAIN_LABELS = {
    "output_size": N_("Output size (height = width)"),
    "weights": N_("Weights"),
    "params": N_("Parameters"),
    "macs": N_("MACs"),
    "flops": N_("FLOPs"),
    "flops+bias": N_("FLOPs with bias adds"),
    "windows": N_("Pooling windows"),
    "comparisons": N_("Comparisons"),
    "output_bytes": N_("Output memory (bytes, fp32)"),
}


_CHAIN_CONVENTION = {
    "flops": N_("MACs are multiply-accumulates, bias adds not counted; FLOPs = 2 × MACs."),
    "flops+bias": N_(
        "MACs are multiply-accumulates; FLOPs with bias adds = 2 × MACs plus one add per output element for the bias."
    ),
}


#: A value a worked line computes: whole, or exact when a flawed rule divides unevenly.
Num: TypeAlias = "int | Fraction"


class _Line(NamedTuple):
    quantity: str
    formula: str
    substituted: str
    value: Num
    uses: tuple[int, ...] = ()


def _worded(formula: str) -> str:
    """A flawed line's formula with its words ("weights", "windows") in the active language."""
    return re.sub(r"\b(weights|windows)\b", lambda m: _(m.group(1)), formula)


def _fmt(x: Num) -> str:
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


def _q(a: Num, b: Num) -> Num:
    """``a / b`` exactly, an int when whole."""
    from fractions import Fraction

    v = Fraction(a) / Fraction(b)
    return v.numerator if v.denominator == 1 else v


def _ceil(x: Num) -> int:
    from fractions import Fraction

    return -(-Fraction(x).numerator // Fraction(x).denominator)


def _output_line(layer: Layer, ids: frozenset[str]) -> _Line:
    """The output size along one side (the scenarios are square), right or under one misconception."""
    n, k, s, d = layer.spatial[0], layer.kernel[0], layer.stride[0], layer.dilation[0]
    p = layer.padding[0] if isinstance(layer.padding, tuple) else 0
    if "precedence" in ids:
        return _Line("output_size", "W - K + 2P/S + 1", f"{n} - {k} + 2·{p}/{s} + 1", n - k + _q(2 * p, s) + 1)
    if "padding-once" in ids:
        return _Line(
            "output_size", "floor((W - K + P)/S) + 1", f"floor(({n} - {k} + {p})/{s}) + 1", (n - k + p) // s + 1
        )
    if "stride-ignored" in ids:
        return _Line("output_size", "W - K + 2P + 1", f"{n} - {k} + 2·{p} + 1", n - k + 2 * p + 1)
    if "no-floor" in ids:
        return _Line("output_size", "(W - K + 2P)/S + 1", f"({n} - {k} + 2·{p})/{s} + 1", _q(n - k + 2 * p, s) + 1)
    if d > 1 and "ignored-dilation" not in ids:
        span = n + 2 * p - d * (k - 1) - 1
        return _Line(
            "output_size",
            "floor((W + 2P - D·(K - 1) - 1)/S) + 1",
            f"floor(({n} + 2·{p} - {d}·({k} - 1) - 1)/{s}) + 1",
            span // s + 1,
        )
    return _Line(
        "output_size", "floor((W - K + 2P)/S) + 1", f"floor(({n} - {k} + 2·{p})/{s}) + 1", (n - k + 2 * p) // s + 1
    )


def _conv_lines(layer: Layer, ids: frozenset[str], values: list[Num], count: str = "macs") -> _Line:
    """The next line of a conv chain, given the values shown so far; the last is compute in ``count``'s terms."""
    k, c_in, c_out, g = layer.kernel[0], layer.in_channels, layer.out or 0, layer.groups
    n = layer.spatial[0]
    step = len(values)
    if step == 0:
        return _output_line(layer, ids)
    if step == 1:
        if "forgot-in-channels" in ids:
            return _Line("weights", "K·K·C_out", f"{k}·{k}·{c_out}", k * k * c_out)
        if g > 1 and "ignored-groups" not in ids:
            return _Line("weights", "K·K·(C_in/g)·C_out", f"{k}·{k}·({c_in}/{g})·{c_out}", k * k * (c_in // g) * c_out)
        return _Line("weights", "K·K·C_in·C_out", f"{k}·{k}·{c_in}·{c_out}", k * k * c_in * c_out)
    w, o = values[1], values[0]
    if step == 2:
        if "forgot-bias" in ids:
            return _Line("params", "weights", _fmt(w), w, (2,))
        return _Line("params", "weights + C_out", f"{_fmt(w)} + {c_out}", w + c_out, (2,))
    if step == 3:
        if "input-size-for-macs" in ids:
            return _Line("macs", "weights × H_in × W_in", f"{_fmt(w)} × {n} × {n}", w * n * n, (2,))
        if "macs-vs-flops" in ids:
            return _Line(
                "macs",
                "2 × weights × H_out × W_out",
                f"2 × {_fmt(w)} × {_fmt(o)} × {_fmt(o)}",
                2 * w * o * o,
                (1, 2),
            )
        return _Line("macs", "weights × H_out × W_out", f"{_fmt(w)} × {_fmt(o)} × {_fmt(o)}", w * o * o, (1, 2))
    macs = values[3]
    if count == "flops+bias" and layer.bias:
        return _Line(
            "flops+bias",
            "2 × MACs + C_out × H_out × W_out",
            f"2 × {_fmt(macs)} + {c_out} × {_fmt(o)} × {_fmt(o)}",
            2 * macs + c_out * o * o,
            (1, 4),
        )
    return _Line("flops", "2 × MACs", f"2 × {_fmt(macs)}", 2 * macs, (4,))


def _pool_lines(layer: Layer, ids: frozenset[str], values: list[Num], count: str = "macs") -> _Line:
    """The next line of a max-pooling chain, given the values shown so far."""
    k, s, c, n = layer.kernel[0], layer.stride[0], layer.in_channels, layer.spatial[0]
    step = len(values)
    if step == 0:
        return _output_line(layer, ids)
    o = values[0]
    if step == 1:
        if "pool-stride-twice" in ids:
            sub = f"⌈{_fmt(o)}/{s}⌉ × ⌈{_fmt(o)}/{s}⌉"
            side = _ceil(_q(o, s))
            if "pool-forgot-channels" in ids:
                return _Line("windows", "⌈H_out/S⌉ × ⌈W_out/S⌉", sub, side * side, (1,))
            return _Line("windows", "C × ⌈H_out/S⌉ × ⌈W_out/S⌉", f"{c} × {sub}", c * side * side, (1,))
        if "pool-windows-from-input" in ids:
            return _Line(
                "windows",
                "C × (H_in/S) × (W_in/S)",
                f"{c} × ({n}/{s}) × ({n}/{s})",
                c * _q(n, s) * _q(n, s),
            )
        if "pool-forgot-channels" in ids:
            return _Line("windows", "H_out × W_out", f"{_fmt(o)} × {_fmt(o)}", o * o, (1,))
        return _Line("windows", "C × H_out × W_out", f"{c} × {_fmt(o)} × {_fmt(o)}", c * o * o, (1,))
    if step == 2:
        windows = values[1]
        if "pool-k2-comparisons" in ids:
            return _Line("comparisons", "windows × K·K", f"{_fmt(windows)} × {k}·{k}", windows * k * k, (2,))
        return _Line(
            "comparisons",
            "windows × (K·K - 1)",
            f"{_fmt(windows)} × ({k}·{k} - 1)",
            windows * (k * k - 1),
            (2,),
        )
    return _Line("output_bytes", "4 × H_out × W_out × C", f"4 × {_fmt(o)} × {_fmt(o)} × {c}", 4 * o * o * c, (1,))


def _whole_line(line: _Line) -> _Line:
    """A whole Fraction becomes an int, so it prints and compares as one."""
    from fractions import Fraction

    v = line.value
    return line._replace(value=v.numerator) if isinstance(v, Fraction) and v.denominator == 1 else line


def _chain(layer: Layer, ids: frozenset[str], count: str = "macs") -> list[_Line]:
    """The whole chain under ``ids`` (empty: the right solution); each line computed from the lines before."""
    make = _pool_lines if layer.is_pool else _conv_lines
    lines: list[_Line] = []
    values: list[Num] = []
    for _i in range(4 if layer.is_pool else 5):
        line = _whole_line(make(layer, ids, values, count))
        lines.append(line)
        values.append(line.value)
    return lines


@lru_cache(maxsize=4096)  # a pure function of its arguments, asked again for each scenario drawn
def _wrong_line(layer: Layer, ids: frozenset[str], count: str = "macs") -> int | None:
    """The one line that applies the misconception: the first whose value differs when all before it are right."""
    right = _chain(layer, frozenset(), count)
    for i in range(len(right)):
        make = _pool_lines if layer.is_pool else _conv_lines
        line = _whole_line(make(layer, ids, [r.value for r in right[:i]], count))
        if line.value != right[i].value:
            return i
    return None


def spot_error_problem(rng: random.Random, difficulty: int, count: str) -> Problem:
    """A worked solution with exactly one wrong step (later steps carry its value visibly); find it, fix it."""
    return spot_error_draft(rng, difficulty, count)[1]()


def spot_error_draft(rng: random.Random, difficulty: int, count: str) -> tuple[tuple[str, ...], Callable[[], Problem]]:
    """The quantities a spot-the-error problem asks, and how to make it (see :data:`registry.Drafter`).

    Only the scenario and its layer are drawn from ``rng``; the rest follows from them, and is made once per
    run for each (a 1,000-problem sheet draws the same scenario again and again while it looks for fresh ones).
    """
    for _attempt in range(200):
        family, ids = rng.choice(SCENARIOS[difficulty])
        try:
            layer = spec.parse(_scenario_spec(rng, family, difficulty))
        except QuizgenError:
            continue
        flags = frozenset(ids)
        wrong_at = _wrong_line(layer, flags, count)
        if (wrong_at is not None and wrong_at > 0) or (wrong_at == 0 and _positive_chain(layer, flags)):
            break
    else:  # pragma: no cover
        raise AssertionError("no spot-the-error scenario applied")
    assert wrong_at is not None
    asks = ("step", _chain(layer, frozenset(), count)[wrong_at].quantity)  # the parts _spot_error_made makes
    return asks, lambda: _spot_error_made(layer, ids, wrong_at, difficulty, count, language())


@lru_cache(maxsize=4096)
def _spot_error_made(
    layer: Layer, ids: tuple[str, ...], wrong_at: int, difficulty: int, count: str, _lang: str
) -> Problem:
    """The problem of one drawn scenario (in the language ``_lang``, which the texts are in)."""
    flags = frozenset(ids)
    right = _chain(layer, frozenset(), count)
    make = _pool_lines if layer.is_pool else _conv_lines
    shown: list[_Line] = []
    for i in range(len(right)):
        # Lines before the error are right; the error line applies the misconception; later lines apply the
        # right formula to the values shown before them.
        line = _whole_line(make(layer, flags if i == wrong_at else frozenset(), [x.value for x in shown], count))
        shown.append(line)
    bad = {wrong_at}
    statuses = []
    for i, line in enumerate(shown):
        if i == wrong_at:
            statuses.append("wrong")
        elif i > wrong_at and any(u - 1 in bad for u in line.uses):
            bad.add(i)
            statuses.append("carried")
        else:
            statuses.append("right")
    lines = tuple(
        FlawedLine(
            i + 1,
            _(_CHAIN_LABELS[line.quantity]),
            line.quantity,
            _worded(line.formula),
            line.substituted,
            line.value,
            _fmt(line.value),
            status,
            line.uses,
        )
        for i, (line, status) in enumerate(zip(shown, statuses))
    )
    why = M.explain_combo(layer, ids)
    step_wrongs = []
    for ln in lines[wrong_at + 1 :]:
        if ln.status == "carried":
            source = next(u for u in ln.uses if lines[u - 1].status != "right")
            step_wrongs.append(
                Wrong(
                    ln.number,
                    ("carried-error",),
                    _("step {n} applies the right formula to the wrong value carried from step {m}").format(
                        n=ln.number, m=source
                    ),
                )
            )
        else:
            step_wrongs.append(Wrong(ln.number, ("correct-step",), _("this step is right")))
    step_wrongs.sort(key=lambda w: w.ids != ("carried-error",))
    step_wrongs += [Wrong(ln.number, ("correct-step",), _("this step is right")) for ln in lines[:wrong_at]]
    step_part = Part(
        _("Number of the wrong step"),
        "step",
        wrong_at + 1,
        tuple(step_wrongs),
        hint=_("Check each step in order; a later step can be wrong only because it uses an earlier wrong value."),
    )
    fixed = right[wrong_at]
    assert isinstance(fixed.value, int)  # a right worked solution is whole at every step
    flawed_value = lines[wrong_at].value
    value_wrongs = [Wrong(flawed_value, ids, why)] if isinstance(flawed_value, int) else []
    for w in _catalogue_wrongs(layer, fixed.quantity, fixed.value):
        if w.value not in [x.value for x in value_wrongs]:
            value_wrongs.append(w)
    value_part = Part(
        _("Right value of that step"),
        fixed.quantity,
        fixed.value,
        tuple(value_wrongs),
    )
    sol = solve(layer)
    chain_q = {"output_size": "output"}
    wanted = {chain_q.get(x.quantity, x.quantity) for x in right} | {"weights", "bias"}
    steps = [st for st in explain(sol) if st.quantity in wanted]
    if "flops+bias" in wanted:
        steps = [st for st in steps if st.quantity != "flops"] + [bias_adds_step(sol)]
    carried = [str(ln.number) for ln in lines if ln.status == "carried"]
    if not carried:
        title = _("The error is step {n}: {why}. Step {n} done right").format(n=wrong_at + 1, why=why)
    elif len(carried) == 1:
        title = _(
            "The error is step {n}: {why}. Step {carried} applies the right formula to the wrong value it carries. "
            "Step {n} done right"
        ).format(n=wrong_at + 1, why=why, carried=carried[0])
    else:
        title = _(
            "The error is step {n}: {why}. Steps {carried} apply the right formula to the wrong value they carry. "
            "Step {n} done right"
        ).format(n=wrong_at + 1, why=why, carried=_(", ").join(carried))
    steps.append(worked_step(title, _worded(fixed.formula), fixed.substituted, _fmt(fixed.value), quantity="step"))
    text = _(
        "A student solved this layer and wrote the steps below. {layer} Which step is the first wrong one, and "
        "what is its right value?"
    ).format(layer=describe(layer))
    if not layer.is_pool:
        last = right[-1].quantity
        text = sentences(text, _(_CHAIN_CONVENTION[last]))
    return Problem(
        "spot-error",
        kind_title("spot-error"),
        difficulty,
        text,
        (step_part, value_part),
        tuple(steps),
        spec=spec.format_layer(layer),
        flawed=tuple((f"{ln.number}. {ln.label}", ln.working) for ln in lines),
        layer=layer,
        flawed_lines=lines,
    )


def _catalogue_wrongs(layer: Layer, quantity: str, answer: int) -> list[Wrong]:
    """Other wrong values of a chain line from the misconception catalogue (one side, for the output size)."""
    if quantity != "output_size":
        return list(wrongs_for(layer, quantity, answer))
    sides = []
    for w in wrongs_for(layer, "output", solve(layer).output_shape):
        if isinstance(w.value, tuple) and len(set(w.value[:-1])) == 1 and w.value[0] != answer:
            sides.append(w._replace(value=w.value[0]))
    return sides


def _positive_chain(layer: Layer, ids: frozenset[str]) -> bool:
    """The flawed output size is positive, so the carried lines stay meaningful."""
    make = _pool_lines if layer.is_pool else _conv_lines
    return make(layer, ids, []).value > 0


@kind(
    "spot-error",
    N_("Spot the error"),
    N_("the wrong step in a flawed worked solution, and the right value"),
    draft=spot_error_draft,
)
def _spot_error(rng: random.Random, difficulty: int, count: str) -> Problem:
    return spot_error_problem(rng, difficulty, count)
