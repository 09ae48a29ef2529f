"""Figures in Chromium: the animation runs, stops for readers who ask for reduced motion, and every
figure fits a phone's width.  Skips without Playwright or /usr/bin/chromium, except under CI
(tests/browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium, require_browser

GOLDEN = Path(__file__).resolve().parent / "golden" / "figures"

require_browser()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _transform(page, selector: str) -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).transform")


def test_the_kernel_slides_unless_motion_is_reduced(run, browser):
    svg = run("draw", "maxpool2d in=5x5x1 k=3 s=1", "--animate").stdout
    moving = browser.new_page(reduced_motion="no-preference")
    moving.set_content(svg)
    seen = set()
    for _ in range(8):  # 9 positions, 0.6 s each
        seen.add(_transform(moving, ".fp1-at"))
        moving.wait_for_timeout(300)
    assert len(seen) >= 3, seen
    still = browser.new_page(reduced_motion="reduce")
    still.set_content(svg)
    still.wait_for_timeout(1500)
    assert _transform(still, ".fp1-at") == "none" and _transform(still, ".out-at") == "none"


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.svg")))
def test_every_figure_fits_a_phone(browser, name):
    svg = (GOLDEN / f"{name}.svg").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.set_content(f"<!doctype html><html><body style='margin:8px'>{svg}</body></html>")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("svg").bounding_box()
    assert box is not None and box["width"] <= 344 and box["height"] > 50
