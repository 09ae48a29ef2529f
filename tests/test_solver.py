"""Solver numbers against hand calculation (shown in each test) and the rules of DESIGN section 3."""

from __future__ import annotations

import pytest

from quizgen import parse, solve
from quizgen.explain.steps import explain, notes


def sol(text: str):
    return solve(parse(text))


def test_alexnet_conv1_by_hand():
    s = sol("conv2d in=227x227x3 out=96 k=11 s=4")
    assert s.output_shape == ((227 - 11) // 4 + 1, (227 - 11) // 4 + 1, 96)
    assert s.params.weights == 11 * 11 * 3 * 96 and s.params.bias == 96
    assert s.macs == 11 * 11 * 3 * 96 * 55 * 55
    assert s.flops == 2 * s.macs
    assert s.flops_with_bias == 2 * s.macs + 96 * 55 * 55


def test_seed_examples():
    assert sol("conv2d in=3x3x1 out=1 k=3 bias=false").macs == 3 * 3 * 1 * 1 * 1 * 1
    s = sol("conv2d in=32x32x1 out=3 k=5 bias=false")
    assert s.output_shape == (28, 28, 3) and s.macs == 5 * 5 * 28 * 28 * 1 * 3 and s.params.total == 75
    s = sol("conv2d in=32x32x64 out=128 k=5 bias=false")
    assert s.macs == 160_563_200 and s.params.total == 204_800


def test_seed_pooling_example():
    s = sol("maxpool2d in=55x55x96 k=3 s=2")
    assert s.output_shape == (27, 27, 96)
    assert s.pool.windows == 96 * 27 * 27 == 69_984
    assert s.pool.comparisons == 69_984 * (3 * 3 - 1) == 559_872


def test_depthwise_and_grouped():
    s = sol("conv2d in=56x56x64 out=64 k=3 p=same g=64")
    assert s.output_shape == (56, 56, 64)
    assert s.params.weights == 3 * 3 * 1 * 64
    s = sol("conv2d in=28x28x64 out=128 k=3 p=1 g=4")
    assert s.params.weights == 3 * 3 * (64 // 4) * 128


def test_transposed_with_output_padding():
    # (14 - 1)·2 - 2·1 + 1·(4 - 1) + 0 + 1 = 28
    s = sol("convtranspose2d in=14x14x64 out=32 k=4 s=2 p=1 op=0")
    assert s.output_shape == (28, 28, 32)
    # (7 - 1)·2 - 2·1 + 3 + 1 + 0 = 14 with k=3, op=1
    assert sol("convtranspose2d in=7x7x64 out=32 k=3 s=2 p=1 op=1").output_shape == (14, 14, 32)
    assert s.params.weights == 4 * 4 * 64 * 32
    assert s.macs == 4 * 4 * 64 * 32 * 14 * 14  # scattered from each input element


def test_dilation():
    # effective kernel 2·(5-1)+1 = 9: 100 - 9 + 1 = 92
    assert sol("conv1d in=100x16 out=32 k=5 d=2").output_shape == (92, 32)


@pytest.mark.parametrize(
    "text, size",
    [
        # ceil((6 - 3)/2) + 1 = 3 windows start at 0, 2, 4; the last one (4) starts inside the input: kept
        ("maxpool2d in=6x6x1 k=3 s=2 ceil=true", 3),
        # floor: (6 - 3)//2 + 1 = 2
        ("maxpool2d in=6x6x1 k=3 s=2", 2),
        # ceil((5 + 2 - 2)/2) + 1 = 4; the 4th window would start at 6 >= 5 + 1: dropped, so 3
        ("maxpool2d in=5x5x1 k=2 s=2 p=1 ceil=true", 3),
        # kernel larger than the input, allowed under ceil: ceil((2 - 3)/2) + 1 = 1
        ("maxpool2d in=2x2x1 k=3 s=2 ceil=true", 1),
    ],
)
def test_ceil_mode(text, size):
    assert sol(text).output_shape[0] == size


def test_same_padding_tensorflow_rule():
    # TF: out = ceil(224/2) = 112; total pad = max((112-1)·2 + 3 - 224, 0) = 1 → 0 before, 1 after
    s = sol("conv2d in=224x224x3 out=32 k=3 s=2 p=same")
    assert s.output_shape == (112, 112, 32)
    assert s.padding == ((0, 1), (0, 1))
    assert any("asymmetric" in n for n in notes(s))
    assert any("TensorFlow" in st.title for st in explain(s))


def test_adaptive_pool_real_windows():
    # 7 → 3: windows [0,3) [2,5) [4,7): lengths 3, 3, 3;  5 → 3: [0,2) [1,4) [3,5): 2, 3, 2
    s = sol("adaptiveavgpool2d in=7x5x2 size=3")
    assert s.pool.window_sizes == ((3, 3, 3), (2, 3, 2))
    assert s.pool.windows == 2 * 3 * 3
    assert s.pool.additions == 2 * (3 + 3 + 3) * (2 + 3 + 2) - 18
    assert s.pool.divisions == 18


def test_batchnorm_counts():
    s = sol("batchnorm2d in=55x55x96")
    assert (s.params.trainable, s.params.non_trainable, s.params.total) == (192, 192, 384)
    assert s.macs == 0


def test_linear_relu_flatten():
    s = sol("linear in=9216 out=4096")
    assert s.params.total == 9216 * 4096 + 4096 and s.macs == 9216 * 4096
    assert sol("flatten in=6x6x256").output_shape == (9216,)
    assert sol("relu in=55x55x96").output_shape == (55, 55, 96)


def test_inexact_division_note_counts_the_uncovered_rows():
    # (224 - 7 + 0)/2 = 108.5: floor leaves 1 row of the input uncovered
    s = sol("conv2d in=224x224x3 out=64 k=7 s=2")
    assert any("Floor keeps 108" in n and "last 1 row" in n for n in notes(s))


def test_floor_vs_ceil_note():
    assert any("ceil=true it would be 28" in n for n in notes(sol("maxpool2d in=56x56x64 k=3 s=2")))


def test_every_step_has_text_and_latex():
    for text in [
        "conv2d in=227x227x3 out=96 k=11 s=4",
        "maxpool2d in=55x55x96 k=3 s=2",
        "convtranspose3d in=4x8x8x16 out=8 k=3 s=2 p=1 op=1",
        "adaptivemaxpool1d in=10x4 size=3",
        "avgpool2d in=7x7x512 k=7",
        "conv2d in=32x32x3 out=8 k=3 s=2 p=same",
        "linear in=10 out=2",
    ]:
        for st in explain(sol(text)):
            assert st.title and st.formula and st.result and st.formula_tex and st.quantity
