"""Sentences a student reads are true for the layer at hand: cases a new user met, through the CLI."""

from __future__ import annotations

import json
import random

from quizgen.problems import kinds


def _key(run, tmp_path, entries: str, *options: str) -> list[dict]:
    bank = tmp_path / "b.yaml"
    bank.write_text("bank: b\ntitle: B\nproblems:\n" + entries)
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"recipe: r\nsections:\n  - bank: {bank}\n")
    result = run("worksheet", str(recipe), *options, "--format", "json", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    return json.loads((tmp_path / "out" / "key.json").read_text())["keys"][0]["problems"]


def test_precedence_without_padding_says_the_stride_was_never_applied(run):
    # maxpool 55 → 27, k=3 s=2 p=0: W - K + 2P/S + 1 = 55 - 3 + 0 + 1 = 53 → 96 × 53 × 53 = 269,664 windows
    out = run("check", "maxpool2d in=55x55x96 k=3 s=2", "--claim", "windows=269664").stdout
    assert "with no padding that leaves W - K + 1: the stride was never applied" in out
    assert "only 2P was divided" not in out
    # with padding, the sentence about 2P is the true one: 27 - 3 + 2/2 + 1 = 26 → 96 × 26 × 26 = 64,896
    out = run("check", "maxpool2d in=27x27x96 k=3 s=2 p=1", "--claim", "windows=64896").stdout
    assert "only 2P was divided by the stride" in out


def test_the_window_fraction_note_says_which_side_it_divides(run):
    out = run("solve", "maxpool2d in=55x55x96 k=3 s=2").stdout
    assert "the input side 55/2 = 27.5" in out and "the output side 27/2 = 13.5" in out


def test_a_correct_rounding_written_in_full_is_told_how_to_round(run, tmp_path):
    # 34,944 parameters: 34,900 is the 3-figure rounding, written in full, so exact and wrong; 3.49e4 is right
    out = run("check", "conv2d in=227x227x3 out=96 k=11 s=4", "--claim", "params=34,900").stdout
    assert "34,900 is written out in full, so it is judged as exact" in out and "write it as 3.49e4" in out
    out = run("check", "conv2d in=227x227x3 out=96 k=11 s=4", "--claim", "params=35,000").stdout
    assert "written out in full" not in out  # 2 figures: no rounding the rule accepts
    args = ["--kind", "params-conv", "--difficulty", "1", "--count", "1", "--seed", "3", "--db"]
    first = run("drill", *args, str(tmp_path / "a.sqlite3"), input="s\n").stdout
    answer = int(first.split("The answer is ")[1].split(".")[0].replace(",", ""))
    figures = len(str(answer))
    rounded = round(answer, 3 - figures)  # 3 significant figures, written out in full
    if rounded != answer:
        out = run("drill", *args, str(tmp_path / "b.sqlite3"), input=f"{rounded}\nq\n").stdout
        assert "is written out in full, so it is judged as exact" in out


def test_a_shape_for_a_count_is_asked_again_at_no_cost(run, tmp_path):
    db = tmp_path / "p.sqlite3"
    out = run(
        "drill",
        "--kind",
        "params-conv",
        "--difficulty",
        "1",
        "--count",
        "1",
        "--seed",
        "2",
        "--db",
        str(db),
        input="62x62\nq\n",
    ).stdout
    assert "This part asks for one number, not a shape; it costs nothing." in out
    assert "Answers given: 0" in out


def test_compute_steps_derive_the_weights_they_multiply(run, tmp_path):
    (p,) = _key(run, tmp_path, "  - id: m\n    spec: conv2d in=56x56x64 out=128 k=3 p=1\n    ask: [macs]\n")
    titles = [s["title"] for s in p["steps"]]
    weights = titles.index("Weights")
    macs = titles.index("MACs")
    assert weights < macs and p["steps"][weights]["result"] == "73,728"  # 3·3·64·128
    assert p["steps"][macs]["substituted"].startswith("73,728 × 56 × 56")


def test_receptive_field_text_and_steps_fit_the_stack():
    """Dilation is explained only for a stack that has it; the first step starts from r = 1, j = 1 (no 'Start' step)."""
    seen = {False: 0, True: 0}
    for seed in range(90):
        problem = kinds.get("receptive-field").sample(random.Random(seed), 1 + seed % 3, "macs")
        dilated = any(
            int(word[2:]) > 1 for line in problem.spec.splitlines() for word in line.split() if word.startswith("d=")
        )
        seen[dilated] += 1
        assert ("Dilation" in problem.text) == dilated, problem.text
        assert problem.steps[0].substituted.startswith("r = 1 + "), problem.steps[0]
        assert not any(s.title == "Start" for s in problem.steps)
    assert seen[True] and seen[False]


def test_the_spot_error_key_sentence_names_the_step_it_fixes(run, tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: se\nsections:\n  - kind: spot-error\n    count: 3\n    difficulty: 2\n")
    out = tmp_path / "out"
    assert run("worksheet", str(recipe), "--variants", "4", "--format", "json", "-o", str(out)).exit_code == 0
    for sheet in json.loads((out / "key.json").read_text())["keys"]:
        for problem in sheet["problems"]:
            wrong = problem["parts"][0]["answer"]
            error = problem["steps"][-1]["title"]
            assert error.startswith(f"The error is step {wrong}: ") and error.endswith(f"Step {wrong} done right")
