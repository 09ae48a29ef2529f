"""Answer sheets drawn and written: each page an SVG in mm that Chromium prints 1:1, and ``answer-sheets.json``.

The geometry comes from :mod:`quizgen.render.answer_layout`; this module only draws it.  Each answer
page is a section on a named page (``answer-sheet``) with no margins, whose SVG's user unit is one
millimetre, so a bubble's centre in the JSON is where it prints.  The QR code is made with ``segno``
(imported only when an answer sheet is drawn) and holds ``CODE/PAGE/PAGES``.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from quizgen.render.answer_layout import PAPER_MM, AnswerPage, layout

if TYPE_CHECKING:
    from quizgen.problems.sheet import Sheet

#: The stroke of a bubble's circle and the grey of the value printed in it.
STROKE = 0.3
FAINT = "#8a8f96"
#: The faint rule between two parts, and between a shape's sizes.
RULE = "#b4b9c0"
FONT = "'Noto Sans','DejaVu Sans',sans-serif"


#: The formats a sheet may carry an answer page in (its files: the page in the sheet, and answer-sheets.json).
FORMATS = ("md", "html", "pdf", "json")


def _mm(v: float) -> str:
    """A length in mm as SVG writes it: at most two decimals, no trailing zeros (same input, same bytes)."""
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _qr_path(page: AnswerPage) -> str:
    """The QR code's dark modules as one SVG path, filling its box with a quiet zone of 4 modules."""
    import segno

    qr = segno.make(page.qr_text, error="m", micro=False)
    rows = [list(row) for row in qr.matrix]
    n = len(rows)
    x0, y0, side = page.qr
    unit = side / (n + 8)
    path = []
    for r, row in enumerate(rows):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                x, y = x0 + (start + 4) * unit, y0 + (r + 4) * unit
                path.append(f"M{_mm(x)} {_mm(y)}h{_mm((c - start) * unit)}v{_mm(unit)}h-{_mm((c - start) * unit)}z")
            else:
                c += 1
    return "".join(path)


def page_svg(page: AnswerPage) -> str:
    """One answer page as an SVG whose user unit is a millimetre."""
    w, h = page.size_mm
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_mm(w)}mm" height="{_mm(h)}mm" '
        f'viewBox="0 0 {_mm(w)} {_mm(h)}" '
        f'data-code="{escape(page.code)}" data-page="{page.page}">',
        f'<rect width="{_mm(w)}" height="{_mm(h)}" fill="#fff"/>',
    ]
    from quizgen.render.answer_layout import MARKER

    for x, y in page.markers:
        out.append(
            f'<rect x="{_mm(x - MARKER / 2)}" y="{_mm(y - MARKER / 2)}" width="{_mm(MARKER)}" height="{_mm(MARKER)}"/>'
        )
    out.append(f'<path d="{_qr_path(page)}"/>')
    for x1, y1, x2, y2 in page.rules:
        out.append(
            f'<line x1="{_mm(x1)}" y1="{_mm(y1)}" x2="{_mm(x2)}" y2="{_mm(y2)}" stroke="{RULE}" stroke-width="0.2"/>'
        )
    for x1, y1, x2, y2 in page.lines:
        out.append(
            f'<line x1="{_mm(x1)}" y1="{_mm(y1)}" x2="{_mm(x2)}" y2="{_mm(y2)}" stroke="#000" stroke-width="0.25"/>'
        )
    # inline styles: a figure's SVG on the same page styles every ``text`` of the document
    for t in page.texts:
        weight = "bold " if t.bold else ""
        anchor = f' text-anchor="{t.anchor}"' if t.anchor != "start" else ""
        style = f"font:{weight}{_mm(t.size)}px {FONT};fill:#000"
        out.append(f'<text x="{_mm(t.x)}" y="{_mm(t.y)}" style="{style}"{anchor}>{escape(t.text)}</text>')
    out.append(f'<g fill="none" stroke="#000" stroke-width="{_mm(STROKE)}">')
    for b in page.bubbles:
        if b.column == "override":
            out.append(
                f'<rect x="{_mm(b.x - b.r)}" y="{_mm(b.y - b.r)}" width="{_mm(2 * b.r)}" height="{_mm(2 * b.r)}"/>'
            )
        else:
            out.append(f'<circle cx="{_mm(b.x)}" cy="{_mm(b.y)}" r="{_mm(b.r)}"/>')
    out.append("</g>")
    out.append('<g text-anchor="middle">')
    for b in page.bubbles:
        if b.column != "override":
            style = f"font:1.9px {FONT};fill:{FAINT}"
            out.append(f'<text x="{_mm(b.x)}" y="{_mm(b.y + 0.68)}" style="{style}">{escape(b.value)}</text>')
    out.append("</g></svg>")
    return "\n".join(out)


def page_css(paper: str) -> str:
    """The named page the answer pages print on: the paper's size, no margins, nothing in the margin boxes."""
    w, h = PAPER_MM[paper]
    return (
        f"@page answer-sheet {{ size: {_mm(w)}mm {_mm(h)}mm; margin: 0; }}\n"
        ".answer-page { page: answer-sheet; break-before: page; page-break-before: always; margin: 0; padding: 0; "
        f"width: {_mm(w)}mm; height: {_mm(h - 0.5)}mm; overflow: hidden; }}\n"
        ".answer-page svg { display: block; }\n"
        "@media screen { .answer-page { margin: 1rem auto; box-shadow: 0 0 0 1px #ccc; } }\n"
    )


def sheet_pages_html(pages: list[AnswerPage]) -> Markup:
    """A sheet's answer pages as HTML sections, with their page CSS, to follow the sheet's own pages."""
    if not pages:
        return Markup("")
    body = "".join(f'<section class="answer-page">{page_svg(p)}</section>\n' for p in pages)
    return Markup(f"<style>\n{page_css(pages[0].paper)}</style>\n{body}")


def answer_files(sheets: list[Sheet], fmt: str, paper: str) -> dict[str, str]:
    """The class's answer pages as files: ``answer-sheets.json``, and but for JSON ``answer-sheets.html`` (printed
    to ``answer-sheets.pdf`` with the rest); nothing when no sheet has an answer sheet."""
    from quizgen.i18n import _

    pages = [page for sheet in sheets for page in answer_pages_for(sheet, paper)]
    if not pages:
        return {}
    files = {"answer-sheets.json": answer_sheets_json(pages)}
    if fmt != "json":
        files["answer-sheets.html"] = answer_sheets_html(pages, _("Answer sheets"))
    return files


def answer_pages_for(sheet: Sheet, paper: str) -> list[AnswerPage]:
    """The answer pages of a sheet made with ``--answer-sheet``, else none."""
    return layout(sheet, paper) if getattr(sheet, "answer_sheet", False) else []


def answer_sheets_html(pages: list[AnswerPage], title: str) -> str:
    """Every answer page of a class in one file (``answer-sheets.html``), in the order of the JSON."""
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>\nbody {{ margin: 0; }}\n</style>\n</head>\n<body>\n"
        f"{sheet_pages_html(pages)}</body>\n</html>\n"
    )


def _round(v: float) -> float:
    return round(v, 2)


def page_data(page: AnswerPage) -> dict[str, Any]:
    """One page as ``answer-sheets.json`` holds it (fields in the project's ``docs/answer-sheets.md``)."""
    return {
        "code": page.code,
        "page": page.page,
        "pages": page.pages,
        "student": page.student,
        "student_id": page.student_id,
        "paper": page.paper,
        "size_mm": [_round(v) for v in page.size_mm],
        "qr": {"text": page.qr_text, "x": _round(page.qr[0]), "y": _round(page.qr[1]), "size": _round(page.qr[2])},
        "markers": [[_round(x), _round(y)] for x, y in page.markers],
        "bubbles": [
            {
                "part": b.part,
                "dim": b.dim,
                "column": b.column,
                "value": b.value,
                "x": _round(b.x),
                "y": _round(b.y),
                "r": _round(b.r),
            }
            for b in page.bubbles
        ],
    }


def answer_sheets_json(pages: list[AnswerPage]) -> str:
    """``answer-sheets.json``: every answer page of the class, in print order, one bubble a line."""
    out = []
    for page in pages:
        data = page_data(page)
        bubbles = ",\n  ".join(json.dumps(b, ensure_ascii=False) for b in data.pop("bubbles"))
        head = json.dumps(data, ensure_ascii=False)[:-1]
        out.append(f' {head}, "bubbles": [\n  {bubbles}\n ]}}')
    return '{"pages": [\n' + ",\n".join(out) + "\n]}\n"
