"""What a figure shows, apart from how it is written (SVG, terminal text).

A small conv, transposed conv or pooling layer becomes a :class:`Grid`, as in Dumoulin and Visin's
"A guide to convolution arithmetic for deep learning" (arXiv 1603.07285): the (padded or stretched)
input cells, the kernel's footprint at its first positions, and the output cells.  On the question side
(``answer=False``) no axis shows as many window positions as the output has cells along it, so that the
picture never lets a student count the answer (:func:`hides_the_answer`).  A large
layer becomes a :class:`Blocks` diagram (input box, kernel box, output box), a network a chain of
blocks, and a stack's receptive field a :class:`Receptive` figure.

Rows are the first spatial axis (H), columns the last (W); a 1-D layer is one row; a 3-D layer is
drawn as a stack: its front H×W plane with the footprints, and the depth's further slices behind it
(at most three, :func:`depth_slices`), with a note (D follows the same rule).
"""

from __future__ import annotations

from typing import NamedTuple

from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.arith.solver import output_spatial
from quizgen.figures.words import dims, grid_words
from quizgen.i18n import _

#: A grid is drawn when every padded (or stretched) spatial size is at most this.
SMALL = 16

# Cell kinds of the grid's input (each is also the cell's class: a dropped padding cell is a "pad" too).
IN, PAD, ZERO, UNREACHED, PAD_DROPPED = "in", "pad", "zero", "unreached", "pad dropped"


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


def _axis_size(n: int, k: int, s: int, d: int, pb: int, pa: int, op: int, *, transposed: bool) -> int | None:
    """The cells along one axis of a layer's input grid (padding included, and for a transposed conv the zeros
    between inputs), or None where a transposed conv's direct conv would crop, not pad: no grid of the guide's
    kind."""
    if not transposed:
        return pb + n + pa
    implicit = d * (k - 1) - pb
    return None if implicit < 0 else implicit + n + (n - 1) * (s - 1) + implicit + op


def _axis_direct(n: int, k: int, s: int, d: int, pb: int, out: int, size: int) -> tuple[Axis, list[str]]:
    reached = frozenset(o * s + j * d for o in range(out) for j in range(k) if o * s + j * d < size)
    kinds = [PAD if i < pb or i >= pb + n else IN for i in range(size)]
    return Axis(size, k, s, d, out, reached), kinds


def _axis_transposed(n: int, k: int, s: int, d: int, p: int, out: int, size: int) -> tuple[Axis, list[str]]:
    implicit = d * (k - 1) - p
    stretched = n + (n - 1) * (s - 1)
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


def grid(layer: Layer, *, answer: bool = True, animate: bool = False) -> Grid | None:
    """The guide-style grids of ``layer``, or ``None`` for a layer too large or of another kind.

    The answer side draws the window at its first position and the next one (along the columns, else
    the rows); ``animate`` draws one window that slides.  The question side draws the second position
    only along the columns and only where the output has at least three columns, so that neither axis
    shows all its positions (a question-side grid with one output row or column draws no window at all:
    :func:`hides_the_answer` says so, and such a layer is drawn as a block diagram).
    """
    if not layer.has_kernel or layer.ndim not in (1, 2, 3):
        return None
    outs = output_spatial(layer)
    transposed = layer.family == L.CONVT
    every = dims(layer)
    sizes = [size for size in (_axis_size(*dim, transposed=transposed) for dim in every) if size is not None]
    if len(sizes) < len(every):
        return None
    drawn = list(zip(every, sizes, outs))[1:] if layer.ndim == 3 else list(zip(every, sizes, outs))
    # told before an axis's cells are worked out: a large layer has many, and gets no grid
    if any(size > SMALL or out > SMALL for _dim, size, out in drawn):
        return None
    axes = [
        _axis_transposed(n, k, s, d, pb, out, size) if transposed else _axis_direct(n, k, s, d, pb, out, size)
        for (n, k, s, d, pb, _pa, _op), size, out in drawn
    ]
    if layer.ndim == 1:
        axes.insert(0, (Axis(1, 1, 1, 1, 1, frozenset({0})), [IN]))
    (rows, row_kinds), (cols, col_kinds) = axes
    cells = tuple(
        tuple(_kind(rk, ck, r in rows.reached and c in cols.reached, answer) for c, ck in enumerate(col_kinds))
        for r, rk in enumerate(row_kinds)
    )
    footprints: list[tuple[int, int]] = [(0, 0)]
    second_along = None
    if animate:
        pass
    elif cols.out > (1 if answer else 2):
        footprints.append((0, cols.stride))
        second_along = "cols"
    elif answer and rows.out > 1:
        footprints.append((rows.stride, 0))
        second_along = "rows"
    present = {kind for row in cells for kind in row}
    title, desc, caption = grid_words(
        layer,
        rows,
        cols,
        answer=answer,
        transposed=transposed,
        positions=len(footprints),
        dropped=bool(present & {UNREACHED, PAD_DROPPED}),
        animate=animate,
    )
    labels = {
        IN: _("input"),
        PAD: _("padding (zeros)") if not transposed else _("implicit padding (zeros)"),
        ZERO: _("zeros inserted between inputs"),
        UNREACHED: _("input no window reaches (dropped by the floor)"),
        PAD_DROPPED: _("padding no window reaches"),
    }
    legend = tuple((kind, labels[kind]) for kind in (IN, PAD, ZERO, UNREACHED, PAD_DROPPED) if kind in present)
    return Grid(
        layer, rows, cols, cells, tuple(footprints), second_along, answer, transposed, title, desc, caption, legend
    )


def hides_the_answer(fig: Grid) -> bool:
    """Whether a question-side grid can be drawn at all: each axis of the layer must have more output cells
    than the window positions drawn along it, and a window is always drawn at its first position."""
    return fig.cols.out >= 2 and (fig.layer.ndim == 1 or fig.rows.out >= 2)


def positions_along(fig: Grid) -> tuple[int, int]:
    """How many distinct window positions the figure draws along the rows and along the columns."""
    return len({r for r, _c in fig.footprints}), len({c for _r, c in fig.footprints})


def _kind(row_kind: str, col_kind: str, reached: bool, answer: bool) -> str:
    if PAD in (row_kind, col_kind):
        return PAD_DROPPED if answer and not reached else PAD
    if ZERO in (row_kind, col_kind):
        return ZERO
    if not reached and answer:
        return UNREACHED
    return IN


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
