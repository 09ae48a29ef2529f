"""Printing on both sides of the paper (``--duplex``): each sheet and each key fills whole leaves.

Printed double-sided, a class's sheets follow one another on the same stack of paper.  A sheet of 3
pages would leave its last page's back to the next student's page 1.  So with ``--duplex`` every
sheet, and every key, is padded with blank pages to an even number: each one starts on the front
(an odd page) of a leaf of its own, in the class's files and in ``all-sheets``.

:func:`padding` is the one rule, a function of a sheet's page count only, so that the HTML templates
(which add the pages as elements) and the PDF assembly (which appends blank pages) pad alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

    from quizgen.problems.sheet import Sheet


def padding(pages: int, duplex: bool = True) -> int:
    """How many blank pages follow a sheet or a key of ``pages`` pages, printed double-sided.

    ``pages % 2`` with ``duplex``: 0 for an even count, 1 for an odd one, so that the next sheet starts
    on an odd page; always 0 without ``duplex`` (one-sided printing needs none).  A sheet's pages
    include its cover page when it has one.
    """
    if pages < 0:
        raise ValueError(f"a sheet has at least 0 pages, not {pages}")
    return pages % 2 if duplex else 0


def padded(pages: int, duplex: bool = True) -> int:
    """A sheet's pages once padded: ``pages + padding(pages, duplex)``."""
    return pages + padding(pages, duplex)


def count_pages(htmls: list[str], paper: str = "a4") -> list[int]:
    """How many pages each HTML page prints on, laid out by Chromium on ``paper`` (the ``pdf`` extra).

    An HTML file cannot pad itself: only a layout knows where its pages break.  So ``--duplex`` lays
    each sheet (and each key) out once, alone, and the templates then add :func:`padding`'s blank pages.
    """
    from quizgen.errors import QuizgenError
    from quizgen.i18n import _
    from quizgen.render import pdf

    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise QuizgenError(
            _(
                "--duplex counts each sheet's pages in Chromium, which needs Playwright, in the 'pdf' extra: {command}"
            ).format(command=pdf.install_extra())
        ) from None
    with pdf.Printer(paper) as printer:
        futures = [printer.submit(html, pdf.page_count) for html in htmls]
        return [future.result() for future in futures]


def class_pads(
    env: jinja2.Environment, sheets: list[Sheet], sheet_htmls: list[str], paper: str = "a4"
) -> tuple[list[int], list[int]]:
    """The blank pages after each sheet and after each sheet's key: :func:`padding` of their page counts.

    ``sheet_htmls`` are the sheets' own HTML files, unpadded; each key is laid out alone.  A sheet made
    without ``duplex`` gets none.
    """
    from quizgen.render.sheets import render_key

    keys = [render_key(env, [sheet], "html") for sheet in sheets]
    counted = count_pages([*sheet_htmls, *keys], paper)  # one Chromium for both
    sheet_pages, key_pages = counted[: len(sheets)], counted[len(sheets) :]
    return (
        [padding(n, sheet.duplex) for n, sheet in zip(sheet_pages, sheets)],
        [padding(n, sheet.duplex) for n, sheet in zip(key_pages, sheets)],
    )
