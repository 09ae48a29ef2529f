"""The misconception catalogue: every id DESIGN names, each producing its wrong value."""

from __future__ import annotations

from fractions import Fraction

import pytest

from quizgen import parse
from quizgen.misconceptions import CATALOGUE, distractors

# id -> (layer, quantity, the wrong value worked out by hand from the wrong rule)
EXAMPLES = {
    "precedence": ("conv2d in=227x227x3 out=96 k=11 s=4", "output", (227 - 11 + 0 + 1,) * 2 + (96,)),
    "no-floor": ("conv2d in=224x224x3 out=64 k=7 s=2", "output", (Fraction(217, 2) + 1,) * 2 + (64,)),
    "padding-once": ("conv2d in=32x32x3 out=8 k=3 p=1", "output", ((32 - 3 + 1) // 1 + 1,) * 2 + (8,)),
    "ignored-ceil-mode": ("maxpool2d in=56x56x64 k=3 s=2 ceil=true", "output", ((56 - 3) // 2 + 1,) * 2 + (64,)),
    "forgot-bias": ("conv2d in=227x227x3 out=96 k=11 s=4", "params", 11 * 11 * 3 * 96),
    "forgot-in-channels": ("conv2d in=227x227x3 out=96 k=11 s=4", "params", 11 * 11 * 96 + 96),
    "ignored-groups": ("conv2d in=56x56x64 out=64 k=3 p=1 g=64", "weights", 3 * 3 * 64 * 64),
    "ignored-dilation": ("conv1d in=100x16 out=32 k=5 d=2", "output", (100 - 5 + 1, 32)),
    "input-size-for-macs": ("conv2d in=227x227x3 out=96 k=11 s=4", "macs", 11 * 11 * 3 * 96 * 227 * 227),
    "macs-vs-flops": ("linear in=100 out=10", "macs", 2 * 100 * 10),
    "pool-windows-from-input": ("maxpool2d in=56x56x64 k=3 s=2", "windows", 64 * 28 * 28),
    "pool-stride-twice": ("maxpool2d in=55x55x96 k=3 s=2", "windows", 96 * 14 * 14),
    "pool-forgot-channels": ("maxpool2d in=55x55x96 k=3 s=2", "windows", 27 * 27),
    "pool-k2-comparisons": ("maxpool2d in=55x55x96 k=3 s=2", "comparisons", 96 * 27 * 27 * 9),
    "transposed-as-conv": (
        "convtranspose2d in=14x14x64 out=32 k=4 s=2 p=1",
        "output",
        ((14 - 4 + 2) // 2 + 1,) * 2 + (32,),
    ),
}


def test_catalogue_has_every_design_id():
    assert set(EXAMPLES) <= set(CATALOGUE)


@pytest.mark.parametrize("mid", sorted(EXAMPLES))
def test_each_misconception_produces_its_wrong_value(mid):
    text, quantity, wrong = EXAMPLES[mid]
    layer = parse(text)
    m = CATALOGUE[mid]
    assert m.applies(layer)
    assert wrong in m.wrong_values(layer, quantity)
    explanation = m.explain(layer)
    assert explanation and "{" not in explanation and "\n" not in explanation


def test_forgot_bias_feedback_names_the_biases():
    assert (
        CATALOGUE["forgot-bias"].explain(parse("conv2d in=227x227x3 out=96 k=11 s=4"))
        == "the weight count only; the 96 biases are missing"
    )


def test_distractors_are_distinct_whole_and_wrong():
    layer = parse("conv2d in=227x227x3 out=96 k=11 s=4")
    found = distractors(layer, "params", limit=0)
    values = [v for v, _ in found]
    assert len(values) == len(set(values)) >= 3
    assert 34944 not in values
    assert (34848, ("forgot-bias",)) in found
