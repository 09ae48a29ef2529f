"""Reading an ONNX model: ``quizgen solve --network resnet50.onnx``, timed and its peak memory measured.

Run ``python benchmarks/onnx_read.py`` (needs the ``torch`` and ``onnx`` extras).  It exports a full-size ResNet-50
(224x224x3, about 100 MB, written in plain torch in ``tests/onnx_models.py``) with the dynamo exporter into a
temporary folder, then runs the CLI on it as a separate process, several times, and prints the median wall time
and the peak resident memory of that process (goal: under 1.5 s and under 300 MiB), beside ``onnx.load`` of the
same file for scale.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def export_resnet50(folder: Path) -> Path:
    import torch

    sys.path.insert(0, str(ROOT / "tests"))
    import onnx_models

    path = folder / "resnet50.onnx"
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            onnx_models.resnet50().eval(),
            (torch.randn(1, 3, 224, 224),),
            str(path),
            dynamo=True,
            verbose=False,
            external_data=False,  # one file of about 100 MB, the weights inside
        )
    return path


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MiB) of one run of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=ENV)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status:
        raise SystemExit(f"{' '.join(cmd)} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def main(runs: int = 5) -> None:
    # The export runs in a process of its own: a child forked from a process holding torch would report
    # that process's memory as its own peak.
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, __file__, "--export", tmp], check=True, env=ENV, stdout=subprocess.DEVNULL)
        path = Path(tmp) / "resnet50.onnx"
        size = path.stat().st_size / 2**20
        quizgen = [sys.executable, "-m", "quizgen", "solve", "--network", str(path), "--json"]
        load = [sys.executable, "-c", f"import onnx; onnx.load({str(path)!r})"]
        out = subprocess.run(quizgen, capture_output=True, text=True, env=ENV, check=True).stdout  # warm-up
        total = json.loads(out)["total"]
        q = [measure(quizgen) for _ in range(runs)]
        o = [measure(load) for _ in range(runs)]
    qt, qm = statistics.median(t for t, _m in q), max(m for _t, m in q)
    ot, om = statistics.median(t for t, _m in o), max(m for _t, m in o)
    print(
        f"onnx: resnet50.onnx ({size:.0f} MB): quizgen solve --network {qt:.2f} s (goal < 1.5 s), "
        f"peak {qm:.0f} MiB (goal < 300 MiB), medians/max of {runs}; "
        f"for scale, python -c 'onnx.load(...)' alone {ot:.2f} s, {om:.0f} MiB\n"
        f"onnx: resnet50.onnx read as {total['macs']:,} MACs (torchvision publishes 4.089 GMACs) and "
        f"{total['params']['total']:,} stored parameters (25,557,032 in PyTorch, BatchNorm folded by the exporter)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--export"]:
        export_resnet50(Path(sys.argv[2]))
    else:
        main()
