"""Worked steps for the joins of a graph network: ``add``, ``concat``, ``mul`` and ``matmul``.

The convention is torchvision's ``_ops``: ``add``, ``concat`` and ``mul`` count 0 MACs (a residual add, a
channel stack, an SE scale); ``matmul`` counts prod(batch)·N·K·M multiply-accumulates.
"""

from __future__ import annotations

from math import prod

from quizgen.arith.joins import ADD, CONCAT, MATMUL, MUL, JoinSolution, Shaped
from quizgen.arith.layers import fmt_shape
from quizgen.explain.steps import Step, num
from quizgen.i18n import _


def _step(title: str, formula: str, substituted: str, result: str, quantity: str) -> Step:
    tex = {"·": r" \cdot ", "×": r" \times ", "→": r" \to "}

    def to_tex(text: str) -> str:
        for a, b in tex.items():
            text = text.replace(a, b)
        return text.replace(",", "{,}")

    return Step(title, formula, substituted, result, to_tex(formula), to_tex(substituted), quantity)


def explain_join(sol: JoinSolution) -> list[Step]:
    """The output shape of a join, and its MACs (0, except a matmul's)."""
    shapes = [fmt_shape(s) for s in sol.input_shapes]
    out = fmt_shape(sol.output_shape)
    kind = sol.join.kind
    steps: list[Step] = []
    if isinstance(sol.join, Shaped):
        return [
            _step(_("Output shape: as the model file's shape inference gives it"), out, "", out, "output"),
            _step(_("MACs: as read from the model file"), num(sol.macs), "", num(sol.macs), "macs"),
        ]
    if kind == ADD:
        steps.append(
            _step(_("Output shape: element by element, every shape equal"), " + ".join(shapes), "", out, "output")
        )
    elif kind == CONCAT:
        axis = sol.join.axis % len(sol.output_shape)
        sizes = " + ".join(str(s[axis]) for s in sol.input_shapes)
        title = (
            _("Output channels: the inputs' channels stacked")
            if axis == len(sol.output_shape) - 1
            else _("Output size on the joined dimension: the sizes added")
        )
        steps.append(_step(title, sizes, "", out, "output"))
    elif kind == MUL:
        steps.append(
            _step(
                _("Output shape: broadcast (a size of 1 is repeated to match)"), " · ".join(shapes), "", out, "output"
            )
        )
    if kind == MATMUL:
        a, b = sol.input_shapes
        batch = sol.output_shape[:-2]
        n, k, m = a[-2], a[-1], b[-1]
        steps.append(_step(_("Output shape: (N×K) @ (K×M) → N×M"), f"{shapes[0]} @ {shapes[1]}", "", out, "output"))
        formula = "N·K·M" if not batch else "batch·N·K·M"
        parts = [str(prod(batch))] if batch else []
        steps.append(
            _step(
                _("MACs: one per multiply-add"),
                formula,
                "·".join([*parts, str(n), str(k), str(m)]),
                num(sol.macs),
                "macs",
            )
        )
    else:
        steps.append(
            _step(
                _("MACs: 0 by the convention (torchvision's _ops counts no adds, copies or scales)"),
                "0",
                "",
                "0",
                "macs",
            )
        )
    return steps
