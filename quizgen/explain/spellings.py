"""Examples of how to write an answer, drawn from a layer that is not on the sheet at hand.

The drill and the practice page show a student how a count or a shape may be written ("34944, 34,944,
34.9k, 3.49e4; a shape is 55x55x96").  A fixed example can be an answer on the sheet (AlexNet's first layer
is a favourite of problems too), so :func:`examples` takes the sheet's text and values, and draws the first
of a few real layers whose count and shape appear nowhere in them.  Every spelling it gives is one the one
rule (:func:`quizgen.explain.answers.judge`) accepts for that count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from quizgen.explain.answers import magnitude, rounded_at

#: (parameter count, output shape) of real layers, each worked out by hand:
#: AlexNet conv1 11·11·3·96 + 96 = 34,944 -> 55x55x96; AlexNet conv2 5·5·96·256 + 256 = 614,656 -> 27x27x256;
#: AlexNet conv3 3·3·256·384 + 384 = 885,120 -> 13x13x384; VGG-16 conv3_1 3·3·128·256 + 256 = 295,168 ->
#: 56x56x256; ResNet's stem 7·7·3·64 = 9,408 -> 112x112x64; MobileNet's last pointwise 1024·1024 = 1,048,576
#: -> 7x7x1024.
LAYERS: tuple[tuple[int, tuple[int, ...]], ...] = (
    (34944, (55, 55, 96)),
    (614656, (27, 27, 256)),
    (885120, (13, 13, 384)),
    (295168, (56, 56, 256)),
    (9408, (112, 112, 64)),
    (1048576, (7, 7, 1024)),
)
#: Shapes of other ranks, for "give the whole shape" (1d L×C; 3d D×H×W×C), by rank.
OTHER_SHAPES: dict[int, tuple[tuple[int, ...], ...]] = {
    2: ((96, 32), (196, 768), (50, 128)),
    4: ((16, 56, 56, 64), (8, 28, 28, 128), (4, 14, 14, 256)),
}
_SHAPE = re.compile(r"\d+(?:\s*[x×*,]\s*\d+)+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[, ]\d{3})*")
_DIGITS = re.compile(r"\d+")
_NOT_DIGIT = re.compile(r"\D")


class Examples(NamedTuple):
    """How to write one count and one shape: ``34944``, ``34,944``, ``3.4944e4``, ``34.9k``, ``3.49e4``, ``55x55x96``."""

    number: int
    shape: tuple[int, ...]

    @property
    def exact(self) -> str:
        return str(self.number)

    @property
    def grouped(self) -> str:
        return f"{self.number:,}"

    @property
    def full_sci(self) -> str:
        """Every digit, in e-notation: ``3.4944e4``."""
        digits = str(self.number).rstrip("0") or "0"
        return f"{digits[0]}.{digits[1:] or '0'}e{len(str(self.number)) - 1}"

    @property
    def suffix(self) -> str:
        """Rounded to 3 significant figures with a suffix: ``34.9k``, ``615k``, ``1.05M``."""
        e = magnitude(Fraction(self.number))
        rounded = rounded_at(Fraction(self.number), e - 2)[0]
        group = 3 * (magnitude(rounded) // 3)
        decimals = max(group - (e - 2), 0)
        letter = {3: "k", 6: "M", 9: "G"}[group]
        return f"{float(rounded / 10**group):.{decimals}f}{letter}"

    @property
    def sci(self) -> str:
        """Rounded to 3 significant figures in e-notation: ``3.49e4``."""
        e = magnitude(Fraction(self.number))
        rounded = rounded_at(Fraction(self.number), e - 2)[0]
        e2 = magnitude(rounded)
        return f"{float(rounded / Fraction(10) ** e2):.2f}e{e2}"

    @property
    def shape_text(self) -> str:
        return "x".join(map(str, self.shape))

    def fields(self) -> dict[str, str]:
        """The spellings by name, for ``str.format``."""
        return {
            "exact": self.exact,
            "grouped": self.grouped,
            "full_sci": self.full_sci,
            "suffix": self.suffix,
            "sci": self.sci,
            "shape": self.shape_text,
        }


def seen(texts: Iterable[str], values: Iterable[object] = ()) -> tuple[set[int], set[tuple[int, ...]]]:
    """The counts and shapes that ``texts`` write (``34,944``, ``55 × 55 × 96``) and ``values`` hold."""
    counts: set[int] = set()
    shapes: set[tuple[int, ...]] = set()
    for text in texts:
        text_counts, text_shapes = _written(text)
        counts |= text_counts
        shapes |= text_shapes
    for v in values:
        if isinstance(v, tuple):
            shapes.add(v)
            if len(v) == 1:
                counts.add(v[0])
        elif isinstance(v, int):
            counts.add(v)
    return counts, shapes


@lru_cache(maxsize=32768)  # a sheet's draws read the same texts again (a problem is judged, then taken)
def _written(text: str) -> tuple[frozenset[int], frozenset[tuple[int, ...]]]:
    """The counts and shapes one text writes."""
    shapes = frozenset(tuple(int(x) for x in _DIGITS.findall(m.group())) for m in _SHAPE.finditer(text))
    counts = frozenset(int(_NOT_DIGIT.sub("", m.group())) for m in _NUMBER.finditer(text))
    return counts, shapes


def examples(counts: set[int], shapes: set[tuple[int, ...]]) -> Examples:
    """The first real layer whose count and shape are neither among ``counts`` and ``shapes`` (see :func:`seen`)."""
    for count, shape in LAYERS:
        if count not in counts and shape not in shapes:
            return Examples(count, shape)
    return Examples(*LAYERS[-1])  # unreachable for a real sheet: six layers' counts and shapes at once


def shape_example(rank: int, shapes: set[tuple[int, ...]]) -> str:
    """A shape of ``rank`` sizes that is not among ``shapes``: ``55x55x96`` for rank 3."""
    pool = [s for _c, s in LAYERS] if rank == 3 else list(OTHER_SHAPES.get(rank, ()))
    if not pool:
        pool = [tuple([28] * (rank - 1) + [64])]
    chosen = next((s for s in pool if s not in shapes), pool[-1])
    return "x".join(map(str, chosen))
