"""Pages read, put together by sheet code and judged: each part's answer rebuilt from its bubbles, judged by
the one rule (:func:`quizgen.explain.answers.judge`, as ``check`` and the drill do), a wrong one named by the
drill's matcher (:func:`quizgen.problems.feedback.diagnose`).

A grid-in reads ``d1.d2d3 × 10^e``; a shape is one grid-in a size, each judged as a count.  A column with two
bubbles filled, or one doubtful, is never guessed: the part goes to review.  The teacher's override box, ticked,
counts the part right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from quizgen.i18n import _
from quizgen.problems.problem import Part, Problem

ANSWER_COLUMNS = ("d1", "d2", "d3", "e")


@dataclass
class PartResult:
    """One part of one student's sheet: what was read, the verdict and the marks."""

    part: str  # "N.i"
    read: str = ""  # the answer as read ("3.49e4", "B", "28, 28, 64", "" for none)
    verdict: str = ""  # exact, rounded, wrong, blank, review, missing
    marks: Fraction = Fraction(0)
    out_of: Fraction = Fraction(0)
    override: bool = False
    why: str = ""  # the misconception's sentence, for a wrong answer the matcher names
    ids: tuple[str, ...] = ()
    review: str = ""  # why the part is in the review list


@dataclass
class StudentResult:
    """A sheet's results: the student, every part, and the sheet's problems (for the feedback page)."""

    code: str
    name: str
    student_id: str
    parts: list[PartResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> Fraction:
        return sum((p.marks for p in self.parts), Fraction(0))

    @property
    def out_of(self) -> Fraction:
        return sum((p.out_of for p in self.parts), Fraction(0))


def column_value(bubbles: list[Any]) -> tuple[str | None, str]:
    """One column's value from its bubbles: ``(value, "")``, ``(None, "")`` when empty, or ``(None, reason)``."""
    filled = [b for b in bubbles if b.state == "filled"]
    doubtful = [b for b in bubbles if b.state == "doubtful"]
    if len(filled) > 1:
        return None, _("two bubbles filled in one column ({values})").format(values=", ".join(b.value for b in filled))
    if doubtful:
        return None, _("a mark that is neither filled nor empty (a half fill or an erasure) at {values}").format(
            values=", ".join(b.value for b in doubtful)
        )
    return (filled[0].value, "") if filled else (None, "")


def read_id(bubbles: list[Any]) -> tuple[str, str]:
    """The student's number from the ID grid (part ``id``, columns ``id1``, ``id2``, … most significant first):
    ``(number, "")`` when every column has exactly one bubble filled.  Otherwise what was read, with ``?`` for
    each column not read for sure (``""`` for a grid left empty), and why, for the review list: a column left
    empty, two filled in one, or a doubtful mark is never guessed."""
    columns = sorted({b.column for b in bubbles}, key=lambda c: int(c[2:]))
    digits, reasons = [], []
    for c in columns:
        value, why = column_value([b for b in bubbles if b.column == c])
        if why:
            reasons.append(_("ID digit {n}: {why}").format(n=c[2:], why=why))
        elif value is None:
            reasons.append(_("ID digit {n} is left empty").format(n=c[2:]))
        digits.append(value if value is not None and not why else "?")
    if not reasons:
        return "".join(digits), ""
    if len(reasons) == len(columns) and all(d == "?" for d in digits) and not any(b.state != "empty" for b in bubbles):
        return "", _("the ID grid is left empty: the student's number is not known")
    read = "".join(digits)
    return read, _("the student's ID was read as {read} ('?' not read for sure); {why}").format(
        read=read, why="; ".join(reasons)
    )


def read_part(bubbles: list[Any], part: Part) -> tuple[str, str, bool | None]:
    """The answer text of one part from its bubbles, a review reason (``""`` if none), and the override box
    (True ticked, False not, None doubtful)."""
    override: bool | None = False
    box = [b for b in bubbles if b.column == "override"]
    if box:
        state = box[0].state
        override = True if state == "filled" else (None if state == "doubtful" else False)
    if part.choices:
        value, why = column_value([b for b in bubbles if b.column == "choice"])
        return value or "", why, override
    dims = sorted({b.dim for b in bubbles if b.column in ANSWER_COLUMNS})
    sizes: list[str | None] = []
    for dim in dims:
        cols = {}
        for c in ANSWER_COLUMNS:
            value, why = column_value([b for b in bubbles if b.dim == dim and b.column == c])
            if why:
                return "", why, override
            cols[c] = value
        if all(v is None for v in cols.values()):
            sizes.append(None)
            continue
        if any(v is None for v in cols.values()):
            return "", _("a grid-in with a row left empty"), override
        sizes.append(f"{cols['d1']}.{cols['d2']}{cols['d3']}e{cols['e']}")
    if all(s is None for s in sizes):
        return "", "", override
    if any(s is None for s in sizes):
        return "", _("a shape with a size left empty"), override
    return ", ".join(s for s in sizes if s), "", override


def judge_part(problem: Problem, part: Part, text: str) -> tuple[str, tuple[str, ...], str]:
    """The verdict of an answer text read for ``part`` (exact, rounded, wrong, blank), and for a wrong one the
    misconception ids and sentence the drill's matcher gives."""
    from quizgen.explain.answers import judge, parse_number
    from quizgen.problems.feedback import diagnose

    if not text:
        return "blank", (), ""
    if part.choices:
        chosen = next((c for c in part.choices if c.letter == text), None)
        if chosen is None:
            return "wrong", (), ""
        if chosen.correct:
            return "exact", (), ""
        ids, why = diagnose(problem, part, chosen.value)
        return "wrong", ids, why
    sizes = text.split(", ")
    answer = part.answer
    if isinstance(answer, tuple):
        if len(sizes) != len(answer):
            return "wrong", (), ""
        verdicts = [judge(s, a) for s, a in zip(sizes, answer)]
        if all(v == "exact" for v in verdicts):
            verdict = "exact"
        elif all(v in ("exact", "rounded") for v in verdicts):
            verdict = "rounded"
        else:
            verdict = "wrong"
        if verdict != "wrong":
            return verdict, (), ""
        numbers = [parse_number(s) for s in sizes]
        if all(n is not None and n.value.denominator == 1 for n in numbers):
            ids, why = diagnose(problem, part, tuple(int(n.value) for n in numbers if n is not None))
            return "wrong", ids, why
        return "wrong", (), ""
    verdict = judge(text, answer)
    if verdict in ("exact", "rounded"):
        return verdict, (), ""
    number = parse_number(text)
    if number is None:
        return "wrong", (), ""
    ids, why = diagnose(problem, part, number)
    return "wrong", ids, why
