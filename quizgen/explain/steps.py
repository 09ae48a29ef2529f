"""Worked steps and notes: a :class:`~quizgen.solver.Solution` explained.

Each step carries the formula, the numbers put in and the result, in plain
text for the terminal and in LaTeX for the renderers.  Notes flag what the
seed post stumbles on: inexact divisions, floor versus ceil, asymmetric
``same`` padding, fractional pooling counts and framework differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod
from typing import NamedTuple

from quizgen.arith import geometry
from quizgen.arith import layers as L
from quizgen.arith.solver import Solution
from quizgen.i18n import N_, _


class Step(NamedTuple):
    """One worked step: ``formula`` with ``substituted`` numbers gives ``result``."""

    title: str
    formula: str
    substituted: str
    result: str
    formula_tex: str
    substituted_tex: str
    quantity: str = ""

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "formula": self.formula,
            "substituted": self.substituted,
            "result": self.result,
            "latex": {"formula": self.formula_tex, "substituted": self.substituted_tex},
            "quantity": self.quantity,
        }


#: The worked steps shown with each quantity's answer.
RELATED_STEPS = {
    "output": {"output"},
    "params": {"weights", "bias", "params", "trainable", "non_trainable"},
    "weights": {"weights"},
    "macs": {"output", "weights", "macs"},
    "flops": {"output", "weights", "macs", "flops"},
    "flops+bias": {"output", "weights", "macs", "flops"},
    "windows": {"output", "windows"},
    "comparisons": {"output", "windows", "comparisons"},
    "additions": {"output", "windows", "additions"},
    "divisions": {"output", "windows", "divisions"},
    "output_bytes": {"output", "output_bytes"},
    "params_bytes": {"weights", "bias", "params", "params_bytes"},
}


def steps_for(steps: Sequence[Step], quantity: str) -> list[Step]:
    """The worked steps that lead to one part's answer (the drill's and the practice page's solution)."""
    wanted = RELATED_STEPS.get(quantity, {quantity})
    return [st for st in steps if st.quantity in wanted or not st.quantity] or list(steps)


def num(n: int | float) -> str:
    """A count with thousands separators: ``34,848``."""
    return f"{n:,}"


def _tex_num(n: int) -> str:
    """A count for LaTeX: ``\\text{34,848}``, so MathML shows one number, not "34, 848"."""
    return rf"\text{{{n:,}}}" if n >= 1000 else str(n)


def _times(values: list | tuple, tex: bool = False) -> str:
    return (r" \times " if tex else " × ").join(map(str, values))


_AXIS_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}
_AXIS_WORDS = {"L": N_("length"), "D": N_("depth"), "H": N_("height"), "W": N_("width")}


def _abbrev(values: tuple[int, ...], sep: str = ", ", limit: int = 12) -> str:
    """A list of numbers, shortened in the middle when long: ``3, 2, 3, …, 2, 3 (1,000 values)``."""
    if len(values) <= limit:
        return sep.join(map(str, values))
    head, tail = sep.join(map(str, values[:4])), sep.join(map(str, values[-2:]))
    return f"{head}{sep}…{sep}{tail} ({len(values):,} values)"


_TEX_WORDS = (
    N_("MACs"),
    N_("bias adds"),
    N_("biases"),
    N_("elements"),
    N_("input"),
    N_("params"),
    N_("sizes"),
    N_("size"),
    N_("weights"),
    N_("windows"),
)


def _tw(word: str) -> str:
    """A word inside LaTeX ``\\text{}``, translated."""
    return _(word)


def _axes(sol: Solution) -> tuple[str, ...]:
    return _AXIS_NAMES[len(sol.layer.spatial)]


def _dim_groups(sol: Solution) -> list[tuple[list[int], tuple]]:
    """Group spatial dimensions whose inputs and hyper-parameters are identical."""
    layer = sol.layer
    groups: dict[tuple, list[int]] = {}
    for i in range(len(layer.spatial)):
        key = (
            layer.spatial[i],
            layer.kernel[i] if layer.kernel else None,
            layer.stride[i] if layer.stride else None,
            sol.padding[i] if sol.padding else None,
            layer.dilation[i] if layer.dilation else (1 if layer.has_kernel else None),
            layer.output_padding[i] if layer.output_padding else None,
            layer.output_size[i] if layer.output_size else None,
        )
        groups.setdefault(key, []).append(i)
    return [(dims, key) for key, dims in groups.items()]


def _dims_title(sol: Solution, dims: list[int]) -> str:
    names = [_AXIS_WORDS[_axes(sol)[i]] for i in dims]
    return _("Output {dims}").format(dims=_(" and ").join(_(n) for n in names))


def explain(sol: Solution, layout: str = "hwc") -> list[Step]:
    """The worked steps for every quantity of ``sol``, in the order a student computes them.

    ``layout`` is the order shapes are written in: ``hwc`` (spatial sizes, then channels) or ``chw``
    (PyTorch's, channels first), as ``quizgen solve --layout`` prints them.
    """
    layer = sol.layer
    steps: list[Step] = []
    if layer.has_kernel:
        steps += _tag(_size_steps(sol), "output")
    elif layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        steps += _tag(_adaptive_steps(sol), "output")
    steps += _tag([_shape_step(sol, layout)], "output")
    if layer.family in (L.CONV, L.CONVT, L.LINEAR):
        steps += _tag(_param_steps(sol), "weights", "bias", "params")
        steps += _tag(_compute_steps(sol), "macs", "flops")
    elif layer.family == L.BATCHNORM:
        steps += _tag(_batchnorm_steps(sol), "trainable", "non_trainable", "macs")
    elif sol.pool is not None:
        is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
        steps += _tag(_pool_steps(sol), "windows", "comparisons" if is_max else "additions", "divisions")
    steps += _tag(_memory_steps(sol), "output_bytes", "params_bytes")
    return steps


def _tag(steps: list[Step], *quantities: str) -> list[Step]:
    """Label each step with the quantity it computes (the last label repeats)."""
    last = len(quantities) - 1
    return [step._replace(quantity=quantities[min(i, last)]) for i, step in enumerate(steps)]


def _size_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    steps: list[Step] = []
    for dims, (n, k, s, pad, d, op, _size) in _dim_groups(sol):
        title = _dims_title(sol, dims)
        out = sol.output_shape[dims[0]]
        if layer.family == L.CONVT:
            p = pad[0]
            formula = "(W - 1)·S - 2P + D·(K - 1) + OP + 1" if d > 1 else "(W - 1)·S - 2P + K + OP"
            tex = r"(W - 1)S - 2P + D(K - 1) + OP + 1" if d > 1 else r"(W - 1)S - 2P + K + OP"
            if d > 1:
                sub = f"({n} - 1)·{s} - 2·{p} + {d}·({k} - 1) + {op} + 1"
                sub_tex = rf"({n} - 1) \cdot {s} - 2 \cdot {p} + {d}({k} - 1) + {op} + 1"
            else:
                sub = f"({n} - 1)·{s} - 2·{p} + {k} + {op}"
                sub_tex = rf"({n} - 1) \cdot {s} - 2 \cdot {p} + {k} + {op}"
            steps.append(Step(title, formula, sub, str(out), tex, sub_tex))
            continue
        if layer.padding == L.SAME:
            steps.append(_same_padding_step(sol, dims, n, k, s, d, pad))
        steps.append(_conv_size_step(title, n, k, s, pad, d, layer.ceil_mode, out))
    return steps


def _same_padding_step(sol: Solution, dims: list[int], n: int, k: int, s: int, d: int, pad: tuple[int, int]) -> Step:
    keff = geometry.effective_kernel(k, d)
    out = -(-n // s)
    total = pad[0] + pad[1]
    names = _(" and ").join(_(_AXIS_WORDS[_axes(sol)[i]]) for i in dims)
    title = _("'same' padding ({dims}), TensorFlow's rule").format(dims=names)
    formula = "out = ceil(W/S); P_total = max((out - 1)·S + K - W, 0); P_before = floor(P_total/2)"
    tex = r"\lceil W/S \rceil,\quad P_{\text{total}} = \max((\text{out} - 1)S + K - W,\ 0)"
    sub = f"out = ceil({n}/{s}) = {out}; P_total = max(({out} - 1)·{s} + {keff} - {n}, 0) = {total}"
    sub_tex = rf"\lceil {n}/{s} \rceil = {out},\quad \max(({out} - 1) \cdot {s} + {keff} - {n},\ 0) = {total}"
    result = _("{before} before, {after} after").format(before=pad[0], after=pad[1])
    return Step(title, formula, sub, result, tex, sub_tex)


def _conv_size_step(title: str, n: int, k: int, s: int, pad: tuple[int, int], d: int, ceil: bool, out: int) -> Step:
    rounding, tex_open, tex_close = (
        ("ceil", r"\left\lceil", r"\right\rceil") if ceil else ("floor", r"\left\lfloor", r"\right\rfloor")
    )
    symmetric = pad[0] == pad[1]
    if d == 1 and symmetric:
        formula, tex = f"{rounding}((W - K + 2P)/S) + 1", rf"{tex_open}\frac{{W - K + 2P}}{{S}}{tex_close} + 1"
        top, top_tex = f"{n} - {k} + 2·{pad[0]}", rf"{n} - {k} + 2 \cdot {pad[0]}"
    elif d == 1:
        formula = f"{rounding}((W - K + P_before + P_after)/S) + 1"
        tex = rf"{tex_open}\frac{{W - K + P_{{before}} + P_{{after}}}}{{S}}{tex_close} + 1"
        top, top_tex = f"{n} - {k} + {pad[0]} + {pad[1]}", f"{n} - {k} + {pad[0]} + {pad[1]}"
    else:
        p_text = f"2·{pad[0]}" if symmetric else f"{pad[0]} + {pad[1]}"
        formula = f"{rounding}((W + 2P - D·(K - 1) - 1)/S) + 1"
        tex = rf"{tex_open}\frac{{W + 2P - D(K - 1) - 1}}{{S}}{tex_close} + 1"
        top = f"{n} + {p_text} - {d}·({k} - 1) - 1"
        p_tex = p_text.replace("·", r" \cdot ")
        top_tex = rf"{n} + {p_tex} - {d}({k} - 1) - 1"
    span = n + pad[0] + pad[1] - geometry.effective_kernel(k, d)
    q = -(-span // s) if ceil else span // s
    sub = f"{rounding}(({top})/{s}) + 1 = {rounding}({span}/{s}) + 1 = {q} + 1"
    sub_tex = rf"{tex_open}\frac{{{top_tex}}}{{{s}}}{tex_close} + 1 = {q} + 1"
    if ceil and q + 1 != out:
        sub += "; " + _("the last window would start in the right padding, so it is dropped")
        sub_tex += r"\ (\text{" + _("last window dropped") + "})"
    return Step(title, formula, sub, str(out), tex, sub_tex)


def _adaptive_steps(sol: Solution) -> list[Step]:
    assert sol.pool is not None
    steps = []
    for dims, key in _dim_groups(sol):
        n, size = key[0], key[-1]
        lengths = sol.pool.window_sizes[dims[0]]
        title = _("Adaptive windows along the {dims}").format(
            dims=_(" and ").join(_(_AXIS_WORDS[_axes(sol)[i]]) for i in dims)
        )
        formula = _("window i covers inputs floor(i·W/O) to ceil((i + 1)·W/O) - 1")
        tex = r"\left[\lfloor iW/O \rfloor,\ \lceil (i+1)W/O \rceil\right)"
        sub = f"W = {n}, O = {size}: " + _("lengths") + " " + _abbrev(lengths)
        sub_tex = rf"W = {n},\ O = {size}"
        steps.append(Step(title, formula, sub, _abbrev(lengths), tex, sub_tex))
    return steps


def _shape_step(sol: Solution, layout: str = "hwc") -> Step:
    layer = sol.layer
    shape = sol.output_shape
    if layer.family == L.FLATTEN:
        return Step(
            _("Output shape"),
            _("product of the input sizes"),
            _times(layer.input_shape),
            num(shape[0]),
            r"\prod \text{" + _tw("sizes") + r"}",
            _times(layer.input_shape, tex=True),
        )
    if layer.family == L.LINEAR:
        return Step(_("Output shape"), "out", str(layer.out), str(shape[0]), r"\text{out}", str(layer.out))
    if len(shape) == 1 or layer.family in (L.RELU, L.BATCHNORM):
        text = _times(shape)
        return Step(
            _("Output shape"),
            _("same as the input"),
            text,
            text,
            r"\text{" + _tw("input") + r"}",
            _times(shape, tex=True),
        )
    axes = _AXIS_NAMES[len(shape) - 1]
    c_name = "C_out" if layer.family in (L.CONV, L.CONVT) else "C"
    names = [f"{a}_out" for a in axes] + [c_name]
    texs = [rf"{a}_{{\text{{out}}}}" for a in axes] + [r"C_{\text{out}}" if c_name == "C_out" else "C"]
    if layout == "chw":  # channels first, as the shape is printed
        names, texs, shape = names[-1:] + names[:-1], texs[-1:] + texs[:-1], shape[-1:] + shape[:-1]
    formula, tex = _times(names), _times(texs, tex=True)
    return Step(_("Output shape"), formula, _times(shape), _times(shape), tex, _times(shape, tex=True))


def _kernel_symbols(sol: Solution) -> list[str]:
    return [f"K_{a.lower()}" for a in _axes(sol)]


def _param_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    p = sol.params
    assert layer.out is not None
    c_in, c_out, g = layer.in_channels, layer.out, layer.groups
    if layer.family == L.LINEAR:
        w = Step(
            _("Weights"),
            "in × out",
            _times([c_in, c_out]),
            num(p.weights),
            r"\text{in} \times \text{out}",
            _times([c_in, c_out], tex=True),
        )
    else:
        ks = _kernel_symbols(sol)
        if layer.family == L.CONV:
            syms = ks + (["(C_in/g)", "C_out"] if g > 1 else ["C_in", "C_out"])
            vals = [*layer.kernel, f"({c_in}/{g})" if g > 1 else c_in, c_out]
        else:
            syms = ks + (["C_in", "(C_out/g)"] if g > 1 else ["C_in", "C_out"])
            vals = [*layer.kernel, c_in, f"({c_out}/{g})" if g > 1 else c_out]
        tex_syms = [s.replace("C_in", r"C_{\text{in}}").replace("C_out", r"C_{\text{out}}") for s in syms]
        w = Step(
            _("Weights"), _times(syms), _times(vals), num(p.weights), _times(tex_syms, tex=True), _times(vals, tex=True)
        )
    if layer.bias and layer.family == L.LINEAR:
        b = Step(_("Biases"), _("one per output feature: out"), str(c_out), num(p.bias), r"\text{out}", str(c_out))
    elif layer.bias:
        b = Step(
            _("Biases"), _("one per output channel: C_out"), str(c_out), num(p.bias), r"C_{\text{out}}", str(c_out)
        )
    else:
        b = Step(_("Biases"), _("bias=false: none"), "0", "0", "0", "0")
    t = Step(
        _("Parameters"),
        _("weights + biases"),
        f"{num(p.weights)} + {num(p.bias)}",
        num(p.total),
        r"\text{" + _tw("weights") + r"} + \text{" + _tw("biases") + r"}",
        f"{_tex_num(p.weights)} + {_tex_num(p.bias)}",
    )
    return [w, b, t]


def _compute_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    if layer.family == L.LINEAR:
        macs = Step(
            _("MACs"),
            _("in × out (one multiply-accumulate per weight)"),
            _times([layer.in_channels, layer.out]),
            num(sol.macs),
            r"\text{in} \times \text{out}",
            _times([layer.in_channels, layer.out], tex=True),
        )
    else:
        axes = _axes(sol)
        if layer.family == L.CONV:
            where, sizes = [f"{a}_out" for a in axes], sol.output_shape[:-1]
            formula = _("weights × ") + _times(where)
            note = ""
        else:
            where, sizes = [f"{a}_in" for a in axes], layer.spatial
            formula = _("weights × ") + _times(where)
            note = _(" (each input element is scattered through the kernel)")
        tex_where = [w.replace("_out", r"_{\text{out}}").replace("_in", r"_{\text{in}}") for w in where]
        macs = Step(
            _("MACs") + note,
            formula,
            _times([num(sol.params.weights), *sizes]),
            num(sol.macs),
            r"\text{" + _tw("weights") + r"} \times " + _times(tex_where, tex=True),
            _times([_tex_num(sol.params.weights), *sizes], tex=True),
        )
    flops = Step(
        _("FLOPs"),
        _("2 × MACs (a multiply and an add)"),
        f"2 × {num(sol.macs)}",
        num(sol.flops),
        r"2 \times \text{" + _tw("MACs") + r"}",
        rf"2 \times {_tex_num(sol.macs)}",
    )
    return [macs, flops]


def bias_adds_step(sol: Solution) -> Step:
    """FLOPs with bias adds (``--count flops+bias``): 2·MACs plus one add per output element when there is a bias."""
    layer = sol.layer
    if not layer.bias:
        return Step(
            _("FLOPs with bias adds"),
            _("2 × MACs; bias=false, so no bias adds"),
            f"2 × {num(sol.macs)}",
            num(sol.flops_with_bias),
            r"2 \times \text{" + _tw("MACs") + r"}",
            rf"2 \times {_tex_num(sol.macs)}",
            "flops",
        )
    sizes = [layer.out] if layer.family == L.LINEAR else [layer.out, *sol.output_shape[:-1]]
    return Step(
        _("FLOPs with bias adds"),
        _("2 × MACs + one bias add per output element"),
        f"2 × {num(sol.macs)} + {_times(sizes)}",
        num(sol.flops_with_bias),
        r"2 \times \text{" + _tw("MACs") + r"} + \text{" + _tw("bias adds") + "}",
        rf"2 \times {_tex_num(sol.macs)} + " + _times(sizes, tex=True),
        "flops",
    )


def _batchnorm_steps(sol: Solution) -> list[Step]:
    c = sol.layer.in_channels
    p = sol.params
    return [
        Step(
            _("Trainable parameters"),
            _("2C (γ and β)"),
            f"2 × {c}",
            num(p.trainable),
            r"2C\ (\gamma, \beta)",
            rf"2 \times {c}",
        ),
        Step(
            _("Non-trainable parameters"),
            _("2C (running mean and variance)"),
            f"2 × {c}",
            num(p.non_trainable),
            r"2C",
            rf"2 \times {c}",
        ),
        Step(_("MACs"), _("0: at inference batchnorm folds into the preceding conv"), "0", "0", "0", "0"),
    ]


def _pool_steps(sol: Solution) -> list[Step]:
    layer, pool = sol.layer, sol.pool
    assert pool is not None
    c = layer.in_channels
    out_spatial = sol.output_shape[:-1]
    axes = _axes(sol)
    where = [f"{a}_out" for a in axes]
    steps = [
        Step(
            _("Pooling windows"),
            _("C × ") + _times(where) + _(" (one window per output element)"),
            _times([c, *out_spatial]),
            num(pool.windows),
            "C \\times " + _times([w.replace("_out", r"_{\text{out}}") for w in where], tex=True),
            _times([c, *out_spatial], tex=True),
        )
    ]
    is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
    if pool.window_size is not None:
        per = prod(pool.window_size)
        k_text = _times(pool.window_size)
        if is_max:
            steps.append(
                Step(
                    _("Comparisons"),
                    _("windows × (window elements - 1): the max of n values takes n - 1 comparisons"),
                    f"{num(pool.windows)} × ({k_text} - 1)",
                    num(pool.comparisons),
                    r"\text{" + _tw("windows") + r"} \times (n - 1)",
                    rf"{_tex_num(pool.windows)} \times ({per} - 1)",
                )
            )
        else:
            steps.append(
                Step(
                    _("Additions"),
                    _("windows × (window elements - 1): summing n values takes n - 1 additions"),
                    f"{num(pool.windows)} × ({k_text} - 1)",
                    num(pool.additions),
                    r"\text{" + _tw("windows") + r"} \times (n - 1)",
                    rf"{_tex_num(pool.windows)} \times ({per} - 1)",
                )
            )
    else:
        sums = " × ".join("(" + _abbrev(s, " + ") + ")" for s in pool.window_sizes)
        label, value = (_("Comparisons"), pool.comparisons) if is_max else (_("Additions"), pool.additions)
        steps.append(
            Step(
                label,
                _("Σ over windows of (window size - 1), using the real window sizes"),
                f"{c} × {sums} - {num(pool.windows)}",
                num(value),
                r"\sum (\text{" + _tw("size") + r"} - 1)",
                rf"{c} \times " + sums.replace("×", r"\times") + rf" - {_tex_num(pool.windows)}",
            )
        )
    if not is_max:
        steps.append(
            Step(
                _("Divisions"),
                _("one per window"),
                num(pool.windows),
                num(pool.divisions),
                r"\text{" + _tw("windows") + r"}",
                _tex_num(pool.windows),
            )
        )
    return steps


def _memory_steps(sol: Solution) -> list[Step]:
    steps = [
        Step(
            _("Output memory (fp32)"),
            _("4 bytes × output elements"),
            f"4 × {num(sol.output_elements)}",
            _("{n} bytes").format(n=num(sol.output_bytes)),
            r"4 \times \text{" + _tw("elements") + r"}",
            rf"4 \times {_tex_num(sol.output_elements)}",
        )
    ]
    if sol.params.total:
        steps.append(
            Step(
                _("Parameter memory (fp32)"),
                _("4 bytes × parameters"),
                f"4 × {num(sol.params.total)}",
                _("{n} bytes").format(n=num(sol.params_bytes)),
                r"4 \times \text{" + _tw("params") + r"}",
                rf"4 \times {_tex_num(sol.params.total)}",
            )
        )
    return steps


def notes(sol: Solution) -> list[str]:
    """Flags: inexact divisions, floor vs ceil, asymmetric ``same``, fractional pool counts, framework rules."""
    layer = sol.layer
    out: list[str] = []
    if layer.has_kernel and layer.family != L.CONVT:
        out += _division_notes(sol)
    if layer.padding == L.SAME:
        out += _same_notes(sol)
    if layer.family in (L.MAXPOOL, L.AVGPOOL):
        out += _fraction_notes(sol)
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX) and sol.pool and sol.pool.window_size is None:
        out.append(
            _(
                "Adaptive windows differ in size here ({sizes}), because an input size is not a multiple of the "
                "output size; the counts use the real sizes."
            ).format(sizes="; ".join(_abbrev(s) for s in sol.pool.window_sizes))
        )
    if layer.family == L.BATCHNORM:
        out.append(
            _(
                "Batchnorm is counted as 0 MACs: at inference it folds into the preceding conv. Unfolded it costs "
                "2 FLOPs per element: {n}."
            ).format(n=num(sol.elementwise_ops))
        )
    if layer.family == L.RELU:
        out.append(
            _("ReLU does one comparison per element ({n}); this is not counted as MACs.").format(
                n=num(sol.elementwise_ops)
            )
        )
    if layer.family == L.AVGPOOL and isinstance(layer.padding, tuple) and any(layer.padding):
        out.append(_("PyTorch's avg-pool divides by the whole window, padding included (count_include_pad=True)."))
    return out


def _division_notes(sol: Solution) -> list[str]:
    layer = sol.layer
    notes_: list[str] = []
    for dims, (n, k, s, pad, d, _op, _size) in _dim_groups(sol):
        span = n + pad[0] + pad[1] - geometry.effective_kernel(k, d)
        rest = span % s
        names = _(" and ").join(_(_AXIS_WORDS[_axes(sol)[i]]) for i in dims)
        if rest and not layer.ceil_mode:
            notes_.append(
                _(
                    "Inexact division along the {dims}: {span}/{s} = {value} is not whole. Floor keeps {q}, so "
                    "the last {rest} row(s)/column(s) of the padded input are never covered by a window."
                ).format(dims=names, span=span, s=s, value=f"{span / s:g}", q=span // s, rest=rest)
            )
        elif rest:
            notes_.append(
                _("Inexact division along the {dims}: {span}/{s} = {value} is rounded up by ceil mode.").format(
                    dims=names, span=span, s=s, value=f"{span / s:g}"
                )
            )
        if layer.is_pool and isinstance(layer.padding, tuple):
            floor_out = geometry.pool_out(n, k, s, pad, d, False)
            ceil_out = geometry.pool_out(n, k, s, pad, d, True)
            if floor_out != ceil_out:
                if layer.ceil_mode:
                    notes_.append(
                        _("Ceil mode gives {a} along the {dims}; floor mode (the default) would give {b}.").format(
                            a=ceil_out, b=floor_out, dims=names
                        )
                    )
                else:
                    notes_.append(
                        _(
                            "Floor mode (the default) gives {a} along the {dims}; with ceil=true it would be {b}."
                        ).format(a=floor_out, b=ceil_out, dims=names)
                    )
            elif layer.ceil_mode and -(-span // s) + 1 != ceil_out:
                notes_.append(_("Ceil mode's extra window would start in the right padding, so PyTorch drops it."))
    return notes_


def _same_notes(sol: Solution) -> list[str]:
    layer = sol.layer
    notes_ = []
    asym = [(i, pad) for i, pad in enumerate(sol.padding) if pad[0] != pad[1]]
    if asym:
        parts = ", ".join(f"{_(_AXIS_WORDS[_axes(sol)[i]])} {a}+{b}" for i, (a, b) in asym)
        notes_.append(
            _(
                "'same' padding is asymmetric here ({parts}): the odd pixel goes at the bottom/right, "
                "as in TensorFlow. PyTorch cannot express this with one padding number."
            ).format(parts=parts)
        )
    if any(s > 1 for s in layer.stride):
        notes_.append(
            _(
                "p=same with stride > 1 follows TensorFlow/Keras (output = ceil(in/s)); PyTorch refuses "
                "padding='same' with stride > 1."
            )
        )
    if layer.is_pool:
        notes_.append(_("PyTorch's pooling layers have no padding='same'; this is Keras's rule."))
    return notes_


def _fraction_notes(sol: Solution) -> list[str]:
    layer = sol.layer
    fractions: list[str] = []
    for n, o, s in zip(layer.spatial, sol.output_shape[:-1], layer.stride):
        for side, size in ((_("the input side"), n), (_("the output side"), o)):
            shown = _("{side} {size}/{s} = {value}").format(side=side, size=size, s=s, value=f"{size / s:g}")
            if size % s and shown not in fractions:
                fractions.append(shown)
    if not fractions:
        return []
    assert sol.pool is not None
    return [
        _(
            "Dividing a side by the stride to count windows would give a fraction here ({shown}): a pool has one "
            "window per output element, C × {where} = {n}."
        ).format(
            shown=_(", ").join(fractions), where=" × ".join(map(str, sol.output_shape[:-1])), n=num(sol.pool.windows)
        )
    ]


def to_dict_steps(steps: list[Step]) -> list[dict]:
    """Steps as JSON-ready dicts."""
    return [s.as_dict() for s in steps]
