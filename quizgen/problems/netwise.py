"""What the block kinds share: a network solved by the one engine, its worked steps layer by layer, the
compute conventions they state, and their parts' known wrong values.

The numbers come from :func:`quizgen.arith.network.solve_stack` (the graph solver every network uses) and
the steps from :func:`quizgen.explain.steps.explain` of each layer, so a block problem's working is the
same arithmetic ``quizgen solve --network`` shows.
"""

from __future__ import annotations

from collections.abc import Iterable

from quizgen.arith.graph import Network
from quizgen.arith.network import solve_stack
from quizgen.arith.solver import Solution
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import Step, explain, num
from quizgen.i18n import N_, _
from quizgen.problems.problem import Part, Value, Wrong
from quizgen.problems.registry import CONVENTION_TEXT, LABELS, NO_BIAS_ADDS_TEXT
from quizgen.problems.working import worked_step

TORCHVISION_TEXT = N_(
    "Only the multiply-accumulates of convolutions, linear layers and attention's matmuls count; normalisation, "
    "activations, pooling, residual adds, concatenations and element-wise multiplies count 0 (torchvision's "
    "convention)."
)
TRAINABLE_TEXT = N_(
    "Count the trainable parameters (PyTorch's sum(p.numel())): batchnorm's γ and β are trainable, its running "
    "mean and variance are not."
)


def network(text: str) -> Network:
    """A block written in the network notation, solved by the graph solver."""
    return solve_stack(text, name="block")


def layers(net: Network) -> list[tuple[str, Solution]]:
    """The layers of ``net`` (joins left out) with their node names, in order."""
    return [(s.name, s.solution) for s in net.nodes if isinstance(s.solution, Solution)]


def compute_in(macs: int, bias_adds: int, count: str) -> int:
    """MACs as the sheet's ``--count`` asks them: MACs, FLOPs = 2·MACs, or FLOPs plus one add per bias."""
    return macs if count == "macs" else 2 * macs + (bias_adds if count == "flops+bias" else 0)


def compute_of(net: Network, count: str) -> int:
    return compute_in(net.macs, sum(sol.bias_adds for _name, sol in layers(net)), count)


def compute_label(count: str) -> str:
    return _(LABELS[count])


def compute_conventions(count: str, has_bias: bool) -> list[str]:
    """The sentences a compute part depends on: the ``--count`` convention, torchvision's, and no bias adds."""
    said = [_(CONVENTION_TEXT[count]), _(TORCHVISION_TEXT)]
    if count == "flops+bias" and not has_bias:
        said.append(_(NO_BIAS_ADDS_TEXT))
    return said


def flops_wrong(value: int, count: str, macs: int) -> tuple[Wrong, ...]:
    """``macs-vs-flops``: the right compute off by the factor 2; under ``flops+bias``, ``counted-macs``: the MACs."""
    if count == "macs":
        return (Wrong(2 * value, ("macs-vs-flops",), M.say("macs-vs-flops-macs")),)
    if count == "flops":
        return (Wrong(value // 2, ("macs-vs-flops",), M.say("macs-vs-flops-flops")),)
    return (Wrong(macs, ("counted-macs",), M.say("counted-macs")),)


def distinct(answer: Value, wrongs: Iterable[Wrong]) -> tuple[Wrong, ...]:
    """The wrong values that differ from the answer and from each other, first kept, positive only."""
    seen: list[Value] = [answer]
    kept = []
    for w in wrongs:
        positive = all(x > 0 for x in w.value) if isinstance(w.value, tuple) else w.value > 0
        if w.value not in seen and positive:
            seen.append(w.value)
            kept.append(w)
    return tuple(kept)


def layer_steps(net: Network, quantities: set[str], labels: dict[str, str] | None = None) -> list[Step]:
    """Each layer's worked steps for ``quantities`` (``params``: weights, biases and trainable counts;
    ``macs``: the MACs), titled with the layer's name in the block, for the layers that have any."""
    labels = labels or {}
    wanted = set()
    if "params" in quantities:
        wanted |= {"weights", "bias", "params", "trainable"}
    if "macs" in quantities:
        wanted.add("macs")
    steps = []
    for name, sol in layers(net):
        if not (sol.params.trainable or ("macs" in quantities and sol.macs)):
            continue
        who = labels.get(name, name)
        for st in explain(sol):
            if st.quantity in wanted and not (st.quantity == "macs" and not sol.macs):
                if st.quantity in ("weights", "bias", "params", "trainable") and not sol.params.trainable:
                    continue
                steps.append(st._replace(title=f"{who}: {st.title}"))
    return steps


def total_step(title: str, values: list[int], quantity: str) -> Step:
    shown = [v for v in values if v]
    return worked_step(
        title, _("sum of the layers"), " + ".join(num(v) for v in shown) or "0", num(sum(values)), quantity=quantity
    )


def count_step(macs: int, bias_adds: int, count: str) -> list[Step]:
    """The step from MACs to the sheet's compute quantity (none under ``--count macs``)."""
    if count == "macs":
        return []
    if count == "flops":
        return [worked_step(_(LABELS["flops"]), "2 × MACs", f"2 × {num(macs)}", num(2 * macs), quantity="flops")]
    return [
        worked_step(
            _(LABELS["flops+bias"]),
            _("2 × MACs + bias adds"),
            f"2 × {num(macs)} + {num(bias_adds)}",
            num(2 * macs + bias_adds),
            quantity="flops+bias",
        )
    ]


def seal(parts: list[Part]) -> tuple[Part, ...]:
    """The parts, each without a wrong value that is another part's answer: its "not X" line would give X away
    (SE's weights without biases equal its MACs, for one)."""
    answers = {p.answer for p in parts}
    return tuple(p._replace(wrongs=tuple(w for w in p.wrongs if w.value not in answers)) for p in parts)
