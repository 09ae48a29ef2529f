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
