"""Depthwise-separable against standard: the parameters and compute of both, side by side."""

from __future__ import annotations

import random

from quizgen.arith import spec
from quizgen.arith.solver import solve
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import explain, num
from quizgen.i18n import N_, _, sentences
from quizgen.problems.problem import Part, Problem, Wrong
from quizgen.problems.registry import COMPUTE_QUANTITY, LABELS, conventions_for, kind
from quizgen.problems.working import kind_title, worked_step

# --- depthwise-separable against standard ---------------------------------------------------------


def separable_problem(rng: random.Random, difficulty: int, count: str) -> Problem:
    """Standard K×K conv M→N against depthwise K×K (M) + pointwise 1×1 (M→N), no biases.

    From level 2 it also asks the compute of both, in the sheet's ``count`` convention (MACs, FLOPs, or FLOPs
    with bias adds, which are none here since neither has a bias).
    """
    c = rng.choice
    if difficulty < 3:  # MobileNet's sizes at 224 and at 160 (80, 40, 20, 10)
        size, m, k = c([112, 80, 56, 40, 28, 20, 14, 10, 7]), c([16, 24, 32, 48, 64, 96, 128, 256, 512]), 3
    else:
        size, m, k = c([56, 40, 28, 20, 14, 10, 7]), c([96, 144, 192, 384, 576, 960]), c([3, 5])
    n = c([m, 2 * m, 64, 128, 256, 512]) if difficulty < 3 else c([24, 32, 64, 96, 160, 320])
    standard = spec.parse(f"conv2d in={size}x{size}x{m} out={n} k={k} p={k // 2} bias=false")
    depthwise = spec.parse(f"conv2d in={size}x{size}x{m} out={m} k={k} p={k // 2} g={m} bias=false")
    pointwise = spec.parse(f"conv2d in={size}x{size}x{m} out={n} k=1 bias=false")
    std, dw, pw = (solve(x).params.total for x in (standard, depthwise, pointwise))
    sep = dw + pw
    parts = [
        Part(
            _("Standard conv parameters"),
            "params",
            std,
            (Wrong(k * k * n, ("forgot-in-channels",), M.CATALOGUE["forgot-in-channels"].explain(standard)),),
            hint=_("K·K·M·N: every filter spans all M input channels."),
        ),
        Part(
            _("Depthwise-separable parameters"),
            "params",
            sep,
            (
                Wrong(k * k * m * m + m * n, ("ignored-groups",), M.CATALOGUE["ignored-groups"].explain(depthwise)),
                Wrong(
                    dw,
                    ("separable-forgot-pointwise",),
                    _("the depthwise part only; add the 1×1 pointwise conv's M·N weights"),
                ),
                Wrong(
                    pw,
                    ("separable-forgot-depthwise",),
                    _("the pointwise part only; add the depthwise conv's K·K·M weights"),
                ),
            ),
            hint=_("Depthwise: one K×K filter per input channel. Pointwise: a 1×1 conv from M to N channels."),
        ),
    ]
    q = COMPUTE_QUANTITY[count]
    macs_std, macs_sep = solve(standard).macs, solve(depthwise).macs + solve(pointwise).macs
    if difficulty >= 2:
        # No bias anywhere, so FLOPs with bias adds equal FLOPs: 2 per multiply-accumulate.
        per_mac = 1 if q == "macs" else 2
        what = _(LABELS[q])
        flops_hint = [] if q == "macs" else [_("FLOPs = 2 × MACs.")]
        parts.append(
            Part(
                _("Standard conv {quantity}").format(quantity=what),
                q,
                per_mac * macs_std,
                hint=sentences(_("K·K·M·N MACs per output position."), *flops_hint),
            )
        )
        parts.append(
            Part(
                _("Depthwise-separable {quantity}").format(quantity=what),
                q,
                per_mac * macs_sep,
                hint=sentences(_("(K·K·M + M·N) MACs per output position."), *flops_hint),
            )
        )
    from fractions import Fraction

    ratio = Fraction(sep, std)
    steps = [
        worked_step(
            _("Standard conv"),
            "K·K·M·N",
            f"{k}·{k}·{m}·{n}",
            num(std),
            r"K^2 M N",
            rf"{k}^2 \cdot {m} \cdot {n}",
            "params",
        ),
        worked_step(_("Depthwise conv"), "K·K·M", f"{k}·{k}·{m}", num(dw), r"K^2 M", rf"{k}^2 \cdot {m}", "params"),
        worked_step(_("Pointwise conv"), "M·N", f"{m}·{n}", num(pw), r"M N", rf"{m} \cdot {n}", "params"),
        worked_step(
            _("Depthwise-separable total"),
            _("depthwise + pointwise"),
            f"{num(dw)} + {num(pw)}",
            num(sep),
            quantity="params",
        ),
        worked_step(
            _("Ratio"),
            "(K·K·M + M·N)/(K·K·M·N) = 1/N + 1/K²",
            f"1/{n} + 1/{k * k}",
            f"{float(ratio):.4f} ({float(1 / ratio):.1f}× fewer)",
            r"\frac{1}{N} + \frac{1}{K^2}",
            rf"\frac{{1}}{{{n}}} + \frac{{1}}{{{k * k}}} = {float(ratio):.4f}",
            "ratio",
        ),
    ]
    if difficulty >= 2:
        steps += [s for s in explain(solve(standard)) if s.quantity == "macs"]
        steps.append(
            worked_step(
                _("Depthwise-separable MACs"),
                "(K·K·M + M·N)·H_out·W_out",
                f"({num(dw)} + {num(pw)})·{size}·{size}",
                num(macs_sep),
                quantity="macs",
            )
        )
        if q != "macs":
            for title, macs in ((_("Standard conv"), macs_std), (_("Depthwise-separable"), macs_sep)):
                steps.append(
                    worked_step(
                        _("{what} {quantity}").format(what=title, quantity=_(LABELS[q])),
                        _("2·MACs (no bias, so no bias adds)") if q == "flops+bias" else "2·MACs",
                        f"2·{num(macs)}",
                        num(2 * macs),
                        quantity=q,
                    )
                )
    text = _(
        "A standard {k} × {k} convolution maps a {s} × {s} × {m} input to {n} channels ('same' padding, no "
        "bias). MobileNet replaces it with a {k} × {k} depthwise convolution followed by a 1 × 1 pointwise "
        "convolution, also without bias."
    ).format(k=k, s=size, m=m, n=n)
    if difficulty >= 2:
        text = sentences(text, *conventions_for(standard, [q], count))
    return Problem(
        "params-separable",
        kind_title("params-separable"),
        difficulty,
        text,
        tuple(parts),
        tuple(steps),
        spec=spec.format_layer(standard),
        layer=standard,
    )


@kind(
    "params-separable",
    N_("Parameters: depthwise-separable against standard"),
    N_("the parameters of a standard conv and of its depthwise-separable replacement"),
)
def _params_separable(rng: random.Random, difficulty: int, count: str) -> Problem:
    return separable_problem(rng, difficulty, count)
