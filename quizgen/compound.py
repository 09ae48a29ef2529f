"""Samplers for kinds that span several layers or invert a formula.

Depthwise-separable against standard, inverse problems (find p, s or k),
network traces, receptive fields, and spot-the-error worked solutions.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction
from typing import NamedTuple

from quizgen import draws, receptive, spec
from quizgen import misconceptions as M
from quizgen.errors import QuizgenError
from quizgen.i18n import N_, _, a_an, sentences
from quizgen.kinds import COMPUTE_QUANTITY, LABELS, REGISTRY, conventions_for, describe, shape_words
from quizgen.layers import Layer
from quizgen.network import solve_stack
from quizgen.problems import FlawedLine, Part, Problem, Wrong
from quizgen.solver import solve
from quizgen.steps import Step, bias_adds_step, explain, num


def _title(kind_id: str) -> str:
    return _(REGISTRY[kind_id].title)


def _step(
    title: str, formula: str, substituted: str, result: str, tex: str = "", sub_tex: str = "", quantity: str = ""
) -> Step:
    return Step(title, formula, substituted, result, tex or _text(formula), sub_tex or _text(substituted), quantity)


_SYMBOL = re.compile(r"\b([A-Za-z])_([A-Za-z]+)\b")
_TEX_SAFE = str.maketrans(
    {"{": "(", "}": ")", "\\": "/", "_": " ", "%": " percent", "&": "and", "#": "no.", "$": "", "^": "", "~": " "}
)


def _text(plain: str) -> str:
    """Plain working as LaTeX: words in ``\\text{}``, symbols such as ``H_out`` as subscripts (``H_{\\text{out}}``).

    Characters that are special in TeX become harmless ones.
    """
    if not plain:
        return ""
    pieces = []
    last = 0
    for m in _SYMBOL.finditer(plain):
        if m.start() > last:
            pieces.append(rf"\text{{{plain[last : m.start()].translate(_TEX_SAFE)}}}")
        pieces.append(rf"{m.group(1)}_{{\text{{{m.group(2)}}}}}")
        last = m.end()
    if last < len(plain):
        pieces.append(rf"\text{{{plain[last:].translate(_TEX_SAFE)}}}")
    return "".join(pieces)


# --- depthwise-separable against standard ---------------------------------------------------------


def separable_problem(rng: random.Random, difficulty: int, count: str) -> Problem:
    """Standard K×K conv M→N against depthwise K×K (M) + pointwise 1×1 (M→N), no biases.

    From level 2 it also asks the compute of both, in the sheet's ``count`` convention (MACs, FLOPs, or FLOPs
    with bias adds, which are none here since neither has a bias).
    """
    c = rng.choice
    if difficulty < 3:  # MobileNet's sizes at 224 and at 160 (80, 40, 20, 10)
        size, m, k = c([112, 80, 56, 40, 28, 20, 14, 10, 7]), c([16, 24, 32, 48, 64, 96, 128, 256, 512]), 3
    else:
        size, m, k = c([56, 40, 28, 20, 14, 10, 7]), c([96, 144, 192, 384, 576, 960]), c([3, 5])
    n = c([m, 2 * m, 64, 128, 256, 512]) if difficulty < 3 else c([24, 32, 64, 96, 160, 320])
    standard = spec.parse(f"conv2d in={size}x{size}x{m} out={n} k={k} p={k // 2} bias=false")
    depthwise = spec.parse(f"conv2d in={size}x{size}x{m} out={m} k={k} p={k // 2} g={m} bias=false")
    pointwise = spec.parse(f"conv2d in={size}x{size}x{m} out={n} k=1 bias=false")
    std, dw, pw = (solve(x).params.total for x in (standard, depthwise, pointwise))
    sep = dw + pw
    parts = [
        Part(
            _("Standard conv parameters"),
            "params",
            std,
            (Wrong(k * k * n, ("forgot-in-channels",), M.CATALOGUE["forgot-in-channels"].explain(standard)),),
            hint=_("K·K·M·N: every filter spans all M input channels."),
        ),
        Part(
            _("Depthwise-separable parameters"),
            "params",
            sep,
            (
                Wrong(k * k * m * m + m * n, ("ignored-groups",), M.CATALOGUE["ignored-groups"].explain(depthwise)),
                Wrong(
                    dw,
                    ("separable-forgot-pointwise",),
                    _("the depthwise part only; add the 1×1 pointwise conv's M·N weights"),
                ),
                Wrong(
                    pw,
                    ("separable-forgot-depthwise",),
                    _("the pointwise part only; add the depthwise conv's K·K·M weights"),
                ),
            ),
            hint=_("Depthwise: one K×K filter per input channel. Pointwise: a 1×1 conv from M to N channels."),
        ),
    ]
    q = COMPUTE_QUANTITY[count]
    macs_std, macs_sep = solve(standard).macs, solve(depthwise).macs + solve(pointwise).macs
    if difficulty >= 2:
        # No bias anywhere, so FLOPs with bias adds equal FLOPs: 2 per multiply-accumulate.
        per_mac = 1 if q == "macs" else 2
        what = _(LABELS[q])
        flops_hint = [] if q == "macs" else [_("FLOPs = 2 × MACs.")]
        parts.append(
            Part(
                _("Standard conv {quantity}").format(quantity=what),
                q,
                per_mac * macs_std,
                hint=sentences(_("K·K·M·N MACs per output position."), *flops_hint),
            )
        )
        parts.append(
            Part(
                _("Depthwise-separable {quantity}").format(quantity=what),
                q,
                per_mac * macs_sep,
                hint=sentences(_("(K·K·M + M·N) MACs per output position."), *flops_hint),
            )
        )
    ratio = Fraction(sep, std)
    steps = [
        _step(
            _("Standard conv"),
            "K·K·M·N",
            f"{k}·{k}·{m}·{n}",
            num(std),
            r"K^2 M N",
            rf"{k}^2 \cdot {m} \cdot {n}",
            "params",
        ),
        _step(_("Depthwise conv"), "K·K·M", f"{k}·{k}·{m}", num(dw), r"K^2 M", rf"{k}^2 \cdot {m}", "params"),
        _step(_("Pointwise conv"), "M·N", f"{m}·{n}", num(pw), r"M N", rf"{m} \cdot {n}", "params"),
        _step(
            _("Depthwise-separable total"),
            _("depthwise + pointwise"),
            f"{num(dw)} + {num(pw)}",
            num(sep),
            quantity="params",
        ),
        _step(
            _("Ratio"),
            "(K·K·M + M·N)/(K·K·M·N) = 1/N + 1/K²",
            f"1/{n} + 1/{k * k}",
            f"{float(ratio):.4f} ({float(1 / ratio):.1f}× fewer)",
            r"\frac{1}{N} + \frac{1}{K^2}",
            rf"\frac{{1}}{{{n}}} + \frac{{1}}{{{k * k}}} = {float(ratio):.4f}",
            "ratio",
        ),
    ]
    if difficulty >= 2:
        steps += [s for s in explain(solve(standard)) if s.quantity == "macs"]
        steps.append(
            _step(
                _("Depthwise-separable MACs"),
                "(K·K·M + M·N)·H_out·W_out",
                f"({num(dw)} + {num(pw)})·{size}·{size}",
                num(macs_sep),
                quantity="macs",
            )
        )
        if q != "macs":
            for title, macs in ((_("Standard conv"), macs_std), (_("Depthwise-separable"), macs_sep)):
                steps.append(
                    _step(
                        _("{what} {quantity}").format(what=title, quantity=_(LABELS[q])),
                        _("2·MACs (no bias, so no bias adds)") if q == "flops+bias" else "2·MACs",
                        f"2·{num(macs)}",
                        num(2 * macs),
                        quantity=q,
                    )
                )
    text = a_an(
        _(
            "A standard {k} × {k} convolution maps a {s} × {s} × {m} input to {n} channels ('same' padding, no "
            "bias). MobileNet replaces it with a {k} × {k} depthwise convolution followed by a 1 × 1 pointwise "
            "convolution, also without bias."
        ).format(k=k, s=size, m=m, n=n)
    )
    if difficulty >= 2:
        text = sentences(text, *conventions_for(standard, [q], count))
    return Problem(
        "params-separable",
        _title("params-separable"),
        difficulty,
        text,
        tuple(parts),
        tuple(steps),
        spec=spec.format_layer(standard),
        layer=standard,
    )


# --- inverse problems -----------------------------------------------------------------------------


def inverse_padding_problem(rng: random.Random, difficulty: int) -> Problem:
    """Find the padding that keeps the size ('same')."""
    if difficulty == 3:
        n = rng.choice([224, 227, 112, 56, 57, 28, 32, 64, 299, 150])
        ch, out = draws.channels_at(rng, n)
        k = rng.choice([3, 5, 7])
        s = 2
        layer = spec.parse(f"conv2d in={n}x{n}x{ch} out={out} k={k} s={s} p=same")
        sol = solve(layer)
        before, after = sol.padding[0]
        total = before + after
        text = a_an(
            _(
                "A {k} × {k} convolution with stride 2 and TensorFlow's 'same' padding takes a {n} × {n} × {c} "
                "input, so its output is ceil({n}/2) = {o} on a side. How many rows of padding go on the top, and "
                "how many on the bottom?"
            ).format(k=k, n=n, c=ch, o=sol.output_shape[0])
        )
        parts = (
            Part(
                _("Padding on the top"),
                "pad_before",
                before,
                (
                    Wrong(
                        total,
                        ("same-total-padding",),
                        _("that is the total padding; split it, the odd row goes at the bottom"),
                    ),
                ),
                hint=_("Total = max((out - 1)·S + K - W, 0)."),
            ),
            Part(
                _("Padding on the bottom"),
                "pad_after",
                after,
                (Wrong(before, ("same-symmetric",), _("TensorFlow puts the odd row at the bottom")),)
                if before != after
                else (),
            ),
        )
        steps = tuple(s for s in explain(sol) if s.quantity == "output")
        return Problem(
            "inverse-padding",
            _title("inverse-padding"),
            3,
            text,
            parts,
            steps,
            spec=spec.format_layer(layer),
            layer=layer,
        )
    n = rng.choice([224, 112, 56, 32, 28, 64, 14, 128, 16, 7] if difficulty == 1 else [65, 33, 129, 64, 56, 28, 32, 14])
    ch, out = draws.channels_at(rng, n)
    k = rng.choice(([3, 5, 7, 11] if ch <= 3 else [3, 5, 7]) if difficulty == 1 else [3, 5])
    d = 1 if difficulty == 1 else rng.choice([2, 3, 4, 6])
    p = d * (k - 1) // 2
    layer = spec.parse(f"conv2d in={n}x{n}x{ch} out={out} k={k} d={d} p={p}")
    k_eff = d * (k - 1) + 1
    wrongs = [
        Wrong(k_eff - 1, ("same-total-padding",), _("that is the total padding for both sides; each side gets half"))
    ]
    if d > 1:
        wrongs.append(Wrong((k - 1) // 2, ("ignored-dilation",), M.CATALOGUE["ignored-dilation"].explain(layer)))
    text = (
        describe(layer).replace(_("padding {p}").format(p=p), _("padding P"))
        + " "
        + _("What padding P (on each side) keeps the output {n} × {n}?").format(n=n)
    )
    steps = (
        _step(
            _("Keep the size"),
            "W = W + 2P - D·(K - 1), so P = D·(K - 1)/2",
            f"P = {d}·({k} - 1)/2",
            str(p),
            r"P = \frac{D(K - 1)}{2}",
            rf"\frac{{{d}({k} - 1)}}{{2}}",
            "p",
        ),
        *[s for s in explain(solve(layer)) if s.quantity == "output"],
    )
    return Problem(
        "inverse-padding",
        _title("inverse-padding"),
        difficulty,
        text,
        (Part(_("Padding P"), "p", p, tuple(wrongs), hint=_("Output = W + 2P - D·(K - 1); set it equal to W.")),),
        steps,
        spec=spec.format_layer(layer),
        layer=layer,
        asked_spec=_unknown(spec.format_layer(layer), "p"),
    )


def _unknown(text: str, key: str) -> str:
    """A spec with one key's value replaced by ``?``: what the student is asked to find."""
    return re.sub(rf"(?<= ){key}=\S+", f"{key}=?", text)


def _stack_spec(layers: list[Layer]) -> str:
    """A stack as a student reads it: only the first layer names its input (the rest is to be traced)."""
    lines = [spec.format_layer(layers[0])]
    lines += [re.sub(r" in=\S+", "", spec.format_layer(x), count=1) for x in layers[1:]]
    return "\n".join(lines)


def inverse_problem(rng: random.Random, difficulty: int, key: str) -> Problem:
    """Find the stride (``key="s"``) or the kernel size (``key="k"``) from the input and output sizes."""
    kind_id = "inverse-stride" if key == "s" else "inverse-kernel"
    n, k, s, p = rng.choice(draws.inverse_cases(difficulty, key))
    cin, cout = draws.channels_at(rng, n)
    layer = spec.parse(f"conv2d in={n}x{n}x{cin} out={cout} k={k} s={s} p={p}")
    out = solve(layer).output_shape[0]
    answer = s if key == "s" else k
    wrongs: list[Wrong] = []
    if key == "s":
        if (n + 2 * p - k) % out == 0 and (n + 2 * p - k) // out != s:
            wrongs.append(
                Wrong((n + 2 * p - k) // out, ("forgot-plus-one",), _("the +1 was left out: out = (W - K + 2P)/S + 1"))
            )
        if n % out == 0 and n // out != s:
            wrongs.append(Wrong(n // out, ("ignored-kernel",), _("the kernel and padding were ignored")))
        given = _("kernel size {k} × {k} and padding {p}").format(k=k, p=p)
        question = _("What stride S does it use?")
        formula, solved = "out = floor((W - K + 2P)/S) + 1", "S = (W - K + 2P)/(out - 1)"
        sub = f"({n} - {k} + 2·{p})/({out} - 1) = {n + 2 * p - k}/{out - 1}"
    else:
        wrong_k = n + 2 * p - out * s
        if wrong_k > 0 and wrong_k != k:
            wrongs.append(Wrong(wrong_k, ("forgot-plus-one",), _("the +1 was left out: out = (W - K + 2P)/S + 1")))
        once = n + p - (out - 1) * s
        if once > 0 and once != k:
            wrongs.append(Wrong(once, ("padding-once",), _("the padding was added once; it pads both sides")))
        given = _("stride {s} and padding {p}").format(s=s, p=p)
        question = _("What kernel size K does it use?") if s == 1 else _("What odd kernel size K does it use?")
        formula, solved = "out = floor((W - K + 2P)/S) + 1", "K = W + 2P - (out - 1)·S"
        sub = f"{n} + 2·{p} - ({out} - 1)·{s}"
    text = sentences(
        a_an(
            _("A conv2d layer with {given} maps a {n} × {n} × {c} input to a {o} × {o} × {oc} output.").format(
                given=given, n=n, c=cin, o=out, oc=cout
            )
        ),
        question,
    )
    if difficulty == 3:
        text = sentences(text, _("(The division need not be exact: the output size is floored.)"))
    steps = (
        _step(_("Invert the size formula"), formula + "  ⇒  " + solved, sub, str(answer), quantity=key),
        *[st for st in explain(solve(layer)) if st.quantity == "output"],
    )
    label = _("Stride S") if key == "s" else _("Kernel size K")
    hint = _("Write out = floor((W - K + 2P)/S) + 1 and solve for the unknown.")
    return Problem(
        kind_id,
        _title(kind_id),
        difficulty,
        text,
        (Part(label, key, answer, tuple(wrongs), hint=hint),),
        steps,
        spec=spec.format_layer(layer),
        layer=layer,
        asked_spec=_unknown(spec.format_layer(layer), key),
    )


# --- network trace --------------------------------------------------------------------------------


def trace_problem(rng: random.Random, difficulty: int, stack_text: str | None = None, title: str = "") -> Problem:
    """Fill in a small stack's output shapes and parameter counts, layer by layer."""
    if stack_text is None:
        stack_text = draws.trace_stack(rng, difficulty)
    net = solve_stack(stack_text, name="stack")
    parts: list[Part] = []
    steps: list[Step] = []
    for i, sol in enumerate(net.solutions, start=1):
        layer = sol.layer
        name = f"{i}. {layer.name}"
        parts.append(
            Part(
                _("Layer {name}: output shape").format(name=name),
                "output",
                sol.output_shape,
                _wrongs(layer, "output", sol.output_shape),
            )
        )
        if sol.params.total or layer.family in ("conv", "convtranspose", "linear", "batchnorm"):
            parts.append(
                Part(
                    _("Layer {name}: parameters").format(name=name),
                    "params",
                    sol.params.total,
                    _wrongs(layer, "params", sol.params.total),
                )
            )
        for st in explain(sol):
            if st.quantity in ("output", "params", "trainable", "non_trainable") and st.title != _("Output shape"):
                steps.append(
                    Step(
                        f"{name}: {st.title}",
                        st.formula,
                        st.substituted,
                        st.result,
                        st.formula_tex,
                        st.substituted_tex,
                        st.quantity,
                    )
                )
        steps.append(
            Step(
                f"{name}: " + _("Output shape"),
                "",
                shape_words(sol.output_shape),
                shape_words(sol.output_shape),
                "",
                shape_words(sol.output_shape).replace("×", r"\times"),
                "output",
            )
        )
    total = net.params.total
    parts.append(Part(_("Total parameters"), "params", total))
    steps.append(
        _step(
            _("Total parameters"),
            _("sum of the layers"),
            " + ".join(num(s.params.total) for s in net.solutions if s.params.total),
            num(total),
            quantity="params",
        )
    )
    first = net.solutions[0].layer
    text = a_an(
        _(
            "Trace this stack on a {inp} input: fill in each layer's output shape and parameter count, then the "
            "total. Batchnorm counts γ, β and its running mean and variance."
        ).format(inp=shape_words(first.input_shape))
    )
    return Problem(
        "network-trace",
        title or _title("network-trace"),
        difficulty,
        text,
        tuple(parts),
        tuple(steps),
        spec="\n".join(spec.format_layer(s.layer) for s in net.solutions),
        layer=first,
        asked_spec=_stack_spec([s.layer for s in net.solutions]),
    )


def _wrongs(layer: Layer, quantity: str, answer: object) -> tuple[Wrong, ...]:
    from quizgen.problems import wrongs_for

    return wrongs_for(layer, quantity, answer)  # type: ignore[arg-type]


# --- receptive field ------------------------------------------------------------------------------


def receptive_field_problem(rng: random.Random, difficulty: int) -> Problem:
    """The receptive field of the last layer's output, along one side."""
    net = solve_stack(draws.receptive_field_stack(rng, difficulty), name="stack")
    layers = [s.layer for s in net.solutions]
    rows = receptive.receptive_field(layers)
    answer = rows[-1].r
    candidates = [
        (
            receptive.ignoring_strides(layers),
            ("rf-ignored-stride",),
            _("the strides were ignored; after a stride-s layer each further kernel step spans s input pixels"),
        ),
        (
            receptive.stride_too_early(layers),
            ("rf-stride-too-early",),
            _("each layer's own stride was applied to its kernel; a layer's stride only affects the layers after it"),
        ),
        (
            receptive.summed_kernels(layers),
            ("rf-summed-kernels",),
            _("the kernel sizes were added; each layer adds K - 1, scaled by the jump so far"),
        ),
    ]
    wrongs: list[Wrong] = []
    for value, ids, why in candidates:
        if value != answer and value not in [w.value for w in wrongs]:
            wrongs.append(Wrong(value, ids, why))
    steps = []  # r = 1 and j = 1 to start: the first layer's working shows them
    for i, row in enumerate(rows, start=1):
        steps.append(
            _step(
                _("Layer {i} ({name}, K_eff = {k}, S = {s})").format(
                    i=i, name=row.layer.name, k=row.k_eff, s=row.stride
                ),
                "r = r + (K_eff - 1)·j;  j = j·S",
                f"r = {row.r - (row.k_eff - 1) * row.jump_before} + ({row.k_eff} - 1)·{row.jump_before};  "
                f"j = {row.jump_before}·{row.stride}",
                f"r = {row.r}, j = {row.jump}",
                r"r \leftarrow r + (K_{\text{eff}} - 1)\,j,\quad j \leftarrow j S",
                rf"r = {row.r - (row.k_eff - 1) * row.jump_before} + ({row.k_eff} - 1) \cdot {row.jump_before}",
                "receptive_field",
            )
        )
    text = _(
        "How many input pixels along one side does one pixel of the last layer's output see (its receptive field)?"
    )
    if any(d > 1 for x in layers for d in x.dilation):
        text = sentences(text, _("Dilation d makes a kernel span d·(K - 1) + 1 pixels."))
    part = Part(
        _("Receptive field (pixels along one side)"),
        "receptive_field",
        answer,
        tuple(wrongs),
        hint=_(
            "Start from r = 1 and a jump j = 1; each layer adds (K_eff - 1)·j to r, then multiplies j by its stride."
        ),
    )
    return Problem(
        "receptive-field",
        _title("receptive-field"),
        difficulty,
        text,
        (part,),
        tuple(steps),
        spec="\n".join(spec.format_layer(x) for x in layers),
        layer=layers[0],
        asked_spec=_stack_spec(layers),
    )


# --- spot the error -------------------------------------------------------------------------------
#
# A flawed worked solution is a chain of lines, each (formula, substituted numbers, value).  Exactly one
# line applies a misconception's rule; every other line applies the right formula to the layer's settings
# and to the values shown in earlier lines, so a wrong value is carried forward visibly.

SCENARIOS = {
    1: [
        ("conv", ("forgot-bias",)),
        ("conv", ("forgot-in-channels",)),
        ("pool", ("pool-forgot-channels",)),
        ("pool", ("pool-k2-comparisons",)),
    ],
    2: [
        ("conv", ("precedence",)),
        ("conv", ("padding-once",)),
        ("conv", ("stride-ignored",)),
        ("conv", ("input-size-for-macs",)),
        ("conv", ("macs-vs-flops",)),
        ("pool", ("pool-stride-twice", "pool-forgot-channels")),
        ("pool", ("pool-windows-from-input",)),
    ],
    3: [
        ("dilated", ("ignored-dilation",)),
        ("grouped", ("ignored-groups",)),
        ("inexact", ("no-floor",)),
        ("pool", ("pool-stride-twice", "pool-forgot-channels")),
    ],
}


def _scenario_spec(rng: random.Random, family: str, difficulty: int) -> str:
    """A square 2-D layer for a scenario, drawn from sizes, channels and kernels of real networks.

    Level 1 keeps stride 1 and no padding for convs (DESIGN section 5).
    """
    c = rng.choice
    n, c_in, c_out = c([227, 224, 112, 65, 64, 56, 32, 28]), c([3, 16, 32, 64, 96, 128]), c([32, 64, 96, 128, 256])
    if family == "conv":
        k = c([3, 5, 7, 11])
        s, p = (1, 0) if difficulty == 1 else (c([1, 2, 2, 4]), c([0, k // 2, k // 2 - 1 or 0]))
        return f"conv2d in={n}x{n}x{c_in} out={c_out} k={k} s={s} p={p}"
    if family == "dilated":
        d = c([2, 3, 4])
        return f"conv2d in={n}x{n}x{c_in} out={c_out} k=3 d={d} p={c([0, d])}"
    if family == "grouped":
        return f"conv2d in={n}x{n}x{c([64, 128, 256])} out={c([64, 128, 256])} k=3 p=1 g={c([2, 4, 8, 16, 32])}"
    if family == "inexact":  # an odd span over stride 2: the division leaves a half
        k, p = c([3, 4, 5, 7]), c([0, 1, 2, 3])
        n = c([m for m in (227, 224, 112, 56, 32) if (m + 2 * p - k) % 2])
        return f"conv2d in={n}x{n}x{c_in} out={c_out} k={k} s=2 p={p}"
    # pool: no padding, since whether padded positions count as comparisons is a convention
    n = c([112, 56, 55, 28, 27, 14, 13])
    return f"maxpool2d in={n}x{n}x{c([64, 96, 128, 256, 512])} k={c([2, 3, 3])} s=2"


_CHAIN_LABELS = {
    "output_size": N_("Output size (height = width)"),
    "weights": N_("Weights"),
    "params": N_("Parameters"),
    "macs": N_("MACs"),
    "flops": N_("FLOPs"),
    "flops+bias": N_("FLOPs with bias adds"),
    "windows": N_("Pooling windows"),
    "comparisons": N_("Comparisons"),
    "output_bytes": N_("Output memory (bytes, fp32)"),
}


_CHAIN_CONVENTION = {
    "flops": N_("MACs are multiply-accumulates, bias adds not counted; FLOPs = 2 × MACs."),
    "flops+bias": N_(
        "MACs are multiply-accumulates; FLOPs with bias adds = 2 × MACs plus one add per output element for the bias."
    ),
}


class _Line(NamedTuple):
    quantity: str
    formula: str
    substituted: str
    value: object
    uses: tuple[int, ...] = ()


def _fmt(x: object) -> str:
    """A number as a student writes it: ``116,962,608``, ``111.5``, or ``217/3`` when no decimal ends."""
    if isinstance(x, int):
        return f"{x:,}"
    assert isinstance(x, Fraction)
    if x.denominator == 1:
        return f"{x.numerator:,}"
    d = x.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return f"{x.numerator:,}/{x.denominator:,}"
    whole, rest = divmod(x.numerator, x.denominator)
    digits = 0
    while (rest * 10**digits) % x.denominator:
        digits += 1
    return f"{whole:,}." + str(rest * 10**digits // x.denominator).rjust(digits, "0")


def _q(a: object, b: object) -> object:
    """``a / b`` exactly, an int when whole."""
    v = Fraction(a) / Fraction(b)  # type: ignore[arg-type]
    return v.numerator if v.denominator == 1 else v


def _ceil(x: object) -> int:
    return -(-Fraction(x).numerator // Fraction(x).denominator)  # type: ignore[arg-type]


def _output_line(layer: Layer, ids: frozenset[str]) -> _Line:
    """The output size along one side (the scenarios are square), right or under one misconception."""
    n, k, s, d = layer.spatial[0], layer.kernel[0], layer.stride[0], layer.dilation[0]
    p = layer.padding[0] if isinstance(layer.padding, tuple) else 0
    if "precedence" in ids:
        return _Line("output_size", "W - K + 2P/S + 1", f"{n} - {k} + 2·{p}/{s} + 1", n - k + _q(2 * p, s) + 1)
    if "padding-once" in ids:
        return _Line(
            "output_size", "floor((W - K + P)/S) + 1", f"floor(({n} - {k} + {p})/{s}) + 1", (n - k + p) // s + 1
        )
    if "stride-ignored" in ids:
        return _Line("output_size", "W - K + 2P + 1", f"{n} - {k} + 2·{p} + 1", n - k + 2 * p + 1)
    if "no-floor" in ids:
        return _Line("output_size", "(W - K + 2P)/S + 1", f"({n} - {k} + 2·{p})/{s} + 1", _q(n - k + 2 * p, s) + 1)  # type: ignore[operator]
    if d > 1 and "ignored-dilation" not in ids:
        span = n + 2 * p - d * (k - 1) - 1
        return _Line(
            "output_size",
            "floor((W + 2P - D·(K - 1) - 1)/S) + 1",
            f"floor(({n} + 2·{p} - {d}·({k} - 1) - 1)/{s}) + 1",
            span // s + 1,
        )
    return _Line(
        "output_size", "floor((W - K + 2P)/S) + 1", f"floor(({n} - {k} + 2·{p})/{s}) + 1", (n - k + 2 * p) // s + 1
    )


def _conv_lines(layer: Layer, ids: frozenset[str], values: list[object], count: str = "macs") -> _Line:
    """The next line of a conv chain, given the values shown so far; the last is compute in ``count``'s terms."""
    k, c_in, c_out, g = layer.kernel[0], layer.in_channels, layer.out or 0, layer.groups
    n = layer.spatial[0]
    step = len(values)
    if step == 0:
        return _output_line(layer, ids)
    if step == 1:
        if "forgot-in-channels" in ids:
            return _Line("weights", "K·K·C_out", f"{k}·{k}·{c_out}", k * k * c_out)
        if g > 1 and "ignored-groups" not in ids:
            return _Line("weights", "K·K·(C_in/g)·C_out", f"{k}·{k}·({c_in}/{g})·{c_out}", k * k * (c_in // g) * c_out)
        return _Line("weights", "K·K·C_in·C_out", f"{k}·{k}·{c_in}·{c_out}", k * k * c_in * c_out)
    w, o = values[1], values[0]
    if step == 2:
        if "forgot-bias" in ids:
            return _Line("params", "weights", _fmt(w), w, (2,))
        return _Line("params", "weights + C_out", f"{_fmt(w)} + {c_out}", w + c_out, (2,))  # type: ignore[operator]
    if step == 3:
        if "input-size-for-macs" in ids:
            return _Line("macs", "weights × H_in × W_in", f"{_fmt(w)} × {n} × {n}", w * n * n, (2,))  # type: ignore[operator]
        if "macs-vs-flops" in ids:
            return _Line(
                "macs",
                "2 × weights × H_out × W_out",
                f"2 × {_fmt(w)} × {_fmt(o)} × {_fmt(o)}",
                2 * w * o * o,
                (1, 2),  # type: ignore[operator]
            )
        return _Line("macs", "weights × H_out × W_out", f"{_fmt(w)} × {_fmt(o)} × {_fmt(o)}", w * o * o, (1, 2))  # type: ignore[operator]
    macs = values[3]
    if count == "flops+bias" and layer.bias:
        return _Line(
            "flops+bias",
            "2 × MACs + C_out × H_out × W_out",
            f"2 × {_fmt(macs)} + {c_out} × {_fmt(o)} × {_fmt(o)}",
            2 * macs + c_out * o * o,  # type: ignore[operator]
            (1, 4),
        )
    return _Line("flops", "2 × MACs", f"2 × {_fmt(macs)}", 2 * macs, (4,))  # type: ignore[operator]


def _pool_lines(layer: Layer, ids: frozenset[str], values: list[object], count: str = "macs") -> _Line:
    """The next line of a max-pooling chain, given the values shown so far."""
    k, s, c, n = layer.kernel[0], layer.stride[0], layer.in_channels, layer.spatial[0]
    step = len(values)
    if step == 0:
        return _output_line(layer, ids)
    o = values[0]
    if step == 1:
        if "pool-stride-twice" in ids:
            sub = f"⌈{_fmt(o)}/{s}⌉ × ⌈{_fmt(o)}/{s}⌉"
            side = _ceil(_q(o, s))
            if "pool-forgot-channels" in ids:
                return _Line("windows", "⌈H_out/S⌉ × ⌈W_out/S⌉", sub, side * side, (1,))
            return _Line("windows", "C × ⌈H_out/S⌉ × ⌈W_out/S⌉", f"{c} × {sub}", c * side * side, (1,))
        if "pool-windows-from-input" in ids:
            return _Line(
                "windows",
                "C × (H_in/S) × (W_in/S)",
                f"{c} × ({n}/{s}) × ({n}/{s})",
                c * _q(n, s) * _q(n, s),  # type: ignore[operator]
            )
        if "pool-forgot-channels" in ids:
            return _Line("windows", "H_out × W_out", f"{_fmt(o)} × {_fmt(o)}", o * o, (1,))  # type: ignore[operator]
        return _Line("windows", "C × H_out × W_out", f"{c} × {_fmt(o)} × {_fmt(o)}", c * o * o, (1,))  # type: ignore[operator]
    if step == 2:
        windows = values[1]
        if "pool-k2-comparisons" in ids:
            return _Line("comparisons", "windows × K·K", f"{_fmt(windows)} × {k}·{k}", windows * k * k, (2,))  # type: ignore[operator]
        return _Line(
            "comparisons",
            "windows × (K·K - 1)",
            f"{_fmt(windows)} × ({k}·{k} - 1)",
            windows * (k * k - 1),
            (2,),  # type: ignore[operator]
        )
    return _Line("output_bytes", "4 × H_out × W_out × C", f"4 × {_fmt(o)} × {_fmt(o)} × {c}", 4 * o * o * c, (1,))  # type: ignore[operator]


def _whole_line(line: _Line) -> _Line:
    """A whole Fraction becomes an int, so it prints and compares as one."""
    v = line.value
    return line._replace(value=v.numerator) if isinstance(v, Fraction) and v.denominator == 1 else line


def _chain(layer: Layer, ids: frozenset[str], count: str = "macs") -> list[_Line]:
    """The whole chain under ``ids`` (empty: the right solution); each line computed from the lines before."""
    make = _pool_lines if layer.is_pool else _conv_lines
    lines: list[_Line] = []
    values: list[object] = []
    for _i in range(4 if layer.is_pool else 5):
        line = _whole_line(make(layer, ids, values, count))
        lines.append(line)
        values.append(line.value)
    return lines


def _wrong_line(layer: Layer, ids: frozenset[str], count: str = "macs") -> int | None:
    """The one line that applies the misconception: the first whose value differs when all before it are right."""
    right = _chain(layer, frozenset(), count)
    for i in range(len(right)):
        make = _pool_lines if layer.is_pool else _conv_lines
        line = _whole_line(make(layer, ids, [r.value for r in right[:i]], count))
        if line.value != right[i].value:
            return i
    return None


def spot_error_problem(rng: random.Random, difficulty: int, count: str) -> Problem:
    """A worked solution with exactly one wrong step (later steps carry its value visibly); find it, fix it."""
    for _attempt in range(200):
        family, ids = rng.choice(SCENARIOS[difficulty])
        try:
            layer = spec.parse(_scenario_spec(rng, family, difficulty))
        except QuizgenError:
            continue
        flags = frozenset(ids)
        wrong_at = _wrong_line(layer, flags, count)
        if (wrong_at is not None and wrong_at > 0) or (wrong_at == 0 and _positive_chain(layer, flags)):
            break
    else:  # pragma: no cover
        raise AssertionError("no spot-the-error scenario applied")
    assert wrong_at is not None
    right = _chain(layer, frozenset(), count)
    make = _pool_lines if layer.is_pool else _conv_lines
    shown: list[_Line] = []
    for i in range(len(right)):
        # Lines before the error are right; the error line applies the misconception; later lines apply the
        # right formula to the values shown before them.
        line = _whole_line(make(layer, flags if i == wrong_at else frozenset(), [x.value for x in shown], count))
        shown.append(line)
    bad = {wrong_at}
    statuses = []
    for i, line in enumerate(shown):
        if i == wrong_at:
            statuses.append("wrong")
        elif i > wrong_at and any(u - 1 in bad for u in line.uses):
            bad.add(i)
            statuses.append("carried")
        else:
            statuses.append("right")
    lines = tuple(
        FlawedLine(
            i + 1,
            _(_CHAIN_LABELS[line.quantity]),
            line.quantity,
            line.formula,
            line.substituted,
            line.value,  # type: ignore[arg-type]
            _fmt(line.value),
            status,
            line.uses,
        )
        for i, (line, status) in enumerate(zip(shown, statuses))
    )
    why = M.explain_combo(layer, ids)
    step_wrongs = []
    for ln in lines[wrong_at + 1 :]:
        if ln.status == "carried":
            source = next(u for u in ln.uses if lines[u - 1].status != "right")
            step_wrongs.append(
                Wrong(
                    ln.number,
                    ("carried-error",),
                    _("step {n} applies the right formula to the wrong value carried from step {m}").format(
                        n=ln.number, m=source
                    ),
                )
            )
        else:
            step_wrongs.append(Wrong(ln.number, ("correct-step",), _("this step is right")))
    step_wrongs.sort(key=lambda w: w.ids != ("carried-error",))
    step_wrongs += [Wrong(ln.number, ("correct-step",), _("this step is right")) for ln in lines[:wrong_at]]
    step_part = Part(
        _("Number of the wrong step"),
        "step",
        wrong_at + 1,
        tuple(step_wrongs),
        hint=_("Check each step in order; a later step can be wrong only because it uses an earlier wrong value."),
    )
    fixed = right[wrong_at]
    flawed_value = lines[wrong_at].value
    value_wrongs = [Wrong(flawed_value, ids, why)] if isinstance(flawed_value, int) else []
    for w in _catalogue_wrongs(layer, fixed.quantity, fixed.value):
        if w.value not in [x.value for x in value_wrongs]:
            value_wrongs.append(w)
    value_part = Part(
        _("Right value of that step"),
        fixed.quantity,
        fixed.value,  # type: ignore[arg-type]
        tuple(value_wrongs),
    )
    sol = solve(layer)
    chain_q = {"output_size": "output"}
    wanted = {chain_q.get(x.quantity, x.quantity) for x in right} | {"weights", "bias"}
    steps = [st for st in explain(sol) if st.quantity in wanted]
    if "flops+bias" in wanted:
        steps = [st for st in steps if st.quantity != "flops"] + [bias_adds_step(sol)]
    carried = [str(ln.number) for ln in lines if ln.status == "carried"]
    if not carried:
        title = _("The error is step {n}: {why}. Step {n} done right").format(n=wrong_at + 1, why=why)
    elif len(carried) == 1:
        title = _(
            "The error is step {n}: {why}. Step {carried} applies the right formula to the wrong value it carries. "
            "Step {n} done right"
        ).format(n=wrong_at + 1, why=why, carried=carried[0])
    else:
        title = _(
            "The error is step {n}: {why}. Steps {carried} apply the right formula to the wrong value they carry. "
            "Step {n} done right"
        ).format(n=wrong_at + 1, why=why, carried=_(", ").join(carried))
    steps.append(_step(title, fixed.formula, fixed.substituted, _fmt(fixed.value), quantity="step"))
    text = _(
        "A student solved this layer and wrote the steps below. {layer} Which step is the first wrong one, and "
        "what is its right value?"
    ).format(layer=describe(layer))
    if not layer.is_pool:
        last = right[-1].quantity
        text = sentences(text, _(_CHAIN_CONVENTION[last]))
    return Problem(
        "spot-error",
        _title("spot-error"),
        difficulty,
        text,
        (step_part, value_part),
        tuple(steps),
        spec=spec.format_layer(layer),
        flawed=tuple((f"{ln.number}. {ln.label}", ln.working) for ln in lines),
        layer=layer,
        flawed_lines=lines,
    )


def _catalogue_wrongs(layer: Layer, quantity: str, answer: object) -> list[Wrong]:
    """Other wrong values of a chain line from the misconception catalogue (one side, for the output size)."""
    from quizgen.problems import wrongs_for

    if quantity != "output_size":
        return list(wrongs_for(layer, quantity, answer))  # type: ignore[arg-type]
    square = [w for w in wrongs_for(layer, "output", solve(layer).output_shape) if len(set(w.value[:-1])) == 1]  # type: ignore[index]
    return [w._replace(value=w.value[0]) for w in square if w.value[0] != answer]  # type: ignore[index]


def _positive_chain(layer: Layer, ids: frozenset[str]) -> bool:
    """The flawed output size is positive, so the carried lines stay meaningful."""
    make = _pool_lines if layer.is_pool else _conv_lines
    return make(layer, ids, []).value > 0  # type: ignore[operator]
