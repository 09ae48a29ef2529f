"""Reading answers the way students write them, and judging them by one rule (DESIGN §7a).

:func:`judge` is the one place that decides whether an answer is right.  ``quizgen check``,
the drill, the export writers and the practice page all apply it, and
``tests/grading_cases.json`` holds its table of cases for every implementation.

The rule, for a count (the README's "How answers are judged" states it for users):

- **Exact**: the value written equals the right value, in any notation
  (``34944``, ``34,944``, ``34 944``, ``3.4944e4``, ``34.944k``; ``3.50e4`` for 35,000).
- **Rounded**: written in a rounding notation (an exponent ``e`` or a suffix ``k``, ``M``,
  ``G``/``B``, ``T``) with at least 3 significant figures, and a correct rounding of the right
  value at the last digit written: ``34.9k``, ``3.49e4`` and ``0.0349M`` for 34,944.
  A correct rounding is within half a unit of that last digit; at an exact half both
  neighbours are accepted, because students round halves both ways (34,950 → ``34.9k`` or
  ``35.0k``).
- Everything else is **wrong**.  In particular a number written out in full (``34,900``) is
  read as exact; fewer than 3 significant figures (``35k``, ``0.03M``) are too coarse to
  judge; and zero is never a rounding of a nonzero value (``0M``, ``0G``).

Significant figures written are the digits of the mantissa from the first nonzero one on,
trailing zeros included: ``3.49e4`` and ``34.9k`` have 3, ``0.0349M`` has 3 (leading zeros
do not count), ``3.50e4`` and ``35.0k`` have 3, ``350e2`` has 3, ``35k`` has 2.

Fractions (``27/2``) are exact values.  Negative values follow the same rule.  A shape is
right when every size and the channels are right; its sizes are read exactly, and a size with a
decimal part (``60.5x128``: the floor forgotten) is read, so that it can be judged wrong and named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Literal

from quizgen.i18n import N_, _, n_

_SUFFIX = {"k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9, "t": 10**12}
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?([kmgbt])?$", re.IGNORECASE)
_SHAPE_SPLIT = re.compile(r"\s*[x×*,]\s*", re.IGNORECASE)
_SIZE = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
#: Digits grouped in threes by commas or spaces, then an optional decimal part, exponent and suffix: the
#: groups' separators are dropped (``34,944.0``, ``1,234.5k``).
_GROUPED = re.compile(r"^([+-]?\d{1,3}(?:[, ]\d{3})+)((?:\.\d*)?(?:e[+-]?\d+)?[kmgbt]?)$", re.IGNORECASE)

#: The fewest significant figures a rounded value may have.
MIN_FIGURES = 3
#: The longest answer read, in characters: far beyond any count, and well within Python's int()
#: limit of 4,300 digits, which a longer answer would hit.
MAX_LENGTH = 1000

Verdict = Literal["exact", "rounded", "wrong", "unreadable"]
EXACT: Verdict = "exact"
ROUNDED: Verdict = "rounded"
WRONG: Verdict = "wrong"
UNREADABLE: Verdict = "unreadable"
#: The verdicts that count as right.
RIGHT = frozenset({EXACT, ROUNDED})


@dataclass(frozen=True)
class Number:
    """A value read from text.

    ``unit`` is the place value of the last digit written when the number uses a rounding
    notation (an exponent or a suffix), and ``None`` when it is read as exact; ``figures``
    counts the significant figures written.
    """

    value: Fraction
    unit: Fraction | None = None
    figures: int = 0

    @property
    def rounding(self) -> bool:
        """Whether the notation may stand for a rounded value (an exponent or a suffix)."""
        return self.unit is not None

    def matches(self, x: int | Fraction) -> bool:
        """Whether this is a right answer (exact or rounded) for ``x``; see :func:`judge_value`."""
        return judge_value(self, x) in RIGHT

    def __str__(self) -> str:
        v = self.value
        return str(v.numerator) if v.denominator == 1 else f"{float(v):g}"


#: A shape as read: whole sizes are ints; a size with a decimal part (``60.5``) is a Fraction.
Shape = tuple[int | Fraction, ...]
Value = Number | Shape
Correct = int | Fraction | tuple[int, ...]


def parse_number(text: str) -> Number | None:
    """A number, or ``None`` if ``text`` is not one."""
    if len(text) > MAX_LENGTH:
        return None
    t = _ascii_digits(text).strip().replace("_", "")
    grouped = _GROUPED.match(t)
    if grouped:
        t = grouped.group(1).replace(",", "").replace(" ", "") + grouped.group(2)
    if "/" in t:
        top, _sep, bottom = t.partition("/")
        a, b = parse_number(top), parse_number(bottom)
        if a is None or b is None or b.value == 0 or _has_suffix(top) or _has_suffix(bottom):
            return None
        return Number(a.value / b.value)
    m = _NUMBER.match(t)
    if not m:
        return None
    sign, digits, exp, suffix = m.groups()
    power = int(exp) if exp else 0
    if abs(power) > 400:  # beyond any count; refuse rather than build a huge exact value
        return None
    scale = Fraction(10) ** power * (_SUFFIX[suffix.lower()] if suffix else 1)
    value = Fraction(digits) * scale
    value = -value if sign == "-" else value
    if not exp and not suffix:
        return Number(value)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    figures = len(digits.replace(".", "").lstrip("0"))
    return Number(value, scale / 10**decimals, figures)


def _ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (``３``, ``٣``: what ``\\d`` and ``int`` accept) as its ASCII digit.

    Read once here, so the rest of the rule sees ASCII only: a fullwidth leading zero is not
    significant (``０.０３M`` has 1 figure, as ``0.03M`` does), and the page's JS does the same.
    """
    return text if text.isascii() else "".join(str(int(c)) if c.isdecimal() else c for c in text)


def _has_suffix(text: str) -> bool:
    m = _NUMBER.match(text.strip())
    return bool(m and m.group(4))


def parse_shape(text: str) -> Shape | None:
    """A shape of two or more sizes, or ``None``; a size may have a decimal part (``60.5x128``), read exactly."""
    if len(text) > MAX_LENGTH:
        return None
    t = _ascii_digits(text).strip().strip("()[]").strip()
    parts = [p for p in _SHAPE_SPLIT.split(t) if p]
    if len(parts) < 2 or not all(_SIZE.match(p) for p in parts):  # ASCII digits: "²" is no size
        return None
    return tuple(_size(Fraction(p)) for p in parts)


def _size(x: Fraction) -> int | Fraction:
    return int(x) if x.denominator == 1 else x


def parse_value(text: str, *, shape_first: bool = False) -> Value | None:
    """A number first, then a shape; ``None`` if neither reads.

    With ``shape_first`` (the answer asked for is a shape of two or more sizes) a shape is tried first,
    so ``112,112,128`` is read as the person means it: three sizes, not the number 112,112,128.
    """
    if shape_first:
        shape = parse_shape(text)
        if shape is not None:
            return shape
    number = parse_number(text)
    if number is not None:
        return number
    return parse_shape(text)


def wants_shape(correct: object) -> bool:
    """Whether an answer of ``correct`` is a shape of two or more sizes (so a shape is read first)."""
    return isinstance(correct, tuple) and len(correct) > 1


def judge_value(value: Value, correct: Correct) -> Verdict:
    """The verdict on a value already read: ``exact``, ``rounded`` or ``wrong`` (the rule above)."""
    if isinstance(correct, tuple):
        if isinstance(value, Number):
            exact = len(correct) == 1 and value.value == correct[0]
            return EXACT if exact else WRONG
        return EXACT if tuple(value) == correct else WRONG
    if isinstance(value, tuple):
        return WRONG
    right = Fraction(correct)
    if value.value == right:
        return EXACT
    if value.unit is None or value.value == 0 or value.figures < MIN_FIGURES:
        return WRONG
    return ROUNDED if 2 * abs(right - value.value) <= value.unit else WRONG


def too_coarse(value: Value, correct: Correct) -> bool:
    """Whether ``value`` is wrong only for having too few significant figures (``35k`` for 34,944)."""
    if not isinstance(value, Number) or value.unit is None or value.value == 0 or isinstance(correct, tuple):
        return False
    return value.figures < MIN_FIGURES and 2 * abs(Fraction(correct) - value.value) <= value.unit


def coarse_text(text: str) -> str:
    """Why a correct but too coarse rounding is not accepted."""
    return _("{v} is rounded too far: a rounded answer needs at least 3 significant figures").format(v=text)


def rounded_in_full(value: Value, correct: Correct) -> str | None:
    """For a number written out in full that is a correct rounding (``34,900`` for 34,944), how to write it.

    Such a number is judged as exact, so it is wrong; this names the spelling that would have been judged as a
    rounding (``3.49e4``), or returns ``None`` when ``value`` is no such number.
    """
    if not isinstance(value, Number) or value.unit is not None or isinstance(correct, tuple):
        return None
    v = value.value
    if v.denominator != 1 or v == 0 or v == correct or v < 0:
        return None
    digits = str(v.numerator)
    figures = len(digits.rstrip("0"))
    unit = 10 ** (len(digits) - figures)
    if unit == 1 or figures < MIN_FIGURES or 2 * abs(Fraction(correct) - v) > unit:
        return None
    mantissa = digits[0] + "." + digits[1:figures]
    return f"{mantissa}e{len(digits) - 1}"


def in_full_text(text: str, spelling: str) -> str:
    """Why a correct rounding written out in full is not accepted, and how to write it."""
    return _(
        "{v} is written out in full, so it is judged as exact; to give a rounded value, write it as {r} (or with "
        "a suffix: k, M, G)"
    ).format(v=text, r=spelling)


def truncated(value: Value, correct: Correct) -> bool:
    """Whether ``value`` is ``correct`` cut off at its last written figure instead of rounded (``460.9k`` for
    460,992), written in a rounding notation with at least 3 significant figures, and so wrong."""
    if not isinstance(value, Number) or value.unit is None or value.figures < MIN_FIGURES:
        return False
    if isinstance(correct, tuple) or correct <= 0 or value.value <= 0:
        return False
    right = Fraction(correct)
    return floor(right / value.unit) * value.unit == value.value and 2 * (right - value.value) > value.unit


def truncated_text(text: str) -> str:
    """Why a value cut off instead of rounded is wrong (:func:`truncated`), without giving the value."""
    return _(
        "{v} cuts the value off instead of rounding it: the next figure is 5 or more, so the last figure kept goes up"
    ).format(v=text)


def zero_rounding(value: Value) -> bool:
    """Whether ``value`` is zero written in a rounding notation (``0M``), which rounds nothing but zero."""
    return isinstance(value, Number) and value.unit is not None and value.value == 0


def zero_text(text: str) -> str:
    """Why a zero in a rounding notation is wrong for a value that is not zero."""
    return _("{v} is zero, and zero is never a rounding of a value that is not zero.").format(v=text)


def judge(answer: str, correct: Correct) -> Verdict:
    """The one grading rule: is ``answer`` (as a student typed it) right for ``correct``?

    Returns ``exact``, ``rounded`` (a correct rounding with at least 3 significant figures),
    ``wrong``, or ``unreadable`` when the text is neither a number nor a shape.
    """
    value = parse_value(answer, shape_first=wants_shape(correct))
    if value is None:
        return UNREADABLE
    return judge_value(value, correct)


def rounded_text(value: object) -> str:
    """ "rounded to N significant figures", said of an answer accepted as a correct rounding."""
    figures = value.figures if isinstance(value, Number) else 0
    return n_(N_("rounded to {n} significant figure"), N_("rounded to {n} significant figures"), figures).format(
        n=figures
    )


# --- Lookup keys: the rule above, applied to values a page may only hold as hashes -----------------
#
# The practice page (quizgen.render.practice) keeps each right and misconception value only under
# salted hashes of *lookup keys*, and the value itself sealed under a key derived from the same lookup
# key.  An answer's own lookup keys (:func:`answer_keys`) meet a value's (:func:`near_keys`) whenever
# the rule could call the answer right for that value, so the page finds the value, opens it, and judges
# by the rule with the value in hand; :func:`coarse_keys` meet an answer's exactly when it is a correct
# rounding with too few figures (:func:`too_coarse`).  The page's JS computes the same key strings.
#
# Key strings: ``n:`` + a number's 3-significant-figure rounding; ``s:`` + a shape's sizes;
# ``c:`` + a coarse rounding ``@`` the exponent of its last digit's place.  A number is written
# ``canon``-ically as an integer mantissa without trailing zeros, ``e``, and an exponent (``349e2``).


def canon(v: Fraction) -> str:
    """A terminating decimal as ``MeK``: ``34900`` -> ``349e2``, ``0.5`` -> ``5e-1``, zero -> ``0``."""
    if v == 0:
        return "0"
    sign = "-" if v < 0 else ""
    v = abs(v)
    k = 0
    while v.denominator != 1:
        v *= 10
        k -= 1
        if k < -1000:
            raise ValueError("not a terminating decimal")
    m = v.numerator
    while m % 10 == 0:
        m //= 10
        k += 1
    return f"{sign}{m}e{k}"


def magnitude(v: Fraction) -> int:
    """The exponent of the first significant digit: ``10**e <= |v| < 10**(e+1)`` (``v`` nonzero)."""
    a = abs(Fraction(v))
    # n / d lies between 10**(len(n) - len(d) - 1) and 10**(len(n) - len(d) + 1): one comparison decides
    e = len(str(a.numerator)) - len(str(a.denominator))
    return e - 1 if a < Fraction(10) ** e else e


def rounded_at(x: Fraction, k: int) -> tuple[Fraction, ...]:
    """``x`` rounded at the place ``10**k``: one value, or both neighbours at an exact half."""
    unit = Fraction(10) ** k
    q = Fraction(x) / unit
    low = q.numerator // q.denominator
    twice = 2 * (q - low)
    if twice < 1:
        return (low * unit,)
    if twice > 1:
        return ((low + 1) * unit,)
    return (low * unit, (low + 1) * unit)


def _near(x: Fraction) -> list[Fraction]:
    if x == 0:
        return [Fraction(0)]
    e = magnitude(x)
    near = list(rounded_at(x, e - 2))
    # a value just under a power of ten may be written rounded up to it: 99,600 as 1.00e5
    near += [y for y in rounded_at(x, e - 1) if abs(y) == Fraction(10) ** (e + 1) and y not in near]
    return near


def near_keys(correct: Correct | Shape) -> tuple[str, ...]:
    """The lookup keys of a right (or misconception) value: every answer the rule may accept shares one."""
    if isinstance(correct, tuple):
        if len(correct) == 1:
            correct = correct[0]
        else:
            return ("s:" + ",".join(str(c) for c in correct),)
    return tuple(sorted({"n:" + canon(y) for y in _near(Fraction(correct))}))


def cut_keys(correct: Correct) -> tuple[str, ...]:
    """The lookup key of ``correct`` cut off at 3 significant figures, where that is not a right rounding.

    An answer cut off at 4 figures or more shares a key of :func:`near_keys`; one cut at 3 may not, so the
    page files the right value under this key too, to say :func:`truncated_text`.
    """
    if isinstance(correct, tuple) or correct <= 0:
        return ()
    x = Fraction(correct)
    unit = Fraction(10) ** (magnitude(x) - 2)
    cut = floor(x / unit) * unit
    return ("n:" + canon(cut),) if 2 * (x - cut) > unit else ()


def coarse_keys(correct: Correct) -> tuple[str, ...]:
    """The lookup keys of ``correct``'s roundings with 1 or 2 significant figures (see :func:`too_coarse`)."""
    if isinstance(correct, tuple) or correct == 0:
        return ()
    x = Fraction(correct)
    e = magnitude(x)
    keys = set()
    for k in (e - 1, e, e + 1):
        for y in rounded_at(x, k):
            if y != 0 and 1 <= len(str(abs(y / Fraction(10) ** k).numerator)) <= 2:
                keys.add(f"c:{canon(y)}@{k}")
    return tuple(sorted(keys))


def answer_keys(value: Value) -> tuple[str, ...]:
    """The lookup keys of an answer as read: its 3-figure rounding(s), or its shape, and a coarse key."""
    if isinstance(value, tuple):  # a one-number shape's size is a number: (34944,) meets near_keys((34944,))
        if len(value) == 1:
            return tuple("n:" + canon(y) for y in _near_of_answer(Fraction(value[0])))
        return ("s:" + ",".join(map(str, value)),)
    keys = ["n:" + canon(y) for y in _near_of_answer(value.value)]
    if value.unit is not None and value.value != 0 and 0 < value.figures < MIN_FIGURES:
        keys.append(f"c:{canon(value.value)}@{_exponent(value.unit)}")
    return tuple(keys)


def _near_of_answer(v: Fraction) -> tuple[Fraction, ...]:
    return (Fraction(0),) if v == 0 else rounded_at(v, magnitude(v) - 2)


def _exponent(unit: Fraction) -> int:
    """``k`` for a power of ten ``10**k``."""
    return magnitude(unit)


def exact_text(correct: Correct | Shape) -> str:
    """A value written exactly, for the page's sealed payloads: ``34944``, ``27/2``, ``55,55,96``, ``10,``."""
    if isinstance(correct, tuple):  # a one-number shape keeps its comma: "10," is judged as a size, not a count
        return ",".join(str(c) for c in correct) + ("," if len(correct) == 1 else "")
    v = Fraction(correct)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
