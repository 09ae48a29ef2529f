"""quizgen against torchinfo on ResNet-50, measured and printed (not asserted): ``python benchmarks/torchinfo_vs.py``.

Two commands, each in a fresh process, interleaved, median time of 7 and the largest peak resident memory
(``ru_maxrss`` of the child, from ``os.wait4``):

- ``quizgen solve --network resnet50`` (the table a person reads);
- ``torchinfo.summary(model, (1, 3, 224, 224))`` on torchvision's ResNet-50 architecture built in plain
  torch (``tests/torch_nets.py``: ``import torchvision`` fails against the CPU torch pinned here), on the
  CPU, as a user runs it: import torch, build the model, summarise it.

Goals: quizgen at least 30× faster than torchinfo, in at most 1/20 of its memory.  Needs the ``torch``
extra (torch and torchinfo).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from onnx_read import measure  # noqa: E402
from run import quizgen_cmd  # noqa: E402

TESTS = Path(__file__).resolve().parent.parent / "tests"

TORCHINFO = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
import torchinfo
from torch_nets import BUILDERS
model = BUILDERS["resnet50"]().eval()
stats = torchinfo.summary(model, (1, 3, 224, 224), verbose=0)
print(stats.total_params, stats.total_mult_adds)
"""


def main(runs: int = 7) -> None:
    quizgen = [*quizgen_cmd(), "solve", "--network", "resnet50"]
    torchinfo = [sys.executable, "-c", TORCHINFO]
    for cmd in (quizgen, torchinfo):  # warm-up: bytecode written, files cached
        measure(cmd)
    q: list[tuple[float, float]] = []
    t: list[tuple[float, float]] = []
    for _ in range(runs):
        q.append(measure(quizgen))
        t.append(measure(torchinfo))
    qt, qm = statistics.median(x for x, _m in q), max(m for _x, m in q)
    tt, tm = statistics.median(x for x, _m in t), max(m for _x, m in t)
    print(
        f"torchinfo: resnet50: quizgen solve --network {qt * 1000:.0f} ms, peak {qm:.0f} MiB; "
        f"torchinfo.summary (import, build, summarise) {tt * 1000:.0f} ms, peak {tm:.0f} MiB "
        f"(median time, largest peak of {runs})\n"
        f"torchinfo: quizgen is {tt / qt:.1f}× faster (goal ≥ 30×) in 1/{tm / qm:.1f} of the memory (goal ≥ 1/20)"
    )


if __name__ == "__main__":
    main()
