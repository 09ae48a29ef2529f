"""The SVG writer: self-contained, deterministic SVG (ElementTree, no ids, no script, no external reference).

Cells carry classes a test or a stylesheet can find: ``cell in``, ``cell pad``, ``cell zero``,
``cell unreached`` (input), ``fp fp1`` / ``fp fp2`` (the footprint at its first and second
position), ``cell out`` (output; ``first`` and ``second`` mark the cells the footprints produce).
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable

from quizgen.figures.model import (
    IN,
    PAD,
    UNREACHED,
    ZERO,
    Blocks,
    Box,
    Grid,
    Receptive,
    depth_slices,
    input_label,
    kernel_label,
    out_label,
)
from quizgen.i18n import _, language

CELL = 24
MARGIN = 16
FONT = "font-family:system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK SC',sans-serif"
BLUE, ORANGE, RED = "#1f6fb4", "#e8790c", "#c62828"
FILL = {IN: "#d6e6f5", PAD: "#e4e4e4", ZERO: "#ffffff", UNREACHED: "#fde7e7"}
STYLE = (
    "text{" + FONT + ";font-size:13px;fill:#222}"
    ".cap{font-size:12px;fill:#444}.small{font-size:11px}.big{font-size:15px;font-weight:600}"
    ".cell{stroke:#555;stroke-width:1}.pad{stroke:#999;stroke-dasharray:3 2}.zero{stroke:#aaa}"
    ".fp{stroke-width:2}.fp1{fill:" + BLUE + ";fill-opacity:.55;stroke:" + BLUE + "}"
    ".fp2{fill:" + ORANGE + ";fill-opacity:.25;stroke:" + ORANGE + ";stroke-width:2.5}"
    ".hatch{stroke:" + RED + ";stroke-width:1.2}"
)


def _n(x: float) -> str:
    """A coordinate with at most two decimals, no trailing zeros: the same text on every machine."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _el(parent: ET.Element, tag: str, **attrs: object) -> ET.Element:
    names = _NAMES
    return ET.SubElement(
        parent,
        tag,
        {
            names.get(k) or _name(k): _n(v) if type(v) is float else v if type(v) is str else str(v)
            for k, v in attrs.items()
        },
    )


#: Keyword names as SVG attribute names (``class_`` → ``class``, ``stroke_width`` → ``stroke-width``), kept.
_NAMES: dict[str, str] = {}


def _name(keyword: str) -> str:
    name = _NAMES[keyword] = keyword.rstrip("_").replace("_", "-")
    return name


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: object) -> ET.Element:
    el = _el(parent, "text", x=float(x), y=float(y), **attrs)
    el.text = text
    return el


def _root(width: float, height: float, title: str, desc: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {_n(width)} {_n(height)}",
            "width": _n(width),
            "height": _n(height),
            "role": "img",
            "lang": language(),
            "style": "max-width:100%;height:auto",
        },
    )
    ET.SubElement(root, "title").text = title
    ET.SubElement(root, "desc").text = desc
    ET.SubElement(root, "style").text = STYLE
    return root


def _finish(root: ET.Element) -> str:
    """The tree as text, indented one space a level: the same text as ``ET.indent`` and ``ET.tostring`` give
    (``tests/test_figures.py`` holds it to them), written directly, which is several times faster."""
    out: list[str] = []
    _write(root, "\n", out.append)
    return "".join(out) + "\n"


_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)
_CDATA = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_NEEDS_ESCAPE = re.compile('[&<>"\r\n\t]')


def _write(el: ET.Element, indent: str, write: Callable[[str], object]) -> None:
    """``el`` and its children, as ``ET.indent(space=" ")`` then ``ET.tostring`` write them (no tail)."""
    write("<" + el.tag)
    for k, v in el.items():
        write(f' {k}="{v.translate(_ATTR) if _NEEDS_ESCAPE.search(v) else v}"')
    children = list(el)
    if not children:
        if el.text:
            write(">" + el.text.translate(_CDATA) + "</" + el.tag + ">")
        else:
            write(" />")
        return
    inner = indent + " "
    text = el.text if el.text and el.text.strip() else inner
    write(">" + text.translate(_CDATA))
    for i, child in enumerate(children):
        _write(child, inner, write)
        tail = child.tail if child.tail and child.tail.strip() else (indent if i == len(children) - 1 else inner)
        write(tail.translate(_CDATA))
    write("</" + el.tag + ">")


def _wrap(lines: tuple[str, ...] | list[str], width_px: float, least: int = 30) -> list[str]:
    out: list[str] = []
    for line in lines:
        wide = any(ord(ch) >= 0x2E80 for ch in line)  # CJK: no spaces to break at, each glyph twice as wide
        chars = max(least, int(width_px / (13 if wide else 6.6)))
        if wide:
            out += [line[i : i + chars] for i in range(0, len(line), chars)] or [""]
        else:
            out += textwrap.wrap(line, chars) or [""]
    return out


def _caption(root: ET.Element, y: float, width: float, lines: tuple[str, ...] | list[str]) -> float:
    for line in _wrap(lines, width - 2 * MARGIN):
        y += 16
        _text(root, MARGIN, y, line, class_="cap")
    return y


# --------------------------------------------------------------------------- grids


def grid_svg(fig: Grid, *, animate: bool = False) -> str:
    """A small layer as the guide draws it: padded/stretched input with footprints, and the output."""
    rows, cols = fig.rows, fig.cols
    in_w, in_h = cols.size * CELL, rows.size * CELL
    out_w, out_h = (cols.out * CELL, rows.out * CELL) if fig.answer else (2 * CELL, 2 * CELL)
    gap = max(110, int(6.4 * len(kernel_label(fig))) + 40)
    back_in, back_out = depth_slices(fig.layer, answer=fig.answer)  # a 3-D layer: slices behind the front one
    lift = SLICE * max(back_in, back_out)
    width = max(MARGIN * 2 + in_w + gap + out_w + lift, 520)
    top = 56 + lift
    root = _root(width, 0, fig.title, fig.desc)
    _text(root, MARGIN, 24, fig.title, class_="big")
    x0, y0 = MARGIN, top
    _text(root, x0, y0 - 8 - lift, input_label(fig))
    _slices(root, x0, y0, in_w, in_h, back_in, "input")
    cells = _el(root, "g", class_="input")
    for r, row in enumerate(fig.cells):
        for c, kind in enumerate(row):
            x, y = x0 + c * CELL, y0 + r * CELL
            _el(cells, "rect", class_=f"cell {kind}", x=x, y=y, width=CELL, height=CELL, fill=FILL[kind])
            if kind == UNREACHED:
                _el(
                    cells,
                    "path",
                    class_="hatch",
                    d=f"M{x} {y + 8}L{x + 8} {y}M{x} {y + 16}L{x + 16} {y}M{x} {y + 24}L{x + 24} {y}"
                    f"M{x + 8} {y + 24}L{x + 24} {y + 8}M{x + 16} {y + 24}L{x + 24} {y + 16}"
                    f"M{x} {y + 16}L{x + 8} {y + 24}M{x} {y + 8}L{x + 16} {y + 24}M{x} {y}L{x + 24} {y + 24}"
                    f"M{x + 8} {y}L{x + 24} {y + 16}M{x + 16} {y}L{x + 24} {y + 8}",
                )
            elif kind in (ZERO, PAD):
                _text(cells, x + CELL / 2, y + 16.5, "0", class_="small", fill="#999", text_anchor="middle")
    ox = x0 + in_w + gap
    _text(root, ox, y0 - 8 - lift, out_label(fig))
    _slices(root, ox, y0, out_w, out_h, back_out, "output")
    outs = _el(root, "g", class_="output")
    n_fp = 1 if animate else len(fig.footprints)
    if fig.answer:
        marked = {fig.out_cell(i): ("first", "second")[i] for i in range(n_fp)}
        for r in range(rows.out):
            for c in range(cols.out):
                mark = marked.get((r, c))
                fill = {None: "#e9f1e4", "first": BLUE, "second": "#fbe3cc"}[mark]
                cls = "cell out" + (f" {mark}" if mark else "")
                rect = _el(
                    outs, "rect", class_=cls, x=ox + c * CELL, y=y0 + r * CELL, width=CELL, height=CELL, fill=fill
                )
                if mark == "second":
                    rect.set("style", f"stroke:{ORANGE};stroke-width:2.5")
    else:
        _el(
            outs,
            "rect",
            class_="out-unknown",
            x=ox,
            y=y0,
            width=out_w,
            height=out_h,
            fill="#fff",
            stroke="#555",
            stroke_dasharray="4 3",
        )
        _text(outs, ox + out_w / 2, y0 + out_h / 2 + 9, "?", class_="big", text_anchor="middle", style="font-size:26px")
    # the arrow from the input to the output, with the kernel written on it
    ay = y0 + min(in_h, out_h) / 2
    _el(root, "path", d=f"M{_n(x0 + in_w + 10)} {_n(ay)}H{_n(ox - 12)}", stroke="#555", stroke_width=1.5, fill="none")
    _el(root, "path", d=f"M{_n(ox - 12)} {_n(ay - 5)}L{_n(ox - 4)} {_n(ay)}L{_n(ox - 12)} {_n(ay + 5)}Z", fill="#555")
    _text(root, x0 + in_w + gap / 2, ay - 8, kernel_label(fig), class_="small", text_anchor="middle")
    for i in range(n_fp):
        g = _el(root, "g", class_=f"fp-at fp{i + 1}-at")
        for r, c in fig.footprint_cells(i):
            if r < rows.size and c < cols.size:
                _el(
                    g,
                    "rect",
                    class_=f"fp fp{i + 1}",
                    x=x0 + c * CELL + 2,
                    y=y0 + r * CELL + 2,
                    width=CELL - 4,
                    height=CELL - 4,
                )
    if animate:
        _animate(root, fig, x0, y0, ox)
    bottom: float = y0 + max(in_h, out_h) + 8
    bottom = _legend(root, fig, bottom, n_fp)
    bottom = _caption(root, bottom + 4, width, fig.caption)
    height = bottom + MARGIN
    root.set("viewBox", f"0 0 {_n(width)} {_n(height)}")
    root.set("height", _n(height))
    return _finish(root)


#: How far each slice of a 3-D layer's stack sits behind the one in front of it (up and to the right).
SLICE = 8


def _slices(root: ET.Element, x: float, y: float, w: float, h: float, n: int, where: str) -> None:
    """``n`` slices of a 3-D layer's stack behind its front grid at (x, y), farthest first."""
    for i in range(n, 0, -1):
        _el(
            root,
            "rect",
            class_=f"slice {where}",
            x=x + i * SLICE,
            y=y - i * SLICE,
            width=w,
            height=h,
            fill="#eef3f8" if where == "input" else "#eef5ea",
            stroke="#8a9aa8",
        )


def _legend(root: ET.Element, fig: Grid, y: float, n_fp: int) -> float:
    items: list[tuple[str, str]] = [(kind, label) for kind, label in fig.legend]
    pool = fig.layer.is_pool
    items.append(("fp1", _("window, first position") if pool else _("kernel footprint, first position")))
    if n_fp > 1:
        items.append(("fp2", _("next position along the stride")))
        if set(fig.footprint_cells(0)) & set(fig.footprint_cells(1)):
            items.append(("fp1 fp2", _("read by both positions (the windows overlap)")))
    for kind, label in items:
        y += 20
        if kind.startswith("fp"):
            for part in kind.split():
                _el(root, "rect", class_=f"fp {part} key", x=MARGIN + 2, y=y - 12, width=CELL - 8, height=14)
        else:
            _el(
                root,
                "rect",
                class_=f"key {kind}",
                x=MARGIN,
                y=y - 14,
                width=CELL - 4,
                height=18,
                fill=FILL[kind],
                stroke="#555",
                stroke_dasharray="3 2" if kind == PAD else "none",
            )
            if kind == UNREACHED:
                _el(
                    root,
                    "path",
                    class_="hatch",
                    d=f"M{MARGIN} {_n(y + 4)}L{MARGIN + 18} {_n(y - 14)}M{MARGIN} {_n(y - 14)}L{MARGIN + 18} {_n(y + 4)}",
                )
        _text(root, MARGIN + CELL + 6, y, label)
    return y


def _animate(root: ET.Element, fig: Grid, x0: float, y0: float, ox: float) -> None:
    """The footprint and its output cell slide over every position (CSS, no script); still if motion is reduced."""
    rows, cols = fig.rows, fig.cols
    positions = [(r, c) for r in range(rows.out) for c in range(cols.out)]
    n = len(positions)
    seconds = max(n * 0.6, 1.2)
    frames_in, frames_out = [], []
    for i, (r, c) in enumerate(positions):
        pct = _n(100 * i / n)
        frames_in.append(f"{pct}%{{transform:translate({c * cols.stride * CELL}px,{r * rows.stride * CELL}px)}}")
        frames_out.append(f"{pct}%{{transform:translate({c * CELL}px,{r * CELL}px)}}")
    last_r, last_c = positions[-1]
    frames_in.append(f"100%{{transform:translate({last_c * cols.stride * CELL}px,{last_r * rows.stride * CELL}px)}}")
    frames_out.append(f"100%{{transform:translate({last_c * CELL}px,{last_r * CELL}px)}}")
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
    _el(g, "rect", x=ox + 1, y=y0 + 1, width=CELL - 2, height=CELL - 2, fill="none", stroke=BLUE, stroke_width=3)


# --------------------------------------------------------------------------- blocks


def _px(n: int) -> float:
    """A size drawn on a log scale, so that 3 and 227 both show."""
    import math

    return 10 + 22 * math.log2(max(n, 1) + 1)


def _dims(shape: tuple[int, ...]) -> tuple[float, float, float]:
    """(width, height, depth) in px of a box for a shape (spatial then channels, or features)."""
    if not shape:
        return 70.0, 70.0, 24.0
    if len(shape) == 1:
        return 12.0, _px(shape[0]), 6.0
    spatial, c = shape[:-1], shape[-1]
    h = _px(spatial[-2]) if len(spatial) >= 2 else 12.0
    w = _px(spatial[-1])
    return w, h, 0.45 * _px(c)


def _cuboid(parent: ET.Element, x: float, y: float, w: float, h: float, dep: float, cls: str, fill: str) -> None:
    """A box seen from the front-right: front face at (x, y+dep), depth drawn up and to the right."""
    dx, dy = dep * 0.7, dep * 0.7
    g = _el(parent, "g", class_=cls)
    fy = y + dy
    _el(
        g,
        "path",
        d=f"M{_n(x)} {_n(fy)}L{_n(x + dx)} {_n(fy - dy)}H{_n(x + w + dx)}L{_n(x + w)} {_n(fy)}Z",
        fill=fill,
        stroke="#333",
        fill_opacity=0.7,
    )
    _el(
        g,
        "path",
        d=f"M{_n(x + w)} {_n(fy)}L{_n(x + w + dx)} {_n(fy - dy)}V{_n(fy - dy + h)}L{_n(x + w)} {_n(fy + h)}Z",
        fill=fill,
        stroke="#333",
        fill_opacity=0.85,
    )
    _el(g, "rect", x=float(x), y=float(fy), width=float(w), height=float(h), fill=fill, stroke="#333")


def blocks_svg(fig: Blocks) -> str:
    """A chain of boxes with each shape (one layer, or a network), wrapped into rows."""
    per_row = 5
    rows = [fig.boxes[i : i + per_row] for i in range(0, len(fig.boxes), per_row)]
    gap = 150 if len(fig.boxes) == 2 else 120
    row_heights = []
    row_widths = []
    for row in rows:
        dims = [_dims(b.shape) for b in row]
        row_heights.append(max(h + d * 0.7 for _w, h, d in dims) + 70)
        row_widths.append(sum(w + d * 0.7 for w, _h, d in dims) + gap * len(row))
    width = max(max(row_widths) + 2 * MARGIN + 24, 520)
    root = _root(width, 0, fig.title, fig.desc)
    _text(root, MARGIN, 24, fig.title, class_="big")
    y = 50.0
    index = 0
    for row, rh in zip(rows, row_heights):
        x = float(MARGIN + 24)
        base = y + rh - 60  # the bottom of the front faces
        for box in row:
            w, h, dep = _dims(box.shape)
            top = base - h - dep * 0.7
            colour = "#fff" if not box.shape else ("#d6e6f5" if index == 0 else "#e9f1e4")
            _cuboid(root, x, top, w, h, dep, "box unknown" if not box.shape else "box", colour)
            if not box.shape:
                _text(
                    root,
                    x + w / 2,
                    top + dep * 0.7 + h / 2 + 9,
                    "?",
                    class_="big",
                    text_anchor="middle",
                    style="font-size:26px",
                )
            if box.kernel:
                _kernel_box(root, box, x, top, w, h, dep)
            _label_box(root, box, x, base, w, h, dep)
            if index + 1 < len(fig.boxes):
                label = fig.arrows[index]
                parts = _wrap([label], gap - 10, least=8)[:3]
                ax = x + w + dep * 0.7 + 8
                ay = base - h / 2
                if box is not row[-1]:
                    end = ax + gap - 40
                    _el(root, "path", d=f"M{_n(ax)} {_n(ay)}H{_n(end - 8)}", stroke="#555", stroke_width=1.5)
                    _el(
                        root,
                        "path",
                        d=f"M{_n(end - 8)} {_n(ay - 5)}L{_n(end)} {_n(ay)}L{_n(end - 8)} {_n(ay + 5)}Z",
                        fill="#555",
                    )
                    for j, part in enumerate(parts):
                        _text(
                            root,
                            (ax + end) / 2,
                            ay - 8 - 14 * (len(parts) - 1 - j),
                            part,
                            class_="small",
                            text_anchor="middle",
                        )
                else:
                    for j, part in enumerate(parts):
                        _text(root, ax, ay + 4 + 14 * j, ("→ " if j == 0 else "  ") + part, class_="small")
            x += w + dep * 0.7 + gap
            index += 1
        y += rh
    y = _caption(root, y, width, fig.caption) if fig.caption else y
    height = y + MARGIN
    root.set("viewBox", f"0 0 {_n(width)} {_n(height)}")
    root.set("height", _n(height))
    return _finish(root)


def _kernel_box(root: ET.Element, box: Box, x: float, top: float, w: float, h: float, dep: float) -> None:
    spatial = box.shape[:-1]
    k = box.kernel
    # drawn larger than to scale (as AlexNet's figure does), but never larger than the box
    kw = min(w * 0.6, 0.4 * _px(k[-1]) * (1 if k[-1] < spatial[-1] else 2.5))
    kh = min(h * 0.6, 0.4 * _px(k[-2]) * (1 if k[-2] < spatial[-2] else 2.5)) if len(k) >= 2 else h * 0.6
    kx, ky = x + w * 0.18, top + dep * 0.7 + h * 0.22
    _cuboid(root, kx, ky - dep * 0.7 * 0.6, kw, kh, dep * 0.6, "kernel", "#f7c59f")
    _text(root, kx + kw + 6, ky + kh / 2 + 8, "×".join(str(v) for v in k), class_="small")


def _label_box(root: ET.Element, box: Box, x: float, base: float, w: float, h: float, dep: float) -> None:
    if not box.shape:
        _text(root, x, base + 18, box.label, class_="small")
        return
    shape = box.shape
    if len(shape) >= 3:
        _text(root, x - 4, base - h / 2 + 4, str(shape[-3]), class_="small", text_anchor="end")
        _text(root, x + w / 2, base + 14, str(shape[-2]), class_="small", text_anchor="middle")
        _text(root, x + w + dep * 0.7 * 0.5 + 7, base - h - dep * 0.7 * 0.5 - 2, str(shape[-1]), class_="small")
    _text(root, x, base + 32, box.label, class_="cap")


# --------------------------------------------------------------------------- receptive field


def receptive_svg(fig: Receptive) -> str:
    """The input with the receptive field after each layer drawn as nested regions."""
    rows, cols = fig.input_size
    side = 360.0
    cell = side / max(rows, cols)
    palette = [BLUE, ORANGE, "#2e7d32", "#6a1b9a", RED, "#00838f", "#5d4037", "#ad1457"]
    lo_r = min([0] + [r.start[0] for r in fig.regions])
    lo_c = min([0] + [r.start[1] for r in fig.regions])
    hi_r = max([rows] + [r.start[0] + r.size[0] for r in fig.regions])
    hi_c = max([cols] + [r.start[1] + r.size[1] for r in fig.regions])
    ox = MARGIN + (0 - lo_c) * cell
    oy = 56 + (0 - lo_r) * cell
    pic_w = (hi_c - lo_c) * cell
    pic_h = (hi_r - lo_r) * cell
    width = max(MARGIN * 2 + pic_w + 20, 560)
    root = _root(width, 0, fig.title, fig.desc)
    _text(root, MARGIN, 24, fig.title, class_="big")
    _text(
        root,
        ox,
        oy - 8,
        _("input {size} (the dashed border is the padding beyond it)").format(size=f"{rows}×{cols}")
        if (lo_r < 0 or lo_c < 0 or hi_r > rows or hi_c > cols)
        else _("input {size}").format(size=f"{rows}×{cols}"),
    )
    _el(
        root,
        "rect",
        class_="rf-input",
        x=ox,
        y=oy,
        width=cols * cell,
        height=rows * cell,
        fill="#f3f6fa",
        stroke="#555",
    )
    if max(rows, cols) <= 48:
        lines = "".join(f"M{_n(ox + c * cell)} {_n(oy)}V{_n(oy + rows * cell)}" for c in range(1, cols))
        lines += "".join(f"M{_n(ox)} {_n(oy + r * cell)}H{_n(ox + cols * cell)}" for r in range(1, rows))
        if lines:
            _el(root, "path", d=lines, stroke="#ccd", stroke_width=0.5, fill="none")
    for i, region in enumerate(fig.regions):
        colour = palette[i % len(palette)]
        _el(
            root,
            "rect",
            class_="rf",
            data_rows=region.size[0],
            data_cols=region.size[1],
            x=ox + region.start[1] * cell,
            y=oy + region.start[0] * cell,
            width=region.size[1] * cell,
            height=region.size[0] * cell,
            fill=colour,
            fill_opacity=0.08,
            stroke=colour,
            stroke_width=2,
        )
    y = 56 + pic_h + 10
    for i, region in enumerate(fig.regions):
        y += 20
        colour = palette[i % len(palette)]
        _el(
            root,
            "rect",
            x=MARGIN,
            y=y - 13,
            width=16,
            height=16,
            fill=colour,
            fill_opacity=0.3,
            stroke=colour,
            stroke_width=2,
        )
        _text(root, MARGIN + 24, y, region.label)
    y = _caption(root, y + 4, width, [fig.desc])
    height = y + MARGIN
    root.set("viewBox", f"0 0 {_n(width)} {_n(height)}")
    root.set("height", _n(height))
    return _finish(root)
