"""A stack's receptive field as SVG: the input with the region one output pixel sees after each layer."""

from __future__ import annotations

from quizgen.figures.model import Receptive
from quizgen.figures.svg import (
    BLUE,
    ORANGE,
    RED,
    SCREEN,
    Look,
    _caption,
    _el,
    _finish,
    _n,
    _root,
    _size,
    _text,
    _wrap,
    text_width,
)
from quizgen.i18n import _


def receptive_svg(fig: Receptive, *, look: Look = SCREEN) -> str:
    """The input with the receptive field after each layer drawn as nested regions (on paper: smaller, no
    title or caption)."""
    rows, cols = fig.input_size
    side = 360.0 if not look.paper else 140.0
    margin = look.margin
    padded = any(
        r.start[0] < 0 or r.start[1] < 0 or r.start[0] + r.size[0] > rows or r.start[1] + r.size[1] > cols
        for r in fig.regions
    )
    label = (_("input {size} (the dashed border is the padding beyond it)") if padded else _("input {size}")).format(
        size=f"{rows}×{cols}"
    )
    label_lines = [label] if not look.paper else _wrap([label], side, least=12, px=look.text)
    top = 56 if not look.paper else look.line * len(label_lines) + 6
    cell = side / max(rows, cols)
    palette = [BLUE, ORANGE, "#2e7d32", "#6a1b9a", RED, "#00838f", "#5d4037", "#ad1457"]
    lo_r = min([0] + [r.start[0] for r in fig.regions])
    lo_c = min([0] + [r.start[1] for r in fig.regions])
    hi_r = max([rows] + [r.start[0] + r.size[0] for r in fig.regions])
    hi_c = max([cols] + [r.start[1] + r.size[1] for r in fig.regions])
    ox = margin + (0 - lo_c) * cell
    oy = top + (0 - lo_r) * cell
    pic_w = (hi_c - lo_c) * cell
    pic_h = (hi_r - lo_r) * cell
    width = margin * 2 + pic_w + 20
    labels = [text_width(r.label, look.text) + 24 + 2 * margin for r in fig.regions]
    width = max(width, 560) if not look.paper else max(width, *labels)
    root = _root(width, 0, fig.title, fig.desc, look)
    if not look.paper:
        _text(root, margin, 24, fig.title, class_="big")
    for i, line in enumerate(label_lines):
        _text(root, ox, oy - 8 - look.line * (len(label_lines) - 1 - i), line)
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
    y = top + pic_h + 10
    for i, region in enumerate(fig.regions):
        y += look.line + 4
        colour = palette[i % len(palette)]
        _el(
            root,
            "rect",
            x=margin,
            y=y - 13,
            width=16,
            height=16,
            fill=colour,
            fill_opacity=0.3,
            stroke=colour,
            stroke_width=2,
        )
        _text(root, margin + 24, y, region.label)
    if not look.paper:
        y = _caption(root, y + 4, width, [fig.desc], look)
    _size(root, width, y + margin)
    return _finish(root)
