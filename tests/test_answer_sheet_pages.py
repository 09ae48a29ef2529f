"""How many answer pages a long sheet takes, and that its bubbles stay pencil-sized, apart and on the page.

Everything is computed from ``answer-sheets.json`` as ``quizgen worksheet --answer-sheet --format json`` writes
it, on A4 and on Letter.  Issue 22 asks for at most two pages for 25 parts, with bubbles of at least 4 mm and
at least 2 mm of paper between them.  25 numbers (counts up to 10^12, the widest grid-ins) and 25 parts of a
mix fit two pages.  25 shapes cannot, by this arithmetic: a shape of three sizes is three grid-ins of three rows
of ten digits each, so 25 shapes are 225 rows of ten, and a sheet without a roster adds the 6 rows of the ID
grid: 231.  Between the markers, A4 has 275 mm and Letter 257.4 mm of paper down, so a column holds at most
(275 - 4) / 6 + 1 = 46 rows (43 on Letter) 6 mm apart.  A row of ten is at least 9 × 6 + 4 = 58 mm long, and
with its tag, its part's label and its exponents beside it two fit across (188 mm of A4, 193.9 mm of Letter):
two pages hold at most 4 × 46 = 184 rows (172), fewer than 231 with no header and no space between parts.
Three bare rows across (3 × 58 + 2 × 2 = 178 mm) leave no room for a tag or a label; with the exponents two
sizes to a row, 25 shapes are still 75 × 3.5 / 3 = 87.5 lines of three, the ID grid 2 and the first page's
header (the QR code's 24 mm) 4 more: 93.5 lines, and two A4 pages hold 92.  So 25 shapes take three pages.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

#: The corner markers: 6 mm squares centred 8 mm in from each edge (docs/answer-sheets.md), so the paper
#: between them begins 11 mm in.
MARKER_SIDE = 6.0
SIZES = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}


def pages_per_sheet(out: Path) -> dict[str, int]:
    pages = json.loads((out / "answer-sheets.json").read_text())["pages"]
    counts: dict[str, int] = {}
    for p in pages:
        counts[p["code"]] = counts.get(p["code"], 0) + 1
        assert p["pages"] == sum(1 for q in pages if q["code"] == p["code"])
    return counts


def check_geometry(page: dict) -> None:
    """Every bubble at least 4 mm across, at least 2 mm of paper from every other (a box measured along the axes),
    inside the paper between the corner markers, and clear of the QR code's box (its quiet zone included)."""
    w, h = page["size_mm"]
    assert [w, h] in ([210, 297], [215.9, 279.4])
    (tlx, tly), (trx, _try), (_blx, bly), _br = page["markers"]
    left, top = tlx + MARKER_SIDE / 2, tly + MARKER_SIDE / 2
    right, bottom = trx - MARKER_SIDE / 2, bly - MARKER_SIDE / 2
    qr = page["qr"]
    bubbles = sorted(page["bubbles"], key=lambda b: b["y"])
    for k, b in enumerate(bubbles):
        x, y, r = b["x"], b["y"], b["r"]
        assert 2 * r >= 4.0, b
        assert left <= x - r and x + r <= right and top <= y - r and y + r <= bottom, b
        clear_of_qr = x + r <= qr["x"] or y - r >= qr["y"] + qr["size"] or x - r >= qr["x"] + qr["size"]
        assert clear_of_qr, (b, qr)
        for o in bubbles[k + 1 :]:
            if o["y"] - y > 12:
                break
            square = "override" in (b["column"], o["column"])
            if square:
                gap = max(abs(x - o["x"]), abs(y - o["y"])) - r - o["r"]
            else:
                gap = math.hypot(x - o["x"], y - o["y"]) - r - o["r"]
            assert gap >= 2.0 - 1e-6, (b, o, gap)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_25_shapes_take_three_pages(run, tmp_path: Path, paper: str) -> None:
    """25 shapes of three sizes (output sizes: H, W and C), no roster: three pages, not four."""
    out = tmp_path / paper
    r = run(
        "worksheet", "--kind", "output-conv", "--kind", "output-pool", "--problems", "25", "--variants", "3",
        "--answer-sheet", "--paper", paper, "--format", "json", "-o", str(out),
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    keys = json.loads((out / "key.json").read_text())["keys"]
    for key in keys:  # 25 parts, each a shape of three sizes
        parts = [p for problem in key["problems"] for p in problem["parts"]]
        assert len(parts) == 25 and all(len(p["answer"]) == 3 for p in parts), parts[0]
    sheets = json.loads((out / "answer-sheets.json").read_text())["pages"]
    # the rows of ten the arithmetic above counts: 3 a size, 3 sizes a part, 25 parts, and the ID grid's 6
    first = [p for p in sheets if p["code"] == keys[0]["code"]]
    tens = {
        (b["part"], b["dim"], b["column"]) for p in first for b in p["bubbles"] if b["column"] not in ("e", "override")
    }
    assert len(tens) == 3 * 3 * 25 + 6
    counts = pages_per_sheet(out)
    assert len(counts) == 3 and all(n <= 3 for n in counts.values()), counts
    for page in sheets:
        assert page["size_mm"] == list(SIZES[paper])
        check_geometry(page)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_25_parts_of_a_mix_take_two_pages(run, tmp_path: Path, paper: str) -> None:
    """25 parts of a mix of shapes, counts and sizes: two pages at most, on A4 and on Letter."""
    out = tmp_path / paper
    r = run(
        "worksheet", "--kind", "output-conv", "--kind", "macs-conv", "--kind", "params-linear",
        "--kind", "inverse-padding", "--problems", "25", "--variants", "3", "--seed", "1",
        "--answer-sheet", "--paper", paper, "--format", "json", "-o", str(out),
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    keys = json.loads((out / "key.json").read_text())["keys"]
    shapes = sum(isinstance(p["answer"], list) for k in keys for q in k["problems"] for p in q["parts"])
    assert shapes >= 15  # a good share of three-size shapes, the longest grid-ins
    counts = pages_per_sheet(out)
    assert all(n <= 2 for n in counts.values()), counts
    for page in json.loads((out / "answer-sheets.json").read_text())["pages"]:
        check_geometry(page)


def test_default_sheet_keeps_the_roomy_bubbles(run, tmp_path: Path) -> None:
    """A sheet that fits its pages anyway keeps bubbles of 4.1 mm with 2.1 mm of paper between them."""
    r = run("worksheet", "--variants", "3", "--answer-sheet", "--format", "json", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    for page in json.loads((tmp_path / "answer-sheets.json").read_text())["pages"]:
        check_geometry(page)
        digits = sorted((b["y"], b["x"]) for b in page["bubbles"] if b["part"] == "id" and b["column"] == "id1")
        assert {b["r"] for b in page["bubbles"]} == {2.05}
        assert round(digits[1][1] - digits[0][1], 2) == 6.2


def test_a_three_page_tight_sheet_is_marked(run, tmp_path: Path) -> None:
    """The tight spacing reads as well as the roomy one: 25 shapes on Letter (three pages, bubbles 4 mm, rows
    6 mm apart) printed to PDF, every grid-in filled with a number chosen here, scanned at 200 dpi and marked by
    ``quizgen mark``: every part's answer read back as filled, none sent to review."""
    import random
    import shutil

    cv2 = pytest.importorskip("cv2")
    pytest.importorskip("pypdfium2")
    if not shutil.which("chromium"):
        pytest.skip("printing answer sheets needs chromium")
    import csv

    import scanfake

    ws = tmp_path / "ws"
    r = run(
        "worksheet", "--kind", "output-conv", "--problems", "25", "--seed", "3", "--paper", "letter",
        "--answer-sheet", "--format", "pdf", "-o", str(ws),
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    layouts = json.loads((ws / "answer-sheets.json").read_text())["pages"]
    assert len(layouts) == 3 and {b["r"] for p in layouts for b in p["bubbles"]} == {2.0}
    rng = random.Random(5)
    planted: dict[str, list[str]] = {}
    for k, (layout, page) in enumerate(zip(layouts, scanfake.rasterise(str(ws / "answer-sheets.pdf")))):
        answers: dict[tuple[str, int, str], str | None] = {}
        for b in layout["bubbles"]:
            key = (b["part"], b["dim"], b["column"])
            if b["column"] in ("d1", "d2", "d3", "e") and key not in answers:
                answers[key] = rng.choice(
                    [v["value"] for v in layout["bubbles"] if (v["part"], v["dim"], v["column"]) == key]
                )
        for (part, dim, _c), _v in sorted(answers.items()):
            sizes = planted.setdefault(part, [])
            if len(sizes) < dim:
                sizes.append("{}.{}{}e{}".format(*(answers[(part, dim, c)] for c in ("d1", "d2", "d3", "e"))))
        filled = scanfake.fill_page(page, layout, answers, rng)
        cv2.imwrite(str(tmp_path / f"scan{k}.jpg"), scanfake.scanner(filled, rng, dpi=200))
    out = tmp_path / "m"
    scans = [str(tmp_path / f"scan{k}.jpg") for k in range(3)]
    r = run("mark", *scans, "--key", str(ws), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    (row,) = csv.DictReader((out / "grades.csv").read_text(encoding="utf-8-sig").splitlines())
    assert len(planted) == 25
    for part, sizes in planted.items():
        assert row[f"{part} read"] == ", ".join(sizes), part
        assert row[f"{part} verdict"] != "review"
