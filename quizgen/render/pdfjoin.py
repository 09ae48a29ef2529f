"""Joining printed PDFs into one (pikepdf, in the ``pdf`` extra): a class's ``all-sheets.pdf`` and ``key.pdf``.

Each sheet, and each sheet's key, is printed once on its own (padded for double-sided printing where it
was made with ``--duplex``), so its pages say "page n of N" for that sheet; the class's files are those
PDFs one after another, not printed again.  The same parts give the same bytes (a file id derived from
the content, and no dates).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def join(parts: Sequence[Path]) -> bytes:
    """One PDF of the pages of ``parts``, in order."""
    import io

    import pikepdf

    opened: list[pikepdf.Pdf] = []
    try:
        with pikepdf.Pdf.new() as doc:
            for part in parts:
                source = pikepdf.Pdf.open(part)
                opened.append(source)
                doc.pages.extend(source.pages)
            out = io.BytesIO()
            doc.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            return out.getvalue()
    finally:
        for source in opened:
            source.close()
