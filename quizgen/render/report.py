"""The machine-readable contract of ``quizgen solve --json`` (DESIGN section 2)."""

from __future__ import annotations

from quizgen.arith import spec
from quizgen.arith.solver import Params, Solution
from quizgen.arith.spec import Layout
from quizgen.explain import steps


def params_dict(p: Params) -> dict[str, int]:
    """Parameter counts as JSON; ``trainable`` is PyTorch's ``sum(p.numel())``."""
    return {
        "weights": p.weights,
        "bias": p.bias,
        "trainable": p.trainable,
        "non_trainable": p.non_trainable,
        "total": p.total,
    }


def solution_dict(sol: Solution, layout: Layout = "hwc") -> dict:
    """One layer as the JSON object of DESIGN section 2 (plus ``flops_with_bias`` and ``layout``)."""
    pool = sol.pool
    return {
        "spec": spec.format_layer(sol.layer, layout),
        "layer": sol.layer.name,
        "input_shape": list(spec.to_layout(sol.layer.input_shape, layout)),
        "output_shape": list(spec.to_layout(sol.output_shape, layout)),
        "params": params_dict(sol.params),
        "macs": sol.macs,
        "flops": sol.flops,
        "flops_with_bias": sol.flops_with_bias,
        "pool": None
        if pool is None
        else {
            "windows": pool.windows,
            "window_size": list(pool.window_size) if pool.window_size else None,
            "window_sizes": [list(s) for s in pool.window_sizes] if pool.window_size is None else None,
            "comparisons": pool.comparisons,
            "additions": pool.additions,
            "divisions": pool.divisions,
        },
        "memory": {
            "output_elements": sol.output_elements,
            "output_bytes_fp32": sol.output_bytes,
            "params_bytes_fp32": sol.params_bytes,
        },
        "steps": steps.to_dict_steps(steps.explain(sol, layout)),
        "notes": steps.notes(sol),
        "layout": layout,
    }
