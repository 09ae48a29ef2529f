"""A class printed to PDF: every page laid out once, by one Chromium, as the sheets are rendered.

Each sheet's HTML is printed to its own ``worksheet-….pdf``, and each sheet's key alone to a part kept
aside; the class's ``all-sheets.pdf`` and ``key.pdf`` are then joined from those PDFs
(:mod:`quizgen.render.pdfjoin`), so every page says "page n of N" for its own sheet.  With ``duplex``,
every sheet and key is padded to an even number of pages (:func:`quizgen.render.duplex.padding`).
Files go into a :class:`~quizgen.render.files.Stage`, written as they are printed.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, wait
from pathlib import Path
from typing import Any

from quizgen.i18n import _
from quizgen.render.duplex import padding
from quizgen.render.files import Stage
from quizgen.render.pdf import Printer, page_count


class ClassPrinter:
    """Prints a run's HTML pages into a stage as PDFs; :meth:`finish` joins the class's files.

    ``total`` is how many pages will be printed, for the progress bar (on stderr, when ``progress``).
    """

    def __init__(self, stage: Stage, *, paper: str, duplex: bool, total: int, progress: bool) -> None:
        self.stage, self.duplex = stage, duplex
        self.printer = Printer(paper)
        self.futures: list[Future[Any]] = []
        self.sheet_parts: list[Path] = []
        self.key_parts: list[Path] = []
        self._shown = 0
        self._bar: Any = None
        if progress:
            import click

            self._bar = click.progressbar(length=total, label=_("PDF"), file=sys.stderr)

    def __enter__(self) -> ClassPrinter:
        self.printer.__enter__()
        if self._bar is not None:
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._bar is not None:
                self._bar.__exit__(None, None, None)
        finally:
            self.printer.close()

    def page(self, name: str, html: str) -> None:
        """Print ``html`` to ``name`` (a ``.pdf``) among the run's files."""
        self.stage.add(name)
        self._submit(html, name)

    def sheet(self, stem: str, html: str) -> None:
        """Print one student's sheet to ``STEM.pdf``, also kept for ``all-sheets.pdf``."""
        self.sheet_parts.append(self.stage.root / f"{stem}.pdf")
        self.page(f"{stem}.pdf", html)

    def key_part(self, html: str) -> None:
        """Print one sheet's key alone, kept aside for the class's ``key.pdf``."""
        name = f".parts/key-{len(self.key_parts) + 1:06d}.pdf"
        self.key_parts.append(self.stage.root / name)
        self._submit(html, name)

    def _submit(self, html: str, name: str) -> None:
        def save(pdf: bytes) -> None:
            self.stage.write(name, self._padded(pdf), output=not name.startswith(".parts/"))

        self.futures.append(self.printer.submit(html, save))
        self._progress()

    def _padded(self, pdf: bytes) -> bytes:
        blanks = padding(page_count(pdf), self.duplex)
        if not blanks:
            return pdf
        import io

        import pikepdf

        from quizgen.render.pdfjoin import add_blanks

        with pikepdf.Pdf.open(io.BytesIO(pdf)) as doc:
            add_blanks(doc, blanks)
            out = io.BytesIO()
            doc.save(out, deterministic_id=True)
        return out.getvalue()

    def _progress(self) -> None:
        if self._bar is None:
            return
        done = sum(f.done() for f in self.futures)
        if done > self._shown:
            self._bar.update(done - self._shown)
            self._shown = done

    def finish(self, *, all_sheets: bool, class_key: bool) -> None:
        """Wait for every page; then join ``all-sheets.pdf`` and the class's ``key.pdf`` where asked."""
        from quizgen.render.pdfjoin import join

        pending = set(self.futures)
        while pending:
            _done, pending = wait(pending, timeout=0.5)
            self._progress()
        for future in self.futures:
            future.result()  # the first failure, if any, as its one line
        for name, parts, wanted in (
            ("all-sheets.pdf", self.sheet_parts, all_sheets),
            ("key.pdf", self.key_parts, class_key),
        ):
            if wanted and parts:
                self.stage.write(name, join(parts, duplex=self.duplex))
