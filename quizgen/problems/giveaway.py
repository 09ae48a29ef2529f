"""Whether one problem on a sheet would give another's answer away.

A student reads the whole sheet, so an answer of one problem must not be written in another's text, layer
line or flawed working (issue 21 C: problem 4's answer, 28 × 28 × 256, was problem 8's stated input). What
counts is what a student could copy: a whole shape, or a count of 1,000 or more (small numbers such as a
kernel size of 3 or 64 channels are on every sheet and give nothing away).
"""

from __future__ import annotations

from functools import lru_cache

from quizgen.problems.problem import Problem

#: The smallest count that an answer can give away by being written elsewhere.
SIGNIFICANT = 1000

Mark = int | tuple[int, ...]


def asked(problem: Problem) -> set[Mark]:
    """The problem's answers that another problem must not write: shapes, and counts of 1,000 or more."""
    out: set[Mark] = set()
    for part in problem.parts:
        a = part.answer
        if isinstance(a, tuple):
            out.add(a if len(a) > 1 else a[0])
        elif isinstance(a, int):
            out.add(a)
    return {m for m in out if isinstance(m, tuple) or abs(m) >= SIGNIFICANT}


def shown(problem: Problem) -> frozenset[Mark]:
    """The shapes and counts of 1,000 or more that the problem writes for the student to read."""
    return _shown((problem.text, problem.shown_spec, *(working for _step, working in problem.flawed)))


@lru_cache(maxsize=8192)  # a sheet judges a problem, then takes it; a redrawn scenario writes the same texts
def _shown(texts: tuple[str, ...]) -> frozenset[Mark]:
    from quizgen.explain.spellings import seen

    counts, shapes = seen(texts)
    return frozenset({c for c in counts if c >= SIGNIFICANT} | set(shapes))


def gives_away(problem: Problem, asked_before: set[Mark], shown_before: set[Mark]) -> bool:
    """Whether ``problem`` writes an earlier problem's answer, or asks for a value an earlier one writes."""
    return bool(asked(problem) & shown_before or shown(problem) & asked_before)  # the cheaper test first
