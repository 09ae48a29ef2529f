"""GIFT: Moodle's plain-text format, one ``$CATEGORY:`` per sheet.

GIFT cannot carry a question's points: its only weights are an answer's percentage of the
question's grade (``=%50%…``), and Moodle's GIFT import gives every question the default mark, 1.
So each question's points (the recipe's marks, shared as in ``sheet_items``) are written in the
comment line above it, for the teacher to set in Moodle's quiz (Edit quiz: each question's mark).

GIFT carries no figures: it is one text file and cannot embed an image file (an ``<img>`` would
have to point to a file uploaded to Moodle by hand).  Use ``--format moodle`` for figures.
"""

from __future__ import annotations

import re

from quizgen.exports.common import inline_html, recipe_label, sheet_label
from quizgen.exports.moodle import moodle_category_path
from quizgen.exports.points import sheet_items
from quizgen.i18n import N_, _, n_
from quizgen.problems.problem import fmt_marks
from quizgen.problems.sheet import Sheet

# --- GIFT -----------------------------------------------------------------------------------------

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


def gift_escape(text: str) -> str:
    """Text for GIFT: each of ``\\ ~ = # { } :`` escaped with a backslash, newlines as ``\\n``."""
    return _GIFT_SPECIAL.sub(r"\\\1", text).replace("\r", "").replace("\n", r"\n")


def gift(sheets: list[Sheet], *, figures: bool = True) -> str:
    """GIFT: per sheet a ``$CATEGORY:``, then ``{#…}`` numerical or ``{=…~…}`` multiple-choice questions.

    Texts are HTML (``[html]``); every answer carries feedback, and the worked steps
    are the general feedback (``####``).  Category paths are not escaped: Moodle reads
    them raw.  ``figures`` is accepted for a uniform call and ignored: GIFT cannot embed files.
    """
    blocks = []
    for sheet in sheets:
        path = moodle_category_path(sheet).replace("\n", " ")
        items = sheet_items(sheet)
        intro = f"// {recipe_label(sheet)} · {sheet_label(sheet)}"
        if any(item.points != 1 for item in items):
            intro += "\n// " + _(
                "GIFT has no question points: Moodle gives each question 1 mark; set the marks noted above each question."
            )
        blocks.append(f"{intro}\n$CATEGORY: {path}")
        for item in items:
            marks = n_(N_("{marks} mark"), N_("{marks} marks"), 1 if item.points == 1 else 2)
            lines = [f"// {item.name} [{item.problem.id}] · {marks.format(marks=fmt_marks(item.points))}"]
            head = f"::{gift_escape(item.name)}::[html]{gift_escape(item.question_html)}"
            if item.numeric:
                lines.append(head + "{#")
                correct = gift_escape(_("Correct."))
                lines.append(f"\t={item.answer}:0#{correct}")
                lines += [f"\t=%0%{value}:0#{gift_escape(inline_html(why))}" for value, why in item.wrongs]
            else:
                lines.append(head + "{")
                lines += [
                    f"\t{'=' if o.correct else '~'}{gift_escape(o.text)}#{gift_escape(inline_html(o.feedback))}"
                    for o in item.options
                ]
            lines.append(f"\t####{gift_escape(item.feedback_html)}")
            lines.append("}")
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
