"""Exports to where classes already are: Moodle XML, GIFT, Canvas QTI 1.2 and Anki.

``quizgen worksheet --format moodle|gift|qti|anki`` writes one file holding
every sheet's problems, made from the same :class:`~quizgen.worksheet.Sheet`
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
numerical item per dimension (height, width, channels).  Moodle, GIFT and QTI
render these same items; an Anki note is a whole problem.

XML and HTML are built with :mod:`xml.etree.ElementTree`, never by pasting
strings.  The same seed and version give byte-identical files: zip entries
carry a fixed date, and Anki's timestamps are pinned to the quizgen version.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from quizgen.errors import QuizgenError, closest
from quizgen.i18n import _
from quizgen.problems.kinds import CONVENTION_TEXT
from quizgen.problems.problem import Part, Problem, Value, fmt_value
from quizgen.problems.sheet import Sheet

#: Each export format and the file it writes.
FILES = {
    "moodle": "quiz.moodle.xml",
    "gift": "quiz.gift.txt",
    "qti": "quiz.qti.zip",
    "anki": "deck.apkg",
}
FORMATS = tuple(FILES)


def export_files(fmt: str, sheets: list[Sheet]) -> dict[str, str | bytes]:
    """The export of ``sheets`` in ``fmt``: file name → contents (bytes for the zip formats)."""
    writers = {"moodle": moodle_xml, "gift": gift, "qti": qti_zip, "anki": anki_package}
    if fmt not in writers:
        known = ("md", "html", "json", *FORMATS)
        raise QuizgenError(
            _("--format {fmt}: not a known format{suggestion}; choose one of {items}").format(
                fmt=fmt, suggestion=closest(fmt, known), items=", ".join(known)
            )
        )
    if not sheets:
        raise QuizgenError(_("--format {fmt}: no sheets to export").format(fmt=fmt))
    return {FILES[fmt]: writers[fmt](sheets)}


# --- items: what every format asks ----------------------------------------------------------------

_MATH = re.compile(r"\$([^$]+)\$")
LETTERS = "abcdefghijklmnopqrstuvwxyz"

#: The axes of a shape answer, by its length, as (letter, word); shapes are height × width × channels.
AXES: dict[int, tuple[tuple[str, str], ...]] = {
    2: (("L", "length"), ("C", "channels")),
    3: (("H", "height"), ("W", "width"), ("C", "channels")),
    4: (("D", "depth"), ("H", "height"), ("W", "width"), ("C", "channels")),
}

#: The fixed date of every zip entry (zip's earliest), so that the same sheets give the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Option:
    """One option of a multiple-choice item."""

    letter: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Item:
    """One gradable question: a number to type (``answer``) or one option to pick (``options``)."""

    key: str  # the item's place on its sheet, e.g. "P3a" or "P1.H": unique within a sheet
    name: str  # e.g. "P3a · Pooling windows"
    number: int  # the problem's number on the sheet
    problem: Problem
    part: Part
    prompt: str  # what this item asks, e.g. "Output shape (H × W × C): the height (H)"
    answer: int | None = None
    wrongs: tuple[tuple[int, str], ...] = ()  # known wrong values and why each is wrong
    options: tuple[Option, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.answer is not None

    @property
    def question_html(self) -> str:
        return question_html(self.problem, self.prompt)

    @property
    def feedback_html(self) -> str:
        return steps_html(self.problem)


def sentence(text: str) -> str:
    """A feedback phrase as a sentence: capitalised, ending with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _scalar(value: Value) -> int | None:
    if isinstance(value, tuple):
        return value[0] if len(value) == 1 else None
    return value


def _merge(pairs: list[tuple[int, str]], answer: int) -> tuple[tuple[int, str], ...]:
    """Wrong values in first-seen order, each once (their reasons joined), never the right answer."""
    found: dict[int, list[str]] = {}
    for value, why in pairs:
        if value == answer:
            continue
        whys = found.setdefault(value, [])
        if why and why not in whys:
            whys.append(why)
    return tuple((value, sentence(_("; or ").join(whys))) for value, whys in found.items())


def part_letter(index: int) -> str:
    """A part's letter: a, b, …, z, then aa, ab, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


def part_items(problem: Problem, number: int, index: int) -> list[Item]:
    """The items of one part: one item, or one per dimension of a numeric shape."""
    part = problem.parts[index]
    letter = part_letter(index) if len(problem.parts) > 1 else ""
    key = f"P{number}{letter}"
    shown = f"{letter}) {part.label}" if letter else part.label
    if part.choices:
        options = tuple(
            Option(c.letter, fmt_value(c.value), c.correct, _("Correct.") if c.correct else sentence(c.why))
            for c in part.choices
        )
        return [Item(key, f"{key} · {part.label}", number, problem, part, shown, options=options)]
    answer = part.answer
    if isinstance(answer, tuple) and len(answer) > 1:
        axes = AXES.get(len(answer)) or tuple((str(i + 1), f"dimension {i + 1}") for i in range(len(answer)))
        items = []
        for d, (axis, word) in enumerate(axes):
            pairs = [
                (w.value[d], w.why) for w in part.wrongs if isinstance(w.value, tuple) and len(w.value) == len(answer)
            ]
            prompt = _("{label}: the {word} ({axis})").format(label=shown, word=_(word), axis=axis)
            items.append(
                Item(
                    f"{key}.{axis}",
                    f"{key} · {part.label} · {_(word)}",
                    number,
                    problem,
                    part,
                    prompt,
                    answer=answer[d],
                    wrongs=_merge(pairs, answer[d]),
                )
            )
        return items
    scalar = _scalar(answer)
    assert scalar is not None
    pairs = [(v, w.why) for w in part.wrongs if (v := _scalar(w.value)) is not None]
    return [
        Item(key, f"{key} · {part.label}", number, problem, part, shown, answer=scalar, wrongs=_merge(pairs, scalar))
    ]


def sheet_items(sheet: Sheet) -> list[Item]:
    """Every item of a sheet, in the sheet's order; problems numbered 1..N as on the printed sheet."""
    items: list[Item] = []
    for number, problem in enumerate(sheet.problems, start=1):
        for index in range(len(problem.parts)):
            items.extend(part_items(problem, number, index))
    return items


def unique_problems(sheets: list[Sheet]) -> list[tuple[Problem, list[Sheet]]]:
    """Each distinct problem (by content id) once, in first-seen order, with the sheets it is on."""
    found: dict[str, tuple[Problem, list[Sheet]]] = {}
    for sheet in sheets:
        for problem in sheet.problems:
            entry = found.setdefault(problem.id, (problem, []))
            if sheet not in entry[1]:
                entry[1].append(sheet)
    return list(found.values())


# --- HTML -----------------------------------------------------------------------------------------


def math(text: str) -> str:
    """``$…$`` math as ``\\(…\\)``, the inline delimiters MathJax reads in Moodle, Canvas and Anki."""
    return _MATH.sub(lambda m: r"\(" + m.group(1) + r"\)", text)


def h(tag: str, *content: str | ET.Element | None, **attrs: str) -> ET.Element:
    """An HTML element holding text and elements in order (``class_`` for ``class``)."""
    el = ET.Element(tag, {k.rstrip("_"): v for k, v in attrs.items()})
    last: ET.Element | None = None
    for c in content:
        if c is None:
            continue
        if isinstance(c, str):
            if last is None:
                el.text = (el.text or "") + c
            else:
                last.tail = (last.tail or "") + c
        else:
            el.append(c)
            last = c
    return el


def html(*elements: ET.Element | None) -> str:
    """Elements serialised as HTML, one after the other."""
    return "".join(ET.tostring(e, encoding="unicode", method="html") for e in elements if e is not None)


#: A symbol with a subscript in plain text, such as ``C_in`` or ``K_eff``: one letter, ``_``, a word.
SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z])_([A-Za-z0-9]+)(?![A-Za-z0-9_])")


def rich(text: str) -> list[str | ET.Element]:
    """Text with ``$…$`` math as ``\\(…\\)`` and symbols such as ``C_in`` outside it as C<sub>in</sub>."""
    out: list[str | ET.Element] = []
    last = 0
    for m in _MATH.finditer(text):
        out += _subscripts(text[last : m.start()])
        out.append(r"\(" + m.group(1) + r"\)")
        last = m.end()
    out += _subscripts(text[last:])
    return out


def _subscripts(text: str) -> list[str | ET.Element]:
    out: list[str | ET.Element] = []
    last = 0
    for m in SUBSCRIPT.finditer(text):
        out += [text[last : m.start()] + m.group(1), h("sub", m.group(2))]
        last = m.end()
    out.append(text[last:])
    return out


def inline_html(text: str) -> str:
    """Plain text as inline HTML: escaped, with symbols such as ``C_in`` as subscripts."""
    return html(h("span", *rich(text))).removeprefix("<span>").removesuffix("</span>")


def _lines(lines: list[str]) -> list[str | ET.Element]:
    out: list[str | ET.Element] = []
    for i, line in enumerate(lines):
        if i:
            out.append(h("br"))
        out += rich(line)
    return out


def problem_elements(problem: Problem) -> list[ET.Element | None]:
    """The problem as the sheet shows it: the text, the layer spec, and a flawed solution if any."""
    flawed = None
    if problem.flawed:
        flawed = h(
            "div",
            h("p", _("The student's working:")),
            h("p", *_lines([f"{step}: {working}" for step, working in problem.flawed])),
            class_="flawed",
        )
    return [
        h("p", *rich(problem.text)),
        h("pre", problem.shown_spec, class_="spec") if problem.shown_spec else None,
        flawed,
    ]


def question_elements(problem: Problem, prompt: str) -> list[ET.Element | None]:
    """One item's question: the problem, then what this item asks."""
    return [*problem_elements(problem), h("p", h("strong", prompt), class_="ask")]


def question_html(problem: Problem, prompt: str) -> str:
    return html(*question_elements(problem, prompt))


def steps_elements(problem: Problem) -> list[ET.Element | None]:
    items = []
    for s in problem.steps:
        lines = [s.formula] if s.formula else []
        if s.substituted and s.substituted != s.result:
            lines.append(f"= {s.substituted}" if lines else s.substituted)
        items.append(
            h(
                "li",
                h("strong", *rich(s.title)),
                ": ",
                *_lines(lines),
                " = " if lines else "",
                h("strong", *rich(s.result)),
            )
        )
    notes = [h("p", *rich(_("Note: {note}").format(note=n)), class_="note") for n in problem.notes]
    return [h("p", h("strong", _("Worked steps"))), h("ol", *items, class_="steps"), *notes]


def steps_html(problem: Problem) -> str:
    """The worked steps (formula, numbers put in, result) and the notes."""
    return html(*steps_elements(problem))


# --- naming and packaging -------------------------------------------------------------------------


def sheet_label(sheet: Sheet) -> str:
    """``Sheet 37-E688D0E2`` (and the student's name, if any)."""
    label = _("Sheet {code}").format(code=sheet.code)
    return f"{label} · {sheet.student}" if sheet.student else label


def stable_id(prefix: str, *parts: str, length: int = 16) -> str:
    """An identifier from content: the same inputs always give the same id."""
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return prefix + digest[:length]


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``entries`` with every date fixed, so that the same entries give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buffer.getvalue()


def _recipe_label(sheet: Sheet) -> str:
    return sheet.recipe.title or sheet.recipe.name


def _intro_html(sheet: Sheet) -> str:
    """A sheet's instructions and compute convention."""
    return html(
        h("p", math(sheet.recipe.instructions)) if sheet.recipe.instructions else None,
        h("p", h("strong", _("Convention") + ":"), " " + _(CONVENTION_TEXT[sheet.count])),
    )


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


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _moodle_text(parent: ET.Element, tag: str, text: str, fmt: str = "html") -> ET.Element:
    el = _sub(parent, tag, format=fmt) if fmt else _sub(parent, tag)
    _sub(el, "text", text)
    return el


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
    names = [_recipe_label(sheet), sheet_label(sheet)]
    return "$course$/top/" + "/".join(moodle_category_name(n) for n in names)


def _moodle_question(item: Item, sheet: Sheet) -> ET.Element:
    q = ET.Element("question", type="numerical" if item.numeric else "multichoice")
    _moodle_text(q, "name", item.name, fmt="")
    _moodle_text(q, "questiontext", item.question_html)
    _moodle_text(q, "generalfeedback", item.feedback_html)
    _sub(q, "defaultgrade", "1")
    _sub(q, "penalty", "0.3333333")
    _sub(q, "hidden", "0")
    _sub(q, "idnumber", f"{item.key}-{item.problem.id}")
    if item.numeric:
        # Moodle grades with the first answer within tolerance: the right one first, then each known slip.
        graded = [(item.answer, "100", _("Correct."))] + [(v, "0", why) for v, why in item.wrongs]
        for value, fraction, feedback in graded:
            a = _sub(q, "answer", fraction=_fraction(fraction), format="moodle_auto_format")
            _sub(a, "text", str(value))
            _moodle_text(a, "feedback", html(h("p", *rich(feedback))))
            _sub(a, "tolerance", "0")
        _sub(q, "unitgradingtype", "0")
        _sub(q, "unitpenalty", "0.1000000")
        _sub(q, "showunits", "3")
        _sub(q, "unitsleft", "0")
    else:
        _sub(q, "single", "true")
        _sub(q, "shuffleanswers", "false")  # keep the sheet's letters
        _sub(q, "answernumbering", "ABCD")
        _sub(q, "showstandardinstruction", "0")
        _moodle_text(q, "correctfeedback", _("Your answer is correct."))
        _moodle_text(q, "partiallycorrectfeedback", _("Your answer is partially correct."))
        _moodle_text(q, "incorrectfeedback", _("Your answer is incorrect."))
        for o in item.options:
            a = _sub(q, "answer", fraction=_fraction("100" if o.correct else "0"), format="html")
            _sub(a, "text", o.text)
            _moodle_text(a, "feedback", html(h("p", *rich(o.feedback))))
    if item.part.hint:
        _moodle_text(q, "hint", html(h("p", *rich(item.part.hint))))
    tags = _sub(q, "tags")
    for tag in ("quizgen", item.problem.kind, f"recipe:{sheet.recipe.name}", f"sheet:{sheet.code}"):
        _sub(_sub(tags, "tag"), "text", tag)
    return q


def moodle_xml(sheets: list[Sheet]) -> str:
    """Moodle XML: per sheet a category, then a ``numerical`` or ``multichoice`` question per item."""
    quiz = ET.Element("quiz")
    for sheet in sheets:
        category = _sub(quiz, "question", type="category")
        _moodle_text(category, "category", moodle_category_path(sheet), fmt="")
        _moodle_text(category, "info", _intro_html(sheet))
        for item in sheet_items(sheet):
            quiz.append(_moodle_question(item, sheet))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="unicode", xml_declaration=True) + "\n"


# --- GIFT -----------------------------------------------------------------------------------------

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


def gift_escape(text: str) -> str:
    """Text for GIFT: each of ``\\ ~ = # { } :`` escaped with a backslash, newlines as ``\\n``."""
    return _GIFT_SPECIAL.sub(r"\\\1", text).replace("\r", "").replace("\n", r"\n")


def gift(sheets: list[Sheet]) -> str:
    """GIFT: per sheet a ``$CATEGORY:``, then ``{#…}`` numerical or ``{=…~…}`` multiple-choice questions.

    Texts are HTML (``[html]``); every answer carries feedback, and the worked steps
    are the general feedback (``####``).  Category paths are not escaped: Moodle reads
    them raw.
    """
    blocks = []
    for sheet in sheets:
        path = moodle_category_path(sheet).replace("\n", " ")
        blocks.append(f"// {_recipe_label(sheet)} · {sheet_label(sheet)}\n$CATEGORY: {path}")
        for item in sheet_items(sheet):
            lines = [f"// {item.name} [{item.problem.id}]"]
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


# --- Canvas QTI 1.2 -------------------------------------------------------------------------------
# The subset Canvas writes and reads (its own QTI export): imsmanifest.xml names one resource of type
# imsqti_xmlv1p2 per quiz, whose file is a <questestinterop><assessment> of <item>s; each item says
# its kind in <qtimetadata> (question_type), scores with a SCORE variable from 0 to 100, and carries
# feedback as <itemfeedback> (general_fb, general_incorrect_fb, <answer id>_fb).

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
IMSCP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_ASSESSMENT_TYPE = "imsqti_xmlv1p2"  # Canvas's resource type for a quiz in a QTI-only package
LOR_TYPE = "associatedcontent/imscc_xmlv1p1/learning-application-resource"  # the quiz's Canvas settings


def _root(tag: str, namespace: str, schema: str, **attrs: str) -> ET.Element:
    """A root element whose default namespace is ``namespace``, with its schema location.

    The declarations are attributes, so that the elements below are in the default namespace
    without ElementTree's generated ``ns0:`` prefixes.
    """
    return ET.Element(
        tag, {"xmlns": namespace, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{namespace} {schema}", **attrs}
    )


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _qti_meta_field(parent: ET.Element, label: str, entry: str) -> None:
    field = _sub(parent, "qtimetadatafield")
    _sub(field, "fieldlabel", label)
    _sub(field, "fieldentry", entry)


def _qti_mattext(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    _sub(_sub(parent, "material"), "mattext", text, texttype=texttype)


def _qti_feedback(item: ET.Element, ident: str, text: str) -> None:
    _qti_mattext(_sub(_sub(item, "itemfeedback", ident=ident), "flow_mat"), text)


def _qti_condition(processing: ET.Element, go_on: bool, feedback: str = "") -> tuple[ET.Element, ET.Element]:
    """A <respcondition> (``continue`` Yes or No) and its <conditionvar>; it shows ``feedback`` if given."""
    rc = _sub(processing, "respcondition", **{"continue": "Yes" if go_on else "No"})
    cond = _sub(rc, "conditionvar")
    if feedback:
        _sub(rc, "displayfeedback", feedbacktype="Response", linkrefid=feedback)
    return rc, cond


#: The half-width of the range that stands for an exact answer of 0 in Canvas; answers are whole numbers.
ZERO_MARGIN = "0.0001"


def _qti_item(item: Item, sheet: Sheet, ordinal: int) -> ET.Element:
    """One item: a ``numerical_question`` with an exact answer (0 as a tiny range), or a ``multiple_choice_question``."""
    el = ET.Element("item", ident=stable_id("i", sheet.code, item.key, item.problem.id), title=item.name)
    answer_ids = [str(ordinal * 10 + i) for i in range(1, max(len(item.options), 1) + 1)]
    meta = _sub(_sub(el, "itemmetadata"), "qtimetadata")
    _qti_meta_field(meta, "question_type", "numerical_question" if item.numeric else "multiple_choice_question")
    _qti_meta_field(meta, "points_possible", "1.0")
    _qti_meta_field(meta, "original_answer_ids", ",".join(answer_ids))

    presentation = _sub(el, "presentation")
    _qti_mattext(presentation, html(h("div", *question_elements(item.problem, item.prompt))))
    if item.numeric:
        response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    else:
        response = _sub(presentation, "response_lid", ident="response1", rcardinality="Single")
        choices = _sub(response, "render_choice")
        for answer_id, o in zip(answer_ids, item.options):
            _qti_mattext(_sub(choices, "response_label", ident=answer_id), o.text, "text/plain")

    processing = _sub(el, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    _sub(_qti_condition(processing, True, "general_fb")[1], "other")
    if item.numeric:
        rc, cond = _qti_condition(processing, False)
        if item.answer == 0:
            # Canvas marks an exact answer of 0 incomplete; a range answer of ±ZERO_MARGIN grades right.
            _sub(cond, "vargte", f"-{ZERO_MARGIN}", respident="response1")
            _sub(cond, "varlte", ZERO_MARGIN, respident="response1")
        else:
            # An exact answer as Canvas writes one: equal to it, or between it and itself (a margin of 0).
            either = _sub(cond, "or")
            _sub(either, "varequal", str(item.answer), respident="response1")
            both = _sub(either, "and")
            _sub(both, "vargte", str(item.answer), respident="response1")
            _sub(both, "varlte", str(item.answer), respident="response1")
        _sub(rc, "setvar", "100", action="Set", varname="SCORE")
        if item.wrongs:  # Canvas keeps no feedback per wrong number: the known slips are the incorrect feedback
            _sub(_qti_condition(processing, True, "general_incorrect_fb")[1], "other")
    else:
        for answer_id in answer_ids:
            _sub(_qti_condition(processing, True, f"{answer_id}_fb")[1], "varequal", answer_id, respident="response1")
        correct = next(i for i, o in zip(answer_ids, item.options) if o.correct)
        rc, cond = _qti_condition(processing, False)
        _sub(cond, "varequal", correct, respident="response1")
        _sub(rc, "setvar", "100", action="Set", varname="SCORE")

    _qti_feedback(el, "general_fb", item.feedback_html)
    if item.numeric and item.wrongs:
        slips = h("ul", *(h("li", h("strong", fmt_value(v)), ": ", *rich(why)) for v, why in item.wrongs))
        _qti_feedback(el, "general_incorrect_fb", html(h("p", _("Known wrong answers, and why:")), slips))
    for answer_id, o in zip(answer_ids, item.options):
        _qti_feedback(el, f"{answer_id}_fb", html(h("p", *rich(o.feedback))))
    return el


def _sheet_title(sheet: Sheet) -> str:
    return f"{_recipe_label(sheet)} · {sheet_label(sheet)}"


def _qti_assessment(sheet: Sheet, ident: str, items: list[Item]) -> bytes:
    root = _root("questestinterop", QTI_NS, "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd")
    assessment = _sub(root, "assessment", ident=ident, title=_sheet_title(sheet))
    _qti_meta_field(_sub(assessment, "qtimetadata"), "cc_maxattempts", "unlimited")
    section = _sub(assessment, "section", ident="root_section")
    for ordinal, item in enumerate(items, start=100):
        section.append(_qti_item(item, sheet, ordinal))
    return _xml_bytes(root)


def _qti_settings(sheet: Sheet, ident: str, points: int) -> bytes:
    """Canvas's ``assessment_meta.xml``: the quiz's title, description and settings."""
    root = _root("quiz", CANVAS_NS, "https://canvas.instructure.com/xsd/cccv1p0.xsd", identifier=ident)
    for tag, text in (
        ("title", _sheet_title(sheet)),
        ("description", _intro_html(sheet)),
        ("shuffle_answers", "false"),  # keep the sheet's letters
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "practice_quiz"),
        ("points_possible", f"{points}.0"),
        ("show_correct_answers", "true"),
        ("allowed_attempts", "-1"),
    ):
        _sub(root, tag, text)
    return _xml_bytes(root)


def _qti_manifest(quizzes: list[str], title: str, ident: str) -> bytes:
    root = _root("manifest", IMSCP_NS, "http://www.imsglobal.org/xsd/imscp_v1p1.xsd", identifier=ident)
    root.set("xmlns:imsmd", IMSMD_NS)
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(_sub(_sub(_sub(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title"), "imsmd:string", title)
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    for quiz in quizzes:
        resource = _sub(resources, "resource", identifier=quiz, type=QTI_ASSESSMENT_TYPE)
        _sub(resource, "file", href=f"{quiz}/{quiz}.xml")
        _sub(resource, "dependency", identifierref=f"{quiz}_meta")
        settings = _sub(
            resources, "resource", identifier=f"{quiz}_meta", type=LOR_TYPE, href=f"{quiz}/assessment_meta.xml"
        )
        _sub(settings, "file", href=f"{quiz}/assessment_meta.xml")
    return _xml_bytes(root)


def qti_zip(sheets: list[Sheet]) -> bytes:
    """A Canvas QTI 1.2 zip: ``imsmanifest.xml``, and per sheet a folder with its quiz and the quiz's settings."""
    entries: list[tuple[str, bytes]] = []
    quizzes = []
    for sheet in sheets:
        ident = stable_id("g", sheet.recipe.name, sheet.code, sheet.student)
        items = sheet_items(sheet)
        entries.append((f"{ident}/{ident}.xml", _qti_assessment(sheet, ident, items)))
        entries.append((f"{ident}/assessment_meta.xml", _qti_settings(sheet, ident, len(items))))
        quizzes.append(ident)
    manifest = _qti_manifest(quizzes, _recipe_label(sheets[0]), stable_id("m", *quizzes))
    return zip_bytes([("imsmanifest.xml", manifest), *entries])


# --- Anki -----------------------------------------------------------------------------------------

#: The note type's id: fixed, so that every quizgen deck shares one note type.
ANKI_MODEL_ID = 1_607_392_319
#: Anki's timestamps (note and card ``mod``, the ids counted from it) are pinned: 2026-01-01 plus the
#: version as a number, so that a newer quizgen's deck counts as newer and updates the notes on import.
ANKI_EPOCH = 1_767_225_600

ANKI_CSS = """\
.card { font-family: sans-serif; font-size: 18px; text-align: left; color: black; background-color: white; }
pre.spec { background: #f4f4f4; padding: 0.4em; white-space: pre-wrap; }
ol.steps li { margin-bottom: 0.4em; }
ul.choices { list-style: none; padding-left: 1em; }
.note { color: #555; }
"""


def anki_guid(problem: Problem) -> str:
    """A note's GUID, from the problem's content id: re-importing a deck updates its notes."""
    import genanki

    return genanki.guid_for("quizgen", problem.id)


def anki_deck_id(sheet: Sheet) -> int:
    """The deck's id: fixed for a recipe (a hash of its name), in the range genanki recommends."""
    digest = hashlib.sha256(f"quizgen deck\0{sheet.recipe.name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def anki_timestamp() -> int:
    from quizgen import __version__

    numbers = [int(n) for n in re.findall(r"\d+", __version__)[:3]] + [0, 0, 0]
    major, minor, patch = numbers[:3]
    return ANKI_EPOCH + major * 1_000_000 + minor * 1_000 + patch


def _anki_model():  # type: ignore[no-untyped-def]
    import genanki

    return genanki.Model(
        ANKI_MODEL_ID,
        "quizgen problem",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Steps"}],
        templates=[
            {
                "name": "Problem",
                "qfmt": "{{Question}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}<div class="steps">{{Steps}}</div>',
            }
        ],
        css=ANKI_CSS,
    )


def anki_front(problem: Problem) -> str:
    """The card's front: the problem, then each part (with its options, for multiple choice)."""
    parts = []
    for i, part in enumerate(problem.parts):
        label = f"{part_letter(i)}) {part.label}" if len(problem.parts) > 1 else part.label
        options = h("ul", *(h("li", f"{c.letter}. {fmt_value(c.value)}") for c in part.choices), class_="choices")
        parts.append(h("li", h("strong", label), options if part.choices else None))
    return html(*problem_elements(problem), h("ul", *parts, class_="parts"))


def anki_back(problem: Problem) -> str:
    """The card's back: each part's answer."""
    rows = []
    for i, part in enumerate(problem.parts):
        label = f"{part_letter(i)}) {part.label}" if len(problem.parts) > 1 else part.label
        correct = next((c for c in part.choices if c.correct), None)
        value = f"{correct.letter}. {fmt_value(correct.value)}" if correct else fmt_value(part.answer)
        rows.append(h("li", label + ": ", h("strong", value)))
    return html(h("ul", *rows, class_="answers"))


def anki_package(sheets: list[Sheet]) -> bytes:
    """An Anki ``.apkg``: one note per distinct problem, in a deck named after the recipe."""
    import itertools
    import sqlite3

    import genanki

    first = sheets[0]
    deck = genanki.Deck(anki_deck_id(first), f"quizgen::{_recipe_label(first)}", description=_intro_html(first))
    model = _anki_model()
    for problem, found_on in unique_problems(sheets):
        tags = ["quizgen", problem.kind, f"recipe::{first.recipe.name}", *(f"sheet::{s.code}" for s in found_on)]
        fields = [anki_front(problem), anki_back(problem), steps_html(problem)]
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=anki_guid(problem)))
    package = genanki.Package(deck)
    timestamp = anki_timestamp()
    conn = sqlite3.connect(":memory:")
    try:
        package.write_to_db(conn.cursor(), timestamp, itertools.count(timestamp * 1000))
        conn.commit()
        collection = conn.serialize()
    finally:
        conn.close()
    return zip_bytes([("collection.anki2", collection), ("media", b"{}")])
