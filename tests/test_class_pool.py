"""A class drawn and rendered by a pool of processes is the same bytes as the class made in one process.

``QUIZGEN_WORKERS`` sets how many processes draw a class's sheets and render each sheet's own file (the HTML
sheet, the practice page...) and its figures: 1 makes everything in the run's own process, as a class under 48
sheets always was.  Each class here is made through the real CLI both ways, and every file compared byte for
byte (issue 21, item 13: the practice pages go through the pool as the HTML sheets do).
"""

from __future__ import annotations

from pathlib import Path

import pytest

CLASSES = {
    "practice pages of a roster": ["--roster", "{roster}", "--format", "practice"],
    "HTML class of a roster": ["--roster", "{roster}", "--format", "html"],
    "Markdown quick sheets in Chinese": [
        "--variants",
        "5",
        "--kind",
        "output-conv",
        "--kind",
        "spot-error",
        "--problems",
        "6",
        "--format",
        "md",
        "--lang",
        "zh",
    ],
    "JSON class with answer pages": ["--variants", "4", "--format", "json"],
}


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", list(CLASSES))
def test_a_pooled_class_is_the_same_bytes_as_one_made_in_one_process(sh, tmp_path, monkeypatch, name):
    roster = tmp_path / "students.csv"
    roster.write_text("id,name\ns1,Ann Lee\ns2,José Núñez\ns3,Zoë Brandt\ns4,Bo Chen\ns5,Cy Diaz\n", encoding="utf-8")
    args = [a.format(roster=roster) for a in CLASSES[name]]
    made = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("QUIZGEN_WORKERS", workers)
        out = tmp_path / f"workers-{workers}"
        r = sh("worksheet", *args, "--seed", "5", "-o", str(out))
        assert r.exit_code == 0, r.stderr
        made[workers] = files_of(out)
    assert len(made["1"]) >= 5, sorted(made["1"])  # a sheet or page per student, at least
    assert sorted(made["2"]) == sorted(made["1"])
    different = [f for f in made["1"] if made["1"][f] != made["2"][f]]
    assert not different, f"{name}: pooled files differ: {different[:5]}"


def test_pooled_sheets_name_each_student(sh, tmp_path, monkeypatch):
    """The files a worker renders carry the roster's names (and on the sheets, ids), which each job gives its
    sheet."""
    roster = tmp_path / "students.csv"
    roster.write_text("id,name\ns1,Ann Lee\ns2,Zoë Brandt\n", encoding="utf-8")
    monkeypatch.setenv("QUIZGEN_WORKERS", "2")
    for fmt in ("practice", "html"):
        r = sh("worksheet", "--roster", str(roster), "--format", fmt, "-o", str(tmp_path / fmt))
        assert r.exit_code == 0, r.stderr
    pages = sorted(p.name for p in (tmp_path / "practice").glob("practice-*.html"))
    assert pages == ["practice-ann-lee.html", "practice-zoë-brandt.html"]
    assert "<span>Ann Lee</span>" in (tmp_path / "practice" / "practice-ann-lee.html").read_text(encoding="utf-8")
    assert "<span>Zoë Brandt</span>" in (tmp_path / "practice" / "practice-zoë-brandt.html").read_text(encoding="utf-8")
    assert "Ann Lee (s1)" in (tmp_path / "html" / "worksheet-ann-lee.html").read_text(encoding="utf-8")
    assert "Zoë Brandt (s2)" in (tmp_path / "html" / "worksheet-zoë-brandt.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_worker_count_is_one_line_naming_it(sh, tmp_path, monkeypatch, value):
    monkeypatch.setenv("QUIZGEN_WORKERS", value)
    r = sh("worksheet", "--variants", "3", "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert r.stderr.strip() == (f"Error: QUIZGEN_WORKERS={value}: must be a whole number of processes, 1 or more"), (
        r.stderr
    )
    assert not (tmp_path / "out").exists()


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ROSTER = "id,name\ns1,Ann Lee\ns2,José Núñez\ns3,Zoë Brandt\n"


def _inline_key_template() -> str:
    """``key.html.j2`` as it was before a sheet's key moved into ``_key_sheet.html.j2``: the loop's body written
    out in place, as a teacher's ``--template-dir`` copy from then has it."""
    body = (TEMPLATES / "_key_sheet.html.j2").read_text(encoding="utf-8").split("-#}\n", 1)[1]
    body = body.replace("sheet-{{ page }}", "sheet-{{ loop.index }}").replace("range(pad)", "range(pads[loop.index0])")
    key = (TEMPLATES / "key.html.j2").read_text(encoding="utf-8")
    call = next(line for line in key.splitlines(keepends=True) if "sheet_part(" in line)
    assert call.endswith("{% endfor %}\n"), call
    return key.replace(call, body + "{% endfor %}\n")


def test_a_key_template_copied_before_the_split_gives_the_same_class_files(sh, tmp_path, monkeypatch):
    """A class's workers render each sheet's share of ``key.html`` ahead; a ``--template-dir`` whose
    ``key.html.j2`` still loops over the sheets itself is rendered by the run and gives the same bytes."""
    roster = tmp_path / "students.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "key.html.j2").write_text(_inline_key_template(), encoding="utf-8")
    monkeypatch.setenv("QUIZGEN_WORKERS", "2")
    keys = {}
    for name, extra in (("built-in", []), ("copy", ["--template-dir", str(mine)])):
        r = sh("worksheet", "--roster", str(roster), "--format", "html", *extra, "-o", str(tmp_path / name))
        assert r.exit_code == 0, r.stderr
        keys[name] = (tmp_path / name / "key.html").read_bytes()
    assert keys["copy"].count(b'<main class="sheet key"') == 3
    assert keys["copy"] == keys["built-in"]


def test_a_teachers_own_sheet_parts_are_the_ones_a_pooled_class_shows(sh, tmp_path, monkeypatch):
    """``_key_sheet.html.j2`` and ``_sheet.html.j2`` in ``--template-dir`` replace the built-in ones in the
    workers too, in the key and in ``all-sheets.html``."""
    roster = tmp_path / "students.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    for name, mark in (("_key_sheet.html.j2", "key of"), ("_sheet.html.j2", "sheet of")):
        built_in = (TEMPLATES / name).read_text(encoding="utf-8")
        (mine / name).write_text(f"<!-- {mark} {{{{ sheet.student }}}} -->\n" + built_in, encoding="utf-8")
    monkeypatch.setenv("QUIZGEN_WORKERS", "2")
    out = tmp_path / "out"
    r = sh("worksheet", "--roster", str(roster), "--format", "html", "--template-dir", str(mine), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    key = (out / "key.html").read_text(encoding="utf-8")
    every = (out / "all-sheets.html").read_text(encoding="utf-8")
    for student in ("Ann Lee", "José Núñez", "Zoë Brandt"):
        assert key.count(f"<!-- key of {student} -->") == 1, student
        assert every.count(f"<!-- sheet of {student} -->") == 1, student


@pytest.mark.parametrize(("fmt", "lang"), [("md", "en"), ("html", "en"), ("practice", "en"), ("md", "zh")])
def test_a_large_sheets_figures_drawn_meanwhile_are_the_same_bytes(sh, tmp_path, monkeypatch, fmt, lang):
    """One sheet of 48 problems or more has its figures drawn by another process while it is drawn
    (``quizgen.render.figures_ahead``); with ``QUIZGEN_WORKERS=1`` the run's own process draws them.  Same bytes."""
    args = [
        "--kind",
        "output-conv",
        "--kind",
        "receptive-field",
        "--problems",
        "60",
        "--format",
        fmt,
        "--seed",
        "3",
        "--lang",
        lang,
    ]
    made = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("QUIZGEN_WORKERS", workers)
        out = tmp_path / f"workers-{workers}"
        r = sh("worksheet", *args, "-o", str(out))
        assert r.exit_code == 0, r.stderr
        made[workers] = files_of(out)
    assert made["2"] == made["1"]
    figures = sum(
        text.count(b"<svg") if name.endswith(".html") else name.endswith(".svg") for name, text in made["1"].items()
    )
    # the sheet's and the key's figures (a practice page carries a few, which it shows as feedback): drawn, and the same
    assert figures >= (1 if fmt == "practice" else 30), (fmt, figures)
