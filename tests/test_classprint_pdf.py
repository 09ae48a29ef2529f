"""A class that prints as a class, on paper: double-sided padding, covers, boxes and page counts, read from
the PDFs (``--format pdf``, ``pdfinfo``, ``pdftotext``) and from Chromium's print of the HTML."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser import quizgen, require_browser

ROOT = Path(__file__).resolve().parent.parent
ROSTER = ROOT / "examples" / "students.csv"
BLANK = "This page is left blank."
HEADER = re.compile(r"Sheet ((?:[0-9A-F]{3}|Q[0-9A-F]+)-[0-9A-F]{8}-[0-9A-F]{2,})")
PAGE = re.compile(r"page (\d+) of (\d+)")


@pytest.fixture(scope="module", autouse=True)
def _printing():
    require_browser()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is missing")


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def runs(pages: list[str]) -> list[tuple[str, int, int]]:
    """(code, first page from 1, number of pages) for each sheet in a file, from the page headers."""
    found: list[tuple[str, int, int]] = []
    for number, text in enumerate(pages, start=1):
        m = HEADER.search(text)
        assert m, f"page {number} has no sheet header"
        if found and found[-1][0] == m.group(1):
            code, first, n = found[-1]
            found[-1] = (code, first, n + 1)
        else:
            found.append((m.group(1), number, 1))
    return found


def students() -> dict[str, str]:
    with open(ROSTER, encoding="utf-8") as f:
        return {row["id"]: row["name"] for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def duplex_class(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("duplex") / "c"
    quizgen("worksheet", "--roster", str(ROSTER), "--duplex", "--format", "pdf", "-o", str(out), timeout=900)
    return out


def test_duplex_pads_every_sheet_and_key_to_an_even_number_of_pages(duplex_class):
    sheets = sorted(duplex_class.glob("worksheet-*.pdf"))
    assert len(sheets) == len(students())
    padded = 0
    own: dict[str, int] = {}
    for pdf in sheets:
        pages = page_texts(pdf)
        assert len(pages) % 2 == 0, (pdf.name, len(pages))
        blank = [BLANK in p for p in pages]
        padded += blank[-1]
        assert not any(blank[:-1]), pdf.name  # only a last page may be a blank one
        numbers = [PAGE.search(p).groups() for p in pages]  # type: ignore[union-attr]
        assert numbers == [(str(i), str(len(pages))) for i in range(1, len(pages) + 1)]
        ((code, _first, _n),) = runs(pages)
        own[code] = len(pages)
    assert padded, "no sheet needed padding: the test would prove nothing"
    for name in ("all-sheets.pdf", "key.pdf"):
        found = runs(page_texts(duplex_class / name))
        assert sorted(code for code, _f, _n in found) == sorted(own), name  # every sheet once
        for code, first, n in found:
            assert first % 2 == 1 and n % 2 == 0, (name, code, first, n)  # each starts on a front page
            if name == "all-sheets.pdf":
                assert n == own[code]


def test_a_sheet_is_at_most_3_pages_on_a4_as_on_letter(duplex_class, tmp_path):
    """Every variant fits 3 pages, on both papers (the blank page of --duplex aside)."""
    for pdf in duplex_class.glob("worksheet-*.pdf"):
        assert sum(BLANK not in p for p in page_texts(pdf)) <= 3, pdf.name
    # the class: 30 variants of seed 1, of which variant 28 printed on 4 half-empty Letter pages
    out = tmp_path / "letter"
    quizgen("worksheet", "--variants", "30", "--format", "pdf", "--paper", "letter", "-o", str(out), timeout=1800)
    counts = {pdf.name: len(page_texts(pdf)) for pdf in out.glob("worksheet-*.pdf")}
    assert len(counts) == 30 and max(counts.values()) <= 3, counts


def test_page_one_has_name_id_and_total_boxes_and_every_problem_a_mark_box(duplex_class):
    first = page_texts(duplex_class / "worksheet-maría-garcía-s04.pdf")
    top = first[0]
    assert re.search(r"Name\s+María García", top) and re.search(r"ID\s+s04", top)
    assert re.search(r"Total\s+/\s*12", top)
    text = "\n".join(first)
    marks = [int(m) for m in re.findall(r"Problem \d+ .*?/\s*(\d+)\s*$", text, flags=re.M)]
    assert len(marks) == 10 and sum(marks) == 12
    assert all("s04" in p.splitlines()[0] for p in first)  # the id in every page's header


def test_html_all_sheets_with_cover_and_duplex_prints_each_sheet_from_a_front_page(tmp_path):
    from browser import chromium

    out = tmp_path / "c"
    quizgen(
        "worksheet", "--roster", str(ROSTER), "--duplex", "--cover", "--title", "Quiz 3", "--course", "CS 231",
        "--date", "9 December 2026", "--time-allowed", "45 minutes", "--format", "html", "-o", str(out), timeout=900,
    )  # fmt: skip
    with chromium() as browser:
        page = browser.new_page()
        page.goto((out / "all-sheets.html").as_uri())
        (tmp_path / "all.pdf").write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
        page.goto((out / "key.html").as_uri())
        (tmp_path / "key.pdf").write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
    pages = page_texts(tmp_path / "all.pdf")
    found = runs(pages)
    assert len(found) == len(students())
    for (code, first, n), (sid, name) in zip(found, students().items()):
        assert first % 2 == 1 and n % 2 == 0, (code, first, n)
        cover = pages[first - 1]
        for text in ("Quiz 3", "CS 231", "9 December 2026", "45 minutes", "Problem", "Marks", "Score"):
            assert text in cover, (code, text)
        assert re.search(rf"Name\s+{re.escape(name)}", cover) and re.search(rf"ID\s+{sid}", cover)
        assert re.search(r"Total\s+12\s*$", cover, flags=re.M)  # the table's total row
    for code, first, n in runs(page_texts(tmp_path / "key.pdf")):
        assert first % 2 == 1 and n % 2 == 0, ("key", code, first, n)


def test_space_none_prints_the_pages_the_readme_says(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(
        r"`none` \(no working space: the default sheet on (\d) pages with its figures, (\d) with `--no-figures`", readme
    )
    assert m, "the README no longer states --space none's pages"
    with_figures, without = int(m.group(1)), int(m.group(2))
    for paper in ("a4", "letter"):
        for flag, want in (("--figures", with_figures), ("--no-figures", without)):
            out = tmp_path / f"{paper}{flag}"
            quizgen("worksheet", "--space", "none", flag, "--format", "pdf", "--paper", paper, "-o", str(out))
            assert len(page_texts(out / "worksheet.pdf")) == want, (paper, flag)
