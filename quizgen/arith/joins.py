"""Joins of a graph network's branches: ``add``, ``concat``, ``mul`` and ``matmul``, and how each is solved.

- ``add``: every shape equal (a residual).  0 MACs.
- ``concat``: along ``axis`` (channels, the last, by default): every other dimension equal, the sizes on
  the axis summed.  0 MACs.
- ``mul``: NumPy broadcasting, sizes equal or 1 aligned from the right (SE's 56x56x96 · 1x1x96).  0 MACs.
- ``matmul``: ``…xNxK`` @ ``…xKxM`` → ``…xNxM``, leading dimensions broadcast; MACs = prod(batch)·N·K·M.

That is torchvision's ``_ops`` convention: residual adds and SE multiplies count 0, matmuls count.
"""

from __future__ import annotations

from math import prod
from typing import NamedTuple

from quizgen.arith import spec
from quizgen.arith.layers import fmt_shape
from quizgen.arith.solver import FP32_BYTES, Params
from quizgen.arith.spec import Layout
from quizgen.errors import SpecError
from quizgen.i18n import _

ADD, CONCAT, MUL, MATMUL = "add", "concat", "mul", "matmul"
JOINS = (ADD, CONCAT, MUL, MATMUL)
NO_PARAMS = Params(0, 0, 0, 0, 0)


class Join(NamedTuple):
    """A join of two or more inputs: ``add``, ``concat`` (along ``axis``), ``mul`` or ``matmul``."""

    kind: str
    axis: int = -1


class Shaped(NamedTuple):
    """An op read from a model file that no layer or join expresses (an ONNX Reshape, Transpose, Gather…).

    Its output ``shape`` is given (by the file's shape inference), and so are the ``params`` it stores and
    its ``macs`` (0, except a conv or matmul in a form the layers cannot write, counted by the same rule).
    It is solved as a join whose ``kind`` is the op's name (``axis`` only so that it reads like a Join).
    """

    kind: str
    shape: tuple[int, ...]
    params: int = 0
    macs: int = 0
    axis: int = -1


class JoinSolution(NamedTuple):
    """A solved join.  0 parameters; MACs 0, except ``matmul``: prod(batch)·N·K·M."""

    join: Join | Shaped
    input_shapes: tuple[tuple[int, ...], ...]
    output_shape: tuple[int, ...]
    macs: int

    @property
    def params(self) -> Params:
        return NO_PARAMS

    @property
    def bias_adds(self) -> int:
        return 0

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def flops_with_bias(self) -> int:
        return 2 * self.macs

    @property
    def output_elements(self) -> int:
        return prod(self.output_shape)

    @property
    def output_bytes(self) -> int:
        return FP32_BYTES * self.output_elements

    @property
    def params_bytes(self) -> int:
        return 0

    def compute(self, count: str = "macs") -> int:
        """The compute figure under a convention: ``macs``, ``flops`` or ``flops+bias``."""
        return self.macs if count == "macs" else 2 * self.macs


class ShapedSolution(JoinSolution):
    """A solved :class:`Shaped` op: the join fields, with the stored values it reads as its parameters."""

    __slots__ = ()

    @property
    def params(self) -> Params:
        n = self.join.params if isinstance(self.join, Shaped) else 0
        return Params(n, 0, n, 0, n)

    @property
    def params_bytes(self) -> int:
        return FP32_BYTES * self.params.total


def _shape(shape: tuple[int, ...], layout: Layout) -> str:
    return fmt_shape(spec.to_layout(shape, layout))


def solve_shapes(
    join: Join, shapes: list[tuple[int, ...]], labels: tuple[str, ...], where: str, layout: Layout = "hwc"
) -> JoinSolution:
    """Solve a join on its input shapes; a mismatch names both shapes and the inputs' ``labels``, after ``where``."""
    kind = join.kind
    if len(shapes) < 2 or (kind == MATMUL and len(shapes) != 2):
        want = _("two inputs") if kind == MATMUL else _("two or more inputs")
        raise SpecError(
            _("{where}: {kind} takes {want}, got {count}").format(where=where, kind=kind, want=want, count=len(shapes))
        )

    def mismatch(i: int, j: int, why: str) -> SpecError:
        return SpecError(
            _("{where}: {kind}: {a} ({la}) and {b} ({lb}) {why}").format(
                where=where,
                kind=kind,
                a=_shape(shapes[i], layout),
                la=labels[i],
                b=_shape(shapes[j], layout),
                lb=labels[j],
                why=why,
            )
        )

    first = shapes[0]
    if kind == ADD:
        for j, other in enumerate(shapes[1:], start=1):
            if other != first:
                raise mismatch(0, j, _("do not match"))
        return JoinSolution(join, tuple(shapes), first, 0)
    if kind == CONCAT:
        axis = join.axis % len(first) if join.axis < 0 else join.axis
        for j, other in enumerate(shapes[1:], start=1):
            if len(other) != len(first) or any(a != b for k, (a, b) in enumerate(zip(first, other)) if k != axis):
                raise mismatch(0, j, _("must match in every dimension but the one joined"))
        stacked = list(first)
        stacked[axis] = sum(s[axis] for s in shapes)
        return JoinSolution(join, tuple(shapes), tuple(stacked), 0)
    if kind == MUL:
        out = first
        for j, other in enumerate(shapes[1:], start=1):
            b = _broadcast(out, other)
            if b is None:
                raise mismatch(0, j, _("do not broadcast (each size must be equal, or 1, aligned from the right)"))
            out = b
        return JoinSolution(join, tuple(shapes), out, 0)
    a, b = shapes
    if len(a) < 2 or len(b) < 2:
        raise mismatch(0, 1, _("must each have at least two dimensions"))
    if a[-1] != b[-2]:
        raise mismatch(0, 1, _("do not chain: the first's last size must equal the second's next-to-last"))
    batch = _broadcast(a[:-2], b[:-2])
    if batch is None:
        raise mismatch(0, 1, _("do not broadcast (each size must be equal, or 1, aligned from the right)"))
    n, k, m = a[-2], a[-1], b[-1]
    return JoinSolution(join, (a, b), (*batch, n, m), prod(batch) * n * k * m)


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """NumPy's broadcast of two shapes, or ``None``."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y))
    return tuple(reversed(out))
