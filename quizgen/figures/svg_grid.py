"""A small layer's grids as SVG, as Dumoulin and Visin's guide draws them.

Cells carry classes a test or a stylesheet can find: ``cell in``, ``cell pad``, ``cell zero``,
``cell unreached``, ``cell pad dropped`` (input), ``fp fp1`` / ``fp fp2`` (the footprint at its first and
second position), ``cell out`` (output; ``first`` and ``second`` mark the cells the footprints produce).
Each input cell carries ``data-r``/``data-c``, its row and column in the whole (uncropped) grid.  On paper
a long axis is drawn cropped: its first cells, three dots (class ``gap``) and its last cells.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from quizgen.figures.model import IN, PAD, PAD_DROPPED, SMALL, UNREACHED, ZERO, Grid, depth_slices
from quizgen.figures.svg import BLUE, ORANGE, SCREEN, Look, _caption, _el, _finish, _n, _root, _size, _text, text_width
from quizgen.figures.words import input_label, kernel_label, out_label
from quizgen.i18n import _

FILL = {IN: "#d6e6f5", PAD: "#e4e4e4", ZERO: "#ffffff", UNREACHED: "#fde7e7", PAD_DROPPED: "#f3dede"}
#: On paper an axis of more cells than this is drawn cropped (its input, and its output with the answer).
CROP_INPUT, CROP_OUTPUT = 8, 6

#: A lane of a cropped axis: an index of the whole axis, or ``None`` for the three dots standing for the rest.
Lanes = list[int | None]


def lanes(size: int, head: int, tail: int, limit: int) -> Lanes:
    """The cells of an axis to draw: all of them up to ``limit``, else the first ``head``, a gap, the last ``tail``
    (where that leaves out three cells or more: dots standing for one or two cells would save nothing)."""
    if size <= limit or head + 1 + tail > size - 3:
        return list(range(size))
    return [*range(head), None, *range(size - tail, size)]


def _input_lanes(fig: Grid, axis: str, look: Look) -> Lanes:
    ax = fig.rows if axis == "rows" else fig.cols
    if not look.paper:
        return list(range(ax.size))
    starts = [r if axis == "rows" else c for r, c in fig.footprints]
    head = min(ax.size, max(starts) + (ax.k - 1) * ax.dilation + 2)
    inner = {r if axis == "rows" else c for r, row in enumerate(fig.cells) for c, kind in enumerate(row)
             if kind not in (PAD, PAD_DROPPED)}  # fmt: skip
    trailing = ax.size - 1 - max(inner, default=ax.size - 1)  # the padding after the input
    # with the answer: the last window and every cell after it (padding, dropped cells)
    tail = ax.size - (ax.out - 1) * ax.stride if fig.answer else trailing
    return lanes(ax.size, max(head, 3), max(tail, 1), CROP_INPUT)


def cropped(fig: Grid, look: Look) -> bool:
    """Whether ``fig`` drawn in ``look`` leaves cells out (its input, or its output with the answer)."""
    if None in _input_lanes(fig, "rows", look) or None in _input_lanes(fig, "cols", look):
        return True
    return look.paper and fig.answer and max(fig.rows.out, fig.cols.out) > CROP_OUTPUT


def grid_svg(fig: Grid, *, look: Look = SCREEN, animate: bool = False) -> str:
    """A small layer as the guide draws it: padded/stretched input with footprints, and the output.

    With ``animate`` (``fig`` made with ``animate=True``: one footprint) the window slides over every
    position.  On paper (``look=PAPER``) the figure is compact, with no title, legend or caption, and
    long axes cropped.
    """
    cell = look.cell
    rows, cols = fig.rows, fig.cols
    row_lanes, col_lanes = _input_lanes(fig, "rows", look), _input_lanes(fig, "cols", look)
    out_rows: Lanes
    out_cols: Lanes
    if fig.answer:
        out_rows = lanes(rows.out, 3, 1, CROP_OUTPUT if look.paper else SMALL)
        out_cols = lanes(cols.out, 3, 1, CROP_OUTPUT if look.paper else SMALL)
    else:
        out_rows = out_cols = [0, 1]
    in_w, in_h = len(col_lanes) * cell, len(row_lanes) * cell
    out_w, out_h = len(out_cols) * cell, len(out_rows) * cell
    arrow_lines = _arrow_lines(fig, look)
    gap = max(110, int(6.4 * len(kernel_label(fig))) + 40) if not look.paper else _paper_gap(arrow_lines, look)
    back_in, back_out = depth_slices(fig.layer, answer=fig.answer)  # a 3-D layer: slices behind the front one
    slice_step = cell // 3
    lift = slice_step * max(back_in, back_out)
    in_lines = _label_lines(input_label(fig), in_w + gap - 8, look)
    labels_h = look.line * len(in_lines)
    width = look.margin * 2 + in_w + lift + gap + max(out_w + lift, text_width(out_label(fig), look.text) + 2)
    if not look.paper:
        width = max(width, 520)
    top = (56 if not look.paper else labels_h + 6) + lift
    root = _root(width, 0, fig.title, fig.desc, look)
    if not look.paper:
        _text(root, look.margin, 24, fig.title, class_="big")
    x0, y0 = look.margin, top
    for i, line in enumerate(in_lines):
        _text(root, x0, y0 - 8 - lift - look.line * (len(in_lines) - 1 - i), line)
    _slices(root, x0, y0, in_w, in_h, back_in, "input", slice_step)
    _input_cells(root, fig, row_lanes, col_lanes, x0, y0, cell)
    ox = x0 + in_w + lift + gap
    _text(root, ox, y0 - 8 - lift, out_label(fig))
    _slices(root, ox, y0, out_w, out_h, back_out, "output", slice_step)
    _output_cells(root, fig, out_rows, out_cols, ox, y0, cell)
    # the arrow from the input to the output, with the kernel written on it
    ay = y0 + min(in_h, out_h) / 2
    _el(
        root,
        "path",
        d=f"M{_n(x0 + in_w + lift + 6)} {_n(ay)}H{_n(ox - 10)}",
        stroke="#555",
        stroke_width=1.5,
        fill="none",
    )
    _el(root, "path", d=f"M{_n(ox - 10)} {_n(ay - 4)}L{_n(ox - 3)} {_n(ay)}L{_n(ox - 10)} {_n(ay + 4)}Z", fill="#555")
    for i, line in enumerate(arrow_lines):
        y = ay - 6 - (look.small + 2) * (len(arrow_lines) - 1 - i)
        _text(root, x0 + in_w + lift + gap / 2, y, line, class_="small", text_anchor="middle")
    _footprints(root, fig, row_lanes, col_lanes, x0, y0, cell)
    if animate:
        _animate(root, fig, x0, y0, ox, cell)
    bottom: float = y0 + max(in_h, out_h) + (8 if not look.paper else 4)
    if not look.paper:
        bottom = _legend(root, fig, bottom, look)
        bottom = _caption(root, bottom + 4, width, fig.caption, look)
    _size(root, width, bottom + (look.margin if not look.paper else 2))
    return _finish(root)


def _arrow_lines(fig: Grid, look: Look) -> list[str]:
    label = kernel_label(fig)
    if not look.paper or not fig.transposed:
        return [label]
    head = _("direct conv")
    return [head, label[len(head) :].strip(" ,，")] if label.startswith(head) else [label]


def _paper_gap(lines: list[str], look: Look) -> int:
    return int(max(40.0, max(text_width(line, look.small) for line in lines) + 14))


def _label_lines(label: str, room: float, look: Look) -> list[str]:
    """A label on one line, or split after its comma where it would run into the next label."""
    if not look.paper or text_width(label, look.text) <= room:
        return [label]
    for comma in (", ", "，"):
        if comma in label:
            first, rest = label.split(comma, 1)
            return [first + comma.strip(), rest]
    return [label]


def _input_cells(root: ET.Element, fig: Grid, row_lanes: Lanes, col_lanes: Lanes, x0: float, y0: float, cell: int):
    cells = _el(root, "g", class_="input")
    for i, r in enumerate(row_lanes):
        for j, c in enumerate(col_lanes):
            x, y = x0 + j * cell, y0 + i * cell
            if r is None or c is None:
                dots(cells, x, y, cell, "h" if r is not None else "v" if c is not None else "d")
                continue
            kind = fig.cells[r][c]
            _el(cells, "rect", class_=f"cell {kind}", x=x, y=y, width=cell, height=cell, fill=FILL[kind])
            if kind in (UNREACHED, PAD_DROPPED):
                _el(cells, "path", class_="hatch", d=_hatch(x, y, cell))


def _hatch(x: float, y: float, cell: float) -> str:
    """Red cross-hatching over one cell: diagonals a third of a cell apart, both ways."""
    t = cell / 3
    d = ""
    for i in range(1, 6):
        a, b = min(i, 3) * t, max(i - 3, 0) * t
        d += f"M{_n(x + b)} {_n(y + a)}L{_n(x + a)} {_n(y + b)}"
        d += f"M{_n(x + cell - a)} {_n(y + b)}L{_n(x + cell - b)} {_n(y + a)}"
    return d


def dots(parent: ET.Element, x: float, y: float, cell: float, way: str) -> None:
    """Three dots standing for the cells left out: across (``h``), down (``v``) or diagonal (``d``)."""
    g = _el(parent, "g", class_="gap")
    for i in (-1, 0, 1):
        dx = i * cell / 4 if way in "hd" else 0
        dy = i * cell / 4 if way in "vd" else 0
        _el(g, "circle", cx=float(x + cell / 2 + dx), cy=float(y + cell / 2 + dy), r=1.3, fill="#555")


def _output_cells(root: ET.Element, fig: Grid, out_rows: Lanes, out_cols: Lanes, ox: float, y0: float, cell: int):
    outs = _el(root, "g", class_="output")
    if not fig.answer:
        w, h = len(out_cols) * cell, len(out_rows) * cell
        _el(
            outs,
            "rect",
            class_="out-unknown",
            x=ox,
            y=y0,
            width=w,
            height=h,
            fill="#fff",
            stroke="#555",
            stroke_dasharray="4 3",
        )
        size = 26 if cell > 16 else 18
        _text(
            outs,
            ox + w / 2,
            y0 + h / 2 + size / 3,
            "?",
            class_="big",
            text_anchor="middle",
            style=f"font-size:{size}px",
        )
        return
    marked = {fig.out_cell(i): ("first", "second")[i] for i in range(len(fig.footprints))}
    for i, r in enumerate(out_rows):
        for j, c in enumerate(out_cols):
            x, y = ox + j * cell, y0 + i * cell
            if r is None or c is None:
                dots(outs, x, y, cell, "h" if r is not None else "v" if c is not None else "d")
                continue
            mark = marked.get((r, c))
            fill = {None: "#e9f1e4", "first": BLUE, "second": "#fbe3cc"}[mark]
            rect = _el(
                outs,
                "rect",
                class_="cell out" + (f" {mark}" if mark else ""),
                x=x,
                y=y,
                width=cell,
                height=cell,
                fill=fill,
            )
            if mark == "second":
                rect.set("style", f"stroke:{ORANGE};stroke-width:2.5")


def _footprints(root: ET.Element, fig: Grid, row_lanes: Lanes, col_lanes: Lanes, x0: float, y0: float, cell: int):
    lane_r = {r: i for i, r in enumerate(row_lanes) if r is not None}
    lane_c = {c: j for j, c in enumerate(col_lanes) if c is not None}
    inset = 2 if cell > 16 else 1
    for i in range(len(fig.footprints)):
        g = _el(root, "g", class_=f"fp-at fp{i + 1}-at")
        for r, c in fig.footprint_cells(i):
            if r in lane_r and c in lane_c:
                _el(
                    g,
                    "rect",
                    class_=f"fp fp{i + 1}",
                    x=x0 + lane_c[c] * cell + inset,
                    y=y0 + lane_r[r] * cell + inset,
                    width=cell - 2 * inset,
                    height=cell - 2 * inset,
                )


def _slices(root: ET.Element, x: float, y: float, w: float, h: float, n: int, where: str, step: int) -> None:
    """``n`` slices of a 3-D layer's stack behind its front grid at (x, y), farthest first."""
    for i in range(n, 0, -1):
        fill = "#eef3f8" if where == "input" else "#eef5ea"
        _el(
            root,
            "rect",
            class_=f"slice {where}",
            x=x + i * step,
            y=y - i * step,
            width=w,
            height=h,
            fill=fill,
            stroke="#8a9aa8",
        )


def legend_items(fig: Grid) -> list[tuple[str, str]]:
    """The symbols ``fig`` draws, as (kind, label): its cell kinds, then the window's positions."""
    items = list(fig.legend)
    pool = fig.layer.is_pool
    items.append(("fp1", _("window, first position") if pool else _("kernel footprint, first position")))
    if len(fig.footprints) > 1:
        items.append(("fp2", _("next position along the stride")))
        if set(fig.footprint_cells(0)) & set(fig.footprint_cells(1)):
            items.append(("fp1 fp2", _("read by both positions (the windows overlap)")))
    return items


def swatch(parent: ET.Element, kind: str, x: float, y: float, size: float) -> None:
    """The legend's sample of ``kind`` (a cell kind, or ``fp1``/``fp2``/``fp1 fp2``), its top left at (x, y)."""
    if kind.startswith("fp"):
        for part in kind.split():
            _el(parent, "rect", class_=f"fp {part} key", x=x + 2, y=y + 2, width=size - 4, height=size - 4)
        return
    dash = "3 2" if kind.startswith(PAD) else "none"
    _el(
        parent,
        "rect",
        class_=f"key {kind}",
        x=x,
        y=y,
        width=size,
        height=size,
        fill=FILL[kind],
        stroke="#555",
        stroke_dasharray=dash,
    )
    if kind in (UNREACHED, PAD_DROPPED):
        _el(parent, "path", class_="hatch", d=_hatch(x, y, size))


def _legend(root: ET.Element, fig: Grid, y: float, look: Look) -> float:
    for kind, label in legend_items(fig):
        y += 20
        swatch(root, kind, look.margin, y - 14, 18)
        _text(root, look.margin + look.cell + 6, y, label)
    return y


def _animate(root: ET.Element, fig: Grid, x0: float, y0: float, ox: float, cell: int) -> None:
    """The footprint and its output cell slide over every position (CSS, no script); still if motion is reduced."""
    rows, cols = fig.rows, fig.cols
    positions = [(r, c) for r in range(rows.out) for c in range(cols.out)]
    n = len(positions)
    seconds = max(n * 0.6, 1.2)
    frames_in, frames_out = [], []
    for i, (r, c) in enumerate(positions + positions[-1:]):
        pct = _n(100 * i / n)
        frames_in.append(f"{pct}%{{transform:translate({c * cols.stride * cell}px,{r * rows.stride * cell}px)}}")
        frames_out.append(f"{pct}%{{transform:translate({c * cell}px,{r * cell}px)}}")
    css = (
        "@keyframes slide-in{" + "".join(frames_in) + "}"
        "@keyframes slide-out{" + "".join(frames_out) + "}"
        f".fp1-at{{animation:slide-in {_n(seconds)}s step-end infinite}}"
        f".out-at{{animation:slide-out {_n(seconds)}s step-end infinite}}"
        "@media (prefers-reduced-motion:reduce){.fp1-at,.out-at{animation:none}}"
    )
    style = root.find("style")
    assert style is not None
    style.text = (style.text or "") + css
    g = _el(root, "g", class_="out-at")
    _el(g, "rect", x=ox + 1, y=y0 + 1, width=cell - 2, height=cell - 2, fill="none", stroke=BLUE, stroke_width=3)
