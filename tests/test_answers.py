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


CASE_FIELDS = ("answer", "correct", "verdict", "why", "truncated", "echo")


def _correct(value):
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, float):
        return Fraction(str(value))
    return value


def test_the_table_of_cases_is_well_formed():
    assert len(CASES) >= 40
    assert {c["verdict"] for c in CASES} == {"exact", "rounded", "wrong", "unreadable"}
    # "truncated" and "echo": what a wrong answer is told (a cut-off said first; echoed as typed)
    assert all({"answer", "correct", "verdict", "why"} <= set(c) <= {*CASE_FIELDS} for c in CASES)
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


# --- the lookup keys (the practice page's hashes) never hide an answer the rule calls right -------

_corrects = st.one_of(
    st.integers(min_value=-(10**13), max_value=10**13),
    # just under a power of ten, where a rounding may step up to it: 99,600 as 1.00e5
    st.builds(lambda m, d, s: s * (10**m - d), st.integers(1, 13), st.integers(0, 1000), st.sampled_from([1, -1])),
    st.builds(Fraction, st.integers(-(10**8), 10**8), st.sampled_from([2, 3, 4, 5, 7, 8, 16, 125])),
    st.lists(st.integers(1, 10**6), min_size=1, max_size=4).map(tuple),
)


@st.composite
def _value_and_correct(draw):
    """A correct value and an answer as read: near it (rounded at some place, a unit or two off), or anything."""
    from quizgen.explain.answers import Number, magnitude, parse_number, rounded_at

    x = draw(_corrects)
    how = draw(st.sampled_from(["near", "near", "near", "exact", "shape", "any"]))
    number = Fraction(x[0]) if isinstance(x, tuple) else Fraction(x)
    if how == "shape":
        size = draw(st.integers(1, 4))
        sizes = list(x) if isinstance(x, tuple) and draw(st.booleans()) else draw(st.lists(st.integers(0, 10**6)))
        return tuple(sizes[:size]) or (0,), x
    if how == "exact":
        return Number(number), x
    if how == "any" or number == 0:
        j, k = draw(st.integers(-(10**6), 10**6)), draw(st.integers(-20, 20))
    else:
        k = magnitude(number) + draw(st.integers(-5, 2))
        base = draw(st.sampled_from(rounded_at(number, k))) / Fraction(10) ** k
        j = int(base) + draw(st.sampled_from([0, 0, 0, 1, -1, 2, -2]))
    # with an exponent: a rounding notation, its unit the place 10**k; or written out in full
    value = parse_number(f"{j}e{k}") if draw(st.booleans()) else Number(j * Fraction(10) ** k)
    assert value is not None
    return value, x


@settings(max_examples=1500, deadline=None)
@given(_value_and_correct())
def test_an_answer_the_rule_may_call_right_shares_a_lookup_key_with_the_value(pair):
    from quizgen.explain.answers import answer_keys, judge_value, near_keys, rounded_in_full

    value, x = pair
    meet = set(answer_keys(value)) & set(near_keys(x))
    if judge_value(value, x) != "wrong":
        assert meet, (value, x, answer_keys(value), near_keys(x))
    if rounded_in_full(value, x):
        assert meet, (value, x, answer_keys(value), near_keys(x))


@settings(max_examples=1500, deadline=None)
@given(_value_and_correct())
def test_an_answer_is_too_coarse_exactly_when_its_coarse_key_is_the_values(pair):
    from quizgen.explain.answers import answer_keys, coarse_keys, too_coarse

    value, x = pair
    coarse = [k for k in answer_keys(value) if k.startswith("c:")]
    assert too_coarse(value, x) == bool(set(coarse) & set(coarse_keys(x))), (value, x, coarse, coarse_keys(x))


def test_the_lookup_keys_of_the_edge_cases():
    from quizgen.explain.answers import answer_keys, coarse_keys, near_keys, parse_number

    # 99,600 rounded to 3 figures is 99,600 (996e2), and written as 1.00e5 it is right too (2 x 400 <= 1,000)
    assert near_keys(99600) == ("n:1e5", "n:996e2")
    assert set(answer_keys(parse_number("1.00e5"))) & set(near_keys(99600))
    # an exact half at the third figure: 34,950 may be written 34.9k or 35.0k
    assert near_keys(34950) == ("n:349e2", "n:35e3")
    # -34,944 rounds to -34,900; 35k is a 2-figure rounding at 10**3 (2 x 56 <= 1,000)
    assert near_keys(-34944) == ("n:-349e2",)
    assert "c:35e3@3" in coarse_keys(34944) and "c:35e3@3" in answer_keys(parse_number("35k"))
    # 27/2 = 13.5 and 1/3 = 0.333...: 3-figure roundings 13.5 and 0.333
    assert near_keys(Fraction(27, 2)) == ("n:135e-1",)
    assert near_keys(Fraction(1, 3)) == ("n:333e-3",)
    # a one-number shape: its size typed as a number meets the value's keys (34,944 -> 34,900)
    assert answer_keys((34944,)) == ("n:349e2",) == near_keys((34944,))


def test_unicode_digits_are_read_as_their_ascii_digits():
    # a fullwidth 0.03M has 1 significant figure, as 0.03M does: too coarse for 34,944, not a 3-figure rounding
    assert judge("０.０３M", 34944) == judge("0.03M", 34944) == "wrong"
    assert judge("３４.９k", 34944) == "rounded" and judge("٣٤٩٤٤", 34944) == "exact"
    # "²" is a digit to str.isdigit() but not a decimal int() can read: unreadable, not a crash
    assert judge("2x²", (2, 2)) == "unreadable"


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.integers(1, 10**30),
        st.builds(Fraction, st.integers(1, 10**12), st.integers(1, 10**12)),
        st.builds(lambda m, e: Fraction(m) / 10**e, st.integers(1, 999), st.integers(0, 420)),
    ),
    st.booleans(),
)
def test_magnitude_is_the_exponent_of_the_first_significant_digit(v, negative):
    from quizgen.explain.answers import magnitude

    e = magnitude(-v if negative else v)
    assert Fraction(10) ** e <= v < Fraction(10) ** (e + 1)
