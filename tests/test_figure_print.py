"""Figures read on paper: measured in the PDFs ``quizgen worksheet --format pdf`` prints.

``pdftotext -bbox`` gives every word's box; a word's height is its font size times the font's line
height, so the ratio of two heights is the ratio of their sizes.  The body text prints at 10 pt; a
figure word must be at least 70% of the body text's height (7 pt).  Which words are figure words is read
from the same sheet in HTML: the ``<text>`` of the SVGs inside ``<figure class="fig">``.
"""

from __future__ import annotations

import html
import re
import statistics
import subprocess
from pathlib import Path

import pytest
from browser import quizgen, require_print

SHEETS = {
    "default": [],
    "grids": ["--kind", "output-pool", "--kind", "output-conv", "--kind", "output-transposed", "--problems", "8"]
    + ["--difficulty", "3", "--seed", "5"],
    "zh": ["--lang", "zh", "--seed", "3"],
}


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """Each sheet in HTML and in PDF (A4 for two, Letter for the grids), written once."""
    require_print("pdftotext")
    out = {}
    for name, args in SHEETS.items():
        base = tmp_path_factory.mktemp(name)
        paper = ["--paper", "letter"] if name == "grids" else []
        quizgen("worksheet", *args, "--format", "html", "-o", str(base / "html"))
        quizgen("worksheet", *args, *paper, "--format", "pdf", "-o", str(base / "pdf"))
        out[name] = base
    return out


def words(pdf: Path) -> list[tuple[str, float]]:
    """(word, height in pt) of every word of ``pdf``."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', text)
    return [(html.unescape(w), float(y1) - float(y0)) for y0, y1, w in found]


def figure_words(page: str) -> set[str]:
    """The words the figures of an HTML sheet write (its legend is HTML, body text)."""
    out: set[str] = set()
    for fig in re.findall(r'<figure class="fig">(.*?)</figure>', page, re.S):
        for text in re.findall(r"<text [^>]*>([^<]*)</text>", fig):
            out |= set(html.unescape(text).split())
    return out


@pytest.mark.parametrize("name", list(SHEETS))
@pytest.mark.parametrize("side", ["worksheet", "key"])
def test_no_figure_word_prints_below_70_percent_of_the_body_text(printed, name, side):
    base = printed[name]
    page = (base / "html" / f"{side}.html").read_text(encoding="utf-8")
    wanted = figure_words(page)
    assert len(wanted) >= 5, wanted  # the sheet has figures with words
    measured = words(base / "pdf" / f"{side}.pdf")
    body = statistics.median(h for _w, h in measured)  # most words are the body text's
    seen = [(w, h) for w, h in measured if w in wanted]
    assert len(seen) >= 10, seen
    small = [(w, round(h / body, 2)) for w, h in seen if h < 0.7 * body]
    assert not small, (name, side, body, small)


def test_the_legend_is_printed_once_per_sheet_and_not_in_the_figures(printed):
    for name in SHEETS:
        for side in ("worksheet", "key"):
            page = (printed[name] / "html" / f"{side}.html").read_text(encoding="utf-8")
            assert page.count('class="fig-legend"') == 1, (name, side)
            figures = re.findall(r'<figure class="fig">(.*?)</figure>', page, re.S)
            assert figures and not any(re.search(r'class="[^"]*\bkey\b', f) for f in figures), (name, side)


OVERLAPS = """() => [...document.querySelectorAll('article.problem')].flatMap(a => {
    const fig = a.querySelector('figure.fig');
    if (!fig) return [];
    const f = fig.getBoundingClientRect(), box = a.getBoundingClientRect();
    const hit = [...a.querySelectorAll('pre.spec, ol.flawed, ul.why, ol.steps, ul.choices')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.left < f.right - 1 && f.left < r.right - 1 && r.top < f.bottom - 1 && f.top < r.bottom - 1;
    }).map(el => el.tagName + '.' + el.className);
    const out = f.left < box.left - 0.5 || f.right > box.right + 0.5 || f.bottom > box.bottom + 0.5;
    const cell = fig.querySelector('rect.cell');  // a CSS px prints at 1/96 in
    const mm = cell ? cell.getBoundingClientRect().width * 25.4 / 96 : null;
    return [{id: a.querySelector('h3').textContent.trim().slice(0, 12), hit, out, w: f.width, mm}];
})"""


def test_figures_stay_in_their_problem_and_never_cover_a_box(printed):
    """In print layout (A4's text width, 695 px): no figure sits over the spec, the student's solution, the
    reasons, the steps or the choices, and none leaves its problem; a grid's cells print at 3 mm or more.
    The key's spot-the-error problem is where a figure used to cover the student's solution."""
    from browser import chromium

    seen = flawed = grids = 0
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 695, "height": 900})
        page.emulate_media(media="print")
        for name in SHEETS:
            for side in ("worksheet", "key"):
                path = printed[name] / "html" / f"{side}.html"
                page.goto(path.resolve().as_uri(), wait_until="load")
                flawed += page.evaluate("() => document.querySelectorAll('article.problem ol.flawed').length")
                for fig in page.evaluate(OVERLAPS):
                    seen += 1
                    assert not fig["hit"] and not fig["out"], (name, side, fig)
                    assert fig["mm"] is None or fig["mm"] >= 3.0, (name, side, fig)  # a grid's cells print at 3 mm
                    grids += fig["mm"] is not None
    assert seen >= 20 and flawed >= 2 and grids >= 8
