"""Slots: every sheet of a recipe asks the same parts in the same places, for the same marks.

A class's sheets differ in their numbers, never in their shape: problem 7 asks for the windows and
the comparisons on every sheet, so the marking grid's column ``7b`` means one thing and every sheet
is out of the same total.  Some kinds ask different parts from draw to draw (max- or average-pooling
counts, a spot-the-error problem's second quantity, a trace's number of layers, a choice part left
numeric for want of distractors), so each *slot* (one problem place of a recipe) has a target
:data:`Shape`, and a sheet draws that slot's problem again until its parts have that shape.

The target depends on the recipe's content and the slot only, never on the sheet's seed, so a sheet
made alone from its code has the shape it had in its class.  It is the shape of a reference draw from a
generator seeded by the recipe's fingerprint and the slot; where the section asks for multiple choice,
the reference draw with the most choice parts of a few (so that a choice section stays one).

A bank section that draws its entries at random keeps the reference draw's shapes: each sheet draws its
entries from those of the same shapes, in the same places.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import TYPE_CHECKING

from quizgen.problems import kinds
from quizgen.problems.codes import recipe_fingerprint
from quizgen.problems.problem import Problem, choice_parts
from quizgen.problems.registry import Making

if TYPE_CHECKING:
    from collections.abc import Callable

    from quizgen.problems.bank import Bank, BankEntry, Recipe

    #: A drawn problem not yet made: the quantities it asks, and how to make it.
    Draft = tuple[tuple[str, ...], Callable[[], Problem]]

#: A problem's parts as a grid column sees them: (quantity, multiple choice) for each part, in order.
Shape = tuple[tuple[str, bool], ...]

#: Reference draws looked at for a choice section's target (the one with the most choice parts wins).
CHOICE_REFERENCES = 8
#: How many draws a slot may take to find its shape.  Every target is the shape of at least about a
#: quarter of a kind's draws, so this many misses has a chance below 1e-40.
SHAPE_DRAWS = 400


def shape(problem: Problem, choice: bool) -> Shape:
    """The shape a problem has on a sheet, once made multiple choice where ``choice`` (drawing nothing)."""
    chosen = choice_parts(problem) if choice else (False,) * len(problem.parts)
    return tuple((part.quantity, made) for part, made in zip(problem.parts, chosen))


#: Targets worked out ahead by another process while a large sheet is drawn (:mod:`quizgen.render.figures_ahead`),
#: by :func:`target`'s arguments; :func:`target` takes them from here where they have arrived.
KNOWN: dict[tuple[Recipe, int, int, str], Shape] = {}


def target(recipe: Recipe, section: int, slot: int, convention: str) -> Shape:
    """The shape of problem ``slot`` (from 0) of ``recipe.sections[section]``, a kind's section, on every sheet."""
    known = KNOWN.get((recipe, section, slot, convention)) if KNOWN else None
    return known if known is not None else reference_target(recipe, section, slot, convention)


@lru_cache(maxsize=1024)
def reference_target(recipe: Recipe, section: int, slot: int, convention: str) -> Shape:
    """:func:`target`, worked out from the slot's reference draws."""
    s = recipe.sections[section]
    kind = kinds.get(s.kind)
    rng = random.Random(f"{recipe_fingerprint(recipe)}/{section}/{slot}/{convention}")
    if s.form != "choice":  # the parts' quantities are the shape: the draft need not be made
        return tuple((quantity, False) for quantity in kind.draft(rng, s.difficulty, convention)[0])
    best: Shape | None = None
    for _n in range(CHOICE_REFERENCES):
        found = shape(kind.sample(rng, s.difficulty, convention), True)
        if best is None or sum(c for _q, c in found) > sum(c for _q, c in best):
            best = found
    assert best is not None
    return best


def shaped(sample: Callable[[], Problem], want: Shape, choice: bool) -> Callable[[], Problem]:
    """``sample`` drawing again until its problem has the shape ``want`` (at most :data:`SHAPE_DRAWS` times).

    A sheet's other rules (no problem gives another's answer away, no layer twice) then choose among the
    problems of the slot's shape.
    """

    def draw() -> Problem:
        problem = sample()
        for _n in range(SHAPE_DRAWS):
            if shape(problem, choice) == want:
                break
            problem = sample()
        return problem

    return draw


def drafted(draft: Callable[..., Draft], want: Shape) -> Callable[[], Making]:
    """As :func:`shaped`, for a section without multiple choice (whose shape is its parts' quantities): each draw
    a draft (:meth:`quizgen.problems.registry.Kind.draft`, told the quantities ``wanted``), and only the one that
    fits is made, as a :class:`~quizgen.problems.registry.Making` (its face first)."""
    quantities = tuple(quantity for quantity, _choice in want)

    def draw() -> Making:
        asks, make = draft(wanted=quantities)
        for _n in range(SHAPE_DRAWS):
            if asks == quantities:
                break
            asks, make = draft(wanted=quantities)
        return make if isinstance(make, Making) else Making(make, as_it_is)

    return draw


def as_it_is(problem: Problem) -> Problem:
    """The whole of a problem made whole at once (its own face)."""
    return problem


def bank_entries(
    recipe: Recipe,
    section: int,
    bank: Bank,
    entry_shape: Callable[[BankEntry], Shape],
    rng: random.Random,
) -> list[BankEntry]:
    """``count`` entries of a bank section drawn by ``rng``, with the reference draw's shapes in its places.

    Within one shape, the entries are drawn at random and put in the bank's order.
    """
    s = recipe.sections[section]
    order = list(bank.entries)
    reference = random.Random(f"{recipe_fingerprint(recipe)}/{section}/bank")
    wanted = [entry_shape(e) for e in sorted(reference.sample(order, s.count), key=order.index)]
    picked: dict[Shape, list[BankEntry]] = {}
    for want in dict.fromkeys(wanted):
        group = [e for e in order if entry_shape(e) == want]
        picked[want] = sorted(rng.sample(group, wanted.count(want)), key=order.index)
    return [picked[want].pop(0) for want in wanted]
