"""No problem on a sheet gives another's answer away (issue 21 C), over a thousand sheets through the CLI.

An answer (a whole shape, or a count of 1,000 or more) of one problem must not be written in another problem's
text, layer line or flawed working on the same sheet. The answers are read from ``key.json``, what a student
reads from ``worksheet.json``; the numbers in it are found here with our own patterns.
"""

from __future__ import annotations

import json
import re

import pytest

from quizgen.problems import kinds

pytestmark = pytest.mark.slow

SHAPE = re.compile(r"\d+(?:\s*[x×]\s*\d+)+")
COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d{4,}")


def _written(problem: dict) -> set:
    """Shapes and counts of 1,000 or more in what the student reads of a problem."""
    texts = [problem["text"], problem["spec"], *(f["working"] for f in problem["flawed_solution"])]
    out: set = set()
    for text in texts:
        out |= {tuple(int(x) for x in re.findall(r"\d+", m)) for m in SHAPE.findall(text)}
        out |= {int(m.replace(",", "")) for m in COUNT.findall(SHAPE.sub(" ", text))}
    return out


def _asked(problem: dict) -> set:
    out: set = set()
    for part in problem["parts"]:
        a = part["answer"]
        if isinstance(a, list):
            out.add(tuple(a) if len(a) > 1 else a[0])
        elif isinstance(a, int):
            out.add(a)
    return {a for a in out if isinstance(a, tuple) or abs(a) >= 1000}


def test_no_answer_is_written_in_another_problem_on_its_sheet(run, tmp_path):
    lines = ["recipe: every-kind", "title: every kind", "sections:"]
    for kind_id in sorted(kinds.REGISTRY):
        for difficulty in (2, 3):
            lines += [f"  - kind: {kind_id}", f"    difficulty: {difficulty}"]
    recipe = tmp_path / "all.yaml"
    recipe.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "class"
    r = run("worksheet", str(recipe), "--variants", "120", "--format", "json", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    keys = json.loads((out / "key.json").read_text(encoding="utf-8"))["keys"]
    leaks = []
    answers = 0
    sheets = [json.loads(f.read_text(encoding="utf-8"))["worksheet"] for f in out.glob("worksheet-*.json")]
    by_code = {sheet["code"]: sheet for sheet in sheets}
    assert len(by_code) == len(keys) == 120
    for key in keys:
        sheet = by_code[key["code"]]
        written = {p["number"]: _written(p) for p in sheet["problems"]}  # what the student reads
        for p in key["problems"]:
            mine = _asked(p)
            answers += len(mine)
            for other, seen in written.items():
                if other != p["number"] and mine & seen:
                    leaks.append(f"{key['code']}: problem {p['number']}'s {mine & seen} in problem {other}")
    assert answers > 2000
    assert not leaks, f"{len(leaks)} answers given away, e.g.\n" + "\n".join(leaks[:10])


def test_a_thousand_default_sheets_give_no_answer_away(run, tmp_path):
    out = tmp_path / "class"
    r = run("worksheet", "--variants", "1000", "--format", "json", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    keys = json.loads((out / "key.json").read_text(encoding="utf-8"))["keys"]
    by_code = {}
    for f in out.glob("worksheet-*.json"):
        sheet = json.loads(f.read_text(encoding="utf-8"))["worksheet"]
        by_code[sheet["code"]] = {p["number"]: _written(p) for p in sheet["problems"]}
    assert len(by_code) == len(keys) == 1000
    leaks = [
        f"{key['code']}: problem {p['number']} in problem {other}"
        for key in keys
        for p in key["problems"]
        for other, seen in by_code[key["code"]].items()
        if other != p["number"] and _asked(p) & seen
    ]
    assert not leaks, f"{len(leaks)} answers given away, e.g.\n" + "\n".join(leaks[:10])
