"""PDF: the HTML sheets and key printed through Chromium, with Playwright's sync API (the ``pdf`` extra).

The pages are the HTML templates' own: ``@page`` rules decide the paper size and margins
(``prefer_css_page_size``); where they set no size, the ``paper`` option does (A4 or Letter).
Every file is printed by one browser, so a class of 30 starts Chromium once.

Chromium stamps the time of printing in each PDF's document information (``/CreationDate`` and
``/ModDate``).  Those two entries are blanked out (overwritten with spaces, so that every byte offset
in the file stays right), and the same seed gives the same bytes.

The browser is, in order: ``$QUIZGEN_CHROMIUM`` if set (and only it, of the system's), else the
system's ``chromium`` or ``chromium-browser``, else Playwright's own (``playwright install chromium``).
Playwright is imported only here, and only when a PDF is made.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from quizgen.errors import QuizgenError
from quizgen.i18n import _

#: Page sizes Playwright knows, by the names of ``--paper``.
PAPERS = {"a4": "A4", "letter": "Letter"}
ENV = "QUIZGEN_CHROMIUM"
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser")
#: No time limit on loading a file: a class's combined key is large (100 sheets take about a minute to
#: lay out and print), and Ctrl-C stops a run that is too long.
TIMEOUT_MS = 0
INSTALL_EXTRA = 'pip install "quizgen[pdf]"'
_DATES = re.compile(rb"/(?:CreationDate|ModDate)\s*\((?:[^()\\]|\\.)*\)")


def require() -> None:
    """Refuse early, with one line, when Playwright (the ``pdf`` extra) is not installed."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise QuizgenError(
            _("--format pdf needs Playwright, in the 'pdf' extra: {command}").format(command=INSTALL_EXTRA)
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


def strip_dates(pdf: bytes) -> bytes:
    """The PDF with its creation and modification dates blanked out (same length, so the xref stays valid)."""
    return _DATES.sub(lambda m: b" " * len(m.group(0)), pdf)


def print_files(files: dict[str, str | bytes], *, paper: str = "a4", progress: bool = False) -> dict[str, str | bytes]:
    """Every ``.html`` file printed to a ``.pdf`` of the same stem (in the same order); other files kept."""
    if paper not in PAPERS:
        raise QuizgenError(_("--paper {paper}: must be one of {items}").format(paper=paper, items=", ".join(PAPERS)))
    pages = [name for name in files if name.endswith(".html")]
    out: dict[str, str | bytes] = {}
    with _browser() as browser:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        for name in _each(pages, progress):
            html = files[name]
            page.set_content(html.decode("utf-8") if isinstance(html, bytes) else html, wait_until="load")
            data = page.pdf(format=PAPERS[paper], prefer_css_page_size=True, print_background=True)
            out[name.removesuffix(".html") + ".pdf"] = strip_dates(data)
    for name, data in files.items():
        if not name.endswith(".html"):
            out[name] = data
    return out


def _each(names: list[str], progress: bool) -> Iterable[str]:
    if not progress:
        return names
    import sys

    import click

    def bar() -> Iterator[str]:
        with click.progressbar(names, label=_("PDF"), file=sys.stderr) as items:
            yield from items

    return bar()


@contextmanager
def _browser() -> Iterator:
    """One headless Chromium for every file, or one line saying how to get one."""
    require()
    from playwright.sync_api import Error, sync_playwright

    executable, looked = system_chromium()
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable, args=["--disable-gpu"])
        except Error as exc:
            if executable is None and "doesn't exist" in str(exc):  # Playwright's own was never installed
                raise QuizgenError(
                    _(
                        "--format pdf: no Chromium to print with ({looked}; none from Playwright); "
                        "install one: {extra} && playwright install chromium, or apt install chromium"
                    ).format(looked=looked, extra=INSTALL_EXTRA)
                ) from None
            raise QuizgenError(
                _("--format pdf: Chromium ({path}) did not start: {error}").format(
                    path=executable or _("Playwright's"), error=_first_line(exc)
                )
            ) from None
        try:
            yield browser
        except Error as exc:
            raise QuizgenError(
                _("--format pdf: Chromium failed to print: {error}").format(error=_first_line(exc))
            ) from None
        finally:
            browser.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
