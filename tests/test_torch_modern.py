"""The layers of modern networks against PyTorch, on seeded random layers of each kind.

Each sample is drawn once from a ``random.Random`` seeded by its number, written as spec text for quizgen
and built as a torch module from the same drawn values (never from quizgen's parse).  The references are
PyTorch's: the output tensor's shape, ``sum(p.numel() for p in module.parameters())``, and MACs as
``FlopCounterMode``'s total / 2.

``FlopCounterMode`` does not see the attention kernel of ``nn.MultiheadAttention`` (QKᵀ and AV), only its
four projections, so for that module the two matmuls are added by formula, 2·N²·d, as torchvision's
published figures count them.  A second attention, written with explicit ``torch.matmul`` calls that the
counter does see, checks the whole count with no formula at all.

Validity is checked both ways where PyTorch has the rule: a setting quizgen refuses (heads not dividing d,
bilinear on a non-image, clip's min not below max, a token index past the end, dropout's p outside [0, 1])
is refused by PyTorch too.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from math import prod

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from quizgen.arith import spec  # noqa: E402
from quizgen.arith.solver import solve  # noqa: E402
from quizgen.errors import QuizgenError  # noqa: E402

SAMPLES = 40  # per kind


@dataclass
class Case:
    """A spec, the torch module built from the same drawn values, and the input tensor's torch shape."""

    text: str
    module: nn.Module
    torch_in: tuple[int, ...]
    to_hwc: Callable[[tuple[int, ...]], tuple[int, ...]] = lambda s: s[1:]  # drop the batch
    extra_macs: int = 0  # attention's QKᵀ and AV, which FlopCounterMode cannot see in nn.MultiheadAttention
    #: nn.MultiheadAttention in eval mode takes a fast path that hides even its projections from the counter
    train: bool = False


def channels_last(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Torch's (1, C, *spatial) as quizgen's (*spatial, C)."""
    return (*shape[2:], shape[1])


def image(rng: random.Random, rank: int) -> tuple[int, ...]:
    """A small input: ``rank`` spatial sizes then channels."""
    return (*(rng.randint(1, 12) for _ in range(rank)), rng.choice([1, 3, 8, 16, 24]))


def torch_image(shape: tuple[int, ...]) -> tuple[int, ...]:
    return (1, shape[-1], *shape[:-1])


def fmt(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


class Lambda(nn.Module):
    def __init__(self, fn: Callable) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class ClsToken(nn.Module):
    def __init__(self, d: int) -> None:
        super().__init__()
        self.token = nn.Parameter(torch.zeros(1, 1, d))

    def forward(self, x):
        return torch.cat([self.token.expand(x.shape[0], -1, -1), x], dim=1)


class PosEmbed(nn.Module):
    def __init__(self, n: int, d: int) -> None:
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(1, n, d))

    def forward(self, x):
        return x + self.pos


class LayerScale(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(c))

    def forward(self, x):
        return x * self.gamma


class PatchEmbed(nn.Module):
    """torchvision's ViT: ``conv_proj`` with k = s = P, then the grid flattened into tokens."""

    def __init__(self, c: int, d: int, p: int, bias: bool) -> None:
        super().__init__()
        self.proj = nn.Conv2d(c, d, kernel_size=p, stride=p, bias=bias)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class MHA(nn.Module):
    def __init__(self, d: int, h: int, bias: bool) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(d, h, bias=bias, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class ExplicitAttention(nn.Module):
    """Multi-head self-attention with every matmul written out, so that FlopCounterMode counts them all."""

    def __init__(self, d: int, h: int, bias: bool) -> None:
        super().__init__()
        self.h = h
        self.q, self.k, self.v, self.o = (nn.Linear(d, d, bias=bias) for _ in range(4))

    def forward(self, x):
        b, n, d = x.shape

        def heads(t):
            return t.view(b, n, self.h, d // self.h).transpose(1, 2)

        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        scores = torch.matmul(q, k.transpose(-2, -1)) / (d // self.h) ** 0.5
        out = torch.matmul(scores.softmax(-1), v)
        return self.o(out.transpose(1, 2).reshape(b, n, d))


ACTIVATIONS = {
    "relu6": nn.ReLU6,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "swish": nn.SiLU,
    "hardswish": nn.Hardswish,
    "sigmoid": nn.Sigmoid,
    "hardsigmoid": nn.Hardsigmoid,
    "tanh": nn.Tanh,
    "identity": nn.Identity,
}


def any_rank(rng: random.Random) -> tuple[int, ...]:
    return tuple(rng.randint(1, 9) for _ in range(rng.randint(1, 4)))


def draw(kind: str, seed: int) -> Case:
    """One random layer of ``kind``, as spec text and as a torch module built from the same values."""
    rng = random.Random(f"{kind}-{seed}")
    if kind == "activation":
        name = rng.choice(sorted(ACTIVATIONS))
        shape = any_rank(rng)
        return Case(f"{name} in={fmt(shape)}", ACTIVATIONS[name](), (1, *shape))
    if kind == "clip":
        low = rng.choice([-1.0, 0.0, -0.5])
        high = rng.choice([1.0, 6.0, 2.5])
        shape = any_rank(rng)
        return Case(f"clip in={fmt(shape)} min={low} max={high}", nn.Hardtanh(low, high), (1, *shape))
    if kind == "softmax":
        shape = any_rank(rng)
        return Case(f"softmax in={fmt(shape)}", nn.Softmax(dim=-1), (1, *shape))
    if kind == "dropout":
        p = rng.choice([0.0, 0.1, 0.5, 0.9])
        shape = any_rank(rng)
        name = rng.choice(["dropout", "stochasticdepth"])
        return Case(f"{name} in={fmt(shape)} p={p}", nn.Dropout(p), (1, *shape))
    if kind == "layernorm":
        shape = any_rank(rng)
        return Case(f"layernorm in={fmt(shape)}", nn.LayerNorm(shape[-1]), (1, *shape))
    if kind == "layerscale":
        shape = any_rank(rng)
        return Case(f"layerscale in={fmt(shape)}", LayerScale(shape[-1]), (1, *shape))
    if kind == "gap":
        rank = rng.randint(1, 3)
        shape = image(rng, rank)
        pool = getattr(nn, f"AdaptiveAvgPool{rank}d")(1)
        name = rng.choice(["globalavgpool", "gap"])
        return Case(f"{name} in={fmt(shape)}", pool, torch_image(shape), channels_last)
    if kind == "upsample":
        rank = rng.randint(1, 3)
        mode = "bilinear" if rank == 2 and rng.random() < 0.5 else "nearest"
        shape = image(rng, rank)
        scale = rng.randint(1, 4)
        module = nn.Upsample(scale_factor=scale, mode=mode)
        text = f"upsample in={fmt(shape)} scale={scale} mode={mode}"
        return Case(text, module, torch_image(shape), channels_last)
    if kind == "linear":
        shape = any_rank(rng)
        out, bias = rng.randint(1, 40), rng.random() < 0.7
        text = f"linear in={fmt(shape)} out={out} bias={str(bias).lower()}"
        return Case(text, nn.Linear(shape[-1], out, bias=bias), (1, *shape))
    if kind == "patchembed":
        p = rng.choice([2, 4, 8, 16])
        h, w, c = p * rng.randint(1, 6), p * rng.randint(1, 6), rng.choice([1, 3])
        d, bias = rng.choice([8, 32, 64, 96]), rng.random() < 0.8
        text = f"patchembed in={h}x{w}x{c} patch={p} out={d} bias={str(bias).lower()}"
        return Case(text, PatchEmbed(c, d, p, bias), (1, c, h, w))
    n, heads = rng.randint(1, 50), rng.choice([1, 2, 3, 4, 8])
    d = heads * rng.randint(1, 12)
    bias = rng.random() < 0.7
    if kind == "clstoken":
        return Case(f"clstoken in={n}x{d}", ClsToken(d), (1, n, d))
    if kind == "posembed":
        return Case(f"posembed in={n}x{d}", PosEmbed(n, d), (1, n, d))
    if kind == "select":
        token = rng.randrange(n)
        return Case(f"select in={n}x{d} token={token}", Lambda(lambda x: x[:, token]), (1, n, d))
    if kind == "mlp":
        hidden = rng.randint(1, 64)
        module = nn.Sequential(nn.Linear(d, hidden, bias=bias), nn.GELU(), nn.Linear(hidden, d, bias=bias))
        return Case(f"mlp in={n}x{d} hidden={hidden} bias={str(bias).lower()}", module, (1, n, d))
    name = rng.choice(["mhsa", "attention"])
    text = f"{name} in={n}x{d} heads={heads} bias={str(bias).lower()}"
    if kind == "mhsa":
        return Case(text, MHA(d, heads, bias), (1, n, d), extra_macs=2 * n * n * d, train=True)
    assert kind == "explicit-attention"
    return Case(text, ExplicitAttention(d, heads, bias), (1, n, d))


KINDS = (
    "activation",
    "clip",
    "softmax",
    "dropout",
    "layernorm",
    "layerscale",
    "gap",
    "upsample",
    "linear",
    "patchembed",
    "clstoken",
    "posembed",
    "select",
    "mlp",
    "mhsa",
    "explicit-attention",
)


@pytest.mark.parametrize("kind", KINDS)
def test_shape_params_and_macs_match_pytorch(kind):
    torch.manual_seed(0)
    for seed in range(SAMPLES):
        case = draw(kind, seed)
        sol = solve(spec.parse(case.text))
        case.module.train(case.train)
        with torch.set_grad_enabled(case.train), FlopCounterMode(display=False) as counter:
            y = case.module(torch.randn(case.torch_in))
        where = f"{case.text} (seed {seed})"
        assert sol.output_shape == case.to_hwc(tuple(y.shape)), where
        params = sum(p.numel() for p in case.module.parameters())
        assert sol.params.trainable == sol.params.total == params, where
        assert sol.macs == counter.get_total_flops() // 2 + case.extra_macs, where


def test_vit_b16_block_counts_match_the_published_figure():
    # torchvision's vit_b_16: 17.564 GMACs and 86,567,656 parameters (its weights' metadata). One encoder block
    # is layernorm, mhsa, layernorm, mlp; 12 of them plus the patch embedding, class token, position embedding,
    # the final layernorm and the 1000-way head.
    lines = [
        "patchembed in=224x224x3 patch=16 out=768",
        "clstoken in=196x768",
        "posembed in=197x768",
        *[
            s
            for _ in range(12)
            for s in (
                "layernorm in=197x768",
                "mhsa in=197x768 heads=12",
                "layernorm in=197x768",
                "mlp in=197x768 hidden=3072",
            )
        ],
        "layernorm in=197x768",
        "select in=197x768",
        "linear in=768 out=1000",
    ]
    sols = [solve(spec.parse(text)) for text in lines]
    assert sum(s.params.total for s in sols) == 86_567_656
    assert round(sum(s.macs for s in sols) / 1e9, 3) == 17.564


# --- settings quizgen refuses are refused by PyTorch too ---------------------------------------------------

REFUSED = [
    ("mhsa in=10x30 heads=4", lambda: nn.MultiheadAttention(30, 4)),
    (
        "upsample in=8x3 scale=2 mode=bilinear",
        lambda: nn.Upsample(scale_factor=2, mode="bilinear")(torch.ones(1, 3, 8)),
    ),
    ("clip in=4 min=6 max=0", lambda: nn.Hardtanh(6.0, 0.0)),
    ("clip in=4 min=1 max=1", lambda: nn.Hardtanh(1.0, 1.0)),
    ("select in=5x8 token=5", lambda: torch.ones(1, 5, 8)[:, 5]),
    ("dropout in=4 p=1.5", lambda: nn.Dropout(1.5)),
    ("dropout in=4 p=-0.1", lambda: nn.Dropout(-0.1)),
]


@pytest.mark.parametrize(("text", "build"), REFUSED, ids=[t for t, _b in REFUSED])
def test_what_quizgen_refuses_pytorch_refuses(text, build):
    with pytest.raises(QuizgenError):
        spec.parse(text)
    with pytest.raises((AssertionError, ValueError, RuntimeError, IndexError, NotImplementedError)):
        build()


def test_patchembed_is_stricter_than_a_conv():
    # A conv with k = s = 16 floors a 225-pixel side (14 patches, one row dropped); ViT's patch embedding asks for
    # whole patches (torchvision's VisionTransformer asserts it), and so does quizgen.
    y = nn.Conv2d(3, 8, 16, 16)(torch.ones(1, 3, 225, 224))
    assert tuple(y.shape) == (1, 8, 14, 14)
    with pytest.raises(QuizgenError, match="patch=16 must divide the input's height 225"):
        spec.parse("patchembed in=225x224x3 patch=16 out=8")


def test_every_sample_is_accepted():
    for kind in KINDS:
        for seed in range(SAMPLES):
            assert prod(solve(spec.parse(draw(kind, seed).text)).output_shape) >= 1
