"""Worked steps and notes of the Vision Transformer's layers on a token map N×d, and of linear on N-d inputs.

The counts are torchvision's: a patch embedding is a conv with k = s = P; attention's parameters are 4d² + 4d
whatever the number of heads, and its MACs are 4·N·d² for the projections plus 2·N²·d for QKᵀ and AV.
"""

from __future__ import annotations

from quizgen.arith import layers as L
from quizgen.arith.solver import Solution, patch_conv
from quizgen.explain.steps.conv import flops_step
from quizgen.explain.steps.core import Step, num, tag, tex_num, times
from quizgen.i18n import _


def token_count_steps(sol: Solution) -> list[Step]:
    """The patch grid and token count of a patch embedding, or N + 1 for a class token."""
    layer = sol.layer
    if layer.family == L.CLSTOKEN:
        n = layer.input_shape[0]
        return [
            Step(_("Tokens"), _("N + 1 (the class token goes in front)"), f"{n} + 1", str(n + 1), "N + 1", f"{n} + 1")
        ]
    (h, w), p = layer.spatial, layer.kernel[0]
    grid = (h // p, w // p)
    return [
        Step(
            _("Patch grid"),
            _("H/P × W/P (the conv's output size, with k = s = P)"),
            f"{h}/{p} × {w}/{p}",
            times(grid),
            r"H/P \times W/P",
            rf"{h}/{p} \times {w}/{p}",
        ),
        Step(_("Tokens"), "(H/P)·(W/P)", times(grid), str(sol.output_shape[0]), r"(H/P)(W/P)", times(grid, tex=True)),
    ]


def token_steps(sol: Solution) -> list[Step]:
    """Parameters and MACs of a token layer, each step tagged with its quantity."""
    family = sol.layer.family
    if family == L.PATCHEMBED:
        return _patch_steps(sol)
    if family == L.MHSA:
        return _attention_steps(sol)
    if family == L.MLP:
        return _mlp_steps(sol)
    n, d = sol.layer.input_shape
    if family == L.CLSTOKEN:
        return tag([Step(_("Parameters"), _("d (one learned token)"), str(d), num(d), "d", str(d))], "params")
    if family == L.POSEMBED:
        return tag(
            [
                Step(
                    _("Parameters"),
                    _("N × d (one learned d-vector per token)"),
                    times([n, d]),
                    num(sol.params.total),
                    r"N \times d",
                    times([n, d], tex=True),
                )
            ],
            "params",
        )
    return []


def _params_total(sol: Solution) -> Step:
    p = sol.params
    return Step(
        _("Parameters"),
        _("weights + biases"),
        f"{num(p.weights)} + {num(p.bias)}",
        num(p.total),
        r"\text{" + _("weights") + r"} + \text{" + _("biases") + "}",
        f"{tex_num(p.weights)} + {tex_num(p.bias)}",
    )


def _no_bias() -> Step:
    return Step(_("Biases"), _("bias=false: none"), "0", "0", "0", "0")


def _patch_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    (c, d), p, tokens = (layer.in_channels, layer.out), layer.kernel[0], sol.output_shape[0]
    weights = Step(
        _("Weights"),
        _("P × P × C × d (the conv's d filters of P × P × C)"),
        times([p, p, c, d]),
        num(sol.params.weights),
        r"P \times P \times C \times d",
        times([p, p, c, d], tex=True),
    )
    bias = Step(_("Biases"), _("one per output channel: d"), str(d), num(sol.params.bias), "d", str(d))
    bias = bias if layer.bias else _no_bias()
    macs = Step(
        _("MACs"),
        _("weights × tokens (one filter position per patch)"),
        f"{num(sol.params.weights)} × {tokens}",
        num(sol.macs),
        r"\text{" + _("weights") + r"} \times N",
        rf"{tex_num(sol.params.weights)} \times {tokens}",
    )
    return tag([weights, bias, _params_total(sol)], "weights", "bias", "params") + tag(
        [macs, flops_step(sol)], "macs", "flops"
    )


def _attention_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    (n, d), h = layer.input_shape, layer.heads
    head = Step(_("Head size"), "d/h", f"{d}/{h}", str(d // h), "d/h", f"{d}/{h}")
    weights = Step(
        _("Weights"),
        _("4 × d × d (Q, K, V and output projections; the {h} heads split d, so h does not appear)").format(h=h),
        times([4, d, d]),
        num(sol.params.weights),
        r"4 \times d \times d",
        times([4, d, d], tex=True),
    )
    if layer.bias:
        bias = Step(_("Biases"), _("4 × d (one per projection output)"), f"4 × {d}", num(4 * d), "4d", rf"4 \times {d}")
    else:
        bias = _no_bias()
    proj, scores = 4 * n * d * d, n * n * d
    steps = [
        Step(
            _("MACs of the projections"),
            _("4 × N × d × d (each of the N tokens through 4 linears d → d)"),
            times([4, n, d, d]),
            num(proj),
            r"4 \times N \times d \times d",
            times([4, n, d, d], tex=True),
        ),
        Step(
            _("MACs of QKᵀ"),
            _("h × N × N × (d/h) = N × N × d (every query against every key, in each head)"),
            f"{h} × {n} × {n} × {d // h}",
            num(scores),
            r"h \times N \times N \times (d/h)",
            rf"{h} \times {n} \times {n} \times {d // h}",
        ),
        Step(
            _("MACs of AV"),
            _("h × N × N × (d/h) = N × N × d (each output is a weighted sum of N values, in each head)"),
            f"{h} × {n} × {n} × {d // h}",
            num(scores),
            r"h \times N \times N \times (d/h)",
            rf"{h} \times {n} \times {n} \times {d // h}",
        ),
        Step(
            _("MACs"),
            _("projections + QKᵀ + AV = 4·N·d² + 2·N²·d"),
            f"{num(proj)} + {num(scores)} + {num(scores)}",
            num(sol.macs),
            r"4Nd^2 + 2N^2d",
            f"{tex_num(proj)} + {tex_num(scores)} + {tex_num(scores)}",
        ),
    ]
    return (
        tag([head, weights, bias, _params_total(sol)], "weights", "weights", "bias", "params")
        + tag(steps, "macs")
        + tag([flops_step(sol)], "flops")
    )


def _mlp_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    (n, d), hidden = layer.input_shape, layer.hidden
    weights = Step(
        _("Weights"),
        _("2 × d × H (d → H, then H → d)"),
        times([2, d, hidden]),
        num(sol.params.weights),
        r"2 \times d \times H",
        times([2, d, hidden], tex=True),
    )
    if layer.bias:
        bias = Step(
            _("Biases"),
            _("H + d (one per output of each linear)"),
            f"{hidden} + {d}",
            num(hidden + d),
            "H + d",
            f"{hidden} + {d}",
        )
    else:
        bias = _no_bias()
    macs = Step(
        _("MACs"),
        _("2 × N × d × H (each of the N tokens through both linears; GELU counts 0)"),
        times([2, n, d, hidden]),
        num(sol.macs),
        r"2 \times N \times d \times H",
        times([2, n, d, hidden], tex=True),
    )
    return tag([weights, bias, _params_total(sol)], "weights", "bias", "params") + tag(
        [macs, flops_step(sol)], "macs", "flops"
    )


def token_notes(sol: Solution) -> list[str]:
    """What a token layer (or a linear on an N-d input) does, said with this layer's numbers."""
    layer = sol.layer
    family = layer.family
    if family == L.LINEAR and len(layer.input_shape) > 1:
        positions = layer.input_shape[:-1]
        return [
            _(
                "Linear acts on the last dimension: the same {i} × {o} weights are applied at each of the "
                "{positions} positions, so the MACs are {count} × {i} × {o}. To connect every input value to every "
                "output, flatten first."
            ).format(
                i=layer.in_channels, o=layer.out, positions=times(positions), count=num(sol.macs // sol.params.weights)
            )
        ]
    if family == L.PATCHEMBED:
        conv = patch_conv(layer)
        h, w = layer.spatial
        p = layer.kernel[0]
        return [
            _(
                "A patch embedding is a conv with k = s = P = {p}: conv2d in={shape} out={d} k={p} s={p} gives "
                "{gh}×{gw}×{d}, and the {gh}×{gw} grid is flattened into {n} tokens of {d} features."
            ).format(p=p, shape=L.fmt_shape(conv.input_shape), d=layer.out, gh=h // p, gw=w // p, n=sol.output_shape[0])
        ]
    if family == L.CLSTOKEN:
        n, d = layer.input_shape
        return [
            _(
                "The class token is one learned vector of d = {d} values put in front of the {n} tokens, giving "
                "{m}; in ViT the classifier head reads it at the end (select token=0)."
            ).format(d=d, n=n, m=n + 1)
        ]
    if family == L.POSEMBED:
        n, d = layer.input_shape
        return [
            _(
                "Position embeddings add one learned vector of d = {d} values to each of the N = {n} tokens: "
                "{total} parameters, and the adds count 0 MACs."
            ).format(d=d, n=n, total=num(sol.params.total))
        ]
    if family == L.MHSA:
        return _attention_notes(sol)
    if family == L.MLP:
        return [
            _(
                "The MLP is linear d → H, GELU, linear H → d, applied to each of the {n} tokens with the same weights."
            ).format(n=layer.input_shape[0])
        ]
    if family == L.SELECT:
        n = layer.input_shape[0]
        text = _("select keeps token {t} and drops the other {rest}: no parameters, 0 MACs.").format(
            t=layer.token, rest=n - 1
        )
        if layer.token == 0:
            text += " " + _("Token 0 is where clstoken puts the class token.")
        return [text]
    return []


def _attention_notes(sol: Solution) -> list[str]:
    layer = sol.layer
    (n, d), h = layer.input_shape, layer.heads
    proj, scores = 4 * n * d * d, 2 * n * n * d
    return [
        _(
            "The {h} heads split d = {d} into {h} × {dh}: each head has its own {dh} columns of Q, K and V, so "
            "the parameters are the same for any h that divides d."
        ).format(h=h, d=d, dh=d // h),
        _(
            "QKᵀ and AV grow with N²: with twice the tokens ({n2}) they take 4 times the MACs ({s2}), the "
            "projections twice ({p2})."
        ).format(n2=2 * n, s2=num(4 * scores), p2=num(2 * proj)),
        _(
            "The softmax over each head's {n} × {n} scores and the scaling by 1/√(d/h) count 0 MACs. PyTorch's "
            "nn.MultiheadAttention keeps Q, K and V's weights in one in_proj_weight of 3d × d = {rows} × {d}."
        ).format(n=n, rows=3 * d, d=d),
    ]
