"""Samplers for kinds that span several layers or invert a formula.

Depthwise-separable against standard, inverse problems (find p, s or k),
network traces, receptive fields, and spot-the-error worked solutions.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction

from quizgen import draws, receptive, spec
from quizgen import misconceptions as M
from quizgen.i18n import N_, _, sentences
from quizgen.kinds import COMPUTE_QUANTITY, LABELS, REGISTRY, conventions_for, describe, shape_words
from quizgen.layers import Layer
from quizgen.network import solve_stack
from quizgen.problems import Part, Problem, Wrong, fmt_value
from quizgen.solver import solve, value_of
from quizgen.steps import Step, explain, num


def _title(kind_id: str) -> str:
    return _(REGISTRY[kind_id].title)


def _step(
    title: str, formula: str, substituted: str, result: str, tex: str = "", sub_tex: str = "", quantity: str = ""
) -> Step:
    return Step(title, formula, substituted, result, tex or _text(formula), sub_tex or _text(substituted), quantity)


def _text(plain: str) -> str:
    """Plain working as LaTeX text; characters that are special in TeX become harmless ones."""
    if not plain:
        return ""
    safe = plain.translate(
        str.maketrans(
            {
                "{": "(",
                "}": ")",
                "\\": "/",
                "_": " ",
                "%": " percent",
                "&": "and",
                "#": "no.",
                "$": "",
                "^": "",
                "~": " ",
            }
        )
    )
    return rf"\text{{{safe}}}"


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
    text = _(
        "A standard {k} × {k} convolution maps a {s} × {s} × {m} input to {n} channels ('same' padding, no "
        "bias). MobileNet replaces it with a {k} × {k} depthwise convolution followed by a 1 × 1 pointwise "
        "convolution, also without bias."
    ).format(k=k, s=size, m=m, n=n)
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
        text = _(
            "A {k} × {k} convolution with stride 2 and TensorFlow's 'same' padding takes a {n} × {n} × {c} "
            "input, so its output is ceil({n}/2) = {o} on a side. How many rows of padding go on the top, and "
            "how many on the bottom?"
        ).format(k=k, n=n, c=ch, o=sol.output_shape[0])
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
    text = (
        _("A conv2d layer with {given} maps a {n} × {n} × {c} input to a {o} × {o} × {oc} output.").format(
            given=given, n=n, c=cin, o=out, oc=cout
        )
        + " "
        + question
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
    text = _(
        "Trace this stack on a {inp} input: fill in each layer's output shape and parameter count, then the "
        "total. Batchnorm counts γ, β and its running mean and variance."
    ).format(inp=shape_words(first.input_shape))
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
    steps = [_step(_("Start"), "r = 1, j = 1", "", "r = 1, j = 1", quantity="receptive_field")]
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
        "How many input pixels along one side does one pixel of the last layer's output see (its receptive "
        "field)? Dilation d makes a kernel span d·(K - 1) + 1 pixels."
    )
    part = Part(
        _("Receptive field (pixels along one side)"),
        "receptive_field",
        answer,
        tuple(wrongs),
        hint=_("Keep a running jump j (the product of the strides so far); each layer adds (K_eff - 1)·j."),
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

_CONV_CHAIN = ("output", "params", "macs", "flops")
_POOL_CHAIN = ("output", "windows", "comparisons", "output_bytes")
_CORRECT_FORMULA = {
    "output": "floor((W - K + 2P)/S) + 1",
    "params": "K·K·C_in·C_out + C_out",
    "macs": "K·K·C_in·C_out·H_out·W_out",
    "flops": "2·MACs",
    "windows": "C·H_out·W_out",
    "comparisons": "windows·(K·K - 1)",
    "output_bytes": "4·H_out·W_out·C",
}
_FLAWED_FORMULA = {
    "precedence": {"output": "W - K + 2P/S + 1"},
    "no-floor": {"output": "(W - K + 2P)/S + 1"},
    "padding-once": {"output": "floor((W - K + P)/S) + 1"},
    "ignored-dilation": {"output": "floor((W - K + 2P)/S) + 1 with K = {k}"},
    "forgot-bias": {"params": "K·K·C_in·C_out"},
    "forgot-in-channels": {"params": "K·K·C_out + C_out", "macs": "K·K·C_out·H_out·W_out"},
    "ignored-groups": {"params": "K·K·C_in·C_out + C_out", "macs": "K·K·C_in·C_out·H_out·W_out"},
    "input-size-for-macs": {"macs": "K·K·C_in·C_out·H_in·W_in"},
    "macs-vs-flops": {"macs": "2·K·K·C_in·C_out·H_out·W_out"},
    "pool-windows-from-input": {"windows": "C·(W_in/S)·(H_in/S)"},
    "pool-forgot-channels": {"windows": "H_out·W_out"},
    "pool-stride-twice": {"windows": "C·(H_out/S)·(W_out/S)"},
    "pool-k2-comparisons": {"comparisons": "windows·K·K"},
}
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
_SCENARIO_SPECS = {
    "conv": [
        "conv2d in=227x227x3 out=96 k=11 s=4",
        "conv2d in=224x224x3 out=64 k=3 s=2 p=1",
        "conv2d in=32x32x16 out=32 k=5 p=2",
        "conv2d in=56x56x64 out=128 k=3 s=2 p=1",
    ],
    "pool": [
        "maxpool2d in=55x55x96 k=3 s=2",
        "maxpool2d in=27x27x256 k=3 s=2",
        "maxpool2d in=13x13x256 k=3 s=2",
        "maxpool2d in=112x112x64 k=3 s=2 p=1",
    ],
    "dilated": ["conv2d in=64x64x32 out=32 k=3 d=2", "conv2d in=65x65x256 out=256 k=3 d=4 p=2"],
    "grouped": ["conv2d in=56x56x128 out=128 k=3 p=1 g=32", "conv2d in=112x112x32 out=32 k=3 p=1 g=32"],
    "inexact": ["conv2d in=224x224x3 out=64 k=7 s=2 p=2", "conv2d in=227x227x3 out=64 k=4 s=2"],
}


def spot_error_problem(rng: random.Random, difficulty: int, count: str) -> Problem:
    """A worked solution with one wrong step (later steps carry the error); find it and give the right value."""
    for _attempt in range(100):
        family, ids = rng.choice(SCENARIOS[difficulty])
        layer = spec.parse(rng.choice(_SCENARIO_SPECS[family]))
        chain = _POOL_CHAIN if layer.is_pool else _CONV_CHAIN
        flags = frozenset(ids)
        sol = solve(layer)
        right = [value_of(sol, q) for q in chain]
        flawed = []
        for q in chain:
            if q == "output_bytes":
                out = M.wrong_values(layer, "output", flags)[0]
                flawed.append(4 * _prod(out))
            else:
                flawed.append(M.wrong_values(layer, q, flags)[0])
        wrong_at = next((i for i, (a, b) in enumerate(zip(right, flawed)) if not _same(a, b)), None)
        if wrong_at is not None:
            break
    else:  # pragma: no cover
        raise AssertionError("no spot-the-error scenario applied")
    context = M.context(layer)
    lines = []
    for i, q in enumerate(chain):
        formula = _CORRECT_FORMULA[q]
        if i == wrong_at:
            formula = next((_FLAWED_FORMULA[m][q] for m in ids if q in _FLAWED_FORMULA.get(m, {})), formula)
            formula = formula.format(**context)
        label = _(_CHAIN_LABELS[q])
        lines.append((f"{i + 1}. {label}", f"{formula} = {_show(flawed[i])}"))
    q = chain[wrong_at]
    why = M.explain_combo(layer, ids)
    step_part = Part(
        _("Number of the wrong step"),
        "step",
        wrong_at + 1,
        tuple(
            Wrong(j + 1, ("carried-error",), _("this step only carries an earlier error forward"))
            if not _same(right[j], flawed[j])
            else Wrong(j + 1, ("correct-step",), _("this step is right"))
            for j in range(wrong_at + 1, len(chain))
        )
        + tuple(Wrong(j + 1, ("correct-step",), _("this step is right")) for j in range(wrong_at)),
        hint=_("Check each step in order; a later step can be wrong only because it uses an earlier wrong value."),
    )
    value_part = Part(
        _("Right value of that step"),
        q,
        right[wrong_at],
        (Wrong(flawed[wrong_at], ids, why),) if _is_whole(flawed[wrong_at]) else (),
    )
    steps = [s for s in explain(sol) if s.quantity in chain or s.quantity in ("weights", "bias")]
    steps.append(_step(_("The error"), " + ".join(ids), _show(flawed[wrong_at]), why, quantity="step"))
    text = _(
        "A student solved this layer and wrote the steps below. {layer} Which step is the first wrong one, and "
        "what is its right value? MACs are multiply-accumulates, bias adds not counted; FLOPs = 2 × MACs."
    ).format(layer=describe(layer))
    return Problem(
        "spot-error",
        _title("spot-error"),
        difficulty,
        text,
        (step_part, value_part),
        tuple(steps),
        spec=spec.format_layer(layer),
        flawed=tuple(lines),
        layer=layer,
    )


_CHAIN_LABELS = {
    "output": N_("Output size"),
    "params": N_("Parameters"),
    "macs": N_("MACs"),
    "flops": N_("FLOPs"),
    "windows": N_("Pooling windows"),
    "comparisons": N_("Comparisons"),
    "output_bytes": N_("Output memory (bytes, fp32)"),
}


def _prod(shape: object) -> object:
    total: object = 1
    for x in shape:  # type: ignore[attr-defined]
        total = total * x  # type: ignore[operator]
    return total


def _same(a: object, b: object) -> bool:
    return a == b


def _is_whole(v: object) -> bool:
    if isinstance(v, tuple):
        return all(_is_whole(x) for x in v)
    return not isinstance(v, Fraction) or v.denominator == 1


def _show(v: object) -> str:
    if isinstance(v, tuple):
        return " × ".join(_show(x) for x in v)
    return fmt_value(v)  # type: ignore[arg-type]
