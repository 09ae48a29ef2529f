"""Misconceptions about memory: values against bytes, bits against bytes."""

from __future__ import annotations

from quizgen.explain.catalogue.core import (
    Misconception,
)
from quizgen.i18n import N_

MEMORY: list[Misconception] = [
    Misconception(
        "bytes-as-values",
        N_("the number of values, not bytes"),
        N_("that is the number of values; fp32 takes 4 bytes per value"),
        frozenset({"params_bytes", "output_bytes"}),
        lambda lay: True,
    ),
    Misconception(
        "bits-not-bytes",
        N_("32 per value: bits, not bytes"),
        N_("32 is the bits in an fp32 value; a byte is 8 bits, so fp32 takes 4 bytes per value"),
        frozenset({"params_bytes", "output_bytes"}),
        lambda lay: True,
    ),
]
