"""Make the README's screenshots of the practice page: what a student sees after a few answers.

    python tools/practice_screenshot.py            # writes docs/practice-page.png and docs/practice-phone.png

It makes the default sheet's practice page (seed 1), then, in headless Chromium (Playwright, Debian's
``/usr/bin/chromium``), answers problem 1 right, gives problem 6 the value without its biases (the
forgot-bias misconception), and photographs both.  The answers come from the key that ``--format json``
writes for the same seed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quizgen(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "quizgen", *args], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        quizgen("worksheet", "--format", "practice", "-o", tmp)
        quizgen("worksheet", "--format", "json", "-o", tmp)
        key = json.loads(Path(tmp, "key.json").read_text(encoding="utf-8"))["keys"][0]["problems"]
        first = key[0]["parts"][0]["answer"]
        params = next(p for p in key if p["kind"] == "params-linear")
        forgot = next(w["value"] for w in params["parts"][0]["wrong_answers"] if w["misconceptions"] == ["forgot-bias"])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for name, viewport, clip_to in (  # the page from its top; the phone at the misconception
                ("practice-page.png", {"width": 820, "height": 1180}, "body"),
                ("practice-phone.png", {"width": 390, "height": 760}, f"#p{params['number']}"),
            ):
                page = browser.new_page(viewport=viewport, device_scale_factor=1)
                page.goto(Path(tmp, "practice.html").as_uri())
                page.wait_for_selector("#practice[data-ready='1']")
                page.fill('[data-part="1.1"]', "x".join(map(str, first)))
                page.press('[data-part="1.1"]', "Enter")
                page.wait_for_selector('[data-solution="1.1"]:not([hidden])')
                part = f"{params['number']}.1"
                page.fill(f'[data-part="{part}"]', str(forgot))
                page.press(f'[data-part="{part}"]', "Enter")
                page.wait_for_selector(f'[data-feedback="{part}"] p')
                page.wait_for_timeout(300)  # the figures inflate after the page is ready
                page.eval_on_selector(clip_to, "e => e.scrollIntoView()")
                page.screenshot(path=str(out / name))
                page.close()
            browser.close()
    print(f"wrote {out / 'practice-page.png'} and {out / 'practice-phone.png'}")


if __name__ == "__main__":
    main()
