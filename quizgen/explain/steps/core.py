"""The pieces every worked step is made of: :class:`Step`, number and symbol formatting, the output shape and memory.

Each step carries the formula, the numbers put in and the result, in plain text for the terminal and in
LaTeX for the renderers, and the quantity it computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from quizgen.arith import layers as L
from quizgen.arith.solver import Solution
from quizgen.i18n import N_, _


class Step(NamedTuple):
    """One worked step: ``formula`` with ``substituted`` numbers gives ``result``."""

    title: str
    formula: str
    substituted: str
    result: str
    formula_tex: str
    substituted_tex: str
    quantity: str = ""

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "formula": self.formula,
            "substituted": self.substituted,
            "result": self.result,
            "latex": {"formula": self.formula_tex, "substituted": self.substituted_tex},
            "quantity": self.quantity,
        }


#: The worked steps shown with each quantity's answer.
RELATED_STEPS = {
    "output": {"output"},
    "params": {"weights", "bias", "params", "trainable", "non_trainable"},
    "weights": {"weights"},
    "macs": {"output", "weights", "macs"},
    "flops": {"output", "weights", "macs", "flops"},
    "flops+bias": {"output", "weights", "macs", "flops"},
    "windows": {"output", "windows"},
    "comparisons": {"output", "windows", "comparisons"},
    "additions": {"output", "windows", "additions"},
    "divisions": {"output", "windows", "divisions"},
    "output_bytes": {"output", "output_bytes"},
    "params_bytes": {"weights", "bias", "params", "params_bytes"},
}


def steps_for(steps: Sequence[Step], quantity: str) -> list[Step]:
    """The worked steps that lead to one part's answer (the drill's and the practice page's solution)."""
    wanted = RELATED_STEPS.get(quantity, {quantity})
    return [st for st in steps if st.quantity in wanted or not st.quantity] or list(steps)


def num(n: int | float) -> str:
    """A count with thousands separators: ``34,848``."""
    return f"{n:,}"


def tex_num(n: int) -> str:
    """A count for LaTeX: ``\\text{34,848}``, so MathML shows one number, not "34, 848"."""
    return rf"\text{{{n:,}}}" if n >= 1000 else str(n)


def times(values: list | tuple, tex: bool = False) -> str:
    return (r" \times " if tex else " × ").join(map(str, values))


AXIS_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


AXIS_WORDS = {"L": N_("length"), "D": N_("depth"), "H": N_("height"), "W": N_("width")}


def abbrev(values: tuple[int, ...], sep: str = ", ", limit: int = 12) -> str:
    """A list of numbers, shortened in the middle when long: ``3, 2, 3, …, 2, 3 (1,000 values)``."""
    if len(values) <= limit:
        return sep.join(map(str, values))
    head, tail = sep.join(map(str, values[:4])), sep.join(map(str, values[-2:]))
    return f"{head}{sep}…{sep}{tail} ({len(values):,} values)"


_TEX_WORDS = (
    N_("MACs"),
    N_("bias adds"),
    N_("biases"),
    N_("elements"),
    N_("input"),
    N_("params"),
    N_("sizes"),
    N_("size"),
    N_("weights"),
    N_("windows"),
)


def tw(word: str) -> str:
    """A word inside LaTeX ``\\text{}``, translated."""
    return _(word)


def axes(sol: Solution) -> tuple[str, ...]:
    return AXIS_NAMES[len(sol.layer.spatial)]


def dim_groups(sol: Solution) -> list[tuple[list[int], tuple]]:
    """Group spatial dimensions whose inputs and hyper-parameters are identical."""
    layer = sol.layer
    groups: dict[tuple, list[int]] = {}
    for i in range(len(layer.spatial)):
        key = (
            layer.spatial[i],
            layer.kernel[i] if layer.kernel else None,
            layer.stride[i] if layer.stride else None,
            sol.padding[i] if sol.padding else None,
            layer.dilation[i] if layer.dilation else (1 if layer.has_kernel else None),
            layer.output_padding[i] if layer.output_padding else None,
            layer.output_size[i] if layer.output_size else None,
        )
        groups.setdefault(key, []).append(i)
    return [(dims, key) for key, dims in groups.items()]


def dims_title(sol: Solution, dims: list[int]) -> str:
    names = [AXIS_WORDS[axes(sol)[i]] for i in dims]
    return _("Output {dims}").format(dims=_(" and ").join(_(n) for n in names))


def tag(steps: list[Step], *quantities: str) -> list[Step]:
    """Label each step with the quantity it computes (the last label repeats)."""
    last = len(quantities) - 1
    return [step._replace(quantity=quantities[min(i, last)]) for i, step in enumerate(steps)]


def shape_step(sol: Solution, layout: str = "hwc") -> Step:
    """The output-shape step; ``layout`` ``chw`` writes a channels-last shape channels first, as
    ``quizgen solve --layout chw`` prints shapes."""
    layer = sol.layer
    shape = sol.output_shape
    if layer.family == L.FLATTEN:
        return Step(
            _("Output shape"),
            _("product of the input sizes"),
            times(layer.input_shape),
            num(shape[0]),
            r"\prod \text{" + tw("sizes") + r"}",
            times(layer.input_shape, tex=True),
        )
    if layer.family == L.LINEAR and len(shape) == 1:
        return Step(_("Output shape"), "out", str(layer.out), str(shape[0]), r"\text{out}", str(layer.out))
    if layer.family == L.LINEAR:
        return Step(
            _("Output shape"),
            _("the input's sizes with the last one (in) replaced by out"),
            times([*layer.input_shape[:-1], layer.out]),
            times(shape),
            r"\ldots \times \text{out}",
            times(shape, tex=True),
        )
    if layer.family in (L.PATCHEMBED, L.CLSTOKEN, L.POSEMBED, L.MHSA, L.MLP):
        formula = _("tokens × d") if layer.family != L.MLP else _("tokens × d (the second linear maps H back to d)")
        return Step(_("Output shape"), formula, times(shape), times(shape), r"N \times d", times(shape, tex=True))
    if layer.family == L.SELECT:
        return Step(
            _("Output shape"),
            _("the d features of token {token}").format(token=layer.token),
            str(shape[0]),
            str(shape[0]),
            "d",
            str(shape[0]),
        )
    if len(shape) == 1 or layer.family in (L.BATCHNORM, *L.SHAPE_KEEPING):
        text = times(shape)
        return Step(
            _("Output shape"),
            _("same as the input"),
            text,
            text,
            r"\text{" + tw("input") + r"}",
            times(shape, tex=True),
        )
    axes = AXIS_NAMES[len(shape) - 1]
    c_name = "C_out" if layer.family in (L.CONV, L.CONVT) else "C"
    names = [f"{a}_out" for a in axes] + [c_name]
    texs = [rf"{a}_{{\text{{out}}}}" for a in axes] + [r"C_{\text{out}}" if c_name == "C_out" else "C"]
    if layout == "chw":  # channels first, as the shape is printed
        names, texs, shape = names[-1:] + names[:-1], texs[-1:] + texs[:-1], shape[-1:] + shape[:-1]
    formula, tex = times(names), times(texs, tex=True)
    return Step(_("Output shape"), formula, times(shape), times(shape), tex, times(shape, tex=True))


def memory_steps(sol: Solution) -> list[Step]:
    steps = [
        Step(
            _("Output memory (fp32)"),
            _("4 bytes × output elements"),
            f"4 × {num(sol.output_elements)}",
            _("{n} bytes").format(n=num(sol.output_bytes)),
            r"4 \times \text{" + tw("elements") + r"}",
            rf"4 \times {tex_num(sol.output_elements)}",
        )
    ]
    if sol.params.total:
        steps.append(
            Step(
                _("Parameter memory (fp32)"),
                _("4 bytes × parameters"),
                f"4 × {num(sol.params.total)}",
                _("{n} bytes").format(n=num(sol.params_bytes)),
                r"4 \times \text{" + tw("params") + r"}",
                rf"4 \times {tex_num(sol.params.total)}",
            )
        )
    return steps


def to_dict_steps(steps: list[Step]) -> list[dict]:
    """Steps as JSON-ready dicts."""
    return [s.as_dict() for s in steps]
