"""quizgen's speed targets, measured and printed (not asserted): run ``python benchmarks/run.py``.

1. Start-up: ``quizgen --help`` against ``python -c "import click"`` in the same run (goal: at most 1.15×),
   and ``quizgen draw`` on a small layer against ``quizgen --help`` (goal: at most 1.3×).
2. Throughput: ``quizgen solve --json -`` over 10,000 distinct specs (goal: under 2 s on 2 cores).
3. Worksheets: 30 variants of a 20-problem HTML sheet with keys and figures (goal: under 3 s), and one
   1,000-problem Markdown sheet (goal: at most 1x the 10,000-line solve of item 2, in the same run).
4. A class: the default recipe for ``--variants 30`` as HTML, with every sheet, the key, ``all-sheets.html``
   and the marking grid (goal: under 3 s); and for a 1,000-student ``--roster`` (goal: at most 12x the class
   of 30, in the same run).
5. Drill: from start to the first question, for a first-ever start (no progress file yet) and for a returning
   student (goal: under 1.2× ``python -c "import click"``), and from an answer to its feedback.
6. Practice page (``benchmarks/practice.py``): the size of a 20-problem page (goal: at most 300 KB), navigation
   start to ``quizgen-ready`` in headless Chromium (goal: at most 200 ms, median of 10 fresh loads), and from
   Check to the feedback.
7. A class as PDF (``benchmarks/pdf.py``): ``--variants 30 --format pdf`` (sheets, key, all-sheets, grid)
   against the same class as HTML, in one run (goal: at most 10x).
8. Graph networks (``benchmarks/networks.py``): ``solve --network resnet50`` against ``quizgen --help`` (goal:
   at most 1.3×); and (``benchmarks/torchinfo_vs.py``, the ``torch`` extra) against torchinfo's summary of the
   same model (goal: at least 30× faster, in at most 1/20 of its peak memory).
9. Scale (``benchmarks/scale.py``): items 3 and 4's goals as ratios timed interleaved in one run (this
   machine's absolute speed varies by 2x from day to day), and a 1,000-student roster's practice pages against
   its HTML files (goal: at most 2x).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Installed packages carry bytecode; a checkout under PYTHONDONTWRITEBYTECODE would recompile every module on
# every start and measure the compiler, not quizgen.  So the measured processes may write bytecode, and a
# warm-up run comes first.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(cmd: list[str], stdin_path: Path | None = None) -> float:
    stdin = stdin_path.open("rb") if stdin_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, check=False, env=ENV)
        return time.perf_counter() - start
    finally:
        if stdin_path:
            stdin.close()  # type: ignore[union-attr]


def quizgen_cmd() -> list[str]:
    exe = shutil.which("quizgen", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "quizgen"]


def startup(runs: int = 21) -> None:
    help_times, click_times, draw_times = [], [], []
    draw = [*quizgen_cmd(), "draw", "conv2d in=5x5x1 out=1 k=3 s=2 p=1"]
    for _ in range(runs):  # interleaved, so that machine noise hits all alike
        help_times.append(_time([*quizgen_cmd(), "--help"]))
        click_times.append(_time([sys.executable, "-c", "import click"]))
        draw_times.append(_time(draw))
    h, c, d = statistics.median(help_times), statistics.median(click_times), statistics.median(draw_times)
    print(
        f"startup: quizgen --help {h * 1000:.1f} ms, python -c 'import click' {c * 1000:.1f} ms "
        f"(medians of {runs}); ratio {h / c:.2f}x (goal <= 1.15x)\n"
        f"draw: quizgen draw on a 5x5 layer {d * 1000:.1f} ms, {d / h:.2f}x quizgen --help (goal <= 1.3x)"
    )


def specs(n: int = 10_000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    kinds = [
        "conv2d in={n}x{n}x{c} out={o} k={k} s={s} p={p}",
        "maxpool2d in={n}x{n}x{c} k={k} s={s}",
        "linear in={c}{n} out={o}",
        "conv2d in={n}x{n}x{c} out={c} k={k} p=same g={c}",
        "convtranspose2d in={n}x{n}x{c} out={o} k={k} s={s} p={p}",
        "avgpool2d in={n}x{n}x{c} k={k} ceil=true",
        "conv1d in={n}x{c} out={o} k={k} d=2",
        "batchnorm2d in={n}x{n}x{c}",
        "adaptiveavgpool2d in={n}x{n}x{c} size=3",
    ]
    seen: set[str] = set()
    while len(seen) < n:
        seen.add(
            rng.choice(kinds).format(
                n=rng.randint(16, 240),
                c=rng.choice([3, 16, 32, 64, 96, 128, 256]),
                o=rng.choice([16, 32, 64, 128, 256, 512]),
                k=rng.choice([1, 3, 5, 7]),
                s=rng.choice([1, 2]),
                p=rng.choice([0, 1, 2]),
            )
        )
    return sorted(seen)


def throughput(runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "specs.txt"
        path.write_text("\n".join(specs()) + "\n")
        times = [_time([*quizgen_cmd(), "solve", "--json", "-"], path) for _ in range(runs)]
    print(
        f"throughput: quizgen solve --json - over 10,000 distinct lines: median {statistics.median(times):.2f} s, "
        f"best {min(times):.2f} s of {runs} (goal < 2 s)"
    )


RECIPE_20 = """recipe: bench20
sections:
""" + "".join(
    f"  - kind: {kind}\n    count: 2\n    difficulty: 2\n" + ("    form: choice\n" if i % 2 else "")
    for i, kind in enumerate(
        [
            "output-conv",
            "output-pool",
            "params-conv",
            "params-separable",
            "macs-conv",
            "pool-ops",
            "inverse-stride",
            "network-trace",
            "receptive-field",
            "spot-error",
        ]
    )
)
RECIPE_1000 = """recipe: bench1000
sections:
""" + "".join(
    f"  - kind: {kind}\n    count: 125\n    difficulty: {d}\n"
    for kind, d in [
        ("output-conv", 2),
        ("output-pool", 3),
        ("params-conv", 2),
        ("macs-conv", 3),
        ("pool-ops", 2),
        ("memory", 2),
        ("spot-error", 2),
        ("receptive-field", 3),
    ]
)


def worksheets(runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        r20, r1000 = Path(tmp) / "r20.yaml", Path(tmp) / "r1000.yaml"
        r20.write_text(RECIPE_20)
        r1000.write_text(RECIPE_1000)
        html = [
            _time(
                [
                    *quizgen_cmd(),
                    "worksheet",
                    str(r20),
                    "--variants",
                    "30",
                    "--format",
                    "html",
                    "--force",
                    "-o",
                    str(Path(tmp) / "html"),
                ]
            )
            for _ in range(runs)
        ]
        md = [
            _time([*quizgen_cmd(), "worksheet", str(r1000), "--format", "md", "--force", "-o", str(Path(tmp) / "md")])
            for _ in range(runs)
        ]
        sheets = len(list((Path(tmp) / "html").glob("worksheet-*.html")))
        problems = (Path(tmp) / "md" / "worksheet.md").read_text().count("### Problem")
    print(
        f"worksheets: {sheets} variants of a 20-problem HTML sheet with keys: median {statistics.median(html):.2f} s "
        f"(goal < 3 s); one {problems:,}-problem Markdown sheet: median {statistics.median(md):.2f} s (goal: at most 1x "
        "the 10,000-line solve; benchmarks/scale.py times the ratio)"
    )


def classes(runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "roster.csv"
        roster.write_text("id,name\n" + "".join(f"s{i:04d},Student {i:04d}\n" for i in range(1, 1001)))
        base = [*quizgen_cmd(), "worksheet", "--format", "html", "--force"]
        thirty = [_time([*base, "--variants", "30", "-o", str(Path(tmp) / "thirty")]) for _ in range(runs)]
        big = [_time([*base, "--roster", str(roster), "-o", str(Path(tmp) / "roster")]) for _ in range(runs)]
        files = sorted(p.name for p in (Path(tmp) / "thirty").iterdir() if not p.name.startswith("worksheet-"))
        sheets = len(list((Path(tmp) / "roster").glob("worksheet-*.html")))
    print(
        f"class: --variants 30 (HTML: 30 sheets + {', '.join(files)}): median {statistics.median(thirty):.2f} s "
        f"(goal < 3 s); a {sheets:,}-student --roster, the same files: median {statistics.median(big):.2f} s "
        f"= {statistics.median(big) / statistics.median(thirty):.1f}x (goal <= 12x)"
    )


def _read_until(stream, marker: bytes) -> bytes:  # type: ignore[no-untyped-def]
    seen = b""
    while marker not in seen:
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            raise RuntimeError(f"drill ended before {marker!r}: {seen[-300:]!r}")
        seen += chunk
    return seen


def _first_question(args: list[str], db: Path) -> tuple[float, subprocess.Popen]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*quizgen_cmd(), "drill", *args, "--db", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**ENV, "NO_COLOR": "1"},
    )
    _read_until(proc.stdout, b"? ")
    return time.perf_counter() - start, proc


def drill(runs: int = 30) -> None:
    """Start to first question, for a first-ever start (no progress file) and a returning student, against
    ``python -c "import click"`` timed in between; then answer to feedback."""
    cases = {
        "quizgen drill (first start)": ([], True),
        "quizgen drill (returning)": ([], False),
        "quizgen drill --kind params-conv (first start)": (["--kind", "params-conv"], True),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    clicks, feedback = [], []
    with tempfile.TemporaryDirectory() as tmp:
        returning = Path(tmp) / "returning.sqlite3"
        _, proc = _first_question(["--count", "1", "--seed", "0"], returning)
        proc.communicate(b"s\n", timeout=30)  # one skipped question: the file exists from now on
        for i in range(runs):
            for name, (args, fresh) in cases.items():
                db = Path(tmp) / f"{i}-{args[-1] if args else 'all'}.sqlite3" if fresh else returning
                elapsed, proc = _first_question([*args, "--count", "3", "--seed", str(i)], db)
                times[name].append(elapsed)
                if "params-conv" in args:  # a number question: a wrong number gets feedback
                    for _ in range(2):
                        start = time.perf_counter()
                        proc.stdin.write(b"12345\n")  # type: ignore[union-attr]
                        proc.stdin.flush()  # type: ignore[union-attr]
                        _read_until(proc.stdout, b"\xe2\x9c\x97")  # the feedback mark
                        feedback.append(time.perf_counter() - start)
                proc.stdin.write(b"q\n")  # type: ignore[union-attr]
                proc.communicate(timeout=30)
                clicks.append(_time([sys.executable, "-c", "import click"]))
    c, c_min = statistics.median(clicks), min(clicks)
    print(
        f"drill: start to first question, against python -c 'import click' {c * 1000:.1f} ms "
        f"(median of {len(clicks)}; best {c_min * 1000:.1f} ms); goal < 1.2x"
    )
    for name, ts in times.items():
        m, best = statistics.median(ts), min(ts)
        print(f"  {name}: median {m * 1000:.1f} ms = {m / c:.2f}x; best {best * 1000:.1f} ms = {best / c_min:.2f}x")
    print(f"drill: answer to feedback median {statistics.median(feedback) * 1000:.1f} ms (of {len(feedback)})")


if __name__ == "__main__":
    _time([*quizgen_cmd(), "kinds"])  # warm-up: writes bytecode for every module
    startup()
    throughput()
    worksheets()
    classes()
    drill()
    from practice import practice  # beside this file: python puts the script's folder on sys.path

    practice()
    from pdf import pdf_class

    pdf_class()
    from networks import solve_network

    solve_network()
    from torchinfo_vs import main as torchinfo_vs

    torchinfo_vs()
    from scale import scale

    scale()
