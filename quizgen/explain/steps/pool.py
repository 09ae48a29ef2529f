"""Worked steps and notes of pooling: adaptive windows, window counts, comparisons, additions, divisions."""

from __future__ import annotations

from math import prod

from quizgen.arith import layers as L
from quizgen.arith.solver import Solution
from quizgen.explain.steps.core import AXIS_WORDS, Step, abbrev, axes, dim_groups, num, tex_num, times, tw
from quizgen.i18n import _


def adaptive_steps(sol: Solution) -> list[Step]:
    assert sol.pool is not None
    steps = []
    for dims, key in dim_groups(sol):
        n, size = key[0], key[-1]
        lengths = sol.pool.window_sizes[dims[0]]
        title = _("Adaptive windows along the {dims}").format(
            dims=_(" and ").join(_(AXIS_WORDS[axes(sol)[i]]) for i in dims)
        )
        formula = _("window i covers inputs floor(i·W/O) to ceil((i + 1)·W/O) - 1")
        tex = r"\left[\lfloor iW/O \rfloor,\ \lceil (i+1)W/O \rceil\right)"
        sub = f"W = {n}, O = {size}: " + _("lengths") + " " + abbrev(lengths)
        sub_tex = rf"W = {n},\ O = {size}"
        steps.append(Step(title, formula, sub, abbrev(lengths), tex, sub_tex))
    return steps


def pool_steps(sol: Solution) -> list[Step]:
    layer, pool = sol.layer, sol.pool
    assert pool is not None
    c = layer.in_channels
    out_spatial = sol.output_shape[:-1]
    where = [f"{a}_out" for a in axes(sol)]
    steps = [
        Step(
            _("Pooling windows"),
            _("C × ") + times(where) + _(" (one window per output element)"),
            times([c, *out_spatial]),
            num(pool.windows),
            "C \\times " + times([w.replace("_out", r"_{\text{out}}") for w in where], tex=True),
            times([c, *out_spatial], tex=True),
        )
    ]
    is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
    if pool.window_size is not None:
        per = prod(pool.window_size)
        k_text = times(pool.window_size)
        if is_max:
            steps.append(
                Step(
                    _("Comparisons"),
                    _("windows × (window elements - 1): the max of n values takes n - 1 comparisons"),
                    f"{num(pool.windows)} × ({k_text} - 1)",
                    num(pool.comparisons),
                    r"\text{" + tw("windows") + r"} \times (n - 1)",
                    rf"{tex_num(pool.windows)} \times ({per} - 1)",
                )
            )
        else:
            steps.append(
                Step(
                    _("Additions"),
                    _("windows × (window elements - 1): summing n values takes n - 1 additions"),
                    f"{num(pool.windows)} × ({k_text} - 1)",
                    num(pool.additions),
                    r"\text{" + tw("windows") + r"} \times (n - 1)",
                    rf"{tex_num(pool.windows)} \times ({per} - 1)",
                )
            )
    else:
        sums = " × ".join("(" + abbrev(s, " + ") + ")" for s in pool.window_sizes)
        label, value = (_("Comparisons"), pool.comparisons) if is_max else (_("Additions"), pool.additions)
        steps.append(
            Step(
                label,
                _("Σ over windows of (window size - 1), using the real window sizes"),
                f"{c} × {sums} - {num(pool.windows)}",
                num(value),
                r"\sum (\text{" + tw("size") + r"} - 1)",
                rf"{c} \times " + sums.replace("×", r"\times") + rf" - {tex_num(pool.windows)}",
            )
        )
    if not is_max:
        steps.append(
            Step(
                _("Divisions"),
                _("one per window"),
                num(pool.windows),
                num(pool.divisions),
                r"\text{" + tw("windows") + r"}",
                tex_num(pool.windows),
            )
        )
    return steps


def fraction_notes(sol: Solution) -> list[str]:
    layer = sol.layer
    fractions: list[str] = []
    for n, o, s in zip(layer.spatial, sol.output_shape[:-1], layer.stride):
        for side, size in ((_("the input side"), n), (_("the output side"), o)):
            shown = _("{side} {size}/{s} = {value}").format(side=side, size=size, s=s, value=f"{size / s:g}")
            if size % s and shown not in fractions:
                fractions.append(shown)
    if not fractions:
        return []
    assert sol.pool is not None
    return [
        _(
            "Dividing a side by the stride to count windows would give a fraction here ({shown}): a pool has one "
            "window per output element, C × {where} = {n}."
        ).format(
            shown=_(", ").join(fractions), where=" × ".join(map(str, sol.output_shape[:-1])), n=num(sol.pool.windows)
        )
    ]
