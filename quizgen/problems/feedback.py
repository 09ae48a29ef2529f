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
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import NamedTuple

from quizgen.explain import misconceptions as M
from quizgen.explain.misconceptions import _with_rounding
from quizgen.explain.steps import Step, steps_for
from quizgen.problems.problem import Part, Problem, fmt_value

#: A value as the rule reads it: a count (an int or a Fraction) or a shape.
Known = int | Fraction | tuple[int | Fraction, ...]


#: Added to the rank of a combination about no convention the layer states, so one that is comes first.
_UNLIKELY = 100_000


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
    does).  Where several combinations of that rank give the value, its sentence names each, the one
    about a convention the layer states first (:func:`quizgen.explain.misconceptions.likely_first`), and
    ``i`` is that one's.  A shape with a fractional size is a value too: the drill reads ``60.5x63x64``.
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
            add(c.value, every_cause(problem, part, c.value, c.why)[1], (0, 0, i))
    for i, w in enumerate(part.wrongs):
        add(w.value, every_cause(problem, part, w.value, w.why)[1], (1, 0, i))
    layer = problem.layer
    if layer is not None and part.quantity in M.QUANTITIES and asks_one_layer(problem):
        ids = [m.id for m in M.applicable(layer, part.quantity)]
        correct = M.wrong_values(layer, part.quantity, frozenset())
        tiers: dict[Known, tuple[tuple[int, int], list[tuple[int, tuple[str, ...]]]]] = {}

        def note(value: object, tier: tuple[int, int], i: int, combo: tuple[str, ...]) -> None:
            known = _known(value)
            if known is None:
                return
            held = tiers.get(known)
            if held is None or tier < held[0]:
                tiers[known] = (tier, [(i, combo)])
            elif tier == held[0] and combo not in [c for _i, c in held[1]]:
                held[1].append((i, combo))

        for size in (1, 2):
            for i, combo in enumerate(itertools.combinations(ids, size)):
                values = [v for v in M.wrong_values(layer, part.quantity, frozenset(combo)) if v not in correct]
                rounded = [v for v in _with_rounding(values) if v not in correct and v not in values]
                for v in values:
                    note(v, (1 + size, 0), i, combo)
                for v in rounded:
                    note(v, (1 + size, 1), i, combo)
        for known, (tier, found) in tiers.items():
            # every cause of the value, the likely one first, as the drill's explain_value orders them
            combos = M.likely_first(layer, [combo for _i, combo in found])
            first = next(i for i, combo in found if combo == combos[0])
            add(
                known,
                M.explain_causes(layer, combos),
                (*tier, first + (0 if M.likely(layer, combos[0]) else _UNLIKELY)),
            )
    return sorted(best.values(), key=lambda k: k.rank)


def every_cause(problem: Problem, part: Part, value: object, why: str) -> tuple[tuple[str, ...] | None, str]:
    """A listed wrong value's sentence as the drill and the page say it: where ``why`` names one misconception
    of several that give ``value``, every one, the likely one first (the key keeps the one sentence).

    Returns the ids of the first cause (``None`` when ``why`` is kept as it is) and the sentence.
    """
    layer = problem.layer
    if layer is None or part.quantity not in M.QUANTITIES or not asks_one_layer(problem):
        return None, why
    if not isinstance(value, (int, Fraction, tuple)):  # a value no rule can produce: kept as it is
        return None, why
    combos = M.causes(layer, part.quantity, (value,)).get(value, ())
    if len(combos) < 2 or why not in {M.explain_combo(layer, c) for c in combos}:
        return None, why
    return combos[0], M.explain_causes(layer, combos)


def asks_one_layer(problem: Problem) -> bool:
    """Whether the drill searches the catalogue for this problem: one layer, of a kind it knows or from a
    problem bank."""
    from quizgen.problems import kinds as K

    return (
        (problem.kind in K.REGISTRY or problem.kind.startswith("bank:"))
        and "\n" not in problem.spec
        and problem.kind not in ("params-separable", "spot-error")
    )


def _known(value: object) -> Known | None:
    """``value`` as the rule compares it, or ``None`` if no answer can equal it."""
    if isinstance(value, tuple):  # a fractional size (the floor forgotten) is read too: 60.5x63x64
        return tuple(int(v) if Fraction(v).denominator == 1 else Fraction(v) for v in value)
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


def _matches(value: object, answer: object) -> bool:
    """Does ``value`` (a read Number or shape) match ``answer`` by the one grading rule?"""
    from quizgen.explain.answers import Number, judge_value

    if not isinstance(value, (Number, tuple)) or not isinstance(answer, (int, Fraction, tuple)):
        return value == answer
    return judge_value(value, answer) != "wrong"


def diagnose(
    problem: Problem, part: Part, value: object, matches: Callable[[object, object], bool] | None = None
) -> tuple[tuple[str, ...], str]:
    """The misconception(s) that produce ``value`` (a parsed answer), and the sentence that names them.

    The drill's matcher, shared with ``quizgen mark``: first a wrong choice's value, then one of the part's
    own wrong values, then any value a misconception (or a pair) produces for a single layer; every cause of
    the value is named, the likely one first, and the first is the one recorded.  ``matches`` decides whether
    the answer meets a value (the one grading rule by default).  ``((), "")`` when nothing matches.
    """
    match = matches or _matches
    for c in part.choices:
        if not c.correct and match(value, c.value):
            ids = next((w.ids for w in part.wrongs if w.value == c.value), ("slip",) if "slip" in c.why else ())
            first, why = every_cause(problem, part, c.value, c.why)
            return first or ids, why
    for w in part.wrongs:
        if match(value, w.value):
            first, why = every_cause(problem, part, w.value, w.why)
            return first or w.ids, why
    if problem.layer is not None and asks_one_layer(problem) and part.quantity in M.QUANTITIES:
        found = M.naming(problem.layer, part.quantity, lambda v: match(value, v))
        if found:
            return found[0], M.explain_causes(problem.layer, found)
    return (), ""
