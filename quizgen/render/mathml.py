"""TeX to inline MathML, offline (latex2mathml), fast for the many formulas that differ only in their numbers.

A worked step's substituted formula (``\\frac{7 - 3 + 2 \\cdot 0}{1}``) has the same structure on every
sheet; only the numbers change.  Converting with latex2mathml costs milliseconds, so a class of a
thousand sheets would spend most of its time there.  :func:`convert` converts a formula once per
*shape*: each number (and each ``\\text{51,200}``) is swapped for a placeholder, the shape is converted
and cached, and the numbers are put back into the ``<mn>``/``<mtext>`` elements they became.  Where a
number's tokenisation could depend on its digits (``10^6``, ``\\frac12``), a placeholder does not come
back whole as one element, and the formula is converted directly.
``tests/test_mathml.py`` holds the fast path to latex2mathml's own output.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"\\text\{([^{}]*)\}|\d+(?:\.\d+)?")
_TEXT_NUMBER = re.compile(r"[\d,.]+")
_PLACEHOLDER = "7{:05d}7"  # a seven-digit number no formula of ours holds once its own numbers are swapped out


@lru_cache(maxsize=1024)
def _direct(tex: str) -> str:
    from latex2mathml.converter import convert as latex2mathml

    return latex2mathml(tex)


@lru_cache(maxsize=8192)
def convert(tex: str) -> str:
    """``tex`` as a ``<math>`` element: the same string latex2mathml gives, from a cache of formula shapes."""
    shape, values, last = [], [], 0
    for i, m in enumerate(_TOKEN.finditer(tex)):
        before = tex[last : m.start()]
        placeholder = _PLACEHOLDER.format(i)
        if m.group(1) is not None:  # \text{…}
            if not _TEXT_NUMBER.fullmatch(m.group(1)):
                if any(c.isdigit() for c in m.group(1)):
                    return _direct(tex)
                shape.append(before + m.group(0))
                last = m.end()
                continue
            shape.append(before + "\\text{" + placeholder + "}")
            values.append(("mtext", placeholder, m.group(1)))
        else:
            if before.endswith(("^", "_")):
                return _direct(tex)  # a superscript or subscript without braces takes one digit
            shape.append(before + placeholder)
            values.append(("mn", placeholder, m.group(0)))
        last = m.end()
    shape.append(tex[last:])
    if not values:
        return _direct(tex)
    out = _direct("".join(shape))
    for tag, placeholder, value in values:
        element = f"<{tag}>{placeholder}</{tag}>"
        if out.count(element) != 1 or out.count(placeholder) != 1:
            return _direct(tex)
        out = out.replace(element, f"<{tag}>{value}</{tag}>")
    return out
