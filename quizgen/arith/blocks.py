"""Blocks of a network file: their definitions, and ``{param}`` / ``{expr}`` substitution in their bodies.

A block is ``block NAME(param, param=default, …)`` … ``end``.  In its body, ``{param}`` is the value the
call gave (any text: ``64``, ``same``, ``false``), and ``{expr}`` integer arithmetic over the parameters
with ``+ - * //`` and parentheses, nothing else (no Python is evaluated).  A default may use the
parameters before it (``mid={c//4}``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from quizgen.arith import spec
from quizgen.arith.joins import JOINS
from quizgen.errors import SpecError
from quizgen.i18n import _, closest

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
LABEL = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$")
_BRACES = re.compile(r"\{([^{}]*)\}")
_TOKEN = re.compile(r"\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|//|[-+*()])")
#: Words that cannot name an output or a block.
RESERVED = ("input", "block", "end", "from", "repeat", *JOINS)


class Line(NamedTuple):
    number: int
    text: str


class Block(NamedTuple):
    name: str
    params: tuple[tuple[str, str | None], ...]
    lines: tuple[Line, ...]
    number: int

    def signature(self) -> str:
        return ", ".join(p if d is None else f"{p}={d}" for p, d in self.params)


def read_block(
    name: str, params_text: str, number: int, lines: list[Line], blocks: dict[str, Block], file: str
) -> Block:
    where = f"{file} line {number}"
    if name in blocks or name.lower() in spec.NAMES or name in RESERVED:
        what = _("a block") if name in blocks else _("a layer name") if name.lower() in spec.NAMES else _("a keyword")
        raise SpecError(
            _("{where}: block '{name}': the name is already {what}").format(where=where, name=name, what=what)
        )
    if not lines:
        raise SpecError(_("{where}: block '{name}' has no lines").format(where=where, name=name))
    params: list[tuple[str, str | None]] = []
    for part in filter(None, (p.strip() for p in params_text.split(","))):
        key, eq, default = (s.strip() for s in part.partition("="))
        if not NAME.fullmatch(key) or (eq and not default) or key in RESERVED or any(key == p for p, _d in params):
            raise SpecError(
                _("{where}: block '{name}': '{part}' must be a new parameter name, or name=default").format(
                    where=where, name=name, part=part
                )
            )
        params.append((key, default if eq else None))
    for line in lines:
        labelled = LABEL.match(line.text)
        token = (labelled.group(2).split() or [""])[0] if labelled else line.text.split()[0]
        if token == name:
            raise SpecError(
                _(
                    "{file} line {line}: block '{name}' calls itself: a block may call only blocks defined before it"
                ).format(file=file, line=line.number, name=name)
            )
    return Block(name, tuple(params), tuple(lines), number)


def substitute(text: str, values: dict[str, str], block: Block | None, where: str) -> str:
    """``{param}`` and ``{expr}`` replaced by their values in a block's line."""
    names = [n for n, _d in block.params] if block else []

    def one(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        if inner in values:
            return values[inner]
        return str(evaluate(inner, values, names, where, m.group(0)))

    out = _BRACES.sub(one, text)
    if "{" in out or "}" in out:
        raise SpecError(_("{where}: unbalanced braces in '{text}'").format(where=where, text=text))
    return out


def evaluate(expr: str, values: dict[str, str], names: list[str], where: str, shown: str) -> int:
    """Integer arithmetic over the parameters: + - * // and parentheses, nothing else."""
    tokens: list[str] = []
    pos = 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise SpecError(
                _("{where}: {expr}: only whole numbers, parameters, + - * // and parentheses are allowed").format(
                    where=where, expr=shown
                )
            )
        tokens.append(m.group(1))
        pos = m.end()
    tokens = [t for t in tokens if t.strip()]

    def fail(why: str) -> SpecError:
        return SpecError(_("{where}: {expr}: {why}").format(where=where, expr=shown, why=why))

    def atom(i: int) -> tuple[int, int]:
        if i >= len(tokens):
            raise fail(_("the expression ends too soon"))
        t = tokens[i]
        if t in "+-":
            v, j = atom(i + 1)
            return (-v if t == "-" else v), j
        if t == "(":
            v, j = sum_(i + 1)
            if j >= len(tokens) or tokens[j] != ")":
                raise fail(_("a '(' is not closed"))
            return v, j + 1
        if t.isdigit():
            return int(t), i + 1
        if NAME.fullmatch(t):
            if t not in values:
                raise fail(
                    _("unknown parameter '{name}'{suggestion}; the block takes {items}").format(
                        name=t, suggestion=closest(t, names), items=", ".join(names) or _("no parameters")
                    )
                )
            if not re.fullmatch(r"-?\d+", values[t]):
                raise fail(_("{name}={value} is not a whole number").format(name=t, value=values[t]))
            return int(values[t]), i + 1
        raise fail(_("'{token}' is out of place").format(token=t))

    def product(i: int) -> tuple[int, int]:
        v, i = atom(i)
        while i < len(tokens) and tokens[i] in ("*", "//"):
            w, j = atom(i + 1)
            if tokens[i] == "//" and w == 0:
                raise fail(_("division by zero"))
            v, i = (v * w if tokens[i] == "*" else v // w), j
        return v, i

    def sum_(i: int) -> tuple[int, int]:
        v, i = product(i)
        while i < len(tokens) and tokens[i] in ("+", "-"):
            w, j = product(i + 1)
            v, i = (v + w if tokens[i] == "+" else v - w), j
        return v, i

    value, end = sum_(0)
    if end != len(tokens):
        raise fail(_("'{token}' is out of place").format(token=tokens[end]))
    return value
