"""The SVG writer's common parts: self-contained, deterministic SVG (ElementTree, no ids, no script, no
external reference), and the two looks a figure is drawn in.

What each figure draws lives beside this module: :mod:`quizgen.figures.svg_grid` (a small layer's grids),
:mod:`quizgen.figures.svg_blocks` (block diagrams and chains) and :mod:`quizgen.figures.svg_field` (a
stack's receptive field).

A figure is drawn for the screen (``quizgen draw``, exports: its title, legend and caption drawn in it) or
for paper (sheets and keys: compact, at its natural size in CSS px, so that its smallest text prints at
8 pt and its cells at 3.4 mm; no title, legend or caption, which the problem and the sheet's one legend say).
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import NamedTuple

from quizgen.i18n import language

FONT = "font-family:system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK SC',sans-serif"
BLUE, ORANGE, RED = "#1f6fb4", "#e8790c", "#c62828"


class Look(NamedTuple):
    """Sizes in px (a CSS px prints at 0.75 pt) and what is drawn besides the picture."""

    cell: int  # a grid cell's side
    margin: int
    text: int  # labels
    small: int  # the kernel on the arrow, the numbers on a block
    cap: int  # caption lines
    big: int  # the title
    paper: bool  # no title, legend or caption; large grids cropped with ellipses

    @property
    def line(self) -> float:
        """The distance between two lines of labels."""
        return round(self.text * 1.3, 2)


#: For the screen: what ``quizgen draw`` writes.
SCREEN = Look(cell=24, margin=16, text=13, small=11, cap=12, big=15, paper=False)
#: For paper: 11 px prints at 8.25 pt, a cell at 3.4 mm, at the figure's natural size.
PAPER = Look(cell=13, margin=4, text=12, small=11, cap=11, big=13, paper=True)
#: A paper figure is drawn at most this wide (px), so that it prints at its natural size beside the problem
#: (the sheet's float takes at most 46% of an A4 or Letter text width: 84 mm, 318 px).
PAPER_WIDTH = 310


def style(look: Look) -> str:
    """The figure's stylesheet: text classes at the look's sizes, cells, footprints, hatching."""
    fp, fp2 = (2, 2.5) if not look.paper else (1, 1.5)
    return (
        "text{" + FONT + f";font-size:{look.text}px;fill:#222}}"
        f".cap{{font-size:{look.cap}px;fill:#444}}.small{{font-size:{look.small}px}}"
        f".big{{font-size:{look.big}px;font-weight:600}}"
        ".cell{stroke:#555;stroke-width:1}.pad{stroke:#999;stroke-dasharray:3 2}.zero{stroke:#aaa}"
        f".fp{{stroke-width:{fp}}}.fp1{{fill:{BLUE};fill-opacity:.55;stroke:{BLUE}}}"
        f".fp2{{fill:{ORANGE};fill-opacity:.25;stroke:{ORANGE};stroke-width:{fp2}}}"
        f".hatch{{stroke:{RED};stroke-width:1.2}}"
    )


@lru_cache(maxsize=4096)  # a figure writes the same few coordinates again and again
def _n(x: float) -> str:
    """A coordinate with at most two decimals, no trailing zeros: the same text on every machine."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _el(parent: ET.Element, tag: str, **attrs: object) -> ET.Element:
    names: dict[str, str] = _NAMES
    values: dict[str, str] = {}
    for k, v in attrs.items():
        values[names.get(k) or _name(k)] = v if isinstance(v, str) else _n(v) if type(v) is float else str(v)
    return ET.SubElement(parent, tag, values)


#: Keyword names as SVG attribute names (``class_`` → ``class``, ``stroke_width`` → ``stroke-width``), kept.
_NAMES: dict[str, str] = {}


def _name(keyword: str) -> str:
    name = _NAMES[keyword] = keyword.rstrip("_").replace("_", "-")
    return name


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: object) -> ET.Element:
    el = _el(parent, "text", x=float(x), y=float(y), **attrs)
    el.text = text
    return el


def _root(width: float, height: float, title: str, desc: str, look: Look = SCREEN) -> ET.Element:
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
    ET.SubElement(root, "style").text = style(look)
    return root


def _size(root: ET.Element, width: float, height: float) -> None:
    """Set the figure's final size once everything is drawn."""
    root.set("viewBox", f"0 0 {_n(width)} {_n(height)}")
    root.set("width", _n(width))
    root.set("height", _n(height))


def _finish(root: ET.Element) -> str:
    """The tree as text, indented one space a level: the same text as ``ET.indent`` and ``ET.tostring`` give
    (``tests/test_figures.py`` holds it to them), written directly, which is several times faster."""
    out: list[str] = []
    _write(root, "\n", out)
    return "".join(out) + "\n"


_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)
_CDATA = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_NEEDS_ESCAPE = re.compile('[&<>"\r\n\t]').search
_NEEDS_CDATA = re.compile("[&<>]").search


def _write(el: ET.Element, indent: str, out: list[str]) -> None:
    """``el`` and its children, as ``ET.indent(space=" ")`` then ``ET.tostring`` write them (no tail)."""
    tag = el.tag
    out.append("<" + tag)
    for k, v in el.items():
        out.append(f' {k}="{v.translate(_ATTR) if _NEEDS_ESCAPE(v) else v}"')
    text = el.text
    if not len(el):
        if text:
            out.append(f">{text.translate(_CDATA) if _NEEDS_CDATA(text) else text}</{tag}>")
        else:
            out.append(" />")
        return
    inner = indent + " "
    text = text if text and text.strip() else inner
    out.append(">" + text.translate(_CDATA))
    last = len(el) - 1
    for i, child in enumerate(el):
        _write(child, inner, out)
        tail = child.tail
        tail = tail if tail and tail.strip() else (indent if i == last else inner)
        out.append(tail.translate(_CDATA))
    out.append("</" + tag + ">")


def text_width(text: str, px: float) -> float:
    """An estimate of ``text``'s width at ``px`` in a sans-serif font (a CJK glyph is about twice as wide)."""
    return sum(px if ord(ch) >= 0x2E80 else 0.6 * px for ch in text)


def _wrap(lines: tuple[str, ...] | list[str], width_px: float, least: int = 30, px: float = 13) -> list[str]:
    out: list[str] = []
    for line in lines:
        wide = any(ord(ch) >= 0x2E80 for ch in line)  # CJK: no spaces to break at, each glyph twice as wide
        chars = max(least, int(width_px / (px if wide else px * 0.51)))
        if wide:
            out += _wrap_wide(line, chars) or [""]
        else:
            out += textwrap.wrap(line, chars) or [""]
    return out


def _wrap_wide(line: str, chars: int) -> list[str]:
    """CJK text in lines of about ``chars`` wide glyphs (a narrow one counts half), broken after a space or
    a comma where one is near, so that a number is never cut in two."""
    tokens = re.findall(r"[^\s，、；。]*[\s，、；。]*", line)
    lines: list[str] = [""]
    for token in filter(None, tokens):
        while token:
            room = chars - _units(lines[-1])
            if _units(token) <= room:
                lines[-1] += token
                break
            if lines[-1]:
                lines.append("")
                continue
            cut = 1
            while cut < len(token) and _units(token[: cut + 1]) <= chars:
                cut += 1
            lines[-1], token = token[:cut], token[cut:]
            lines.append("")
    return [ln.rstrip() for ln in lines if ln.strip()]


def _units(text: str) -> float:
    return sum(1 if ord(ch) >= 0x2E80 else 0.5 for ch in text)


def _caption(
    root: ET.Element, y: float, width: float, lines: tuple[str, ...] | list[str], look: Look = SCREEN
) -> float:
    for line in _wrap(lines, width - 2 * look.margin, px=look.text):
        y += look.cap + 4
        _text(root, look.margin, y, line, class_="cap")
    return y
