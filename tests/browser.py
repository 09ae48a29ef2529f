"""Debian's headless Chromium through Playwright, for the tests that open or print a page.

One place for the browser the tests use (``CHROMIUM``, ``CHROMIUM_ARGS``), for whether this is a CI
run (``IN_CI``: ``CI`` set to anything but empty, 0, false or no), and for the gate before a test needs
the browser: ``require_browser()``.  A developer without Playwright (the 'browser' extra) or
/usr/bin/chromium gets a clean skip; under CI a missing piece fails instead of skipping, so a CI run
never passes by leaving the browser tests out.

Call ``require_browser()`` at module level, before ``from playwright.sync_api import ...``, to gate a
whole module (its skip or failure then happens at collection); call it inside a fixture to gate only
the tests that use that fixture.  ``chromium()`` opens the browser for a (module-scoped) fixture.
``quizgen(...)`` writes the pages they open, as a real process, from module-scoped fixtures (where
conftest's function-scoped ``sh`` cannot serve).  Nothing here imports Playwright at import time, so
files that only read ``IN_CI`` or ``CHROMIUM`` can import this module without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_browser() -> None:
    """Skip (or, under CI, fail) unless Playwright imports and Debian's Chromium is installed."""
    __tracebackhide__ = True  # a skip names the caller's line, as when each file held this block
    if IN_CI:
        # No skip under CI: a missing piece is an error (at collection when called at module level).
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:
            pytest.fail(f"CI is set but playwright is missing ({exc}); install the 'browser' extra", pytrace=False)
        if not CHROMIUM.exists():
            pytest.fail(f"CI is set but {CHROMIUM} is missing; .ci/run should apt-get install chromium", pytrace=False)
    else:
        pytest.importorskip("playwright.sync_api", reason="the 'browser' extra (playwright) is not installed")
        if not CHROMIUM.exists():
            pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


def require_print(*tools: str) -> None:
    """:func:`require_browser`, and the command-line ``tools`` (poppler-utils' ``pdftotext``, …) a PDF test reads with."""
    __tracebackhide__ = True
    require_browser()
    missing = [t for t in tools if shutil.which(t) is None]
    if missing and IN_CI:
        pytest.fail(f"CI is set but these are missing: {', '.join(missing)} (poppler-utils)", pytrace=False)
    if missing:
        pytest.skip(f"missing: {', '.join(missing)} (apt-get install poppler-utils)")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed on exit with its Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def quizgen(*args: str, timeout: float = 120) -> None:
    """Run ``python -m quizgen ARGS`` as a real process; it must exit 0 (else its stderr is shown)."""
    proc = subprocess.run(
        [sys.executable, "-m", "quizgen", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
