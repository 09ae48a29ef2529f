"""A graph network as SVG: boxes in a column read top to bottom, ⊕/⊗ joins, branch and skip arrows.

Each item is a ``g`` of class ``node`` (and its kind: ``layer``, ``block``, ``add``…) with ``data-name``
(the item) and ``data-nodes`` (the graph nodes it stands for), and its own ``title``.  Each arrow is a ``g``
of class ``edge`` and its kind (``next``, ``branch``, ``skip``) with ``data-from`` and ``data-to``.  On
paper the boxes are narrower and no title is drawn; the smallest text is the look's ``small`` (8.25 pt).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from quizgen.figures.graph import Drawing, Item
from quizgen.figures.svg import SCREEN, Look, _el, _finish, _n, _root, _size, _text, _wrap, text_width

_JOINS = ("add", "concat", "mul", "matmul")
_FILL = {"input": "#d6e6f5", "layer": "#e9f1e4", "block": "#fdf0d5", "op": "#eeeeee"}


#: On paper the figure is at most this wide (px): an A4 or Letter page's text width, so it prints unscaled.
PAPER_GRAPH_WIDTH = 660


def _box_size(look: Look, lanes: int, skip_room: float) -> tuple[float, float, float]:
    """(box width, gap across, gap down) in px; on paper the lanes share the page's width."""
    if not look.paper:
        return 196.0, 64.0, 30.0
    gx = 28.0
    room = PAPER_GRAPH_WIDTH - 2 * look.margin - skip_room - (lanes - 1) * gx
    return min(176.0, room / lanes), gx, 22.0


def _lines(item: Item, width: float, look: Look) -> list[str]:
    """A box's text lines: what it is (wrapped to the box, at most two lines), its settings, its shape."""
    if item.kind == "input":
        return [item.lines[0], _shape_line(item)]
    px = look.small * 1.1
    first = _wrap([item.lines[0]], width - 8, least=8, px=px)[:2]
    middle = _wrap(list(item.lines[1:-1]), width - 8, least=8, px=px)[:2]
    return first + middle + [item.lines[-1]]


def graph_svg(fig: Drawing, *, look: Look = SCREEN) -> str:
    """The drawing as a self-contained SVG."""
    lanes = 1 + max(i.lane for i in fig.items)
    rows = 1 + max(i.row for i in fig.items)
    skips = [e for e in fig.edges if e.kind == "skip"]
    skip_room = 14 + 8 * min(len(skips), 4)
    w, gx, gy = _box_size(look, lanes, skip_room)
    texts = {i.key: _lines(i, w, look) for i in fig.items}
    h = 10.0 + (look.small + 3) * max(len(t) for t in texts.values())
    top = 40.0 if not look.paper else float(look.margin)
    width = look.margin * 2 + lanes * w + (lanes - 1) * gx + skip_room
    if not look.paper:
        width = max(width, text_width(fig.title, look.big * 1.1) + 2 * look.margin)
    height = top + rows * (h + gy) - gy + look.margin
    root = _root(width, height, fig.title, fig.desc, look)
    if not look.paper:
        _text(root, look.margin, 24, fig.title, class_="big")
    where = {i.key: i for i in fig.items}

    def box(item: Item) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of an item's shape: a box, or a join's circle."""
        x = look.margin + item.lane * (w + gx)
        y = top + item.row * (h + gy)
        if item.kind in ("add", "mul", "matmul"):
            r = 11.0
            return x + w / 2 - r, y + h / 2 - r, x + w / 2 + r, y + h / 2 + r
        if item.kind == "concat":
            half = min(w / 2, 8 + text_width("concat " + _shape_line(item), look.small) / 2)
            return x + w / 2 - half, y + h / 2 - 12, x + w / 2 + half, y + h / 2 + 12
        return x, y, x + w, y + h

    edges = _el(root, "g", class_="edges")
    slot = 0
    for e in fig.edges:
        a, b = box(where[e.source]), box(where[e.target])
        g = _el(edges, "g", class_="edge " + e.kind, data_from=e.source, data_to=e.target)
        ET.SubElement(g, "title").text = f"{e.source} → {e.target}"
        if e.kind == "skip":
            col_right = look.margin + where[e.source].lane * (w + gx) + w
            out = col_right + 10 + 8 * (slot % 4)
            slot += 1
            # it leaves low on the source's right and arrives mid-height, so that a join that both
            # receives one skip and starts the next one shows them apart
            sy, ty = a[3] - min(8.0, (a[3] - a[1]) / 4), (b[1] + b[3]) / 2
            d = f"M{_n(a[2])} {_n(sy)}H{_n(out)}V{_n(ty)}H{_n(b[2] + 7)}"
            _el(g, "path", d=d, fill="none", stroke="#1f6fb4", stroke_width=1.5)
            _head(g, b[2], ty, "left", "#1f6fb4")
            continue
        sx, tx = (a[0] + a[2]) / 2, (b[0] + b[2]) / 2
        bend = top + where[e.target].row * (h + gy) - gy / 2
        if e.kind == "next" or sx == tx:
            d = f"M{_n(sx)} {_n(a[3])}V{_n(b[1] - 7)}"
        else:
            d = f"M{_n(sx)} {_n(a[3])}V{_n(bend)}H{_n(tx)}V{_n(b[1] - 7)}"
        _el(g, "path", d=d, fill="none", stroke="#555", stroke_width=1.5)
        _head(g, tx, b[1], "down", "#555")
    for item in fig.items:
        _item(root, item, box(item), texts[item.key], look)
    _size(root, width, height)
    return _finish(root)


def _head(parent: ET.Element, x: float, y: float, pointing: str, colour: str) -> None:
    """An arrowhead whose tip is at (x, y)."""
    if pointing == "down":
        d = f"M{_n(x - 5)} {_n(y - 8)}L{_n(x)} {_n(y)}L{_n(x + 5)} {_n(y - 8)}Z"
    else:
        d = f"M{_n(x + 8)} {_n(y - 5)}L{_n(x)} {_n(y)}L{_n(x + 8)} {_n(y + 5)}Z"
    _el(parent, "path", d=d, fill=colour, class_="head")


def _item(root: ET.Element, item: Item, at: tuple[float, float, float, float], lines: list[str], look: Look) -> None:
    x0, y0, x1, y1 = at
    g = _el(root, "g", class_="node " + item.kind, data_name=item.key, data_nodes=" ".join(item.nodes))
    ET.SubElement(g, "title").text = item.key + ": " + " / ".join(item.lines)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if item.kind in ("add", "mul", "matmul"):
        r = (x1 - x0) / 2
        _el(g, "circle", cx=cx, cy=cy, r=r, fill="#fff", stroke="#333", stroke_width=1.5)
        k = r * 0.6
        if item.kind == "add":
            d = f"M{_n(cx - k)} {_n(cy)}H{_n(cx + k)}M{_n(cx)} {_n(cy - k)}V{_n(cy + k)}"
        elif item.kind == "mul":
            q = k * 0.75
            d = f"M{_n(cx - q)} {_n(cy - q)}L{_n(cx + q)} {_n(cy + q)}M{_n(cx - q)} {_n(cy + q)}L{_n(cx + q)} {_n(cy - q)}"
        else:
            d = f"M{_n(cx)} {_n(cy)}m-1.5 0a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0 -3 0"
        _el(g, "path", d=d, stroke="#333", stroke_width=1.5, fill="#333")
        _text(g, x1 + 6, cy - 5, _shape_line(item), class_="small")  # above a skip arrow coming in at cy
        return
    if item.kind == "concat":
        _el(g, "rect", x=x0, y=y0, width=x1 - x0, height=y1 - y0, rx=12.0, fill="#fff", stroke="#333")
        _text(g, cx, cy + 4, "concat " + _shape_line(item), class_="small", text_anchor="middle")
        return
    _el(g, "rect", x=x0, y=y0, width=x1 - x0, height=y1 - y0, rx=4.0, fill=_FILL.get(item.kind, "#fff"), stroke="#333")
    step = look.small + 3
    y = cy - step * (len(lines) - 1) / 2 + 4
    for j, line in enumerate(lines):
        cls = "small" if j else ""
        el = _text(g, cx, y + step * j, line, text_anchor="middle", **({"class_": cls} if cls else {}))
        if j == 0 and item.kind == "block":
            el.set("font-weight", "600")
        if j == 0:
            el.set("style", f"font-size:{look.small + 1}px")


def _shape_line(item: Item) -> str:
    from quizgen.figures.blocks import shape_text

    return shape_text(item.shape)
