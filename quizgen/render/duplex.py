"""Printing on both sides of the paper (``--duplex``): each sheet and each key fills whole leaves.

Printed double-sided, a class's sheets follow one another on the same stack of paper.  A sheet of 3
pages would leave its last page's back to the next student's page 1.  So with ``--duplex`` every
sheet, and every key, is padded with blank pages to an even number: each one starts on the front
(an odd page) of a leaf of its own, in the class's files and in ``all-sheets``.

:func:`padding` is the one rule, a function of a sheet's page count only, so that the HTML templates
(which add the pages as elements) and the PDF assembly (which appends blank pages) pad alike.
"""

from __future__ import annotations


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
