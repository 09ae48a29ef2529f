"""Moodle XML: one question category per sheet, under one named after the recipe.

A figure is a file inside the text that shows it (``<file name=… path="/" encoding="base64">``,
Moodle's way of carrying images in its XML), referred to as ``@@PLUGINFILE@@/fig-….svg``: the
question's figure, which never shows the answer, in the question text; the key's figure in the
general feedback, which Moodle shows once the question is answered.

Each item is one question, whose ``defaultgrade`` is its points: the recipe's marks for the problem,
shared by its parts and a shape's dimensions (:func:`~quizgen.exports.common.sheet_items`).  A
question's answers carry Moodle's per-answer fraction of that grade (100 for the right one).
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from quizgen.exports.common import (
    Figure,
    Figures,
    Item,
    figure_element,
    h,
    html,
    intro_html,
    question_html,
    recipe_label,
    rich,
    sheet_items,
    sheet_label,
    steps_html,
    sub_element,
)
from quizgen.i18n import _
from quizgen.problems.problem import fmt_marks
from quizgen.problems.sheet import Sheet

# --- Moodle XML -----------------------------------------------------------------------------------

#: The grades Moodle offers for an answer, in percent; an import with any other fraction is refused.
MOODLE_FRACTIONS = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333",
    "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0",
)  # fmt: skip


def _fraction(percent: str) -> str:
    if percent.lstrip("-") not in MOODLE_FRACTIONS:
        raise ValueError(_("{percent} is not one of Moodle's grades").format(percent=percent))
    return percent


def _moodle_text(
    parent: ET.Element, tag: str, text: str, fmt: str = "html", figure: Figure | None = None
) -> ET.Element:
    el = sub_element(parent, tag, format=fmt) if fmt else sub_element(parent, tag)
    sub_element(el, "text", text)
    if figure is not None:
        data = base64.b64encode(figure.data).decode("ascii")
        sub_element(el, "file", data, name=figure.name, path="/", encoding="base64")
    return el


def _src(figure: Figure | None) -> ET.Element | None:
    return figure_element(figure, f"@@PLUGINFILE@@/{figure.name}") if figure else None


def moodle_category_name(name: str) -> str:
    """One name of a category path, as Moodle's ``assemble_category_path`` writes it.

    A ``/`` inside the name is doubled, and a name that then starts or ends with ``/`` gets a space
    there, so that it never merges with the separator next to it (Moodle trims the space on import).
    """
    escaped = name.replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    if escaped.endswith("/"):
        escaped += " "
    return escaped


def moodle_category_path(sheet: Sheet) -> str:
    """``$course$/top/<recipe>/<sheet>``, each name escaped as Moodle does."""
    names = [recipe_label(sheet), sheet_label(sheet)]
    return "$course$/top/" + "/".join(moodle_category_name(n) for n in names)


def _moodle_question(item: Item, sheet: Sheet, figures: Figures) -> ET.Element:
    q = ET.Element("question", type="numerical" if item.numeric else "multichoice")
    _moodle_text(q, "name", item.name, fmt="")
    asked, key = figures.question(item.problem), figures.answer(item.problem)
    _moodle_text(q, "questiontext", question_html(item.problem, item.prompt, _src(asked)), figure=asked)
    _moodle_text(q, "generalfeedback", steps_html(item.problem, _src(key)), figure=key)
    sub_element(q, "defaultgrade", fmt_marks(item.points))  # the question's mark in a quiz
    sub_element(q, "penalty", "0.3333333")
    sub_element(q, "hidden", "0")
    sub_element(q, "idnumber", f"{item.key}-{item.problem.id}")
    if item.numeric:
        # Moodle grades with the first answer within tolerance: the right one first, then each known slip.
        graded = [(item.answer, "100", _("Correct."))] + [(v, "0", why) for v, why in item.wrongs]
        for value, fraction, feedback in graded:
            a = sub_element(q, "answer", fraction=_fraction(fraction), format="moodle_auto_format")
            sub_element(a, "text", str(value))
            _moodle_text(a, "feedback", html(h("p", *rich(feedback))))
            sub_element(a, "tolerance", "0")
        sub_element(q, "unitgradingtype", "0")
        sub_element(q, "unitpenalty", "0.1000000")
        sub_element(q, "showunits", "3")
        sub_element(q, "unitsleft", "0")
    else:
        sub_element(q, "single", "true")
        sub_element(q, "shuffleanswers", "false")  # keep the sheet's letters
        sub_element(q, "answernumbering", "ABCD")
        sub_element(q, "showstandardinstruction", "0")
        _moodle_text(q, "correctfeedback", _("Your answer is correct."))
        _moodle_text(q, "partiallycorrectfeedback", _("Your answer is partially correct."))
        _moodle_text(q, "incorrectfeedback", _("Your answer is incorrect."))
        for o in item.options:
            a = sub_element(q, "answer", fraction=_fraction("100" if o.correct else "0"), format="html")
            sub_element(a, "text", o.text)
            _moodle_text(a, "feedback", html(h("p", *rich(o.feedback))))
    if item.part.hint:
        _moodle_text(q, "hint", html(h("p", *rich(item.part.hint))))
    tags = sub_element(q, "tags")
    for tag in ("quizgen", item.problem.kind, f"recipe:{sheet.recipe.name}", f"sheet:{sheet.code}"):
        sub_element(sub_element(tags, "tag"), "text", tag)
    return q


def moodle_xml(sheets: list[Sheet], *, figures: bool = True) -> str:
    """Moodle XML: per sheet a category, then a ``numerical`` or ``multichoice`` question per item.

    With ``figures``, a problem's figures are files in its questions' texts (see the module).
    """
    drawn = Figures(figures)
    quiz = ET.Element("quiz")
    for sheet in sheets:
        category = sub_element(quiz, "question", type="category")
        _moodle_text(category, "category", moodle_category_path(sheet), fmt="")
        _moodle_text(category, "info", intro_html(sheet))
        for item in sheet_items(sheet):
            quiz.append(_moodle_question(item, sheet, drawn))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="unicode", xml_declaration=True) + "\n"
