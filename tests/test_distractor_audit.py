"""Audit: every wrong answer a single-layer problem offers is what its named misconceptions produce.

The reference below is written from the wrong rules as README's catalogue states them, apart from
quizgen's flawed calculator, and recomputes each wrong value from the layer and the ids in the key.
"""

from __future__ import annotations

import json
from fractions import Fraction
from math import ceil, floor, prod

import pytest

from quizgen import parse
from quizgen.layers import resolved_padding

SINGLE_LAYER_KINDS = (
    "output-conv",
    "output-pool",
    "output-dilated",
    "output-transposed",
    "params-conv",
    "params-linear",
    "macs-conv",
    "macs-linear",
    "pool-ops",
    "memory",
)


def _size(layer, axis: int, f: set[str]) -> Fraction | int:
    """One output size under the wrong rules in ``f``."""
    n = layer.spatial[axis]
    j = len(layer.spatial) - 1 - axis if "swapped-hw" in f else axis
    if "output-equals-input" in f:
        return n
    if layer.family.startswith("adaptive"):
        return layer.output_size[axis]
    k, s = layer.kernel[j], (1 if "stride-ignored" in f else layer.stride[j])
    d = layer.dilation[j] if layer.dilation else 1
    before, after = resolved_padding(layer)[j]
    span_k = k if "ignored-dilation" in f else d * (k - 1) + 1
    if layer.family == "convtranspose" and "transposed-as-conv" not in f:
        return (n - 1) * s - before - after + span_k - 1 + layer.output_padding[j] + 1
    pad = 0 if "ignored-padding" in f else before if "padding-once" in f else before + after
    one = 0 if "forgot-plus-one" in f else 1
    if "precedence" in f:
        return n - span_k + Fraction(pad, s) + one
    span = n + pad - span_k
    if "no-floor" in f:
        return Fraction(span, s) + one
    if "used-ceil" in f:
        return ceil(Fraction(span, s)) + one
    if layer.ceil_mode and "ignored-ceil-mode" not in f:
        out = ceil(Fraction(span, s)) + 1
        if (out - 1) * s >= n + before:
            out -= 1
        return out - 1 + one
    return span // s + one


def _weights(layer, f: set[str]) -> int:
    if layer.family == "linear":
        return layer.in_channels * layer.out
    g = 1 if "ignored-groups" in f else layer.groups
    area = layer.kernel[0] if "forgot-to-square" in f else prod(layer.kernel)
    if layer.family == "convtranspose":
        return area * (1 if "forgot-in-channels" in f else layer.in_channels) * (layer.out // g)
    return area * (1 if "forgot-in-channels" in f else layer.in_channels // g) * layer.out


def reference(layer, quantity: str, ids: tuple[str, ...]) -> set:
    """Every value the wrong rules ``ids`` give for ``quantity`` (rules with variants give several)."""
    f = set(ids)
    spatial = tuple(_size(layer, i, f) for i in range(len(layer.spatial)))
    per_value = 1 if "bytes-as-values" in f else 32 if "bits-not-bytes" in f else 4
    fam = layer.family
    if quantity in ("output", "output_bytes"):
        if fam == "linear":
            shape = (layer.out,)
        else:
            shape = (*spatial, layer.out if fam in ("conv", "convtranspose") else layer.in_channels)
        return {shape} if quantity == "output" else {per_value * prod(shape)}
    if quantity in ("params", "params_bytes"):
        bias = 0 if "forgot-bias" in f else layer.in_channels if "bias-per-input" in f else layer.out
        if not layer.bias and "added-bias" not in f:
            bias = 0
        total = _weights(layer, f) + bias
        return {total} if quantity == "params" else {per_value * total}
    if quantity in ("macs", "flops", "flops+bias"):
        w = _weights(layer, f)
        if fam == "linear":
            at, out_at = 1, 1
        elif "input-size-for-macs" in f:
            at = out_at = prod(layer.spatial)
        else:
            out_at = prod(spatial)
            input_side = fam == "convtranspose" and not f & {"transposed-as-conv", "transposed-output-side"}
            at = prod(layer.spatial) if input_side else out_at
        macs = w * at
        adds = layer.out * out_at if layer.bias or "added-bias" in f else 0
        if quantity == "macs":
            return (
                {macs + adds}
                if "counted-bias-adds" in f
                else {2 * macs, Fraction(macs, 2)}
                if ("macs-vs-flops" in f)
                else {macs}
            )
        if quantity == "flops":
            return (
                {2 * macs + adds}
                if "counted-bias-adds" in f
                else {macs, 4 * macs}
                if ("macs-vs-flops" in f)
                else {2 * macs}
            )
        if "counted-macs" in f:
            return {macs, macs + adds}
        return {2 * macs} if "forgot-bias-adds" in f else {2 * macs + adds}
    # pooling: windows, comparisons, additions, divisions
    channels = 1 if "pool-forgot-channels" in f else layer.in_channels
    if "pool-windows-from-input" in f:
        counts = [
            prod(Fraction(n, s) for n, s in zip(layer.spatial, layer.stride)),
            prod(n // s for n, s in zip(layer.spatial, layer.stride)),
            prod(ceil(Fraction(n, s)) for n, s in zip(layer.spatial, layer.stride)),
        ]
    elif "pool-stride-twice" in f:
        counts = [
            prod(ceil(Fraction(o, s)) for o, s in zip(spatial, layer.stride)),
            prod(Fraction(o, s) for o, s in zip(spatial, layer.stride)),
            prod(floor(Fraction(o, s)) for o, s in zip(spatial, layer.stride)),
        ]
    else:
        counts = [prod(spatial)]
    windows = {channels * c for c in counts}
    if quantity in ("windows", "divisions"):
        return windows
    minus = 0 if "pool-k2-comparisons" in f else 1
    if layer.kernel:
        per = (layer.kernel[0] if "forgot-to-square" in f else prod(layer.kernel)) - minus
        return {w * per for w in windows}
    # adaptive: the real windows of PyTorch's rule, or one fixed window per axis
    read = channels
    for n, o in zip(layer.spatial, layer.output_size):
        if "adaptive-fixed-window" in f:
            read *= o * (n - (o - 1) * (n // o))
        else:
            read *= sum(-(-(i + 1) * n // o) - (i * n) // o for i in range(o))
    return {read - w * minus for w in windows}


@pytest.mark.slow
@pytest.mark.parametrize("count", ["macs", "flops", "flops+bias"])
def test_every_wrong_answer_is_what_its_misconceptions_produce(run, tmp_path, count):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "recipe: audit\nsections:\n"
        + "".join(
            f"  - kind: {kind}\n    count: 2\n    difficulty: {d}\n    form: choice\n"
            for kind in SINGLE_LAYER_KINDS
            for d in (1, 2, 3)
        )
    )
    out = tmp_path / "out"
    result = run(
        "worksheet", str(recipe), "--count", count, "--variants", "12", "--seed", "3", "--format", "json",
        "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    checked = 0
    for sheet in json.loads((out / "key.json").read_text())["keys"]:
        for problem in sheet["problems"]:
            layer = parse(problem["spec"])
            for part in problem["parts"]:
                for wrong in part.get("wrong_answers", []):
                    value = tuple(wrong["value"]) if isinstance(wrong["value"], list) else wrong["value"]
                    if part["quantity"] == "output" and not isinstance(value, tuple):
                        value = (value,)
                    expected = reference(layer, part["quantity"], tuple(wrong["misconceptions"]))
                    assert value in expected, (problem["spec"], part["quantity"], wrong, expected)
                    assert value != (tuple(part["answer"]) if isinstance(part["answer"], list) else part["answer"])
                    checked += 1
    assert checked > 300
