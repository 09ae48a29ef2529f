"""Inverse problems: find the padding, stride or kernel size that gives a stated output size."""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

from quizgen.arith import spec
from quizgen.arith.solver import solve
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import Step, explain
from quizgen.i18n import N_, _, sentences
from quizgen.problems import draws
from quizgen.problems.problem import Part, Problem, Wrong
from quizgen.problems.registry import describe, kind
from quizgen.problems.working import kind_title, worked_step

if TYPE_CHECKING:
    from fractions import Fraction

# --- inverse problems -----------------------------------------------------------------------------


def inverse_padding_problem(rng: random.Random, difficulty: int) -> Problem:
    """Find the padding that keeps the size ('same')."""
    if difficulty == 3:
        n = rng.choice([224, 227, 112, 56, 57, 28, 32, 64, 299, 150])
        ch, out = draws.channels_at(rng, n)
        k = rng.choice([3, 5, 7])
        s = 2
        layer = spec.parse(f"conv2d in={n}x{n}x{ch} out={out} k={k} s={s} p=same")
        sol = solve(layer)
        before, after = sol.padding[0]
        total = before + after
        text = _(
            "A {k} × {k} convolution with stride 2 and TensorFlow's 'same' padding takes a {n} × {n} × {c} "
            "input, so its output is ceil({n}/2) = {o} on a side. How many rows of padding go on the top, and "
            "how many on the bottom?"
        ).format(k=k, n=n, c=ch, o=sol.output_shape[0])
        parts = (
            Part(
                _("Padding on the top"),
                "pad_before",
                before,
                (
                    Wrong(
                        total,
                        ("same-total-padding",),
                        _("that is the total padding; split it, the odd row goes at the bottom"),
                    ),
                ),
                hint=_("Total = max((out - 1)·S + K - W, 0)."),
            ),
            Part(
                _("Padding on the bottom"),
                "pad_after",
                after,
                (Wrong(before, ("same-symmetric",), _("TensorFlow puts the odd row at the bottom")),)
                if before != after
                else (),
            ),
        )
        steps = tuple(s for s in explain(sol) if s.quantity == "output")
        return Problem(
            "inverse-padding",
            kind_title("inverse-padding"),
            3,
            text,
            parts,
            steps,
            spec=spec.format_layer(layer),
            layer=layer,
        )
    n = rng.choice([224, 112, 56, 32, 28, 64, 14, 128, 16, 7] if difficulty == 1 else [65, 33, 129, 64, 56, 28, 32, 14])
    ch, out = draws.channels_at(rng, n)
    k = rng.choice(([3, 5, 7, 11] if ch <= 3 else [3, 5, 7]) if difficulty == 1 else [3, 5])
    d = 1 if difficulty == 1 else rng.choice([2, 3, 4, 6])
    p = d * (k - 1) // 2
    layer = spec.parse(f"conv2d in={n}x{n}x{ch} out={out} k={k} d={d} p={p}")
    k_eff = d * (k - 1) + 1
    wrongs = [
        Wrong(k_eff - 1, ("same-total-padding",), _("that is the total padding for both sides; each side gets half"))
    ]
    if d > 1:
        wrongs.append(Wrong((k - 1) // 2, ("ignored-dilation",), M.CATALOGUE["ignored-dilation"].explain(layer)))
    text = sentences(  # run together as the language writes them: no space after "。"
        describe(layer).replace(_("padding {p}").format(p=p), _("padding P")),
        _("What padding P (on each side) keeps the output {n} × {n}?").format(n=n),
    )
    steps = (
        worked_step(
            _("Keep the size"),
            "W = W + 2P - D·(K - 1), so P = D·(K - 1)/2",
            f"P = {d}·({k} - 1)/2",
            str(p),
            r"P = \frac{D(K - 1)}{2}",
            rf"\frac{{{d}({k} - 1)}}{{2}}",
            "p",
        ),
        *[s for s in explain(solve(layer)) if s.quantity == "output"],
    )
    return Problem(
        "inverse-padding",
        kind_title("inverse-padding"),
        difficulty,
        text,
        (Part(_("Padding P"), "p", p, tuple(wrongs), hint=_("Output = W + 2P - D·(K - 1); set it equal to W.")),),
        steps,
        spec=spec.format_layer(layer),
        layer=layer,
        asked_spec=_unknown(spec.format_layer(layer), "p"),
    )


def _unknown(text: str, key: str) -> str:
    """A spec with one key's value replaced by ``?``: what the student is asked to find."""
    return re.sub(rf"(?<= ){key}=\S+", f"{key}=?", text)


def inverse_problem(rng: random.Random, difficulty: int, key: str) -> Problem:
    """Find the stride (``key="s"``) or the kernel size (``key="k"``) from the input and output sizes."""
    kind_id = "inverse-stride" if key == "s" else "inverse-kernel"
    n, k, s, p = rng.choice(draws.inverse_cases(difficulty, key))
    cin, cout = draws.channels_at(rng, n)
    layer = spec.parse(f"conv2d in={n}x{n}x{cin} out={cout} k={k} s={s} p={p}")
    out = solve(layer).output_shape[0]
    answer = s if key == "s" else k
    odd_only = key == "k" and s > 1
    wrongs: list[Wrong] = []
    if key == "s":
        if (n + 2 * p - k) % out == 0 and (n + 2 * p - k) // out != s:
            wrongs.append(
                Wrong((n + 2 * p - k) // out, ("forgot-plus-one",), _("the +1 was left out: out = (W - K + 2P)/S + 1"))
            )
        if n % out == 0 and n // out != s:
            wrongs.append(Wrong(n // out, ("ignored-kernel",), _("the kernel and padding were ignored")))
        given = _("kernel size {k} × {k} and padding {p}").format(k=k, p=p)
        question = _("What stride S does it use?")
    else:
        wrong_k = n + 2 * p - out * s
        if wrong_k > 0 and wrong_k != k:
            wrongs.append(Wrong(wrong_k, ("forgot-plus-one",), _("the +1 was left out: out = (W - K + 2P)/S + 1")))
        once = n + p - (out - 1) * s
        if once > 0 and once != k:
            wrongs.append(Wrong(once, ("padding-once",), _("the padding was added once; it pads both sides")))
        given = _("stride {s} and padding {p}").format(s=s, p=p)
        question = _("What kernel size K does it use?") if s == 1 else _("What odd kernel size K does it use?")
    # a distractor is an answer the question allows: a whole number above 0, and odd where it asks for an odd K
    wrongs = [w for w in wrongs if isinstance(w.value, int) and w.value > 0 and not (odd_only and w.value % 2 == 0)]
    text = sentences(
        _("A conv2d layer with {given} maps a {n} × {n} × {c} input to a {o} × {o} × {oc} output.").format(
            given=given, n=n, c=cin, o=out, oc=cout
        ),
        question,
    )
    if difficulty == 3:
        text = sentences(text, _("(The division need not be exact: the output size is floored.)"))
    steps = (
        *inverse_steps(key, n, k, s, p, out),
        *[st for st in explain(solve(layer)) if st.quantity == "output"],
    )
    label = _("Stride S") if key == "s" else _("Kernel size K")
    hint = _("Write out = floor((W - K + 2P)/S) + 1 and solve for the unknown.")
    return Problem(
        kind_id,
        kind_title(kind_id),
        difficulty,
        text,
        (Part(label, key, answer, tuple(wrongs), hint=hint),),
        steps,
        spec=spec.format_layer(layer),
        layer=layer,
        asked_spec=_unknown(spec.format_layer(layer), key),
    )


def inverse_steps(key: str, n: int, k: int, s: int, p: int, out: int) -> tuple[Step, ...]:
    """The worked steps that find the stride (``key="s"``) or the kernel size (``key="k"``), each one arithmetic a
    student can redo.

    With an exact division the size formula inverts directly.  Otherwise the floor allows a range: out - 1 =
    floor((W - K + 2P)/S) means (out - 1)·S ≤ W - K + 2P < out·S; the steps give that range, then which value in it
    the question picks (the only whole stride, or the only odd kernel size).
    """
    from fractions import Fraction  # not at import: the drill's first question is shown before fractions loads

    span = n + 2 * p - k
    formula = "out = floor((W - K + 2P)/S) + 1"
    if span % s == 0:
        if key == "s":
            solved, sub = "S = (W - K + 2P)/(out - 1)", f"({n} - {k} + 2·{p})/({out} - 1) = {span}/{out - 1}"
        else:
            solved, sub = "K = W + 2P - (out - 1)·S", f"{n} + 2·{p} - ({out} - 1)·{s}"
        answer = s if key == "s" else k
        return (worked_step(_("Invert the size formula"), formula + "  ⇒  " + solved, sub, str(answer), quantity=key),)
    bounds = "(out - 1)·S ≤ W - K + 2P < out·S"
    if key == "s":
        first = worked_step(
            _("Invert the size formula: the floor allows a range"),
            formula + "  ⇒  " + bounds,
            f"({out} - 1)·S ≤ {n} - {k} + 2·{p} < {out}·S",
            f"{out - 1}·S ≤ {span} < {out}·S",
            quantity=key,
        )
        low, high = Fraction(span, out), Fraction(span, out - 1)
        second = worked_step(
            _("The whole strides in that range"),
            "(W - K + 2P)/out < S ≤ (W - K + 2P)/(out - 1)",
            f"{span}/{out} < S ≤ {span}/{out - 1};  {span}/{out} {_approx(low)},  {span}/{out - 1} {_approx(high)}",
            str(s),
            quantity=key,
        )
        return first, second
    k_low, k_high = n + 2 * p - out * s, n + 2 * p - (out - 1) * s
    first = worked_step(
        _("Invert the size formula: the floor allows a range"),
        formula + "  ⇒  W + 2P - out·S < K ≤ W + 2P - (out - 1)·S",
        f"{n} + 2·{p} - {out}·{s} < K ≤ {n} + 2·{p} - ({out} - 1)·{s}",
        f"{k_low} < K ≤ {k_high}",
        quantity=key,
    )
    fits = ", ".join(str(x) for x in range(k_low + 1, k_high + 1))
    second = worked_step(
        _("The odd kernel size in that range"),
        _("K odd, {low} < K ≤ {high}").format(low="W + 2P - out·S", high="W + 2P - (out - 1)·S"),
        _("K is one of {fits}; the odd one").format(fits=fits),
        str(k),
        quantity=key,
    )
    return first, second


def _approx(x: Fraction) -> str:
    """``= 2`` for a whole bound, else ``≈ 1.93``: enough decimals that it does not look whole."""
    if x.denominator == 1:
        return f"= {x.numerator}"
    for places in (2, 3, 4, 6):
        text = f"{float(x):.{places}f}"
        if text.rstrip("0")[-1] != ".":
            return "≈ " + text
    return "≈ " + text


@kind("inverse-padding", N_("Inverse: padding for 'same'"), N_("the padding that keeps the size"))
def _inverse_padding(rng: random.Random, difficulty: int, count: str) -> Problem:
    return inverse_padding_problem(rng, difficulty)


@kind("inverse-stride", N_("Inverse: find the stride"), N_("the stride that gives a stated output size"))
def _inverse_stride(rng: random.Random, difficulty: int, count: str) -> Problem:
    return inverse_problem(rng, difficulty, "s")


@kind("inverse-kernel", N_("Inverse: find the kernel size"), N_("the kernel size that gives a stated output size"))
def _inverse_kernel(rng: random.Random, difficulty: int, count: str) -> Problem:
    return inverse_problem(rng, difficulty, "k")
