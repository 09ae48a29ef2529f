"""What every export format shares: one :class:`Item` per answer box, the HTML of a problem, names, ids and zips."""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from quizgen.i18n import _
from quizgen.problems.kinds import CONVENTION_TEXT
from quizgen.problems.problem import Part, Problem, Value, fmt_value
from quizgen.problems.sheet import Sheet

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
    points: Fraction = Fraction(1)  # what the item is worth: its share of the problem's marks (see exports.points)

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


def question_elements(problem: Problem, prompt: str, figure: ET.Element | None = None) -> list[ET.Element | None]:
    """One item's question: the problem, its figure (if any), then what this item asks."""
    return [*problem_elements(problem), figure, h("p", h("strong", prompt), class_="ask")]


def question_html(problem: Problem, prompt: str, figure: ET.Element | None = None) -> str:
    return html(*question_elements(problem, prompt, figure))


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


def steps_html(problem: Problem, figure: ET.Element | None = None) -> str:
    """The worked steps (formula, numbers put in, result) and the notes, then the key's figure if given."""
    return html(*steps_elements(problem), figure)


# --- figures ---------------------------------------------------------------------------------------


class Figure(NamedTuple):
    """One SVG figure as a file of an export: its name comes from its content, so equal figures share one."""

    name: str  # fig-<hash>.svg
    svg: str
    alt: str  # the figure's <title>, for screen readers and where images are off

    @property
    def data(self) -> bytes:
        return self.svg.encode("utf-8")


class Figures:
    """The figures of one export, each drawn once: a problem's question side and its answer side.

    The rule of which problem gets which figure is :func:`quizgen.figures.choose.figure_for`: the
    question side never shows what is asked.  ``enabled=False`` (``figures=False``) gives none.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._drawn: dict[tuple[str, bool], Figure | None] = {}
        self._files: dict[str, Figure] = {}

    def question(self, problem: Problem) -> Figure | None:
        """The figure a student sees with the question (drawn with ``answer=False``), or ``None``."""
        return self._figure(problem, answer=False)

    def answer(self, problem: Problem) -> Figure | None:
        """The key's figure, with the answer, for feedback or a card's back, or ``None``."""
        return self._figure(problem, answer=True)

    def files(self) -> list[Figure]:
        """Every figure handed out so far, each file once, in the order first handed out."""
        return list(self._files.values())

    def _figure(self, problem: Problem, *, answer: bool) -> Figure | None:
        if not self.enabled:
            return None
        key = (problem.id, answer)
        if key not in self._drawn:
            from quizgen.figures.choose import figure_for

            svg = figure_for(problem, answer=answer)
            self._drawn[key] = None if svg is None else _figure_file(svg)
        found = self._drawn[key]
        if found is not None:
            self._files.setdefault(found.name, found)
        return found


def _figure_file(svg: str) -> Figure:
    title = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title")
    alt = (title.text or "") if title is not None else ""
    return Figure(f"fig-{hashlib.sha256(svg.encode()).hexdigest()[:16]}.svg", svg, alt)


def figure_element(figure: Figure | None, src: str) -> ET.Element | None:
    """A paragraph holding the figure as an image at ``src`` (how the format names its file)."""
    if figure is None:
        return None
    return h("p", h("img", src=src, alt=figure.alt, style="max-width:100%;height:auto"), class_="figure")


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


def recipe_label(sheet: Sheet) -> str:
    return sheet.recipe.title or sheet.recipe.name


def intro_html(sheet: Sheet) -> str:
    """A sheet's instructions and compute convention."""
    return html(
        h("p", math(sheet.recipe.instructions)) if sheet.recipe.instructions else None,
        h("p", h("strong", _("Convention") + ":"), " " + _(CONVENTION_TEXT[sheet.count])),
    )


def sub_element(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el
