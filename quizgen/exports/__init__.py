"""Exports to where classes already are: Moodle XML, GIFT, Canvas QTI 1.2 and Anki.

``quizgen worksheet --format moodle|gift|qti|anki`` writes one file holding
every sheet's problems (Moodle XML larger than ``--max-file-size``, 2M by default,
is split into ``quiz-1.moodle.xml``, ``quiz-2…``, each a whole quiz), made from the same :class:`~quizgen.problems.sheet.Sheet`
objects as the Markdown and HTML sheets:

==========  ===================  ==============================================================
format      file                 several sheets (``--variants``, ``--roster``)
==========  ===================  ==============================================================
``moodle``  ``quiz.moodle.xml``  one question category per sheet, under one named after the recipe
``gift``    ``quiz.gift.txt``    the same categories, as ``$CATEGORY:`` lines
``qti``     ``quiz.qti.zip``     one Canvas quiz (a QTI assessment) per sheet
``anki``    ``deck.apkg``        one deck; a problem on several sheets is one note (its GUID comes
                                 from the problem's content id), tagged with each sheet's code
==========  ===================  ==============================================================

A platform grades one answer box or one choice at a time, so each part of a
problem becomes one :class:`Item`: a multiple-choice part stays one item, a
numeric part one numerical item, and a numeric shape (``55 × 55 × 96``) one
numerical item per dimension (height, width, channels).  GIFT and QTI render
these items as questions; Moodle XML makes one question per problem (a ``cloze``
question with one sub-question per item when there are several, see
:mod:`quizgen.exports.cloze`); an Anki note is a whole problem.

Figures go where the format can carry a file: Moodle embeds each SVG in the
text that shows it, QTI packs it in the zip (listed in the manifest), Anki in
the package's media; GIFT cannot.  The question side never shows what is asked
(:func:`quizgen.figures.choose.figure_for`); ``figures=False`` leaves them out.

XML and HTML are built with :mod:`xml.etree.ElementTree`, never by pasting
strings; Moodle XML is then written as Moodle's own exporter writes it, with CDATA
(:mod:`quizgen.exports.moodle_file`), and its cloze answers in Moodle's grammar.  The same seed and version give byte-identical files: zip entries
carry a fixed date, and Anki's timestamps are pinned to the quizgen version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from quizgen.errors import QuizgenError
from quizgen.i18n import _, closest

if TYPE_CHECKING:
    from quizgen.problems.sheet import Sheet

#: Each export format and the file it writes.
FILES = {
    "moodle": "quiz.moodle.xml",
    "gift": "quiz.gift.txt",
    "qti": "quiz.qti.zip",
    "anki": "deck.apkg",
}
FORMATS = tuple(FILES)


def export_files(
    fmt: str, sheets: list[Sheet], *, figures: bool = True, max_file_size: int | None = None
) -> dict[str, str | bytes]:
    """The export of ``sheets`` in ``fmt``: file name → contents (bytes for the zip formats).

    Moodle XML larger than ``max_file_size`` bytes (default: PHP's stock upload limit, 2 MiB) is split
    into numbered files, each a whole quiz (:func:`quizgen.exports.moodle_file.quiz_files`);
    ``max_file_size`` goes with ``moodle`` only.

    With ``figures`` (the default), each problem's figure goes where the format can carry an image:
    Moodle embeds it in the question text, QTI packs it in the zip, Anki as media; GIFT cannot.
    The question side never shows what is asked (:func:`quizgen.figures.choose.figure_for`).
    """
    writers: dict[str, Callable[..., str | bytes]] = {
        "moodle": moodle.moodle_xml,
        "gift": gift.gift,
        "qti": qti.qti_zip,
        "anki": anki.anki_package,
    }
    if fmt not in writers:
        known = ("md", "html", "json", *FORMATS)
        raise QuizgenError(
            _("--format {fmt}: not a known format{suggestion}; choose one of {items}").format(
                fmt=fmt, suggestion=closest(fmt, known), items=", ".join(known)
            )
        )
    if not sheets:
        raise QuizgenError(_("--format {fmt}: no sheets to export").format(fmt=fmt))
    if fmt == "moodle":
        limit = moodle_file.DEFAULT_MAX_BYTES if max_file_size is None else max_file_size
        return dict(moodle.moodle_files(sheets, figures=figures, max_bytes=limit, name=FILES[fmt]))
    if max_file_size is not None:
        raise QuizgenError(_("--max-file-size: goes with --format moodle, not {fmt}").format(fmt=fmt))
    return {FILES[fmt]: writers[fmt](sheets, figures=figures)}


# The formats are imported after FILES and FORMATS: importing this package means an export is wanted.
from quizgen.exports import anki, gift, moodle, moodle_file, qti  # noqa: E402
from quizgen.exports.anki import ANKI_MODEL_ID, anki_deck_id, anki_timestamp  # noqa: E402
from quizgen.exports.common import ZIP_DATE, unique_problems  # noqa: E402
from quizgen.exports.gift import gift_escape  # noqa: E402

__all__ = [
    "ANKI_MODEL_ID",
    "FILES",
    "FORMATS",
    "ZIP_DATE",
    "anki",
    "anki_deck_id",
    "anki_timestamp",
    "export_files",
    "gift",
    "gift_escape",
    "moodle",
    "moodle_file",
    "qti",
    "unique_problems",
]
