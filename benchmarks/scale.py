"""Speed at class and school scale, as ratios within one run (printed, not asserted): ``python benchmarks/scale.py``.

This machine's absolute speed varies by 2x from day to day, so each figure is a ratio of two commands timed in
the same run, interleaved (each a fresh process from start to exit) so that the machine's load hits both alike:

1. One 1,000-problem Markdown sheet (``benchmarks/run.py``'s ``RECIPE_1000``) against ``quizgen solve --json -``
   over 10,000 distinct specs (goal: at most 1x).
2. A 1,000-student ``--roster`` as HTML (every sheet, the key, ``all-sheets.html`` and the marking grid) against
   the default recipe's ``--variants 30`` as HTML (goal: at most 12x).
3. The same 1,000-student roster's practice pages (``--format practice``: a page per student and the index)
   against its HTML files of item 2 (goal: at most 2x).

``python benchmarks/scale.py sheet``, ``... class`` or ``... practice`` runs one item alone.

Item 1 writes 1,627 files.  On these machines' disk (ext4 mounted with ``discard``), creating that many files
costs from 0.1 s to 2 s of kernel time, depending on the folder and on how many files were deleted there lately
(a bare loop of ``os.open``/``os.write`` measured both, minutes apart); ``TMPDIR=/dev/shm`` (a tmpfs) measures the
same runs without it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import ENV, RECIPE_1000, quizgen_cmd, specs  # noqa: E402

GOALS = {"sheet": 1.0, "class": 12.0, "practice": 2.0}


def _run(args: list[str], stdin: Path | None = None) -> float:
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as source:
        start = time.perf_counter()
        subprocess.run([*quizgen_cmd(), *args], stdin=source, stdout=subprocess.DEVNULL, check=True, env=ENV)
        return time.perf_counter() - start


def _ratio(
    name: str, runs: int, first: tuple[str, Callable[[], float]], second: tuple[str, Callable[[], float]]
) -> None:
    """Time ``first`` and ``second`` ``runs`` times each, interleaved; print both medians and their ratio."""
    a_times, b_times = [], []
    for _ in range(runs):
        a_times.append(first[1]())
        b_times.append(second[1]())
    a, b = statistics.median(a_times), statistics.median(b_times)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{name}: {first[0]} median {a:.2f} s, {second[0]} median {b:.2f} s (of {runs} each, interleaved; load "
        f"average {load:.1f} on {os.cpu_count()} CPUs): {a / b:.2f}x (goal <= {GOALS[name]:g}x)",
        flush=True,
    )


def _roster(tmp: Path, students: int = 1000) -> Path:
    roster = tmp / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"s{i:04d},Student {i:04d}\n" for i in range(1, students + 1)))
    return roster


def sheet(runs: int = 3) -> None:
    """Item 1: the 1,000-problem Markdown sheet against 10,000 solve lines."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "r1000.yaml").write_text(RECIPE_1000)
        (tmp / "specs.txt").write_text("\n".join(specs()) + "\n")
        md = ["worksheet", str(tmp / "r1000.yaml"), "--format", "md", "--force", "-o", str(tmp / "md")]
        _ratio(
            "sheet",
            runs,
            ("one 1,000-problem Markdown sheet", lambda: _run(md)),
            ("solve --json - over 10,000 lines", lambda: _run(["solve", "--json", "-"], tmp / "specs.txt")),
        )


def classes(runs: int = 2) -> None:
    """Item 2: a 1,000-student roster as HTML against a class of 30."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = ["worksheet", "--format", "html", "--force"]
        roster = [*base, "--roster", str(_roster(tmp)), "-o", str(tmp / "roster")]
        thirty = [*base, "--variants", "30", "-o", str(tmp / "thirty")]
        _ratio(
            "class",
            runs,
            ("a 1,000-student --roster as HTML", lambda: _run(roster)),
            ("--variants 30 as HTML", lambda: _run(thirty)),
        )


def practice(runs: int = 2) -> None:
    """Item 3: a 1,000-student roster's practice pages against its HTML files."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = ["worksheet", "--roster", str(_roster(tmp)), "--force"]
        _ratio(
            "practice",
            runs,
            ("its practice pages", lambda: _run([*base, "--format", "practice", "-o", str(tmp / "practice")])),
            ("a 1,000-student --roster as HTML", lambda: _run([*base, "--format", "html", "-o", str(tmp / "html")])),
        )


def scale() -> None:
    """All three items."""
    sheet()
    classes()
    practice()


if __name__ == "__main__":
    _run(["kinds"])  # warm-up: writes bytecode for every module
    chosen = sys.argv[1:] or ["sheet", "class", "practice"]
    for item in chosen:
        {"sheet": sheet, "class": classes, "practice": practice}[item]()
