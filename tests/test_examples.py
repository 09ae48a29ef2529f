"""Examples of how to write an answer never give one away (issue 21 B and 9).

The practice page's "how to answer" line, its "I couldn't read that" and "give the whole shape" sentences, and
the drill's, draw their examples from a real layer that is not on the sheet. The answers come from the key that
``--format json`` writes for the same options, never from the code under test.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys

import pytest

from quizgen.explain.answers import RIGHT, judge
from quizgen.explain.spellings import LAYERS, Examples


def _answers(key: dict) -> tuple[set[int], set[tuple[int, ...]]]:
    counts: set[int] = set()
    shapes: set[tuple[int, ...]] = set()
    for problem in key["problems"]:
        for part in problem["parts"]:
            a = part["answer"]
            if isinstance(a, list):
                shapes.add(tuple(a))
            elif isinstance(a, int):
                counts.add(a)
    return counts, shapes


def _numbers(text: str) -> set[int]:
    return {int(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\d|\d", text)}


@pytest.mark.parametrize("kind", ["network-trace", "params-conv", "output-conv", "macs-conv"])
def test_the_practice_pages_examples_are_no_answer_on_its_sheet(run, tmp_path, kind):
    caught = 0
    for seed in range(25):
        args = ["--kind", kind, "--problems", "2", "--difficulty", "2", "--seed", str(seed)]
        assert run("worksheet", *args, "--format", "practice", "-o", str(tmp_path / f"p{seed}")).exit_code == 0
        assert run("worksheet", *args, "--format", "json", "-o", str(tmp_path / f"j{seed}")).exit_code == 0
        page = (tmp_path / f"p{seed}" / "practice.html").read_text(encoding="utf-8")
        key = json.loads((tmp_path / f"j{seed}" / "key.json").read_text(encoding="utf-8"))["keys"][0]
        counts, shapes = _answers(key)
        how = html.unescape(re.search(r'class="how">([^<]*)', page).group(1))
        shown_shapes = {tuple(map(int, s.split("x"))) for s in re.findall(r"\d+(?:x\d+)+", how)}
        data = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S).group(1))
        shown_shapes |= {tuple(map(int, s.split("x"))) for s in data["shapes"].values()}
        for sentence in (data["text"]["unreadable_number"], data["text"]["unreadable_shape"]):
            shown_shapes |= {tuple(map(int, s.split("x"))) for s in re.findall(r"\d+(?:x\d+)+", sentence)}
        shown_counts = _numbers(re.sub(r"\d+(?:x\d+)+", "", how + data["text"]["unreadable_number"]))
        assert not shown_shapes & shapes, (seed, how)
        assert not {c for c in shown_counts if c >= 1000} & counts, (seed, how)
        caught += (34944 in counts) or ((55, 55, 96) in shapes)
    if kind == "network-trace":
        assert caught, "no sheet had AlexNet's first layer as an answer: the test proves nothing"


@pytest.mark.parametrize(("count", "shape"), LAYERS)
def test_every_spelling_shown_is_right_for_its_count_by_the_one_rule(count, shape):
    ex = Examples(count, shape)
    for text in (ex.exact, ex.grouped, ex.full_sci, ex.suffix, ex.sci):
        assert judge(text, count) in RIGHT, text
    assert judge(ex.shape_text, shape) == "exact"


def test_the_drills_whole_shape_example_is_not_the_answer(tmp_path):
    """Seeds 8, 55 and 85 ask for 28x28x64, the example the drill once gave to every question."""
    args = [sys.executable, "-m", "quizgen", "drill", "--kind", "output-pool", "--count", "1", "--difficulty", "1"]
    answers = []
    for seed in (8, 55, 85, 1, 2):
        db = str(tmp_path / f"{seed}.db")
        said = subprocess.run(
            [*args, "--seed", str(seed), "--db", db], input="7x7\nq\n", capture_output=True, text=True
        )
        spec = re.search(r"pool2d in=(\d+)x(\d+)x(\d+) k=(\d+) s=(\d+) p=(\d+)", said.stdout)
        h, w, c, k, s, p = map(int, spec.groups())
        answer = f"{(h - k + 2 * p) // s + 1}x{(w - k + 2 * p) // s + 1}x{c}"
        example = re.search(r"e\.g\. (\S+)\.", said.stdout).group(1)
        assert example != answer, (seed, answer)
        assert example.count("x") == 2
        answers.append(answer)
    assert "28x28x64" in answers  # the case that once gave the answer away is among them
