"""``quizgen worksheet --answer-sheet``: the answer pages and ``answer-sheets.json``, through the CLI.

The JSON is checked against the key (``--format json``'s ``key.json``), not against the layout code: every
part has its bubbles, every answer can be gridded on them, and the gridded answer is right by the one rule.
The PDF is read back with poppler: ``pdftoppm`` rasterises it (150 and 300 dpi, grey) and each bubble's
outline is found on the pixels, left, right, above and below the centre the JSON gives; each marker is found
as the centroid of its dark square.  Grid-in digits are worked out by hand here (d.dd × 10^e, half up).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from test_pdf import printing, quizgen  # noqa: F401  (a fixture and the CLI as a process)

from quizgen.explain.answers import RIGHT, judge

ROOT = Path(__file__).resolve().parent.parent
A4_MM, LETTER_MM = (210.0, 297.0), (215.9, 279.4)


def grid(value: int) -> tuple[str, str, str, int]:
    """A whole number as d.dd × 10^e, by hand: its first three figures rounded half up, and the exponent."""
    if value == 0:
        return ("0", "0", "0", 0)
    e = len(str(value)) - 1
    scaled = value * 1000 // 10**e  # four figures: 34944 -> 3494
    kept = (scaled + 5) // 10  # 349
    if kept == 1000:  # 99,960 -> 1.00 × 10^5
        kept, e = 100, e + 1
    d = str(kept)
    return d[0], d[1], d[2], e


def test_grid_by_hand() -> None:
    assert grid(34944) == ("3", "4", "9", 4)
    assert grid(55) == ("5", "5", "0", 1)
    assert grid(3) == ("3", "0", "0", 0)
    assert grid(99960) == ("1", "0", "0", 5)
    assert grid(0) == ("0", "0", "0", 0)


def load(out: Path) -> tuple[dict, dict]:
    return json.loads((out / "answer-sheets.json").read_text("utf-8")), json.loads(
        (out / "key.json").read_text("utf-8")
    )


def by_part(page_list: list[dict]) -> dict[tuple[str, int, str], list[str]]:
    found: dict[tuple[str, int, str], list[str]] = {}
    for page in page_list:
        for b in page["bubbles"]:
            found.setdefault((b["part"], b["dim"], b["column"]), []).append(b["value"])
    return found


def kinds() -> list[str]:
    out = subprocess.run(["quizgen", "kinds"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]


def check_against_key(sheets: dict, keys: dict) -> int:
    """Every part of every key has exactly its bubbles; every answer grids and is right.  Returns parts seen."""
    seen = 0
    for key in keys["keys"]:
        pages = [p for p in sheets["pages"] if p["code"] == key["code"]]
        assert pages and [p["page"] for p in pages] == list(range(1, len(pages) + 1))
        found = by_part(pages)
        parts = set()
        for problem in key["problems"]:
            for i, part in enumerate(problem["parts"], start=1):
                pid = f"{problem['number']}.{i}"
                parts.add(pid)
                seen += 1
                assert found.pop((pid, 1, "override")) == ["right"], pid
                if "choices" in part:
                    assert found.pop((pid, 1, "choice")) == [c["letter"] for c in part["choices"]], pid
                    continue
                answer = part["answer"]
                values = answer if isinstance(answer, list) else [answer]
                for dim, v in enumerate(values, start=1):
                    assert isinstance(v, int) and v >= 0, (pid, v)  # no negative or fractional answers
                    d1, d2, d3, e = grid(v)
                    for column in ("d1", "d2", "d3"):
                        assert found.pop((pid, dim, column)) == [str(n) for n in range(10)], (pid, column)
                    exps = found.pop((pid, dim, "e"))
                    assert exps == [str(n) for n in range(len(exps))] and len(exps) in (5, 13), (pid, exps)
                    assert str(e) in exps, (pid, v, exps)
                    assert judge(f"{d1}.{d2}{d3}e{e}", v) in RIGHT, (pid, v)
        leftover = {k for k in found if k[0] != "id"}
        assert not leftover, leftover
    return seen


def test_json_holds_every_part_of_every_kind(tmp_path: Path, run) -> None:
    every = kinds()
    assert len(every) >= 15
    seen = 0
    for difficulty, form in (("1", "numeric"), ("3", "numeric"), ("2", "choice")):
        out = tmp_path / f"d{difficulty}{form}"
        args = [a for k in every for a in ("--kind", k)]
        r = run(
            "worksheet", *args, "--problems", str(2 * len(every)), "--difficulty", difficulty, "--form", form,
            "--variants", "2", "--answer-sheet", "--format", "json", "-o", str(out),
        )  # fmt: skip
        assert r.exit_code == 0, r.stderr
        sheets, keys = load(out)
        seen += check_against_key(sheets, keys)
    assert seen > 200


def test_default_class_json_and_id_grid(tmp_path: Path, run) -> None:
    r = run("worksheet", "--variants", "30", "--answer-sheet", "--format", "json", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    sheets, keys = load(tmp_path)
    check_against_key(sheets, keys)
    assert [p["code"] for p in sheets["pages"]] == [k["code"] for k in keys["keys"]]  # one page each, in order
    for page in sheets["pages"]:
        # the layout only: no answer, so the file may go wherever the scans go
        assert set(page) == {
            "code",
            "page",
            "pages",
            "student",
            "student_id",
            "paper",
            "size_mm",
            "qr",
            "markers",
            "bubbles",
        }
        assert all(set(b) == {"part", "dim", "column", "value", "x", "y", "r"} for b in page["bubbles"])
        assert page["size_mm"] == list(A4_MM) and page["pages"] == 1 and page["student"] == ""
        assert page["qr"]["text"] == f"{page['code']}/1/1"
        ids = by_part([page])
        assert [ids[("id", 1, f"id{n}")] for n in range(1, 7)] == [[str(d) for d in range(10)]] * 6


def bubbles_apart(page: dict) -> None:
    """Bubbles at least 4 mm across, at least 2 mm apart (an override box is a square of side 2r), on the page
    and clear of the markers and the QR code."""
    w, h = page["size_mm"]
    items = page["bubbles"]
    for b in items:
        assert 2 * b["r"] >= 4.0
        assert b["r"] + 1 < b["x"] < w - b["r"] - 1 and b["r"] + 1 < b["y"] < h - b["r"] - 1
        for mx, my in page["markers"]:
            assert max(abs(b["x"] - mx), abs(b["y"] - my)) > 3 + b["r"] + 2
        qr = page["qr"]
        assert not (
            qr["x"] - b["r"] < b["x"] < qr["x"] + qr["size"] + b["r"] and b["y"] < qr["y"] + qr["size"] + b["r"]
        )
    cells: dict[tuple[int, int], list[dict]] = {}
    for b in items:
        cells.setdefault((int(b["x"] // 10), int(b["y"] // 10)), []).append(b)
    for b in items:
        cx, cy = int(b["x"] // 10), int(b["y"] // 10)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for o in cells.get((cx + dx, cy + dy), []):
                    if o is b:
                        continue
                    square = "override" in (b["column"], o["column"])
                    # the nearest two shapes can be: a square's corner reaches r·√2 from its centre
                    reach = (b["r"] + o["r"]) * (math.sqrt(2) if square else 1)
                    gap = math.hypot(b["x"] - o["x"], b["y"] - o["y"]) - reach
                    if square:  # measured along the axes, the square's sides are r from its centre
                        gap = max(abs(b["x"] - o["x"]), abs(b["y"] - o["y"])) - b["r"] - o["r"]
                    assert gap >= 2.0 - 1e-9, (b, o, gap)


def test_bubble_sizes_gaps_and_page_counts(tmp_path: Path, run) -> None:
    """The default sheet: one page on A4 and on Letter, for a class of 40; a sheet of 25 counts (parameters and
    MACs up to 10^12, the widest grid-ins): two at most."""
    for paper, size in (("a4", A4_MM), ("letter", LETTER_MM)):
        out = tmp_path / paper
        r = run("worksheet", "--variants", "40", "--answer-sheet", "--paper", paper, "--format", "json", "-o", str(out))
        assert r.exit_code == 0, r.stderr
        pages = json.loads((out / "answer-sheets.json").read_text())["pages"]
        assert len(pages) == 40 and all(p["pages"] == 1 and p["size_mm"] == list(size) for p in pages)
        for page in pages:
            bubbles_apart(page)
    for paper in ("a4", "letter"):
        out = tmp_path / f"counts-{paper}"
        r = run(
            "worksheet", "--kind", "macs-conv", "--kind", "params-conv", "--kind", "params-linear",
            "--problems", "25", "--difficulty", "3", "--variants", "5", "--answer-sheet", "--paper", paper,
            "--format", "json", "-o", str(out),
        )  # fmt: skip
        assert r.exit_code == 0, r.stderr
        sheets, keys = load(out)
        assert all(sum(len(p["parts"]) for p in key["problems"]) == 25 for key in keys["keys"])
        for key in keys["keys"]:
            assert len([p for p in sheets["pages"] if p["code"] == key["code"]]) <= 2
        for page in sheets["pages"]:
            bubbles_apart(page)


def test_code_restores_the_answer_sheet(tmp_path: Path, run) -> None:
    r = run("worksheet", "--seed", "5", "--answer-sheet", "--format", "json", "-o", str(tmp_path / "a"))
    assert r.exit_code == 0, r.stderr
    first = (tmp_path / "a" / "answer-sheets.json").read_text()
    code = json.loads(first)["pages"][0]["code"]
    r = run("worksheet", "--code", code, "--format", "json", "-o", str(tmp_path / "b"))
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "b" / "answer-sheets.json").read_text() == first
    plain = run("worksheet", "--seed", "5", "--format", "json", "-o", str(tmp_path / "c"))
    assert plain.exit_code == 0 and not (tmp_path / "c" / "answer-sheets.json").exists()
    r = run("worksheet", "--code", code, "--no-answer-sheet", "--format", "json", "-o", str(tmp_path / "d"))
    assert r.exit_code == 2
    assert r.stderr.strip() == (
        f"Error: --no-answer-sheet: the sheet with code {code} was made with --answer-sheet; "
        "leave out --no-answer-sheet (the code restores it)"
    )


def test_recipe_field_and_the_docs_example(tmp_path: Path, run) -> None:
    recipe = ROOT / "docs" / "answer-sheets-example.yaml"
    r = run("worksheet", str(recipe), "--seed", "1", "--format", "json", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    made = (tmp_path / "answer-sheets.json").read_text("utf-8")
    assert made == (ROOT / "docs" / "answer-sheets.example.json").read_text("utf-8"), "regenerate the docs example"
    sheets, keys = load(tmp_path)
    check_against_key(sheets, keys)
    columns = {b["column"] for b in sheets["pages"][0]["bubbles"]}
    assert {"d1", "d2", "d3", "e", "choice", "override", "id1"} <= columns


def test_refused_where_no_page_is_printed(run, tmp_path: Path) -> None:
    r = run("worksheet", "--answer-sheet", "--format", "gift", "-o", str(tmp_path))
    assert r.exit_code == 2
    assert r.stderr.strip() == "Error: --answer-sheet: goes with --format md, html, pdf, json, not gift"


def test_markdown_and_html_carry_the_pages(run, tmp_path: Path) -> None:
    r = run("worksheet", "--answer-sheet", "-o", str(tmp_path / "md"))
    assert r.exit_code == 0, r.stderr
    html = (tmp_path / "md" / "answer-sheets.html").read_text("utf-8")
    assert (
        html.count('class="answer-page"') == 1 and "answer-page" not in (tmp_path / "md" / "worksheet.md").read_text()
    )
    roster = tmp_path / "students.csv"
    roster.write_text("name,id\nAnn Lee,s01\nBo Chen,s02\n", "utf-8")
    r = run("worksheet", "--roster", str(roster), "--answer-sheet", "--format", "html", "-o", str(tmp_path / "h"))
    assert r.exit_code == 0, r.stderr
    for name in ("worksheet-ann-lee.html", "worksheet-bo-chen.html"):
        assert (tmp_path / "h" / name).read_text("utf-8").count('class="answer-page"') == 1
    assert (tmp_path / "h" / "all-sheets.html").read_text("utf-8").count('class="answer-page"') == 2
    assert "answer-page" not in (tmp_path / "h" / "key.html").read_text("utf-8")
    pages = json.loads((tmp_path / "h" / "answer-sheets.json").read_text())["pages"]
    assert [p["student"] for p in pages] == ["Ann Lee", "Bo Chen"]
    assert all(k[0] != "id" for p in pages for k in by_part([p]))  # a printed name, no ID grid


# --- the PDF, rasterised ------------------------------------------------------------------------------


def raster(pdf: Path, page: int, dpi: int, tmp: Path) -> tuple[int, int, bytes]:
    """Page ``page`` of ``pdf`` as grey pixels (pdftoppm's PGM): width, height, bytes."""
    stem = tmp / f"r{page}-{dpi}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    data = stem.with_suffix(".pgm").read_bytes()
    header = data.split(b"\n", 3)  # P5, "w h", max, pixels
    w, h = map(int, header[1].split())
    return w, h, header[3]


def stroke(pixels: bytes, w: int, line: list[int]) -> float | None:
    """Where a stroke crosses ``line`` (pixel indices): the darkness-weighted mean position, or None."""
    weights = [(i, 255 - pixels[p]) for i, p in enumerate(line) if pixels[p] < 200]
    total = sum(v for _i, v in weights)
    return sum(i * v for i, v in weights) / total if total else None


def measure(pdf: Path, page_no: int, page: dict, dpi: int, tmp: Path) -> None:
    w, h, px = raster(pdf, page_no, dpi, tmp)
    per_mm = dpi / 25.4
    assert abs(w / per_mm - page["size_mm"][0]) < 0.5 and abs(h / per_mm - page["size_mm"][1]) < 0.5
    for b in page["bubbles"]:
        cx, cy, r = b["x"] * per_mm, b["y"] * per_mm, b["r"] * per_mm
        win = 0.8 * per_mm
        row, col = round(cy - 0.5), round(cx - 0.5)
        found = []
        for sign in (-1, 1):
            start = round(cx + sign * r - win - 0.5)
            xs = list(range(start, start + round(2 * win) + 1))
            pos = stroke(px, w, [row * w + x for x in xs])
            assert pos is not None, (b, "no outline", sign)
            found.append(xs[0] + pos + 0.5)
            start = round(cy + sign * r - win - 0.5)
            ys = list(range(start, start + round(2 * win) + 1))
            pos = stroke(px, w, [y * w + col for y in ys])
            assert pos is not None, (b, "no outline", sign)
            found.append(ys[0] + pos + 0.5)
        left, top, right, bottom = found
        mx, my = (left + right) / 2 / per_mm, (top + bottom) / 2 / per_mm
        assert abs(mx - b["x"]) <= 0.5 and abs(my - b["y"]) <= 0.5, (b, mx, my, dpi)
        assert abs((right - left) / 2 / per_mm - b["r"]) <= 0.5, (b, dpi)
    for x, y in page["markers"]:
        half = round(5 * per_mm)
        sx = sy = n = 0
        for yy in range(round(y * per_mm) - half, round(y * per_mm) + half):
            for xx in range(round(x * per_mm) - half, round(x * per_mm) + half):
                if px[yy * w + xx] < 128:
                    sx, sy, n = sx + xx + 0.5, sy + yy + 0.5, n + 1
        assert n, (x, y)
        assert abs(sx / n / per_mm - x) <= 0.5 and abs(sy / n / per_mm - y) <= 0.5, (x, y, dpi)
        side = math.sqrt(n) / per_mm
        assert 5.5 < side < 6.5, side  # a solid square of 6 mm


@pytest.fixture(scope="module")
def pdf_class(tmp_path_factory, printing) -> Path:  # noqa: F811
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is missing")
    out = tmp_path_factory.mktemp("answers-pdf")
    roster = out / "students.csv"
    roster.write_text("name,id\nAnn Lee,s01\nBo Chen,s02\n", "utf-8")
    r = quizgen(
        "worksheet",
        "--roster",
        str(roster),
        "--answer-sheet",
        "--format",
        "pdf",
        "--paper",
        "letter",
        "-o",
        str(out / "letter"),
    )
    assert r.returncode == 0, r.stderr
    r = quizgen("worksheet", "--answer-sheet", "--format", "pdf", "-o", str(out / "a4"))
    assert r.returncode == 0, r.stderr
    return out


def pages_of(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def text_of(pdf: Path, page: int) -> str:
    cmd = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("dpi", [150, 300])
def test_pdf_bubbles_and_markers_where_the_json_says(pdf_class: Path, tmp_path: Path, dpi: int) -> None:
    for paper in ("a4", "letter"):
        pages = json.loads((pdf_class / paper / "answer-sheets.json").read_text())["pages"]
        pdf = pdf_class / paper / "answer-sheets.pdf"
        assert pages_of(pdf) == len(pages)
        for i, page in enumerate(pages[:1] if dpi == 300 else pages, start=1):
            measure(pdf, i, page, dpi, tmp_path)


def test_pdf_pages_in_the_class_files(pdf_class: Path) -> None:
    a4 = pdf_class / "a4"
    pages = json.loads((a4 / "answer-sheets.json").read_text())["pages"]
    assert len(pages) == 1 and pages_of(a4 / "answer-sheets.pdf") == 1  # the default sheet: one page
    last = pages_of(a4 / "worksheet.pdf")
    assert "Answer sheet" in text_of(a4 / "worksheet.pdf", last) and pages[0]["code"] in text_of(
        a4 / "worksheet.pdf", last
    )
    letter = pdf_class / "letter"
    pages = json.loads((letter / "answer-sheets.json").read_text())["pages"]
    assert [p["student"] for p in pages] == ["Ann Lee", "Bo Chen"] and all(p["pages"] == 1 for p in pages)
    for i, page in enumerate(pages, start=1):
        text = text_of(letter / "answer-sheets.pdf", i)
        assert page["code"] in text and page["student"] in text  # in the order of the JSON
    sheets = [letter / "worksheet-ann-lee.pdf", letter / "worksheet-bo-chen.pdf"]
    assert pages_of(letter / "all-sheets.pdf") == sum(pages_of(p) for p in sheets)
    for pdf, page in zip(sheets, pages):
        assert "Answer sheet" in text_of(pdf, pages_of(pdf)) and page["student"] in text_of(pdf, pages_of(pdf))
    assert (
        "Answer sheet"
        not in subprocess.run(["pdftotext", str(letter / "key.pdf"), "-"], capture_output=True, text=True).stdout
    )


def test_pdf_same_seed_same_bytes(pdf_class: Path, tmp_path: Path) -> None:
    r = quizgen("worksheet", "--answer-sheet", "--format", "pdf", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    for name in ("answer-sheets.pdf", "answer-sheets.json", "worksheet.pdf"):
        assert (tmp_path / name).read_bytes() == (pdf_class / "a4" / name).read_bytes(), name
