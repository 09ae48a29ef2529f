"""``quizgen mark`` without ``--key``, measured: run ``python benchmarks/mark_keyless.py [PAGES]`` (default 120).

Two classes are printed with ``--answer-sheet --format pdf`` (Chromium): 20 named students on A4 (no ID grid)
and 20 unnamed sheets on Letter (an ID grid each).  Their answer pages are filled and scanned by
``tests/scanfake.py`` at 150, 200 and 300 dpi in turn, then read twice: with the class's ``answer-sheets.json``
(``--key``) and with each page's layout rebuilt from its sheet code (:mod:`quizgen.mark.rebuild`).  Printed:

- pages whose rebuilt layout is the printed one (paper and ID grid told by the page; target: all), and pages
  sent to review instead (a wrong layout is never taken);
- bubbles read alike with the key and without it (target: all);
- pages a minute, each way (the rebuilding's cost: one sheet drawn a code, and the outlines checked a page).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import scanfake  # noqa: E402

from quizgen.mark import run as R  # noqa: E402
from quizgen.mark.rebuild import Rebuilder  # noqa: E402

CLASS = 20


def _print(out: Path, *args: str) -> list[dict]:
    subprocess.run(
        [sys.executable, "-m", "quizgen", "worksheet", *args, "--answer-sheet", "--format", "pdf", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    return json.loads((out / "answer-sheets.json").read_text())["pages"]


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    tmp = Path(tempfile.mkdtemp(prefix="quizgen-mark-keyless-"))
    roster = tmp / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"{1000 + i},Student {i:03d}\n" for i in range(CLASS)), encoding="utf-8")
    layouts = _print(tmp / "named", "--roster", str(roster), "--seed", "4")
    layouts += _print(tmp / "unnamed", "--variants", str(CLASS), "--seed", "5", "--paper", "letter")
    printed = scanfake.rasterise(str(tmp / "named" / "answer-sheets.pdf"))
    printed += scanfake.rasterise(str(tmp / "unnamed" / "answer-sheets.pdf"))
    by_key = {(p["code"], p["page"]): p for p in layouts}
    rng = random.Random(2026)
    scans = []
    for n in range(wanted):
        k = (n * 7) % len(layouts)  # both classes, in a mixed order
        layout = layouts[k]
        cols: dict[tuple[str, int, str], list[str]] = {}
        for b in layout["bubbles"]:
            if b["column"] != "override":
                cols.setdefault((b["part"], b["dim"], b["column"]), []).append(b["value"])
        answers = {key: rng.choice(vs) for key, vs in cols.items()}
        filled = scanfake.fill_page(printed[k], layout, answers, rng, strays=rng.randint(0, 2))
        scans.append(scanfake.scanner(filled, rng, dpi=(150, 200, 300)[n % 3]))
    pdf = tmp / "scans.pdf"
    scanfake.to_pdf(scans, str(pdf))
    t0 = time.perf_counter()
    with_key = R.read_scans([str(pdf)], by_key)
    t_key = time.perf_counter() - t0
    rebuild = Rebuilder(None, str(roster), 4)
    t0 = time.perf_counter()
    without = R.read_scans([str(pdf)], rebuild.layouts, rebuild)
    t_rebuilt = time.perf_counter() - t0
    right = review = alike = unread = 0
    for a, b in zip(with_key, without):
        if a["problem"]:  # not read even with the key (a QR code the scan spoilt): not this measure's
            unread += 1
            print(f"{a['source']}: {a['problem']}; without --key: {b['problem'] or 'read'}")
            continue
        truth = by_key[(a["code"], a["page"])]
        got = rebuild.layouts.get((b["code"], b["page"]))
        if b["problem"]:
            review += 1
        elif got is not None and got["bubbles"] == truth["bubbles"] and got["markers"] == truth["markers"]:
            right += 1
        alike += a["bubbles"] == b["bubbles"]
    n = len(scans) - unread
    print(f"pages: {len(scans)} (A4 named and Letter with an ID grid, at 150/200/300 dpi); unread with --key: {unread}")
    print(f"rebuilt layout is the printed one: {right}/{n}; sent to review instead: {review} (target {n}, 0)")
    print(f"bubbles read alike with and without --key: {alike}/{n}")
    print(f"pages a minute with --key: {60 * n / t_key:.0f}; without (layouts rebuilt): {60 * n / t_rebuilt:.0f}")


if __name__ == "__main__":
    main()
