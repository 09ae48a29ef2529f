"""Moodle XML: one question category per sheet, under one named after the recipe.

A figure is a file inside the text that shows it (``<file name=… path="/" encoding="base64">``,
Moodle's way of carrying images in its XML), referred to as ``@@PLUGINFILE@@/fig-….svg``: the
question's figure, which never shows the answer, in the question text; the key's figure in the
general feedback, which Moodle shows once the question is answered.

One problem is one question.  A problem with one answer box is a ``numerical`` or ``multichoice``
question whose ``defaultgrade`` is the problem's marks; one with several (parts, or a shape's
height, width and channels) is a ``cloze`` question with one sub-question per box, the figures once,
and each box weighted by its share of the marks (:mod:`quizgen.exports.cloze`).  Every question is
tagged ``marks:N`` with the recipe's marks.  Texts are written as Moodle's own exporter writes them,
and a quiz too large to upload is split into files (:mod:`quizgen.exports.moodle_file`).
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from itertools import groupby

from quizgen.exports.cloze import blank_marker, blank_weights, numerical_answers
from quizgen.exports.common import (
    Figure,
    Figures,
    Item,
    figure_element,
    h,
    html,
    intro_html,
    part_letter,
    problem_elements,
    question_html,
    recipe_label,
    rich,
    sheet_label,
    steps_html,
    sub_element,
)
from quizgen.exports.moodle_file import DEFAULT_MAX_BYTES, quiz_files
from quizgen.exports.points import problem_items
from quizgen.i18n import _
from quizgen.problems.problem import Problem, fmt_marks
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


def _tags(q: ET.Element, problem: Problem, sheet: Sheet) -> None:
    tags = sub_element(q, "tags")
    marks = f"marks:{fmt_marks(problem.total_marks)}"
    for tag in ("quizgen", problem.kind, f"recipe:{sheet.recipe.name}", f"sheet:{sheet.code}", marks):
        sub_element(sub_element(tags, "tag"), "text", tag)


def _moodle_question(item: Item, sheet: Sheet, figures: Figures) -> ET.Element:
    """A problem with one answer: a ``numerical`` or ``multichoice`` question worth the problem's marks."""
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
        # Moodle grades with the first answer within tolerance: the right ones first, then each known slip.
        for value, fraction, feedback in numerical_answers(item):
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
    _tags(q, item.problem, sheet)
    return q


def _blank(index: int) -> str:
    """A stand-in for the index-th answer box, swapped for its marker once the HTML is written."""
    return f"\ue000{index}\ue001"


def cloze_html(problem: Problem, items: list[Item], weights: list[int], figure: ET.Element | None = None) -> str:
    """A cloze question's text: the problem, its figure once, then each part with its answer boxes in place."""
    asks: list[ET.Element] = []
    index = 0
    for key, group in groupby(items, key=lambda item: item.key.split(".")[0]):
        found = list(group)
        part = found[0].part
        letter = key.removeprefix(f"P{found[0].number}")
        label = h("strong", *rich(f"{letter}) {part.label}" if letter else part.label))
        blanks = [_blank(index + i) for i in range(len(found))]
        if part.choices:
            asks.append(h("div", h("p", label), blanks[0], class_="ask"))
        else:
            asks.append(h("p", label, " ", " × ".join(blanks), class_="ask"))
        index += len(found)
    text = html(*problem_elements(problem), figure, *asks)
    for i, (item, weight) in enumerate(zip(items, weights)):
        text = text.replace(_blank(i), blank_marker(item, weight))
    return text


def _cloze_question(problem: Problem, items: list[Item], sheet: Sheet, figures: Figures) -> ET.Element:
    """A problem with several answers: one ``cloze`` question, one sub-question per answer box."""
    weights, _factor = blank_weights([item.points for item in items])
    number = items[0].number
    q = ET.Element("question", type="cloze")
    _moodle_text(q, "name", f"P{number} · {problem.title}", fmt="")
    asked, key = figures.question(problem), figures.answer(problem)
    _moodle_text(q, "questiontext", cloze_html(problem, items, weights, _src(asked)), figure=asked)
    _moodle_text(q, "generalfeedback", steps_html(problem, _src(key)), figure=key)
    sub_element(q, "defaultgrade", str(sum(weights)))  # what Moodle makes of the weights; its import reads none
    sub_element(q, "penalty", "0.3333333")
    sub_element(q, "hidden", "0")
    sub_element(q, "idnumber", f"P{number}-{problem.id}")
    for i, part in enumerate(problem.parts):
        if part.hint:
            _moodle_text(q, "hint", html(h("p", *rich(f"{part_letter(i)}) {part.hint}"))))
    _tags(q, problem, sheet)
    return q


def moodle_questions(sheet: Sheet, figures: Figures) -> list[ET.Element]:
    """A sheet's questions in order: one per problem (``cloze`` when it has several answers)."""
    questions = []
    for number, problem in enumerate(sheet.problems, start=1):
        items = problem_items(problem, number)
        if len(items) == 1:
            questions.append(_moodle_question(items[0], sheet, figures))
        else:
            questions.append(_cloze_question(problem, items, sheet, figures))
    return questions


def moodle_files(
    sheets: list[Sheet], *, figures: bool = True, max_bytes: int = DEFAULT_MAX_BYTES, name: str = "quiz.moodle.xml"
) -> dict[str, str]:
    """Moodle XML: per sheet a category, then a question per problem, in files of at most ``max_bytes``.

    A problem with one answer is a ``numerical`` or ``multichoice`` question worth its marks; one with
    several is a ``cloze`` question (:mod:`quizgen.exports.cloze`).  With ``figures``, a problem's figures
    are files in its texts (see the module).  One file ``name`` if it fits, else numbered files, each a
    whole quiz (:func:`~quizgen.exports.moodle_file.quiz_files`).
    """
    drawn = Figures(figures)
    blocks = []
    for sheet in sheets:
        category = ET.Element("question", type="category")
        _moodle_text(category, "category", moodle_category_path(sheet), fmt="")
        _moodle_text(category, "info", intro_html(sheet))
        blocks.append((category, moodle_questions(sheet, drawn)))
    return quiz_files(blocks, name=name, max_bytes=max_bytes)


def moodle_xml(sheets: list[Sheet], *, figures: bool = True) -> str:
    """The whole Moodle XML quiz as one text, whatever its size."""
    (text,) = moodle_files(sheets, figures=figures, max_bytes=10**15).values()
    return text
