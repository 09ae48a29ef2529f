"""The eight graph built-ins against PyTorch and torchvision's published figures.

Three independent sources must agree for each network:

- torchvision's weights metadata (``num_params`` and ``_ops``, GMACs to 3 decimals), copied below from
  ``torchvision/models/{resnet,mobilenetv2,densenet,efficientnet,googlenet,convnext,vision_transformer}.py``;
- a plain-torch rebuild of the architecture (tests/torch_nets.py), whose ``sum(p.numel())`` must equal the
  published ``num_params`` (so the rebuild *is* the architecture) and whose MACs are counted by
  ``FlopCounterMode`` (attention's QKᵀ and AV checked against 2·N²·d per layer);
- ``quizgen solve --network NAME --json``, through the CLI, as a user runs it.

quizgen's trainable parameters must equal the rebuild's ``sum(p.numel())`` and its MACs the rebuild's count
exactly; rounded to GMACs they are torchvision's ``_ops``. Its non-trainable count must equal the
rebuild's batchnorm running statistics (``running_mean`` and ``running_var``).

Skipped without torch, except under CI (``CI`` set), where a missing torch fails.
"""

from __future__ import annotations

import json

import pytest
from browser import IN_CI

if IN_CI:
    import torch  # noqa: F401  (under CI a missing torch is a failure, not a skip)
else:
    pytest.importorskip("torch")

import torch_nets  # noqa: E402

#: torchvision's weights metadata: (num_params, _ops in GMACs), the public anchor.
PUBLISHED = {
    "resnet18": (11_689_512, 1.814),  # ResNet18_Weights.IMAGENET1K_V1
    "resnet50": (25_557_032, 4.089),  # ResNet50_Weights.IMAGENET1K_V1 and V2
    "mobilenet_v2": (3_504_872, 0.301),  # MobileNet_V2_Weights.IMAGENET1K_V1
    "densenet121": (7_978_856, 2.834),  # DenseNet121_Weights.IMAGENET1K_V1
    "efficientnet_b0": (5_288_548, 0.386),  # EfficientNet_B0_Weights.IMAGENET1K_V1
    "googlenet": (6_624_904, 1.498),  # GoogLeNet_Weights.IMAGENET1K_V1 (aux heads off)
    "convnext_tiny": (28_589_128, 4.456),  # ConvNeXt_Tiny_Weights.IMAGENET1K_V1
    "vit_b_16": (86_567_656, 17.564),  # ViT_B_16_Weights.IMAGENET1K_V1
}
NAMES = tuple(PUBLISHED)


class Reference:
    """One rebuilt model's counts, computed once per session."""

    def __init__(self, name: str) -> None:
        self.model = model = torch_nets.build(name)
        self.params = torch_nets.count_params(model)
        self.macs = torch_nets.count_macs(model)
        self.running_stats = sum(
            b.numel() for key, b in model.named_buffers() if key.endswith(("running_mean", "running_var"))
        )


@pytest.fixture(scope="session")
def reference():
    cache: dict[str, Reference] = {}

    def get(name: str) -> Reference:
        if name not in cache:
            cache[name] = Reference(name)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def solved():
    """``quizgen solve --network NAME --json``, once per network per session."""
    from click.testing import CliRunner

    from quizgen.cli import cli

    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            result = CliRunner().invoke(cli, ["solve", "--network", name, "--json"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            cache[name] = json.loads(result.stdout)
        return cache[name]

    return get


@pytest.mark.parametrize("name", NAMES)
def test_the_rebuild_is_torchvisions_architecture(name, reference):
    """The rebuild's parameter count is torchvision's published one, and its MACs round to ``_ops``."""
    num_params, ops = PUBLISHED[name]
    ref = reference(name)
    assert ref.params == num_params
    assert round(ref.macs / 1e9, 3) == ops


@pytest.mark.parametrize("name", NAMES)
def test_quizgen_counts_the_parameters_exactly(name, reference, solved):
    total = solved(name)["total"]
    ref = reference(name)
    assert total["params"]["trainable"] == ref.params == PUBLISHED[name][0]
    assert total["params"]["non_trainable"] == ref.running_stats
    assert total["params"]["total"] == ref.params + ref.running_stats
    assert total["output_shape"] == [1000]


@pytest.mark.parametrize("name", NAMES)
def test_quizgen_counts_the_macs_exactly(name, reference, solved):
    total = solved(name)["total"]
    assert total["macs"] == reference(name).macs
    assert round(total["macs"] / 1e9, 3) == PUBLISHED[name][1]
    assert total["flops"] == 2 * total["macs"]


def test_vit_attention_is_counted_by_the_formula(reference, solved):
    """ViT-B/16 by hand: the patch conv, 12 layers of 4·N·d² + 2·N²·d + 2·N·d·H, and the head (N = 197)."""
    n, d, hidden, layers = 197, 768, 3072, 12
    patch = 196 * 16 * 16 * 3 * d
    per_layer = 4 * n * d * d + 2 * n * n * d + 2 * n * d * hidden
    head = d * 1000
    assert patch + layers * per_layer + head == reference("vit_b_16").macs == solved("vit_b_16")["total"]["macs"]


def _stages(bounds: tuple[int, ...]) -> dict[str, slice]:
    """``stage1``, ``stage2``, … as the runs of the reference's children between ``bounds``."""
    return {f"stage{i + 1}": slice(a, b) for i, (a, b) in enumerate(zip(bounds, bounds[1:]))}


#: The rows ``solve --network NAME --depth 1`` folds into a block, and which of the reference's top-level
#: children each one is (a slice of ``list(model.children())``).
BLOCK_ROWS = {
    "resnet18": {"layer1": slice(4, 6), "layer2": slice(6, 8), "layer3": slice(8, 10), "layer4": slice(10, 12)},
    "resnet50": {"layer1": slice(4, 7), "layer2": slice(7, 11), "layer3": slice(11, 17), "layer4": slice(17, 20)},
    "mobilenet_v2": _stages((1, 2, 4, 7, 11, 14, 17, 18)),
    "efficientnet_b0": _stages((1, 2, 4, 6, 9, 12, 16, 17)),
    "densenet121": {"block1": slice(4, 10), "block2": slice(14, 26), "block3": slice(30, 54), "block4": slice(58, 74)},
    "googlenet": {
        f"inception{row}": slice(i, i + 1)
        for row, i in (
            ("3a", 5),
            ("3b", 6),
            ("4a", 8),
            ("4b", 9),
            ("4c", 10),
            ("4d", 11),
            ("4e", 12),
            ("5a", 14),
            ("5b", 15),
        )
    },
    "convnext_tiny": {"stage1": slice(2, 5), "stage2": slice(7, 10), "stage3": slice(12, 21), "stage4": slice(23, 26)},
}


def _block_rows(solution: dict) -> dict[str, dict]:
    return {row["name"]: row for row in solution["blocks"]}


def _input_shapes(model) -> list[tuple[int, ...]]:
    """The input shape (without the batch) of each top-level child, seen as the reference runs."""
    import torch

    children = list(model.children())
    shapes: list[tuple[int, ...]] = [()] * len(children)
    hooks = [
        child.register_forward_pre_hook(lambda _m, args, i=i: shapes.__setitem__(i, tuple(args[0].shape[1:])))
        for i, child in enumerate(children)
    ]
    with torch.no_grad():
        model(torch.empty(1, 3, 224, 224, device="meta"))
    for hook in hooks:
        hook.remove()
    return shapes


@pytest.mark.parametrize("name", sorted(BLOCK_ROWS))
def test_each_block_row_is_the_same_part_of_the_reference(name, reference, solved):
    """Block rows against the same modules of the rebuild: trainable parameters and MACs, row by row.

    ResNet's layer1..layer4, the MobileNet v2 and EfficientNet stages, DenseNet's dense blocks, GoogLeNet's
    inceptions and ConvNeXt's stages.
    """
    from torch import nn

    model = reference(name).model
    children, shapes = list(model.children()), _input_shapes(model)
    rows = _block_rows(solved(name))
    for row_name, part in BLOCK_ROWS[name].items():
        stage = nn.Sequential(*children[part])
        row = rows[row_name]
        assert row["params"]["trainable"] == torch_nets.count_params(stage), row_name
        assert row["macs"] == torch_nets.count_macs_of(stage, shapes[part.start]), row_name


def test_the_vit_encoder_row_is_the_reference_encoder(reference, solved):
    """``encoder ×12`` of the README's table against torchvision's 12 encoder layers on 197 tokens of 768."""
    model = reference("vit_b_16").model
    rows = [row for row in _block_rows(solved("vit_b_16")).values() if row["block"].startswith("encoder ×")]
    assert len(rows) == 1
    assert rows[0]["params"]["trainable"] == torch_nets.count_params(model.layers)
    assert rows[0]["macs"] == torch_nets.count_macs_of(model.layers, (197, 768))
