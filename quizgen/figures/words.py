"""The words of a grid figure: its title, its description (caption lines) and its labels.

Every sentence is generated from the layer and from what is drawn (how many window positions, whether
cells are dropped, whether the figure slides), so that it is true of the figure it goes with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizgen.arith import geometry
from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.arith.solver import output_spatial
from quizgen.i18n import _, a_an, sentences

if TYPE_CHECKING:
    from quizgen.figures.model import Axis, Grid


def dims(layer: Layer) -> tuple[tuple[int, ...], ...]:
    """Per spatial axis: (n, k, s, d, pad_before, pad_after, op)."""
    pads = L.resolved_padding(layer)
    dilation = layer.dilation or (1,) * layer.ndim
    op = layer.output_padding or (0,) * layer.ndim
    return tuple(
        (n, k, s, d, pb, pa, o)
        for n, k, s, d, (pb, pa), o in zip(layer.spatial, layer.kernel, layer.stride, dilation, pads, op)
    )


def _size(rows: int, cols: int, one_d: bool) -> str:
    return str(cols) if one_d else f"{rows}×{cols}"


def grid_words(
    layer: Layer,
    rows: Axis,
    cols: Axis,
    *,
    answer: bool,
    transposed: bool,
    positions: int,
    dropped: bool,
    animate: bool,
) -> tuple[str, str, tuple[str, ...]]:
    """The title, the description and its sentences (the caption) of a grid figure.

    ``positions`` is the number of window positions drawn (1 or 2), ``dropped`` whether cells that no
    window reaches are marked, ``animate`` whether the window slides over every position.
    """
    one_d = layer.ndim == 1
    spatial = spatial_in = layer.spatial if layer.ndim < 3 else layer.spatial[1:]
    if one_d:
        spatial_in = (1, spatial[0])
    n_in = _size(spatial[0], spatial[-1], one_d)
    kernel = layer.kernel if layer.ndim < 3 else layer.kernel[1:]
    k = _size(kernel[0], kernel[-1], one_d)
    out = _size(rows.out, cols.out, one_d) if answer else "?"
    drawn = _size(rows.size, cols.size, one_d)
    t_in, t_k, t_out = n_in, k, out
    if layer.ndim == 3:  # the title gives the depth too: D×H×W
        t_in, t_k = f"{layer.spatial[0]}×{n_in}", f"{layer.kernel[0]}×{k}"
        t_out = f"{output_spatial(layer)[0]}×{out}" if answer else "?"
    if one_d:
        title = (
            _("{name}: input length {n_in}, window {k}, output length {out}")
            if layer.is_pool
            else _("{name}: input length {n_in}, kernel {k}, output length {out}")
        ).format(name=layer.name, n_in=t_in, k=t_k, out=t_out)
    elif layer.is_pool:
        title = _("{name}: a {n_in} input, a {k} window, output {out}").format(
            name=layer.name, n_in=t_in, k=t_k, out=t_out
        )
    else:
        title = _("{name}: a {n_in} input, a {k} kernel, output {out}").format(
            name=layer.name, n_in=t_in, k=t_k, out=t_out
        )
    title = a_an(title)  # "an 8×8 input", "an 11×11 kernel"
    parts = []
    dims_ = dims(layer)
    s = L.fmt_tuple(tuple(x[2] for x in dims_))
    d = L.fmt_tuple(tuple(x[3] for x in dims_))
    p = L.fmt_tuple(tuple(x[4] for x in dims_))
    if transposed:
        op = L.fmt_tuple(tuple(x[6] for x in dims_))
        zeros = L.fmt_tuple(tuple(x[2] - 1 for x in dims_))
        implicit = L.fmt_tuple(tuple(x[3] * (x[1] - 1) - x[4] for x in dims_))
        k_text = L.fmt_tuple(tuple(x[1] for x in dims_))
        if any(x[2] > 1 for x in dims_):
            over = _("over the input stretched to {drawn}").format(drawn=drawn)
        elif (rows.size, cols.size) == (spatial_in[0], spatial_in[-1]):
            over = _("over the input itself (no zeros to insert, no implicit padding)")
        else:
            over = _("over the input padded to {drawn}").format(drawn=drawn)
        parts.append(
            _(
                "The transposed convolution (s={s}, p={p}) is drawn as a direct convolution with stride 1 {over}."
            ).format(s=s, p=p, over=over)
        )
        if any(x[2] > 1 for x in dims_):
            parts.append(
                _("Zeros inserted between neighbouring inputs: s − 1 = {s} − 1 = {zeros}.").format(zeros=zeros, s=s)
            )
        if all(x[3] == 1 for x in dims_):
            formula = _("k − p − 1 = {k} − {p} − 1 = {implicit}").format(k=k_text, p=p, implicit=implicit)
        else:
            formula = _("d·(k − 1) − p = {d}·({k} − 1) − {p} = {implicit}").format(
                d=d, k=k_text, p=p, implicit=implicit
            )
        parts.append(_("Implicit padding on each side: {formula}.").format(formula=formula))
        if any(x[6] for x in dims_):
            parts.append(_("The output padding op={op} adds that many more on the bottom and right.").format(op=op))
    else:
        pad_text = _("no padding") if all(x[4] == 0 and x[5] == 0 for x in dims_) else _("padding {p}").format(p=p)
        if layer.padding == L.SAME:
            pad_text = _("'same' padding ({before} before, {after} after)").format(
                before=L.fmt_tuple(tuple(x[4] for x in dims_)), after=L.fmt_tuple(tuple(x[5] for x in dims_))
            )
        parts.append(
            _("The input is {n_in} with {pad_text}, {drawn} cells in all; the window moves with stride {s}.").format(
                n_in=n_in, pad_text=pad_text, drawn=drawn, s=s
            )
        )
    if any(x[3] > 1 for x in dims_):
        parts.append(
            _("The kernel is dilated by {d}: its cells are {d} apart, so it spans {span}.").format(
                d=d, span=L.fmt_tuple(tuple(geometry.effective_kernel(x[1], x[3]) for x in dims_))
            )
        )
    if layer.is_pool:
        parts.append(_("Each window is a pooling window of {k}.").format(k=k))
    if animate:
        parts.append(_("The window slides over every position in turn, with the output cell it makes."))
    elif layer.is_pool:
        parts.append(
            _("The window is drawn at its first position and at the next one along the stride.")
            if positions > 1
            else _("The window is drawn at its first position.")
        )
    else:
        parts.append(
            _("The kernel's footprint is drawn at its first position and at the next one along the stride.")
            if positions > 1
            else _("The kernel's footprint is drawn at its first position.")
        )
    if answer:
        parts.append(
            _("The output is {out}; its first cell comes from the first window position.").format(out=out)
            if not one_d
            else _("The output has {out} cells; its first cell comes from the first window position.").format(out=out)
        )
        if dropped:
            parts.append(_("Cells that no window reaches are cross-hatched in red: the floor drops them."))
    else:
        parts.append(_("The output size is not shown: it is left as ?."))
    channels = _channels(layer)
    if channels:
        parts.append(channels)
    if layer.ndim == 3:
        parts.append(
            _(
                "This 3-D layer is drawn as a stack of H×W slices: the front slice with the kernel's footprint, "
                "the depth behind it; the depth D follows the same rule (D={depth})."
            ).format(depth=layer.spatial[0])
        )
    return title, sentences(*parts), tuple(parts)


#: A 3-D layer's stack shows at most this many slices behind its front slice.
def _channels(layer: Layer) -> str:
    """What the one drawn plane stands for when there are several channels, true for groups and pooling."""
    c, out, g = layer.in_channels, layer.out, layer.groups
    if layer.is_pool:
        if c == 1:
            return ""
        return _("One channel is drawn; each of the {c} channels is pooled the same way.").format(c=c)
    if c == 1 and out == 1:
        return ""
    if g == 1 and out == 1:
        return _("One channel is drawn; the one filter slides the same way over all {c} input channels.").format(c=c)
    if g == 1:
        return _(
            "One channel is drawn; each of the {out} filters slides the same way over all {c} input channels."
        ).format(out=out, c=c)
    return _(
        "One channel is drawn; with g={g} groups each of the {out} filters slides the same way over {per} of the {c} input channels."
    ).format(g=g, out=out, per=c // g, c=c)


def kernel_label(fig: Grid) -> str:
    """The kernel, stride and dilation of the drawn convolution, for the arrow: ``k=3 s=2``."""
    layer = fig.layer
    text = f"k={_one(fig.rows.k, fig.cols.k, layer.ndim)}"
    if fig.cols.stride > 1 or fig.rows.stride > 1 or layer.is_pool:  # a pool's stride defaults to k: say it
        text += f" s={_one(fig.rows.stride, fig.cols.stride, layer.ndim)}"
    if fig.cols.dilation > 1 or fig.rows.dilation > 1:
        text += f" d={_one(fig.rows.dilation, fig.cols.dilation, layer.ndim)}"
    if fig.transposed:
        text = _("direct conv {text}, stride 1").format(text=text)
    return text


def _one(rows: int, cols: int, ndim: int) -> str:
    return str(cols) if ndim == 1 or rows == cols else f"{rows}×{cols}"


def input_label(fig: Grid) -> str:
    """The input as given and as drawn: ``input 5×5, padded to 7×7``."""
    layer = fig.layer
    spatial = layer.spatial if layer.ndim < 3 else layer.spatial[1:]
    given = _size2(spatial[0], spatial[-1], layer.ndim)
    drawn = _size2(fig.rows.size, fig.cols.size, layer.ndim)
    if layer.ndim == 3:  # the depth too (D×H×W); the slices are H×W
        given, drawn = f"{layer.spatial[0]}×{given}", f"{_depth_drawn(layer)}×{drawn}"
    if fig.transposed and any(s > 1 for s in layer.stride):
        return _("input {given}, stretched to {drawn}").format(given=given, drawn=drawn)
    if drawn == given:
        return _("input {given}").format(given=given)
    return _("input {given}, padded to {drawn}").format(given=given, drawn=drawn)


def out_label(fig: Grid) -> str:
    """``output 3×3``, or ``output ?`` when the answer is hidden."""
    size = _size2(fig.rows.out, fig.cols.out, fig.layer.ndim) if fig.answer else "?"
    if fig.answer and fig.layer.ndim == 3:
        size = f"{output_spatial(fig.layer)[0]}×{size}"
    return _("output {size}").format(size=size)


def _depth_drawn(layer: Layer) -> int:
    """A 3-D layer's input depth with its padding (or, transposed, stretched and padded)."""
    n, k, s, d, pb, pa, op = dims(layer)[0]
    if layer.family == L.CONVT:
        return n + (n - 1) * (s - 1) + 2 * (d * (k - 1) - pb) + op
    return n + pb + pa


def _size2(rows: int, cols: int, ndim: int) -> str:
    return str(cols) if ndim == 1 else f"{rows}×{cols}"
