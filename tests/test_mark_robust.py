"""``quizgen mark`` on what goes wrong in a classroom, through the CLI: a page of another recipe, a missing second
page, the teacher's override box, a page scanned twice, a grayscale 150 dpi JPEG; marking without ``--key``
(each layout rebuilt from the sheet code); feedback as PDF.

Classes are printed with ``quizgen worksheet --answer-sheet --format pdf``, filled and scanned synthetically
(tests/scanfake.py).  The answers filled in, and so the grades expected, come from the worksheet's own
``grid.csv`` (the teacher's marking grid), not from the marker.
"""

from __future__ import annotations

import csv
import html
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

cv2 = pytest.importorskip("cv2")
pytest.importorskip("pypdfium2")

import scanfake  # noqa: E402
from browser import require_browser  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from quizgen.cli import cli as main  # noqa: E402

#: A recipe long enough for two answer pages a sheet: 12 grid-in problems (6 of them shapes) and 4 choices.
LONG = """\
recipe: long
title: "A long test"
sections:
  - title: "Output sizes"
    kind: output-conv
    count: 6
    difficulty: 2
  - title: "Parameters"
    kind: params-conv
    count: 6
    difficulty: 2
  - title: "Choices"
    kind: params-linear
    count: 4
    form: choice
    difficulty: 1
"""


@dataclass
class Class:
    """A printed class: its folder, recipe, answer pages (layouts and 300 dpi images) and, by code, each
    part's right answer as the marking grid gives it: a letter, or the numbers to grid."""

    ws: Path
    recipe: str | None
    layouts: list[dict[str, Any]]
    images: list[Any]
    answers: dict[str, dict[str, str | tuple[int, ...]]]


def grid(v: int) -> tuple[str, str, str, str]:
    """A whole number gridded as d.dd × 10^e, rounded half up to 3 figures (by hand: 34,944 → 3 4 9, e = 4;
    55 → 5 5 0, e = 1; 3 → 3 0 0, e = 0)."""
    if v == 0:
        return ("0", "0", "0", "0")
    s = str(v)
    e = len(s) - 1
    kept = int((s + "00")[:3]) + (1 if len(s) > 3 and s[3] >= "5" else 0)
    if kept == 1000:
        kept, e = 100, e + 1
    d = str(kept)
    return (d[0], d[1], d[2], str(e))


def _grid_answers(path: Path) -> dict[str, dict[str, str | tuple[int, ...]]]:
    """grid.csv's right answers by code and part: "Answer 7b" is part 7.2; "B (17400)" is the letter B."""
    out: dict[str, dict[str, str | tuple[int, ...]]] = {}
    for row in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()):
        mine = out.setdefault(row["Code"], {})
        for head, value in row.items():
            m = re.fullmatch(r"Answer (\d+)([a-z]?) \(.*\)", head)
            if not m:
                continue
            pid = f"{m.group(1)}.{ord(m.group(2)) - 96 if m.group(2) else 1}"
            letter = re.fullmatch(r"([A-D]) \(.*\)", value)
            mine[pid] = letter.group(1) if letter else tuple(int(x) for x in value.split("×"))
    return out


def _print(tmp: Path, *args: str) -> Class:
    require_browser()
    r = CliRunner().invoke(main, ["worksheet", *args, "--answer-sheet", "--format", "pdf", "-o", str(tmp / "ws")])
    assert r.exit_code == 0, r.output
    import json

    recipe = next((a for a in args if a.endswith(".yaml")), None)
    return Class(
        tmp / "ws",
        recipe,
        json.loads((tmp / "ws" / "answer-sheets.json").read_text(encoding="utf-8"))["pages"],
        scanfake.rasterise(str(tmp / "ws" / "answer-sheets.pdf")),
        _grid_answers(tmp / "ws" / "grid.csv"),
    )


@pytest.fixture(scope="module")
def long_class(tmp_path_factory: pytest.TempPathFactory) -> Class:
    """Two sheets of the long recipe, without a roster (an ID grid each), two answer pages a sheet."""
    tmp = tmp_path_factory.mktemp("long")
    (tmp / "long.yaml").write_text(LONG, encoding="utf-8")
    printed = _print(tmp, str(tmp / "long.yaml"), "--variants", "2", "--seed", "2")
    assert [(p["page"], p["pages"]) for p in printed.layouts] == [(1, 2), (2, 2), (1, 2), (2, 2)]
    return printed


@pytest.fixture(scope="module")
def roster_class(tmp_path_factory: pytest.TempPathFactory) -> Class:
    """Two named students, the default recipe: one answer page a sheet."""
    tmp = tmp_path_factory.mktemp("roster")
    (tmp / "roster.csv").write_text("id,name\n101,Ann Lee\n102,Bo Chen\n", encoding="utf-8")
    printed = _print(tmp, "--roster", str(tmp / "roster.csv"), "--seed", "3")
    assert [p["student"] for p in printed.layouts] == ["Ann Lee", "Bo Chen"]
    return printed


def fill(
    c: Class,
    k: int,
    rng: random.Random,
    *,
    wrong: dict[str, str | tuple[int, ...]] | None = None,
    override: tuple[str, ...] = (),
    doubtful: dict[tuple[str, int, str], str] | None = None,
) -> Any:
    """Answer page ``k`` of class ``c`` filled with the right answers, but ``wrong``'s (part → answer), with the
    override boxes of ``override`` ticked, and the ID 123456 where the page has an ID grid."""
    layout = c.layouts[k]
    right = c.answers[layout["code"]]
    answers: dict[tuple[str, int, str], str | None] = {}
    for pid in dict.fromkeys(b["part"] for b in layout["bubbles"]):
        if pid == "id":
            for i in range(1, 7):
                answers[("id", 1, f"id{i}")] = str(i)
            continue
        value = (wrong or {}).get(pid, right[pid])
        if isinstance(value, str):
            answers[(pid, 1, "choice")] = value
        else:
            for dim, v in enumerate(value, start=1):
                for col, d in zip(("d1", "d2", "d3", "e"), grid(v)):
                    answers[(pid, dim, col)] = d
        if pid in override:
            answers[(pid, 1, "override")] = "right"
    return scanfake.fill_page(c.images[k], layout, answers, rng, doubtful=doubtful)


def parts_of(c: Class, k: int) -> list[str]:
    return list(dict.fromkeys(b["part"] for b in c.layouts[k]["bubbles"] if b["part"] != "id"))


def mark(tmp: Path, scans: list[str], *args: str, out: str = "m") -> tuple[dict[str, dict[str, str]], str]:
    """``quizgen mark SCANS ARGS -o OUT``: grades.csv's rows by code, and review.html."""
    r = CliRunner().invoke(main, ["mark", *scans, *args, "-o", str(tmp / out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((tmp / out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()))
    by_code = {row["code"]: row for row in rows}
    assert len(by_code) == len(rows)  # one row a sheet, never two
    return by_code, (tmp / out / "review.html").read_text(encoding="utf-8")


def write(tmp: Path, name: str, image: Any) -> str:
    path = tmp / name
    assert cv2.imwrite(str(path), image)
    return str(path)


def reasons(review: str) -> list[str]:
    """The review list's lines (its "why" column), unescaped."""
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in review.split("<tr>")]
    return [html.unescape(tds[4]) for tds in rows if len(tds) == 6]


def all_right(row: dict[str, str], parts: list[str]) -> bool:
    return all(row[f"{p} verdict"] in ("exact", "rounded") for p in parts)


def test_a_code_from_another_recipe_goes_to_review(long_class: Class, roster_class: Class, tmp_path: Path) -> None:
    """A default-recipe page among the long class's: a review line, and no grade for it, with --key and with
    --recipe alike."""
    rng = random.Random(1)
    ours = write(tmp_path, "ours.jpg", scanfake.scanner(fill(long_class, 0, rng), rng))
    stray = write(tmp_path, "stray.jpg", scanfake.scanner(fill(roster_class, 0, rng), rng))
    other = roster_class.layouts[0]["code"]
    rows, review = mark(
        tmp_path, [ours, stray], "--key", str(long_class.ws), "--recipe", str(long_class.recipe), out="key"
    )
    assert f"code {other} was made from another recipe than this class's" in reasons(review)
    assert other not in rows and list(rows) == [long_class.layouts[0]["code"]]
    assert all_right(rows[long_class.layouts[0]["code"]], parts_of(long_class, 0))
    rows, review = mark(tmp_path, [ours, stray], "--recipe", str(long_class.recipe), out="recipe")
    assert f"code {other} was made from another recipe than {long_class.recipe}" in reasons(review)
    assert other not in rows and all_right(rows[long_class.layouts[0]["code"]], parts_of(long_class, 0))
    # the class's key without its recipe: refused at once, in one line
    r = CliRunner().invoke(main, ["mark", ours, "--key", str(long_class.ws), "-o", str(tmp_path / "x")])
    assert r.exit_code == 2 and r.output == (
        f"Error: --key {long_class.ws}: its sheets were made from another recipe than the default recipe; "
        "give the one they were made from with --recipe\n"
    )


@pytest.mark.parametrize("how", ["--key", "--recipe"])
def test_a_missing_second_page(long_class: Class, tmp_path: Path, how: str) -> None:
    """Only the first of a sheet's two answer pages scanned: "missing page" in review, its parts `missing`,
    0 marks, and the first page's parts marked."""
    rng = random.Random(2)
    scan = write(tmp_path, "p1.png", scanfake.scanner(fill(long_class, 0, rng), rng, jpeg=None))
    args = ["--recipe", str(long_class.recipe)] + (["--key", str(long_class.ws)] if how == "--key" else [])
    rows, review = mark(tmp_path, [scan], *args)
    code = long_class.layouts[0]["code"]
    assert f"answer page 2 of 2 of sheet {code} is not among the scans; its parts are not marked" in reasons(review)
    row = rows[code]
    assert all_right(row, parts_of(long_class, 0))
    second = parts_of(long_class, 1)
    assert second and all(row[f"{p} verdict"] == "missing" and row[f"{p} marks"] == "0" for p in second)
    first = len(parts_of(long_class, 0))  # one mark a part in this recipe
    assert (row["total"], row["out of"]) == (str(first), str(first + len(second)))


def test_the_override_box_counts_a_part_right(roster_class: Class, tmp_path: Path) -> None:
    """A wrong answer with the teacher's box ticked: `override`, full marks, in grades.csv and the feedback
    page; so is a part with a double fill and the box ticked (the tick wins over the reading); the same wrong
    answer without the box stays wrong."""
    rng = random.Random(3)
    layout = roster_class.layouts[0]
    code = layout["code"]
    numeric = [p for p in parts_of(roster_class, 0) if not isinstance(roster_class.answers[code][p], str)]
    boxed, plain, doubled = numeric[:3]
    wrong = {p: tuple(2 * v + 1 for v in roster_class.answers[code][p]) for p in (boxed, plain)}  # type: ignore[union-attr]
    page = fill(roster_class, 0, rng, wrong=wrong, override=(boxed, doubled), doubtful={(doubled, 1, "d2"): "double"})
    scan = write(tmp_path, "s.jpg", scanfake.scanner(page, rng))
    rows, review = mark(tmp_path, [scan], "--key", str(roster_class.ws))
    row = rows[code]
    assert (row[f"{boxed} verdict"], row[f"{boxed} marks"]) == ("override", "1")
    assert (row[f"{doubled} verdict"], row[f"{doubled} marks"]) == ("override", "1")
    assert (row[f"{plain} verdict"], row[f"{plain} marks"]) == ("wrong", "0")
    n = len(parts_of(roster_class, 0))
    assert (row["total"], row["out of"]) == (str(n - 1), str(n))
    assert reasons(review) == []
    feedback = (tmp_path / "m" / "feedback" / f"{code}.html").read_text(encoding="utf-8")
    assert feedback.count("counted right by your teacher") == 2


def test_a_page_scanned_twice_is_counted_once(long_class: Class, tmp_path: Path) -> None:
    """Two scans of one page, in one run and in a later run: one line says so, and the marks count once."""
    rng = random.Random(4)
    page = fill(long_class, 2, rng)
    first = write(tmp_path, "a.jpg", scanfake.scanner(page, rng))
    again = write(tmp_path, "b.jpg", scanfake.scanner(page, rng))
    second = write(tmp_path, "c.jpg", scanfake.scanner(fill(long_class, 3, rng), rng))
    code = long_class.layouts[2]["code"]
    twice = f"page 1 of sheet {code} was scanned twice (a.jpg and this one); counted once, from a.jpg"
    n = len(parts_of(long_class, 2)) + len(parts_of(long_class, 3))
    for runs in ([[first, again, second]], [[first, second], [again]]):
        out = f"m{len(runs)}"
        for scans in runs:
            rows, review = mark(
                tmp_path, scans, "--key", str(long_class.ws), "--recipe", str(long_class.recipe), out=out
            )
        assert reasons(review) == [twice]
        assert (rows[code]["total"], rows[code]["out of"]) == (str(n), str(n))


def test_a_grayscale_150_dpi_jpeg_reads(roster_class: Class, tmp_path: Path) -> None:
    """A copier's lowest setting: 150 dpi, grayscale, JPEG at quality 60; every answer read right."""
    rng = random.Random(5)
    image = scanfake.scanner(fill(roster_class, 1, rng), rng, dpi=150, jpeg=60)
    scan = write(tmp_path, "low.jpg", image)
    assert cv2.imread(scan, cv2.IMREAD_UNCHANGED).ndim == 2  # one channel: grayscale
    rows, review = mark(tmp_path, [scan], "--key", str(roster_class.ws))
    assert reasons(review) == []
    assert all_right(rows[roster_class.layouts[1]["code"]], parts_of(roster_class, 1))


def test_marked_without_the_key(long_class: Class, roster_class: Class, tmp_path: Path) -> None:
    """No answer-sheets.json: each page's layout rebuilt from its code and --recipe (A4 or Letter, with or
    without an ID grid, chosen by the page), grades equal to the answers filled in; --roster and --seed name
    the students; without them a named sheet is marked and the review list says how to name it."""
    rng = random.Random(6)
    scans = [write(tmp_path, f"l{k}.jpg", scanfake.scanner(fill(long_class, k, rng), rng)) for k in range(4)]
    scans += [write(tmp_path, f"r{k}.jpg", scanfake.scanner(fill(roster_class, k, rng), rng)) for k in range(2)]
    rows, review = mark(tmp_path, scans[:4], "--recipe", str(long_class.recipe), out="long")
    assert reasons(review) == []
    for k in (0, 2):
        code = long_class.layouts[k]["code"]
        assert all_right(rows[code], parts_of(long_class, k) + parts_of(long_class, k + 1))
    roster = roster_class.ws.parent / "roster.csv"
    rows, review = mark(tmp_path, scans[4:], "--roster", str(roster), "--seed", "3", out="named")
    assert reasons(review) == []
    for k, (name, sid) in enumerate([("Ann Lee", "101"), ("Bo Chen", "102")]):
        row = rows[roster_class.layouts[k]["code"]]
        assert (row["name"], row["id"]) == (name, sid) and all_right(row, parts_of(roster_class, k))
    rows, review = mark(tmp_path, scans[4:], out="unnamed")
    for k in range(2):
        code = roster_class.layouts[k]["code"]
        assert rows[code]["name"] == "" and all_right(rows[code], parts_of(roster_class, k))
        assert (
            f"sheet {code} was printed for a named student: give --roster and --seed (or --key) to name them "
            "in grades.csv" in reasons(review)
        )
    # the long class's pages under the default recipe: another recipe, never a grade
    rows, review = mark(tmp_path, scans[:1], out="default")
    code = long_class.layouts[0]["code"]
    assert rows == {} and f"code {code} was made from another recipe than the default recipe" in reasons(review)


def test_feedback_as_pdf(roster_class: Class, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--format pdf: a PDF beside each feedback page and the class report, printed by Chromium; the same scans
    give the same bytes; without the pdf extra, one line and exit 2."""
    import pypdfium2 as pdfium

    rng = random.Random(7)
    code = roster_class.layouts[0]["code"]
    wrong = {p: v for p, v in roster_class.answers[code].items() if isinstance(v, str)}
    wrong = {p: "A" if v != "A" else "B" for p, v in list(wrong.items())[:1]}  # one wrong choice
    scans = [write(tmp_path, "a.jpg", scanfake.scanner(fill(roster_class, 0, rng, wrong=wrong), rng))]
    scans.append(write(tmp_path, "b.jpg", scanfake.scanner(fill(roster_class, 1, rng), rng)))
    rows, _review = mark(tmp_path, scans, "--key", str(roster_class.ws), "--format", "pdf")
    out = tmp_path / "m"
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert pdfs == ["class-report.pdf", *sorted(f"feedback/{c}.pdf" for c in rows)]
    doc = pdfium.PdfDocument(str(out / "feedback" / f"{code}.pdf"))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    n = len(parts_of(roster_class, 0))
    assert "Ann Lee" in text and f"Marks: {n - 1} / {n}" in text and text.count("wrong") >= 1
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    rows, _review = mark(tmp_path, scans, "--key", str(roster_class.ws), "--format", "pdf")
    assert before == {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setitem(sys.modules, "playwright.async_api", None)  # the pdf extra not installed
    r = CliRunner().invoke(main, ["mark", *scans, "--key", str(roster_class.ws), "--format", "pdf", "-o", "x"])
    assert r.exit_code == 2
    assert r.output.startswith("Error: --format pdf needs Playwright, in the 'pdf' extra: ")
    assert len(r.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--key", "k", "--roster", "r.csv"], "--roster r.csv: goes without --key"),
        (["--key", "k", "--seed", "3"], "--seed 3: goes without --key"),
        (["--seed", "3"], "--seed 3: goes with --roster (it finds each student's sheet)"),
        (["--recipe", "nope.yaml"], "nope.yaml"),
    ],
)
def test_options_that_do_not_go_together(tmp_path: Path, args: list[str], message: str) -> None:
    r = CliRunner().invoke(main, ["mark", str(tmp_path / "scan.pdf"), *args, "-o", str(tmp_path / "m")])
    assert r.exit_code == 2, r.output
    assert r.output.startswith("Error: ") and message in r.output and len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()
