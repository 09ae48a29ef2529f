"""Marks: a recipe section's ``marks:`` per problem, one per part by default, and the sheet's total."""

from __future__ import annotations

import pytest

RECIPE = """\
recipe: marked
title: "Marked"
sections:
  - kind: output-conv
    count: 2
    marks: {marks}
  - kind: params-conv
    count: 1
"""


def test_section_marks_apply_to_each_problem_and_default_is_one_per_part(run, tmp_path):
    from quizgen.problems.bank import load_recipe
    from quizgen.problems.sheet import build_sheet

    path = tmp_path / "r.yaml"
    path.write_text(RECIPE.format(marks="2.5"), encoding="utf-8")
    sheet = build_sheet(load_recipe(str(path)), 7)
    first, second, third = sheet.problems
    assert first.total_marks == second.total_marks == 2.5
    # params-conv asks the parameter count and nothing else, or more parts: one mark for each
    assert third.total_marks == len(third.parts)
    assert sheet.total_marks == 2.5 + 2.5 + len(third.parts)
    assert sum(first.part_marks) == 2.5


@pytest.mark.parametrize("bad", ["0", "-1", "1.005", "'two'", "true", "1001"])
def test_bad_marks_are_one_line_exit_2(run, tmp_path, bad):
    path = tmp_path / "r.yaml"
    path.write_text(RECIPE.format(marks=bad), encoding="utf-8")
    r = run("worksheet", str(path), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    line = r.stderr.strip()
    assert "\n" not in line and "sections[0]" in line and "'marks'" in line and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_marks_change_the_code(run, tmp_path):
    from quizgen.problems.bank import load_recipe
    from quizgen.problems.codes import make_code

    codes = set()
    for marks in ("1", "2"):
        path = tmp_path / f"r{marks}.yaml"
        path.write_text(RECIPE.format(marks=marks), encoding="utf-8")
        codes.add(make_code(load_recipe(str(path)), 1))
    assert len(codes) == 2
