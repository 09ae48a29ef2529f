"""The one grading rule (DESIGN §7a): its table of cases, and its properties over random counts."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizgen.explain.answers import judge

#: The rule's table of cases, shared with every other implementation (the practice page's JS).
CASES = json.loads((Path(__file__).parent / "grading_cases.json").read_text(encoding="utf-8"))


def _correct(value):
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, float):
        return Fraction(str(value))
    return value


def test_the_table_of_cases_is_well_formed():
    assert len(CASES) >= 40
    assert {c["verdict"] for c in CASES} == {"exact", "rounded", "wrong", "unreadable"}
    assert all(set(c) == {"answer", "correct", "verdict", "why"} for c in CASES)
    # every notation of the example is in the table
    answers = {(c["answer"], c["correct"]) for c in CASES if not isinstance(c["correct"], list)}
    for text in ("34.9k", "3.49e4", "0.0349M", "34,900", "0M", "0G", "0B", "0.03M", "35k", "34944"):
        assert (text, 34944) in answers, text


def test_every_case_of_the_table_gets_its_verdict():
    wrong = [
        (c["answer"], c["correct"], c["verdict"], got)
        for c in CASES
        if (got := judge(c["answer"], _correct(c["correct"]))) != c["verdict"]
    ]
    assert not wrong


# --- the rule's properties, with a reference rounding written here (integer arithmetic) -----------


def _round_half_up(n: int, unit: int) -> int:
    return (n + unit // 2) // unit * unit


def _e_notation(digits: int, unit_exp: int) -> str:
    """``digits × 10^unit_exp`` in e-notation, every digit of ``digits`` written."""
    d = str(digits)
    mantissa = d[0] + ("." + d[1:] if len(d) > 1 else "")
    return f"{mantissa}e{unit_exp + len(d) - 1}"


def _suffixed(value: int, unit_exp: int, suffix: str, scale_exp: int) -> str:
    """``value`` with a suffix, written to the place ``10^unit_exp`` (needs unit_exp <= scale_exp)."""
    decimals = scale_exp - unit_exp
    whole, rest = divmod(value, 10**scale_exp)
    return f"{whole}.{rest // 10**unit_exp:0{decimals}d}{suffix}" if decimals else f"{whole}{suffix}"


SUFFIXES = {"k": 3, "M": 6, "G": 9, "T": 12}


def _notations(value: int, unit_exp: int) -> list[str]:
    """Every way to write ``value`` to the place 10^unit_exp: e-notation and each large-enough suffix."""
    texts = [_e_notation(value // 10**unit_exp, unit_exp)]
    texts += [_suffixed(value, unit_exp, s, e) for s, e in SUFFIXES.items() if e >= unit_exp]
    return texts


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=100, max_value=10**13), st.integers(min_value=3, max_value=6))
def test_a_correct_rounding_with_3_or_more_figures_is_right_in_every_notation(n, figures):
    unit_exp = max(len(str(n)) - figures, 0)
    unit = 10**unit_exp
    r = _round_half_up(n, unit)
    texts = _notations(r, unit_exp)
    verdicts = {t: judge(t, n) for t in texts}
    assert set(verdicts.values()) == {"exact" if r == n else "rounded"}, verdicts
    # the other rounding of an exact half is right too; any other neighbour in the last digit is wrong
    for neighbour in (r - unit, r + unit):
        if neighbour <= 0:
            continue
        expected = "rounded" if 2 * abs(n - neighbour) == unit else "wrong"
        got = {t: judge(t, n) for t in _notations(neighbour, unit_exp)}
        assert set(got.values()) == {expected}, (n, neighbour, got)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**13))
def test_zero_is_never_a_rounding_of_a_nonzero_count(n):
    for text in ("0", "0k", "0M", "0G", "0B", "0T", "0e5", "0.0M", "0.000G", "0.00e3"):
        assert judge(text, n) == "wrong", text
        assert judge(text, 0) == "exact", text


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000, max_value=10**13), st.integers(min_value=1, max_value=2))
def test_fewer_than_3_figures_is_wrong_unless_exact(n, figures):
    unit_exp = len(str(n)) - figures
    r = _round_half_up(n, 10**unit_exp)
    assume(len(str(r)) == len(str(n)))  # 9,950 to 2 figures is written 1.00e4: 3 figures
    for text in _notations(r, unit_exp):
        assert judge(text, n) == ("exact" if r == n else "wrong"), text


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000, max_value=10**13), st.integers(min_value=3, max_value=6))
def test_a_rounding_written_out_in_full_is_judged_as_exact(n, figures):
    r = _round_half_up(n, 10 ** max(len(str(n)) - figures, 0))
    for text in (str(r), f"{r:,}", f"{r:_}"):
        assert judge(text, n) == ("exact" if r == n else "wrong"), text
