"""Spot the error: a flawed worked solution, the wrong step marked by the student, and the right value."""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from functools import lru_cache

from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.arith.solver import solve
from quizgen.errors import QuizgenError
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import Step, bias_adds_step, explain
from quizgen.i18n import N_, _, language, sentences
from quizgen.problems import flawed_chain as chain
from quizgen.problems.problem import FlawedLine, Part, Problem, Wrong, wrongs_for
from quizgen.problems.registry import Making, describe, kind
from quizgen.problems.working import kind_title, worked_step

# --- spot the error -------------------------------------------------------------------------------
#
# A flawed worked solution is a chain of lines, each (formula, substituted numbers, value).  Exactly one
# line applies a misconception's rule; every other line applies the right formula to the layer's settings
# and to the values shown in earlier lines, so a wrong value is carried forward visibly (the lines are
# computed in quizgen.problems.flawed_chain).

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


def _worded(formula: str) -> str:
    """A flawed line's formula with its words ("weights", "windows") in the active language."""
    return _worded_in(formula, language())


@lru_cache(maxsize=256)  # a handful of formulas, written again on every line of every scenario
def _worded_in(formula: str, _lang: str) -> str:
    return re.sub(r"\b(weights|windows)\b", lambda m: _(m.group(1)), formula)


def spot_error_problem(rng: random.Random, difficulty: int, count: str) -> Problem:
    """A worked solution with exactly one wrong step (later steps carry its value visibly); find it, fix it."""
    return spot_error_draft(rng, difficulty, count)[1]()


def spot_error_draft(
    rng: random.Random, difficulty: int, count: str, wanted: tuple[str, ...] | None = None
) -> tuple[tuple[str, ...], Callable[[], Problem]]:
    """The quantities a spot-the-error problem asks, and how to make it (see :data:`registry.Drafter`).

    Only the scenario and its layer are drawn from ``rng``; the rest follows from them, and is made once per
    run for each (a 1,000-problem sheet draws the same scenario again and again while it looks for fresh ones).

    ``wanted``: the quantities the sheet's slot asks.  A scenario whose misconception changes a line of another
    quantity (:data:`flawed_chain.CHANGES`) would be turned down for its shape, and the slot's next draft drawn
    from ``rng``; it is passed over without being worked out, and the next scenario drawn from ``rng`` just as
    that draft would draw it (at most :data:`~quizgen.problems.slots.SHAPE_DRAWS` in a row, as many drafts as the
    slot takes), so that the sheet is the same.
    """
    from quizgen.problems.slots import SHAPE_DRAWS

    passed = 0
    for _attempt in range(200):
        while True:
            family, ids = rng.choice(SCENARIOS[difficulty])
            text = _scenario_spec(rng, family, difficulty)
            if wanted is None or passed >= SHAPE_DRAWS or ("step", chain.CHANGES[ids[0]]) == wanted:
                break
            passed += 1
        scenario = _scenario(text, ids, count)
        if scenario is not None:
            break
    else:  # pragma: no cover
        raise AssertionError("no spot-the-error scenario applied")
    layer, wrong_at, asks = scenario
    return asks, _spot_error_making(layer, ids, wrong_at, difficulty, count)


@lru_cache(maxsize=8192)  # a pure function of its arguments (no text), asked again for each scenario drawn
def _scenario(text: str, ids: tuple[str, ...], count: str) -> tuple[Layer, int, tuple[str, ...]] | None:
    """The layer of a drawn spec, the line its misconception makes wrong, and the parts the problem asks; None
    where the spec is no layer or the misconception changes no line (or makes the output size not positive)."""
    try:
        layer = spec.parse(text)
    except QuizgenError:
        return None
    flags = frozenset(ids)
    wrong_at = chain.wrong_line(layer, flags, count)
    if wrong_at is None or (wrong_at == 0 and not chain.positive_chain(layer, flags)):
        return None
    asks = ("step", chain.right_chain(layer, count)[wrong_at].quantity)  # the parts _spot_error_face asks
    return layer, wrong_at, asks


def _spot_error_making(layer: Layer, ids: tuple[str, ...], wrong_at: int, difficulty: int, count: str) -> Making:
    """The problem of one drawn scenario: its face (text, spec, flawed working, answers), then the rest."""
    return Making(
        lambda: _spot_error_face(layer, ids, wrong_at, difficulty, count, language()),
        functools.partial(_spot_error_whole_now, layer=layer, ids=ids, wrong_at=wrong_at, count=count),
    )


def _spot_error_whole_now(face: Problem, layer: Layer, ids: tuple[str, ...], wrong_at: int, count: str) -> Problem:
    """:func:`_spot_error_whole` in the active language (a module-level function, so that another process can be
    sent it: :mod:`quizgen.render.figures_ahead`)."""
    return _spot_error_whole(face, layer, ids, wrong_at, count, language())


@lru_cache(maxsize=4096)
def _flawed_lines(layer: Layer, ids: tuple[str, ...], wrong_at: int, count: str, _lang: str) -> tuple[FlawedLine, ...]:
    """The flawed worked solution of one scenario (in the language ``_lang``, which its labels are in)."""
    flags = frozenset(ids)
    right = chain.right_chain(layer, count)
    make = chain.pool_lines if layer.is_pool else chain.conv_lines
    shown: list[chain.Line] = []
    for i in range(len(right)):
        # Lines before the error are right; the error line applies the misconception; later lines apply the
        # right formula to the values shown before them.
        line = chain.whole_line(make(layer, flags if i == wrong_at else frozenset(), [x.value for x in shown], count))
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
    return tuple(
        FlawedLine(
            i + 1,
            _(_CHAIN_LABELS[line.quantity]),
            line.quantity,
            _worded(line.formula),
            line.substituted,
            line.value,
            chain.fmt(line.value),
            status,
            line.uses,
        )
        for i, (line, status) in enumerate(zip(shown, statuses))
    )


@lru_cache(maxsize=4096)
def _spot_error_face(
    layer: Layer, ids: tuple[str, ...], wrong_at: int, difficulty: int, count: str, _lang: str
) -> Problem:
    """What a sheet judges one drawn scenario by (in the language ``_lang``): its text, spec, flawed working and
    answers, without wrong answers, hints or steps."""
    lines = _flawed_lines(layer, ids, wrong_at, count, _lang)
    right = chain.right_chain(layer, count)
    fixed = right[wrong_at]
    assert isinstance(fixed.value, int)  # a right worked solution is whole at every step
    step_part = Part(_("Number of the wrong step"), "step", wrong_at + 1)
    value_part = Part(_("Right value of that step"), fixed.quantity, fixed.value)
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
        (),
        spec=spec.format_layer(layer),
        flawed=tuple((f"{ln.number}. {ln.label}", ln.working) for ln in lines),
        layer=layer,
        flawed_lines=lines,
    )


def _spot_error_whole(
    face: Problem, layer: Layer, ids: tuple[str, ...], wrong_at: int, count: str, lang: str
) -> Problem:
    """A scenario's face made whole: each part's wrong answers (the step's with a hint), and the steps."""
    step_wrongs, value_wrongs, steps = _spot_error_worked(layer, ids, wrong_at, count, lang)
    step_part, value_part = face.parts
    hint = _("Check each step in order; a later step can be wrong only because it uses an earlier wrong value.")
    parts = (step_part._replace(wrongs=step_wrongs, hint=hint), value_part._replace(wrongs=value_wrongs))
    return face._replace(parts=parts, steps=steps)


@lru_cache(maxsize=4096)
def _spot_error_worked(
    layer: Layer, ids: tuple[str, ...], wrong_at: int, count: str, _lang: str
) -> tuple[tuple[Wrong, ...], tuple[Wrong, ...], tuple[Step, ...]]:
    """A scenario's wrong step numbers, wrong right values and worked steps (in the language ``_lang``)."""
    lines = _flawed_lines(layer, ids, wrong_at, count, _lang)
    right = chain.right_chain(layer, count)
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
    fixed = right[wrong_at]
    assert isinstance(fixed.value, int)  # a right worked solution is whole at every step
    flawed_value = lines[wrong_at].value
    value_wrongs = [Wrong(flawed_value, ids, why)] if isinstance(flawed_value, int) else []
    for w in _catalogue_wrongs(layer, fixed.quantity, fixed.value):
        if w.value not in [x.value for x in value_wrongs]:
            value_wrongs.append(w)
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
    steps.append(worked_step(title, _worded(fixed.formula), fixed.substituted, chain.fmt(fixed.value), quantity="step"))
    return tuple(step_wrongs), tuple(value_wrongs), tuple(steps)


def _catalogue_wrongs(layer: Layer, quantity: str, answer: int) -> list[Wrong]:
    """Other wrong values of a chain line from the misconception catalogue (one side, for the output size)."""
    if quantity != "output_size":
        return list(wrongs_for(layer, quantity, answer))
    sides = []
    for w in wrongs_for(layer, "output", solve(layer).output_shape):
        if isinstance(w.value, tuple) and len(set(w.value[:-1])) == 1 and w.value[0] != answer:
            sides.append(w._replace(value=w.value[0]))
    return sides


@kind(
    "spot-error",
    N_("Spot the error"),
    N_("the wrong step in a flawed worked solution, and the right value"),
    draft=spot_error_draft,
    drafts_wanted=True,
)
def _spot_error(rng: random.Random, difficulty: int, count: str) -> Problem:
    return spot_error_problem(rng, difficulty, count)
