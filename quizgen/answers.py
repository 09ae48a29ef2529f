"""Reading numbers and shapes the way students write them.

``34944``, ``34,944``, ``34 944``, ``3.4944e4``, ``34.9k`` (exact to the shown
precision), fractions such as ``27/2``, and shapes ``55x55x96``,
``55×55×96`` or ``(55, 55, 96)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_SUFFIX = {"k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9, "t": 10**12}
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?([kmgbt])?$", re.IGNORECASE)
_SHAPE_SPLIT = re.compile(r"\s*[x×*,]\s*")


@dataclass(frozen=True)
class Number:
    """A value read from text, with the tolerance its written precision implies (0 when exact)."""

    value: Fraction
    tolerance: Fraction = Fraction(0)

    def matches(self, x: int | Fraction) -> bool:
        return abs(Fraction(x) - self.value) <= self.tolerance

    def __str__(self) -> str:
        v = self.value
        return str(v.numerator) if v.denominator == 1 else f"{float(v):g}"


Value = Number | tuple[int, ...]


def parse_number(text: str) -> Number | None:
    """A number, or ``None`` if ``text`` is not one."""
    t = text.strip().replace("_", "")
    if re.fullmatch(r"[+-]?\d{1,3}([, ]\d{3})+", t):
        t = t.replace(",", "").replace(" ", "")
    if "/" in t:
        top, _sep, bottom = t.partition("/")
        a, b = parse_number(top), parse_number(bottom)
        if a is None or b is None or b.value == 0 or a.tolerance or b.tolerance:
            return None
        return Number(a.value / b.value)
    m = _NUMBER.match(t)
    if not m:
        return None
    sign, digits, exp, suffix = m.groups()
    value = Fraction(digits) * (10 ** int(exp) if exp else 1)
    tolerance = Fraction(0)
    if suffix:
        scale = _SUFFIX[suffix.lower()]
        value *= scale
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        tolerance = Fraction(scale, 2 * 10**decimals)
    return Number(-value if sign == "-" else value, tolerance)


def parse_shape(text: str) -> tuple[int, ...] | None:
    """A shape of two or more whole numbers, or ``None``."""
    t = text.strip().strip("()[]").strip()
    parts = [p for p in _SHAPE_SPLIT.split(t) if p]
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def parse_value(text: str) -> Value | None:
    """A number first, then a shape; ``None`` if neither reads."""
    number = parse_number(text)
    if number is not None:
        return number
    return parse_shape(text)
