"""``quizgen mark`` end to end through the CLI: a class printed with --answer-sheet, filled and scanned
synthetically (tests/scanfake.py), marked; grades and misconception counts against what the generator planted."""

from __future__ import annotations

import csv
import random
import re
import shutil
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

cv2 = pytest.importorskip("cv2")
pytest.importorskip("pypdfium2")

from click.testing import CliRunner  # noqa: E402

from quizgen.cli import cli as main  # noqa: E402

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="printing answer sheets needs chromium")

N_STUDENTS = 30


def grid(v: int) -> tuple[str, str, str, str]:
    """A whole number gridded as d.dd × 10^e, rounded half up to 3 figures (by hand: 34,944 → 3 4 9, e = 4)."""
    if v == 0:
        return ("0", "0", "0", "0")
    e = len(str(v)) - 1
    m = Fraction(v, 10 ** (e - 2)) if e >= 2 else Fraction(v * 10 ** (2 - e))
    digits = int(m + Fraction(1, 2))
    if digits == 1000:
        digits, e = 100, e + 1
    d = str(digits)
    return (d[0], d[1], d[2], str(e))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("class")
    roster = tmp / "roster.csv"
    roster.write_text(
        "id,name\n" + "".join(f"{100 + i},Student {i:02d}\n" for i in range(N_STUDENTS)), encoding="utf-8"
    )
    r = CliRunner().invoke(
        main,
        [
            "worksheet",
            "--roster",
            str(roster),
            "--answer-sheet",
            "--format",
            "pdf",
            "-o",
            str(tmp / "ws"),
            "--seed",
            "5",
        ],
    )
    assert r.exit_code == 0, r.output
    return tmp


def _problems(code: str) -> list:
    """The sheet the code regenerates, as ``quizgen worksheet --code`` makes it (what each student answered)."""
    from quizgen.problems.sheet import sheet_of_code

    return sheet_of_code(None, code)[0].problems


def test_a_class_marked_from_one_shuffled_pdf(printed: Path, tmp_path: Path) -> None:
    import json

    import scanfake

    from quizgen.explain.catalogue import CATALOGUE

    layouts = json.loads((printed / "ws" / "answer-sheets.json").read_text())["pages"]
    images = scanfake.rasterise(str(printed / "ws" / "answer-sheets.pdf"))
    assert len(images) == len(layouts)
    rng = random.Random(7)
    expected: dict[str, dict[str, str]] = {}
    filled_in: dict[str, dict[str, str]] = {}  # what the generator gridded, as grades.csv writes a read answer
    planted: dict[str, set[str]] = {}
    scans = []
    for layout, page in zip(layouts, images):
        problems = _problems(layout["code"])
        answers = {}
        want = expected.setdefault(layout["code"], {})
        for pid in dict.fromkeys(b["part"] for b in layout["bubbles"] if b["part"] != "id"):
            n, i = (int(x) for x in pid.split("."))
            part = problems[n - 1].parts[i - 1]
            pick = rng.random()
            if part.choices:
                right = next(c for c in part.choices if c.correct)
                wrong = [c for c in part.choices if not c.correct]
                c = right if pick < 0.6 else rng.choice(wrong)
                answers[(pid, 1, "choice")] = c.letter
                filled_in.setdefault(layout["code"], {})[pid] = c.letter
                want[pid] = "right" if c.correct else "wrong"
                # the drill names a wrong choice by the part's wrong value it equals
                w = next((w for w in part.wrongs if w.value == c.value), None)
                if not c.correct and w is not None:
                    for mid in set(w.ids) & set(CATALOGUE):
                        planted.setdefault(mid, set()).add(layout["code"])
                continue
            values = part.answer if isinstance(part.answer, tuple) else (part.answer,)
            verdict = "right"
            named = [w for w in part.wrongs if set(w.ids) & set(CATALOGUE)]
            if pick > 0.6 and named:  # the first named wrong value, when its grid is not the answer's
                w = named[0]
                wv = w.value if isinstance(w.value, tuple) else (w.value,)
                if (
                    part.wrongs[0] is w
                    and all(isinstance(x, int) for x in wv)
                    and [grid(x) for x in wv] != [grid(int(x)) for x in values]
                ):
                    values, verdict = wv, "wrong"
                    for mid in set(w.ids) & set(CATALOGUE):
                        planted.setdefault(mid, set()).add(layout["code"])
            for dim, v in enumerate(values, start=1):
                for col, d in zip(("d1", "d2", "d3", "e"), grid(int(v))):
                    answers[(pid, dim, col)] = d
            filled_in.setdefault(layout["code"], {})[pid] = ", ".join(
                "{}.{}{}e{}".format(*grid(int(v))) for v in values
            )
            want[pid] = verdict
        filled = scanfake.fill_page(page, layout, answers, rng, strays=1)
        scans.append(scanfake.scanner(filled, rng, dpi=200))
    order = list(range(len(scans)))
    rng.shuffle(order)
    pdf = tmp_path / "scans.pdf"
    scanfake.to_pdf([scans[k] for k in order], str(pdf))
    out = tmp_path / "marked"
    r = CliRunner().invoke(main, ["mark", str(pdf), "--key", str(printed / "ws"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == N_STUDENTS
    names = {layout["code"]: layout["student"] for layout in layouts}
    for row in rows:
        assert row["name"] == names[row["code"]]
        assert {pid: row[f"{pid} read"] for pid in filled_in[row["code"]]} == filled_in[row["code"]]
        for pid, verdict in expected[row["code"]].items():
            got = row[f"{pid} verdict"]
            assert (got in ("exact", "rounded")) == (verdict == "right"), (row["code"], pid, got, row[f"{pid} read"])
    report = (out / "class-report.html").read_text(encoding="utf-8")
    counts = {m: int(k) for m, k in re.findall(r'data-misconception="([^"]+)" data-students="(\d+)"', report)}
    assert planted  # the class made some mistakes to find
    assert counts == {mid: len(codes) for mid, codes in planted.items()}
    # the same scans again: the same bytes, nothing counted twice
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    r = CliRunner().invoke(main, ["mark", str(pdf), "--key", str(printed / "ws"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert before == {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert Counter(p.name for p in (out / "feedback").iterdir()) == Counter(f"{c}.html" for c in expected)


def test_not_our_page_and_upside_down(printed: Path, tmp_path: Path) -> None:
    import numpy as np
    import scanfake

    images = scanfake.rasterise(str(printed / "ws" / "answer-sheets.pdf"))
    rng = random.Random(3)
    blank = np.full((2339, 1654), 255, np.uint8)
    cv2.putText(blank, "a letter home", (200, 400), cv2.FONT_HERSHEY_SIMPLEX, 3, 0, 5)
    cv2.imwrite(str(tmp_path / "other.png"), blank)
    cv2.imwrite(str(tmp_path / "turned.jpg"), scanfake.scanner(images[0], rng, dpi=150, upside_down=True))
    import json

    qr = json.loads((printed / "ws" / "answer-sheets.json").read_text())["pages"][1]["qr"]
    ppm = scanfake.BASE_DPI / 25.4  # the QR code scribbled over: a thick pencil cross and a blot
    blotted = images[1].copy()
    x0, y0, side = (int(qr[k] * ppm) for k in ("x", "y", "size"))
    cv2.rectangle(blotted, (x0 + side // 3, y0 + side // 3), (x0 + 2 * side // 3, y0 + 2 * side // 3), 0, -1)
    cv2.line(blotted, (x0, y0), (x0 + side, y0 + side), 0, 40)
    cv2.imwrite(str(tmp_path / "blotted.png"), scanfake.scanner(blotted, rng, dpi=200, jpeg=None))
    out = tmp_path / "m"
    scans = [str(tmp_path / n) for n in ("other.png", "turned.jpg", "blotted.png")]
    r = CliRunner().invoke(main, ["mark", *scans, "--key", str(printed / "ws"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    review = (out / "review.html").read_text(encoding="utf-8")
    assert "not one of our answer pages" in review
    assert "upside down" in review
    assert "QR code could not be read" in review
    rows = list(csv.DictReader((out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 1


def test_doubtful_marks_go_to_review_and_are_resolved(printed: Path, tmp_path: Path) -> None:
    """A double fill, a half fill and an erasure are never guessed; --resolve applies the teacher's answer;
    a page scanned twice is reported and counted once."""
    import json

    import scanfake

    layout = json.loads((printed / "ws" / "answer-sheets.json").read_text())["pages"][0]
    page = scanfake.rasterise(str(printed / "ws" / "answer-sheets.pdf"))[0]
    rng = random.Random(11)
    grids = [(b["part"], b["dim"]) for b in layout["bubbles"] if b["column"] == "d1"]
    answers = {}
    for pid, dim in dict.fromkeys(grids):
        for col in ("d1", "d2", "d3", "e"):
            answers[(pid, dim, col)] = "1"
    firsts = {}
    for pid, dim in grids:
        firsts.setdefault(pid, (pid, dim))
    (p1, d1), (p2, d2), (p3, d3) = list(firsts.values())[:3]  # three different parts
    doubtful = {(p1, d1, "d2"): "double", (p2, d2, "d3"): "half", (p3, d3, "e"): "erasure"}
    filled = scanfake.fill_page(page, layout, answers, rng, doubtful=doubtful)
    for k in (1, 2):  # the same page scanned twice
        cv2.imwrite(str(tmp_path / f"scan{k}.jpg"), scanfake.scanner(filled, rng, dpi=200))
    out = tmp_path / "m"
    args = [
        "mark",
        str(tmp_path / "scan1.jpg"),
        str(tmp_path / "scan2.jpg"),
        "--key",
        str(printed / "ws"),
        "-o",
        str(out),
    ]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    review = list(csv.DictReader((out / "review.csv").read_text(encoding="utf-8").splitlines()))
    assert {row["part"] for row in review} == {p1, p2, p3}
    html = (out / "review.html").read_text(encoding="utf-8")
    assert "scanned twice" in html and html.count("data:image/jpeg;base64,") == 3
    row = list(csv.DictReader((out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()))[0]
    assert row[f"{p1} verdict"] == "review" and row[f"{p1} marks"] == "0"
    # the teacher writes the answer meant for p1; the others stay in review
    for r_ in review:
        r_["answer"] = "1.11e1" if r_["part"] == p1 else ""
    decisions = tmp_path / "decisions.csv"
    scanfake.write_decisions(review, decisions)
    r = CliRunner().invoke(main, [*args, "--resolve", str(decisions)])
    assert r.exit_code == 0, r.output
    row = list(csv.DictReader((out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()))[0]
    assert row[f"{p1} read"] == "1.11e1" and row[f"{p1} verdict"] in ("wrong", "exact", "rounded")
    assert row[f"{p2} verdict"] == "review"


def test_feedback_shows_answers_as_written_not_as_gridded() -> None:
    """A grid-in is d.dd × 10^e: 2.00e1 was meant as 20, 8.19e7 keeps its three figures (8.19 × 10⁷, never
    81,900,000, which would claim an exactness the grid cannot give), and a letter shows its option."""
    from quizgen.mark.report import shown
    from quizgen.problems.problem import Choice, Part

    shape = Part("Output shape", "shape", (20, 20, 8), (), (), "")
    assert shown("2.00e1, 2.00e1, 8.00e0", shape) == "20 × 20 × 8"
    assert shown("3.00e0, 3.00e0, 1.02e3", shape) == "3 × 3 × (1.02 × 10³)"  # a size's own × kept apart
    count = Part("MACs", "macs", 81_920_000, (), (), "")
    assert shown("8.19e7", count) == "8.19 × 10⁷"
    assert shown("1.28e2", count) == "128"
    assert shown("3.50e0", count) == "3.50 × 10⁰"  # not a whole number: the grid as filled
    assert shown("", count) == "(no answer)"
    choice = Part("Params", "params", 34_944, (), (Choice("A", 34_848, False, ""), Choice("B", 34_944, True, "")), "")
    assert shown("A", choice) == "A (34,848)"
