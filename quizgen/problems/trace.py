"""Network traces: the output shape and parameters of every layer of a small stack."""

from __future__ import annotations

import random

from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.explain.steps import Step, explain, num
from quizgen.i18n import N_, _
from quizgen.problems import draws
from quizgen.problems.problem import Part, Problem, Value, Wrong, wrongs_for
from quizgen.problems.registry import kind, shape_words
from quizgen.problems.working import kind_title, stack_spec, worked_step

# --- network trace --------------------------------------------------------------------------------


def trace_problem(rng: random.Random, difficulty: int, stack_text: str | None = None, title: str = "") -> Problem:
    """Fill in a small stack's output shapes and parameter counts, layer by layer."""
    if stack_text is None:
        stack_text = draws.trace_stack(rng, difficulty)
    from quizgen.arith.network import solve_stack

    net = solve_stack(stack_text, name="stack")
    parts: list[Part] = []
    steps: list[Step] = []
    for i, sol in enumerate(net.solutions, start=1):
        layer = sol.layer
        name = f"{i}. {layer.name}"
        parts.append(
            Part(
                _("Layer {name}: output shape").format(name=name),
                "output",
                sol.output_shape,
                _wrongs(layer, "output", sol.output_shape),
            )
        )
        if sol.params.total or layer.family in ("conv", "convtranspose", "linear", "batchnorm"):
            parts.append(
                Part(
                    _("Layer {name}: parameters").format(name=name),
                    "params",
                    sol.params.total,
                    _wrongs(layer, "params", sol.params.total),
                )
            )
        for st in explain(sol):
            if st.quantity in ("output", "params", "trainable", "non_trainable") and st.title != _("Output shape"):
                steps.append(
                    Step(
                        f"{name}: {st.title}",
                        st.formula,
                        st.substituted,
                        st.result,
                        st.formula_tex,
                        st.substituted_tex,
                        st.quantity,
                    )
                )
        steps.append(
            Step(
                f"{name}: " + _("Output shape"),
                "",
                shape_words(sol.output_shape),
                shape_words(sol.output_shape),
                "",
                shape_words(sol.output_shape).replace("×", r"\times"),
                "output",
            )
        )
    total = net.params.total
    parts.append(Part(_("Total parameters"), "params", total))
    steps.append(
        worked_step(
            _("Total parameters"),
            _("sum of the layers"),
            " + ".join(num(s.params.total) for s in net.solutions if s.params.total),
            num(total),
            quantity="params",
        )
    )
    first = net.solutions[0].layer
    text = _(
        "Trace this stack on a {inp} input: fill in each layer's output shape and parameter count, then the "
        "total. Batchnorm counts γ, β and its running mean and variance."
    ).format(inp=shape_words(first.input_shape))
    return Problem(
        "network-trace",
        title or kind_title("network-trace"),
        difficulty,
        text,
        tuple(parts),
        tuple(steps),
        spec="\n".join(spec.format_layer(s.layer) for s in net.solutions),
        layer=first,
        asked_spec=stack_spec([s.layer for s in net.solutions]),
    )


def _wrongs(layer: Layer, quantity: str, answer: Value) -> tuple[Wrong, ...]:
    return wrongs_for(layer, quantity, answer)


@kind("network-trace", N_("Network trace"), N_("the output shape and parameters of every layer of a small stack"))
def _network_trace(rng: random.Random, difficulty: int, count: str) -> Problem:
    return trace_problem(rng, difficulty)
