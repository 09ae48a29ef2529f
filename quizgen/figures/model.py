"""What a figure shows, apart from how it is written (SVG, terminal text).

A small conv, transposed conv or pooling layer becomes a :class:`Grid`, as in Dumoulin and Visin's
"A guide to convolution arithmetic for deep learning" (arXiv 1603.07285): the (padded or stretched)
input cells, the kernel's footprint at its first two positions, and the output cells.  A large
layer becomes a :class:`Blocks` diagram (input box, kernel box, output box), a network a chain of
blocks, and a stack's receptive field a :class:`Receptive` figure.

Rows are the first spatial axis (H), columns the last (W); a 1-D layer is one row; a 3-D layer is
drawn as a stack: its front H×W plane with the footprints, and the depth's further slices behind it
(at most three, :func:`depth_slices`), with a note (D follows the same rule).
"""

from __future__ import annotations

from typing import NamedTuple

from quizgen.arith import geometry
from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.arith.solver import output_spatial
from quizgen.i18n import _, a_an, sentences

#: A grid is drawn when every padded (or stretched) spatial size is at most this.
SMALL = 16

# Cell kinds of the grid's input.
IN, PAD, ZERO, UNREACHED = "in", "pad", "zero", "unreached"


class Axis(NamedTuple):
    """One spatial axis of a grid: the sizes along it and where the footprint sits."""

    size: int  # input cells drawn, padding and inserted zeros included
    k: int
    stride: int  # the stride of the drawn (direct) convolution
    dilation: int
    out: int
    reached: frozenset[int]  # the drawn input indices some window covers


class Grid(NamedTuple):
    """A small layer as grids: ``cells[r][c]`` is a kind (IN, PAD, ZERO, UNREACHED)."""

    layer: Layer
    rows: Axis
    cols: Axis
    cells: tuple[tuple[str, ...], ...]
    footprints: tuple[tuple[int, int], ...]  # the top-left corner of each drawn window position
    second_along: str | None  # "cols", "rows" or None when the output has one cell
    answer: bool
    transposed: bool
    title: str
    desc: str
    caption: tuple[str, ...]  # lines under the figure: what is drawn, the formula, notes
    legend: tuple[tuple[str, str], ...]  # (kind, label) of the cell kinds present

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.rows.out, self.cols.out

    def footprint_cells(self, index: int) -> list[tuple[int, int]]:
        """The input cells the window at position ``index`` reads (dilation gaps left out)."""
        r0, c0 = self.footprints[index]
        return [
            (r0 + i * self.rows.dilation, c0 + j * self.cols.dilation)
            for i in range(self.rows.k)
            for j in range(self.cols.k)
        ]

    def out_cell(self, index: int) -> tuple[int, int]:
        """The output cell that window position ``index`` produces."""
        r0, c0 = self.footprints[index]
        return r0 // self.rows.stride, c0 // self.cols.stride


class Box(NamedTuple):
    """One block of a block diagram or chain: a shape drawn as a box, with a label."""

    shape: tuple[int, ...]  # spatial sizes then channels, or (features,)
    label: str
    kernel: tuple[int, ...] = ()  # a kernel box drawn inside, for the layer that reads this box


class Blocks(NamedTuple):
    """A layer or a network as a chain of boxes, with the operation written between them."""

    boxes: tuple[Box, ...]
    arrows: tuple[str, ...]  # len(boxes) - 1 labels
    title: str
    desc: str
    caption: tuple[str, ...] = ()


class Region(NamedTuple):
    """A square the chosen output pixel sees in the input after one layer."""

    label: str
    start: tuple[int, int]
    size: tuple[int, int]


class Receptive(NamedTuple):
    """A stack's receptive field drawn on its input: nested regions, one per layer with a kernel."""

    input_size: tuple[int, int]
    regions: tuple[Region, ...]
    title: str
    desc: str
    caption: tuple[str, ...] = ()


def _dims(layer: Layer) -> tuple[tuple[int, ...], ...]:
    """Per spatial axis: (n, k, s, d, pad_before, pad_after, op)."""
    pads = L.resolved_padding(layer)
    dilation = layer.dilation or (1,) * layer.ndim
    op = layer.output_padding or (0,) * layer.ndim
    return tuple(
        (n, k, s, d, pb, pa, o)
        for n, k, s, d, (pb, pa), o in zip(layer.spatial, layer.kernel, layer.stride, dilation, pads, op)
    )


def _axis_direct(n: int, k: int, s: int, d: int, pb: int, pa: int, out: int) -> tuple[Axis, list[str]]:
    size = pb + n + pa
    reached = frozenset(o * s + j * d for o in range(out) for j in range(k) if o * s + j * d < size)
    kinds = [PAD if i < pb or i >= pb + n else IN for i in range(size)]
    return Axis(size, k, s, d, out, reached), kinds


def _axis_transposed(n: int, k: int, s: int, d: int, p: int, op: int, out: int) -> tuple[Axis, list[str]] | None:
    implicit = d * (k - 1) - p
    if implicit < 0:
        return None  # the direct conv would crop, not pad: no grid of the guide's kind
    stretched = n + (n - 1) * (s - 1)
    size = implicit + stretched + implicit + op
    kinds = []
    for i in range(size):
        j = i - implicit
        if 0 <= j < stretched:
            kinds.append(IN if j % s == 0 else ZERO)
        else:
            kinds.append(PAD)
    reached = frozenset(o + j * d for o in range(out) for j in range(k) if o + j * d < size)
    return Axis(size, k, 1, d, out, reached), kinds


def is_small(layer: Layer) -> bool:
    """Whether ``layer`` is drawn as grids: a conv, transposed conv or pooling layer small enough."""
    return grid(layer, answer=True) is not None


def grid(layer: Layer, *, answer: bool = True) -> Grid | None:
    """The guide-style grids of ``layer``, or ``None`` for a layer too large or of another kind."""
    if not layer.has_kernel or layer.ndim not in (1, 2, 3):
        return None
    outs = output_spatial(layer)
    transposed = layer.family == L.CONVT
    axes: list[tuple[Axis, list[str]]] = []
    for (n, k, s, d, pb, pa, op), out in zip(_dims(layer), outs):
        made = _axis_transposed(n, k, s, d, pb, op, out) if transposed else _axis_direct(n, k, s, d, pb, pa, out)
        if made is None:
            return None
        axes.append(made)
    if layer.ndim == 1:
        axes.insert(0, (Axis(1, 1, 1, 1, 1, frozenset({0})), [IN]))
    elif layer.ndim == 3:
        axes = axes[1:]
    (rows, row_kinds), (cols, col_kinds) = axes
    if rows.size > SMALL or cols.size > SMALL or rows.out > SMALL or cols.out > SMALL:
        return None
    cells = tuple(
        tuple(_kind(rk, ck, r in rows.reached and c in cols.reached, answer) for c, ck in enumerate(col_kinds))
        for r, rk in enumerate(row_kinds)
    )
    footprints: list[tuple[int, int]] = [(0, 0)]
    second_along = None
    if cols.out > 1:
        footprints.append((0, cols.stride))
        second_along = "cols"
    elif rows.out > 1:
        footprints.append((rows.stride, 0))
        second_along = "rows"
    title, desc, caption = _words(layer, rows, cols, cells, answer, transposed)
    present = {kind for row in cells for kind in row}
    labels = {
        IN: _("input"),
        PAD: _("padding (zeros)") if not transposed else _("implicit padding (zeros)"),
        ZERO: _("zeros inserted between inputs"),
        UNREACHED: _("input no window reaches (dropped by the floor)"),
    }
    legend = tuple((kind, labels[kind]) for kind in (IN, PAD, ZERO, UNREACHED) if kind in present)
    return Grid(
        layer, rows, cols, cells, tuple(footprints), second_along, answer, transposed, title, desc, caption, legend
    )


def _kind(row_kind: str, col_kind: str, reached: bool, answer: bool) -> str:
    if PAD in (row_kind, col_kind):
        return PAD
    if ZERO in (row_kind, col_kind):
        return ZERO
    if not reached and answer:
        return UNREACHED
    return IN


def _size(rows: int, cols: int, one_d: bool) -> str:
    return str(cols) if one_d else f"{rows}×{cols}"


def _words(
    layer: Layer, rows: Axis, cols: Axis, cells: tuple[tuple[str, ...], ...], answer: bool, transposed: bool
) -> tuple[str, str, tuple[str, ...]]:
    one_d = layer.ndim == 1
    spatial = spatial_in = layer.spatial if layer.ndim < 3 else layer.spatial[1:]
    if one_d:
        spatial_in = (1, spatial[0])
    n_in = _size(spatial[0], spatial[-1], one_d)
    kernel = layer.kernel if layer.ndim < 3 else layer.kernel[1:]
    k = _size(kernel[0], kernel[-1], one_d)
    out = _size(rows.out, cols.out, one_d) if answer else "?"
    drawn = _size(rows.size, cols.size, one_d)
    if one_d:
        title = (
            _("{name}: input length {n_in}, window {k}, output length {out}")
            if layer.is_pool
            else _("{name}: input length {n_in}, kernel {k}, output length {out}")
        ).format(name=layer.name, n_in=n_in, k=k, out=out)
    elif layer.is_pool:
        title = _("{name}: a {n_in} input, a {k} window, output {out}").format(name=layer.name, n_in=n_in, k=k, out=out)
    else:
        title = _("{name}: a {n_in} input, a {k} kernel, output {out}").format(name=layer.name, n_in=n_in, k=k, out=out)
    title = a_an(title)  # "an 8×8 input", "an 11×11 kernel"
    parts = []
    dims = _dims(layer)
    s = L.fmt_tuple(tuple(x[2] for x in dims))
    d = L.fmt_tuple(tuple(x[3] for x in dims))
    p = L.fmt_tuple(tuple(x[4] for x in dims))
    if transposed:
        op = L.fmt_tuple(tuple(x[6] for x in dims))
        zeros = L.fmt_tuple(tuple(x[2] - 1 for x in dims))
        implicit = L.fmt_tuple(tuple(x[3] * (x[1] - 1) - x[4] for x in dims))
        k_text = L.fmt_tuple(tuple(x[1] for x in dims))
        if any(x[2] > 1 for x in dims):
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
        if any(x[2] > 1 for x in dims):
            parts.append(
                _("Zeros inserted between neighbouring inputs: s − 1 = {s} − 1 = {zeros}.").format(zeros=zeros, s=s)
            )
        if all(x[3] == 1 for x in dims):
            formula = _("k − p − 1 = {k} − {p} − 1 = {implicit}").format(k=k_text, p=p, implicit=implicit)
        else:
            formula = _("d·(k − 1) − p = {d}·({k} − 1) − {p} = {implicit}").format(
                d=d, k=k_text, p=p, implicit=implicit
            )
        parts.append(_("Implicit padding on each side: {formula}.").format(formula=formula))
        if any(x[6] for x in dims):
            parts.append(_("The output padding op={op} adds that many more on the bottom and right.").format(op=op))
    else:
        pad_text = _("no padding") if all(x[4] == 0 and x[5] == 0 for x in dims) else _("padding {p}").format(p=p)
        if layer.padding == L.SAME:
            pad_text = _("'same' padding ({before} before, {after} after)").format(
                before=L.fmt_tuple(tuple(x[4] for x in dims)), after=L.fmt_tuple(tuple(x[5] for x in dims))
            )
        parts.append(
            _("The input is {n_in} with {pad_text}, {drawn} cells in all; the window moves with stride {s}.").format(
                n_in=n_in, pad_text=pad_text, drawn=drawn, s=s
            )
        )
    if any(x[3] > 1 for x in dims):
        parts.append(
            _("The kernel is dilated by {d}: its cells are {d} apart, so it spans {span}.").format(
                d=d, span=L.fmt_tuple(tuple(geometry.effective_kernel(x[1], x[3]) for x in dims))
            )
        )
    if layer.is_pool:
        parts.append(
            _("Each window is a pooling window of {k}; the first two positions are drawn.").format(k=k)
            if rows.out * cols.out > 1
            else _("Each window is a pooling window of {k}.").format(k=k)
        )
    else:
        parts.append(_("The kernel's footprint is drawn at its first position and at the next one along the stride."))
    if answer:
        parts.append(
            _("The output is {out}; its first cell comes from the first window position.").format(out=out)
            if not one_d
            else _("The output has {out} cells; its first cell comes from the first window position.").format(out=out)
        )
        if any(UNREACHED in row for row in cells):
            parts.append(_("Input cells that no window reaches are cross-hatched in red: the floor drops them."))
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
MAX_BACK_SLICES = 3


def depth_slices(layer: Layer, *, answer: bool) -> tuple[int, int]:
    """How many slices a 3-D layer's stack draws behind its front input and output slices.

    The input's depth counts its padding; the output's is its depth D_out, drawn only with the answer
    (a student's "?" output has none).  Each is at most :data:`MAX_BACK_SLICES`; a 1-D or 2-D layer has none.
    """
    if layer.ndim != 3:
        return 0, 0
    before, after = L.resolved_padding(layer)[0]
    depth_in = layer.spatial[0] + before + after
    depth_out = output_spatial(layer)[0] if answer else 1
    return min(depth_in - 1, MAX_BACK_SLICES), min(depth_out - 1, MAX_BACK_SLICES)


def _channels(layer: Layer) -> str:
    """What the one drawn plane stands for when there are several channels, true for groups and pooling."""
    c, out, g = layer.in_channels, layer.out, layer.groups
    if layer.is_pool:
        if c == 1:
            return ""
        return _("One channel is drawn; each of the {c} channels is pooled the same way.").format(c=c)
    if c == 1 and out == 1:
        return ""
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
    if fig.transposed and any(s > 1 for s in layer.stride):
        return _("input {given}, stretched to {drawn}").format(given=given, drawn=drawn)
    if drawn == given:
        return _("input {given}").format(given=given)
    return _("input {given}, padded to {drawn}").format(given=given, drawn=drawn)


def out_label(fig: Grid) -> str:
    """``output 3×3``, or ``output ?`` when the answer is hidden."""
    size = _size2(fig.rows.out, fig.cols.out, fig.layer.ndim) if fig.answer else "?"
    return _("output {size}").format(size=size)


def _size2(rows: int, cols: int, ndim: int) -> str:
    return str(cols) if ndim == 1 else f"{rows}×{cols}"
