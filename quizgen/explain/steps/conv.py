"""Worked steps and notes of convolutions and linear layers: output size, weights, biases, MACs, FLOPs.

Notes flag what the seed post stumbles on: inexact divisions, floor versus ceil and asymmetric ``same`` padding.
"""

from __future__ import annotations

from quizgen.arith import geometry
from quizgen.arith import layers as L
from quizgen.arith.solver import Solution
from quizgen.explain.steps.core import AXIS_WORDS, Step, axes, dim_groups, dims_title, num, tex_num, times, tw
from quizgen.i18n import _


def size_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    steps: list[Step] = []
    for dims, (n, k, s, pad, d, op, _size) in dim_groups(sol):
        title = dims_title(sol, dims)
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
    names = _(" and ").join(_(AXIS_WORDS[axes(sol)[i]]) for i in dims)
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


def _kernel_symbols(sol: Solution) -> list[str]:
    return [f"K_{a.lower()}" for a in axes(sol)]


def param_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    p = sol.params
    assert layer.out is not None
    c_in, c_out, g = layer.in_channels, layer.out, layer.groups
    if layer.family == L.LINEAR:
        w = Step(
            _("Weights"),
            "in × out",
            times([c_in, c_out]),
            num(p.weights),
            r"\text{in} \times \text{out}",
            times([c_in, c_out], tex=True),
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
            _("Weights"), times(syms), times(vals), num(p.weights), times(tex_syms, tex=True), times(vals, tex=True)
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
        r"\text{" + tw("weights") + r"} + \text{" + tw("biases") + r"}",
        f"{tex_num(p.weights)} + {tex_num(p.bias)}",
    )
    return [w, b, t]


def compute_steps(sol: Solution) -> list[Step]:
    layer = sol.layer
    if layer.family == L.LINEAR and len(layer.input_shape) == 1:
        macs = Step(
            _("MACs"),
            _("in × out (one multiply-accumulate per weight)"),
            times([layer.in_channels, layer.out]),
            num(sol.macs),
            r"\text{in} \times \text{out}",
            times([layer.in_channels, layer.out], tex=True),
        )
    elif layer.family == L.LINEAR:
        positions = layer.input_shape[:-1]
        macs = Step(
            _("MACs"),
            _("positions × in × out (the same weights at each of the {positions} positions)").format(
                positions=times(positions)
            ),
            times([*positions, layer.in_channels, layer.out]),
            num(sol.macs),
            r"\text{positions} \times \text{in} \times \text{out}",
            times([*positions, layer.in_channels, layer.out], tex=True),
        )
    else:
        names = axes(sol)
        if layer.family == L.CONV:
            where, sizes = [f"{a}_out" for a in names], sol.output_shape[:-1]
            formula = _("weights × ") + times(where)
            note = ""
        else:
            where, sizes = [f"{a}_in" for a in names], layer.spatial
            formula = _("weights × ") + times(where)
            note = _(" (each input element is scattered through the kernel)")
        tex_where = [w.replace("_out", r"_{\text{out}}").replace("_in", r"_{\text{in}}") for w in where]
        macs = Step(
            _("MACs") + note,
            formula,
            times([num(sol.params.weights), *sizes]),
            num(sol.macs),
            r"\text{" + tw("weights") + r"} \times " + times(tex_where, tex=True),
            times([tex_num(sol.params.weights), *sizes], tex=True),
        )
    return [macs, flops_step(sol)]


def flops_step(sol: Solution) -> Step:
    """FLOPs = 2 × MACs."""
    return Step(
        _("FLOPs"),
        _("2 × MACs (a multiply and an add)"),
        f"2 × {num(sol.macs)}",
        num(sol.flops),
        r"2 \times \text{" + tw("MACs") + r"}",
        rf"2 \times {tex_num(sol.macs)}",
    )


def bias_adds_step(sol: Solution) -> Step:
    """FLOPs with bias adds (``--count flops+bias``): 2·MACs plus one add per output element when there is a bias."""
    layer = sol.layer
    if not layer.bias:
        return Step(
            _("FLOPs with bias adds"),
            _("2 × MACs; bias=false, so no bias adds"),
            f"2 × {num(sol.macs)}",
            num(sol.flops_with_bias),
            r"2 \times \text{" + tw("MACs") + r"}",
            rf"2 \times {tex_num(sol.macs)}",
            "flops",
        )
    if layer.family == L.LINEAR:
        sizes = [*layer.input_shape[:-1], layer.out]
    elif layer.family in (L.CONV, L.CONVT):
        sizes = [layer.out, *sol.output_shape[:-1]]
    else:  # token layers: the biases of one token, at each token
        sizes = [sol.params.bias, sol.output_shape[0]]
    return Step(
        _("FLOPs with bias adds"),
        _("2 × MACs + one bias add per output element"),
        f"2 × {num(sol.macs)} + {times(sizes)}",
        num(sol.flops_with_bias),
        r"2 \times \text{" + tw("MACs") + r"} + \text{" + tw("bias adds") + "}",
        rf"2 \times {tex_num(sol.macs)} + " + times(sizes, tex=True),
        "flops",
    )


def division_notes(sol: Solution) -> list[str]:
    layer = sol.layer
    notes_: list[str] = []
    for dims, (n, k, s, pad, d, _op, _size) in dim_groups(sol):
        span = n + pad[0] + pad[1] - geometry.effective_kernel(k, d)
        rest = span % s
        names = _(" and ").join(_(AXIS_WORDS[axes(sol)[i]]) for i in dims)
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


def same_notes(sol: Solution) -> list[str]:
    layer = sol.layer
    notes_ = []
    asym = [(i, pad) for i, pad in enumerate(sol.padding) if pad[0] != pad[1]]
    if asym:
        parts = ", ".join(f"{_(AXIS_WORDS[axes(sol)[i]])} {a}+{b}" for i, (a, b) in asym)
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
