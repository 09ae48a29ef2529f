"""A class printed to PDF: every page laid out by one Chromium, as the sheets are rendered, and printed once.

Each sheet's HTML is printed to its own ``worksheet-….pdf``, and each sheet's key alone to a part kept
aside; the class's ``all-sheets.pdf`` and ``key.pdf`` are then joined from those PDFs
(:mod:`quizgen.render.pdfjoin`), so every page says "page n of N" for its own sheet.

Printed double-sided (a sheet made with ``--duplex``), a sheet or key that comes out on an odd number of
pages is rendered again with :func:`quizgen.render.duplex.padding`'s blank page ("This page is left
blank.", with the sheet's header and "page N of N") and printed again: only that sheet, since a page count
is known only once Chromium has laid the sheet out.
Files go into a :class:`~quizgen.render.files.Stage`, written as they are printed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import Future, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizgen.i18n import _
from quizgen.render.duplex import padding
from quizgen.render.files import Stage
from quizgen.render.pdf import Printer, page_count

if TYPE_CHECKING:
    import jinja2

    from quizgen.problems.sheet import Sheet

#: A page to print again with its padding: (its file, the HTML given how many blank pages).
_Redo = tuple[str, Callable[[int], str]]


class ClassPrinter:
    """Prints a run's HTML pages into a stage as PDFs; :meth:`finish` joins the class's files.

    ``total`` is how many pages will be printed, for the progress bar (on stderr, when ``progress``).
    """

    def __init__(self, stage: Stage, *, paper: str, total: int, progress: bool) -> None:
        self.stage = stage
        self.printer = Printer(paper)
        self.futures: list[Future[Any]] = []
        self.sheet_parts: list[Path] = []
        self.key_parts: list[Path] = []
        self._redo: list[tuple[_Redo, int]] = []  # (page, its blank pages) that came out odd under duplex
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
        self._submit(name, html)

    def sheet(self, stem: str, sheet: Sheet, env: jinja2.Environment) -> None:
        """Print one student's sheet to ``STEM.pdf``, also kept for ``all-sheets.pdf``."""
        from quizgen.render.sheets import render_sheet

        name = f"{stem}.pdf"
        self.sheet_parts.append(self.stage.root / name)
        self.stage.add(name)
        remake = (name, lambda pad: render_sheet(env, sheet, "html", pad=pad)) if sheet.duplex else None
        self._submit(name, render_sheet(env, sheet, "html"), remake)

    def key_part(self, sheet: Sheet, env: jinja2.Environment, name: str | None = None) -> None:
        """Print one sheet's key alone: as ``name`` among the run's files, or (by default) kept aside for the
        class's ``key.pdf``."""
        from quizgen.render.sheets import render_key

        if name is None:
            name = f".parts/key-{len(self.key_parts) + 1:06d}.pdf"
            self.key_parts.append(self.stage.root / name)
        else:
            self.stage.add(name)
        remake = (name, lambda pad: render_key(env, [sheet], "html", pads=[pad])) if sheet.duplex else None
        self._submit(name, render_key(env, [sheet], "html"), remake)

    def _submit(self, name: str, html: str, remake: _Redo | None = None) -> None:
        def save(pdf: bytes) -> None:
            blanks = padding(page_count(pdf), remake is not None)
            if blanks and remake is not None:
                self._redo.append((remake, blanks))  # printed again, padded, once the rest is done
                return
            self.stage.write(name, pdf, output=not name.startswith(".parts/"))

        self.futures.append(self.printer.submit(html, save))
        self._progress()

    def _progress(self) -> None:
        if self._bar is None:
            return
        done = sum(f.done() for f in self.futures)
        if done > self._shown:
            self._bar.update(done - self._shown)
            self._shown = done

    def _wait(self) -> None:
        pending = set(self.futures)
        while pending:
            _done, pending = wait(pending, timeout=0.5)
            self._progress()
        for future in self.futures:
            future.result()  # the first failure, if any, as its one line

    def finish(self, *, all_sheets: bool, class_key: bool) -> None:
        """Wait for every page, print again the ones to pad; then join ``all-sheets.pdf`` and the class's
        ``key.pdf`` where asked."""
        from quizgen.render.pdfjoin import join

        self._wait()
        redo, self._redo = self._redo, []
        if self._bar is not None:
            self._bar.length = (self._bar.length or 0) + len(redo)
        for (name, remake), blanks in redo:
            self._submit(name, remake(blanks))
        self._wait()
        for name, parts, wanted in (
            ("all-sheets.pdf", self.sheet_parts, all_sheets),
            ("key.pdf", self.key_parts, class_key),
        ):
            if wanted and parts:
                self.stage.write(name, join(parts))
