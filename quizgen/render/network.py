"""``quizgen solve --network``: the table a person reads (like torchinfo's summary) and the JSON contract.

A block call is a row with its totals, its layers indented under it; ``depth`` folds deeper rows away,
as torchinfo's ``depth`` does (level 1 is the file's own lines).  The counting convention for
networks is torchvision's ``_ops`` (:data:`CONVENTION`), stated in the footer and in the JSON.
"""

from __future__ import annotations

from quizgen.arith import spec
from quizgen.arith.graph import Group, JoinSolution, Network, Solved, total_params
from quizgen.arith.solver import Params
from quizgen.arith.spec import Layout
from quizgen.explain import joins, steps
from quizgen.explain.steps import num
from quizgen.i18n import N_, _, n_
from quizgen.render.report import params_dict, solution_dict
from quizgen.render.text import and_list, convention, display_width, ljust, rjust, short_spec

#: The compute convention of network totals, as the JSON states it (torchvision's ``_ops``).
CONVENTION = {
    "name": "torchvision _ops",
    "macs": ["conv", "convtranspose", "linear", "matmul"],
    "zero": ["bias adds", "normalisation", "activations", "pooling", "add", "concat", "mul"],
    "flops": "2 × MACs",
    "trainable": "PyTorch's sum(p.numel()) over model.parameters()",
    "non_trainable": "batchnorm's running mean and variance (buffers)",
}
_COMPUTE_LABEL = {"macs": "MACs", "flops": "FLOPs", "flops+bias": "FLOPs+bias"}


def _layer_name(s: Solved) -> str:
    sol = s.solution
    return sol.join.kind if isinstance(sol, JoinSolution) else sol.layer.name


def _local(name: str, path: tuple[str, ...]) -> str:
    """``name`` without its innermost group's prefix: ``layer1.0.conv2d_1`` → ``conv2d_1``."""
    return name.removeprefix(path[-1] + ".") if path else name


def _settings(s: Solved, previous: str | None) -> str:
    node = s.node
    if isinstance(s.solution, JoinSolution):
        return ", ".join(node.labels or node.inputs)
    settings = short_spec(s.solution.layer)
    if node.inputs and node.inputs[0] != previous:
        settings = f"from={node.labels[0] if node.labels else node.inputs[0]} {settings}".rstrip()
    return settings


def _group_totals(net: Network, group: Group, count: str = "macs") -> tuple[Params, int, tuple[int, ...]]:
    """A group's parameters, compute under ``count`` and output shape (its last node's)."""
    members = net.members(group.name)
    sols = [m.solution for m in members]
    return total_params(sols), sum(x.compute(count) for x in sols), members[-1].output_shape


def table(net: Network, layout: Layout = "hwc", count: str = "macs", depth: int | None = None) -> str:
    """The per-node table grouped by block (rows deeper than ``depth`` folded), then the totals and the convention."""
    graph_like = bool(net.groups) or not net.is_sequential
    header = (
        "#",
        _("line"),
        *((_("name"),) if graph_like else ()),
        _("layer"),
        _("settings"),
        _("output"),
        _("params"),
    )
    header = (*header, _COMPUTE_LABEL[count])
    rows: list[tuple[str, ...]] = []
    groups = {g.name: g for g in net.groups}
    opened: set[str] = set()
    previous: str | None = net.inputs[0][0] if net.inputs else None
    for i, s in enumerate(net.nodes, start=1):
        path = s.node.path
        for level, name in enumerate(path, start=1):
            if name in opened or name not in groups:
                continue
            opened.add(name)
            if depth is not None and level > depth:
                continue
            g = groups[name]
            params, compute, shape = _group_totals(net, g, count)
            row = (
                "",
                str(g.line) if g.line else "",
                "  " * (level - 1) + _local(g.name, g.path),
                g.title,
                g.args,
                spec.format_shape(shape, layout),
                num(params.total),
                num(compute),
            )
            rows.append(row)
        level = len(path) + 1
        if depth is None or level <= depth:
            cells = [str(i), str(s.node.line) if s.node.line else ""]
            if graph_like:
                cells.append("  " * (level - 1) + _local(s.name, path))
            cells += [
                _layer_name(s),
                _settings(s, previous),
                spec.format_shape(s.output_shape, layout),
                num(s.solution.params.total),
                num(s.solution.compute(count)),
            ]
            rows.append(tuple(cells))
        previous = s.name
    widths = [max(display_width(r[c]) for r in [header, *rows]) for c in range(len(header))]
    right = {0, 1, len(header) - 2, len(header) - 1}

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(
            rjust(cell, w) if c in right else ljust(cell, w) for c, (cell, w) in enumerate(zip(row, widths))
        ).rstrip()

    rule = "-" * display_width(fmt(header))
    lines = [
        f"{net.name}: " + _("input {shape}").format(shape=spec.format_shape(net.input_shape, layout)),
        rule,
        fmt(header),
        rule,
        *[fmt(r) for r in rows],
        rule,
    ]
    p = net.params
    totals = [
        (_("Trainable params"), num(p.trainable)),
        (_("Non-trainable params"), num(p.non_trainable)),
        (_("Total params"), num(p.total)),
        (_("MACs"), num(net.macs)),
        (_("FLOPs"), num(net.flops)),
    ]
    if count == "flops+bias":
        totals.append((_("FLOPs + bias"), num(net.compute(count))))
    totals += [
        (_("Output shape"), spec.format_shape(net.output_shape, layout)),
        (_("Activations (fp32, every layer's output)"), _("{n} bytes").format(n=num(net.activation_bytes))),
        (_("Parameters (fp32)"), _("{n} bytes").format(n=num(4 * p.total))),
    ]
    width = max(display_width(k) for k, _v in totals)
    vw = max(display_width(v) for _k, v in totals)
    lines += [f"{ljust(k, width)}  {rjust(v, vw)}" for k, v in totals]
    lines += ["", activations_note(net)]
    lines += [
        "",
        _(
            "Trainable params are PyTorch's sum(p.numel()) over model.parameters(); "
            "batchnorm's running mean and variance are buffers, counted as non-trainable."
        ),
        _("Convention: {c}.").format(c=convention(count)),
        _(
            "Network totals follow torchvision's _ops: MACs of conv, linear and matmul (attention's QKᵀ and AV "
            "included); bias adds, normalisation, activations, pooling, add, concat and mul count 0; --count applies "
            "on top."
        ),
    ]
    if depth is not None and any(len(s.node.path) + 1 > depth for s in net.nodes):
        lines.append(_("Rows deeper than --depth {depth} are folded into their block's row.").format(depth=depth))
    return "\n".join(lines)


#: Layers whose output is counted in the activations total although frameworks often keep it in place
#: (ReLU) or as a view of its input (flatten).
_IN_PLACE = ("relu", "flatten")


def activations_note(net: Network) -> str:
    """What the activations total sums, said for this network (with its ReLU and flatten outputs, if any)."""
    counts = {name: sum(s.layer.name == name for s in net.solutions) for name in _IN_PLACE}
    present = [
        n_(N_("{n} {name} layer"), N_("{n} {name} layers"), n).format(n=n, name=name) for name, n in counts.items() if n
    ]
    if not present:
        return _("Activations: the sum of every layer's fp32 output (batch 1).")
    return _("Activations: the sum of every layer's fp32 output (batch 1), the outputs of {layers} included.").format(
        layers=and_list(present)
    )


def _join_dict(s: Solved, layout: Layout) -> dict:
    sol = s.solution
    assert isinstance(sol, JoinSolution)
    shapes = [list(spec.to_layout(x, layout)) for x in sol.input_shapes]
    return {
        "spec": " ".join([sol.join.kind, *(s.node.labels or s.node.inputs)]),
        "layer": sol.join.kind,
        "input_shape": shapes[0],
        "input_shapes": shapes,
        "output_shape": list(spec.to_layout(sol.output_shape, layout)),
        "params": params_dict(sol.params),
        "macs": sol.macs,
        "flops": sol.flops,
        "flops_with_bias": sol.flops_with_bias,
        "pool": None,
        "memory": {
            "output_elements": sol.output_elements,
            "output_bytes_fp32": sol.output_bytes,
            "params_bytes_fp32": 0,
        },
        "steps": steps.to_dict_steps(joins.explain_join(sol)),
        "notes": [],
        "layout": layout,
    }


def as_dict(net: Network, layout: Layout = "hwc") -> dict:
    """The network as JSON: one object per node (``name``, ``inputs``, ``path``, ``line`` and a layer's
    fields), the block calls with their totals, then the totals with the convention."""
    nodes = []
    for s in net.nodes:
        d = _join_dict(s, layout) if isinstance(s.solution, JoinSolution) else solution_dict(s.solution, layout)
        d.update(name=s.name, inputs=list(s.node.inputs), path=list(s.node.path), line=s.node.line)
        nodes.append(d)
    blocks = []
    for g in net.groups:
        params, macs, shape = _group_totals(net, g)
        blocks.append(
            {
                "name": g.name,
                "block": g.title,
                "args": g.args,
                "line": g.line,
                "path": list(g.path),
                "params": params_dict(params),
                "macs": macs,
                "flops": 2 * macs,
                "output_shape": list(spec.to_layout(shape, layout)),
            }
        )
    return {
        "name": net.name,
        "inputs": [{"name": n, "shape": list(spec.to_layout(shape, layout))} for n, shape in net.inputs],
        "layers": nodes,
        "blocks": blocks,
        "total": {
            "params": params_dict(net.params),
            "macs": net.macs,
            "flops": net.flops,
            "flops_with_bias": net.compute("flops+bias"),
            "output_shape": list(spec.to_layout(net.output_shape, layout)),
            "activation_bytes_fp32": net.activation_bytes,
            "convention": CONVENTION,
        },
    }
