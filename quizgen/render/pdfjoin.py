"""Joining printed PDFs into one (pikepdf, in the ``pdf`` extra): a class's ``all-sheets.pdf`` and ``key.pdf``.

Each sheet, and each sheet's key, is printed once on its own, so its pages say "page n of N" for that
sheet; the class's files are those PDFs one after another, not printed again.  Printed double-sided
(``duplex``), each part is followed by the blank pages :func:`quizgen.render.duplex.padding` asks for, so
that the next one starts on the front of a leaf.  The same parts give the same bytes (a deterministic
file id, no dates).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quizgen.render.duplex import padding

if TYPE_CHECKING:
    import pikepdf


def join(parts: Sequence[Path], *, duplex: bool = False) -> bytes:
    """One PDF of the pages of ``parts`` in order, each part padded for ``duplex``."""
    import io

    import pikepdf

    opened: list[pikepdf.Pdf] = []
    try:
        with pikepdf.Pdf.new() as doc:
            for part in parts:
                source = pikepdf.Pdf.open(part)
                opened.append(source)
                doc.pages.extend(source.pages)
                add_blanks(doc, padding(len(source.pages), duplex))
            out = io.BytesIO()
            doc.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            return out.getvalue()
    finally:
        for source in opened:
            source.close()


def add_blanks(doc: pikepdf.Pdf, count: int) -> None:
    """``count`` blank pages the size of the document's last page."""
    if not count:
        return
    box = [float(v) for v in doc.pages[-1].mediabox]
    for _ in range(count):
        doc.add_blank_page(page_size=(box[2] - box[0], box[3] - box[1]))
