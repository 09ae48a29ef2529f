"""Problems from a bank's entries: a layer's asked quantities or a stack's trace, with a source's wrong
claims first among each part's known wrong answers (each with why it is wrong)."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import TYPE_CHECKING

from quizgen.i18n import _, a_an, sentences
from quizgen.problems import kinds
from quizgen.problems.bank import Bank, BankEntry
from quizgen.problems.problem import Part, Problem

if TYPE_CHECKING:
    from quizgen.arith.layers import Layer


def bank_problem(bank: Bank, entry: BankEntry, difficulty: int, rng: random.Random) -> Problem:
    """A problem from a bank entry: a layer's asked quantities, or a trace of a stack."""
    from quizgen.arith.spec import parse
    from quizgen.problems import trace

    source = f"{bank.name}/{entry.id}"
    entry_title, entry_text = _(entry.title) if entry.title else "", _(entry.text) if entry.text else ""
    if entry.stack:
        problem = trace.trace_problem(rng, difficulty, stack_text=entry.stack, title=entry_title)
        text = sentences(entry_text, problem.text) if entry_text else problem.text
        return problem._replace(text=a_an(text), source=source, difficulty=difficulty)
    layer = parse(entry.spec)
    asked = list(entry.ask) or [k for k, _v in entry.claimed if k in kinds.LABELS] or ["output", "params"]
    question = _("Work out the right values.") if entry.claimed else _("Work out these values.")
    problem = kinds.layer_problem(
        f"bank:{bank.name}",
        difficulty,
        layer,
        asked,
        question,
        title=entry_title or entry.id,
        lead=entry_text or kinds.describe(layer),
    )
    parts = _with_claimed_wrongs(layer, problem.parts, entry.claimed)
    return problem._replace(text=a_an(problem.text), parts=parts, source=source, difficulty=difficulty, layer=layer)


def _with_claimed_wrongs(
    layer: Layer, parts: tuple[Part, ...], claimed: tuple[tuple[str, str], ...]
) -> tuple[Part, ...]:
    """Put a source's wrong claims first among a part's known wrong answers, each with why it is wrong."""
    from quizgen.explain import check as checking
    from quizgen.explain import misconceptions as M
    from quizgen.problems.problem import Wrong

    if not claimed:
        return parts
    results = {r.quantity: r for r in checking.check(layer, [checking.parse_claim(f"{k}={v}") for k, v in claimed])}
    out = []
    for part in parts:
        r = results.get(part.quantity)
        said = r.claimed if r is not None else None
        if isinstance(said, tuple):
            value: int | tuple[int, ...] | None = (
                tuple(int(x) for x in said) if all(Fraction(x).denominator == 1 for x in said) else None
            )
        else:
            value = int(said.value) if said is not None and said.value.denominator == 1 else None
        if r is None or r.ok or value is None:  # a source's fractional value is no answer to offer
            out.append(part)
            continue
        if r.misconceptions:
            why = M.explain_combo(layer, r.misconceptions[0])
        elif r.follows_from_output is not None:
            why = _("the source's value; it follows from its wrong {output} output").format(
                output="x".join(map(str, r.follows_from_output))
            )
        elif r.would_be_right_with:
            why = _("the source's value; it would be right with {options}").format(
                options=_("; or ").join(r.would_be_right_with)
            )
        else:
            why = _("the source's value")
        ids = r.misconceptions[0] if r.misconceptions else ("source-claim",)
        wrongs = (Wrong(value, ids, why), *(w for w in part.wrongs if w.value != value))
        out.append(part._replace(wrongs=wrongs))
    return tuple(out)
