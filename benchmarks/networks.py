"""Graph networks' speed target, measured and printed (not asserted): run ``python benchmarks/networks.py``.

``quizgen solve --network resnet50`` (the table, and ``--json``) against ``quizgen --help`` in the same run,
interleaved, median of 21 (goal: the table within 1.3× of ``--help``).  Without a built-in ``resnet50`` the
test suite's ResNet-50 file (``tests/networks/resnet50.txt``, the same graph: 25,557,032 parameters) stands in.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import _time, quizgen_cmd  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def resnet50() -> str:
    """The built-in ``resnet50``, or the test suite's file of the same graph."""
    from quizgen.arith.network import builtin_names

    return "resnet50" if "resnet50" in builtin_names() else str(ROOT / "tests" / "networks" / "resnet50.txt")


def solve_network(runs: int = 21) -> None:
    net = resnet50()
    commands = {
        "help": [*quizgen_cmd(), "--help"],
        "table": [*quizgen_cmd(), "solve", "--network", net],
        "json": [*quizgen_cmd(), "solve", "--network", net, "--json"],
    }
    for cmd in commands.values():  # warm-up: bytecode written, files cached
        _time(cmd)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for key, cmd in commands.items():
            times[key].append(_time(cmd))
    h, t, j = (statistics.median(times[k]) for k in ("help", "table", "json"))
    print(
        f"solve --network {Path(net).name}: table {t * 1000:.1f} ms, --json {j * 1000:.1f} ms, "
        f"quizgen --help {h * 1000:.1f} ms: table {t / h:.2f}× --help (goal ≤ 1.3×), --json {j / h:.2f}×"
    )


if __name__ == "__main__":
    solve_network()
