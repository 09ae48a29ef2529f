"""``quizgen mark`` reads the ID bubble grid of sheets printed without a roster, through the CLI.

Five sheets are printed with ``--variants 5 --answer-sheet --format pdf`` (no roster, so each answer page has a
name line and a 6-digit ID grid), their ID grids filled by ``tests/scanfake.py`` with numbers chosen here,
scanned at 200 dpi into one shuffled PDF and marked.  A fully filled grid is the student's id in grades.csv; a
column left empty, two bubbles in one column, or a grid left empty is never guessed: a review line with part
``id``, and grades.csv's ``id`` shows what was read (``?`` for a digit not read for sure).
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

import pytest

cv2 = pytest.importorskip("cv2")
pytest.importorskip("pypdfium2")

from click.testing import CliRunner  # noqa: E402

from quizgen.cli import cli as main  # noqa: E402

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="printing answer sheets needs chromium")

#: What each of the five students fills in: (number, ID column with a planted double fill, id expected in
#: grades.csv, whether a review line is expected).  " " leaves a column empty.
PLANTED = [
    ("204517", None, "204517", False),
    ("990001", None, "990001", False),
    ("31 415", None, "31?415", True),  # the third digit forgotten
    ("777123", "id2", "7?7123", True),  # a second bubble filled in the second digit's column
    ("      ", None, "", True),  # the grid left empty
]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("noroster")
    args = ["worksheet", "--variants", "5", "--answer-sheet", "--format", "pdf", "-o", str(tmp / "ws"), "--seed", "4"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    return tmp / "ws"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_id_grid_read_into_grades_and_doubtful_ids_to_review(printed: Path, tmp_path: Path) -> None:
    import scanfake

    layouts = json.loads((printed / "answer-sheets.json").read_text())["pages"]
    assert len(layouts) == len(PLANTED) and all(p["student"] == "" and p["student_id"] == "" for p in layouts)
    assert all({f"id{i}" for i in range(1, 7)} <= {b["column"] for b in p["bubbles"]} for p in layouts)
    images = scanfake.rasterise(str(printed / "answer-sheets.pdf"))
    rng = random.Random(22)
    scans = []
    for layout, page, (number, double, _want, _review) in zip(layouts, images, PLANTED):
        answers = scanfake.id_answers(number)
        doubtful = {("id", 1, double): "double"} if double else None
        filled = scanfake.fill_page(page, layout, answers, rng, doubtful=doubtful)
        scans.append(scanfake.scanner(filled, rng, dpi=200))
    order = [3, 0, 4, 2, 1]
    pdf = tmp_path / "scans.pdf"
    scanfake.to_pdf([scans[k] for k in order], str(pdf))
    out = tmp_path / "marked"
    args = ["mark", str(pdf), "--key", str(printed), "-o", str(out)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output

    ids = {row["code"]: row["id"] for row in _rows(out / "grades.csv")}
    assert ids == {layout["code"]: want for layout, (_n, _d, want, _r) in zip(layouts, PLANTED)}
    review = [row for row in _rows(out / "review.csv") if row["part"] == "id"]
    assert {row["code"] for row in review} == {
        layout["code"] for layout, (*_x, to_review) in zip(layouts, PLANTED) if to_review
    }
    why = {row["code"]: row["why"] for row in review}
    assert "ID digit 3 is left empty" in why[layouts[2]["code"]] and "31?415" in why[layouts[2]["code"]]
    assert "ID digit 2: two bubbles filled" in why[layouts[3]["code"]]
    assert "left empty" in why[layouts[4]["code"]]
    html = (out / "review.html").read_text(encoding="utf-8")
    assert html.count("data:image/jpeg;base64,") >= 3  # a crop of each ID grid in question

    # the teacher reads the doubtful digit from the crop and writes the number in review.csv
    for row in review:
        row["answer"] = "717123" if row["code"] == layouts[3]["code"] else ""
    decisions = tmp_path / "decisions.csv"
    scanfake.write_decisions(review, decisions)
    r = CliRunner().invoke(main, [*args, "--resolve", str(decisions)])
    assert r.exit_code == 0, r.output
    ids = {row["code"]: row["id"] for row in _rows(out / "grades.csv")}
    assert ids[layouts[3]["code"]] == "717123" and ids[layouts[0]["code"]] == "204517"
    still = {row["code"] for row in _rows(out / "review.csv") if row["part"] == "id"}
    assert still == {layouts[2]["code"], layouts[4]["code"]}


def test_a_roster_sheet_keeps_its_printed_id(tmp_path: Path) -> None:
    """A sheet printed from a roster has no ID grid; its id comes from the roster, whatever is scanned."""
    import scanfake

    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n4711,Ann Lee\n", encoding="utf-8")
    ws = tmp_path / "ws"
    r = CliRunner().invoke(
        main, ["worksheet", "--roster", str(roster), "--answer-sheet", "--format", "pdf", "-o", str(ws)]
    )
    assert r.exit_code == 0, r.output
    layout = json.loads((ws / "answer-sheets.json").read_text())["pages"][0]
    assert not any(b["part"] == "id" for b in layout["bubbles"])
    page = scanfake.rasterise(str(ws / "answer-sheets.pdf"))[0]
    rng = random.Random(1)
    cv2.imwrite(str(tmp_path / "scan.png"), scanfake.scanner(page, rng, dpi=200, jpeg=None))
    r = CliRunner().invoke(main, ["mark", str(tmp_path / "scan.png"), "--key", str(ws), "-o", str(tmp_path / "m")])
    assert r.exit_code == 0, r.output
    (row,) = _rows(tmp_path / "m" / "grades.csv")
    assert (row["name"], row["id"]) == ("Ann Lee", "4711")
    assert not [x for x in _rows(tmp_path / "m" / "review.csv") if x["part"] == "id"]
