"""The practice page's size and speed, measured and printed (not asserted): ``python benchmarks/practice.py``.

A 20-problem page of ten kinds at difficulty 3 (``quizgen worksheet ... --format practice``):

1. Size: the file in KB (goal: at most 300 KB), and what it is made of (the sealed data, the scripts, the rest).
2. Ready: from navigation start to ``performance.mark("quizgen-ready")`` (the page's script has wired every
   input) in headless Chromium from ``file://``, each load in a fresh context (empty localStorage); median of
   ``loads`` loads after one warm-up (goal: at most 200 ms).  Also the first contentful paint and the end of
   DOMContentLoaded, which come after the mark: the page is wired before it is drawn.
3. Judging: from the Check click to the feedback text, timed inside the page, for a right answer (and on to its
   worked steps shown) and for a wrong one; medians over the same loads.

Needs Playwright and /usr/bin/chromium (the 'browser' extra); says so and returns without them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
KINDS = [
    "output-conv",
    "output-pool",
    "params-conv",
    "macs-conv",
    "pool-ops",
    "memory",
    "spot-error",
    "network-trace",
    "receptive-field",
    "output-transposed",
]
OPTIONS = [*(a for kind in KINDS for a in ("--kind", kind)), "--problems", "20", "--difficulty", "3", "--seed", "1"]
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONIOENCODING": "utf-8"}

# Type an answer into part `pid`, click Check, and resolve with the milliseconds until its feedback has text
# (and, when `solution` is set, until the part's worked steps are shown as well).
JUDGE = """async ([pid, text, solution]) => {
  const box = document.querySelector(`[data-feedback="${pid}"]`);
  const sol = document.querySelector(`[data-solution="${pid}"]`);
  box.replaceChildren();
  document.querySelector(`[data-part="${pid}"]`).value = text;
  const t0 = performance.now();
  const times = {};
  const done = new Promise((resolve) => {
    const seen = () => {
      if (times.feedback === undefined && box.textContent) times.feedback = performance.now() - t0;
      if (solution && times.solution === undefined && !sol.hidden && sol.textContent)
        times.solution = performance.now() - t0;
      if (times.feedback !== undefined && (!solution || times.solution !== undefined)) {
        observer.disconnect();
        resolve(times);
      }
    };
    const observer = new MutationObserver(seen);
    observer.observe(box.parentElement, {childList: true, subtree: true, characterData: true, attributes: true});
  });
  document.querySelector(`[data-check="${pid}"]`).click();
  return await done;
}"""


def quizgen_cmd() -> list[str]:
    exe = shutil.which("quizgen", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "quizgen"]


def build(folder: Path, fmt: str) -> Path:
    subprocess.run(
        [*quizgen_cmd(), "worksheet", *OPTIONS, "--format", fmt, "-o", str(folder)],
        check=True,
        env=ENV,
        stdout=subprocess.DEVNULL,
    )
    return folder


def size_report(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    total = len(html.encode())
    data = re.search(r'<script type="application/json" id="practice-data">(.*?)</script>', html, re.S)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    data_kb = len(data.group(1).encode()) / 1024 if data else 0.0
    code_kb = sum(len(s.encode()) for s in scripts) / 1024
    figures_kb = 0.0
    if data:
        figures_kb = sum(len(v) for v in json.loads(data.group(1)).get("figures", {}).values()) / 1024
    rest_kb = total / 1024 - data_kb - code_kb
    return (
        f"practice page: 20 problems, {total / 1024:.1f} KB ({total:,} bytes; goal <= 300 KB): "
        f"sealed data {data_kb:.1f} KB (of which question figures {figures_kb:.1f} KB), "
        f"scripts {code_kb:.1f} KB, markup and CSS {rest_kb:.1f} KB"
    )


def practice(loads: int = 10) -> None:
    """Build the 20-problem page, print its size, its time to ready and the time to judge an answer."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("practice: skipped (Playwright is not installed: the 'browser' extra)")
        return
    if not CHROMIUM.exists():
        print(f"practice: skipped ({CHROMIUM} is missing)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        page_path = build(Path(tmp) / "page", "practice") / "practice.html"
        key = json.loads((build(Path(tmp) / "key", "json") / "key.json").read_text(encoding="utf-8"))
        print(size_report(page_path))
        # two one-number parts from the independent key: one answered right, one wrong
        counts = [
            (f"{p['number']}.{i}", part["answer"])
            for p in key["keys"][0]["problems"]
            for i, part in enumerate(p["parts"], start=1)
            if isinstance(part["answer"], int)
        ]
        (right_id, right), (wrong_id, wrong) = counts[0], counts[1]
        url = page_path.resolve().as_uri()
        ready, dom, paint, first, judged_right, opened, judged_wrong = [], [], [], None, [], [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            try:
                for n in range(loads + 1):  # the first is a warm-up (disk cache, font loading)
                    context = browser.new_context(service_workers="block")
                    page = context.new_page()
                    page.goto(url, wait_until="load")
                    page.wait_for_function(
                        """() => document.getElementById('practice').dataset.ready === '1'
                                 && performance.getEntriesByName('first-contentful-paint').length > 0"""
                    )
                    mark, loaded, painted = page.evaluate(
                        """() => [performance.getEntriesByName('quizgen-ready')[0].startTime,
                                  performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
                                  performance.getEntriesByName('first-contentful-paint')[0].startTime]"""
                    )
                    right_t = page.evaluate(JUDGE, [right_id, str(right), True])
                    wrong_t = page.evaluate(JUDGE, [wrong_id, str(wrong * 2 + 1), False])
                    context.close()
                    if n == 0:
                        first = mark
                        continue
                    ready.append(mark)
                    dom.append(loaded)
                    paint.append(painted)
                    judged_right.append(right_t["feedback"])
                    opened.append(right_t["solution"])
                    judged_wrong.append(wrong_t["feedback"])
            finally:
                browser.close()

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values):.1f} ms (min {min(values):.1f}, max {max(values):.1f})"

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"practice ready (load average {load:.1f} on {os.cpu_count()} CPUs; the times grow with it):\n"
        f"  navigation start to performance.mark('quizgen-ready') {ms(ready)} over {loads} fresh "
        f"loads (goal <= 200 ms); the first, cold load {first:.1f} ms\n"
        f"  first contentful paint {ms(paint)}; DOMContentLoaded {ms(dom)}\n"
        f"practice judging: Check click to feedback, a right answer {ms(judged_right)} "
        f"(its worked steps shown {ms(opened)}); a wrong answer {ms(judged_wrong)}"
    )


if __name__ == "__main__":
    practice()
