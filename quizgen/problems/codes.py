"""Sheet codes: a short printed code (``D12-7C049FFB-02``) that regenerates exactly one sheet and its key.

A code is RRR-SSSSSSSS-OC, all hexadecimal: three digits from the recipe's content, the sheet's seed,
the options that change a sheet or its key (``--count``, ``--lang``, ``--space``, ``--no-figures``,
``--answer-sheet``; one digit while they fit in 16
values, more later) and a check digit.  The code encodes the options rather than fingerprinting them,
so that a teacher holding only the printed code gets the key back with one command.

The check digit is Damm's: over GF(16), x * y = 2x + y is a totally anti-symmetric quasigroup, so any
one mistyped digit and any swap of two neighbouring digits is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from quizgen.errors import QuizgenError
from quizgen.i18n import _
from quizgen.problems.bank import Recipe, load_bank

#: The options that change a sheet or its key, each with its values; the first value is the default.
#: A sheet's code encodes them (see :func:`make_code`), so that ``--code`` alone restores them.  To add
#: one, append it here: codes made before keep their meaning, since a new option's default encodes as 0.
OPTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("count", ("macs", "flops", "flops+bias")),
    ("lang", ("en", "zh")),
    ("space", ("small", "none", "large")),
    ("figures", ("on", "off")),
    ("answer_sheet", ("off", "on")),
)


class CodeRecipeMismatch(QuizgenError):
    """A well-formed code whose recipe fingerprint is not the given recipe's."""


@dataclass(frozen=True)
class SheetOptions:
    """What a sheet is made with besides its recipe and seed: the compute convention, the language, the
    working space and whether figures are drawn (``on``/``off``)."""

    count: str = "macs"
    lang: str = "en"
    space: str = "small"
    figures: str = "on"
    answer_sheet: str = "off"

    def encode(self) -> int:
        """The options as one number, in mixed radix over :data:`OPTIONS` (the first option lowest)."""
        value, scale = 0, 1
        for name, values in OPTIONS:
            value += values.index(getattr(self, name)) * scale
            scale *= len(values)
        return value

    @classmethod
    def decode(cls, value: int) -> SheetOptions | None:
        """The options a number encodes, or ``None`` if it is out of range."""
        found = {}
        for name, values in OPTIONS:
            value, index = divmod(value, len(values))
            found[name] = values[index]
        return cls(**found) if value == 0 else None


@lru_cache(maxsize=32)
def recipe_fingerprint(recipe: Recipe) -> str:
    """Three hex digits from the recipe's content (and the banks it draws from), not its file name or path.

    Editing a recipe, or a bank it draws from, changes its fingerprint, so the old codes are refused.
    """
    sections = []
    for s in recipe.sections:
        data: dict[str, object] = {
            "title": s.title,
            "kind": s.kind,
            "entries": list(s.entries),
            "count": s.count,
            "difficulty": s.difficulty,
            "form": s.form,
        }
        if s.marks is not None:  # only when given, so that codes made before marks existed keep their meaning
            data["marks"] = str(s.marks)
        if s.bank:
            bank = load_bank(s.bank)
            data["bank"] = [bank.name, [asdict(e) for e in bank.entries]]
        sections.append(data)
    payload = json.dumps(
        [recipe.name, recipe.title, recipe.instructions, recipe.count, sections], ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:3].upper()


_CODE = re.compile(r"([0-9A-F]{3})-?([0-9A-F]{8})-?([0-9A-F]{2,})")


def _gf16_double(x: int) -> int:
    x <<= 1
    return x ^ 0b10011 if x & 0b10000 else x


def _damm(digits: str) -> int:
    """Damm's interim digit after reading ``digits`` (hex): 0 when they end in their check digit."""
    interim = 0
    for d in digits:
        interim = _gf16_double(interim) ^ int(d, 16)
    return interim


def check_digit(digits: str) -> str:
    """The Damm check digit (hex) of a string of hex digits: the one that brings the interim to 0."""
    return f"{_gf16_double(_damm(digits)):X}"


def make_code(recipe: Recipe, seed: int, options: SheetOptions | None = None) -> str:
    """A sheet's code, e.g. ``D12-7C049FFB-02``: recipe fingerprint, seed, options, check digit."""
    body = f"{recipe_fingerprint(recipe)}-{seed:08X}-{(options or SheetOptions()).encode():X}"
    return body + check_digit(body.replace("-", ""))


CODE_EXAMPLE = "D12-7C049FFB-02"


def parse_code(recipe: Recipe, code: str) -> tuple[int, SheetOptions]:
    """The sheet seed and options in a code, checked for typos and against the recipe it claims to come from."""
    m = _CODE.fullmatch(code.strip().upper())
    # the options are written without leading zeros, so that each sheet has one code
    if not m or m.group(3)[:-1] != f"{int(m.group(3)[:-1], 16):X}":
        raise QuizgenError(
            _("--code {code}: must look like {example} (as printed on a sheet): 3, 8 and 2 hex digits").format(
                code=code, example=CODE_EXAMPLE
            )
        )
    tag, seed, tail = m.groups()
    if _damm(tag + seed + tail):
        raise QuizgenError(
            _(
                "--code {code}: its check digit (the last) does not match the others, so the code has a typo; copy it again from the sheet"
            ).format(code=code)
        )
    options = SheetOptions.decode(int(tail[:-1], 16))
    if options is None:
        raise QuizgenError(
            _("--code {code}: its options digit {digit} is unknown to this version of quizgen").format(
                code=code, digit=tail[:-1]
            )
        )
    if tag != recipe_fingerprint(recipe):
        raise CodeRecipeMismatch(
            _(
                "--code {code}: this code was made from another recipe, or from '{name}' before it was edited "
                "(the recipe's content is part of the code)"
            ).format(code=code, name=recipe.name)
        )
    return int(seed, 16), options
