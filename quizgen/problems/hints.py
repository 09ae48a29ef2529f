"""Hints of single-layer problems: a nudge toward the right rule for the layer, never the answer."""

from __future__ import annotations

from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.explain import misconceptions as M
from quizgen.i18n import _, sentences


def hint(layer: Layer, quantity: str) -> str:
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
        text = sentences(text, bias)
        return sentences(text, _("fp32 is 4 bytes per parameter.")) if quantity == "params_bytes" else text
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
            return sentences(macs, _("FLOPs = 2 × MACs."))
        if not layer.bias:
            return sentences(macs, _("FLOPs = 2 × MACs; bias=false, so there are no bias adds."))
        return sentences(macs, _("FLOPs = 2 × MACs, plus one bias add per output element."))
    if quantity in ("comparisons", "additions") and fam in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return _(
            "Window i (counting from 0) covers inputs floor(i·n/m) to ceil((i + 1)·n/m) - 1, so windows can differ "
            "in size; a window of k values takes k - 1 {ops}."
        ).format(ops=_("comparisons") if quantity == "comparisons" else _("additions"))
    hints = {
        "windows": _("One window per output element, in every channel."),
        "comparisons": _(
            "Count the windows, then the comparisons one window needs: how many to find the larger of 2 values? "
            "The largest of 3?"
        ),
        "additions": _("Count the windows, then the additions one window needs: how many to sum 2 values? 3 values?"),
        "divisions": _("One division per window."),
        "output_bytes": _("fp32 is 4 bytes per value."),
    }
    return hints.get(quantity, "")
