"""Block diagrams as SVG: one layer (input box with the kernel inside, output box) or a network's chain.

Boxes are drawn on a log scale, so that 3 and 227 both show.  Each box is a ``g`` of class ``box``
(``box unknown`` for a hidden output), the kernel a ``g`` of class ``kernel``.  On paper a chain is
drawn full width (its ``svg`` has class ``wide``), with as many boxes to a row as fit.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from quizgen.figures.model import Blocks, Box
from quizgen.figures.svg import SCREEN, Look, _caption, _el, _finish, _n, _root, _size, _text, _wrap, text_width

#: A chain on paper is drawn at most this wide (px): the text width of an A4 or Letter page.
PAPER_CHAIN_WIDTH = 660


def _px(n: int, look: Look) -> float:
    """A size drawn on a log scale, so that 3 and 227 both show."""
    if look.paper:
        return 4 + 6 * math.log2(max(n, 1) + 1)
    return 10 + 22 * math.log2(max(n, 1) + 1)


def _dims(shape: tuple[int, ...], look: Look) -> tuple[float, float, float]:
    """(width, height, depth) in px of a box for a shape (spatial then channels, or features)."""
    if not shape:
        return (70.0, 70.0, 24.0) if not look.paper else (40.0, 40.0, 14.0)
    if len(shape) == 1:
        return 12.0 if not look.paper else 8.0, _px(shape[0], look), 6.0 if not look.paper else 4.0
    spatial, c = shape[:-1], shape[-1]
    h = _px(spatial[-2], look) if len(spatial) >= 2 else 12.0
    w = _px(spatial[-1], look)
    return w, h, 0.45 * _px(c, look)


def _cuboid(parent: ET.Element, x: float, y: float, w: float, h: float, dep: float, cls: str, fill: str) -> None:
    """A box seen from the front-right: front face at (x, y+dep), depth drawn up and to the right."""
    dx, dy = dep * 0.7, dep * 0.7
    g = _el(parent, "g", class_=cls)
    fy = y + dy
    top = f"M{_n(x)} {_n(fy)}L{_n(x + dx)} {_n(fy - dy)}H{_n(x + w + dx)}L{_n(x + w)} {_n(fy)}Z"
    _el(g, "path", d=top, fill=fill, stroke="#333", fill_opacity=0.7)
    side = f"M{_n(x + w)} {_n(fy)}L{_n(x + w + dx)} {_n(fy - dy)}V{_n(fy - dy + h)}L{_n(x + w)} {_n(fy + h)}Z"
    _el(g, "path", d=side, fill=fill, stroke="#333", fill_opacity=0.85)
    _el(g, "rect", x=float(x), y=float(fy), width=float(w), height=float(h), fill=fill, stroke="#333")


def _rows(fig: Blocks, gap: float, look: Look) -> list[tuple[Box, ...]]:
    """The boxes in rows: five to a row on the screen; on paper as many as fit the page's width."""
    if not look.paper:
        return [fig.boxes[i : i + 5] for i in range(0, len(fig.boxes), 5)]
    rows: list[list[Box]] = [[]]
    used = look.margin + 18 + gap  # the room after a row's last box, for its arrow's label
    for box in fig.boxes:
        w, _h, d = _dims(box.shape, look)
        if rows[-1] and used + w + d * 0.7 + gap > PAPER_CHAIN_WIDTH:
            rows.append([])
            used = look.margin + 18 + gap
        rows[-1].append(box)
        used += w + d * 0.7 + gap
    return [tuple(row) for row in rows]


def blocks_svg(fig: Blocks, *, look: Look = SCREEN) -> str:
    """A chain of boxes with each shape (one layer, or a network), wrapped into rows."""
    if look.paper:
        gap = 66 + max(min(text_width(a, look.small), 58) for a in fig.arrows) if fig.arrows else 60
    else:
        gap = 150 if len(fig.boxes) == 2 else 120
    rows = _rows(fig, gap, look)
    row_heights = []
    row_widths = []
    label_room = 70 if not look.paper else 2 * look.small + 22
    lead = 24 if not look.paper else 18  # room on the left for a box's height
    for i, row in enumerate(rows):
        dims = [_dims(b.shape, look) for b in row]
        row_heights.append(max(h + d * 0.7 for _w, h, d in dims) + label_room)
        if not look.paper:
            row_widths.append(sum(w + d * 0.7 for w, _h, d in dims) + gap * len(row))
            continue
        w, _h, d = dims[-1]
        after = gap if i + 1 < len(rows) else max(24.0, text_width(row[-1].label, look.cap) - w - d * 0.7)
        row_widths.append(sum(w + d * 0.7 for w, _h, d in dims) + gap * (len(row) - 1) + after)
    width = max(row_widths) + 2 * look.margin + lead
    if not look.paper:
        width = max(width, 520)
    root = _root(width, 0, fig.title, fig.desc, look)
    if look.paper and len(fig.boxes) > 2:
        root.set("class", "wide")
    if not look.paper:
        _text(root, look.margin, 24, fig.title, class_="big")
    y = 50.0 if not look.paper else 4.0
    index = 0
    for row, rh in zip(rows, row_heights):
        x = float(look.margin + lead)
        base = y + rh - (label_room - 10)  # the bottom of the front faces
        for box in row:
            w, h, dep = _dims(box.shape, look)
            top = base - h - dep * 0.7
            colour = "#fff" if not box.shape else ("#d6e6f5" if index == 0 else "#e9f1e4")
            _cuboid(root, x, top, w, h, dep, "box unknown" if not box.shape else "box", colour)
            if not box.shape:
                size = 26 if not look.paper else 18
                _text(root, x + w / 2, top + dep * 0.7 + h / 2 + size / 3, "?", class_="big", text_anchor="middle",
                      style=f"font-size:{size}px")  # fmt: skip
            if box.kernel:
                _kernel_box(root, box, x, top, w, h, dep, look)
            _label_box(root, box, x, base, w, h, dep, look)
            if index + 1 < len(fig.boxes):
                _arrow(root, fig.arrows[index], x + w + dep * 0.7 + 8, base - h / 2, gap, box is not row[-1], look)
            x += w + dep * 0.7 + gap
            index += 1
        y += rh
    y = _caption(root, y, width, fig.caption, look) if fig.caption and not look.paper else y
    _size(root, width, y + (look.margin if not look.paper else 0))
    return _finish(root)


def _arrow(root: ET.Element, label: str, ax: float, ay: float, gap: float, to_next: bool, look: Look) -> None:
    """The arrow to the next box with the operation written over it, or at a row's end the operation alone."""
    room = gap - 10 if not look.paper else gap - 54  # on paper the arrow starts clear of the channel count
    parts = _wrap([label], room, least=8, px=look.small * 1.1)[: 3 if not look.paper else 4]
    step = look.small + 3
    if to_next:
        end = ax + gap - 40 if not look.paper else ax + gap - 32
        ax += 22 if look.paper else 0
        _el(root, "path", d=f"M{_n(ax)} {_n(ay)}H{_n(end - 8)}", stroke="#555", stroke_width=1.5)
        _el(root, "path", d=f"M{_n(end - 8)} {_n(ay - 5)}L{_n(end)} {_n(ay)}L{_n(end - 8)} {_n(ay + 5)}Z", fill="#555")
        for j, part in enumerate(parts):
            y = ay - 8 - step * (len(parts) - 1 - j)
            _text(root, (ax + end) / 2, y, part, class_="small", text_anchor="middle")
    else:
        for j, part in enumerate(parts):
            _text(root, ax, ay + 4 + step * j, ("→ " if j == 0 else "  ") + part, class_="small")


def _kernel_box(root: ET.Element, box: Box, x: float, top: float, w: float, h: float, dep: float, look: Look) -> None:
    spatial = box.shape[:-1]
    k = box.kernel
    # drawn larger than to scale (as AlexNet's figure does), but never larger than the box
    kw = min(w * 0.6, 0.4 * _px(k[-1], look) * (1 if k[-1] < spatial[-1] else 2.5))
    kh = min(h * 0.6, 0.4 * _px(k[-2], look) * (1 if k[-2] < spatial[-2] else 2.5)) if len(k) >= 2 else h * 0.6
    kx, ky = x + w * 0.18, top + dep * 0.7 + h * 0.22
    _cuboid(root, kx, ky - dep * 0.7 * 0.6, kw, kh, dep * 0.6, "kernel", "#f7c59f")
    _text(root, kx + kw + 4, ky + kh / 2 + 6, "×".join(str(v) for v in k), class_="small")


def _label_box(root: ET.Element, box: Box, x: float, base: float, w: float, h: float, dep: float, look: Look) -> None:
    if not box.shape:
        _text(root, x, base + look.small + 7, box.label, class_="small")
        return
    shape = box.shape
    if len(shape) >= 3:
        _text(root, x - 3, base - h / 2 + 4, str(shape[-3]), class_="small", text_anchor="end")
        _text(root, x + w / 2, base + look.small + 3, str(shape[-2]), class_="small", text_anchor="middle")
        _text(root, x + w + dep * 0.7 * 0.5 + 5, base - h - dep * 0.7 * 0.5 - 2, str(shape[-1]), class_="small")
    _text(root, x, base + 2 * look.small + (10 if not look.paper else 6), box.label, class_="cap")
