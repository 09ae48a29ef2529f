"""Networks as graphs: named nodes, each a layer or a join of earlier nodes, solved in order.

A :class:`Graph` is plain data, built by a network file (:mod:`quizgen.arith.netfile`) or by an adapter
at the edge (an ONNX reader).  It is a tuple of :class:`Node`, each with a unique ``name``, the names of
its ``inputs`` (other nodes) and an ``op``:

- :class:`Input`: the network's input, with its shape; no inputs.
- a :class:`~quizgen.arith.layers.Layer`, built for a known input shape: one input, whose output shape
  must equal the layer's ``input_shape``.
- :class:`Spec`: a DESIGN §1 spec line, built at solving time; without ``in=`` it takes its one input's
  output shape, with ``in=`` that shape must match.
- :class:`Join`: ``add`` (every shape equal), ``concat`` (along ``axis``, channels by default: every
  other dimension equal, the sizes on the axis summed), ``mul`` (NumPy broadcasting: sizes equal or 1,
  aligned from the right; SE's 56x56x96 · 1x1x96), ``matmul`` (``…xNxK`` @ ``…xKxM`` → ``…xNxM``, leading
  dimensions broadcast).  See :mod:`quizgen.arith.joins`.
- :class:`Shaped`: an op read from a model file that no layer or join expresses, with its output shape,
  stored parameters and MACs given.

Shapes are spatial sizes first, then channels (the house order); a token map is ``Nxd``.  A node's
``path`` names the groups it sits in, outermost first (a block call, then one repetition of it): the
table folds them, as torchinfo folds modules.  :class:`Group` says what each group is.

:func:`solve_graph` solves every node once, in an order where each node follows its inputs (any
order of ``nodes`` is accepted; a cycle is refused, naming it), and returns a :class:`Network`: every
node with its :class:`~quizgen.arith.solver.Solution` (a layer) or :class:`JoinSolution` (a join, or
:class:`ShapedSolution` for a ``Shaped`` op), and the totals.

The counting convention for networks is torchvision's published one (the ``_ops`` of its weights
metadata): MACs of conv, linear and matmul only.  Bias adds, normalisation, activations, pooling and
the joins ``add``, ``concat`` and ``mul`` count 0; a ``matmul`` counts prod(batch)·N·K·M.  Parameters:
``trainable`` is PyTorch's ``sum(p.numel())``; batchnorm's running statistics are ``non_trainable``.
"""

from __future__ import annotations

from typing import NamedTuple

from quizgen.arith import layers as L
from quizgen.arith import spec
from quizgen.arith.joins import (
    ADD,
    CONCAT,
    JOINS,
    MATMUL,
    MUL,
    Join,
    JoinSolution,
    Shaped,
    ShapedSolution,
    solve_shapes,
)
from quizgen.arith.layers import Layer, fmt_shape
from quizgen.arith.solver import Params, Solution, solve
from quizgen.arith.spec import Layout
from quizgen.errors import SpecError
from quizgen.i18n import _


class Input(NamedTuple):
    """The network's input: a tensor of ``shape`` (spatial sizes, then channels)."""

    shape: tuple[int, ...]


class Spec(NamedTuple):
    """A layer written as a DESIGN §1 spec, read in ``layout``; built on its input's shape when solved."""

    text: str
    layout: Layout = "hwc"


Op = Input | Layer | Spec | Join | Shaped


class Node(NamedTuple):
    """One node: its unique ``name``, the names of its ``inputs`` and its ``op``.

    ``where`` says where it was written, for messages (``net.txt line 12 (block basic line 7)``);
    ``line`` is that line of the file (0 if none); ``labels`` are the inputs as written, for messages
    (default: the names); ``path`` the groups it sits in, outermost first.
    """

    name: str
    inputs: tuple[str, ...]
    op: Op
    where: str = ""
    line: int = 0
    labels: tuple[str, ...] = ()
    path: tuple[str, ...] = ()


class Group(NamedTuple):
    """A group of nodes the table folds under one total row: a block call, or one repetition of it.

    ``title`` says what it is (``basic ×2``), ``args`` its settings (``c=64``), ``path`` the groups it
    sits in, outermost first.
    """

    name: str
    title: str
    args: str = ""
    line: int = 0
    path: tuple[str, ...] = ()


class Graph(NamedTuple):
    """A network as data: nodes, the groups they sit in, and the name of the output node (default: the last)."""

    name: str
    nodes: tuple[Node, ...]
    groups: tuple[Group, ...] = ()
    output: str | None = None


NodeSolution = Solution | JoinSolution


class Solved(NamedTuple):
    """A node with its solution."""

    node: Node
    solution: NodeSolution

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.solution.output_shape


class Network:
    """A solved network: its input shapes, every other node solved in order, the groups, and totals."""

    __slots__ = ("name", "nodes", "inputs", "groups", "output", "_index", "_members")

    def __init__(
        self,
        name: str,
        nodes: tuple[Solved, ...],
        inputs: tuple[tuple[str, tuple[int, ...]], ...] = (),
        groups: tuple[Group, ...] = (),
        output: str = "",
    ) -> None:
        self.name, self.nodes, self.inputs, self.groups, self.output = name, nodes, inputs, groups, output
        self._index = {s.name: s for s in nodes}
        self._members: dict[str, list[Solved]] | None = None

    def node(self, name: str) -> Solved:
        return self._index[name]

    @property
    def lines(self) -> tuple[tuple[int, Solution], ...]:
        """The layers (joins left out) with their lines, as a sequential stack had them."""
        return tuple((s.node.line, s.solution) for s in self.nodes if isinstance(s.solution, Solution))

    @property
    def solutions(self) -> list[Solution]:
        """The layers' solutions, in order (joins left out)."""
        return [s.solution for s in self.nodes if isinstance(s.solution, Solution)]

    @property
    def is_sequential(self) -> bool:
        """True for a plain stack: no joins, each node taking the one before it."""
        previous = self.inputs[0][0] if self.inputs else None
        for s in self.nodes:
            if isinstance(s.solution, JoinSolution) or (previous is not None and s.node.inputs != (previous,)):
                return False
            previous = s.name
        return len(self.inputs) <= 1

    @property
    def params(self) -> Params:
        """Totals of each parameter count over the network."""
        return total_params([s.solution for s in self.nodes])

    @property
    def macs(self) -> int:
        return sum(s.solution.macs for s in self.nodes)

    @property
    def flops(self) -> int:
        return 2 * self.macs

    def compute(self, count: str = "macs") -> int:
        """Total compute under a convention: ``macs``, ``flops`` or ``flops+bias``."""
        return sum(s.solution.compute(count) for s in self.nodes)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.inputs[0][1] if self.inputs else self.nodes[0].solution.output_shape

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self._index[self.output].output_shape if self.output else self.nodes[-1].output_shape

    @property
    def activation_bytes(self) -> int:
        """Sum of every node's fp32 output memory, batch 1."""
        return sum(s.solution.output_bytes for s in self.nodes)

    def members(self, group: str) -> list[Solved]:
        """The nodes inside ``group`` (at any depth), in order."""
        if self._members is None:
            found: dict[str, list[Solved]] = {}
            for s in self.nodes:
                for name in s.node.path:
                    found.setdefault(name, []).append(s)
            self._members = found
        return self._members.get(group, [])


def total_params(solutions: list[NodeSolution]) -> Params:
    """Each parameter count summed."""
    return Params(
        *(
            sum(getattr(s.params, f) for s in solutions)
            for f in ("weights", "bias", "trainable", "non_trainable", "total")
        )
    )


def solve_graph(graph: Graph, *, layout: Layout = "hwc") -> Network:
    """Solve every node of ``graph`` (messages show shapes in ``layout``); raise :class:`SpecError` if it cannot be.

    Refused, each in one line: an input that names no node, a cycle, a layer that cannot take its
    input, a join whose shapes do not fit.
    """
    order = _order(graph)
    by_name = {n.name: n for n in graph.nodes}
    shapes: dict[str, tuple[int, ...]] = {}
    inputs: list[tuple[str, tuple[int, ...]]] = []
    solved: list[Solved] = []
    for node in order:
        if isinstance(node.op, Input):
            shapes[node.name] = node.op.shape
            inputs.append((node.name, node.op.shape))
            continue
        given = [shapes[name] for name in node.inputs]
        if isinstance(node.op, Shaped):
            sol: NodeSolution = ShapedSolution(node.op, tuple(given), node.op.shape, node.op.macs)
        elif isinstance(node.op, Join):
            if node.op.kind not in JOINS:
                raise SpecError(
                    _("{where}: unknown join '{kind}'; joins are {items}").format(
                        where=_where(graph, node), kind=node.op.kind, items=", ".join(JOINS)
                    )
                )
            sol = solve_join(node, given, layout)
        else:
            sources = [by_name[name] for name in node.inputs]
            sol = _solve_layer(node, given, sources, layout)
        shapes[node.name] = sol.output_shape
        solved.append(Solved(node, sol))
    if not solved:
        raise SpecError(_("{name}: the stack has no layers").format(name=graph.name))
    output = graph.output or solved[-1].name
    return Network(graph.name, tuple(solved), tuple(inputs), graph.groups, output)


def _order(graph: Graph) -> list[Node]:
    """The nodes in an order where each follows its inputs; refuse unknown inputs and cycles."""
    by_name: dict[str, Node] = {}
    for node in graph.nodes:
        if node.name in by_name:
            raise SpecError(
                _("{where}: the name '{name}' is used twice").format(where=_where(graph, node), name=node.name)
            )
        by_name[node.name] = node
    for node in graph.nodes:
        for name in node.inputs:
            if name not in by_name:
                raise SpecError(_("{where}: no output named '{name}'").format(where=_where(graph, node), name=name))
    seen: set[str] = set()
    for node in graph.nodes:  # the usual case, a file's order: each node after its inputs, nothing to sort
        if not seen.issuperset(node.inputs):
            break
        seen.add(node.name)
    else:
        return list(graph.nodes)
    done: set[str] = set()
    order: list[Node] = []
    for start in graph.nodes:
        if start.name in done:
            continue
        # iterative depth-first search; ``trail`` is the current path, for naming a cycle
        trail: list[str] = []
        on_trail: set[str] = set()
        stack: list[tuple[str, int]] = [(start.name, 0)]
        while stack:
            name, i = stack.pop()
            node = by_name[name]
            if i == 0:
                trail.append(name)
                on_trail.add(name)
            if i < len(node.inputs):
                stack.append((name, i + 1))
                child = node.inputs[i]
                if child in on_trail:
                    cycle = trail[trail.index(child) :] + [child]
                    raise SpecError(
                        _("{where}: cycle: {cycle}").format(
                            where=_where(graph, by_name[child]), cycle=" → ".join(reversed(cycle))
                        )
                    )
                if child not in done:
                    stack.append((child, 0))
                continue
            trail.pop()
            on_trail.discard(name)
            done.add(name)
            order.append(node)
    return order


def _where(graph: Graph, node: Node) -> str:
    return node.where or f"{graph.name}: {node.name}"


def _shape(shape: tuple[int, ...], layout: Layout) -> str:
    return fmt_shape(spec.to_layout(shape, layout))


def _source(node: Node) -> str:
    return _("line {n}").format(n=node.line) if node.line else f"'{node.name}'"


def _solve_layer(node: Node, given: list[tuple[int, ...]], sources: list[Node], layout: Layout) -> Solution:
    where = node.where or node.name
    if len(given) > 1:
        raise SpecError(_("{where}: a layer takes one input, got {count}").format(where=where, count=len(given)))
    default = given[0] if given else None
    op = node.op
    try:
        layer = spec.build(op.text, layout=op.layout, default_input=default) if isinstance(op, Spec) else op
    except SpecError as exc:
        raise SpecError(_("{where}: {exc}").format(where=where, exc=exc)) from None
    assert isinstance(layer, Layer)
    written = "in" in layer.given or not isinstance(op, Spec)
    if default is not None and written and layer.input_shape != default:
        raise SpecError(
            _("{where}: in={value} does not match the output {value2} of {source}").format(
                where=where,
                value=_shape(layer.input_shape, layout),
                value2=_shape(default, layout),
                source=_source(sources[0]),
            )
        )
    try:
        layer = L.validate(layer)
    except SpecError as exc:
        if default is not None and not written:
            raise SpecError(
                _("{where}: {name} cannot take the output {value} of {source} ({exc})").format(
                    where=where, name=layer.name, value=_shape(default, layout), source=_source(sources[0]), exc=exc
                )
            ) from None
        raise SpecError(_("{where}: {exc}").format(where=where, exc=exc)) from None
    return solve(layer)


def solve_join(node: Node, shapes: list[tuple[int, ...]], layout: Layout = "hwc") -> JoinSolution:
    """Solve a join node on its input shapes; a mismatch names both shapes and the inputs as written."""
    assert isinstance(node.op, Join)
    return solve_shapes(node.op, shapes, node.labels or node.inputs, node.where or node.name, layout)


__all__ = [
    "ADD",
    "CONCAT",
    "JOINS",
    "MATMUL",
    "MUL",
    "Graph",
    "Group",
    "Input",
    "Join",
    "JoinSolution",
    "Network",
    "Node",
    "NodeSolution",
    "Shaped",
    "ShapedSolution",
    "Solved",
    "Spec",
    "solve_graph",
    "solve_join",
]
