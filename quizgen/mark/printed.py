"""``quizgen mark --format pdf``: the feedback pages and the class report printed to PDF (the ``pdf`` extra).

Every page is printed by one headless Chromium (:class:`quizgen.render.pdf.Printer`, as ``quizgen worksheet
--format pdf`` prints a class), a few tabs at once.  Chromium's printing dates are blanked out and the
pages carry nothing else that changes between runs, so the same scans give the same bytes.
"""

from __future__ import annotations

from concurrent.futures import Future


def print_pages(pages: dict[str, str], paper: str = "a4") -> dict[str, bytes]:
    """Each ``NAME.html`` of ``pages`` printed on ``paper`` (``a4`` or ``letter``), as ``NAME.pdf``."""
    from quizgen.render.pdf import Printer

    futures: dict[str, Future[bytes]] = {}
    with Printer(paper) as printer:
        for name, html in sorted(pages.items()):
            futures[name.removesuffix(".html") + ".pdf"] = printer.submit(html, lambda pdf: pdf)
        return {name: future.result() for name, future in futures.items()}
