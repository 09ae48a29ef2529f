"""``quizgen draw --network NAME --paper`` printed: no figure word under 7 pt, measured in the PDF.

As ``tests/test_figure_print.py`` measures sheets: the figure is put in an HTML page under a paragraph of
10 pt body text, printed by Chromium on A4 with 15 mm margins (a 180 mm text width, the figure shown at
``max-width:100%``, so a figure too wide for the page would shrink), and ``pdftotext -bbox`` gives every
word's height.  A figure word's height over the body text's is the ratio of their font sizes: at least 0.7.
"""

from __future__ import annotations

import html
import re
import statistics
import subprocess
from pathlib import Path

import pytest
from browser import quizgen, require_print

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 15mm; }} body {{ margin: 0; font: 10pt sans-serif; }}
</style></head><body><p>{body}</p>{svg}</body></html>"""


def words(pdf: Path) -> list[tuple[str, float]]:
    """(word, height in pt) of every word of ``pdf``."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', text)
    return [(html.unescape(w), float(y1) - float(y0)) for y0, y1, w in found]


@pytest.mark.parametrize("args", [["resnet18", "--depth", "3"], ["googlenet", "--depth", "2"], ["densenet121"]])
def test_paper_figure_prints_no_word_below_7pt(tmp_path, args):
    require_print("pdftotext")
    from browser import chromium

    svg_path = tmp_path / "net.svg"
    quizgen("draw", "--network", *args, "--paper", "-o", str(svg_path))
    svg = svg_path.read_text(encoding="utf-8")
    wanted = {w for t in re.findall(r"<text [^>]*>([^<]*)</text>", svg) for w in html.unescape(t).split()}
    page_path = tmp_path / "page.html"
    page_path.write_text(PAGE.format(body=" ".join(["body"] * 60), svg=svg), encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    with chromium() as browser:
        page = browser.new_page()
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        page.pdf(path=str(pdf), prefer_css_page_size=True)
    measured = words(pdf)
    body = statistics.median(h for w, h in measured if w == "body")
    seen = [(w, h) for w, h in measured if w in wanted and w != "body"]
    assert len(seen) >= 20, seen
    small = [(w, round(h / body, 2)) for w, h in seen if h < 0.7 * body]
    assert not small, (body, small)
