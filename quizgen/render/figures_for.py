"""The figures on sheets and keys: the one rule of :mod:`quizgen.figures.choose`, laid out for paper.

Which problem gets which figure is decided there, for sheets, keys, exports and the drill alike.  Here
each figure is drawn in the paper look (:data:`quizgen.figures.svg.PAPER`): compact, at its natural size,
with no title, legend or caption (the problem's text says what it shows; the ``<desc>`` still carries the
caption for screen readers).  The symbols are explained once per sheet, by :func:`legend_html`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import escape

from quizgen.i18n import _, language
from quizgen.problems.problem import Problem
from quizgen.problems.sheet import Sheet


def figure_for(problem: Problem, *, answer: bool, lang: str | None = None) -> str | None:
    """The SVG for ``problem`` on the key (``answer=True``) or on a student's sheet (``answer=False``)."""
    from quizgen.figures.choose import figure_for as chosen

    return chosen(problem, answer=answer, lang=lang, paper=True)


def legend_items(sheet: Sheet, *, answer: bool) -> list[tuple[str, str]]:
    """(symbol, label) of every symbol the sheet's (or its key's) grid figures draw, each once, in a fixed order.

    A symbol is a cell kind (``in``, ``pad``, ``zero``, ``unreached``, ``pad dropped``), a window position
    (``fp1``, ``fp2``, ``fp1 fp2`` where they overlap) or ``gap`` (the dots standing for cells left out).
    """
    from quizgen.figures.choose import grid_for
    from quizgen.figures.model import IN, PAD, PAD_DROPPED, UNREACHED, ZERO
    from quizgen.figures.svg import PAPER
    from quizgen.figures.svg_grid import cropped
    from quizgen.figures.svg_grid import legend_items as items_of

    if not sheet.figures:
        return []
    found: dict[str, str] = {}
    gaps = False
    for _title, problems in sheet.sections:
        for problem in problems:
            fig = grid_for(problem, answer=answer)
            if fig is None:
                continue
            gaps = gaps or cropped(fig, PAPER)
            for kind, label in items_of(fig):
                found.setdefault(kind, label)
    generic = {
        PAD: _("padding (zeros)"),
        "fp1": _("window (kernel footprint), first position"),
    }
    order = [IN, PAD, ZERO, UNREACHED, PAD_DROPPED, "fp1", "fp2", "fp1 fp2"]
    out = [(kind, generic.get(kind, found[kind])) for kind in order if kind in found]
    if gaps:
        out.append(("gap", _("cells left out")))
    return out


def legend_html(sheet: Sheet, *, answer: bool) -> str:
    """The sheet's one legend of its figures' symbols, as HTML (a ``p`` of class ``fig-legend``), or ``""``."""
    from quizgen.figures.svg import PAPER, _finish, style
    from quizgen.figures.svg_grid import dots, swatch

    items = legend_items(sheet, answer=answer)
    if not items:
        return ""
    size = PAPER.cell
    spans = []
    for i, (kind, label) in enumerate(items):
        svg = ET.Element(
            "svg",
            {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {size} {size}", "width": str(size),
             "height": str(size), "lang": language(), "aria-hidden": "true"},
        )  # fmt: skip
        if i == 0:  # an inline SVG's stylesheet holds for the whole page: once is enough
            ET.SubElement(svg, "style").text = style(PAPER)
        if kind == "gap":
            dots(svg, 0, 0, size, "h")
        else:
            swatch(svg, kind, 0, 0, size)
        spans.append(f'<span class="sym">{_finish(svg).strip()} {escape(label)}</span>')
    title = escape(_("In the figures") + _(": "))
    return f'<p class="fig-legend"><strong>{title}</strong>' + " ".join(spans) + "</p>\n"
