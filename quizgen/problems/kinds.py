"""The problem kinds, all registered: importing this module fills :data:`REGISTRY` from every family.

The registry (:mod:`quizgen.problems.registry`) holds the machinery; each family module registers its
kinds into it; this is the one place that imports the families, and it lists the kinds in the order
``quizgen kinds`` shows them.
"""

from __future__ import annotations

from quizgen.problems import (
    blocks,
    branches,
    inverse,
    receptive_field,
    separable,
    single,
    spot_error,
    trace,
    training,
    transformer,
)
from quizgen.problems.registry import (
    ADAPTIVE_TEXT,
    CEIL_TEXT,
    COMPUTE_QUANTITY,
    CONVENTION_TEXT,
    CONVENTIONS,
    LABELS,
    NO_BIAS_ADDS_TEXT,
    PADDED_WINDOW_TEXT,
    REGISTRY,
    SAME_TEXT,
    TRANSPOSED_MACS_TEXT,
    Kind,
    conventions_for,
    describe,
    get,
    layer_problem,
)

FAMILIES = (single, separable, inverse, trace, receptive_field, spot_error, blocks, branches, transformer, training)

#: The order in which the kinds are listed.
LISTED = (
    "output-conv",
    "output-pool",
    "output-dilated",
    "output-transposed",
    "params-conv",
    "params-linear",
    "params-separable",
    "macs-conv",
    "macs-linear",
    "pool-ops",
    "memory",
    "inverse-padding",
    "inverse-stride",
    "inverse-kernel",
    "network-trace",
    "receptive-field",
    "spot-error",
    "residual-block",
    "bottleneck-savings",
    "concat-channels",
    "se-block",
    "vit-tokens",
    "attention-cost",
    "training-memory",
)
_registered = dict(REGISTRY)
if set(_registered) != set(LISTED):  # a kind registered but not listed, or listed but not registered
    raise AssertionError(sorted(set(_registered) ^ set(LISTED)))
REGISTRY.clear()
REGISTRY.update({kind_id: _registered[kind_id] for kind_id in LISTED})

__all__ = [
    "ADAPTIVE_TEXT",
    "CEIL_TEXT",
    "COMPUTE_QUANTITY",
    "CONVENTIONS",
    "CONVENTION_TEXT",
    "FAMILIES",
    "Kind",
    "LABELS",
    "LISTED",
    "NO_BIAS_ADDS_TEXT",
    "PADDED_WINDOW_TEXT",
    "REGISTRY",
    "SAME_TEXT",
    "TRANSPOSED_MACS_TEXT",
    "conventions_for",
    "describe",
    "get",
    "layer_problem",
]
