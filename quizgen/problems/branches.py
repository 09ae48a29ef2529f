"""Branching kinds: DenseNet's growth and Inception's branches (concatenations), and squeeze-and-excitation
(a channel scale).

Each block is written in the network notation and solved by the graph solver, as in
:mod:`quizgen.problems.blocks`.
"""

from __future__ import annotations

import random

from quizgen.explain import misconceptions as M
from quizgen.explain.steps import num
from quizgen.i18n import N_, _, sentences
from quizgen.problems import netwise as W
from quizgen.problems.problem import Part, Problem, Wrong
from quizgen.problems.registry import kind, shape_words
from quizgen.problems.working import kind_title, worked_step

# --- concat-channels -------------------------------------------------------------------------------------

#: GoogLeNet's Inception modules (Szegedy et al., 2014, table 1): input, #1×1, #3×3 reduce, #3×3, #5×5 reduce,
#: #5×5, pool proj.
INCEPTION = (
    ((28, 192), 64, 96, 128, 16, 32, 32),
    ((28, 256), 128, 128, 192, 32, 96, 64),
    ((14, 480), 192, 96, 208, 16, 48, 64),
    ((14, 512), 160, 112, 224, 24, 64, 64),
    ((14, 512), 128, 128, 256, 24, 64, 64),
    ((14, 512), 112, 144, 288, 32, 64, 64),
    ((14, 528), 256, 160, 320, 32, 128, 128),
    ((7, 832), 256, 160, 320, 32, 128, 128),
    ((7, 832), 384, 192, 384, 48, 128, 128),
)
#: DenseNet-121's dense blocks: input channels and size.
DENSE = ((64, 56), (128, 28), (256, 14), (512, 7))


def dense_net(size: int, c0: int, k: int, layers: int) -> str:
    """A DenseNet-BC dense block: ``layers`` × (BN, ReLU, 1×1 conv to 4k, BN, ReLU, 3×3 conv to k, concat)."""
    return "\n".join(
        [
            f"input in={size}x{size}x{c0}",
            "block denselayer(k)",
            "    batchnorm2d",
            "    relu",
            "    conv2d out={k*4} k=1 bias=false",
            "    batchnorm2d",
            "    relu",
            "    conv2d out={k} k=3 p=1 bias=false",
            "    concat input",
            "end",
            f"dblock: denselayer k={k} repeat={layers}",
        ]
    )


def inception_net(row: tuple, k5: int = 5) -> str:
    """An Inception module; ``k5`` is the kernel of the third branch (5 in the paper, 3 in torchvision)."""
    (size, c), b1, r3, b3, r5, b5, bp = row
    return "\n".join(
        [
            f"input in={size}x{size}x{c}",
            f"b1: conv2d from=input out={b1} k=1",
            f"reduce3: conv2d from=input out={r3} k=1",
            f"b3: conv2d out={b3} k=3 p=1",
            f"reduce5: conv2d from=input out={r5} k=1",
            f"b5: conv2d out={b5} k={k5} p={k5 // 2}",
            "pool: maxpool2d from=input k=3 s=1 p=1",
            f"bp: conv2d out={bp} k=1",
            "concat b1 b3 b5 bp",
        ]
    )


def _dense(rng: random.Random, difficulty: int) -> Problem:
    c0, size = rng.choice(DENSE)
    k = rng.choice([12, 24, 32, 48])
    layers = rng.randint(2, 6)
    net_text = dense_net(size, c0, k, layers)
    net = W.network(net_text)
    out = net.output_shape
    total_c = out[-1]
    summed = f"{c0} + {layers} × {k} = {total_c}"
    grow = {"c0": c0, "k": k, "layers": layers}
    shape_wrongs = [
        Wrong((size, size, c0), ("concat-added",), M.say("concat-added", sum=summed)),
        Wrong((size, size, c0 + k), ("dense-growth-once",), M.say("dense-growth-once", **grow)),
        Wrong((size, size, layers * k), ("dense-input-forgotten",), M.say("dense-input-forgotten", **grow)),
    ]
    parts = [
        Part(
            _("Output shape of the block (H × W × C)"),
            "output",
            out,
            W.distinct(out, shape_wrongs),
            hint=_("Each layer's k new channels are concatenated to everything before them."),
        )
    ]
    steps = [
        worked_step(
            _("Channels after the block"), "C_0 + L·k", f"{c0} + {layers}·{k}", str(total_c), quantity="output"
        ),
        worked_step(_("Output shape"), "H × W × C", shape_words(out), shape_words(out), quantity="output"),
    ]
    text = _(
        "A DenseNet-BC dense block takes a {s} × {s} × {c0} input and has {n} layers with growth rate k = {k}. Each "
        "layer applies batchnorm, ReLU, a 1 × 1 convolution to 4k = {k4} channels, batchnorm, ReLU and a 3 × 3 "
        "convolution to k = {k} channels (padding 1, no biases), and concatenates its output to its input along the "
        "channels."
    ).format(s=size, c0=c0, n=layers, k=k, k4=4 * k)
    question = _("What is the block's output shape?")
    conventions: list[str] = []
    if difficulty == 3:
        last = f"dblock.{layers - 1}"
        members = [s.solution for s in net.members(last) if hasattr(s.solution, "layer")]
        cin = c0 + (layers - 1) * k
        layer_params = sum(sol.params.trainable for sol in members)
        bns = [cin, 4 * k]
        what = " + ".join(f"2 × {c}" for c in bns)
        grown = 2 * c0 + c0 * 4 * k + 2 * 4 * k + 9 * 4 * k * k
        param_wrongs = [
            Wrong(
                grown,
                ("dense-input-not-grown",),
                M.say("dense-input-not-grown", i=layers, before=layers - 1, cin=cin, **grow),
            ),
            Wrong(
                layer_params + 2 * sum(bns),
                ("bn-running-stats-trainable",),
                M.say("bn-running-stats-trainable", what=what),
            ),
            Wrong(layer_params - 2 * sum(bns), ("bn-params-forgotten",), M.say("bn-params-forgotten", what=what)),
        ]
        parts.append(
            Part(
                _("Trainable parameters of the block's last layer (layer {n})").format(n=layers),
                "params",
                layer_params,
                W.distinct(layer_params, param_wrongs),
                hint=_("Its input holds the block's input and every earlier layer's k channels."),
            )
        )
        steps.append(
            worked_step(
                _("Input channels of layer {n}").format(n=layers),
                "C_0 + (L - 1)·k",
                f"{c0} + {layers - 1}·{k}",
                str(cin),
                quantity="params",
            )
        )
        sub = W.network(_last_layer_net(size, cin, k))
        steps += W.layer_steps(
            sub, {"params"}, {n: _("layer {n}").format(n=layers) + " " + n for n, _s in W.layers(sub)}
        )
        steps.append(
            W.total_step(
                _("Trainable parameters of layer {n}").format(n=layers),
                [s.params.trainable for _n, s in W.layers(sub)],
                "params",
            )
        )
        question = _("What is the block's output shape, and how many trainable parameters does its last layer have?")
        conventions = [_(W.TRAINABLE_TEXT)]
    return Problem(
        "concat-channels",
        kind_title("concat-channels"),
        difficulty,
        sentences(text, question, *conventions),
        W.seal(parts),
        tuple(steps),
        spec=net_text,
    )


def _last_layer_net(size: int, cin: int, k: int) -> str:
    """One dense layer on its ``cin`` input channels, as the block's last repetition runs it."""
    return "\n".join(
        [
            f"input in={size}x{size}x{cin}",
            "batchnorm2d",
            "relu",
            f"conv2d out={4 * k} k=1 bias=false",
            "batchnorm2d",
            "relu",
            f"conv2d out={k} k=3 p=1 bias=false",
        ]
    )


def _inception(rng: random.Random, difficulty: int) -> Problem:
    row = rng.choice(INCEPTION)
    (size, c), b1, r3, b3, r5, b5, bp = row
    size *= rng.choice([1, 2])  # GoogLeNet at 224 × 224, or at 448 × 448
    k5 = rng.choice([5, 3])  # the paper's 5 × 5, or torchvision's 3 × 3 in that branch
    net_text = inception_net(((size, c), b1, r3, b3, r5, b5, bp), k5)
    net = W.network(net_text)
    out = net.output_shape
    total = net.params.trainable
    summed = f"{b1} + {b3} + {b5} + {bp} = {out[-1]}"
    shape_wrongs = [
        Wrong((size, size, max(b1, b3, b5, bp)), ("concat-added",), M.say("concat-added", sum=summed)),
        Wrong(
            (size, size, b1 + b3 + b5),
            ("inception-pool-branch-forgotten",),
            M.say("inception-pool-branch-forgotten", pool=bp),
        ),
        Wrong(
            (size, size, b1 + b3 + b5 + c),
            ("inception-pool-keeps-input",),
            M.say("inception-pool-keeps-input", c=c, pool=bp),
        ),
    ]
    nodes = dict(W.layers(net))
    reduce_params = nodes["reduce3"].params.trainable + nodes["reduce5"].params.trainable
    biases = sum(sol.params.bias for sol in nodes.values())
    param_wrongs = [
        Wrong(total - biases, ("forgot-bias",), M.say("forgot-bias", what=num(biases))),
        Wrong(
            total - reduce_params,
            ("inception-reduce-forgotten",),
            M.say("inception-reduce-forgotten", what=num(reduce_params)),
        ),
    ]
    parts = [
        Part(
            _("Output shape of the module (H × W × C)"),
            "output",
            out,
            W.distinct(out, shape_wrongs),
            hint=_("Every branch keeps H × W; the concat stacks the branches' channels."),
        ),
        Part(
            _("Parameters of the module"),
            "params",
            total,
            W.distinct(total, param_wrongs),
            hint=_("Six convs: each has K·K·C_in·C_out weights and C_out biases; pooling and the concat have none."),
        ),
    ]
    steps = [
        worked_step(
            _("Channels after the concat"),
            _("sum of the branches"),
            f"{b1} + {b3} + {b5} + {bp}",
            str(out[-1]),
            quantity="output",
        ),
        worked_step(_("Output shape"), "H × W × C", shape_words(out), shape_words(out), quantity="output"),
        *W.layer_steps(net, {"params"}),
        W.total_step(_("Parameters of the module"), [s.params.trainable for s in nodes.values()], "params"),
    ]
    text = _(
        "A GoogLeNet Inception module takes a {s} × {s} × {c} input. Its four branches are a 1 × 1 convolution "
        "with {b1} filters; a 1 × 1 convolution to {r3} channels then a 3 × 3 convolution with {b3} filters "
        "(padding 1); a 1 × 1 convolution to {r5} channels then a 5 × 5 convolution with {b5} filters (padding 2); "
        "and a 3 × 3 max-pool (stride 1, padding 1) then a 1 × 1 convolution with {bp} filters. Every convolution "
        "has a bias, and the branches are concatenated along the channels."
    ).format(s=size, c=c, b1=b1, r3=r3, b3=b3, r5=r5, b5=b5, bp=bp)
    question = _("What is the module's output shape, and how many parameters does it have?")
    return Problem(
        "concat-channels",
        kind_title("concat-channels"),
        difficulty,
        sentences(text, question),
        W.seal(parts),
        tuple(steps),
        spec=net_text,
    )


@kind(
    "concat-channels",
    N_("Concatenation: DenseNet and Inception"),
    N_("the channels after DenseNet's growth or Inception's branches, and their parameters"),
)
def _concat_channels(rng: random.Random, difficulty: int, count: str) -> Problem:
    if difficulty == 2 and rng.random() < 0.5:
        return _inception(rng, difficulty)
    return _dense(rng, difficulty)


# --- se-block --------------------------------------------------------------------------------------------

#: The input channels of EfficientNet-B0 to B3's MBConv6 blocks.
EFFICIENT = (16, 24, 32, 40, 48, 80, 96, 112, 136, 192, 232)


def se_net(size: int, c: int, squeeze: int, act: str) -> str:
    return "\n".join(
        [
            f"input in={size}x{size}x{c}",
            "pool: adaptiveavgpool2d size=1",
            f"fc1: conv2d out={squeeze} k=1",
            act,
            f"fc2: conv2d out={c} k=1",
            "sigmoid",
            "mul input",
        ]
    )


@kind(
    "se-block",
    N_("Squeeze-and-excitation"),
    N_("the parameters and compute of a squeeze-and-excitation block"),
)
def _se_block(rng: random.Random, difficulty: int, count: str) -> Problem:
    if difficulty < 3:
        c = rng.choice([64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048])
        size = rng.choice([7, 14, 28, 56])
        r = rng.choice([4, 16]) if difficulty == 1 else rng.choice([4, 8, 16])
        squeeze, act = c // r, "relu"
        text = _(
            "A squeeze-and-excitation block (SENet) acts on a {s} × {s} × {c} feature map with reduction ratio "
            "r = {r}: global average pooling to 1 × 1 × {c}, a 1 × 1 convolution (an FC layer) to {cs} channels, "
            "ReLU, a 1 × 1 convolution back to {c} channels, a sigmoid, and the input's channels multiplied by the "
            "result. Both convolutions have a bias."
        ).format(s=size, c=c, r=r, cs=squeeze)
    else:
        cin, size = rng.choice(EFFICIENT), rng.choice([7, 14, 28, 56])
        c, squeeze, act = 6 * cin, max(1, cin // 4), "silu"
        text = _(
            "In an EfficientNet-B0 MBConv block with {cin} input channels and expansion 6, squeeze-and-excitation "
            "acts on the {s} × {s} × {c} expanded feature map: global average pooling, a 1 × 1 convolution to {cs} "
            "channels (a quarter of the block's {cin} input channels), SiLU, a 1 × 1 convolution back to {c} "
            "channels, a sigmoid, and the feature map's channels multiplied by the result. Both convolutions have a "
            "bias."
        ).format(cin=cin, s=size, c=c, cs=squeeze)
    net_text = se_net(size, c, squeeze, act)
    net = W.network(net_text)
    total = net.params.trainable
    cs = {"c": num(c), "cs": num(squeeze)}
    param_wrongs = [
        Wrong(c * squeeze + squeeze, ("se-one-fc",), M.say("se-one-fc", **cs)),
        Wrong(2 * c * squeeze, ("forgot-bias",), M.say("forgot-bias", what=f"{squeeze} + {c}")),
        Wrong(2 * c * c + 2 * c, ("se-reduction-forgotten",), M.say("se-reduction-forgotten", **cs)),
    ]
    parts = [
        Part(
            _("Parameters of the SE block"),
            "params",
            total,
            W.distinct(total, param_wrongs),
            hint=_("Two FC layers (1×1 convs) with biases: C → C/r and C/r → C."),
        )
    ]
    steps = W.layer_steps(net, {"params"})
    steps.append(
        W.total_step(_("Parameters of the SE block"), [s.params.trainable for _n, s in W.layers(net)], "params")
    )
    question = _("How many parameters does it have?")
    conventions: list[str] = []
    if difficulty >= 2:
        compute = W.compute_of(net, count)
        bias_adds = squeeze + c
        hw = size * size
        compute_wrongs = [
            Wrong(
                W.compute_in(net.macs * hw, bias_adds * hw, count),
                ("se-fc-at-every-position",),
                M.say("se-fc-at-every-position", hw=f"{size} × {size}", c=num(c)),
            ),
            Wrong(
                W.compute_in(net.macs + hw * c, bias_adds, count),
                ("counted-elementwise",),
                M.say("counted-elementwise", what=f"{size} × {size} × {c}"),
            ),
            *W.flops_wrong(compute, count, net.macs),
        ]
        parts.append(
            Part(
                W.compute_label(count),
                count,
                compute,
                W.distinct(compute, compute_wrongs),
                hint=_("The FC layers act once, on the pooled 1 × 1 × C vector; the pooling and the multiply count 0."),
            )
        )
        steps += W.layer_steps(net, {"macs"})
        steps.append(W.total_step(_("MACs"), [s.macs for _n, s in W.layers(net)], "macs"))
        steps += W.count_step(net.macs, bias_adds, count)
        question = _("How many parameters does it have, and how much compute does one forward pass take (batch 1)?")
        conventions = W.compute_conventions(count, has_bias=True)
    return Problem(
        "se-block",
        kind_title("se-block"),
        difficulty,
        sentences(text, question, *conventions),
        W.seal(parts),
        tuple(steps),
        spec=net_text,
    )
