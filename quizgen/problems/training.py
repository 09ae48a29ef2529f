"""Training memory: the activations training keeps for the backward pass, at a batch size, in fp32 or fp16.

The network is a small stack (levels 1 and 2) or a residual block (level 3) in the network notation, solved
by the graph solver; every node's output elements come from it.  What is kept is stated in words: the output
of every layer (and of the residual add), for every image of the batch, the input not counted.
"""

from __future__ import annotations

import random

from quizgen.arith.solver import Solution
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import num
from quizgen.i18n import N_, _, sentences
from quizgen.problems import netwise as W
from quizgen.problems.problem import Part, Problem, Wrong
from quizgen.problems.registry import kind
from quizgen.problems.working import kind_title, worked_step

# --- training-memory -------------------------------------------------------------------------------------

KEPT_TEXT = {
    "stack": N_(
        "For the backward pass, training keeps the output of every layer listed (each convolution, batchnorm, "
        "ReLU and pooling output), for every image of the batch. The input images are not counted, nothing is "
        "freed or shared, and the parameters, gradients and optimizer state are not asked for."
    ),
    "residual": N_(
        "For the backward pass, training keeps the output of every line listed (each convolution, batchnorm and "
        "ReLU output, and the residual add's), for every image of the batch. The input is not counted, nothing is "
        "freed or shared, and the parameters, gradients and optimizer state are not asked for."
    ),
}
PRECISION_TEXT = {"fp32": N_("fp32 = 4 bytes per value."), "fp16": N_("fp16 = 2 bytes per value.")}


def memory_net(rng: random.Random, difficulty: int) -> str:
    if difficulty < 3:
        size, c = rng.choice([(32, 3), (64, 3), (96, 3), (128, 3), (224, 3), (28, 1)])
        w, k = rng.choice([8, 16, 32, 64]), rng.choice([3, 5])
        lines = [
            f"conv2d in={size}x{size}x{c} out={w} k={k} p={k // 2} bias=false",
            "batchnorm2d",
            "relu",
            "maxpool2d k=2",
        ]
        if difficulty == 2:
            lines += [f"conv2d out={2 * w} k=3 p=1 bias=false", "batchnorm2d", "relu"]
        return "\n".join(lines)
    size, c = rng.choice([7, 8, 14, 16, 28, 32, 56]), rng.choice([16, 32, 64, 128, 256])
    return "\n".join(
        [
            f"input in={size}x{size}x{c}",
            f"conv2d out={c} k=3 p=1 bias=false",
            "batchnorm2d",
            "relu",
            f"conv2d out={c} k=3 p=1 bias=false",
            "batchnorm2d",
            "add input",
            "relu",
        ]
    )


@kind(
    "training-memory",
    N_("Training memory"),
    N_("the activation memory training keeps for the backward pass, at a batch size, in fp32 or fp16"),
)
def _training_memory(rng: random.Random, difficulty: int, count: str) -> Problem:
    net_text = memory_net(rng, difficulty)
    net = W.network(net_text)
    batch = rng.choice([8, 16, 32, 64, 128, 256])
    precision = "fp32" if difficulty == 1 else rng.choice(["fp32", "fp16"])
    per = 4 if precision == "fp32" else 2
    outputs = [s.solution.output_elements for s in net.nodes]
    values = sum(outputs)
    total = batch * values * per
    last = outputs[-1]
    convs = sum(
        e for s, e in zip(net.nodes, outputs) if isinstance(s.solution, Solution) and s.solution.layer.family == "conv"
    )
    parts = [
        Part(
            _("Values kept for one image"),
            "output_elements",
            values,
            W.distinct(
                values,
                [
                    Wrong(last, ("only-last-activation",), M.say("only-last-activation")),
                    Wrong(convs, ("only-conv-outputs",), M.say("only-conv-outputs")),
                ],
            ),
            hint=_("Add up every layer's output elements (H × W × C)."),
        ),
        Part(
            _("Bytes kept for the batch of {b} ({p})").format(b=batch, p=precision),
            "output_bytes",
            total,
            W.distinct(
                total,
                [
                    Wrong(values * per, ("batch-forgotten",), M.say("batch-forgotten", b=batch)),
                    Wrong(batch * values, ("bytes-as-values",), M.say("bytes-as-values", precision=precision, per=per)),
                    Wrong(
                        batch * values * per * 8,
                        ("bits-not-bytes",),
                        M.say("bits-not-bytes", bits=per * 8, precision=precision, per=per),
                    ),
                    *([Wrong(batch * values * 4, ("fp16-as-4-bytes",), M.say("fp16-as-4-bytes"))] if per == 2 else []),
                    Wrong(batch * last * per, ("only-last-activation",), M.say("only-last-activation")),
                ],
            ),
            hint=_("Values per image × batch × bytes per value."),
        ),
    ]
    steps = [
        worked_step(
            _("{name}: output elements").format(name=s.name),
            "H × W × C",
            " × ".join(map(str, s.output_shape)),
            num(e),
            quantity="output_elements",
        )
        for s, e in zip(net.nodes, outputs)
    ]
    steps.append(W.total_step(_("Values kept for one image"), outputs, "output_elements"))
    steps.append(
        worked_step(
            _("Bytes for the batch"),
            _("values × batch × bytes per value"),
            f"{num(values)} × {batch} × {per}",
            num(total),
            quantity="output_bytes",
        )
    )
    first = net.input_shape
    text = _(
        "This network is trained with a batch of {b} images of {inp}, its activations stored in {p}. How many values "
        "does training keep for one image, and how many bytes for the whole batch?"
    ).format(b=batch, inp=" × ".join(map(str, first)), p=precision)
    return Problem(
        "training-memory",
        kind_title("training-memory"),
        difficulty,
        sentences(text, _(KEPT_TEXT["residual" if difficulty == 3 else "stack"]), _(PRECISION_TEXT[precision])),
        W.seal(parts),
        tuple(steps),
        spec=net_text,
    )
