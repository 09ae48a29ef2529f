"""The marking grid (issue 12): grid.html and grid.csv beside the key when a class gets several sheets.

Every expected cell is computed here from key.json (the answer key the same command writes), never
from quizgen.render.grid; expected marks come from the recipe written in the test.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import lxml.html
import pytest
from browser import chromium, require_browser

LETTERS = "abcdefghijklmnopqrstuvwxyz"

# A class roster: long names, a comma, quotes, HTML, CJK and Vietnamese, so quoting and escaping show.
NAMES = [
    "Ana Li",
    "Maximiliana Alexandra Wolfeschlegelsteinhausenbergerdorff",
    "Bo",
    "Jean-Baptiste Emmanuel Zorg de la Fontaine-Villeneuve",
    "O'Brien, Siobhán",
    'Zoë "Zed" <b>Chen</b>',
    "李小龙",
    "Nguyễn Thị Minh Khai",
]


def roster(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "students.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name"])
        for i in range(n):
            writer.writerow([NAMES[i % len(NAMES)] + (f" {i + 1}" if i >= len(NAMES) else "")])
    return path


def make(run, out: Path, *args: str) -> Path:
    r = run("worksheet", *args, "-o", str(out))
    assert r.exit_code == 0, r.stderr
    return out


def keys_by_code(out: Path) -> dict[str, dict]:
    return {k["code"]: k for k in json.loads((out / "key.json").read_text(encoding="utf-8"))["keys"]}


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "plain UTF-8, no byte-order mark"
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def shown(value, *, separators: bool) -> str:
    """A key.json value as a grid cell: ``34,944`` (``34944`` in the CSV), a shape as ``27×27×96``."""
    if isinstance(value, list) and len(value) > 1:
        return "×".join(str(v) for v in value)
    if isinstance(value, list):
        value = value[0]
    return f"{value:,}" if separators else str(value)


def expected_cell(part: dict, *, separators: bool) -> str:
    """The right answer of one part of key.json: the correct letter and its value, or the value."""
    correct = [c for c in part.get("choices", []) if c["correct"]]
    if correct:
        return f"{correct[0]['letter']} ({shown(correct[0]['value'], separators=separators)})"
    return shown(part["answer"], separators=separators)


def expected_columns(keys: list[dict]) -> list[tuple[str, int, int]]:
    """(label, problem index, part index) per column: a problem's part places, as many as its most parts."""
    most = [max(len(k["problems"][i]["parts"]) for k in keys) for i in range(len(keys[0]["problems"]))]
    return [(str(i + 1) if n == 1 else f"{i + 1}{LETTERS[j]}", i, j) for i, n in enumerate(most) for j in range(n)]


def header_label(title: str) -> str:
    m = re.fullmatch(r"Answer (\d+[a-z]*) \((.+)\)", title)
    assert m, title
    return m.group(1)


def html_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    doc = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    head = [th.text_content().strip() for th in doc.xpath("//thead/tr[1]/th")]
    rows = [[td.text_content().strip() for td in tr.xpath("td")] for tr in doc.xpath("//tbody/tr")]
    return head, rows


# --- contents against the keys ----------------------------------------------------------------------


def test_grid_cells_are_the_keys_answers(run, tmp_path):
    out = make(run, tmp_path / "out", "--roster", str(roster(tmp_path, 12)), "--seed", "5", "--format", "json")
    keys = keys_by_code(out)
    ordered = list(keys.values())
    columns = expected_columns(ordered)
    header, *rows = read_csv(out / "grid.csv")
    assert header[:3] == ["#", "Code", "Student"] and header[-2:] == ["Score", "Out of"]
    assert [header_label(t) for t in header[3:-2]] == [label for label, _i, _j in columns]
    assert len(rows) == 12
    assert [r[1] for r in rows] == [k["code"] for k in ordered], "one row a sheet, in the roster's order"
    for number, row in enumerate(rows, start=1):
        key = keys[row[1]]
        assert row[0] == str(number) and row[2] == key["student"]
        assert row[-2] == "", "a blank score cell"
        for (label, i, j), cell in zip(columns, row[3:-2]):
            parts = key["problems"][i]["parts"]
            want = expected_cell(parts[j], separators=False) if j < len(parts) else ""
            assert cell == want, (row[1], label)

    # The HTML shows the same answers, numbers with thousands separators, and "—" for no student or no part.
    head, html = html_rows(out / "grid.html")
    assert head == ["#", "Code", "Student", *(label for label, _i, _j in columns), "Score", "Out of"]
    for row in html:
        key = keys[row[1]]
        assert row[2] == (key["student"] or "—")
        for (label, i, j), cell in zip(columns, row[3:-2]):
            parts = key["problems"][i]["parts"]
            assert cell == (expected_cell(parts[j], separators=True) if j < len(parts) else "—"), (row[1], label)


def test_a_pooling_column_means_one_count_on_every_sheet(run, tmp_path):
    """A pooling problem asks 2 counts (max) or 3 (average): one slot asks the same ones on every sheet,
    so no column is empty on some sheets and no column means comparisons on one sheet and additions on another."""
    recipe = tmp_path / "pools.yaml"
    recipe.write_text("recipe: pools\nsections:\n  - kind: pool-ops\n    count: 1\n", encoding="utf-8")
    out = make(run, tmp_path / "out", str(recipe), "--variants", "12", "--format", "json")
    keys = keys_by_code(out)
    asked = {tuple(p["quantity"] for p in k["problems"][0]["parts"]) for k in keys.values()}
    assert len(asked) == 1, asked
    header, *rows = read_csv(out / "grid.csv")
    (quantities,) = asked
    assert [header_label(t) for t in header[3:-2]] == [f"1{'abc'[i]}" for i in range(len(quantities))]
    assert all(cell != "" for row in rows for cell in row[3:-2])


def test_variants_are_numbered_and_unnamed(run, tmp_path):
    out = make(run, tmp_path / "out", "--variants", "3", "--format", "md")
    header, *rows = read_csv(out / "grid.csv")
    assert [(r[0], r[2]) for r in rows] == [("1", ""), ("2", ""), ("3", "")]
    key = (out / "key.md").read_text(encoding="utf-8")
    assert all(r[1] in key for r in rows)
    _head, html = html_rows(out / "grid.html")
    assert [(r[0], r[2]) for r in html] == [("1", "—"), ("2", "—"), ("3", "—")]


def test_csv_numbers_read_as_numbers_and_shapes_as_text(run, tmp_path):
    out = make(run, tmp_path / "out", "--variants", "4", "--seed", "3", "--format", "html")
    raw = (out / "grid.csv").read_bytes()
    assert raw.count(b"\r\n") == 5 and b"\n" not in raw.replace(b"\r\n", b""), "RFC 4180 line ends"
    header, *rows = read_csv(out / "grid.csv")
    numbers = shapes = 0
    for row in rows:
        for cell in row[3:-2]:
            if re.fullmatch(r"\d+", cell):
                numbers += 1
            elif "×" in cell:
                shapes += 1
                assert re.fullmatch(r"\d+(×\d+)+", cell)
            elif cell:  # an empty cell: this sheet has no such part
                assert re.fullmatch(r"[A-D] \(\d+(×\d+)*\)", cell), cell
            assert "," not in cell
        assert float(row[-1]) > 0
    assert numbers and shapes


def test_names_with_commas_quotes_and_html(run, tmp_path):
    out = make(run, tmp_path / "out", "--roster", str(roster(tmp_path, 8)), "--format", "html")
    _header, *rows = read_csv(out / "grid.csv")
    assert [r[2] for r in rows] == NAMES
    raw = (out / "grid.csv").read_text(encoding="utf-8")
    assert '"O\'Brien, Siobhán"' in raw and '"Zoë ""Zed"" <b>Chen</b>"' in raw
    page = (out / "grid.html").read_text(encoding="utf-8")
    assert "<b>Chen</b>" not in page and "&lt;b&gt;Chen&lt;/b&gt;" in page
    _head, html = html_rows(out / "grid.html")
    assert [r[2] for r in html] == NAMES


def test_both_files_say_they_hold_the_answers(run, tmp_path):
    out = make(run, tmp_path / "out", "--variants", "2", "--format", "html")
    doc = lxml.html.fromstring((out / "grid.html").read_text(encoding="utf-8"))
    assert doc.findtext(".//title").startswith("Marking grid — answers")
    assert doc.xpath("string(//h1)").startswith("Marking grid — answers")
    header = read_csv(out / "grid.csv")[0]
    assert all(t.startswith("Answer ") for t in header[3:-2])


# --- marks ------------------------------------------------------------------------------------------

MARKED = """\
recipe: marked
title: Marked
sections:
  - title: Pools
    kind: output-pool
    count: 2
    marks: 3
  - title: Counts
    kind: pool-ops
    count: 1
  - title: Params
    kind: params-conv
    count: 1
    form: choice
    marks: 2.5
"""


def test_out_of_is_the_sum_of_the_recipes_marks(run, tmp_path):
    recipe = tmp_path / "marked.yaml"
    recipe.write_text(MARKED, encoding="utf-8")
    out = make(run, tmp_path / "out", str(recipe), "--variants", "12", "--format", "json")
    keys = keys_by_code(out)
    header, *rows = read_csv(out / "grid.csv")
    for row in rows:
        pools, counts, params = (s["problems"] for s in keys[row[1]]["sections"])
        assert len(pools) == 2 and len(counts) == 1 and len(params) == 1
        # 2 problems at 3 marks, pool-ops at 1 mark a part (it asks 2 or 3 counts), params-conv 2.5
        n_counts = len(keys[row[1]]["problems"][counts[0] - 1]["parts"])
        assert Fraction(row[-1]) == 2 * 3 + n_counts * 1 + Fraction(5, 2)
    marks = {header_label(t): t for t in header[3:-2]}
    assert marks["1"].endswith("(3 marks)") and marks["2"].endswith("(3 marks)")
    assert marks["3a"].endswith("(1 mark)") and marks["3c"].endswith("(1 mark)")
    assert marks["4"].endswith("(2.5 marks)")
    _head, html = html_rows(out / "grid.html")
    assert [r[-1] for r in html] == [r[-1] for r in rows]


def test_marks_shared_by_a_slot_s_parts_are_one_share_on_every_sheet(run, tmp_path):
    """3 marks over 2 parts is 1.5 a part, over 3 parts 1: a slot's parts are the same on every sheet,
    so its header gives one share and no cell needs its own."""
    recipe = tmp_path / "shared.yaml"
    recipe.write_text("recipe: shared\nsections:\n  - kind: pool-ops\n    count: 1\n    marks: 3\n", encoding="utf-8")
    out = make(run, tmp_path / "out", str(recipe), "--variants", "12", "--format", "json")
    keys = keys_by_code(out)
    (n,) = {len(k["problems"][0]["parts"]) for k in keys.values()}
    share = {2: "1.5 marks", 3: "1 mark"}[n]
    header, *rows = read_csv(out / "grid.csv")
    assert header[3 : 3 + n] == [f"Answer 1{'abc'[i]} ({share})" for i in range(n)]
    assert {r[-1] for r in rows} == {"3"}
    _head, html = html_rows(out / "grid.html")
    assert not any("[" in cell for row in html for cell in row[3 : 3 + n])


# --- when, and the same bytes -----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["default", "code"])
def test_no_grid_for_a_single_sheet(run, tmp_path, how):
    args: tuple[str, ...] = ()
    if how == "code":  # one sheet of a class, made again from its code
        first = make(run, tmp_path / "two", "--variants", "2", "--format", "json")
        args = ("--code", next(iter(keys_by_code(first))))
    out = make(run, tmp_path / "out", "--format", "html", *args)
    assert sorted(p.name for p in out.iterdir()) == ["key.html", "worksheet.html"]


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_grid_beside_the_key_in_every_sheet_format(run, tmp_path, fmt):
    out = make(run, tmp_path / "out", "--variants", "2", "--format", fmt)
    assert {"grid.html", "grid.csv", f"key.{fmt}"} <= {p.name for p in out.iterdir()}


def test_same_seed_gives_byte_identical_grid(sh, tmp_path):
    roster_path = roster(tmp_path, 5)
    for name in ("a", "b"):
        r = sh("worksheet", "--roster", str(roster_path), "--seed", "9", "--format", "html", "-o", str(tmp_path / name))
        assert r.exit_code == 0, r.stderr
    for name in ("grid.html", "grid.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


# --- printed: one landscape page for a class of 30 -------------------------------------------------


#: The printable width of landscape Letter, the narrower paper, less grid.html's 8 mm margins, in CSS px.
LETTER_PRINTABLE_PX = round((279.4 - 2 * 8) / 25.4 * 96)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright.

    tests/browser.py decides when it is missing: a developer without Playwright or chromium gets a
    skip, CI (CI=true) a failure.
    """
    require_browser()
    with chromium() as b:
        yield b


def printed(browser, path: Path, paper: str, css: str) -> tuple[bytes, float]:
    """The page printed on ``paper``, and the table's width laid out for print at landscape Letter's width."""
    page = browser.new_page(viewport={"width": LETTER_PRINTABLE_PX, "height": 700})
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        if css:
            page.add_style_tag(content=css)
        page.emulate_media(media="print")
        width = page.evaluate("document.querySelector('table').getBoundingClientRect().right")
        return page.pdf(format=paper), width
    finally:
        page.close()


def pdfinfo(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "grid.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r"^([^:]+):\s+(.*)$", out, re.M))


@pytest.fixture(scope="module")
def class_of_30(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("grid30")
    out = tmp / "out"
    r = subprocess.run(
        [sys.executable, "-m", "quizgen", "worksheet", "--roster", str(roster(tmp, 30)), "--format", "html"]
        + ["-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("font", ["", "DejaVu Sans"])
def test_grid_for_30_prints_on_one_landscape_page(browser, class_of_30, tmp_path, paper, font):
    """30 students, long names among them, on one landscape page; also where only a wide font is there."""
    css = f'table, body {{ font-family: "{font}" !important; }}' if font else ""
    pdf, table_right = printed(browser, class_of_30 / "grid.html", paper, css)
    info = pdfinfo(pdf, tmp_path)
    assert info["Pages"] == "1"
    width, height = map(float, re.match(r"([\d.]+) x ([\d.]+)", info["Page size"]).groups())
    assert width > height, "landscape"
    assert table_right <= LETTER_PRINTABLE_PX, "the table runs off the right edge of the page"
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "grid.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Marking grid — answers" in text
    _header, *rows = read_csv(class_of_30 / "grid.csv")
    assert len(rows) == 30
    assert [r[1] for r in rows if r[1] not in text] == [], "every sheet's code is on the page"
