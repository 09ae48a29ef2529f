"""Misconceptions about the layers of modern networks: attention, patch embedding, class token, MLP, norms.

The mistakes the issue names (parameters multiplied by the heads, the N² term dropped, the class token
forgotten, batchnorm's running statistics counted as trainable), and a few more these layers invite.  Their
wrong values come from :mod:`quizgen.explain.flawed_modern`.
"""

from __future__ import annotations

from math import prod

from quizgen.arith import layers as L
from quizgen.explain.catalogue.core import COMPUTE, WEIGHT_QUANTITIES, Misconception
from quizgen.i18n import N_

_PARAMS = frozenset({"weights", "bias", "params", "params_bytes", "trainable"})

MODERN: list[Misconception] = [
    Misconception(
        "heads-multiply-params",
        N_("attention parameters multiplied by the number of heads"),
        N_(
            "the parameters were multiplied by the {h} heads; the heads split d = {d_model} into {h} × {dh}, so the "
            "four projections stay {d_model} × {d_model} whatever h is"
        ),
        _PARAMS,
        lambda lay: lay.family == L.MHSA and lay.heads > 1,
    ),
    Misconception(
        "n-squared-dropped",
        N_("attention MACs without the 2·N²·d of QKᵀ and AV"),
        N_(
            "only the projections (4·N·d²) were counted; QKᵀ and AV add 2·N²·d = 2 × {n} × {n} × {d_model}, "
            "the matmuls that grow with the square of the token count"
        ),
        COMPUTE,
        lambda lay: lay.family == L.MHSA,
    ),
    Misconception(
        "one-head-scores",
        N_("QKᵀ and AV counted for one head"),
        N_(
            "QKᵀ and AV were counted for one head; each of the {h} heads does N × N × (d/h) = {n} × {n} × {dh}, "
            "so together they take N × N × d each"
        ),
        COMPUTE,
        lambda lay: lay.family == L.MHSA and lay.heads > 1,
    ),
    Misconception(
        "cls-token-forgotten",
        N_("N tokens instead of N + 1"),
        N_("the class token was forgotten: it goes in front of the {n} tokens, making {n_plus_one}"),
        frozenset({"output", "output_bytes"}),
        lambda lay: lay.family == L.CLSTOKEN,
    ),
    Misconception(
        "patches-one-side",
        N_("H/P tokens instead of (H/P)·(W/P)"),
        N_(
            "only one side of the patch grid was counted; the image is cut into {grid} patches, so there are {tokens} tokens"
        ),
        frozenset({"output", "output_bytes"}) | COMPUTE,
        lambda lay: lay.family == L.PATCHEMBED and lay.spatial[1] > lay.kernel[0],
    ),
    Misconception(
        "mlp-one-linear",
        N_("the MLP counted as one linear"),
        N_("only the first linear (d → H) was counted; the MLP has a second one, H → d, with as many weights"),
        WEIGHT_QUANTITIES | {"bias", "trainable"},
        lambda lay: lay.family == L.MLP,
    ),
    Misconception(
        "linear-positions-forgotten",
        N_("a linear on an N-d input counted once"),
        N_(
            "the linear was counted once; it runs with the same weights at each of the {positions} positions, "
            "so multiply by {position_count}"
        ),
        COMPUTE,
        lambda lay: lay.family == L.LINEAR and prod(lay.input_shape[:-1]) > 1,
    ),
    Misconception(
        "bn-running-stats-trainable",
        N_("batchnorm's running statistics counted as trainable"),
        N_(
            "the running mean and variance were counted as trainable; they are updated by a running average, not "
            "by gradients, so only γ and β (2 × {c_in}) are trainable"
        ),
        frozenset({"trainable"}),
        lambda lay: lay.family == L.BATCHNORM,
    ),
    Misconception(
        "layernorm-running-stats",
        N_("layernorm given running statistics like batchnorm"),
        N_(
            "running statistics were counted as for batchnorm; layernorm computes its mean and variance at run "
            "time, so its only parameters are γ and β (2 × {c_in})"
        ),
        frozenset({"params", "params_bytes", "trainable"}),
        lambda lay: lay.family == L.LAYERNORM,
    ),
    Misconception(
        "counted-elementwise",
        N_("an element-wise layer's operations counted as MACs"),
        N_(
            "one operation per element was counted as a MAC; the convention (torchvision's) counts only conv, "
            "linear and matmul, so this layer counts 0"
        ),
        COMPUTE,
        lambda lay: lay.family in (*L.ACTIVATIONS, L.LAYERNORM, L.LAYERSCALE),
    ),
]
