"""What the drill tells a wrong answer: the line that says why, and the answer echoed as it was typed.

The practice page's script says the same (templates/practice/page.js, ``check``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizgen.i18n import _
from quizgen.problems.problem import Value, fmt_value

if TYPE_CHECKING:
    from quizgen.explain.answers import Number, Shape


def _wrong_line(value: Number | Shape, typed: str, answer: Value, why: str, cut: bool) -> tuple[str, bool]:
    """The line that says an answer is wrong and why, and whether it is about the notation only (so the hint
    about the working is not given): cut off instead of rounded, rounded too far, a rounding written out in
    full; else the misconception named; else zero in a rounding notation; else plain wrong."""
    from quizgen.explain.answers import (
        coarse_text,
        in_full_text,
        rounded_in_full,
        too_coarse,
        truncated_text,
        zero_rounding,
        zero_text,
    )

    if cut:
        return truncated_text(typed) + _("."), True
    spelling = None if why else rounded_in_full(value, answer)
    if not why and too_coarse(value, answer):
        return coarse_text(typed) + _("."), True
    if spelling:
        return in_full_text(typed, spelling) + _("."), True
    if why:
        return _("{shown}: {why}").format(shown=_show(value, typed), why=why) + _("."), False
    if zero_rounding(value):
        return zero_text(typed), False
    return _("{v} is not right.").format(v=_show(value, typed)), False


def _show(value: Number | Value | Shape, typed: str = "") -> str:
    """A wrong answer as echoed: as typed when it is written in a rounding notation (``322M``, never
    322,000,000 as if exact), else as a number with separators, a fraction as %g, a shape as ``a × b × c``."""
    from quizgen.explain.answers import Number

    if isinstance(value, Number) and value.unit is not None and typed:
        return typed
    if isinstance(value, Number):
        v = value.value
        if v.denominator == 1:
            return fmt_value(int(v))
        try:
            return f"{float(v):g}"
        except OverflowError:  # 1e400/3: beyond a float, shown as the page's script shows it
            return "inf" if v > 0 else "-inf"
    return fmt_value(value)  # type: ignore[arg-type]  # a shape may have a fractional size: fmt_value shows it
