"""Network traces: the output shape and parameters of every layer of a small stack."""

from __future__ import annotations

import random
import re

from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import Step, explain, num
from quizgen.i18n import N_, _
from quizgen.problems import draws
from quizgen.problems.netwise import seal
from quizgen.problems.problem import Part, Problem, Value, Wrong, wrongs_for
from quizgen.problems.registry import kind, shape_words
from quizgen.problems.working import kind_title, stack_spec, worked_step

# --- network trace --------------------------------------------------------------------------------


def graph_stack(rng: random.Random) -> str:
    """A small graph network in the network notation: a ResNet basic block (identity or projection shortcut)
    or two branches concatenated (Inception-like), each with drawn sizes and channels."""
    c = rng.choice
    n, ch = c([8, 14, 16, 28, 32, 56]), c([16, 32, 64, 128])
    shape = f"input in={n}x{n}x{ch}"
    template = c(["identity", "projection", "concat"])
    if template == "identity":
        body = [f"conv2d out={ch} k=3 p=1 bias=false", "batchnorm2d", "relu", f"conv2d out={ch} k=3 p=1 bias=false"]
        return "\n".join([shape, *body, "main: batchnorm2d", "add input", "relu"])
    if template == "projection":
        o = 2 * ch
        body = [f"conv2d out={o} k=3 s=2 p=1 bias=false", "batchnorm2d", "relu", f"conv2d out={o} k=3 p=1 bias=false"]
        shortcut = [f"conv2d from=input out={o} k=1 s=2 bias=false", "batchnorm2d", "add main", "relu"]
        return "\n".join([shape, *body, "main: batchnorm2d", *shortcut])
    a, b, k = c([16, 32, 64]), c([32, 64, 96]), c([3, 5])
    return "\n".join(
        [
            shape,
            f"left: conv2d from=input out={a} k=1",
            f"conv2d from=input out={c([16, 24, 32])} k=1",
            f"right: conv2d out={b} k={k} p={k // 2}",
            "concat left right",
            "maxpool2d k=2",
        ]
    )


_AUTO = re.compile(r"^[a-z0-9]+_\d+$")  # the graph's own names for unlabelled lines (conv2d_1, add_1)
_GRAPH_TEXT = N_(
    "Trace this network, written in quizgen's network notation: a line takes the previous line's output unless "
    "it says from=NAME, NAME: names a line's output, add adds two outputs of equal shape, and concat stacks "
    "outputs along the channels. Its input is {inp}. Fill in each layer's output shape and parameter count, each "
    "join's output shape, then the total. Batchnorm counts γ, β and its running mean and variance."
)


def trace_problem(rng: random.Random, difficulty: int, stack_text: str | None = None, title: str = "") -> Problem:
    """Fill in a small stack's (or, at level 3, a small graph network's) output shapes and parameter counts,
    layer by layer, and each join's output shape."""
    if stack_text is None:
        stack_text = graph_stack(rng) if difficulty == 3 and rng.random() < 0.4 else draws.trace_stack(rng, difficulty)
    from quizgen.arith.graph import Solution
    from quizgen.arith.network import solve_stack

    net = solve_stack(stack_text, name="stack")
    graph = not net.is_sequential
    parts: list[Part] = []
    steps: list[Step] = []
    i = 0
    shown = {name: name for name, _shape in net.inputs}  # how a join names its operands: a label, or "layer 5"
    for node in net.nodes:
        sol = node.solution
        if not isinstance(sol, Solution):
            name = f"{sol.join.kind} ({' + '.join(shown.get(x, x) for x in node.node.inputs)})"
            shown[node.name] = node.name if not _AUTO.match(node.name) else name
            shapes = " + ".join(shape_words(s) for s in sol.input_shapes)
            wrongs: tuple[Wrong, ...] = ()
            if sol.join.kind == "concat":
                widths = [s[-1] for s in sol.input_shapes]
                summed = " + ".join(map(str, widths)) + f" = {sol.output_shape[-1]}"
                added = (*sol.output_shape[:-1], max(widths))
                wrongs = (Wrong(added, ("concat-added",), M.say("concat-added", sum=summed)),)
            parts.append(Part(_("Join {name}: output shape").format(name=name), "output", sol.output_shape, wrongs))
            steps.append(
                worked_step(
                    f"{name}: " + _("Output shape"),
                    _("add: the shapes are equal") if sol.join.kind == "add" else _("concat: the channels add up"),
                    shapes,
                    shape_words(sol.output_shape),
                    quantity="output",
                )
            )
            continue
        i += 1
        layer = sol.layer
        shown[node.name] = node.name if not _AUTO.match(node.name) else _("layer {n}").format(n=i)
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
    if graph:
        return Problem(
            "network-trace",
            title or kind_title("network-trace"),
            difficulty,
            _(_GRAPH_TEXT).format(inp=shape_words(net.input_shape)),
            seal(parts),
            tuple(steps),
            spec="\n".join(spec.format_layer(s.layer) for s in net.solutions),
            layer=first,
            asked_spec=stack_text,
        )
    text = _(
        "Trace this stack on a {inp} input: fill in each layer's output shape and parameter count, then the "
        "total. Batchnorm counts γ, β and its running mean and variance."
    ).format(inp=shape_words(first.input_shape))
    return Problem(
        "network-trace",
        title or kind_title("network-trace"),
        difficulty,
        text,
        seal(parts),
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
