"""Single-layer kinds: output sizes, parameters, compute, pooling operations and memory of one layer.

Each kind is a :data:`~quizgen.problems.registry.Drafter`: it draws its layer from the generator, which fixes
the quantities the problem asks, and makes the problem (which draws nothing) only when asked to.  A sheet
looking for a slot's shape (:mod:`quizgen.problems.slots`) so makes only the draft it keeps.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from quizgen.arith import layers as L
from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.errors import QuizgenError
from quizgen.i18n import N_, _
from quizgen.problems import draws
from quizgen.problems.problem import Problem
from quizgen.problems.registry import COMPUTE_QUANTITY, Drafter, kind, layer_making

Draft = tuple[tuple[str, ...], Callable[[], Problem]]


def _make(text: str) -> Layer:
    return spec.parse(text)


def _draw(rng: random.Random, make: Callable[[], str], accept: Callable[[Layer], bool] = lambda _l: True) -> Layer:
    """Parse the spec ``make`` writes; samplers write valid specs, so a rejection is retried only as a safety net."""
    for _attempt in range(200):
        try:
            layer = _make(make())
        except QuizgenError:
            continue
        if accept(layer):
            return layer
    raise AssertionError(_("sampler could not draw a valid layer"))  # a bug in a sampler, not user input


def _single(kind_id: str, title: str, asks: str) -> Callable[[Drafter], Drafter]:
    """Register a drafter as a kind, with the sampler that makes its draft at once."""

    def register(drafter: Drafter) -> Drafter:
        def sample(rng: random.Random, difficulty: int, count: str) -> Problem:
            return drafter(rng, difficulty, count)[1]()

        kind(kind_id, title, asks, draft=drafter)(sample)
        return drafter

    return register


def _asking(
    kind_id: str,
    difficulty: int,
    layer: Layer,
    quantities: list[str],
    question: str,
    count: str = "macs",
    extra_text: str = "",
) -> Draft:
    """The draft of a :func:`layer_problem`: its quantities, and how to make it (its face first)."""
    return tuple(quantities), layer_making(kind_id, difficulty, layer, quantities, question, count, extra_text)


@_single("output-conv", N_("Output size: convolution"), N_("the output shape of a conv layer"))
def _output_conv(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer = _draw(rng, lambda: draws.conv_spec(rng, difficulty))
    return _asking("output-conv", difficulty, layer, ["output"], _("What is the output shape?"))


@_single("output-pool", N_("Output size: pooling"), N_("the output shape of a pooling layer"))
def _output_pool(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer = _draw(rng, lambda: draws.pool_spec(rng, difficulty))
    return _asking("output-pool", difficulty, layer, ["output"], _("What is the output shape?"))


@_single("output-dilated", N_("Output size: dilated convolution"), N_("the output shape of a dilated conv"))
def _output_dilated(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer = _draw(rng, lambda: draws.dilated_spec(rng, difficulty))
    return _asking("output-dilated", difficulty, layer, ["output"], _("What is the output shape?"))


@_single("output-transposed", N_("Output size: transposed convolution"), N_("the output shape of a transposed conv"))
def _output_transposed(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer = _draw(rng, lambda: draws.transposed_spec(rng, difficulty))
    return _asking("output-transposed", difficulty, layer, ["output"], _("What is the output shape?"))


@_single("params-conv", N_("Parameters: convolution"), N_("the parameter count of a conv layer"))
def _params_conv(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer = _draw(rng, lambda: draws.conv_spec(rng, difficulty))
    return _asking("params-conv", difficulty, layer, ["params"], _("How many parameters does it have?"))


def _linear(rng: random.Random, difficulty: int) -> tuple[Layer, str]:
    """A linear layer at a level, and the sentence that says where its input comes from (level 3)."""
    text, feature_map = draws.linear_spec(rng, difficulty)
    if feature_map is None:
        return _make(text), ""
    h, ch = feature_map
    return _make(text), _("Its input is a {h} × {h} × {ch} feature map, flattened.").format(h=h, ch=ch)


@_single("params-linear", N_("Parameters: fully connected"), N_("the parameter count of a linear layer"))
def _params_linear(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer, extra = _linear(rng, difficulty)
    return _asking(
        "params-linear", difficulty, layer, ["params"], _("How many parameters does it have?"), extra_text=extra
    )


@_single("macs-conv", N_("Compute: convolution"), N_("the MACs or FLOPs of a conv layer"))
def _macs_conv(rng: random.Random, difficulty: int, count: str) -> Draft:
    if difficulty == 3 and rng.random() < 0.3:
        layer = _draw(rng, lambda: draws.transposed_spec(rng, 2 if rng.random() < 0.5 else 3))
    else:
        layer = _draw(rng, lambda: draws.conv_spec(rng, difficulty))
    q = COMPUTE_QUANTITY[count]
    return _asking(
        "macs-conv", difficulty, layer, [q], _("How much compute does one forward pass take (batch 1)?"), count
    )


@_single("macs-linear", N_("Compute: fully connected"), N_("the MACs or FLOPs of a linear layer"))
def _macs_linear(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer, extra = _linear(rng, difficulty)
    return _asking(
        "macs-linear",
        difficulty,
        layer,
        [COMPUTE_QUANTITY[count]],
        _("How much compute does one forward pass take (batch 1)?"),
        count,
        extra_text=extra,
    )


@_single("pool-ops", N_("Pooling operations"), N_("the windows and comparisons (or additions) of a pooling layer"))
def _pool_ops(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer = _draw(rng, lambda: draws.pool_spec(rng, difficulty))
    is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
    quantities = ["windows", "comparisons"] if is_max else ["windows", "additions", "divisions"]
    return _asking(
        "pool-ops",
        difficulty,
        layer,
        quantities,
        _("How many pooling windows are there, and how many operations do they take?"),
    )


@_single("memory", N_("Memory"), N_("the parameter bytes and output activation bytes of a layer (fp32)"))
def _memory(rng: random.Random, difficulty: int, count: str) -> Draft:
    layer = _draw(rng, lambda: draws.conv_spec(rng, difficulty))
    return _asking(
        "memory",
        difficulty,
        layer,
        ["params_bytes", "output_bytes"],
        _(
            "Stored in fp32 (4 bytes per value) with a batch of 1, how many bytes do its parameters "
            "take, and how many its output activations?"
        ),
    )
