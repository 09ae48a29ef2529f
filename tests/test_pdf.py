"""``quizgen worksheet --format pdf``: the HTML printed through Chromium (Playwright), read back with poppler.

Each PDF is read with poppler-utils, not with the code that wrote it: ``pdfinfo`` for the page count,
size and dates, ``pdftotext -f i -l i`` for the text of page i.  A developer without Playwright,
/usr/bin/chromium or poppler-utils gets a clean skip; under CI (CI=true) a missing piece fails
instead, as in tests/browser.py.  The two tests of what a missing piece says need neither
Chromium nor poppler.

The templates' ``@page`` margin boxes put the code, the student and "page n" on every page; a PDF
printer that knows each sheet's pages adds "of N", per sheet in a file of several sheets.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser import CHROMIUM, IN_CI

ROOT = Path(__file__).resolve().parent.parent

CODE = r"[0-9A-F]{3}-[0-9A-F]{8}-[0-9A-F]{2,}"
#: Points per inch over millimetres per inch: A4 is 210 × 297 mm, Letter 8.5 × 11 in.
A4 = (210 * 72 / 25.4, 297 * 72 / 25.4)  # 595.3 × 841.9 pt
LETTER = (8.5 * 72, 11 * 72)  # 612 × 792 pt


def _have_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def printing() -> None:
    """Playwright, Debian's Chromium and poppler-utils: skipped without them, failed without them under CI."""
    missing = []
    if not _have_playwright():
        missing.append("playwright (the 'pdf' extra)")
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    for tool in ("pdfinfo", "pdftotext"):
        if shutil.which(tool) is None:
            missing.append(f"{tool} (apt-get install poppler-utils)")
    if missing and IN_CI:
        pytest.fail(f"CI is set but these are missing: {', '.join(missing)}", pytrace=False)
    if missing:
        pytest.skip(f"missing: {', '.join(missing)}")


def quizgen(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "quizgen", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=300,
        cwd=cwd,
    )


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _sep, v in (line.partition(":") for line in out.splitlines())}


def pages(path: Path) -> int:
    return int(pdfinfo(path)["Pages"])


def page_text(path: Path, i: int) -> str:
    """The text of page ``i`` (from 1), by poppler."""
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def texts(path: Path) -> list[str]:
    return [page_text(path, i) for i in range(1, pages(path) + 1)]


def flat(text: str) -> str:
    return " ".join(text.split())


def page_size(path: Path) -> tuple[float, float]:
    m = re.match(r"([\d.]+) x ([\d.]+) pts", pdfinfo(path)["Page size"])
    assert m, pdfinfo(path)["Page size"]
    return float(m.group(1)), float(m.group(2))


@pytest.fixture(scope="module")
def single(printing, tmp_path_factory) -> Path:
    """worksheet.pdf and key.pdf for one sheet, seed 42, and the same sheet as JSON."""
    out = tmp_path_factory.mktemp("pdf-single")
    r = quizgen("worksheet", "--seed", "42", "--format", "pdf", "-o", str(out / "pdf"))
    assert r.returncode == 0, r.stderr
    r = quizgen("worksheet", "--seed", "42", "--format", "json", "-o", str(out / "json"))
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def three(printing, tmp_path_factory) -> tuple[Path, Path]:
    """--variants 3 on Letter paper, printed by a Chromium that logs each start: (folder, launch log)."""
    out = tmp_path_factory.mktemp("pdf-variants")
    log = out / "launches.log"
    wrapper = out / "chromium-logged"
    wrapper.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    r = quizgen(
        "worksheet", "--seed", "42", "--variants", "3", "--format", "pdf", "--paper", "letter", "-o", str(out / "pdf"),
        env={"QUIZGEN_CHROMIUM": str(wrapper)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return out / "pdf", log


def test_one_sheet_writes_worksheet_and_key_pdf(single):
    folder = single / "pdf"
    assert sorted(p.name for p in folder.iterdir()) == ["key.pdf", "worksheet.pdf"]
    for name in ("worksheet.pdf", "key.pdf"):
        data = (folder / name).read_bytes()
        assert data.startswith(b"%PDF-")
        # pdfinfo's count is the document's: as many page objects as the file holds.
        assert pages(folder / name) == len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 1


def test_every_page_has_text_and_the_pdf_holds_the_same_sheet_as_the_json(single):
    sheet = json.loads((single / "json" / "worksheet.json").read_text(encoding="utf-8"))["worksheet"]
    key = json.loads((single / "json" / "key.json").read_text(encoding="utf-8"))["keys"][0]
    worksheet_pages = texts(single / "pdf" / "worksheet.pdf")
    key_pages = texts(single / "pdf" / "key.pdf")
    for i, text in enumerate(worksheet_pages + key_pages, start=1):
        assert text.strip(), f"page {i} is blank"
    worksheet_text, key_text = flat(" ".join(worksheet_pages)), flat(" ".join(key_pages))
    assert sheet["code"] in worksheet_pages[0] and sheet["code"] in key_pages[0]
    assert flat(sheet["title"]) in worksheet_text
    for p in sheet["problems"]:
        assert f"Problem {p['number']}" in worksheet_text
        for line in p["spec"].splitlines():  # the spec as the student sees it, with "?" for the unknown
            assert flat(line) in worksheet_text, line
    for p in key["problems"]:
        for line in p["spec"].splitlines():  # the key shows the full spec
            assert flat(line) in key_text, line


def test_pdf_bytes_are_the_same_every_run_and_carry_no_print_date(single, tmp_path):
    r = quizgen("worksheet", "--seed", "42", "--format", "pdf", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    for name in ("worksheet.pdf", "key.pdf"):
        assert (tmp_path / name).read_bytes() == (single / "pdf" / name).read_bytes(), name
        info = pdfinfo(tmp_path / name)
        assert "CreationDate" not in info and "ModDate" not in info, info


def test_paper_is_a4_by_default_and_letter_on_request(single, three):
    for name in ("worksheet.pdf", "key.pdf"):
        width, height = page_size(single / "pdf" / name)
        assert abs(width - A4[0]) < 1.5 and abs(height - A4[1]) < 1.5, (name, width, height)
    folder, _log = three  # made with --paper letter
    for name in ("worksheet-1.pdf", "key.pdf"):
        width, height = page_size(folder / name)
        assert abs(width - LETTER[0]) < 1.5 and abs(height - LETTER[1]) < 1.5, (name, width, height)


def test_variants_write_every_sheet_and_one_key_with_one_browser(three):
    folder, log = three
    names = {p.name for p in folder.iterdir()}
    assert {"worksheet-1.pdf", "worksheet-2.pdf", "worksheet-3.pdf", "key.pdf"} <= names
    codes = []
    for i in (1, 2, 3):
        sheet_pages = texts(folder / f"worksheet-{i}.pdf")
        assert all(t.strip() for t in sheet_pages)
        found = set(re.findall(CODE, sheet_pages[0]))
        assert len(found) == 1, found  # its own code, no other sheet's
        codes.append(found.pop())
    assert len(set(codes)) == 3
    key_pages = texts(folder / "key.pdf")
    assert all(t.strip() for t in key_pages)
    assert set(re.findall(CODE, "".join(key_pages))) == set(codes)
    # Each sheet's key starts on a page of its own: the pages where the three codes first appear differ.
    first = [next(n for n, text in enumerate(key_pages) if code in text) for code in codes]
    assert len(set(first)) == 3, first
    # One Chromium for the four files.
    assert log.read_text().splitlines() == ["start"]


def test_variants_write_all_sheets_pdf_each_sheet_from_a_new_page(three):
    folder, _log = three
    all_pages = texts(folder / "all-sheets.pdf")
    per_sheet = [pages(folder / f"worksheet-{i}.pdf") for i in (1, 2, 3)]
    assert len(all_pages) == sum(per_sheet)
    start = 0
    for i, n in enumerate(per_sheet, start=1):
        code = re.search(CODE, page_text(folder / f"worksheet-{i}.pdf", 1)).group(0)
        assert code in all_pages[start]  # sheet i begins on a page of its own
        start += n


def test_every_page_carries_the_code_and_its_number(single, three):
    """The code, and "n of N", on every printed page (the templates' margin boxes)."""
    folder, _log = three
    code = json.loads((single / "json" / "worksheet.json").read_text(encoding="utf-8"))["worksheet"]["code"]
    documents = [(single / "pdf" / "worksheet.pdf", code), (single / "pdf" / "key.pdf", code)]
    for i in (1, 2, 3):
        documents.append(
            (folder / f"worksheet-{i}.pdf", re.search(CODE, page_text(folder / f"worksheet-{i}.pdf", 1))[0])
        )
    for path, sheet_code in documents:
        sheet_pages = texts(path)
        for n, text in enumerate(sheet_pages, start=1):
            assert sheet_code in text, f"{path.name} page {n}: no code"
            assert re.search(rf"\b{n}\s*(of|/)\s*{len(sheet_pages)}\b", text), f"{path.name} page {n}: no 'n of N'"


def test_a_class_file_numbers_each_sheets_pages_of_its_own_total(three):
    """key.pdf and all-sheets.pdf hold three sheets: each page has its sheet's code and "page n of N",
    N that sheet's pages (for all-sheets, the pages of the sheet's own PDF)."""
    folder, _log = three
    own = {
        re.search(CODE, page_text(folder / f"worksheet-{i}.pdf", 1))[0]: pages(folder / f"worksheet-{i}.pdf")
        for i in (1, 2, 3)
    }
    for name in ("key.pdf", "all-sheets.pdf"):
        runs: list[tuple[str, list[tuple[int, int]]]] = []
        for text in texts(folder / name):
            codes = set(re.findall(CODE, text))
            assert len(codes) == 1, f"{name}: a page without exactly one sheet code: {codes}"
            numbers = re.findall(r"page (\d+) of (\d+)", text)
            assert len(numbers) == 1, f"{name}: a page without 'page n of N'"
            code = codes.pop()
            if not runs or runs[-1][0] != code:
                runs.append((code, []))
            runs[-1][1].append(tuple(map(int, numbers[0])))
        assert [code for code, _n in runs] == list(own), name
        for code, numbered in runs:
            total = len(numbered)
            assert numbered == [(n, total) for n in range(1, total + 1)], (name, code, numbered)
            if name == "all-sheets.pdf":
                assert total == own[code]


def test_no_chromium_is_one_line_saying_how_to_get_one(tmp_path):
    if not _have_playwright():
        if IN_CI:
            pytest.fail("CI is set but playwright is missing", pytrace=False)
        pytest.skip("playwright (the 'pdf' extra) is not installed")
    missing = tmp_path / "no-such-chromium"
    empty = tmp_path / "no-playwright-browsers"
    empty.mkdir()
    r = quizgen(
        "worksheet", "--format", "pdf", "-o", str(tmp_path / "out"),
        env={"QUIZGEN_CHROMIUM": str(missing), "PLAYWRIGHT_BROWSERS_PATH": str(empty)}, cwd=ROOT,
    )  # fmt: skip
    assert r.returncode == 2
    # run from a checkout: quizgen is not installed from PyPI here, so the hint installs the checkout's extra
    assert r.stderr == (
        f"Error: --format pdf: no Chromium to print with (QUIZGEN_CHROMIUM={missing}; none from Playwright); "
        'install one: pip install -e ".[pdf]" && playwright install chromium, or apt install chromium\n'
    )
    assert not (tmp_path / "out").exists()  # nothing written


def test_no_playwright_is_one_line_naming_the_extra(tmp_path):
    """A ``playwright`` that cannot be imported (as when the extra is not installed)."""
    fake = tmp_path / "site" / "playwright"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named playwright')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), os.environ.get("PYTHONPATH", "")])}
    r = quizgen("worksheet", "--format", "pdf", "-o", str(tmp_path / "out"), env=env, cwd=ROOT)
    assert (r.returncode, r.stderr) == (
        2,
        "Error: --format pdf needs Playwright, in the 'pdf' extra: pip install -e \".[pdf]\"\n",
    )
    assert not (tmp_path / "out").exists()
    # from another folder, the hint names the checkout to run it in
    r = quizgen("worksheet", "--format", "pdf", "-o", str(tmp_path / "out"), env=env, cwd=tmp_path)
    assert r.stderr == (
        f"Error: --format pdf needs Playwright, in the 'pdf' extra: pip install -e \".[pdf]\" (in {ROOT})\n"
    )


def test_paper_without_pdf_is_refused(run, tmp_path):
    r = run("worksheet", "--paper", "letter", "-o", str(tmp_path / "out"))
    assert (r.exit_code, r.stderr) == (2, "Error: --paper letter: goes with --format pdf\n")


def test_other_formats_do_not_import_playwright(tmp_path):
    code = (
        "import sys\n"
        "from quizgen.cli.worksheet import make_worksheets\n"
        f"make_worksheets(None, fmt='html', variants=2, outdir={str(tmp_path)!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'playwright'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
