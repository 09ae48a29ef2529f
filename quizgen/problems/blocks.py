"""Block kinds: a ResNet block with or without its projection, a bottleneck against its 3×3 conv, DenseNet's and
Inception's concatenations, and squeeze-and-excitation.

Each block is written in the network notation (``docs/networks.md``) and solved by the graph solver; the
spec a student sees is that network.  Parameters are PyTorch's trainable count (batchnorm's running
statistics are not trainable); compute follows torchvision's convention, with ``--count`` on top.
"""

from __future__ import annotations

import random

from quizgen.arith import spec
from quizgen.arith.graph import Network
from quizgen.arith.solver import solve
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import explain, num
from quizgen.i18n import N_, _, sentences
from quizgen.problems import netwise as W
from quizgen.problems.problem import Part, Problem, Wrong, wrongs_for
from quizgen.problems.registry import kind
from quizgen.problems.working import kind_title

_PARAMS = N_("Trainable parameters")


def _bn_channels(net: Network) -> list[int]:
    return [sol.layer.in_channels for _n, sol in W.layers(net) if sol.layer.family == "batchnorm"]


def _bn_wrongs(total: int, bns: list[int]) -> list[Wrong]:
    stats = 2 * sum(bns)
    what = " + ".join(f"2 × {c}" for c in bns)
    return [
        Wrong(total + stats, ("bn-running-stats-trainable",), M.say("bn-running-stats-trainable", what=what)),
        Wrong(total - stats, ("bn-params-forgotten",), M.say("bn-params-forgotten", what=what)),
    ]


def _problem(kind_id: str, difficulty: int, text: str, parts: list[Part], steps: list, net_text: str) -> Problem:
    return Problem(kind_id, kind_title(kind_id), difficulty, text, W.seal(parts), tuple(steps), spec=net_text)


# --- residual-block -------------------------------------------------------------------------------------

_BOTTLENECK_STAGES = {64: 56, 128: 28, 256: 14, 512: 7}  # ResNet-50's width and output size per stage


def residual_net(size: int, cin: int, width: int, stride: int, projection: bool, bottleneck: bool) -> str:
    """A ResNet basic (two 3×3) or bottleneck (1×1, 3×3, 1×1 to 4·width) block in the network notation."""
    out = 4 * width if bottleneck else width
    lines = [f"input in={size}x{size}x{cin}"]
    if bottleneck:
        lines += [f"conv1: conv2d out={width} k=1 bias=false", "bn1: batchnorm2d", "relu"]
        lines += [f"conv2: conv2d out={width} k=3 s={stride} p=1 bias=false", "bn2: batchnorm2d", "relu"]
        lines += [f"conv3: conv2d out={out} k=1 bias=false", "main: batchnorm2d"]
    else:
        lines += [f"conv1: conv2d out={width} k=3 s={stride} p=1 bias=false", "bn1: batchnorm2d", "relu"]
        lines += [f"conv2: conv2d out={width} k=3 p=1 bias=false", "main: batchnorm2d"]
    if projection:
        lines += [f"proj: conv2d from=input out={out} k=1 s={stride} bias=false", "projbn: batchnorm2d", "add main"]
    else:
        lines.append("add input")
    lines.append("relu")
    return "\n".join(lines)


def _residual_text(size: int, cin: int, width: int, stride: int, projection: bool, bottleneck: bool) -> str:
    out = 4 * width if bottleneck else width
    if bottleneck:
        text = _(
            "A ResNet-50 bottleneck block takes a {s} × {s} × {cin} input. Its main path is a 1 × 1 convolution to "
            "{w} channels, a 3 × 3 convolution with {w} filters (stride {st}, padding 1) and a 1 × 1 convolution "
            "to {out} channels, each followed by batchnorm, with a ReLU after the first two. The shortcut is added "
            "to the main path, then a ReLU follows."
        ).format(s=size, cin=cin, w=width, st=stride, out=out)
    else:
        text = _(
            "A ResNet basic block takes a {s} × {s} × {cin} input. Its main path is a 3 × 3 convolution with {w} "
            "filters (stride {st}, padding 1), batchnorm and a ReLU, then a 3 × 3 convolution with {w} filters "
            "(stride 1, padding 1) and batchnorm. The shortcut is added to the main path, then a ReLU follows."
        ).format(s=size, cin=cin, w=width, st=stride)
    if projection:
        shortcut = _(
            "The shortcut is a projection: a 1 × 1 convolution with {out} filters and stride {st}, then batchnorm."
        ).format(out=out, st=stride)
    else:
        shortcut = _("The shortcut is the identity: the input itself is added.")
    return sentences(text, shortcut, _("No convolution has a bias."))


@kind(
    "residual-block",
    N_("Residual block"),
    N_("the parameters and compute of a ResNet basic or bottleneck block, with or without the projection shortcut"),
)
def _residual_block(rng: random.Random, difficulty: int, count: str) -> Problem:
    bottleneck = difficulty == 3
    if difficulty == 1:
        size, width = rng.choice([56, 32, 28, 16, 14, 8, 7]), rng.choice([16, 32, 64, 128, 256, 512])
        cin, stride, projection = width, 1, False
    elif difficulty == 2:  # the first block of a stage: stride 2, twice the width, so a projection
        size, width = rng.choice([112, 64, 56, 32, 28, 16, 14]), rng.choice([32, 64, 128, 256, 512])
        cin, stride, projection = width // 2, 2, True
    else:
        width = rng.choice(list(_BOTTLENECK_STAGES))
        out_size = rng.choice([_BOTTLENECK_STAGES[width], 2 * _BOTTLENECK_STAGES[width], 7, 14, 28])
        projection = rng.random() < 0.6
        if projection:  # the stage's first block: from the previous stage's width (layer1: from the stem's 64)
            cin, stride = (64, 1) if width == 64 else (2 * width, 2)
        else:
            cin, stride = 4 * width, 1
        size = out_size * stride
    text_net = residual_net(size, cin, width, stride, projection, bottleneck)
    net = W.network(text_net)
    out = net.output_shape[-1]
    total = net.params.trainable
    nodes = dict(W.layers(net))
    proj_params = nodes["proj"].params.trainable + nodes["projbn"].params.trainable if projection else 0
    hw_out = net.output_shape[0] * net.output_shape[1]
    compute = W.compute_of(net, count)
    convs = [sol for _n, sol in W.layers(net) if sol.layer.family == "conv"]
    bns = _bn_channels(net)

    params_wrongs = []
    macs_wrongs = []
    if projection:
        what = f"{cin} → {out}"
        proj_macs = nodes["proj"].macs
        params_wrongs.append(
            Wrong(total - proj_params, ("projection-forgotten",), M.say("projection-forgotten", what=what))
        )
        macs_wrongs.append(
            Wrong(
                W.compute_in(net.macs - proj_macs, 0, count),
                ("projection-forgotten",),
                M.say("projection-forgotten", what=what),
            )
        )
    else:
        extra = cin * out
        said = M.say("projection-on-identity", c=num(out))
        params_wrongs.append(Wrong(total + extra + 2 * out, ("projection-on-identity",), said))
        macs_wrongs.append(Wrong(W.compute_in(net.macs + extra * hw_out, 0, count), ("projection-on-identity",), said))
    params_wrongs += _bn_wrongs(total, bns)
    if stride > 1:
        at_input = sum(sol.params.weights for sol in convs) * size * size
        said = M.say(
            "input-size-for-macs", hw_in=f"{size} × {size}", s=stride, hw_out=f"{size // stride} × {size // stride}"
        )
        macs_wrongs.append(Wrong(W.compute_in(at_input, 0, count), ("input-size-for-macs",), said))
    macs_wrongs += W.flops_wrong(compute, count, net.macs)

    parts = []
    if projection and difficulty == 2:
        parts.append(
            Part(
                _("Parameters of the projection shortcut (1×1 conv + batchnorm)"),
                "params",
                proj_params,
                W.distinct(proj_params, _bn_wrongs(proj_params, [out])),
                hint=_("A 1×1 conv has C_in·C_out weights; its batchnorm adds γ and β per channel."),
            )
        )
    parts.append(
        Part(
            _(_PARAMS),
            "params",
            total,
            W.distinct(total, params_wrongs),
            hint=_("Add up every conv's K·K·C_in·C_out and every batchnorm's 2·C; an identity shortcut adds nothing."),
        )
    )
    parts.append(
        Part(
            W.compute_label(count),
            count,
            compute,
            W.distinct(compute, macs_wrongs),
            hint=_("Each conv costs its weights × H_out × W_out MACs; the add, batchnorm and ReLU count 0."),
        )
    )
    steps = W.layer_steps(net, {"params"})
    steps.append(W.total_step(_(_PARAMS), [sol.params.trainable for _n, sol in W.layers(net)], "params"))
    steps += W.layer_steps(net, {"macs"})
    steps.append(W.total_step(_("MACs"), [sol.macs for sol in convs], "macs"))
    steps += W.count_step(net.macs, 0, count)
    text = sentences(
        _residual_text(size, cin, width, stride, projection, bottleneck),
        _(
            "How many trainable parameters does the block have, and how much compute does one forward pass take (batch 1)?"
        ),
        _(W.TRAINABLE_TEXT),
        *W.compute_conventions(count, has_bias=False),
    )
    return _problem("residual-block", difficulty, text, parts, steps, text_net)


# --- bottleneck-savings ----------------------------------------------------------------------------------

_WIDTHS = (64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048)  # ResNet's, and ConvNeXt's and ViT's widths


@kind(
    "bottleneck-savings",
    N_("Bottleneck against a 3×3 conv"),
    N_("the parameters (and compute) of a 3×3 conv and of the 1×1–3×3–1×1 bottleneck that replaces it"),
)
def _bottleneck_savings(rng: random.Random, difficulty: int, count: str) -> Problem:
    if difficulty < 3:
        c, r = rng.choice(_WIDTHS), rng.choice([2, 4])
    else:
        c, r = rng.choice(_WIDTHS), rng.choice([2, 4, 8, 16])
    size = rng.choice([7, 14, 28, 56, 112])
    m = c // r
    std_text = f"conv2d in={size}x{size}x{c} out={c} k=3 p=1 bias=false"
    std = spec.parse(std_text)
    std_sol = solve(std)
    net_text = "\n".join(
        [
            f"input in={size}x{size}x{c}",
            f"reduce: conv2d out={m} k=1 bias=false",
            f"middle: conv2d out={m} k=3 p=1 bias=false",
            f"expand: conv2d out={c} k=1 bias=false",
        ]
    )
    net = W.network(net_text)
    bott = net.params.trainable
    hw = size * size
    say_cm = {"c": num(c), "m": num(m)}
    bott_wrongs = [
        Wrong(2 * c * m + 9 * c * c, ("bottleneck-wide-middle",), M.say("bottleneck-wide-middle", **say_cm)),
        Wrong(c * m + 9 * m * m, ("bottleneck-one-1x1",), M.say("bottleneck-one-1x1", **say_cm)),
        Wrong(2 * c * m + 3 * m * m, ("forgot-to-square",), M.say("forgot-to-square")),
    ]
    parts = [
        Part(
            _("Parameters of the 3×3 conv"),
            "params",
            std_sol.params.trainable,
            wrongs_for(std, "params", std_sol.params.trainable),
        ),
        Part(
            _("Parameters of the bottleneck"),
            "params",
            bott,
            W.distinct(bott, bott_wrongs),
            hint=_("Three convs: 1×1 from C to C/r, 3×3 at C/r, 1×1 from C/r back to C."),
        ),
    ]
    steps = [
        st._replace(title=_("3×3 conv: {t}").format(t=st.title))
        for st in explain(std_sol)
        if st.quantity in ("weights", "params")
    ]
    steps += W.layer_steps(net, {"params"})
    steps.append(
        W.total_step(_("Parameters of the bottleneck"), [s.params.trainable for _n, s in W.layers(net)], "params")
    )
    conventions: list[str] = []
    if difficulty >= 2:
        std_compute = W.compute_in(std_sol.macs, 0, count)
        bott_compute = W.compute_of(net, count)
        parts.append(
            Part(
                _("3×3 conv: {q}").format(q=W.compute_label(count)),
                count,
                std_compute,
                wrongs_for(std, count, std_compute),
            )
        )
        bott_macs_wrongs = [w._replace(value=W.compute_in(int(w.value) * hw, 0, count)) for w in bott_wrongs]  # type: ignore[arg-type]
        parts.append(
            Part(
                _("Bottleneck: {q}").format(q=W.compute_label(count)),
                count,
                bott_compute,
                W.distinct(bott_compute, [*bott_macs_wrongs, *W.flops_wrong(bott_compute, count, net.macs)]),
                hint=_("Every conv here keeps the size, so each costs its weights × H × W MACs."),
            )
        )
        steps += [
            st._replace(title=_("3×3 conv: {t}").format(t=st.title)) for st in explain(std_sol) if st.quantity == "macs"
        ]
        steps += W.layer_steps(net, {"macs"})
        steps.append(W.total_step(_("Bottleneck MACs"), [s.macs for _n, s in W.layers(net)], "macs"))
        steps += W.count_step(net.macs, 0, count)
        conventions = W.compute_conventions(count, has_bias=False)
    text = _(
        "A 3 × 3 convolution maps a {s} × {s} × {c} input to {c} channels (padding 1, stride 1). A bottleneck "
        "replaces it: a 1 × 1 convolution to {m} channels (C/{r}), a 3 × 3 convolution with {m} filters (padding 1) "
        "and a 1 × 1 convolution back to {c} channels. No convolution has a bias, and there is no batchnorm."
    ).format(s=size, c=c, m=m, r=r)
    question = (
        _("How many parameters does each have?")
        if difficulty == 1
        else _("How many parameters does each have, and how much compute does one forward pass of each take (batch 1)?")
    )
    return _problem("bottleneck-savings", difficulty, sentences(text, question, *conventions), parts, steps, net_text)
