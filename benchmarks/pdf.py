"""A class as PDF against the same class as HTML, measured in one run and printed (not asserted).

``python benchmarks/pdf.py``: ``quizgen worksheet --variants 30 --format pdf`` (30 sheets, the class key,
``all-sheets`` and the marking grid, printed through Chromium) against ``quizgen worksheet --variants 30
--format html`` (the same files as HTML), each a fresh process from start to exit, interleaved so that the
machine's load hits both alike.  Goal: the PDF class takes at most 10x the HTML one.

Needs Playwright (the 'pdf' extra) and a Chromium; says so and returns without them.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
GOAL = 10.0


def quizgen_cmd() -> list[str]:
    exe = shutil.which("quizgen", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "quizgen"]


def _run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*quizgen_cmd(), *args], check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def pdf_class(runs: int = 2, variants: int = 30) -> None:
    """Median wall time of the class as PDF and as HTML (``runs`` of each, interleaved), and their ratio."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        print("pdf class: skipped (Playwright is not installed: the 'pdf' extra)")
        return
    pdf_times, html_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        base = ["worksheet", "--variants", str(variants), "--force"]
        _run([*base, "--format", "html", "-o", str(Path(tmp) / "warm")])  # bytecode written, files cached
        for i in range(runs):
            html_times.append(_run([*base, "--format", "html", "-o", str(Path(tmp) / f"html{i}")]))
            pdf_times.append(_run([*base, "--format", "pdf", "-o", str(Path(tmp) / f"pdf{i}")]))
        made = sorted(p.name for p in (Path(tmp) / "pdf0").iterdir() if not p.name.startswith("worksheet-"))
        sheets = len(list((Path(tmp) / "pdf0").glob("worksheet-*.pdf")))
    p, h = statistics.median(pdf_times), statistics.median(html_times)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"pdf class: --variants {variants} ({sheets} sheets + {', '.join(made)}) as PDF median {p:.1f} s, "
        f"as HTML median {h:.2f} s (of {runs} each, interleaved; load average {load:.1f} on {os.cpu_count()} "
        f"CPUs): {p / h:.1f}x (goal <= {GOAL:.0f}x)"
    )


if __name__ == "__main__":
    pdf_class()
