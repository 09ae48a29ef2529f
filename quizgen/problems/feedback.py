"""What a part's feedback holds: every wrong value the drill would name, and the steps its solution shows.

The drill (:meth:`quizgen.drill.session.Drill.diagnose`) names a wrong answer when the rule of
:mod:`quizgen.explain.answers` matches it to a known wrong value: first a wrong choice's, then one of
the part's own wrong values, then any value a misconception (or a pair of them) produces for a single
layer.  It searches lazily, for the answer in hand.  A page that cannot run that search, the practice
page, needs the whole list beforehand: :func:`known_wrongs` gives it, each value with its sentence and
its place in the drill's order, so that an answer matching several names the one the drill names.  A
test holds the two to each other.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from fractions import Fraction
from typing import NamedTuple

from quizgen.explain import misconceptions as M
from quizgen.explain.misconceptions import _with_rounding
from quizgen.explain.steps import Step, steps_for
from quizgen.problems.problem import Part, Problem, fmt_value

#: A value as the rule reads it: a count (an int or a Fraction) or a shape.
Known = int | Fraction | tuple[int, ...]


class KnownWrong(NamedTuple):
    """A wrong value, why it is wrong, and its rank: the drill names the lowest-ranked match."""

    value: Known
    why: str
    rank: tuple[int, int, int]


def known_wrongs(problem: Problem, part: Part) -> list[KnownWrong]:
    """The wrong values the drill names for ``part``, each once at its best rank, best first.

    Ranks: a wrong choice ``(0, 0, i)``; a listed wrong value ``(1, 0, i)``; a misconception
    combination of ``size`` ids, the ``i``-th in the catalogue's order, ``(1 + size, 0, i)`` when it
    gives the value and ``(1 + size, 1, i)`` when it gives a fraction the student rounded to it (the
    drill prefers the first kind within a size, as :func:`quizgen.explain.misconceptions.explain_value`
    does).  Values no answer can match (a shape with a fractional size) are left out.
    """
    best: dict[Known, KnownWrong] = {}

    def add(value: object, why: str, rank: tuple[int, int, int]) -> None:
        known = _known(value)
        if known is None or known == part.answer or not why:
            return
        if known not in best or rank < best[known].rank:
            best[known] = KnownWrong(known, why, rank)

    for i, c in enumerate(part.choices):
        if not c.correct:
            add(c.value, c.why, (0, 0, i))
    for i, w in enumerate(part.wrongs):
        add(w.value, w.why, (1, 0, i))
    layer = problem.layer
    if layer is not None and part.quantity in M.QUANTITIES and _asks_one_layer(problem):
        ids = [m.id for m in M.applicable(layer, part.quantity)]
        correct = M.wrong_values(layer, part.quantity, frozenset())
        for size in (1, 2):
            for i, combo in enumerate(itertools.combinations(ids, size)):
                values = [v for v in M.wrong_values(layer, part.quantity, frozenset(combo)) if v not in correct]
                rounded = [v for v in _with_rounding(values) if v not in correct and v not in values]
                if not values and not rounded:
                    continue
                why = M.explain_combo(layer, combo)
                for v in values:
                    add(v, why, (1 + size, 0, i))
                for v in rounded:
                    add(v, why, (1 + size, 1, i))
    return sorted(best.values(), key=lambda k: k.rank)


def _asks_one_layer(problem: Problem) -> bool:
    """Whether the drill searches the catalogue for this problem (one layer of a kind it knows)."""
    from quizgen.problems import kinds as K

    return (
        problem.kind in K.REGISTRY
        and "\n" not in problem.spec
        and problem.kind not in ("params-separable", "spot-error")
    )


def _known(value: object) -> Known | None:
    """``value`` as the rule compares it, or ``None`` if no answer can equal it."""
    if isinstance(value, tuple):
        if any(Fraction(v).denominator != 1 for v in value):
            return None
        return tuple(int(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        return None
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


def part_steps(problem: Problem, part: Part) -> list[tuple[Step, str]]:
    """The worked steps shown with one part's answer (the drill's reveal, the practice page's solution).

    Each step comes with ``""``, or the letter of a later part whose answer it would give away: a part's
    steps are shown on their own (the drill asks the next part after them; the practice page opens one
    part), so they must not answer a part still to come.  Spot-error's "the error is step 2 … done right =
    3,456" answers its part b; such a step is shown without its working, saying which part asks for it.  A
    part before the last also stops at the step that gives its own answer: a trace's later layers are
    later parts.  An answer an earlier part already gives (pool-ops' divisions, equal to its windows) is
    no secret.
    """
    steps = steps_for(problem.steps, part.quantity)
    index = problem.parts.index(part)
    if index < len(problem.parts) - 1:
        mine = _plain(part.answer)
        steps = next((steps[: i + 1] for i, st in enumerate(steps) if _plain(st.result) == mine), steps)
    known = {_plain(p.answer) for p in problem.parts[: index + 1]}
    later = {
        _plain(p.answer): "abcdefghijklmnopqrstuvwxyz"[j]
        for j, p in reversed(list(enumerate(problem.parts)))
        if j > index and _plain(p.answer) not in known
    }
    return [(st, later.get(_plain(st.result), "")) for st in steps]


def _plain(value: object) -> str:
    """A value or a step's result with its separators and spaces removed: ``2,304`` and ``2304`` alike."""
    text = value if isinstance(value, str) else fmt_value(value)  # type: ignore[arg-type]
    return "".join(text.replace(",", "").split())


def seen_on(problems: Iterable[Problem]) -> tuple[set[int], set[tuple[int, ...]]]:
    """Every count and shape the problems write or ask for (text, spec, flawed working, answers, options).

    No example of how to write an answer (:mod:`quizgen.explain.spellings`) may be one of them.
    """
    from quizgen.explain.spellings import seen

    texts: list[str] = []
    values: list[object] = []
    for problem in problems:
        texts += [problem.text, problem.spec, problem.shown_spec, *(working for _step, working in problem.flawed)]
        for part in problem.parts:
            values += [part.answer, *(c.value for c in part.choices)]
    return seen(texts, values)


def _single_layer(problem: Problem) -> bool:
    return "\n" not in problem.spec and problem.kind not in ("params-separable", "spot-error")


def _matches(value: object, answer: object) -> bool:
    """Does ``value`` (a read Number or shape) match ``answer`` by the one grading rule?"""
    from quizgen.explain.answers import Number, judge_value

    if not isinstance(value, (Number, tuple)) or not isinstance(answer, (int, Fraction, tuple)):
        return value == answer
    return judge_value(value, answer) != "wrong"


def diagnose(problem: Problem, part: Part, value: object) -> tuple[tuple[str, ...], str]:
    """The misconception(s) that produce ``value`` (a parsed answer), and the sentence that names them.

    The drill's matcher, shared with ``quizgen mark``: first a wrong choice's value, then one of the part's
    own wrong values, then any value a misconception (or a pair) produces for a single layer.  ``((), "")``
    when none does.
    """
    from quizgen.problems import kinds as K

    for c in part.choices:
        if not c.correct and _matches(value, c.value):
            ids = next((w.ids for w in part.wrongs if w.value == c.value), ("slip",) if "slip" in c.why else ())
            return ids, c.why
    for w in part.wrongs:
        if _matches(value, w.value):
            return w.ids, w.why
    single = problem.layer is not None and problem.kind in K.REGISTRY and len(problem.parts) and _single_layer(problem)
    if single and problem.layer is not None and part.quantity in M.QUANTITIES:
        found = M.explain_value(problem.layer, part.quantity, lambda v: _matches(value, v))
        if found:
            combo = found[0]
            return combo, M.explain_combo(problem.layer, combo)
    return (), ""
