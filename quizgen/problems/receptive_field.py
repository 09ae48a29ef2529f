"""Receptive fields of stacks of conv and pooling layers."""

from __future__ import annotations

import random
from collections.abc import Callable

from quizgen.arith import spec
from quizgen.i18n import N_, _, sentences
from quizgen.problems import draws
from quizgen.problems.problem import Part, Problem, Wrong
from quizgen.problems.registry import kind
from quizgen.problems.working import kind_title, stack_spec, worked_step

# --- receptive field ------------------------------------------------------------------------------


def receptive_field_problem(rng: random.Random, difficulty: int) -> Problem:
    """The receptive field of the last layer's output, along one side."""
    return _receptive_field_draft(rng, difficulty, "macs")[1]()


def _receptive_field_draft(
    rng: random.Random, difficulty: int, count: str
) -> tuple[tuple[str, ...], Callable[[], Problem]]:
    """The stack drawn from ``rng`` (the part asked does not depend on it), and how to make its problem."""
    stack = draws.receptive_field_stack(rng, difficulty)
    return ("receptive_field",), lambda: _stack_problem(stack, difficulty)


def _stack_problem(stack: str, difficulty: int) -> Problem:
    """The receptive-field problem of one drawn stack."""
    from quizgen.arith import receptive
    from quizgen.arith.network import solve_stack

    net = solve_stack(stack, name="stack")
    layers = [s.layer for s in net.solutions]
    rows = receptive.receptive_field(layers)
    answer = rows[-1].r
    candidates = [
        (
            receptive.ignoring_strides(layers),
            ("rf-ignored-stride",),
            _("the strides were ignored; after a stride-s layer each further kernel step spans s input pixels"),
        ),
        (
            receptive.stride_too_early(layers),
            ("rf-stride-too-early",),
            _("each layer's own stride was applied to its kernel; a layer's stride only affects the layers after it"),
        ),
        (
            receptive.summed_kernels(layers),
            ("rf-summed-kernels",),
            _("the kernel sizes were added; each layer adds K - 1, scaled by the jump so far"),
        ),
    ]
    wrongs: list[Wrong] = []
    for value, ids, why in candidates:
        if value != answer and value not in [w.value for w in wrongs]:
            wrongs.append(Wrong(value, ids, why))
    steps = []  # r = 1 and j = 1 to start: the first layer's working shows them
    for i, row in enumerate(rows, start=1):
        steps.append(
            worked_step(
                _("Layer {i} ({name}, K_eff = {k}, S = {s})").format(
                    i=i, name=row.layer.name, k=row.k_eff, s=row.stride
                ),
                "r = r + (K_eff - 1)·j;  j = j·S",
                f"r = {row.r - (row.k_eff - 1) * row.jump_before} + ({row.k_eff} - 1)·{row.jump_before};  "
                f"j = {row.jump_before}·{row.stride}",
                f"r = {row.r}, j = {row.jump}",
                r"r \leftarrow r + (K_{\text{eff}} - 1)\,j,\quad j \leftarrow j S",
                rf"r = {row.r - (row.k_eff - 1) * row.jump_before} + ({row.k_eff} - 1) \cdot {row.jump_before}",
                "receptive_field",
            )
        )
    text = _(
        "How many input pixels along one side does one pixel of the last layer's output see (its receptive field)?"
    )
    if any(d > 1 for x in layers for d in x.dilation):
        text = sentences(text, _("Dilation d makes a kernel span d·(K - 1) + 1 pixels."))
    part = Part(
        _("Receptive field (pixels along one side)"),
        "receptive_field",
        answer,
        tuple(wrongs),
        hint=_(
            "Start from r = 1 and a jump j = 1; each layer adds (K_eff - 1)·j to r, then multiplies j by its stride."
        ),
    )
    return Problem(
        "receptive-field",
        kind_title("receptive-field"),
        difficulty,
        text,
        (part,),
        tuple(steps),
        spec="\n".join(spec.format_layer(x) for x in layers),
        layer=layers[0],
        asked_spec=stack_spec(layers),
    )


@kind(
    "receptive-field",
    N_("Receptive field"),
    N_("the receptive field of a stack of conv and pooling layers"),
    draft=_receptive_field_draft,
)
def _receptive_field(rng: random.Random, difficulty: int, count: str) -> Problem:
    return receptive_field_problem(rng, difficulty)
