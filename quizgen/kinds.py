"""The problem-kind registry: every kind has an id, a title, what it asks and a seeded sampler.

A sampler takes a ``random.Random`` (never the global one), a difficulty
(1: square, stride 1, no padding; 2: stride, padding and bias; 3: dilation,
groups, inexact division, ceil mode, transposed, 1d and 3d) and the compute
convention, and returns a :class:`~quizgen.problems.Problem` with numeric
parts.  Sizes, channels and kernels are drawn from those of real networks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import NamedTuple

from quizgen import layers as L
from quizgen import misconceptions as M
from quizgen import spec
from quizgen.errors import QuizgenError
from quizgen.i18n import N_, _, sentences
from quizgen.layers import Layer
from quizgen.problems import Part, Problem, Wrong, wrongs_for
from quizgen.solver import solve, value_of
from quizgen.steps import bias_adds_step, explain, notes, num

Sampler = Callable[[random.Random, int, str], Problem]

CONVENTION_TEXT = {
    "macs": N_("Count compute as multiply-accumulates (MACs); bias adds are not counted."),
    "flops": N_("Count compute as FLOPs = 2 × MACs (a multiply and an add); bias adds are not counted."),
    "flops+bias": N_("Count compute as FLOPs = 2 × MACs, plus one add per output element for the bias."),
}
COMPUTE_QUANTITY = {"macs": "macs", "flops": "flops", "flops+bias": "flops+bias"}


class Kind(NamedTuple):
    """A registered problem kind."""

    id: str
    title: str
    asks: str
    sampler: Sampler

    def sample(self, rng: random.Random, difficulty: int = 1, count: str = "macs") -> Problem:
        """Draw one problem; ``difficulty`` is 1, 2 or 3."""
        if difficulty not in (1, 2, 3):
            raise QuizgenError(_("difficulty={difficulty} must be 1, 2 or 3").format(difficulty=difficulty))
        return self.sampler(rng, difficulty, count)


REGISTRY: dict[str, Kind] = {}


def kind(id: str, title: str, asks: str) -> Callable[[Sampler], Sampler]:
    """Register a sampler as a problem kind."""

    def register(sampler: Sampler) -> Sampler:
        REGISTRY[id] = Kind(id, title, asks, sampler)
        return sampler

    return register


def get(kind_id: str) -> Kind:
    """The kind with this id, or a one-line error suggesting the closest."""
    from quizgen.errors import closest

    try:
        return REGISTRY[kind_id]
    except KeyError:
        raise QuizgenError(
            _("kind={kind_id} is not a problem kind{suggestion}; 'quizgen kinds' lists them").format(
                kind_id=kind_id, suggestion=closest(kind_id, list(REGISTRY))
            )
        ) from None


# --- describing layers in words -------------------------------------------------------------------


def shape_words(shape: tuple[int, ...]) -> str:
    return " × ".join(map(str, shape))


def describe(layer: Layer) -> str:
    """The layer in a sentence, naming every setting a student needs."""
    fam = layer.family
    k = shape_words(layer.kernel) if layer.kernel else ""
    if len(set(layer.kernel)) == 1 and len(layer.kernel) > 1:
        k = " × ".join([str(layer.kernel[0])] * len(layer.kernel))
    settings = []
    if layer.has_kernel:
        s = L.fmt_tuple(layer.stride)
        settings.append(_("stride {s}").format(s=s))
        if layer.padding == L.SAME:
            settings.append(_("'same' padding"))
        else:
            settings.append(
                _("padding {p}").format(p=L.fmt_tuple(layer.padding)) if any(layer.padding) else _("no padding")
            )
        if layer.dilation and any(d > 1 for d in layer.dilation):
            settings.append(_("dilation {d}").format(d=L.fmt_tuple(layer.dilation)))
    if fam in (L.CONV, L.CONVT) and layer.groups > 1:
        settings.append(
            _("{g} groups").format(g=layer.groups)
            if layer.groups != layer.in_channels
            else _("groups = channels = {g} (depthwise)").format(g=layer.groups)
        )
    if fam == L.CONVT and any(layer.output_padding):
        settings.append(_("output padding {op}").format(op=L.fmt_tuple(layer.output_padding)))
    if fam in (L.CONV, L.CONVT, L.LINEAR):
        settings.append(_("with bias") if layer.bias else _("without bias"))
    if layer.ceil_mode:
        settings.append(_("ceil mode"))
    tail = _(", ").join(settings)
    inp = shape_words(layer.input_shape)
    if fam == L.CONV:
        return _("A {name} layer applies {out} filters of size {k} ({tail}) to a {inp} input.").format(
            name=layer.name, out=layer.out, k=k, tail=tail, inp=inp
        )
    if fam == L.CONVT:
        return _(
            "A transposed convolution ({name}) with {out} output channels and a {k} kernel ({tail}) "
            "takes a {inp} input."
        ).format(name=layer.name, out=layer.out, k=k, tail=tail, inp=inp)
    if fam in (L.MAXPOOL, L.AVGPOOL):
        what = _("max-pool") if fam == L.MAXPOOL else _("average-pool")
        return _("A {k} {what} ({tail}) is applied to a {inp} input.").format(k=k, what=what, tail=tail, inp=inp)
    if fam in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        what = _("adaptive average pool") if fam == L.ADAPTIVE_AVG else _("adaptive max pool")
        return _("An {what} with output size {size} is applied to a {inp} input.").format(
            what=what, size=shape_words(layer.output_size), inp=inp
        )
    if fam == L.LINEAR:
        return _("A fully connected layer maps {i} inputs to {o} outputs ({tail}).").format(
            i=num(layer.in_channels), o=num(layer.out or 0), tail=tail
        )
    return _("A {name} layer takes a {inp} input.").format(name=layer.name, inp=inp)


def shape_order(layer: Layer) -> str:
    return {1: "L × C", 2: "H × W × C", 3: "D × H × W × C"}.get(len(layer.spatial), "")


# --- building single-layer problems ---------------------------------------------------------------

LABELS = {
    "output": N_("Output shape"),
    "params": N_("Parameters (weights + biases)"),
    "weights": N_("Weights"),
    "macs": N_("MACs"),
    "flops": N_("FLOPs"),
    "flops+bias": N_("FLOPs (with bias adds)"),
    "windows": N_("Pooling windows"),
    "comparisons": N_("Comparisons"),
    "additions": N_("Additions"),
    "divisions": N_("Divisions"),
    "output_bytes": N_("Output activation memory (bytes, fp32)"),
    "params_bytes": N_("Parameter memory (bytes, fp32)"),
}
_STEP_QUANTITY = {"flops+bias": "flops"}


def layer_problem(
    kind_id: str,
    difficulty: int,
    layer: Layer,
    quantities: list[str],
    question: str,
    count: str = "macs",
    extra_text: str = "",
    title: str = "",
    lead: str = "",
) -> Problem:
    """A problem about one layer: each quantity a part, its wrongs from the misconception catalogue."""
    sol = solve(layer)

    parts = []
    for q in quantities:
        answer = value_of(sol, q)
        label = _(LABELS[q])
        if q == "output":
            label = f"{label} ({shape_order(layer)})" if layer.spatial else label
        wrongs = wrongs_for(layer, q, answer) if q in M.QUANTITIES else ()
        parts.append(Part(label, q, answer, wrongs, hint=_hint(layer, q)))
    wanted = {_STEP_QUANTITY.get(q, q) for q in quantities}
    if wanted & {"macs", "flops", "windows", "comparisons", "additions", "divisions", "output_bytes"}:
        wanted.add("output")
    if "params" in wanted or "params_bytes" in wanted:
        wanted |= {"weights", "bias", "params"}
    if "flops" in wanted:
        wanted.add("macs")
    steps = tuple(s for s in explain(sol) if s.quantity in wanted)
    if "flops+bias" in quantities and layer.family in (L.CONV, L.CONVT, L.LINEAR):
        steps += (bias_adds_step(sol),)
    text = sentences(lead or describe(layer), question)
    if extra_text:
        text = sentences(text, extra_text)
    if wanted & {"macs", "flops"}:
        text = sentences(text, _(CONVENTION_TEXT[count]))
    return Problem(
        kind=kind_id,
        title=title or _(REGISTRY[kind_id].title),
        difficulty=difficulty,
        text=text,
        parts=tuple(parts),
        steps=steps,
        notes=tuple(notes(sol)),
        spec=spec.format_layer(layer),
        layer=layer,
    )


def _hint(layer: Layer, quantity: str) -> str:
    """A nudge toward the right rule for this layer (groups, transposed, 1-D/3-D, adaptive, ceil, bias)."""
    ctx = M.context(layer)
    fam = layer.family
    if quantity == "output":
        if fam == L.CONVT:
            return _("A transposed conv grows the size: (W - 1)·S - 2P + D·(K - 1) + OP + 1.")
        if fam in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
            return _("An adaptive pool's output size is given by its size; the channels stay the same.")
        if not layer.has_kernel:
            return ""
        if layer.ceil_mode:
            return _(
                "Use {formula} along each axis (ceil mode), dropping a last window that would start in the "
                "padding; the channels come from the layer."
            ).format(formula=ctx["size_formula"])
        return _("Use {formula} along each axis; the channels come from the layer.").format(formula=ctx["size_formula"])
    if quantity in ("params", "weights", "params_bytes"):
        if fam == L.LINEAR:
            text = _("Every input connects to every output (in × out weights).")
        elif fam == L.CONVT:
            text = _("Each input channel has {k}·{c_out} weights.").format(k=ctx["k_sym"], c_out=ctx["c_out_part"])
        elif fam == L.CONV:
            per = "(C_in/g)" if layer.groups > 1 else "C_in"
            text = _("Each filter has {k}·{per} weights.").format(k=ctx["k_sym"], per=per)
        else:
            return _("fp32 is 4 bytes per parameter.") if quantity == "params_bytes" else ""
        if quantity == "weights":
            return text
        if not layer.bias:
            bias = _("bias=false: there are no biases.")
        elif fam == L.LINEAR:
            bias = _("Add one bias per output feature.")
        else:
            bias = _("Add one bias per output channel.")
        text = f"{text} {bias}"
        return f"{text} {_('fp32 is 4 bytes per parameter.')}" if quantity == "params_bytes" else text
    if quantity in ("macs", "flops", "flops+bias"):
        if fam == L.LINEAR:
            macs = _("One MAC per weight: in × out.")
        elif fam == L.CONVT:
            macs = _(
                "Counted input-side: each input element is scattered through {k}·{c_out} weights; count every "
                "input element."
            ).format(k=ctx["k_sym"], c_out=ctx["c_out_part"])
        elif fam == L.CONV:
            per = "(C_in/g)" if layer.groups > 1 else "C_in"
            macs = _("One filter position costs {k}·{per} MACs; count every output element.").format(
                k=ctx["k_sym"], per=per
            )
        else:
            return ""
        if quantity == "macs":
            return macs
        if quantity == "flops":
            return f"{macs} {_('FLOPs = 2 × MACs.')}"
        if not layer.bias:
            return f"{macs} {_('FLOPs = 2 × MACs; bias=false, so there are no bias adds.')}"
        return f"{macs} {_('FLOPs = 2 × MACs, plus one bias add per output element.')}"
    if quantity in ("comparisons", "additions") and fam in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return _(
            "Window i spans ⌊i·in/out⌋ to ⌈(i + 1)·in/out⌉, so windows can differ in size; a window of n values "
            "takes n - 1 {ops}."
        ).format(ops=_("comparisons") if quantity == "comparisons" else _("additions"))
    hints = {
        "windows": _("One window per output element, in every channel."),
        "comparisons": _("Finding the largest of n values takes n - 1 comparisons."),
        "additions": _("Summing n values takes n - 1 additions."),
        "divisions": _("One division per window."),
        "output_bytes": _("fp32 is 4 bytes per value."),
    }
    return hints.get(quantity, "")


def _make(text: str) -> Layer:
    return spec.parse(text)


def _draw(rng: random.Random, make: Callable[[], str], accept: Callable[[Layer], bool] = lambda _l: True) -> Layer:
    """Draw spec texts until one parses and is accepted (samplers are built to succeed quickly)."""
    for _attempt in range(200):
        try:
            layer = _make(make())
        except QuizgenError:
            continue
        if accept(layer):
            return layer
    raise AssertionError(_("sampler could not draw a valid layer"))  # a bug in a sampler, not user input


def _exact(layer: Layer) -> bool:
    from quizgen.geometry import effective_kernel
    from quizgen.layers import resolved_padding

    dil = layer.dilation or (1,) * len(layer.spatial)
    return all(
        (n + p[0] + p[1] - effective_kernel(k, d)) % s == 0
        for n, k, s, p, d in zip(layer.spatial, layer.kernel, layer.stride, resolved_padding(layer), dil)
    )


def _inexact(layer: Layer) -> bool:
    return not _exact(layer)


CHANNELS = [16, 32, 64, 96, 128, 256]
IN_CHANNELS = [1, 3, 16, 32, 64, 96, 128]


def _conv_text(rng: random.Random, difficulty: int) -> tuple[Callable[[], str], Callable[[Layer], bool]]:
    c = rng.choice
    if difficulty == 1:
        return (
            lambda: (
                f"conv2d in={(n := c([7, 14, 28, 32, 56, 64]))}x{n}x{c([1, 3, 16, 32])} "
                f"out={c([6, 16, 32, 64])} k={c([3, 5])} bias=true"
            )
        ), lambda _l: True
    if difficulty == 2:
        return (
            lambda: (
                f"conv2d in={(n := c([224, 227, 112, 56, 32, 28]))}x{n}x{c(IN_CHANNELS)} "
                f"out={c(CHANNELS)} k={c([3, 5, 7, 11])} s={c([1, 2, 2, 4])} p={c([0, 1, 2, 3])}"
            )
        ), _exact
    variant = c(["inexact", "1d", "3d", "groups"])
    if variant == "inexact":
        return (
            lambda: (
                f"conv2d in={(n := c([224, 227, 112, 56, 32]))}x{n}x{c(IN_CHANNELS)} out={c(CHANNELS)} "
                f"k={c([3, 5, 7])} s={c([2, 3])} p={c([0, 1, 2])}"
            )
        ), _inexact
    if variant == "1d":
        return (
            lambda: (
                f"conv1d in={c([100, 128, 256, 1000])}x{c([1, 16, 64])} out={c([16, 32, 64])} "
                f"k={c([3, 5, 7])} s={c([1, 2])} p={c([0, 1, 2, 3])}"
            )
        ), lambda _l: True
    if variant == "3d":
        return (
            lambda: (
                f"conv3d in={c([8, 16])}x{(n := c([56, 112]))}x{n}x{c([3, 64])} out={c([64, 128])} "
                f"k=3 s={c([1, 2])} p=1"
            )
        ), lambda _l: True
    return (
        lambda: (
            f"conv2d in={(n := c([56, 28, 14]))}x{n}x{(ch := c([64, 128, 256]))} out={ch} k=3 p=1 "
            f"s={c([1, 2])} g={c([2, 4, 32, ch])}"
        )
    ), lambda _l: True


@kind("output-conv", N_("Output size: convolution"), N_("the output shape of a conv layer"))
def _output_conv(rng: random.Random, difficulty: int, count: str) -> Problem:
    make, accept = _conv_text(rng, difficulty)
    layer = _draw(rng, make, accept)
    return layer_problem("output-conv", difficulty, layer, ["output"], _("What is the output shape?"))


def _pool_text(rng: random.Random, difficulty: int) -> tuple[Callable[[], str], Callable[[Layer], bool]]:
    c = rng.choice
    if difficulty == 1:
        return lambda: f"maxpool2d in={(n := c([224, 112, 56, 28, 32, 14]))}x{n}x{c(CHANNELS)} k=2", lambda _l: True
    if difficulty == 2:
        return (
            lambda: (
                f"{c(['maxpool2d', 'maxpool2d', 'avgpool2d'])} in={(n := c([55, 27, 13, 112, 56]))}x{n}x"
                f"{c([64, 96, 256])} k=3 s=2 p={c([0, 1])}"
            )
        ), _exact
    variant = c(["ceil", "adaptive", "3d"])
    if variant == "ceil":
        return (lambda: f"maxpool2d in={(n := c([56, 28, 14, 112]))}x{n}x{c(CHANNELS)} k=3 s=2 ceil=true"), _inexact
    if variant == "adaptive":
        return (
            lambda: f"adaptiveavgpool2d in={(n := c([7, 13, 14, 10]))}x{n}x{c([256, 512, 2048])} size={c([3, 4, 6])}"
        ), lambda _l: True
    return lambda: f"maxpool3d in={c([8, 16])}x{(n := c([28, 56]))}x{n}x{c([64, 128])} k=2", lambda _l: True


@kind("output-pool", N_("Output size: pooling"), N_("the output shape of a pooling layer"))
def _output_pool(rng: random.Random, difficulty: int, count: str) -> Problem:
    make, accept = _pool_text(rng, difficulty)
    return layer_problem(
        "output-pool", difficulty, _draw(rng, make, accept), ["output"], _("What is the output shape?")
    )


@kind("output-dilated", N_("Output size: dilated convolution"), N_("the output shape of a dilated conv"))
def _output_dilated(rng: random.Random, difficulty: int, count: str) -> Problem:
    c = rng.choice
    if difficulty == 1:

        def make() -> str:
            return f"conv2d in={(n := c([32, 28, 64]))}x{n}x{c([16, 64])} out={c([16, 64])} k=3 d=2"
    elif difficulty == 2:

        def make() -> str:
            return f"conv2d in={(n := c([65, 33, 129]))}x{n}x{c([256, 512])} out=256 k=3 d={(d := c([2, 4, 6]))} p={d}"
    else:

        def make() -> str:
            return (
                f"conv{c(['1d', '2d'])} in=" + "x".join([str(c([100, 128, 57, 63]))] * 1) + f"x{c([16, 32])} "
                f"out=32 k={c([3, 5])} d={c([2, 3, 4])} s={c([1, 2])} p={c([0, 1, 2])}"
            )

    return layer_problem("output-dilated", difficulty, _draw(rng, make), ["output"], _("What is the output shape?"))


@kind("output-transposed", N_("Output size: transposed convolution"), N_("the output shape of a transposed conv"))
def _output_transposed(rng: random.Random, difficulty: int, count: str) -> Problem:
    c = rng.choice
    if difficulty == 1:

        def make() -> str:
            return (
                f"convtranspose2d in={(n := c([14, 28, 32, 64]))}x{n}x{c([128, 256, 512])} out={c([64, 128])} k=2 s=2"
            )
    elif difficulty == 2:

        def make() -> str:
            return f"convtranspose2d in={(n := c([4, 8, 16, 32]))}x{n}x{c([128, 256, 512])} out={c([64, 128, 3])} k=4 s=2 p=1"
    else:

        def make() -> str:
            dims = c([1, 2, 3])
            n = c([7, 14, 16])
            return (
                f"convtranspose{dims}d in=" + "x".join([str(n)] * dims) + f"x{c([64, 128])} out={c([32, 64])} "
                f"k=3 s=2 p=1 op={c([0, 1])} d={c([1, 1, 2])}"
            )

    return layer_problem("output-transposed", difficulty, _draw(rng, make), ["output"], _("What is the output shape?"))


@kind("params-conv", N_("Parameters: convolution"), N_("the parameter count of a conv layer"))
def _params_conv(rng: random.Random, difficulty: int, count: str) -> Problem:
    make, accept = _conv_text(rng, difficulty)
    layer = _draw(rng, make, accept)
    return layer_problem("params-conv", difficulty, layer, ["params"], _("How many parameters does it have?"))


@kind("params-linear", N_("Parameters: fully connected"), N_("the parameter count of a linear layer"))
def _params_linear(rng: random.Random, difficulty: int, count: str) -> Problem:
    c = rng.choice
    if difficulty == 1:
        pairs = [(120, 84), (84, 10), (400, 120), (512, 10), (256, 10)]
        i, o = c(pairs)
        layer = _make(f"linear in={i} out={o}")
        return layer_problem("params-linear", 1, layer, ["params"], _("How many parameters does it have?"))
    if difficulty == 2:
        i, o = c([(9216, 4096), (4096, 4096), (4096, 1000), (25088, 4096), (2048, 1000), (1024, 1000)])
        layer = _make(f"linear in={i} out={o} bias={c(['true', 'true', 'false'])}")
        return layer_problem("params-linear", 2, layer, ["params"], _("How many parameters does it have?"))
    h, ch, o = c([(7, 512, 4096), (6, 256, 4096), (5, 16, 120), (4, 512, 1000), (13, 256, 1024)])
    layer = _make(f"linear in={h * h * ch} out={o}")
    extra = _("Its input is a {h} × {h} × {ch} feature map, flattened.").format(h=h, ch=ch)
    return layer_problem(
        "params-linear", 3, layer, ["params"], _("How many parameters does it have?"), extra_text=extra
    )


@kind(
    "params-separable",
    N_("Parameters: depthwise-separable against standard"),
    N_("the parameters of a standard conv and of its depthwise-separable replacement"),
)
def _params_separable(rng: random.Random, difficulty: int, count: str) -> Problem:
    from quizgen import compound

    return compound.separable_problem(rng, difficulty, count)


@kind("macs-conv", N_("Compute: convolution"), N_("the MACs or FLOPs of a conv layer"))
def _macs_conv(rng: random.Random, difficulty: int, count: str) -> Problem:
    if difficulty == 3 and rng.random() < 0.3:
        layer = _draw(
            rng,
            lambda: (
                f"convtranspose2d in={(n := rng.choice([7, 14, 16]))}x{n}x"
                f"{rng.choice([128, 256])} out={rng.choice([64, 128])} k=4 s=2 p=1"
            ),
        )
    else:
        make, accept = _conv_text(rng, difficulty)
        layer = _draw(rng, make, accept)
    q = COMPUTE_QUANTITY[count]
    return layer_problem(
        "macs-conv", difficulty, layer, [q], _("How much compute does one forward pass take (batch 1)?"), count
    )


@kind("macs-linear", N_("Compute: fully connected"), N_("the MACs or FLOPs of a linear layer"))
def _macs_linear(rng: random.Random, difficulty: int, count: str) -> Problem:
    i, o = rng.choice(
        [(120, 84), (84, 10), (400, 120)]
        if difficulty == 1
        else [(9216, 4096), (4096, 4096), (4096, 1000), (25088, 4096), (2048, 1000)]
    )
    layer = _make(f"linear in={i} out={o}")
    return layer_problem(
        "macs-linear",
        difficulty,
        layer,
        [COMPUTE_QUANTITY[count]],
        _("How much compute does one forward pass take (batch 1)?"),
        count,
    )


@kind("pool-ops", N_("Pooling operations"), N_("the windows and comparisons (or additions) of a pooling layer"))
def _pool_ops(rng: random.Random, difficulty: int, count: str) -> Problem:
    make, accept = _pool_text(rng, difficulty)
    layer = _draw(rng, make, accept)
    is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
    quantities = ["windows", "comparisons"] if is_max else ["windows", "additions", "divisions"]
    return layer_problem(
        "pool-ops",
        difficulty,
        layer,
        quantities,
        _("How many pooling windows are there, and how many operations do they take?"),
    )


@kind("memory", N_("Memory"), N_("the parameter bytes and output activation bytes of a layer (fp32)"))
def _memory(rng: random.Random, difficulty: int, count: str) -> Problem:
    make, accept = _conv_text(rng, difficulty)
    layer = _draw(rng, make, accept)
    return layer_problem(
        "memory",
        difficulty,
        layer,
        ["params_bytes", "output_bytes"],
        _(
            "Stored in fp32 (4 bytes per value) with a batch of 1, how many bytes do its parameters "
            "take, and how many its output activations?"
        ),
    )


@kind("inverse-padding", N_("Inverse: padding for 'same'"), N_("the padding that keeps the size"))
def _inverse_padding(rng: random.Random, difficulty: int, count: str) -> Problem:
    from quizgen import compound

    return compound.inverse_padding_problem(rng, difficulty)


@kind("inverse-stride", N_("Inverse: find the stride"), N_("the stride that gives a stated output size"))
def _inverse_stride(rng: random.Random, difficulty: int, count: str) -> Problem:
    from quizgen import compound

    return compound.inverse_problem(rng, difficulty, "s")


@kind("inverse-kernel", N_("Inverse: find the kernel size"), N_("the kernel size that gives a stated output size"))
def _inverse_kernel(rng: random.Random, difficulty: int, count: str) -> Problem:
    from quizgen import compound

    return compound.inverse_problem(rng, difficulty, "k")


@kind("network-trace", N_("Network trace"), N_("the output shape and parameters of every layer of a small stack"))
def _network_trace(rng: random.Random, difficulty: int, count: str) -> Problem:
    from quizgen import compound

    return compound.trace_problem(rng, difficulty)


@kind("receptive-field", N_("Receptive field"), N_("the receptive field of a stack of conv and pooling layers"))
def _receptive_field(rng: random.Random, difficulty: int, count: str) -> Problem:
    from quizgen import compound

    return compound.receptive_field_problem(rng, difficulty)


@kind("spot-error", N_("Spot the error"), N_("the wrong step in a flawed worked solution, and the right value"))
def _spot_error(rng: random.Random, difficulty: int, count: str) -> Problem:
    from quizgen import compound

    return compound.spot_error_problem(rng, difficulty, count)


__all__ = ["REGISTRY", "Kind", "Part", "Wrong", "describe", "get", "layer_problem"]
