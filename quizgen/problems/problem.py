"""Problems: what a worksheet asks, the hidden answers, and the known wrong answers with their causes.

A :class:`Problem` is made once (by a kind's sampler or from a bank entry) and
rendered into both the worksheet and the key, so any randomness is drawn once.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple, cast

from quizgen.arith.layers import Layer
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import Step, num
from quizgen.i18n import _, language

if TYPE_CHECKING:
    from fractions import Fraction

Value = int | tuple[int, ...]


class Wrong(NamedTuple):
    """A known wrong answer: its value, the misconception ids behind it, and why it is wrong."""

    value: Value
    ids: tuple[str, ...]
    why: str


class Choice(NamedTuple):
    """One option of a multiple-choice part."""

    letter: str
    value: Value
    correct: bool
    why: str


class Part(NamedTuple):
    """One thing to answer: a label, the quantity, the right value, and the known wrong values."""

    label: str
    quantity: str
    answer: Value
    wrongs: tuple[Wrong, ...] = ()
    choices: tuple[Choice, ...] = ()
    hint: str = ""


class FlawedLine(NamedTuple):
    """One line of a spot-the-error worked solution: ``formula = substituted = shown``.

    ``substituted`` is ``formula`` with the numbers put in: the layer's settings and the values shown
    in earlier lines (``uses`` lists those lines' numbers, from 1).  Evaluating ``substituted`` gives
    ``value`` exactly; ``shown`` is ``value`` as printed.  ``status`` is ``"right"``, ``"wrong"`` (the
    one line that applies a misconception's rule) or ``"carried"`` (the right formula applied to a
    wrong value from an earlier line).
    """

    number: int
    label: str
    quantity: str
    formula: str
    substituted: str
    value: int | Fraction
    shown: str
    status: str
    uses: tuple[int, ...] = ()

    @property
    def working(self) -> str:
        """The line as the student wrote it: ``weights × H_out × W_out = 576 × 112 × 112 = 7,225,344``."""
        if self.substituted == self.shown:
            return f"{self.formula} = {self.shown}"
        return f"{self.formula} = {self.substituted} = {self.shown}"


class Problem(NamedTuple):
    """A problem with its solution.  ``text`` may hold ``$…$`` LaTeX math."""

    kind: str
    title: str
    difficulty: int
    text: str
    parts: tuple[Part, ...]
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()
    spec: str = ""
    flawed: tuple[tuple[str, str], ...] = ()  # (step label, working) per line, as sheets print them
    form: str = "numeric"
    source: str = ""
    layer: Layer | None = None
    asked_spec: str = ""
    flawed_lines: tuple[FlawedLine, ...] = ()  # the structure behind ``flawed``, for audits and tools
    marks: Fraction | None = None  # the problem's marks, set by its sheet; None: one per part

    @property
    def total_marks(self) -> Fraction:
        """The problem's marks: the recipe section's ``marks:``, else one per part."""
        return self.marks if self.marks is not None else _whole(len(self.parts))

    @property
    def part_marks(self) -> tuple[Fraction, ...]:
        """Each part's marks: the problem's marks shared equally among its parts."""
        return _shares(self.total_marks, len(self.parts))

    @property
    def shown_spec(self) -> str:
        """The spec a student sees: with the unknown as ``?`` where the spec would give the answer away."""
        return self.asked_spec or self.spec

    @property
    def id(self) -> str:
        """A content id: the same problem always gets the same id."""
        import hashlib
        import json

        payload = json.dumps(
            [self.kind, self.text, self.spec, [fmt_value(p.answer) for p in self.parts]], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:10]


@lru_cache(maxsize=64)
def _whole(n: int) -> Fraction:
    """``Fraction(n)``, made once (a class's grid asks every problem's marks)."""
    from fractions import Fraction

    return Fraction(n)


@lru_cache(maxsize=256)
def _shares(total: Fraction, parts: int) -> tuple[Fraction, ...]:
    """``total`` shared equally among ``parts`` parts."""
    return (total / parts,) * parts


def fmt_marks(marks: Fraction | int) -> str:
    """Marks for display: ``2``, ``1.5``, ``0.33`` (at most two decimals, no trailing zeros)."""
    if isinstance(marks, int) or marks.denominator == 1:
        return str(int(marks))
    return f"{float(marks):.2f}".rstrip("0").rstrip(".")


def fmt_value(value: Value | Fraction) -> str:
    """A value for display: ``34,944`` or ``55 × 55 × 96``."""
    if isinstance(value, tuple):  # a size may be a fraction (a wrong answer's 60.5): shown as %g
        return (
            num(value[0])
            if len(value) == 1
            else " × ".join(str(x) if isinstance(x, int) else fmt_value(x) for x in value)
        )
    if not isinstance(value, int):  # a Fraction
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    return num(value)


def wrongs_for(layer: Layer, quantity: str, answer: Value, limit: int = 6) -> tuple[Wrong, ...]:
    """Known wrong answers for a single-layer quantity, from the misconception catalogue (singles first)."""
    return _wrongs_for(layer, quantity, answer, limit, language())


@lru_cache(maxsize=8192)
def _wrongs_for(layer: Layer, quantity: str, answer: Value, limit: int, _lang: str) -> tuple[Wrong, ...]:
    found = []
    for value, ids in M.distractors(layer, quantity, limit=limit):
        if value == answer or not isinstance(value, (int, tuple)):
            continue
        why = M.explain_combo(layer, ids)  # one cause, for keys; the drill and the page name every one (feedback.named)
        whole = cast(tuple[int, ...], value) if isinstance(value, tuple) else int(value)  # distractors are whole
        found.append(Wrong(whole, ids, why))
    return tuple(found)


def _options(part: Part, others: tuple[Value, ...] = ()) -> list[tuple[Value, bool, str]]:
    """A part's options before shuffling: the answer, then up to 3 distinct known wrong answers with a why.

    A value that is the answer to another part of the problem (``others``) is never offered as wrong,
    since the key's reason for it would give that part's answer away.
    """
    options: list[tuple[Value, bool, str]] = [(part.answer, True, _("correct"))]
    taken: list[Value] = [part.answer, *others]
    for wrong in part.wrongs:
        if len(options) == 4:
            break
        if wrong.value not in taken and wrong.why:
            taken.append(wrong.value)
            options.append((wrong.value, False, wrong.why))
    return options


def choice_parts(problem: Problem) -> tuple[bool, ...]:
    """Which of a problem's parts :func:`with_choices` makes multiple choice (those with 2 distractors or more).

    It draws nothing, so a sheet can tell a problem's form before it spends its generator on the shuffle.
    """
    return tuple(len(_options(part, _other_answers(problem, i))) >= 3 for i, part in enumerate(problem.parts))


def _other_answers(problem: Problem, index: int) -> tuple[Value, ...]:
    return tuple(p.answer for i, p in enumerate(problem.parts) if i != index)


def with_choices(problem: Problem, rng: random.Random) -> Problem:
    """Make each part multiple choice: the answer and up to 3 distinct distractors, in seeded order.

    Every distractor is a known wrong answer (a named misconception or a wrong rule the sampler names),
    never a made-up near miss.  With 2 such values a part gets 3 options; with fewer than 2 it stays a
    numeric-entry part (no ``choices``), since a lone distractor would make a guess too easy; a problem
    none of whose parts has 2 distractors keeps its numeric form.
    """
    parts = []
    for index, part in enumerate(problem.parts):
        options = _options(part, _other_answers(problem, index))
        if len(options) < 3:
            parts.append(part)
            continue
        rng.shuffle(options)
        letters = "ABCD"
        choices = tuple(Choice(letters[i], v, ok, why) for i, (v, ok, why) in enumerate(options))
        parts.append(part._replace(choices=choices))
    form = "choice" if any(part.choices for part in parts) else problem.form
    return problem._replace(parts=tuple(parts), form=form)
