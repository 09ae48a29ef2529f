"""Misconceptions about whole blocks: residual shortcuts, bottlenecks, concatenations, SE, ViT tokens, attention
scaling and training memory.

These mistakes are about how a block is put together, not about one layer, so no single layer's quantity
applies them (their ``quantities`` are empty and ``applies`` is always false): the problem kinds of
:mod:`quizgen.problems.blocks` and :mod:`quizgen.problems.transformer` compute the wrong value a student
holding each one writes down, and name it.  Their explanations are templates filled with the block's own
numbers by :func:`quizgen.explain.catalogue.say`.

:data:`BLOCK_TEXT` words a mistake the catalogue already names for one layer (``forgot-bias``,
``bn-running-stats-trainable``, ``macs-vs-flops``…) as it reads for a whole block.
"""

from __future__ import annotations

from quizgen.arith.layers import Layer
from quizgen.explain.catalogue.core import Misconception
from quizgen.i18n import N_


def _never(layer: Layer) -> bool:
    return False


def _block(mid: str, rule: str, explanation: str) -> Misconception:
    return Misconception(mid, rule, explanation, frozenset(), _never)


BLOCKS: list[Misconception] = [
    _block(
        "projection-forgotten",
        N_("the projection shortcut left out"),
        N_(
            "the 1×1 projection shortcut was left out; when the stride or the width changes, the shortcut is a "
            "1×1 conv (with its batchnorm) of {what}"
        ),
    ),
    _block(
        "projection-on-identity",
        N_("a projection counted on an identity shortcut"),
        N_(
            "a 1×1 projection was counted on the shortcut; here the stride is 1 and the width stays {c}, so "
            "the shortcut is the identity: no parameters, no MACs"
        ),
    ),
    _block(
        "bn-params-forgotten",
        N_("batchnorm's γ and β left out"),
        N_("batchnorm's γ and β were left out; each batchnorm has 2 trainable parameters per channel ({what})"),
    ),
    _block(
        "bottleneck-wide-middle",
        N_("the bottleneck's 3×3 counted at the full width"),
        N_(
            "the 3×3 conv was counted at the full width of {c} channels; in the bottleneck it works on the "
            "reduced {m} channels"
        ),
    ),
    _block(
        "bottleneck-one-1x1",
        N_("one of the bottleneck's two 1×1 convs left out"),
        N_("only one 1×1 conv was counted; the bottleneck has two: {c} → {m} before the 3×3 and {m} → {c} after it"),
    ),
    _block(
        "concat-added",
        N_("the concat's channels added element-wise instead of stacked"),
        N_(
            "the branches were treated as added element-wise, keeping one branch's width; a concat stacks "
            "them, so the channels add up: {sum}"
        ),
    ),
    _block(
        "dense-growth-once",
        N_("DenseNet's growth counted once"),
        N_("the growth rate was added once; each of the {layers} layers adds {k} channels: {c0} + {layers} × {k}"),
    ),
    _block(
        "dense-input-forgotten",
        N_("DenseNet's block input left out of the concat"),
        N_("the block's {c0} input channels were left out; they are concatenated too: {c0} + {layers} × {k}"),
    ),
    _block(
        "dense-input-not-grown",
        N_("a dense layer's input taken as the block's input"),
        N_(
            "the layer's input was taken as the block's {c0} channels; layer {i} sees everything concatenated "
            "before it: {c0} + {before} × {k} = {cin} channels"
        ),
    ),
    _block(
        "inception-pool-branch-forgotten",
        N_("Inception's pooling branch left out"),
        N_("the pooling branch was left out; its 1×1 conv adds {pool} channels to the concat"),
    ),
    _block(
        "inception-pool-keeps-input",
        N_("Inception's pooling branch given the input's width"),
        N_("the pooling branch was given the input's {c} channels; its 1×1 conv after the pool brings them to {pool}"),
    ),
    _block(
        "inception-reduce-forgotten",
        N_("Inception's 1×1 reductions left out"),
        N_("the 1×1 reduction convs before the 3×3 and 5×5 were left out ({what} parameters)"),
    ),
    _block(
        "se-one-fc",
        N_("squeeze-and-excitation counted as one FC layer"),
        N_("only the squeeze FC ({c} → {cs}) was counted; the excitation FC ({cs} → {c}) has as many weights"),
    ),
    _block(
        "se-reduction-forgotten",
        N_("squeeze-and-excitation without its reduction"),
        N_("the squeeze was counted at the full width; the first FC reduces {c} channels to {cs}"),
    ),
    _block(
        "se-fc-at-every-position",
        N_("SE's FC layers counted at every pixel"),
        N_("the FC layers were counted at each of the {hw} positions; they act once, on the pooled 1 × 1 × {c} vector"),
    ),
    _block(
        "patch-size-not-squared",
        N_("H·W/P patches instead of (H/P)·(W/P)"),
        N_("the pixels were divided by P = {p} once; a patch covers {p} × {p} pixels, so divide by {p_area}"),
    ),
    _block(
        "cls-token-params-forgotten",
        N_("the class token's own parameters left out"),
        N_("the class token's own {d} parameters were left out; it is a learned vector of length d"),
    ),
    _block(
        "attention-scales-linearly",
        N_("attention's MACs doubled when N doubles"),
        N_(
            "every term was doubled; the projections and the MLP grow with N, but QKᵀ and AV grow with N², so "
            "that term is multiplied by 4"
        ),
    ),
    _block(
        "attention-scales-quadratically",
        N_("all of an encoder block's MACs multiplied by 4 when N doubles"),
        N_("every term was multiplied by 4; only QKᵀ and AV grow with N², the projections and the MLP double with N"),
    ),
    _block(
        "batch-forgotten",
        N_("training memory for one image, not the batch"),
        N_("that is one image's memory; every image of the batch of {b} keeps its own activations"),
    ),
    _block(
        "only-last-activation",
        N_("only the network's output counted as kept"),
        N_("only the last layer's output was counted; the backward pass needs every layer's output kept"),
    ),
    _block(
        "only-conv-outputs",
        N_("only the convolutions' outputs counted as kept"),
        N_("only the convolutions' outputs were counted; the batchnorm, ReLU, pooling and add outputs are kept too"),
    ),
    _block(
        "fp16-as-4-bytes",
        N_("fp16 counted as 4 bytes"),
        N_("4 bytes per value is fp32; fp16 takes 2 bytes per value"),
    ),
]

#: A mistake named for one layer elsewhere in the catalogue, worded for a whole block.
BLOCK_TEXT: dict[str, str] = {
    "bn-running-stats-trainable": N_(
        "the running mean and variance were counted as trainable; they are updated by a running average, "
        "not by gradients, so they add {what} values that are not trainable"
    ),
    "forgot-bias": N_("the biases were left out ({what} of them)"),
    "macs-vs-flops-macs": N_("that is FLOPs (2 per MAC); MACs count one per multiply-accumulate"),
    "macs-vs-flops-flops": N_("that is MACs; FLOPs count 2 per multiply-accumulate"),
    "counted-macs": N_("that is the MACs; FLOPs with bias adds count 2 per MAC plus one add per bias output"),
    "input-size-for-macs": N_(
        "the convs were counted at the input's {hw_in} positions; after the stride-{s} conv the block works at {hw_out}"
    ),
    "counted-elementwise": N_(
        "the channel scale's {what} multiplies were counted; by the convention, element-wise multiplies count 0"
    ),
    "forgot-in-channels": N_(
        "the {c} input channels are missing; each of the {d} filters spans all of them: P·P·C_in weights"
    ),
    "forgot-to-square": N_("the 3×3 kernel was counted as 3 weights per channel pair, not 9"),
    "bytes-as-values": N_("that is the number of values; {precision} takes {per} bytes per value"),
    "bits-not-bytes": N_("{bits} is the bits in an {precision} value; a byte is 8 bits, so {per} bytes per value"),
    "cls-token-forgotten": N_("the class token was forgotten: it goes in front of the {n} patch tokens, making {n1}"),
    "cls-token-forgotten-posembed": N_(
        "the position embedding was given {n} positions; the class token has one too, so there are {n1}"
    ),
    "patches-one-side": N_("only one side of the patch grid was counted; the grid is {grid}, so {tokens} patches"),
}
