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
    """Refuse early, with one line, when Playwright (the ``pdf`` extra) is not installed."""
    try:
        import playwright.sync_api  # noqa: F401
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


def print_files(
    files: dict[str, str | bytes],
    *,
    paper: str = "a4",
    progress: bool = False,
    sheets_of: dict[str, list[str | bytes]] | None = None,
) -> dict[str, str | bytes]:
    """Every ``.html`` file printed to a ``.pdf`` of the same stem (in the same order); other files kept.

    ``sheets_of`` maps a file that holds several sheets (the class's ``key.html``, ``all-sheets.html``)
    to one HTML page per sheet (the sheet's own file, or its key alone), laid out as that sheet is in
    the file.  Printing those first counts each
    sheet's pages, and the file is then printed with :func:`~quizgen.render.sheets.page_totals_css`, so
    that each of its pages says "page n of N" for its own sheet.  If the file's pages do not add up to
    the sheets' (a template that lays a sheet out otherwise), it keeps its "page n".
    """
    if paper not in PAPERS:
        raise QuizgenError(_("--paper {paper}: must be one of {items}").format(paper=paper, items=", ".join(PAPERS)))
    pages = [name for name in files if name.endswith(".html")]
    out: dict[str, str | bytes] = {}
    with _browser() as browser:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        counted: dict[str | bytes, int] = {}  # pages, by the HTML printed

        def print_page(html: str | bytes, css: str = "") -> bytes:
            page.set_content(html.decode("utf-8") if isinstance(html, bytes) else html, wait_until="load")
            if css:
                page.add_style_tag(content=css)
            return page.pdf(format=PAPERS[paper], prefer_css_page_size=True, print_background=True)

        for name in _each(pages, progress):
            data = print_page(files[name])
            counted[files[name]] = page_count(data)
            parts = (sheets_of or {}).get(name)
            if parts and len(parts) > 1:
                from quizgen.render.sheets import page_totals_css

                for part in parts:
                    if part not in counted:
                        counted[part] = page_count(print_page(part))
                totals = [counted[part] for part in parts]
                if sum(totals) == counted[files[name]]:
                    data = print_page(files[name], page_totals_css(totals))
            out[name.removesuffix(".html") + ".pdf"] = strip_dates(data)
    for name, content in files.items():
        if not name.endswith(".html"):
            out[name] = content
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
                    ).format(looked=looked, extra=install_extra())
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
