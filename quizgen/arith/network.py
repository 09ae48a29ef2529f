"""Stacks of layers: one spec per line, each layer's input the previous layer's output.

Built-in networks live as stack files in ``banks/networks/``.  A stack may declare the order its
shapes are written in, on a line of its own: ``# layout: hwc`` (spatial sizes, then channels) or
``# layout: chw`` (channels first).  A declared stack is read in its own layout whatever ``--layout``
asks for, which then only chooses how shapes are shown.  The built-in networks are written ``hwc``
and always read so.  A stack without a declaration is read as ``hwc``, the default; under ``chw``
it is refused, because ``--layout`` says how to show shapes, not how a file was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from quizgen.arith import spec
from quizgen.arith.layers import Layer, fmt_shape
from quizgen.arith.solver import Params, Solution, solve
from quizgen.arith.spec import Layout
from quizgen.errors import QuizgenError, SpecError
from quizgen.i18n import _


@dataclass(frozen=True)
class Network:
    """A solved stack: each line number with its solution, and the totals."""

    name: str
    lines: tuple[tuple[int, Solution], ...]

    @property
    def solutions(self) -> list[Solution]:
        return [s for _line, s in self.lines]

    @property
    def params(self) -> Params:
        """Totals of each parameter count over the stack."""
        sols = self.solutions
        return Params(
            *(
                sum(getattr(s.params, f) for s in sols)
                for f in ("weights", "bias", "trainable", "non_trainable", "total")
            )
        )

    @property
    def macs(self) -> int:
        return sum(s.macs for s in self.solutions)

    @property
    def flops(self) -> int:
        return 2 * self.macs

    def compute(self, count: str = "macs") -> int:
        """Total compute under a convention: ``macs``, ``flops`` or ``flops+bias``."""
        return sum(s.compute(count) for s in self.solutions)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.solutions[-1].output_shape

    @property
    def activation_bytes(self) -> int:
        """Sum of every layer's fp32 output memory, batch 1."""
        return sum(s.output_bytes for s in self.solutions)


def builtin_names() -> list[str]:
    """Names of the built-in networks."""
    folder = resources.files("quizgen.banks").joinpath("networks")
    return sorted(p.name.removesuffix(".txt") for p in folder.iterdir() if p.name.endswith(".txt"))


def load(source: str, *, layout: Layout = "hwc") -> Network:
    """Solve a stack from a file path, ``-`` is not accepted here, or a built-in name."""
    path = Path(source)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QuizgenError(
                _("--network {source}: cannot read the file ({exc})").format(source=source, exc=exc)
            ) from None
        if layout != "hwc" and declared_layout(text, path.name) is None:
            raise QuizgenError(
                _(
                    "--network {source}: declare the order its shapes are written in, on a line of its own: "
                    "'# layout: hwc' or '# layout: chw' (--layout {layout} only chooses how shapes are shown)"
                ).format(source=source, layout=layout)
            )
        return solve_stack(text, name=path.name, layout=layout)
    name = source.lower()
    if name in builtin_names():
        text = resources.files("quizgen.banks").joinpath("networks", f"{name}.txt").read_text(encoding="utf-8")
        return solve_stack(text, name=name, layout=layout, written="hwc")
    from quizgen.i18n import closest

    raise QuizgenError(
        _("--network {source}: no such file or built-in network{suggestion}; built-ins: {items}").format(
            source=source, suggestion=closest(name, builtin_names()), items=", ".join(builtin_names())
        )
    )


_LAYOUT_LINE = re.compile(r"^\s*#\s*layout\s*:\s*(\S*)\s*$", re.IGNORECASE)


def declared_layout(text: str, name: str = "stack") -> Layout | None:
    """The layout a stack declares with a ``# layout: hwc|chw`` line, or ``None``."""
    found: Layout | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        m = _LAYOUT_LINE.match(raw)
        if not m:
            continue
        value = m.group(1).lower()
        if value not in ("hwc", "chw") or (found and found != value):
            raise SpecError(
                _("{name} line {number}: layout: {value} must be hwc or chw, once per file").format(
                    name=name, number=number, value=m.group(1)
                )
            )
        found = "hwc" if value == "hwc" else "chw"
    return found


def solve_stack(text: str, *, name: str = "stack", layout: Layout = "hwc", written: Layout | None = None) -> Network:
    """Parse and solve a stack, refusing a layer that cannot take the previous output.

    Shapes are read in the stack's declared layout, else in ``written`` (the layout a built-in is known to
    be written in), else in ``layout``; messages show them in ``layout``.
    """
    read_layout = declared_layout(text, name) or written or layout
    lines: list[tuple[int, Solution]] = []
    previous: Solution | None = None
    prev_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue
        where = f"{name} line {number}"
        default = previous.output_shape if previous else None
        try:
            layer = spec.build(body, layout=read_layout, default_input=default)
        except SpecError as exc:
            raise SpecError(_("{where}: {exc}").format(where=where, exc=exc)) from None
        if previous is not None and "in" in layer.given and layer.input_shape != previous.output_shape:
            raise SpecError(
                _("{where}: in={value} does not match the output {value2} of line {prev_line}").format(
                    where=where,
                    value=_shape(layer.input_shape, layout),
                    value2=_shape(previous.output_shape, layout),
                    prev_line=prev_line,
                )
            )
        try:
            layer = spec.L.validate(layer)
        except SpecError as exc:
            if previous is not None and "in" not in layer.given:
                raise SpecError(
                    _("{where}: {name} cannot take the output {value} of line {prev_line} ({exc})").format(
                        where=where,
                        name=layer.name,
                        value=_shape(previous.output_shape, layout),
                        prev_line=prev_line,
                        exc=exc,
                    )
                ) from None
            raise SpecError(_("{where}: {exc}").format(where=where, exc=exc)) from None
        previous = solve(layer)
        prev_line = number
        lines.append((number, previous))
    if not lines:
        raise SpecError(_("{name}: the stack has no layers").format(name=name))
    return Network(name, tuple(lines))


def _shape(shape: tuple[int, ...], layout: Layout) -> str:
    return fmt_shape(spec.to_layout(shape, layout))


__all__ = ["Layer", "Network", "builtin_names", "load", "solve_stack"]
