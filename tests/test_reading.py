"""Answers read as a person means them (issue 21 F), in ``check`` and the drill alike.

Each reference value is worked out by hand here, never taken from the code under test.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

# conv2d in=224x224x3 out=128 k=3 s=2 p=1: floor((224 - 3 + 2·1)/2) + 1 = floor(223/2) + 1 = 112;
# params 3·3·3·128 + 128 = 3,456 + 128 = 3,584.
LAYER = "conv2d in=224x224x3 out=128 k=3 s=2 p=1"


@pytest.mark.parametrize(
    "claim",
    ["output=112,112,128", "output=112X112X128", "output=112 X 112 X 128", "params=3,584.0", "params=3 584.00"],
)
def test_check_reads_each_spelling_as_meant(run, claim):
    out = run("check", LAYER, "--claim", claim)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert "is correct" in out.stdout and "wrong" not in out.stdout


def test_check_still_reads_grouped_digits_as_one_count(run):
    # 112,112,128 claimed as MACs: 3·3·3·128·112·112 = 43,352,064, so the claim is a (wrong) count, not a shape
    out = run("check", LAYER, "--claim", "macs=112,112,128")
    assert out.exit_code == 1
    assert "43,352,064" in out.stdout


def _question(text: str) -> tuple[int, int, int]:
    """The right output shape of the drill's output-conv question, worked out from its spec line."""
    spec = re.search(r"conv2d in=(\d+)x(\d+)x\d+ out=(\d+) k=(\d+) s=(\d+) p=(\d+) d=1 g=1", text)
    assert spec, text
    h, w, out, k, s, p = map(int, spec.groups())
    return (h - k + 2 * p) // s + 1, (w - k + 2 * p) // s + 1, out


@pytest.mark.parametrize("spelling", ["{0},{1},{2}", "{0}X{1}X{2}", "({0}, {1}, {2})"])
def test_drill_reads_a_shape_with_commas_or_a_capital_x(tmp_path, spelling):
    args = [sys.executable, "-m", "quizgen", "drill", "--kind", "output-conv", "--difficulty", "2", "--count", "1"]
    first = subprocess.run(
        [*args, "--seed", "7", "--db", str(tmp_path / "a.db")], input="q\n", capture_output=True, text=True
    )
    shape = _question(first.stdout)
    done = subprocess.run(
        [*args, "--seed", "7", "--db", str(tmp_path / "b.db")],
        input=spelling.format(*shape) + "\n",
        capture_output=True,
        text=True,
    )
    assert "Right" in done.stdout, done.stdout
    assert "couldn't read" not in done.stdout
