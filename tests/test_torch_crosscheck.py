"""The solver against PyTorch, on seeded random layers of every type.

Each sample is drawn once from a ``random.Random`` seeded by its number, written
as spec text and parsed by quizgen, and built as a torch module from the same
drawn values (never from quizgen's parse).  Every reference number comes from
PyTorch: the output tensor's shape, ``parameters()`` and buffers, MACs read off
the weight tensor and the output, ``FlopCounterMode``, and adaptive windows
found by pooling an identity matrix.

Validity is checked both ways: a layer quizgen accepts must run in PyTorch, and
a layer it rejects must be refused by PyTorch, except where quizgen is stricter
on purpose (:func:`quizgen_stricter`) or follows TensorFlow (``p=same`` with a
stride or on pooling, :func:`tf_same`).

Device: numbers are read on ``meta`` tensors, but whether PyTorch accepts a
layer is decided by a batch-1 run on the CPU: the meta kernels skip several of
the CPU's checks (negative padding, kernel or dilation 0, ``out=0``,
``op >= s and op >= d`` for a transposed conv all pass on meta).
"""

from __future__ import annotations

import math
import random
import warnings
from collections import Counter
from dataclasses import dataclass, field
from math import prod

import pytest

torch = pytest.importorskip("torch")

import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from quizgen.arith import spec  # noqa: E402
from quizgen.arith.solver import Solution, solve  # noqa: E402
from quizgen.errors import QuizgenError  # noqa: E402

CONV, CONVT, MAXPOOL, AVGPOOL = "conv", "convtranspose", "maxpool", "avgpool"
ADAPTIVE_AVG, ADAPTIVE_MAX = "adaptiveavgpool", "adaptivemaxpool"
LINEAR, BATCHNORM, RELU, FLATTEN = "linear", "batchnorm", "relu", "flatten"
SPATIAL = (CONV, CONVT, MAXPOOL, AVGPOOL, ADAPTIVE_AVG, ADAPTIVE_MAX, BATCHNORM)
POOLS = (MAXPOOL, AVGPOOL)
ADAPTIVE = (ADAPTIVE_AVG, ADAPTIVE_MAX)
ALL_NAMES = tuple(f"{f}{n}d" for f in SPATIAL for n in (1, 2, 3)) + (LINEAR, RELU, FLATTEN)

#: One cycle of families; each batch runs it CYCLES times, so every family is in every batch.
SCHEDULE = (
    (CONV,) * 5
    + (CONVT,) * 3
    + (MAXPOOL,) * 3
    + (AVGPOOL,) * 3
    + (ADAPTIVE_AVG,) * 2
    + (ADAPTIVE_MAX,) * 2
    + (LINEAR, BATCHNORM, RELU, FLATTEN)
)
BATCHES = 20
CYCLES = 7
PER_BATCH = CYCLES * len(SCHEDULE)
MIN_VERIFIED = 2000

TORCH_CLASS = {
    CONV: "Conv{}d",
    CONVT: "ConvTranspose{}d",
    MAXPOOL: "MaxPool{}d",
    AVGPOOL: "AvgPool{}d",
    ADAPTIVE_AVG: "AdaptiveAvgPool{}d",
    ADAPTIVE_MAX: "AdaptiveMaxPool{}d",
    BATCHNORM: "BatchNorm{}d",
}

# --- samples -------------------------------------------------------------------------------------


@dataclass
class Sample:
    """One drawn layer.  ``shape`` is ``in=`` in quizgen's order (spatial sizes, then channels)."""

    seed: int
    family: str
    ndim: int
    shape: tuple[int, ...]
    keys: dict[str, object] = field(default_factory=dict)
    text: str = ""
    layout: str = "hwc"

    @property
    def name(self) -> str:
        return f"{self.family}{self.ndim}d" if self.family in SPATIAL else self.family

    @property
    def spatial(self) -> tuple[int, ...]:
        return self.shape[:-1] if self.family in SPATIAL else ()

    @property
    def channels(self) -> int:
        return self.shape[-1]

    def per_dim(self, key: str, default: tuple[int, ...]) -> tuple[int, ...]:
        value = self.keys.get(key)
        return default if value is None else value  # type: ignore[return-value]

    @property
    def kernel(self) -> tuple[int, ...]:
        return self.per_dim("k", ())

    @property
    def stride(self) -> tuple[int, ...]:
        """The stride PyTorch uses: as given, else the kernel for pooling and 1 for conv."""
        return self.per_dim("s", self.kernel if self.family in POOLS else (1,) * self.ndim)

    @property
    def dilation(self) -> tuple[int, ...]:
        return self.per_dim("d", (1,) * self.ndim)

    @property
    def int_padding(self) -> tuple[int, ...] | None:
        p = self.keys.get("p", (0,) * self.ndim)
        if p == "valid":
            return (0,) * self.ndim
        return None if p == "same" else p  # type: ignore[return-value]

    def describe(self) -> str:
        layout = "" if self.layout == "hwc" else f" (layout={self.layout})"
        return f"{self.text!r}{layout} [sample seed {self.seed}]"


def _dims(rng: random.Random, ndim: int, lo: int, hi: int, equal: float = 0.6) -> tuple[int, ...]:
    if rng.random() < equal:
        return (rng.randint(lo, hi),) * ndim
    return tuple(rng.randint(lo, hi) for _ in range(ndim))


def _size(rng: random.Random, ndim: int) -> int:
    if ndim == 1:
        return rng.choice([rng.randint(1, 20), rng.randint(1, 100), rng.choice([16, 28, 32, 50, 64, 100])])
    if ndim == 2:
        return rng.choice([rng.randint(1, 12), rng.randint(1, 32), rng.choice([5, 7, 8, 13, 14, 16, 27, 28, 32])])
    return rng.choice([rng.randint(1, 6), rng.randint(1, 12), rng.choice([4, 7, 8])])


def _spatial(rng: random.Random, ndim: int) -> tuple[int, ...]:
    if rng.random() < 0.6:
        return (_size(rng, ndim),) * ndim
    return tuple(_size(rng, ndim) for _ in range(ndim))


def _channels(rng: random.Random, ndim: int) -> int:
    return rng.choice({1: [1, 2, 3, 4, 8, 16, 32, 64], 2: [1, 3, 4, 6, 8, 16, 32, 64], 3: [1, 2, 3, 4, 8, 16]}[ndim])


def _put(rng: random.Random, keys: dict[str, object], key: str, value: object, default: object) -> None:
    """Write ``key`` unless it holds the default, which is written out only half the time."""
    if value != default or rng.random() < 0.5:
        keys[key] = value


def _gen_conv(rng: random.Random, s: Sample) -> None:
    nd, transposed = s.ndim, s.family == CONVT
    spatial = _spatial(rng, nd) if not transposed else tuple(max(1, n // 2) for n in _spatial(rng, nd))
    c_in = _channels(rng, nd)
    r = rng.random()
    if r < 0.5:
        g, out = 1, _channels(rng, nd)
    elif r < 0.68:  # depthwise, with a channel multiplier
        g, out = c_in, c_in * rng.choice([1, 1, 2, 3])
    elif r < 0.88:  # grouped
        g = rng.choice([d for d in range(1, c_in + 1) if c_in % d == 0])
        out = g * rng.randint(1, 4)
    else:  # anything: g may not divide
        g, out = rng.randint(2, 8), rng.randint(1, 32)
    k = _dims(rng, nd, 1, 4 if nd == 3 else 7 if not transposed else 5)
    if rng.random() < 0.08:  # about as large as the input, or larger
        k = tuple(n + rng.randint(-1, 2) for n in spatial)
        k = tuple(max(1, v) for v in k)
    st = _dims(rng, nd, 1, 4) if rng.random() < 0.5 else (1,) * nd
    dl = _dims(rng, nd, 1, 3) if rng.random() < (0.45 if transposed else 0.3) else (1,) * nd
    r = rng.random()
    if r < (0.22 if not transposed else 0.03):
        if not transposed and rng.random() < 0.7:
            st = (1,) * nd
        p: object = "same"
    elif r < (0.28 if not transposed else 0.06):
        p = "valid"
    elif transposed:
        p = _dims(rng, nd, 0, 4) if rng.random() < 0.7 else (0,) * nd
    else:
        p = _dims(rng, nd, 0, 3) if rng.random() < 0.6 else (0,) * nd
    keys: dict[str, object] = {"out": out, "k": k}
    _put(rng, keys, "s", st, (1,) * nd)
    if p != (0,) * nd or rng.random() < 0.5:
        keys["p"] = p
    _put(rng, keys, "d", dl, (1,) * nd)
    _put(rng, keys, "g", g, 1)
    if transposed:
        if rng.random() < 0.55:
            op = tuple(rng.randint(0, max(a, b) - 1) for a, b in zip(st, dl, strict=True))
        elif rng.random() < 0.2:
            op = _dims(rng, nd, 0, 3)  # may break op < s or op < d
        else:
            op = (0,) * nd
        _put(rng, keys, "op", op, (0,) * nd)
    bias = rng.random() < 0.6
    _put(rng, keys, "bias", bias, True)
    s.shape, s.keys = (*spatial, c_in), keys


def _gen_pool(rng: random.Random, s: Sample) -> None:
    nd, is_max = s.ndim, s.family == MAXPOOL
    r = rng.random()
    ceil: bool | None = rng.random() < 0.3 if rng.random() < 0.6 else None
    st: tuple[int, ...] | None = None if rng.random() < 0.4 else _dims(rng, nd, 1, 4)
    dl = _dims(rng, nd, 1, 3) if is_max and rng.random() < 0.3 else None
    if r < 0.4:  # ordinary
        spatial = _spatial(rng, nd)
        k = _dims(rng, nd, 1, 5)
        p: object = tuple(rng.randint(0, v // 2) for v in k) if rng.random() < 0.5 else None
    elif r < 0.6:  # ceil mode on a small input, the kernel often larger than it
        spatial = _dims(rng, nd, 1, 8)
        k = _dims(rng, nd, 1, 9)
        p = tuple(rng.randint(0, v // 2) for v in k) if rng.random() < 0.5 else None
        ceil = True
    elif r < 0.75:  # ceil mode with stride and padding: the last window may start in the padding
        spatial = _dims(rng, nd, 2, 12)
        k = _dims(rng, nd, 2, 4)
        st = _dims(rng, nd, 2, 4)
        p = tuple(rng.randint(1, v // 2) for v in k)
        ceil = True
    elif r < 0.88:  # 'same' (TensorFlow's rule: PyTorch's pooling has no string padding)
        spatial = _spatial(rng, nd)
        k = _dims(rng, nd, 1, 5)
        p = "same"
        ceil = rng.random() < 0.1 if rng.random() < 0.5 else None
    else:  # breaks a rule: padding over half the kernel, or a kernel beyond the input
        spatial = _dims(rng, nd, 1, 8)
        k = _dims(rng, nd, 1, 6)
        p = tuple(v // 2 + rng.randint(0, 1) for v in k)
    keys: dict[str, object] = {"k": k}
    if st is not None:
        keys["s"] = st
    if p is not None:
        keys["p"] = p
    if dl is not None:
        keys["d"] = dl
    if ceil is not None:
        keys["ceil"] = ceil
    c = _channels(rng, nd)
    s.shape, s.keys = (*spatial, c), keys


def _gen_adaptive(rng: random.Random, s: Sample) -> None:
    nd = s.ndim
    spatial = tuple(rng.randint(1, {1: 64, 2: 24, 3: 10}[nd]) for _ in range(nd))
    if rng.random() < 0.4:
        spatial = (spatial[0],) * nd

    def out_for(n: int) -> int:
        r = rng.random()
        if r < 0.2:  # a divisor
            return rng.choice([d for d in range(1, n + 1) if n % d == 0])
        if r < 0.55:  # uneven: not a divisor
            uneven = [o for o in range(2, n) if n % o]
            return rng.choice(uneven) if uneven else n + 1
        if r < 0.8:  # larger than the input
            return rng.randint(n + 1, 2 * n + 3)
        return rng.choice([1, n])

    size = tuple(out_for(n) for n in spatial)
    s.shape, s.keys = (*spatial, _channels(rng, nd)), {"size": size}


def _gen_linear(rng: random.Random, s: Sample) -> None:
    features = rng.choice([rng.randint(1, 64), rng.choice([84, 120, 128, 256, 400, 512, 784, 1024, 2048])])
    out = rng.choice([rng.randint(1, 64), rng.choice([10, 84, 100, 128, 256, 512, 1000])])
    keys: dict[str, object] = {"out": out}
    _put(rng, keys, "bias", rng.random() < 0.6, True)
    s.shape, s.keys = (features,), keys


def _gen_batchnorm(rng: random.Random, s: Sample) -> None:
    c = rng.choice([1, 3, 8, 16, 32, 64, 96, 128])
    spatial = () if s.ndim == 1 and rng.random() < 0.5 else _spatial(rng, s.ndim)
    s.shape = (*spatial, c)


def _gen_shapeless(rng: random.Random, s: Sample) -> None:
    s.shape = tuple(rng.choice([rng.randint(1, 8), rng.randint(1, 32)]) for _ in range(rng.randint(1, 4)))


def _mutate(rng: random.Random, s: Sample) -> None:
    """Break one value (0 or -1) so that both sides must refuse, or quizgen on purpose."""
    choices = ["channels0"]
    if s.spatial:
        choices.append("spatial0")
    if "out" in s.keys:
        choices.append("out0")
    if "k" in s.keys:
        choices += ["k0", "s0", "p-1"]
    if s.family in (CONV, CONVT, MAXPOOL):
        choices.append("d0")
    if s.family in (CONV, CONVT):
        choices += ["g0", "g3"]
    if s.family == CONVT:
        choices.append("op-1")
    if "size" in s.keys:
        choices.append("size0")
    what = rng.choice(choices)
    nd = s.ndim
    if what == "channels0":
        s.shape = (*s.shape[:-1], 0)
    elif what == "spatial0":
        i = rng.randrange(len(s.spatial))
        s.shape = s.shape[:i] + (0,) + s.shape[i + 1 :]
    elif what == "out0":
        s.keys["out"] = 0
    elif what in ("k0", "s0", "d0", "size0"):
        key = what[:-1]
        base = list(s.keys.get(key, (1,) * nd))  # type: ignore[arg-type]
        base[rng.randrange(nd)] = 0
        s.keys[key] = tuple(base)
    elif what in ("p-1", "op-1"):
        s.keys[what[:-2]] = (-1,) * nd
    elif what == "g0":
        s.keys["g"] = 0
    elif what == "g3":
        s.keys["g"] = 3


GENERATORS = {
    CONV: _gen_conv,
    CONVT: _gen_conv,
    MAXPOOL: _gen_pool,
    AVGPOOL: _gen_pool,
    ADAPTIVE_AVG: _gen_adaptive,
    ADAPTIVE_MAX: _gen_adaptive,
    LINEAR: _gen_linear,
    BATCHNORM: _gen_batchnorm,
    RELU: _gen_shapeless,
    FLATTEN: _gen_shapeless,
}

# --- spec text, spelled in the ways DESIGN section 1 allows ---------------------------------------

KEY_SPELLINGS = {
    "in": ("in", "input"),
    "out": ("out", "out_channels"),
    "k": ("k", "kernel", "kernel_size"),
    "s": ("s", "stride"),
    "p": ("p", "padding"),
    "d": ("d", "dilation"),
    "g": ("g", "groups"),
    "bias": ("bias",),
    "ceil": ("ceil", "ceil_mode"),
    "op": ("op", "output_padding"),
    "size": ("size", "output_size"),
}
NAME_ALIASES = {CONVT: ("deconv{n}d",), BATCHNORM: ("bn{n}d",), LINEAR: ("fc", "dense")}


def _spell_name(rng: random.Random, s: Sample) -> str:
    name = s.name
    r = rng.random()
    if r < 0.15 and s.family in NAME_ALIASES:
        name = rng.choice(NAME_ALIASES[s.family]).format(n=s.ndim)
    elif r < 0.25:
        name = rng.choice([name.upper(), name.capitalize(), name.replace("transpose", "Transpose")])
    return name


def _spell_value(rng: random.Random, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        if len(set(value)) == 1 and rng.random() < 0.7:
            return str(value[0])
        sep = rng.choice("xxxxx×*,")
        text = sep.join(str(v) for v in value)
        return f"({text})" if sep == "," and rng.random() < 0.5 else text
    return str(value)


def _spell(rng: random.Random, s: Sample) -> None:
    shape = s.shape
    if s.family in SPATIAL and len(shape) > 1 and rng.random() < 0.1:
        s.layout, shape = "chw", shape[-1:] + shape[:-1]
    sep = "×" if rng.random() < 0.1 else "x"
    tokens = [("in", sep.join(str(v) for v in shape))]
    tokens += [(key, _spell_value(rng, value)) for key, value in s.keys.items()]
    rng.shuffle(tokens)
    words = [_spell_name(rng, s)]
    for key, value in tokens:
        spelled = "out_features" if key == "out" and s.family == LINEAR and rng.random() < 0.25 else None
        spelled = spelled or (rng.choice(KEY_SPELLINGS[key]) if rng.random() < 0.3 else key)
        words.append(f"{spelled} = {value}" if rng.random() < 0.05 else f"{spelled}={value}")
    s.text = " ".join(words)


def make_sample(seed: int, family: str) -> Sample:
    """Draw one layer of ``family`` from ``random.Random(seed)`` and write its spec text."""
    rng = random.Random(seed)
    ndim = rng.randint(1, 3) if family in SPATIAL else 0
    s = Sample(seed, family, ndim, ())
    GENERATORS[family](rng, s)
    if rng.random() < 0.06:
        _mutate(rng, s)
    _spell(rng, s)
    return s


def batch_samples(batch: int) -> list[Sample]:
    return [make_sample(100_000 + batch * 1_000 + i, SCHEDULE[i % len(SCHEDULE)]) for i in range(PER_BATCH)]


def sample_of(name: str, shape: tuple[int, ...], **keys: object) -> Sample:
    """A hand-written sample: per-dimension keys as tuples, ``p`` also ``'same'`` or ``'valid'``."""
    family = name[:-2] if name[:-2] in SPATIAL else name
    s = Sample(0, family, int(name[-2]) if family in SPATIAL else 0, shape, dict(keys))

    def spelled(value: object) -> str:
        return "x".join(map(str, value)) if isinstance(value, tuple) else _spell_value(random.Random(0), value)

    s.text = " ".join([name, "in=" + spelled(shape), *(f"{k}={spelled(v)}" for k, v in keys.items())])
    return s


# --- PyTorch's side ------------------------------------------------------------------------------


def _torch_padding(s: Sample) -> object:
    p = s.keys["p"]
    if p == "valid":  # only nn.ConvNd takes the string; elsewhere it means 0
        return "valid" if s.family == CONV else 0
    return p  # 'same' goes through as is: PyTorch refuses it on pools, transposed and strided convs


def build_module(s: Sample, zero_padding: bool = False) -> nn.Module:
    """The torch module for ``s``, on meta; keys the spec leaves out are left to PyTorch's defaults."""
    keys, nd = s.keys, s.ndim
    cls = getattr(nn, TORCH_CLASS[s.family].format(nd)) if s.family in SPATIAL else None
    if s.family in (CONV, CONVT, MAXPOOL, AVGPOOL):
        kw: dict[str, object] = {"kernel_size": keys["k"]}
        for key, arg in (("s", "stride"), ("d", "dilation"), ("g", "groups"), ("bias", "bias"), ("ceil", "ceil_mode")):
            if key in keys:
                kw[arg] = keys[key]
        if "op" in keys:
            kw["output_padding"] = keys["op"]
        if "p" in keys:
            kw["padding"] = _torch_padding(s)
        if zero_padding:
            kw["padding"] = 0
        if s.family in (CONV, CONVT):
            return cls(s.channels, keys["out"], device="meta", **kw)
        return cls(**kw)
    if s.family in ADAPTIVE:
        return cls(keys["size"])
    if s.family == BATCHNORM:
        return cls(s.channels, device="meta").eval()
    if s.family == LINEAR:
        return nn.Linear(s.channels, keys["out"], bias=keys.get("bias", True), device="meta")
    return nn.ReLU() if s.family == RELU else nn.Flatten()


def torch_input_shape(s: Sample) -> tuple[int, ...]:
    if s.family in SPATIAL:
        return (1, s.channels, *s.spatial)
    return (1, *s.shape)


def to_quizgen_shape(s: Sample, shape: torch.Size) -> tuple[int, ...]:
    """Drop the batch; N,C,spatial → spatial,C."""
    shape = tuple(shape[1:])
    return shape[1:] + shape[:1] if s.family in SPATIAL else shape


@dataclass
class TorchRun:
    module: nn.Module
    x_shape: tuple[int, ...]
    y_shape: tuple[int, ...]
    flops: int


def _forward(module: nn.Module, x: torch.Tensor, pads: tuple[tuple[int, int], ...] | None) -> torch.Tensor:
    if pads is not None:
        x = F.pad(x, [v for pair in reversed(pads) for v in pair])
    return module(x)


def run_torch(s: Sample, pads: tuple[tuple[int, int], ...] | None = None) -> TorchRun | Exception:
    """Run ``s`` in PyTorch, batch 1, or return the error with which PyTorch refuses it.

    ``pads`` (before, after per dimension) is applied with ``F.pad`` to a layer built with padding 0.
    """
    shape = torch_input_shape(s)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # e.g. "Initializing zero-element tensors is a no-op"
        try:
            module = build_module(s, zero_padding=pads is not None)
        except Exception as error:
            return error
        try:
            # FlopCounterMode works on meta and counts conv, transposed conv (by input positions)
            # and linear as 2·MACs, pooling/batchnorm/relu as 0: a second source besides the
            # MACs read off the weight tensor in compare().
            with FlopCounterMode(display=False) as counter:
                y_meta = _forward(module, torch.empty(shape, device="meta"), pads)
            flops = counter.get_total_flops()
        except Exception:
            y_meta, flops = None, None
        module.to_empty(device="cpu")  # storage without the cost of initialising it
        for tensor in (*module.parameters(), *module.buffers()):
            tensor.zero_()
        try:
            y = _forward(module, torch.zeros(shape), pads)
        except Exception as error:
            return error
    if y_meta is None:  # meta refuses what the CPU runs: count on the CPU
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            y_meta = _forward(module, torch.zeros(shape), pads)
        flops = counter.get_total_flops()
    assert y_meta.shape == y.shape, f"torch meta {tuple(y_meta.shape)} != cpu {tuple(y.shape)}"
    return TorchRun(module, shape, tuple(y.shape), flops)


def torch_adaptive_windows(s: Sample) -> tuple[tuple[int, ...], ...]:
    """Each output window's length per dimension, read off PyTorch by pooling an identity matrix.

    Along dimension ``i``, channel ``c`` holds a one-hot at index ``c`` (ones along the other
    dimensions), so output column ``j`` is non-zero exactly on the channels window ``j`` covers.
    """
    kind = "avg" if s.family == ADAPTIVE_AVG else "max"
    fn = getattr(F, f"adaptive_{kind}_pool{s.ndim}d")
    size, sizes = s.keys["size"], []
    for axis, n in enumerate(s.spatial):
        one_hot = torch.eye(n).reshape(n, *(n if i == axis else 1 for i in range(s.ndim)))
        y = fn(one_hot.expand(n, *s.spatial).unsqueeze(0).contiguous(), size)
        column = y[0][(slice(None), *(slice(None) if i == axis else 0 for i in range(s.ndim)))]
        sizes.append(tuple(int(v) for v in (column != 0).sum(dim=0)))
    return tuple(sizes)


def torch_padding_pairs(module: nn.Module, ndim: int) -> tuple[tuple[int, int], ...]:
    """(before, after) per dimension as PyTorch pads: for ``'same'`` it puts the odd pixel after."""
    if isinstance(module, nn.modules.conv._ConvNd):
        r = module._reversed_padding_repeated_twice
        return tuple((r[2 * (ndim - 1 - i)], r[2 * (ndim - 1 - i) + 1]) for i in range(ndim))
    p = module.padding
    p = (p,) * ndim if isinstance(p, int) else tuple(p)
    return tuple((v, v) for v in p)


# --- the checks ----------------------------------------------------------------------------------


def quizgen_stricter(s: Sample, run: TorchRun) -> str | None:
    """Why quizgen may reject a layer PyTorch runs: it refuses empty tensors on purpose.

    PyTorch runs a conv with 0 in-channels, a linear with 0 features or 0 outputs, an
    adaptive pool to size 0, relu/flatten on a 0-sized tensor, and a transposed conv whose
    output size works out to exactly 0, each giving an empty output; quizgen asks for every
    input and output size to be at least 1.
    """
    if 0 in s.shape or s.keys.get("out") == 0 or 0 in s.keys.get("size", ()):  # type: ignore[operator]
        return ZERO
    if 0 in run.y_shape:
        return ZERO
    return None


def tf_same(s: Sample) -> bool:
    """``p=same`` that PyTorch cannot build: quizgen follows TensorFlow (strided convs, and pooling)."""
    if s.keys.get("p") != "same":
        return False
    return s.family in POOLS or (s.family == CONV and any(v > 1 for v in s.stride))


def tf_refuses(s: Sample) -> bool:
    """TensorFlow refuses ``'same'`` with both a stride and a dilation above 1; it has no ceil mode."""
    return bool(s.keys.get("ceil")) or (any(v > 1 for v in s.stride) and any(v > 1 for v in s.dilation))


def tf_same_padding(s: Sample) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """TensorFlow's documented rule: out = ceil(in/s), total pad = max((out-1)·s + d·(k-1)+1 - in, 0)."""
    outs, pads = [], []
    for n, k, st, d in zip(s.spatial, s.kernel, s.stride, s.dilation, strict=True):
        out = math.ceil(n / st)
        total = max((out - 1) * st + d * (k - 1) + 1 - n, 0)
        outs.append(out)
        pads.append((total // 2, total - total // 2))
    return tuple(outs), tuple(pads)


def compare(s: Sample, sol: Solution, run: TorchRun, tf_pads: tuple[tuple[int, int], ...] | None = None) -> None:
    """Every number of ``sol`` against PyTorch's run of the same layer."""
    module, out_numel, in_numel = run.module, prod(run.y_shape), prod(run.x_shape)
    shape = to_quizgen_shape(s, run.y_shape)
    assert sol.output_shape == shape, f"output shape: quizgen {sol.output_shape}, torch {shape}"
    assert sol.output_elements == out_numel and sol.output_bytes == 4 * out_numel

    trainable = sum(p.numel() for p in module.parameters())
    buffers = sum(b.numel() for n, b in module.named_buffers() if not n.endswith("num_batches_tracked"))
    got = (sol.params.trainable, sol.params.non_trainable, sol.params.total, sol.params_bytes)
    want = (trainable, buffers, trainable + buffers, 4 * (trainable + buffers))
    assert got == want, f"params (trainable, non_trainable, total, bytes): quizgen {got}, torch {want}"

    assert sol.flops == run.flops, f"flops: quizgen {sol.flops}, torch FlopCounterMode {run.flops}"
    if s.family in (CONV, CONVT, LINEAR):
        weight, bias = module.weight, module.bias
        got = (sol.params.weights, sol.params.bias)
        want = (weight.numel(), 0 if bias is None else bias.numel())
        assert got == want, f"(weights, bias): quizgen {got}, torch {want}"
        if s.family == CONV:  # weight is [C_out, C_in/g, *k]: one MAC per weight per output position
            macs = out_numel * weight[0].numel()
        elif s.family == CONVT:  # weight is [C_in, C_out/g, *k]: each input element is scattered
            macs = in_numel * weight[0].numel()
        else:
            macs = weight.numel()
        assert sol.macs == macs, f"macs: quizgen {sol.macs}, torch {macs}"
        if s.family != LINEAR:
            bias_adds = 0 if bias is None else out_numel
            assert sol.bias_adds == bias_adds, f"bias adds: quizgen {sol.bias_adds}, torch {bias_adds}"
    else:
        assert sol.macs == 0, f"macs: quizgen {sol.macs}, expected 0"

    if s.family in (CONV, CONVT, MAXPOOL, AVGPOOL):
        pads = tf_pads if tf_pads is not None else torch_padding_pairs(module, s.ndim)
        assert sol.padding == pads, f"padding: quizgen {sol.padding}, torch {pads}"

    if s.family in POOLS + ADAPTIVE:
        pool = sol.pool
        assert pool is not None, "pool: quizgen has none"
        windows = out_numel  # batch 1: one window per output element
        assert pool.windows == windows, f"windows: quizgen {pool.windows}, torch {windows}"
        if s.family in ADAPTIVE:
            sizes = torch_adaptive_windows(s)
            assert pool.window_sizes == sizes, f"window sizes: quizgen {pool.window_sizes}, torch {sizes}"
            uniform = tuple(w[0] for w in sizes) if all(len(set(w)) == 1 for w in sizes) else None
            assert pool.window_size == uniform, f"window size: quizgen {pool.window_size}, torch {uniform}"
            elements = s.channels * prod(sum(w) for w in sizes)  # windows are separable
        else:
            elements = windows * prod(s.kernel)  # DESIGN: every window counts prod(k) elements
        work = elements - windows  # Σ (window elements - 1)
        is_max = s.family in (MAXPOOL, ADAPTIVE_MAX)
        got = (pool.comparisons, pool.additions, pool.divisions)
        want = (work, 0, 0) if is_max else (0, work, windows)
        assert got == want, f"(comparisons, additions, divisions): quizgen {got}, torch {want}"
    else:
        assert sol.pool is None, f"pool: quizgen {sol.pool}, expected None"


def check_tf_same(s: Sample, sol: Solution) -> None:
    """``p=same`` by TensorFlow's rule, then the layer padded so by ``F.pad`` against quizgen."""
    outs, pads = tf_same_padding(s)
    assert sol.output_shape[:-1] == outs, f"p=same (TF): quizgen {sol.output_shape}, ceil(in/s) = {outs}"
    assert sol.padding == pads, f"p=same (TF): quizgen padding {sol.padding}, TF rule {pads}"
    run = run_torch(s, pads)
    assert isinstance(run, TorchRun), f"p=same (TF): torch refuses the explicitly padded layer: {run}"
    compare(s, sol, run, tf_pads=pads)


def check(s: Sample) -> str:
    """Check one sample both ways; return its outcome for the tally."""
    try:
        layer = spec.parse(s.text, layout=s.layout)
        rejection = None
    except QuizgenError as error:
        rejection = error
    run = run_torch(s)
    if rejection is not None:
        if tf_same(s) and all(v >= 1 for key in ("k", "s", "d") for v in s.per_dim(key, (1,) * s.ndim)):
            # PyTorch refuses the string: ask it about the layer padded by TensorFlow's rule instead.
            run = run_torch(s, tf_same_padding(s)[1])
            if isinstance(run, TorchRun) and tf_refuses(s):
                return "both refuse (p=same: TensorFlow refuses)"
        if not isinstance(run, TorchRun):
            return "both refuse"
        reason = quizgen_stricter(s, run)
        assert reason, (
            f"quizgen rejects it ({rejection}) but PyTorch runs it, output {to_quizgen_shape(s, run.y_shape)}"
        )
        return f"quizgen stricter: {reason}"
    sol = solve(layer)
    if isinstance(run, TorchRun):
        compare(s, sol, run)
        return "verified"
    if tf_same(s):
        check_tf_same(s, sol)
        return "verified (p=same, TF rule)"
    raise AssertionError(f"quizgen accepts it (output {sol.output_shape}) but PyTorch refuses: {run}")


@pytest.mark.parametrize("batch", range(BATCHES), ids=lambda b: f"batch{b:02d}")
def test_random_layers_match_torch(batch: int) -> None:
    samples, failures = batch_samples(batch), []
    for s in samples:
        try:
            check(s)
        except Exception as error:  # collect every failure of the batch, each with its spec
            failures.append(f"{s.describe()}: {type(error).__name__}: {error}")
    assert not failures, f"{len(failures)} of {len(samples)} layers disagree with PyTorch:\n" + "\n".join(failures)


# --- hand-picked edge cases, so each is covered whatever the draws --------------------------------

EDGE_CASES = [
    # Padded by TensorFlow's rule to 4x6x6 the kernel fits, and PyTorch runs the padded input.
    sample_of("avgpool3d", (2, 6, 6, 4), k=(3, 3, 3), s=(1, 1, 1), p="same"),
    # groups: depthwise (g = C_in) with a multiplier, and grouped
    sample_of("conv2d", (14, 14, 32), out=64, k=(3, 3), s=(2, 2), p=(1, 1), g=32, bias=False),
    sample_of("conv1d", (50, 12), out=8, k=(5,), d=(2,), g=4),
    sample_of("conv3d", (5, 7, 6, 4), out=4, k=(3, 1, 2), s=(1, 2, 3), p=(1, 0, 2), d=(2, 1, 1), g=4),
    # p=same with stride 1 (PyTorch's 'same'): even kernels and dilation, asymmetric padding
    sample_of("conv2d", (9, 10, 3), out=5, k=(4, 2), p="same"),
    sample_of("conv1d", (7, 2), out=3, k=(4,), d=(3,), p="same"),
    sample_of("conv3d", (3, 4, 5, 2), out=2, k=(2, 3, 4), d=(2, 1, 3), p="same", g=2),
    sample_of("conv2d", (3, 3, 1), out=1, k=(7, 7), p="same"),  # kernel larger than the input
    # p=same with stride > 1: TensorFlow's rule
    sample_of("conv2d", (7, 8, 3), out=4, k=(3, 4), s=(2, 3), p="same"),
    sample_of("maxpool2d", (5, 5, 3), k=(2, 2), p="same"),
    sample_of("avgpool1d", (10, 3), k=(3,), s=(1,), p="same"),
    sample_of("conv2d", (8, 8, 3), out=4, k=(3, 3), p="valid"),
    # transposed: output padding (op < s, or op < d), dilation and groups together
    sample_of("convtranspose2d", (7, 5, 8), out=12, k=(3, 4), s=(2, 3), p=(1, 2), op=(1, 2), d=(2, 1), g=4),
    sample_of("convtranspose1d", (6, 4), out=4, k=(3,), s=(1,), op=(1,), d=(2,), g=4, bias=False),
    sample_of("convtranspose3d", (2, 3, 2, 6), out=9, k=(2, 3, 2), s=(3, 1, 2), p=(0, 1, 1), op=(2, 0, 1), g=3),
    # ceil mode: a kernel larger than the input, and a last window that would start in the padding
    sample_of("avgpool1d", (6, 2), k=(8,), ceil=True),
    sample_of("maxpool2d", (3, 5, 2), k=(4, 6), s=(2, 5), ceil=True),
    sample_of("maxpool3d", (6, 6, 6, 2), k=(8, 8, 8), ceil=True),
    sample_of("maxpool1d", (5, 3), k=(2,), s=(2,), p=(1,), ceil=True),
    sample_of("avgpool2d", (5, 9, 3), k=(2, 3), s=(2, 3), p=(1, 1), ceil=True),
    sample_of("maxpool2d", (10, 10, 2), k=(3, 3), s=(3, 3), p=(1, 1), d=(2, 2), ceil=True),
    # adaptive: uneven windows, and an output larger than the input
    sample_of("adaptiveavgpool1d", (10, 3), size=(4,)),
    sample_of("adaptivemaxpool2d", (7, 5, 2), size=(3, 9)),
    sample_of("adaptiveavgpool3d", (5, 6, 7, 2), size=(3, 4, 10)),
    sample_of("adaptivemaxpool1d", (3, 2), size=(7,)),
    sample_of("linear", (9216,), out=4096, bias=False),
    sample_of("batchnorm1d", (64,)),
    sample_of("batchnorm3d", (4, 5, 6, 8)),
    sample_of("relu", (55, 55, 96)),
    sample_of("flatten", (6, 6, 256)),
]


@pytest.mark.parametrize("sample", EDGE_CASES, ids=lambda s: s.text)
def test_edge_cases_match_torch(sample: Sample) -> None:
    assert check(sample).startswith("verified")


BOTH_REFUSE = [
    sample_of("conv2d", (4, 4, 3), out=2, k=(5, 5)),  # kernel beyond the input
    sample_of("maxpool1d", (6, 2), k=(3,), p=(2,)),  # padding over half the kernel
    sample_of("maxpool2d", (6, 6, 2), k=(3, 3), s=(2, 2), p=(2, 2), d=(2, 2)),  # half the kernel, not the dilated one
    sample_of("convtranspose2d", (5, 5, 4), out=8, k=(3, 3), s=(2, 2), p=(1, 1), op=(2, 2)),  # op >= s and >= d
    sample_of("convtranspose1d", (2, 4), out=8, k=(3,), p=(3,)),  # output size below 1
    sample_of("convtranspose2d", (4, 4, 4), out=8, k=(3, 3), p="same"),
    sample_of("conv2d", (8, 8, 4), out=8, k=(3, 3), s=(2, 2), d=(2, 2), p="same"),
    sample_of("conv2d", (8, 8, 4), out=8, k=(3, 3), g=3),
    sample_of("maxpool2d", (6, 6, 2), k=(8, 8), s=(2, 2), ceil=True),  # still no window under ceil
    sample_of("avgpool2d", (6, 6, 2), k=(3, 3), p="same", ceil=True),
    # Only PyTorch's avg_pool3d asks the unpadded input to hold the kernel, in ceil mode too.
    sample_of("avgpool3d", (2, 6, 6, 4), k=(3, 3, 3), s=(1, 1, 1), p=(1, 1, 1)),
    sample_of("avgpool3d", (6, 6, 6, 4), k=(8, 8, 8), ceil=True),
]


@pytest.mark.parametrize("sample", BOTH_REFUSE, ids=lambda s: s.text)
def test_both_refuse(sample: Sample) -> None:
    assert check(sample).startswith("both refuse")


ZERO = "zero-sized"
QUIZGEN_STRICTER = [
    (sample_of("conv2d", (8, 8, 0), out=4, k=(3, 3)), ZERO),
    (sample_of("linear", (0,), out=5), ZERO),
    (sample_of("linear", (5,), out=0), ZERO),
    (sample_of("adaptiveavgpool2d", (6, 6, 3), size=(0, 2)), ZERO),
    (sample_of("relu", (4, 0)), ZERO),
    # Output (3-1)·1 - 2·3 + (4-1) + 1 = 0 wide.  PyTorch's CPU backends differ on an exactly-0
    # transposed output: this one runs (empty output), others raise "Output size is too small".
    (sample_of("convtranspose2d", (3, 3, 3), out=6, k=(5, 4), p=(3, 3), bias=False), ZERO),
]


@pytest.mark.parametrize(("sample", "reason"), QUIZGEN_STRICTER, ids=[s.text for s, _ in QUIZGEN_STRICTER])
def test_quizgen_stricter_on_purpose(sample: Sample, reason: str) -> None:
    assert check(sample) == f"quizgen stricter: {reason}"


# --- coverage of the draws -----------------------------------------------------------------------


def tags(s: Sample) -> set[str]:
    """What a sample exercises, from the drawn values (PyTorch's documented rules, not quizgen's)."""
    out = {s.name}
    if s.family in (CONV, CONVT):
        g = s.keys.get("g", 1)
        if g == s.channels and g > 1:
            out.add("depthwise")
        elif g != 1:
            out.add("grouped")
        if s.keys.get("bias") is False:
            out.add("bias=false")
        if any(v > 1 for v in s.stride):
            out.add("stride")
        if any(v > 1 for v in s.dilation):
            out.add("dilation")
        if s.family == CONVT and any(v > 0 for v in s.keys.get("op", (0,))) and any(v > 1 for v in s.dilation):
            out.add("convtranspose: op, dilation" + (" and groups" if g > 1 else ""))
    if s.keys.get("p") == "same":
        out.add("p=same, TF rule" if tf_same(s) else "p=same, stride 1")
        if not tf_same(s) and any(k % 2 == 0 for k in s.kernel):
            out.add("p=same, stride 1, even kernel")
        if not tf_same(s) and any(d > 1 for d in s.dilation):
            out.add("p=same, stride 1, dilation")
    if s.keys.get("ceil") and s.int_padding is not None:
        out.add("ceil")
        for n, k, st, d, p in zip(s.spatial, s.kernel, s.stride, s.dilation, s.int_padding, strict=True):
            span = n + 2 * p - d * (k - 1) - 1
            if k > n:
                out.add("ceil: kernel larger than the input")
            if span % st and (span // st + 1) * st >= n + p:
                out.add("ceil: last window starts in the padding, dropped")
    if s.family in ADAPTIVE:
        size = s.keys["size"]
        if any(o < n and n % o for n, o in zip(s.spatial, size, strict=True)):  # type: ignore[call-overload]
            out.add("adaptive: uneven windows")
        if any(o > n for n, o in zip(s.spatial, size, strict=True)):  # type: ignore[call-overload]
            out.add("adaptive: output larger than input")
    return out


REQUIRED_TAGS = (
    *ALL_NAMES,
    "depthwise",
    "grouped",
    "bias=false",
    "stride",
    "dilation",
    "convtranspose: op, dilation and groups",
    "p=same, stride 1",
    "p=same, stride 1, even kernel",
    "p=same, stride 1, dilation",
    "p=same, TF rule",
    "ceil",
    "ceil: kernel larger than the input",
    "ceil: last window starts in the padding, dropped",
    "adaptive: uneven windows",
    "adaptive: output larger than input",
)


def test_draws_cover_every_layer_and_case() -> None:
    """The batches above verify at least MIN_VERIFIED layers that quizgen accepts, and every case."""
    covered: Counter[str] = Counter()
    accepted = rejected = 0
    for batch in range(BATCHES):
        for s in batch_samples(batch):
            try:
                spec.parse(s.text, layout=s.layout)
            except QuizgenError:
                rejected += 1
                continue
            accepted += 1
            covered.update(tags(s))
    assert accepted >= MIN_VERIFIED and rejected >= 200
    thin = {tag: covered[tag] for tag in REQUIRED_TAGS if covered[tag] < 10}
    assert not thin, f"too few accepted samples of: {thin}"
