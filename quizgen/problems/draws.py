"""Layers to draw: realistic specs, stacks and inverse cases at each difficulty level (DESIGN §5).

Level 1: square, stride 1, no padding.  Level 2: stride, padding and bias, every division exact.  Level 3:
dilation, groups, inexact division and ceil mode, transposed, adaptive, 1d and 3d.  Sizes and channels come
in pairs seen in real networks (a 224 × 224 image has 3 channels, a 7 × 7 map 512 or 1024), and every
spec drawn here is valid by construction: the samplers never retry a rejected spec, so no branch is dead.
"""

from __future__ import annotations

import functools
import random

#: Square inputs of level 1, each with channel counts a layer at that size has in real networks.
STAGES_1 = (
    (32, (1, 3, 16, 32)),
    (28, (1, 6, 16)),
    (24, (1, 3, 8)),
    (48, (3, 16, 32)),
    (64, (3, 16, 32)),
    (16, (8, 16, 32, 64)),
    (14, (16, 32, 64)),
    (56, (16, 32, 64)),
    (12, (32, 64, 128)),
    (8, (64, 128, 256)),
    (7, (32, 64, 128)),
)
#: Square inputs of levels 2 and 3: image sizes with 1-3 channels, inner stages with more channels.
STAGES = (
    (224, (3,)),
    (227, (3,)),
    (299, (3,)),
    (32, (3, 16, 32, 64)),
    (64, (3, 32, 64)),
    (128, (3, 16, 32)),
    (112, (32, 64)),
    (55, (64, 96)),
    (56, (64, 128, 256)),
    (27, (96, 192, 256)),
    (28, (128, 256, 512)),
    (13, (256, 384)),
    (14, (256, 512)),
    (7, (512, 1024)),
)
#: Pooling inputs (even and odd sizes, so that every stride and padding has exact and inexact cases).
POOL_STAGES = (
    (224, (32, 64, 96)),
    (112, (32, 64, 96, 128)),
    (111, (64,)),
    (56, (64, 96, 128, 192, 256)),
    (57, (64, 128)),
    (55, (64, 96)),
    (28, (64, 128, 192, 256, 480, 512)),
    (27, (96, 192, 256)),
    (29, (128, 256)),
    (14, (128, 256, 512, 528, 832)),
    (13, (256, 384)),
    (15, (256, 512)),
    (32, (16, 32, 64, 96, 128, 256)),
    (64, (16, 32, 64, 128, 256)),
    (16, (32, 64, 128, 256, 512)),
    (8, (64, 128, 256, 512, 1024)),
    (7, (512, 1024)),
    (4, (256, 512, 1024)),
)
FIRST_OUT = (16, 24, 32, 48, 64, 96)


def out_channels(rng: random.Random, c: int) -> int:
    """Output channels for a layer with ``c`` input channels: a first layer widens, inner ones keep or change 2×."""
    if c <= 3:
        return rng.choice(FIRST_OUT)
    return rng.choice([x for x in (c // 2, c, c, 2 * c) if x >= 8])


def _span(n: int, k: int, pad: int, d: int = 1) -> int:
    return n + 2 * pad - d * (k - 1) - 1


@functools.cache
def _conv_geometries(n: int, first: bool, exact: bool) -> dict[int, tuple[tuple[int, int], ...]]:
    """(k, p) per stride for a square conv input ``n``: exact divisions only, or inexact only (strides > 1)."""
    kernels = (3, 5, 7, 11) if first else (1, 3, 5)
    strides = ((1, 2, 4) if first else (1, 2)) if exact else (2, 3)
    found: dict[int, tuple[tuple[int, int], ...]] = {}
    for s in strides:
        kp = tuple(
            (k, p)
            for k in kernels
            for p in range(k // 2 + 1)
            if _span(n, k, p) >= 0 and (_span(n, k, p) % s == 0) == exact
        )
        if kp:
            found[s] = kp
    return found


def _geometry(rng: random.Random, n: int, first: bool, exact: bool, strided: bool = False) -> tuple[int, int, int]:
    """A stride drawn evenly among those possible (above 1 if ``strided``), then a kernel and padding: (k, s, p)."""
    options = _conv_geometries(n, first, exact)
    s = rng.choice([x for x in sorted(options) if x > 1 or not strided])
    k, p = rng.choice(options[s])
    return k, s, p


_STAGE_PAIRS = tuple((n, cin) for n, chs in STAGES for cin in chs)


@functools.cache
def _inexact_stages() -> tuple[tuple[int, int], ...]:
    """(size, in-channels) of :data:`STAGES` where some stride > 1 divides unevenly."""
    return tuple((n, cin) for n, cin in _STAGE_PAIRS if _conv_geometries(n, cin <= 3, False))


@functools.cache
def _strided_stages() -> tuple[tuple[int, int], ...]:
    """(size, in-channels) of :data:`STAGES` where some stride > 1 divides exactly (mostly odd sizes)."""
    return tuple((n, cin) for n, cin in _STAGE_PAIRS if max(_conv_geometries(n, cin <= 3, True)) > 1)


def conv_spec(rng: random.Random, difficulty: int) -> str:
    """A conv layer's spec at a level: 1 square/stride 1/no padding; 2 stride, padding, bias; 3 the rest."""
    c = rng.choice
    if difficulty == 1:
        n, channels = c(STAGES_1)
        cin = c(channels)
        out = c([x for x in (4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256) if cin // 2 <= x <= max(4 * cin, 32)])
        return f"conv2d in={n}x{n}x{cin} out={out} k={c([k for k in (3, 5, 7) if k <= n])} bias=true"
    if difficulty == 2:
        strided = rng.random() < 0.5
        n, cin = c(_strided_stages() if strided else _STAGE_PAIRS)
        k, s, p = _geometry(rng, n, cin <= 3, exact=True, strided=strided)
        bias = c(["true", "true", "false"])
        return f"conv2d in={n}x{n}x{cin} out={out_channels(rng, cin)} k={k} s={s} p={p} bias={bias}"
    variant = c(["inexact", "1d", "3d", "groups"])
    if variant == "inexact":
        n, cin = c(_inexact_stages())
        k, s, p = _geometry(rng, n, cin <= 3, exact=False)
        return f"conv2d in={n}x{n}x{cin} out={out_channels(rng, cin)} k={k} s={s} p={p}"
    if variant == "1d":
        length, cin = c([(16000, 1), (1000, 1), (100, 16), (128, 64), (256, 64), (500, 32), (200, 12), (64, 128)])
        k = c([3, 5, 7, 9])
        return (
            f"conv1d in={length}x{cin} out={c([16, 32, 64, 128])} k={k} s={c([1, 2])} "
            f"p={c(range(k // 2 + 1))} bias={c(['true', 'false'])}"
        )
    if variant == "3d":
        depth, n, cin = c([(16, 112, 3), (8, 56, 64), (16, 56, 64), (8, 28, 128), (4, 14, 256), (32, 64, 1)])
        k = c([1, 3] if cin > 3 else [3])
        pad = c([0, 1]) if k == 3 else 0
        return f"conv3d in={depth}x{n}x{n}x{cin} out={out_channels(rng, cin)} k={k} s={c([1, 2])} p={pad}"
    n, ch = c([(112, 32), (56, 64), (56, 128), (28, 128), (28, 256), (14, 256), (14, 512), (7, 512), (7, 1024)])
    g = c([x for x in (2, 4, 8, 32, ch) if ch % x == 0])
    out = c([ch, 2 * ch]) if g < ch else ch
    return f"conv2d in={n}x{n}x{ch} out={out} k=3 p=1 s={c([1, 2])} g={g} bias={c(['true', 'false'])}"


@functools.cache
def _pool_geometries(exact: bool) -> tuple[tuple[int, int, int, int], ...]:
    """(n, k, s, p) of 2-d max/avg pooling on :data:`POOL_STAGES`: exact divisions only, or inexact only."""
    shapes = ((2, 2), (3, 2), (3, 1)) if exact else ((2, 2), (3, 2))
    return tuple(
        (n, k, s, p)
        for n, _ch in POOL_STAGES
        for k, s in shapes
        for p in range((k - 1) // 2 + 1)
        if (_span(n, k, p) % s == 0) == exact
    )


def pool_spec(rng: random.Random, difficulty: int) -> str:
    """A pooling layer's spec: 1 a 2×2 or 4×4 window; 2 stride and padding, exact; 3 ceil, adaptive or 3d."""
    c = rng.choice
    channels = dict(POOL_STAGES)
    if difficulty == 1:
        k = c([2, 2, 4])
        n = c([n for n in channels if n % k == 0])
        return f"{c(['maxpool2d', 'avgpool2d'])} in={n}x{n}x{c(channels[n])} k={k}"
    if difficulty == 2:
        n, k, s, p = c(_pool_geometries(True))
        return f"{c(['maxpool2d', 'maxpool2d', 'avgpool2d'])} in={n}x{n}x{c(channels[n])} k={k} s={s} p={p}"
    variant = c(["ceil", "adaptive", "3d"])
    if variant == "ceil":
        n, k, s, p = c(_pool_geometries(False))
        return f"maxpool2d in={n}x{n}x{c(channels[n])} k={k} s={s} p={p} ceil=true"
    if variant == "adaptive":
        n = c([6, 7, 9, 10, 12, 13, 14, 15, 28])
        size = c([x for x in (1, 2, 3, 4, 5, 6, 7) if x < n])
        return f"{c(['adaptiveavgpool2d', 'adaptivemaxpool2d'])} in={n}x{n}x{c([256, 512, 1024, 2048])} size={size}"
    depth, n = c([(8, 56), (16, 56), (16, 112), (8, 28), (4, 14), (32, 64)])
    k = c([2, 3])
    return f"{c(['maxpool3d', 'avgpool3d'])} in={depth}x{n}x{n}x{c([64, 128, 256])} k={k} s=2"


def dilated_spec(rng: random.Random, difficulty: int) -> str:
    """A dilated conv: 1 stride 1, no padding; 2 padding and stride, exact; 3 1-d or 2-d, inexact allowed."""
    c = rng.choice
    if difficulty == 1:
        k, d = c([(3, 2), (3, 3), (3, 4), (5, 2)])
        n = c([n for n in (14, 16, 24, 28, 32, 56, 64, 112) if n >= d * (k - 1) + 1])
        return f"conv2d in={n}x{n}x{c([16, 32, 64, 128])} out={c([16, 32, 64, 128])} k={k} d={d}"
    if difficulty == 2:
        n, d, p, s = c(
            [
                (n, d, p, s)
                for n in (33, 65, 129, 28, 32, 56, 64, 97)
                for d in (2, 3, 4, 6)
                for p in (0, d)
                for s in (1, 1, 2)
                if _span(n, 3, p, d) >= 0 and _span(n, 3, p, d) % s == 0
            ]
        )
        return f"conv2d in={n}x{n}x{c([64, 128, 256, 512])} out={c([64, 128, 256])} k=3 d={d} s={s} p={p}"
    dims = c([1, 2])
    n = c([100, 128, 57, 63, 250] if dims == 1 else [57, 63, 56, 28, 33, 65])
    shape = "x".join([str(n)] * dims)
    return (
        f"conv{dims}d in={shape}x{c([16, 32, 64])} out={c([16, 32, 64])} k={c([3, 5])} d={c([2, 3, 4])} "
        f"s={c([1, 2])} p={c([0, 1, 2])}"
    )


def transposed_spec(rng: random.Random, difficulty: int) -> str:
    """A transposed conv: 1 no padding (2×2 stride 2, or 3×3 stride 1); 2 with padding; 3 1-3d, op and dilation."""
    c = rng.choice
    if difficulty == 1:
        k, s = c([(2, 2), (2, 2), (3, 1)])
        cin = c([64, 128, 256, 512, 1024])
        n = c([4, 7, 8, 14, 16, 28, 32, 56, 64])
        return f"convtranspose2d in={n}x{n}x{cin} out={c([cin, cin // 2, cin // 4])} k={k} s={s}"
    if difficulty == 2:
        k, s, p = c([(4, 2, 1), (4, 2, 1), (2, 2, 0), (3, 2, 1), (3, 1, 1)])
        cin = c([64, 128, 256, 512, 1024])
        n = c([4, 7, 8, 14, 16, 32])
        return f"convtranspose2d in={n}x{n}x{cin} out={c([cin // 2, cin // 4, 3, 1])} k={k} s={s} p={p}"
    dims = c([1, 2, 3])
    n = c([7, 8, 14, 16, 28])
    return (
        f"convtranspose{dims}d in=" + "x".join([str(n)] * dims) + f"x{c([64, 128, 256])} out={c([16, 32, 64])} "
        f"k={c([3, 4])} s=2 p=1 op={c([0, 1])} d={c([1, 1, 2])}"
    )


#: Level 1: small MLP and LeNet layers.  Level 2: classifier heads and transformer projections.
LINEAR_IN = {
    1: (784, 576, 512, 480, 400, 320, 300, 256, 200, 144, 128, 120, 100, 84, 64, 1024),
    2: (9216, 4096, 25088, 2048, 1024, 1280, 512, 768, 1536, 3072, 2560, 4608),
}
LINEAR_OUT = {
    1: (10, 2, 16, 32, 50, 64, 84, 100, 120, 128, 200, 256, 300, 500),
    2: (4096, 1000, 10, 100, 512, 1024, 3072, 768, 2),
}
#: Level 3: the last feature map of a conv stack (side, channels), flattened into the layer.
FEATURE_MAPS = (
    (7, 512),
    (6, 256),
    (5, 16),
    (4, 512),
    (13, 256),
    (7, 64),
    (8, 128),
    (4, 256),
    (3, 512),
    (2, 1024),
    (7, 128),
    (5, 32),
    (6, 64),
    (4, 64),
    (1, 2048),
    (1, 1280),
    (1, 512),
    (7, 256),
    (3, 256),
    (2, 512),
    (6, 128),
    (4, 128),
)


def linear_spec(rng: random.Random, difficulty: int) -> tuple[str, tuple[int, int] | None]:
    """A linear layer's spec at a level, and at level 3 the (side, channels) feature map flattened into it."""
    c = rng.choice
    if difficulty == 1:
        i = c(LINEAR_IN[1])
        return f"linear in={i} out={c([o for o in LINEAR_OUT[1] if o < i])}", None
    if difficulty == 2:
        return f"linear in={c(LINEAR_IN[2])} out={c(LINEAR_OUT[2])} bias={c(['true', 'true', 'false'])}", None
    h, ch = c(FEATURE_MAPS)
    return f"linear in={h * h * ch} out={c([4096, 1000, 1024, 512, 256, 120, 100, 10])} bias={c(['true', 'false'])}", (
        h,
        ch,
    )


def channels_at(rng: random.Random, n: int) -> tuple[int, int]:
    """Input and output channels for a square input of side ``n``, as a real network has them there."""
    stages = dict(STAGES_1) | dict(STAGES)
    cin = rng.choice(stages.get(n, (3, 16, 32, 64)))
    return cin, out_channels(rng, cin)


def _unique(n: int, k: int, s: int, p: int, key: str, odd_only: bool = False) -> bool:
    """True if no other stride (``key="s"``) or kernel size (``"k"``, odd ones only if asked) gives the same output."""
    value = s if key == "s" else k
    target = (n + 2 * p - k) // s + 1
    for other in range(1, n + 2 * p + 1):
        if other == value or (odd_only and other % 2 == 0):
            continue
        span = n + 2 * p - (k if key == "s" else other)
        if span >= 0 and span // (other if key == "s" else s) + 1 == target:
            return False
    return True


@functools.cache
def inverse_cases(difficulty: int, key: str) -> tuple[tuple[int, int, int, int], ...]:
    """Every (n, k, s, p) an inverse problem may ask at a level: the answer unique, the division exact below 3.

    Level 1: no padding, stride 1 or 2.  Levels 2-3: padding up to K//2, stride 2 or 4.  Finding K with a stride
    above 1 has several answers (floor), so below level 3 K is asked with stride 1, and at level 3 K is odd, with
    stride 2 or 3.
    """
    sizes = (16, 28, 32, 56, 64, 14, 112) if difficulty == 1 else (224, 227, 112, 56, 32, 28, 64, 128, 96, 299)
    kernels = (2, 3, 5, 7) if difficulty == 1 else (3, 5, 7, 11)
    # Odd kernels step by 2: with a stride of 4, two of them always floor to the same output.
    kernel_strides = (1,) if difficulty < 3 else (2, 3)
    strides = kernel_strides if key == "k" else (1, 2) if difficulty == 1 else (2, 4)
    cases = []
    for n in sizes:
        for k in kernels:
            for s in strides:
                for p in range(k // 2 + 1) if difficulty > 1 else (0,):
                    span = n + 2 * p - k
                    odd_only = key == "k" and s > 1
                    if span < 0 or span // s + 1 < 2 or (difficulty < 3 and span % s) or (odd_only and k % 2 == 0):
                        continue
                    if _unique(n, k, s, p, key, odd_only):
                        cases.append((n, k, s, p))
    return tuple(cases)


def trace_stack(rng: random.Random, difficulty: int) -> str:
    """A small stack to trace, drawn from templates of real networks with drawn sizes and channels.

    Level 1: conv, relu, pooling, flatten with no inexact division.  Level 2: LeNet-, VGG- and AlexNet-like
    stacks, and a conv with a linear head.  Level 3: MobileNet's first block (batchnorm, depthwise), a ResNet stem with a
    dilated conv, or a decoder of transposed convs.
    """
    c = rng.choice
    if difficulty == 1:
        n, cin, o, k = c([16, 24, 28, 32, 48, 56, 64]), c([1, 3]), c([8, 16, 32, 64]), c([3, 5])
        o2 = c([o, 2 * o])
        return c(
            [
                f"conv2d in={n}x{n}x{cin} out={o} k={k}\nrelu\nmaxpool2d k=2",
                f"conv2d in={n}x{n}x{cin} out={o} k={k}\nrelu\nmaxpool2d k=2\nflatten",
                f"conv2d in={n}x{n}x{cin} out={o} k={k}\nrelu\nconv2d out={o2} k={k}\nrelu",
            ]
        )
    if difficulty == 2:
        template = c(["lenet", "vgg", "head", "alexnet"])
        if template == "lenet":
            n, p, pool = c([28, 32]), c([0, 2]), c(["avgpool2d", "maxpool2d"])
            return (
                f"conv2d in={n}x{n}x{c([1, 3])} out={c([6, 8, 16])} k=5 p={p}\nrelu\n{pool} k=2\n"
                f"conv2d out={c([16, 32])} k=5\nrelu\n{pool} k=2\nflatten\nlinear out={c([120, 84, 100, 10])}"
            )
        if template == "vgg":
            n, o = c([28, 32, 56, 64, 96, 112, 224]), c([16, 32, 64])
            return (
                f"conv2d in={n}x{n}x{c([1, 3])} out={o} k=3 p=1\nrelu\nmaxpool2d k=2\n"
                f"conv2d out={c([o, 2 * o])} k=3 p=1\nrelu\nmaxpool2d k=2"
            )
        if template == "head":
            n, o = c([16, 24, 28, 32, 48]), c([8, 16, 32])
            return (
                f"conv2d in={n}x{n}x{c([1, 3])} out={o} k=3\nrelu\nmaxpool2d k=2\nflatten\n"
                f"linear out={c([10, 84, 100, 120])}"
            )
        k2 = c([3, 5])
        return (
            f"conv2d in=227x227x3 out={c([48, 64, 96])} k=11 s=4\nrelu\nmaxpool2d k=3 s=2\n"
            f"conv2d out={c([128, 192, 256, 384])} k={k2} p={k2 // 2}"
        )
    template = c(["mobilenet", "resnet", "decoder"])
    if template == "mobilenet":
        n, o = c([64, 96, 112, 128, 160, 192, 224]), c([16, 24, 32])
        return (
            f"conv2d in={n}x{n}x3 out={o} k=3 s=2 p=1 bias=false\nbatchnorm2d\nrelu\n"
            f"conv2d out={o} k=3 p=1 g={o} bias=false\nbatchnorm2d\nconv2d out={c([2 * o, 64, 96])} k=1 bias=false"
        )
    if template == "resnet":
        n, o = c([64, 96, 112, 128, 160, 224, 256]), c([16, 32, 64])
        return (
            f"conv2d in={n}x{n}x{c([1, 3])} out={o} k=7 s=2 p=3\nmaxpool2d k=3 s=2 p=1\n"
            f"conv2d out={o} k=3 p={c([1, 2])} d=2"
        )
    n, wide = c([4, 5, 7, 8, 14, 16]), c([128, 256, 512])
    return (
        f"convtranspose2d in={n}x{n}x{wide} out={c([wide // 2, wide // 4])} k=4 s=2 p=1\nrelu\n"
        f"convtranspose2d out={c([1, 3])} k=4 s=2 p=1"
    )


def receptive_field_stack(rng: random.Random, difficulty: int) -> str:
    """A stack for the receptive-field problem, drawn layer by layer.

    Level 1: 2-4 convs, stride 1, no padding, kernels 3, 5 or 7.  Level 2: 2-4 layers, convs padded to keep
    the size, with stride 1 or 2, and max-pools; one layer at least is strided.  Level 3: 3-5 layers that add
    dilated convs (d = 2, 3 or 4); one at least is dilated.  Sizes stay at least 2 (inputs of 64 and more).
    """
    c = rng.choice
    count = c([2, 3, 4] if difficulty < 3 else [3, 4, 5])
    first = ["conv"] if difficulty == 1 else ["conv", "strided"]
    rest = {1: ["conv"], 2: ["conv", "conv", "strided", "pool"], 3: ["conv", "strided", "pool", "dilated"]}
    plan = [c(first)] + [c(rest[difficulty]) for _i in range(count - 1)]
    if difficulty == 2 and not {"strided", "pool"} & set(plan):
        plan[rng.randrange(count)] = "strided"
    if difficulty == 3 and "dilated" not in plan:
        plan[rng.randrange(1, count)] = "dilated"
    n = c([32, 64, 96, 128, 224] if difficulty == 1 else [64, 96, 128, 224, 256])
    width = c([16, 32, 64])
    lines = []
    for i, step in enumerate(plan):
        if step == "pool":
            lines.append("maxpool2d " + c(["k=2", "k=3 s=2 p=1"]))
            continue
        if i and rng.random() < 0.5:
            width = min(2 * width, 512)
        head = f"conv2d in={n}x{n}x{c([1, 3])}" if i == 0 else "conv2d"
        if step == "conv":
            k = c([3, 5, 7] if difficulty == 1 else [1, 3, 3, 5])
            settings = f"k={k}" if difficulty == 1 else f"k={k} p={k // 2}"
        elif step == "strided":
            k = c([3, 5, 7] if i == 0 else [3, 3, 5])
            settings = f"k={k} s=2 p={k // 2}"
        else:
            d = c([2, 3, 4])
            settings = f"k=3 d={d} p={d}"
        lines.append(f"{head} out={width} {settings}")
    return "\n".join(lines)
