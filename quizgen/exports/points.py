"""Points: what each answer box of a problem is worth, from the recipe's marks.

A problem's marks are shared equally by its parts, and a part's by its answer boxes (one per dimension
of a shape).  :func:`problem_items` gives the exact shares (Moodle's cloze weights keep their ratio);
:func:`sheet_items` rounds them to the hundredths that QTI's ``points_possible`` and GIFT's notes carry.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from math import ceil

from quizgen.errors import QuizgenError
from quizgen.exports.common import Item, part_items
from quizgen.i18n import _
from quizgen.problems.problem import Problem, fmt_marks
from quizgen.problems.sheet import Sheet


def problem_items(problem: Problem, number: int) -> list[Item]:
    """A problem's items in order, each with its exact share of the problem's marks (unrounded).

    A part's marks (the problem's marks shared equally by its parts) are shared equally by the part's
    items (one per dimension of a shape).
    """
    per_part = [part_items(problem, number, index) for index in range(len(problem.parts))]
    return [
        replace(item, points=marks / len(found)) for marks, found in zip(problem.part_marks, per_part) for item in found
    ]


def sheet_items(sheet: Sheet) -> list[Item]:
    """Every item of a sheet, in the sheet's order; problems numbered 1..N as on the printed sheet.

    Each item carries its points: its share of the problem's marks (:func:`problem_items`), in
    hundredths that add up to the problem's marks exactly (:func:`share_points`).  A problem whose marks
    would leave an item worth less than a hundredth (so 0 points, and a right answer worth nothing) is
    refused.
    """
    items: list[Item] = []
    for number, problem in enumerate(sheet.problems, start=1):
        exact = problem_items(problem, number)
        points = share_points([item.points for item in exact])
        if min(points) <= 0:
            raise QuizgenError(
                _(
                    "marks: problem {number} of sheet {code} is worth {marks} over {count} answers, so one answer "
                    "would be worth less than 0.01 points (the points exports give are in hundredths); "
                    "give it at least {least} marks"
                ).format(
                    number=number,
                    code=sheet.code,
                    marks=fmt_marks(problem.total_marks),
                    count=len(exact),
                    least=fmt_marks(_least_marks(problem.total_marks, [item.points for item in exact])),
                )
            )
        items += [replace(item, points=p) for item, p in zip(exact, points)]
    return items


def _least_marks(total: Fraction, shares: list[Fraction]) -> Fraction:
    """The fewest marks, in hundredths, that give the smallest of ``shares`` (of ``total``) a hundredth."""
    smallest = min(shares) / total
    return Fraction(ceil(Fraction(1, 100) / smallest * 100), 100)


def share_points(exact: list[Fraction]) -> list[Fraction]:
    """``exact`` shares rounded to hundredths that keep their sum, when the sum is a whole number of hundredths.

    Largest remainder: each share is rounded down, and the hundredths left over go to the shares that
    lost the most, the earlier first.  ``[1/3, 1/3, 1/3]`` becomes ``[0.34, 0.33, 0.33]``.
    """
    floors = [Fraction(int(x * 100), 100) for x in exact]
    left = round((sum(exact, Fraction(0)) - sum(floors, Fraction(0))) * 100)
    by_loss = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_loss[:left]:
        floors[i] += Fraction(1, 100)
    return floors
