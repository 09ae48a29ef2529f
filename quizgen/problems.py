"""Problems: what a worksheet asks, the hidden answers, and the known wrong answers with their causes.

A :class:`Problem` is made once (by a kind's sampler or from a bank entry) and
rendered into both the worksheet and the key, so any randomness is drawn once.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, NamedTuple

from quizgen import misconceptions as M
from quizgen.i18n import _
from quizgen.layers import Layer
from quizgen.steps import Step, num

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
    flawed: tuple[tuple[str, str], ...] = ()
    form: str = "numeric"
    source: str = ""
    layer: Layer | None = None
    asked_spec: str = ""

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


def fmt_value(value: Value | Fraction) -> str:
    """A value for display: ``34,944`` or ``55 × 55 × 96``."""
    if isinstance(value, tuple):
        return num(value[0]) if len(value) == 1 else " × ".join(map(str, value))
    if not isinstance(value, int):  # a Fraction
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    return num(value)


def wrongs_for(layer: Layer, quantity: str, answer: Value, limit: int = 6) -> tuple[Wrong, ...]:
    """Known wrong answers for a single-layer quantity, from the misconception catalogue (singles first)."""
    found = []
    for value, ids in M.distractors(layer, quantity, limit=limit):
        if value == answer or not isinstance(value, (int, tuple)):
            continue
        why = M.explain_combo(layer, ids)
        found.append(Wrong(value if isinstance(value, tuple) else int(value), ids, why))
    return tuple(found)


def slips(answer: Value, rng: random.Random, exclude: list[Value]) -> list[Wrong]:
    """Near misses for when the catalogue offers too few distractors: off-by-one, doubling and digit slips."""
    candidates: list[Value] = []
    if isinstance(answer, tuple) and len(answer) > 1:
        spatial, last = answer[:-1], answer[-1]
        for delta in (-1, 1, 2, -2, 3):
            if all(s + delta > 0 for s in spatial):
                candidates.append((*(s + delta for s in spatial), last))
        candidates.append((*spatial, last * 2))
    else:
        scalar = answer[0] if isinstance(answer, tuple) else answer
        numbers = [scalar - 1, scalar + 1, scalar + 2, scalar - 2, scalar + 3, 2 * scalar, scalar * 10]
        if scalar % 2 == 0:
            numbers.append(scalar // 2)
        if scalar % 10 == 0:
            numbers.append(scalar // 10)
        kept = [n for n in numbers if n > 0]
        candidates = [(n,) for n in kept] if isinstance(answer, tuple) else list(kept)
    rng.shuffle(candidates)
    why = _("an arithmetic slip: recompute it step by step")
    return [Wrong(c, ("slip",), why) for c in candidates if c not in exclude]


def with_choices(problem: Problem, rng: random.Random) -> Problem:
    """Make every part multiple choice: the answer and 3 distinct distractors, in seeded order."""
    parts = []
    for part in problem.parts:
        options: list[tuple[Value, bool, str]] = [(part.answer, True, _("correct"))]
        taken: list[Value] = [part.answer]
        pool = list(part.wrongs)
        pool += slips(part.answer, rng, taken + [w.value for w in pool])
        for wrong in pool:
            if len(options) == 4:
                break
            if wrong.value not in taken:
                taken.append(wrong.value)
                options.append((wrong.value, False, wrong.why))
        rng.shuffle(options)
        letters = "ABCD"
        choices = tuple(Choice(letters[i], v, ok, why) for i, (v, ok, why) in enumerate(options))
        parts.append(part._replace(choices=choices))
    return problem._replace(parts=tuple(parts), form="choice")
