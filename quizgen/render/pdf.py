"""PDF: the HTML sheets and key printed through Chromium, with Playwright's async API (the ``pdf`` extra).

The pages are the HTML templates' own: ``@page`` rules decide the paper size and margins
(``prefer_css_page_size``); where they set no size, the ``paper`` option does (A4 or Letter).
Every page is printed by one browser, so a class of 30 starts Chromium once, and each page is laid out
once: a class's ``all-sheets.pdf`` and ``key.pdf`` are joined from the sheets' own PDFs
(:mod:`quizgen.render.pdfjoin`), not printed again.

Chromium stamps the time of printing in each PDF's document information (``/CreationDate`` and
``/ModDate``).  Those two entries are blanked out (overwritten with spaces, so that every byte offset
in the file stays right), and the same seed gives the same bytes.

The browser is, in order: ``$QUIZGEN_CHROMIUM`` if set (and only it, of the system's), else the
system's ``chromium`` or ``chromium-browser``, else Playwright's own (``playwright install chromium``).
Playwright is imported only here, and only when a PDF is made.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from quizgen.errors import QuizgenError
from quizgen.i18n import _

#: Page sizes Playwright knows, by the names of ``--paper``.
PAPERS = {"a4": "A4", "letter": "Letter"}
ENV = "QUIZGEN_CHROMIUM"
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser")
#: No time limit on loading a file: a class's combined key is large (100 sheets take about a minute to
#: lay out and print), and Ctrl-C stops a run that is too long.
TIMEOUT_MS = 0
#: Pages printed at once, each in a tab of the one browser: one more than the cores, so that Chromium lays
#: out one page while another is handed back, and the next sheet is rendered meanwhile.
TABS = min((os.cpu_count() or 1) + 1, 4)
#: How long closing the browser may take, after which it is left to the end of the process.
CLOSE_TIMEOUT_S = 10
T = TypeVar("T")
INSTALL_EXTRA = 'pip install "quizgen[pdf]"'
_DATES = re.compile(rb"/(?:CreationDate|ModDate)\s*\((?:[^()\\]|\\.)*\)")


def install_extra() -> str:
    """The command that installs the ``pdf`` extra for this quizgen.

    Run from a checkout (the package sits beside its ``pyproject.toml``), ``pip install -e ".[pdf]"`` in
    that folder, since ``quizgen[pdf]`` would look for quizgen on PyPI; an installed quizgen gets
    :data:`INSTALL_EXTRA`.
    """
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    try:
        ours = pyproject.is_file() and 'name = "quizgen"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        ours = False
    if not ours:
        return INSTALL_EXTRA
    if root == Path.cwd().resolve():
        return 'pip install -e ".[pdf]"'
    return _('pip install -e ".[pdf]" (in {folder})').format(folder=root)


def require() -> None:
    """Refuse early, with one line, when Playwright or pikepdf (the ``pdf`` extra) is not installed."""
    _require_playwright()
    try:
        import pikepdf  # noqa: F401
    except ImportError:
        raise QuizgenError(
            _("--format pdf needs pikepdf, in the 'pdf' extra: {command}").format(command=install_extra())
        ) from None


def _require_playwright() -> None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise QuizgenError(
            _("--format pdf needs Playwright, in the 'pdf' extra: {command}").format(command=install_extra())
        ) from None


def system_chromium() -> tuple[str | None, str]:
    """The Chromium to print with, if the system has one, and where it was looked for (for a message).

    ``$QUIZGEN_CHROMIUM``, when set, is the only one tried: pointing it at nothing means "not the system's".
    """
    wanted = os.environ.get(ENV, "").strip()
    if wanted:
        found = wanted if Path(wanted).is_file() else shutil.which(wanted)
        return found, f"{ENV}={wanted}"
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found, found
    return None, " ".join(SYSTEM_CHROMIUMS)


_PAGE = re.compile(rb"/Type\s*/Page\b")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF from Chromium has: its page objects (Chromium writes them uncompressed)."""
    return len(_PAGE.findall(pdf))


def strip_dates(pdf: bytes) -> bytes:
    """The PDF with its creation and modification dates blanked out (same length, so the xref stays valid)."""
    return _DATES.sub(lambda m: b" " * len(m.group(0)), pdf)


class Printer:
    """One headless Chromium that prints HTML pages to PDF, a few tabs at once, beside the caller's work.

    The browser runs in a thread of its own (Playwright's async API on its own event loop), so the caller
    renders the next sheet while Chromium lays out the last.  :meth:`submit` takes a page's HTML and a
    function to hand its PDF to (called in the printer's thread); it returns a future of that function's
    result, and blocks while ``2 × tabs`` pages wait, so a large class never holds all its HTML at once.
    Each PDF has its dates blanked out (:func:`strip_dates`).
    """

    def __init__(self, paper: str = "a4", tabs: int | None = None) -> None:
        if paper not in PAPERS:
            raise QuizgenError(
                _("--paper {paper}: must be one of {items}").format(paper=paper, items=", ".join(PAPERS))
            )
        self.paper = PAPERS[paper]
        self.tabs = tabs or TABS
        self._room = threading.BoundedSemaphore(2 * self.tabs)
        self._loop = asyncio.new_event_loop()
        # Every failure that matters reaches the caller through a future.  After Ctrl-C (which reaches
        # Playwright's driver too) its connection's own futures fail unread; that is no news to report.
        self._loop.set_exception_handler(lambda _loop, _context: None)
        self._thread = threading.Thread(target=self._loop.run_forever, name="quizgen-pdf", daemon=True)
        self._free: asyncio.Queue = asyncio.Queue()
        self._playwright: Any = None
        self._browser: Any = None
        self._started: Future[None] = Future()

    def __enter__(self) -> Printer:
        _require_playwright()
        self._thread.start()
        # Chromium starts while the caller draws and renders the first sheets; a failure to start is
        # raised by the first page printed.
        self._started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, html: str, then: Callable[[bytes], T]) -> Future[T]:
        """Print ``html``; its PDF goes to ``then`` (in the printer's thread), whose result the future holds."""
        if self._started.done() and self._started.exception() is not None:
            self._started.result()  # Chromium did not start: its one line
        while not self._room.acquire(timeout=0.5):  # a short wait, so that Ctrl-C is heard at once
            pass
        future = asyncio.run_coroutine_threadsafe(self._print(html, then), self._loop)
        future.add_done_callback(lambda _f: self._room.release())
        return future

    async def _start(self) -> None:
        from playwright.async_api import Error, async_playwright

        executable, looked = system_chromium()
        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(executable_path=executable, args=["--disable-gpu"])
        except Error as exc:
            if executable is None and "doesn't exist" in str(exc):  # Playwright's own was never installed
                raise QuizgenError(
                    _(
                        "--format pdf: no Chromium to print with ({looked}; none from Playwright); "
                        "install one: {extra} && playwright install chromium, or apt install chromium"
                    ).format(looked=looked, extra=install_extra())
                ) from None
            raise QuizgenError(
                _("--format pdf: Chromium ({path}) did not start: {error}").format(
                    path=executable or _("Playwright's"), error=_first_line(exc)
                )
            ) from None
        for _tab in range(self.tabs):
            page = await self._browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            self._free.put_nowait(page)

    async def _print(self, html: str, then: Callable[[bytes], T]) -> T:
        from playwright.async_api import Error

        await asyncio.wrap_future(self._started)
        page = await self._free.get()
        try:
            await page.set_content(html, wait_until="load")
            data = await page.pdf(format=self.paper, prefer_css_page_size=True, print_background=True)
        except Error as exc:
            raise QuizgenError(
                _("--format pdf: Chromium failed to print: {error}").format(error=_first_line(exc))
            ) from None
        finally:
            self._free.put_nowait(page)
        return then(strip_dates(data))

    async def _stop(self) -> None:
        try:
            if self._browser is not None:
                await self._browser.close()
        finally:
            if self._playwright is not None:
                await self._playwright.stop()

    def close(self) -> None:
        """Close the browser and stop the printer's thread (also after a failure or Ctrl-C)."""
        if self._thread.is_alive():
            # a browser already gone (Ctrl-C reaches it too) has nothing left to close
            with contextlib.suppress(BaseException):
                asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=CLOSE_TIMEOUT_S)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=CLOSE_TIMEOUT_S)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
