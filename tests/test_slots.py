"""A class prints as a class: every sheet asks the same parts in the same places, for the same marks.

Each class is made through the CLI (``--variants N --format json``) and read back from its key and its
marking grid, as a teacher's tools would: for every problem number, the parts' quantities, whether
each is multiple choice, and their marks must be the same on every sheet, and so must the total.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from quizgen.problems.kinds import LISTED

CLASS = 8


def _recipe(tmp_path: Path, difficulty: int) -> Path:
    """A recipe with every kind at one difficulty, once numeric and once multiple choice."""
    lines = [f"recipe: every-kind-{difficulty}", "title: Every kind", "sections:"]
    for kind in LISTED:
        for form in ("numeric", "choice"):
            lines += [f"  - kind: {kind}", f"    difficulty: {difficulty}", f"    form: {form}"]
    lines += ["  - title: From the seed post", "    bank: seed-post", "    count: 3"]
    path = tmp_path / f"every-kind-{difficulty}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _layout(problem: dict) -> tuple:
    return tuple((part["quantity"], "choices" in part) for part in problem["parts"]), problem["marks"]


def _class(run, out: Path, *args: str) -> list[dict]:
    r = run("worksheet", *args, "--format", "json", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    return json.loads((out / "key.json").read_text(encoding="utf-8"))["keys"]


def _assert_one_shape(keys: list[dict], where: str) -> None:
    first = keys[0]
    assert len({k["total_marks"] for k in keys}) == 1, (where, sorted({k["total_marks"] for k in keys}))
    for number, problem in enumerate(first["problems"]):
        layouts = {_layout(k["problems"][number]) for k in keys}
        assert len(layouts) == 1, (where, number + 1, problem["kind"], layouts)


@pytest.mark.slow
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_every_kind_has_one_shape_across_many_classes(run, tmp_path, difficulty):
    recipe = _recipe(tmp_path, difficulty)
    for seed in (1, 2):
        keys = _class(
            run, tmp_path / f"d{difficulty}-s{seed}", str(recipe), "--variants", str(CLASS), "--seed", str(seed)
        )
        assert len(keys) == CLASS
        _assert_one_shape(keys, f"difficulty {difficulty}, seed {seed}")


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_default_recipe_has_one_total_and_one_meaning_per_grid_column(run, tmp_path, seed):
    """The issue's class: some sheets were out of 12 and others 13, and 7b meant comparisons or additions."""
    out = tmp_path / "class"
    keys = _class(run, out, "--variants", "30", "--seed", str(seed))
    _assert_one_shape(keys, f"seed {seed}")
    rows = list(csv.reader((out / "grid.csv").read_text(encoding="utf-8").splitlines()))
    assert all(cell != "" for row in rows[1:] for cell in row[3:-2]), "a sheet lacks a part its column asks"
    assert len({row[-1] for row in rows[1:]}) == 1  # one "out of" for the class


def test_a_pooling_slot_asks_the_same_counts_on_every_sheet(run, tmp_path):
    """Max pooling asks comparisons, average pooling additions and divisions: one slot asks one of them."""
    keys = _class(run, tmp_path / "pool", "--kind", "pool-ops", "--problems", "6", "--variants", "20")
    for number in range(6):
        asked = {tuple(p["quantity"] for p in k["problems"][number]["parts"]) for k in keys}
        assert len(asked) == 1, (number + 1, asked)
    # the slots still cover both kinds of pooling across the sheet
    quantities = {q for p in keys[0]["problems"] for q in (part["quantity"] for part in p["parts"])}
    assert {"comparisons", "additions"} <= quantities


def test_a_sheet_made_again_from_its_code_has_its_class_shape(run, tmp_path):
    keys = _class(run, tmp_path / "class", "--variants", "5", "--seed", "4")
    again = _class(run, tmp_path / "again", "--code", keys[3]["code"])
    assert again == [keys[3]]
