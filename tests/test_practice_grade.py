"""The practice page's JS grading rule (templates/practice/grade.js) against the Python (quizgen.explain.answers).

Run in Debian's Chromium through ``file://``: the table of cases gets the same verdicts, and a few
thousand seeded random answers get identical verdicts, lookup keys, coarse and written-in-full
diagnoses, and display strings in both languages.  Skips, or under CI fails, without Chromium (tests/browser.py).
"""

from __future__ import annotations

import contextlib
import json
import random
from fractions import Fraction
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser import chromium, require_browser

from quizgen.drill.session import Drill, Finish, _show
from quizgen.explain.answers import (
    Number,
    answer_keys,
    coarse_keys,
    exact_text,
    judge,
    judge_value,
    magnitude,
    near_keys,
    parse_value,
    rounded_at,
    rounded_in_full,
    too_coarse,
)
from quizgen.problems.problem import Part, Problem, fmt_value

require_browser()  # the whole module: every test compares with the JS in Chromium

CASES = json.loads((Path(__file__).parent / "grading_cases.json").read_text(encoding="utf-8"))

#: Evaluates each case with the JS: the same fields as :func:`python_results`.
HARNESS = """
const G = window.QuizgenGrade;
const ser = (v) => v === null ? null : Array.isArray(v) ? v.map(String)
  : {n: String(v.value.n), d: String(v.value.d), unit: v.unit && `${v.unit.n}/${v.unit.d}`, figures: v.figures};
window.runCase = (c) => {
  const correct = G.parseExact(c.correct), value = G.readValue(c.text), answer = G.readAnswer(c.text, c.rank);
  return {
    strip: G.strip(c.text), verdict: G.judge(c.text, correct), value: ser(value), answer: ser(answer),
    near: G.nearKeys(correct), coarse: G.coarseKeys(correct), fmt: G.fmtValue(correct),
    keys: value && G.answerKeys(value), answer_keys: answer && G.answerKeys(answer),
    too_coarse: value && G.tooCoarse(value, correct), in_full: value && G.roundedInFull(value, correct),
    show: value && G.show(value), figures: value && G.figures(value),
    drill: answer && G.judgeValue(answer, correct), precheck: answer && G.precheck(answer, c.rank, false),
  };
};
"""


def grade_js() -> str:
    return (files("quizgen.templates") / "practice" / "grade.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The test page in Chromium, with grade.js and a harness loaded (see _Graded)."""
    page_file = tmp_path_factory.mktemp("grade") / "grade.html"
    page_file.write_text(
        f'<!doctype html><meta charset="utf-8"><script>{grade_js()}</script><script>{HARNESS}</script>',
        encoding="utf-8",
    )
    with chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.resolve().as_uri())
        assert not errors, errors
        yield _Graded(page)


# --- the Python side ---------------------------------------------------------------------------


def _ser(value):
    if value is None:
        return None
    if isinstance(value, tuple):
        return [str(v) for v in value]
    unit = value.unit and f"{value.unit.numerator}/{value.unit.denominator}"
    return {"n": str(value.value.numerator), "d": str(value.value.denominator), "unit": unit, "figures": value.figures}


def _correct(exact: str):
    """The inverse of exact_text."""
    if "," in exact:
        return tuple(int(p) for p in exact.split(",") if p)
    return Fraction(exact) if "/" in exact else int(exact)


class _Graded:
    """graded(cases) -> the JS's results, one page.evaluate for the lot; graded.page for anything else."""

    def __init__(self, page) -> None:
        self.page = page

    def __call__(self, cases: list[dict]) -> list[dict]:
        # one JSON string each way: Playwright's own serialisation of thousands of objects is slow
        return json.loads(
            self.page.evaluate("(text) => JSON.stringify(JSON.parse(text).map(window.runCase))", json.dumps(cases))
        )


class _Asked(Exception):
    pass


def drill_precheck(text: str, correct) -> str | None:
    """Which of its two "costs nothing" lines the real drill prints for ``text`` (None: it judged it)."""
    drill = Drill.__new__(Drill)  # only ask_part's reading and checks run: the rest is stubbed
    said: list[str] = []
    answers = iter([text])

    def read(_prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise Finish from None

    def judged(*_args, **_kwargs):
        raise _Asked

    drill.read, drill.write, drill.style = read, said.append, SimpleNamespace(dim=str, good=str, bad=str)
    drill.save = drill.diagnose = judged
    part = Part("size", "output", correct)
    problem = Problem("output-conv", "", 1, "", (part,), ())  # nothing on it: the drill's examples are its own
    with contextlib.suppress(_Asked, Finish):
        drill.ask_part(problem, part, "a")
    out = "".join(said)
    if "Give the whole shape" in out:
        return "whole-shape"
    if "one number, not a shape" in out:
        return "one-number"
    return None


def python_results(case: dict) -> dict:
    text, correct = case["text"], _correct(case["correct"])
    value = parse_value(text)
    part = SimpleNamespace(choices=(), answer=correct)
    answer = Drill.read_value(None, part, text)  # type: ignore[arg-type]
    out = {
        "strip": text.strip(),
        "verdict": judge(text, correct),
        "value": _ser(value),
        "answer": _ser(answer),
        "near": list(near_keys(correct)),
        "coarse": list(coarse_keys(correct)),
        "fmt": fmt_value(correct),
        "keys": None,
        "answer_keys": None,
        "too_coarse": None,
        "in_full": None,
        "show": None,
        "figures": None,
        "drill": None,
        "precheck": None,
    }
    if value is not None:
        out["keys"] = list(answer_keys(value))
        out["too_coarse"] = too_coarse(value, correct)
        out["in_full"] = rounded_in_full(value, correct)
        try:
            out["show"] = _show(value)
        except OverflowError:  # float() of a fraction beyond any double: the JS says "inf" instead
            out["show"] = "inf" if value.value > 0 else "-inf"
        out["figures"] = value.figures if isinstance(value, Number) else 0
    if answer is not None:
        out["answer_keys"] = list(answer_keys(answer))
        out["drill"] = judge_value(answer, correct)
        out["precheck"] = drill_precheck(text, correct)
    return out


# --- the cases ---------------------------------------------------------------------------------

SUFFIXES = {"k": 3, "M": 6, "G": 9, "B": 9, "T": 12}
ODD = ["\u00a0", "\u3000", "\ufeff", "\x1c", "\x85", "\u212a", "²", "３", "٣", "−", "\t", "\n"]


def _digits_at(value: Fraction, exp: int) -> str:
    """``value`` (a multiple of 10**exp) written as a decimal mantissa: 34900 at exp 3 -> '34.9' (sign kept)."""
    j = value / Fraction(10) ** exp
    sign = "-" if j < 0 else ""
    j = abs(j)
    assert j.denominator == 1 or all(p in (2, 5) for p in _primes(j.denominator))
    places = 0
    while (j * 10**places).denominator != 1:
        places += 1
    s = str((j * 10**places).numerator).rjust(places + 1, "0")
    return sign + (s[:-places] + "." + s[-places:] if places else s)


def _primes(n: int) -> list[int]:
    out, p = [], 2
    while n > 1:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    return out


def _separated(n: int, rng: random.Random) -> str:
    sep = rng.choice([",", " ", "_", ""])
    s = f"{abs(n):,}".replace(",", sep)
    return ("-" if n < 0 else rng.choice(["", "", "+"])) + s


def _rounded_forms(x: Fraction, rng: random.Random) -> list[str]:
    """``x`` rounded at a random place (sometimes off by one unit), in e-notation and with a suffix."""
    if x == 0:
        return ["0", "0M", "0.0k", "0e5", "-0.00G"]
    place = rng.randint(-4, 14)
    unit = Fraction(10) ** place
    q = x / unit
    j = q.numerator // q.denominator + rng.choice([0, 0, 0, 1, 1, -1, 2])
    y = j * unit
    forms = []
    exp_at = rng.randint(place, place + 6)  # the mantissa's scale: 349e2, 34.9e3, 0.349e5
    mant = _digits_at(y, exp_at)
    forms.append(f"{mant}{rng.choice('eE')}{rng.choice(['', '+', '0'])}{exp_at}" if exp_at >= 0 else f"{mant}e{exp_at}")
    name, power = rng.choice(list(SUFFIXES.items()))
    if place >= power - 8:
        mant = _digits_at(y, power)
        lead = rng.choice(["", "", "0", "00"]) if not mant.startswith("-") else ""
        forms.append(lead + mant + rng.choice([name, name.lower(), name.upper()]))
    if y.denominator == 1:
        forms.append(_separated(int(y), rng))  # written out in full
    return forms


def _correct_value(rng: random.Random):
    kind = rng.random()
    if kind < 0.45:
        n = rng.randint(1, 10 ** rng.randint(1, 14))
        return -n if rng.random() < 0.1 else n
    if kind < 0.6:  # just under or at a power of ten: 99,600 and 1.00e5
        m = rng.randint(2, 12)
        return 10**m - rng.choice([0, 1, 4, 40, 400, 500, 501, 5 * 10 ** (m - 3), 10 ** (m - 2)])
    if kind < 0.75:
        return rng.choice([Fraction(27, 2), Fraction(1, 3), Fraction(2, 3), Fraction(-7, 4), Fraction(1, 8)]) * (
            Fraction(10) ** rng.randint(-3, 6)
        )
    if kind < 0.8:
        return Fraction(rng.randint(1, 10**7), rng.choice([2, 4, 5, 8, 16, 3, 7, 9]))
    if kind < 0.83:
        return 0
    if kind < 0.93:
        return tuple(rng.randint(1, 300) for _ in range(rng.randint(2, 4)))
    return (rng.randint(1, 10**6),)


def _garbage(rng: random.Random) -> str:
    pool = list("0123456789.,_ eEkKmMgGbBtTxX×*/()[]+-") + ODD + ["twelve", "1e400", "1e-401", "1e999999"]
    return "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))


def _answers(x, rng: random.Random) -> list[str]:
    if isinstance(x, tuple):
        forms = ["x".join(map(str, x)), " × ".join(map(str, x)), "*".join(map(str, x)), ", ".join(map(str, x))]
        forms += [f"({', '.join(map(str, x))})", f"[{','.join(map(str, x))}]", "X".join(map(str, x)), f"{x[0]},"]
        off = list(x)
        off[rng.randrange(len(off))] += rng.choice([-1, 1])
        forms += ["x".join(map(str, off)), "x".join(map(str, x[:-1])), str(x[0]), f"{x[0]}.0", f"{x[0] / 1000}k"]
        forms += [f"{x[0]:.2e}", f"{x[0]}/1", f"({x[0]})", _garbage(rng)]
        return forms
    v = Fraction(x)
    forms = _rounded_forms(v, rng) + _rounded_forms(v, rng) + [_garbage(rng), _garbage(rng)]
    if v != 0:  # too coarse: 1 or 2 figures, e.g. 3e4 and 35e3 for 34,944
        e = magnitude(v)
        for k in (e - 1, e):
            forms += [f"{_digits_at(y, k)}e{k}" for y in rounded_at(v, k) if y]
        for k in (e - 3, e - 2, e - 1):  # a rounding written out in full: 34,900 for 34,944
            forms += [_separated(int(y), rng) for y in rounded_at(v, k) if y.denominator == 1]
    if v.denominator == 1:
        forms += [_separated(int(v), rng), "00" + str(int(v)) if v > 0 else str(v), f"{float(v):e}"]
    else:
        forms += [f"{v.numerator}/{v.denominator}", f"{2 * v.numerator} / {2 * v.denominator}", f"{float(v):.6g}"]
        forms += [f"{v.numerator}k/{v.denominator}", f"1e400/{v.denominator}", f"{v.numerator}/0"]
    forms += [f"{v.numerator}/{v.denominator}/{rng.randint(1, 9)}", "1.5e-400", "9e400", "9e401"]
    return forms


def random_cases(seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        x = _correct_value(rng)
        rank = len(x) if isinstance(x, tuple) else 0
        for text in _answers(x, rng):
            cases.append({"text": text, "correct": exact_text(x), "rank": rank})
    return cases[:count]


def _differences(cases: list[dict], js: list[dict], python: list[dict] | None = None) -> list[tuple]:
    diffs = []
    for case, got, want in zip(cases, js, python or map(python_results, cases), strict=True):
        bad = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
        if bad:
            diffs.append((case["text"], case["correct"], bad))
    return diffs


# --- the tests ---------------------------------------------------------------------------------


def test_every_case_of_the_table_gets_the_same_verdict_in_js(graded):
    cases = [{"text": c["answer"], "correct": exact_text(_table_correct(c["correct"])), "rank": 0} for c in CASES]
    got = graded(cases)
    table = [(c["answer"], c["correct"], c["verdict"]) for c in CASES]
    js = [(c["answer"], c["correct"], g["verdict"]) for c, g in zip(CASES, got, strict=True)]
    python = [(c["answer"], c["correct"], judge(c["answer"], _table_correct(c["correct"]))) for c in CASES]
    assert js == table
    assert python == table


def _table_correct(value):
    if isinstance(value, list):
        return tuple(value)
    return Fraction(str(value)) if isinstance(value, float) else value


def test_random_answers_get_identical_results_in_python_and_js(graded):
    cases = random_cases(seed=14, count=4000)
    # the generator reaches every branch it is meant to: each verdict, coarse, in full, shapes, fractions
    python = [python_results(c) for c in cases]
    assert {p["verdict"] for p in python} == {"exact", "rounded", "wrong", "unreadable"}
    assert sum(p["too_coarse"] is True for p in python) >= 50
    assert sum(p["in_full"] is not None for p in python) >= 20
    assert {p["precheck"] for p in python} == {None, "whole-shape", "one-number"}
    assert any("/" in c["correct"] for c in cases) and any(c["correct"].endswith(",") for c in cases)
    diffs = _differences(cases, graded(cases), python)
    assert not diffs, f"{len(diffs)} of {len(cases)} differ, e.g. {diffs[:5]}"


@pytest.mark.parametrize(
    ("text", "correct", "shown"),
    [
        # %g rounds the double's exact value to 6 figures, ties to even: 123456.5 -> 123456, not 123457
        ("246913/2", "1", "123456"),
        ("246915/2", "1", "123458"),
        ("1/100000", "1", "1e-05"),  # exponent form below 1e-4, with two exponent digits
        ("1/10000", "1", "0.0001"),
        ("2000001/2", "1", "1e+06"),  # rounds up to 1,000,000: exponent form from 1e6 on
        ("-1/3", "1", "-0.333333"),
        ("34.944k", "1", "34,944"),  # an integer value keeps its separators
        ("55x55x96", "1", "55 × 55 × 96"),
    ],
)
def test_show_matches_the_drills_spelling(graded, text, correct, shown):
    case = {"text": text, "correct": correct, "rank": 0}
    assert graded([case])[0]["show"] == shown == python_results(case)["show"]


def test_unicode_digits_and_spaces_read_alike(graded):
    # fullwidth and Arabic-Indic digits are read as their ASCII digits; a fullwidth leading zero is not
    # significant: ０.０３M is 30,000 with 1 figure, too coarse for 34,944 (2 x 4,944 <= 10,000), as 0.03M is.
    cases = [
        {"text": t, "correct": "34944", "rank": 0}
        for t in ["３４.９k", "٣٤٩٤٤", "０.０３M", "\u300034.9k\u3000", "\ufeff34.9k", "34.9\u212a", "2x²"]
    ]
    got = graded(cases)
    assert [g["verdict"] for g in got] == [
        "rounded",
        "exact",
        "wrong",
        "rounded",
        "unreadable",
        "rounded",
        "unreadable",
    ]
    assert got[2]["too_coarse"] is True
    assert not _differences(cases, got)


def test_every_digit_python_reads_the_page_reads_as_the_same_digit(graded):
    """Unicode decimal digits (str.isdecimal, \\p{Nd}) read as their ASCII digit on both sides.

    Chromium's Unicode is newer than Python 3.11's (14.0): it knows a few more digit sets, all outside
    the Basic Multilingual Plane, which only the page reads.  Within the BMP the two sets are equal.
    """
    import sys

    digits = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isdecimal()]
    cases = [{"text": c * 2 + "e0", "correct": "1", "rank": 0} for c in digits]  # "33e0": 33, 2 figures
    got = graded(cases)
    assert [g["value"]["n"] for g in got] == [str(11 * int(c)) for c in digits]
    assert not _differences(cases, got)
    bmp = graded.page.evaluate(
        "() => { const out = []; for (let i = 0; i < 0x10000; i++)"
        " if (/\\p{Nd}/u.test(String.fromCharCode(i))) out.push(i); return out; }"
    )
    assert bmp == [ord(c) for c in digits if ord(c) < 0x10000]


def test_an_answer_longer_than_any_count_is_unreadable_on_both_sides(graded, run):
    # 1,000 characters are read (1,000 digits: wrong for 5); 1,001 are not, in Python (whose int() stops at
    # 4,300 digits) and in the page alike; "𝟓" is one character to Python and two UTF-16 units to JS
    cases = [
        {"text": t, "correct": "5", "rank": 0}
        for t in ["1" * 1000, "1" * 1001, "1" * 5000, "1e" + "0" * 5000 + "5", "x".join(["1" * 3000] * 2)]
    ]
    cases += [{"text": "𝟓" * 1000, "correct": "5", "rank": 0}, {"text": "𝟓" * 1001, "correct": "5", "rank": 0}]
    got = graded(cases)
    assert [g["verdict"] for g in got] == ["wrong", "unreadable", "unreadable", "unreadable", "unreadable"] + [
        "wrong",
        "unreadable",
    ]
    assert not _differences(cases, got)
    # quizgen check refuses it as bad input (exit 2, one line), not with an internal error
    result = run("check", "conv2d in=32x32x64 out=128 k=5 bias=false", "--claim", "params=" + "1" * 5000)
    assert result.exit_code == 2
    assert "is not a number" in result.stderr and "internal error" not in result.stderr
