"""A class that prints as a class: roster ids, boxes to write in, a cover page, titles, and codes that
keep them.  Through the CLI, on real files; the printed pages are in tests/test_classprint_pdf.py."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROSTER = ROOT / "examples" / "students.csv"


def make(run, out: Path, *args: str) -> Path:
    r = run("worksheet", *args, "-o", str(out))
    assert r.exit_code == 0, r.stderr
    return out


def roster_ids() -> dict[str, str]:
    with open(ROSTER, encoding="utf-8") as f:
        return {row["id"]: row["name"] for row in csv.DictReader(f)}


def page_header(html: str) -> str:
    """The text of the first sheet's page header (the ``@top-left`` margin box) in a page's CSS."""
    m = re.search(r"@page sheet-1 \{[^}]*@top-left \{ content: \"([^\"]*)\"", html)
    assert m, "no page header"
    return m.group(1)


def test_roster_ids_print_beside_the_name_in_every_page_header_and_in_the_grid(run, tmp_path):
    out = make(run, tmp_path / "c", "--roster", str(ROSTER), "--format", "html")
    ids = roster_ids()
    keys = {}
    for sid, name in ids.items():
        files = sorted(out.glob("worksheet-*.html"))
        headers = [page_header(p.read_text(encoding="utf-8")) for p in files]
        assert sum(h.endswith(f" · {name} ({sid})") for h in headers) == 1, (sid, headers)
        keys[sid] = name
    # the two María Garcías are told apart on paper by their ids
    both = [p for p in out.glob("worksheet-mar*.html")]
    assert sorted(page_header(p.read_text(encoding="utf-8")).rsplit("(", 1)[1] for p in both) == ["s04)", "s07)"]
    # all-sheets.html and the key: each sheet's header has its id
    for name in ("all-sheets.html", "key.html"):
        html = (out / name).read_text(encoding="utf-8")
        found = re.findall(r"@top-left \{ content: \"Sheet [0-9A-F-]+ · ([^\"]*)\"", html)
        assert found == [f"{n} ({sid})" for sid, n in ids.items()], name
    rows = list(csv.reader((out / "grid.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0][2:4] == ["Student", "ID"]
    assert [(r[2], r[3]) for r in rows[1:]] == [(n, sid) for sid, n in ids.items()]
    grid = (out / "grid.html").read_text(encoding="utf-8")
    assert all(f'<td class="sid">{sid}</td>' in grid for sid in ids)


def test_a_roster_without_ids_prints_no_id_and_the_grid_no_id_column(run, tmp_path):
    roster = tmp_path / "names.csv"
    roster.write_text("name\nAnn Lee\nBo Chen\n", encoding="utf-8")
    out = make(run, tmp_path / "c", "--roster", str(roster), "--format", "html")
    assert page_header((out / "worksheet-ann-lee.html").read_text(encoding="utf-8")).endswith(" · Ann Lee")
    assert list(csv.reader((out / "grid.csv").read_text(encoding="utf-8").splitlines()))[0][3] != "ID"


def test_page_one_has_name_id_and_total_boxes_and_each_problem_a_mark_box(run, tmp_path):
    out = make(run, tmp_path / "s", "--roster", str(ROSTER), "--format", "html")
    keys = make(run, tmp_path / "j", "--roster", str(ROSTER), "--format", "json")
    key = json.loads((keys / "key.json").read_text(encoding="utf-8"))["keys"][3]  # s04, María García
    html = (out / "worksheet-maría-garcía-s04.html").read_text(encoding="utf-8")
    first_problem = html.index('<article class="problem"')
    head = html[:first_problem]
    assert re.search(r'box-name"><span class="box-label">Name</span><span class="box-fill">María García<', head)
    assert re.search(r'box-id"><span class="box-label">ID</span><span class="box-fill">s04<', head)
    total = key["total_marks"]
    assert re.search(rf'box-total">.*<span class="box-of">/ {total}</span>', head)
    boxes = re.findall(r'<span class="markbox"[^>]*><span class="mark-blank"></span> / ([\d.]+)</span>', html)
    assert [float(b) for b in boxes] == [p["marks"] for p in key["problems"]]
    assert sum(float(b) for b in boxes) == total


COVER = (
    "--cover", "--title", "Quiz 3: pooling", "--course", "CS 231 Deep Learning", "--date", "9 December 2026",
    "--time-allowed", "45 minutes", "--instructions", "Answer every question. Calculators allowed.",
)  # fmt: skip


def test_cover_shows_its_fields_boxes_and_a_table_of_problems_and_marks(run, tmp_path):
    out = make(run, tmp_path / "c", *COVER, "--format", "html")
    key = json.loads((make(run, tmp_path / "j", *COVER, "--format", "json") / "key.json").read_text("utf-8"))
    html = (out / "worksheet.html").read_text(encoding="utf-8")
    cover = html[html.index('<section class="cover">') : html.index("</section>")]
    for text in ("Quiz 3: pooling", "CS 231 Deep Learning", "9 December 2026", "45 minutes", "Answer every question."):
        assert text in cover
    assert 'class="box-label">Name<' in cover and 'class="box-label">ID<' in cover
    rows = re.findall(
        r"<tr><td>(\d+)</td><td class=\"topic\">[^<]*</td><td>([\d.]+)</td><td class=\"score\"></td></tr>", cover
    )
    sheet = key["keys"][0]
    assert rows == [(str(p["number"]), f"{p['marks']:g}") for p in sheet["problems"]]
    assert f'<th>{sheet["total_marks"]:g}</th><th class="score"></th>' in cover
    # the JSON carries the labels too, and the title replaces the recipe's
    assert sheet["title"] == "Quiz 3: pooling"


def test_title_works_for_a_quick_sheet(run, tmp_path):
    out = make(
        run, tmp_path / "q", "--kind", "pool-ops", "--problems", "3", "--title", "Pooling drill", "--format", "html"
    )
    assert "<h1>Pooling drill</h1>" in (out / "worksheet.html").read_text(encoding="utf-8")


def test_a_recipe_s_top_fields_give_the_cover_and_duplex(run, tmp_path):
    recipe = tmp_path / "exam.yaml"
    recipe.write_text(
        "recipe: exam\ntitle: Midterm\ncourse: CS 231\ndate: 9 December 2026\ntime_allowed: 50 minutes\n"
        "cover: true\nsections:\n  - kind: output-conv\n    count: 2\n",
        encoding="utf-8",
    )
    out = make(run, tmp_path / "e", str(recipe), "--format", "html")
    html = (out / "worksheet.html").read_text(encoding="utf-8")
    assert '<section class="cover">' in html and "50 minutes" in html and "CS 231" in html
    plain = make(run, tmp_path / "p", str(recipe), "--no-cover", "--format", "html")
    assert '<section class="cover">' not in (plain / "worksheet.html").read_text(encoding="utf-8")


def test_a_bad_recipe_flag_is_one_line(run, tmp_path):
    recipe = tmp_path / "bad.yaml"
    recipe.write_text("recipe: bad\nduplex: yes please\nsections:\n  - kind: output-conv\n", encoding="utf-8")
    r = run("worksheet", str(recipe), "-o", str(tmp_path / "o"))
    assert (r.exit_code, r.stderr) == (
        2,
        f"Error: {recipe}: top: field 'duplex': 'yes please' must be true or false\n",
    )


def _code(out: Path) -> str:
    return json.loads((out / "worksheet.json").read_text(encoding="utf-8"))["worksheet"]["code"]


@pytest.mark.parametrize("flag", ["--cover", "--duplex"])
def test_the_code_restores_cover_and_duplex(run, tmp_path, flag):
    made = make(run, tmp_path / "m", flag, "--format", "json")
    plain = make(run, tmp_path / "p", "--format", "json")
    assert _code(made) != _code(plain)  # the option is part of the code
    again = make(run, tmp_path / "a", "--code", _code(made), "--format", "json")
    assert (again / "worksheet.json").read_bytes() == (made / "worksheet.json").read_bytes()
    if flag == "--cover":  # (a --duplex sheet's HTML is laid out in Chromium: tests/test_classprint_pdf.py)
        html = make(run, tmp_path / "h", "--code", _code(made), "--format", "html")
        assert '<section class="cover">' in (html / "worksheet.html").read_text(encoding="utf-8")
    no = flag.replace("--", "--no-")
    r = run("worksheet", "--code", _code(made), no, "-o", str(tmp_path / "x"))
    assert (r.exit_code, r.stderr) == (
        2,
        f"Error: {no}: the sheet with code {_code(made)} was made with {flag}; leave out {no} (the code restores it)\n",
    )


def test_codes_made_before_these_options_keep_their_meaning(run, tmp_path):
    """The README's code (made before --cover and --duplex) still makes the default sheet."""
    out = make(run, tmp_path / "d", "--format", "json")
    assert _code(out) == "D12-7C049FFB-02"
