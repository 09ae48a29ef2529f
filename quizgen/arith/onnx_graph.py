"""An ONNX model's nodes mapped onto quizgen's layers and joins: the records of :mod:`onnx_reader` as a Graph.

Each ONNX op that a layer expresses becomes that layer, built on its input's shape (Conv → ``conv2d``,
Gemm and MatMul by a stored weight → ``linear``, MatMul of two tensors → the ``matmul`` join, Add and Mul of
two tensors → ``add`` and ``mul``, Concat → ``concat``, the pools, BatchNormalization, LayerNormalization,
Resize → ``upsample``, the activations).  An op with no layer equivalent (Reshape, Transpose, Gather,
Slice, Split, a binary op with a stored operand…) becomes a :class:`~quizgen.arith.graph.Shaped` node:
its shape from the file's shape inference, 0 MACs.  A MatMul followed only by the Add of a stored vector
is one ``linear`` with bias, as PyTorch wrote it.

Shapes follow the house order: a channels-first image ``1xCxHxW`` is ``HxWxC``; any other tensor drops
a leading batch size of 1 (``1x197x768`` → the token map ``197x768``).

The convention is torchvision's: MACs of conv, linear and matmul only.  Parameters are what the file
stores, the elements of its floating-point initializers, each counted once, at the first node that
reads it.  Exporters fold BatchNorm into the convs, so this can differ from the framework's count.
"""

from __future__ import annotations

from typing import NamedTuple

from quizgen.arith import layers as L
from quizgen.arith import onnx_ops, spec
from quizgen.arith.graph import Graph, Input, Join, Network, Node, Shaped, Solved, solve_graph
from quizgen.arith.layers import Layer
from quizgen.arith.onnx_reader import OnnxModel, OnnxNode, Tensor
from quizgen.arith.solver import Params, Solution, solve
from quizgen.arith.spec import Layout
from quizgen.errors import QuizgenError, SpecError
from quizgen.i18n import _

#: Ops whose input and output are channels-first images ``1xCx…``.
SPATIAL_OPS = frozenset(
    {"Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"}
    | {"BatchNormalization", "Resize", "Upsample", "InstanceNormalization", "LpPool"}
)
#: Ops whose output is laid out as their input: an image stays an image.
LAYOUT_KEEPING = frozenset(
    {
        *onnx_ops.ACTIVATIONS,
        "Add",
        "Mul",
        "Sub",
        "Div",
        "Clip",
        "Concat",
        "Split",
        "Slice",
        "Pad",
        "Cast",
        "Sqrt",
        "Neg",
    }
)
#: Ops with no layer equivalent, read as a shape (0 MACs): shape and index ops, element-wise maths.
SHAPE_OPS = frozenset(
    {"Reshape", "Transpose", "Squeeze", "Unsqueeze", "Gather", "GatherElements", "Slice", "Split", "Expand"}
    | {"Pad", "Cast", "Tile", "Shape", "Size", "ConstantOfShape", "Range", "Where", "Equal", "Less", "Greater"}
    | {"Not", "And", "Or", "Sub", "Div", "Pow", "Sqrt", "Exp", "Log", "Erf", "Neg", "Abs", "Reciprocal", "Min"}
    | {"Max", "Sum", "Mean", "LeakyRelu", "PRelu", "Elu", "Selu", "Softplus", "Mish", "LogSoftmax", "Floor"}
    | {"Ceil", "Round", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ArgMax", "ArgMin", "TopK"}
    | {"CumSum", "DepthToSpace", "SpaceToDepth", "InstanceNormalization", "GroupNormalization", "Trilu"}
    | {"ScatterND", "ScatterElements", "NonZero", "LpPool"}
)
#: Every op quizgen reads: those with a layer or join (when the node's form allows), the shapes, and Constant.
MAPPED_OPS = frozenset(onnx_ops.HANDLERS) | SHAPE_OPS | {"Constant"}


class Reading(NamedTuple):
    """A model file as a Graph: also each node's stored parameters, and the ops quizgen does not know."""

    graph: Graph
    params: dict[str, Params]
    stored: int
    unknown: tuple[str, ...]


def unknown_ops(model: OnnxModel) -> list[str]:
    """The op types in ``model`` that quizgen does not map, sorted (``domain::Op`` outside ONNX's own)."""
    return sorted(
        {n.op if n.domain in ("", "ai.onnx") else f"{n.domain}::{n.op}" for n in model.nodes if not _known(n)}
    )


def _known(n: OnnxNode) -> bool:
    return n.domain in ("", "ai.onnx") and n.op in MAPPED_OPS


class _Mapper:
    """One pass over the nodes, in file order (ONNX requires it to be topological)."""

    def __init__(self, model: OnnxModel, partial: bool) -> None:
        self.model, self.partial = model, partial
        self.consts: dict[str, Tensor] = {**model.initializers, **model.constants}
        self.counted: set[str] = set()
        self.derived: dict[str, tuple[str, ...]] = {}  # a tensor computed from stored tensors → those tensors
        self.image: set[str] = set()
        self.skip: set[int] = set()
        self.consumers: dict[str, list[OnnxNode]] = {}
        self.index = {id(n): i for i, n in enumerate(model.nodes)}
        for n in model.nodes:
            for t in n.inputs:
                self.consumers.setdefault(t, []).append(n)
        self.nodes: list[Node] = []
        self.params: dict[str, Params] = {}

    # --- shapes ----------------------------------------------------------------------------------------------------

    def onnx_shape(self, tensor: str, where: OnnxNode) -> tuple[int, ...]:
        shape = self.model.shapes.get(tensor)
        if shape is None or any(d is None or d < 0 for d in shape):
            raise SpecError(
                _("{name}: node {node} ({op}): ONNX shape inference gives no complete shape for {tensor}").format(
                    name=self.model.name, node=where.name, op=where.op, tensor=tensor
                )
            )
        return tuple(int(d) for d in shape if d is not None)

    def house(self, tensor: str, where: OnnxNode) -> tuple[int, ...]:
        """The tensor's shape in the house order (see the module's docstring)."""
        shape = self.onnx_shape(tensor, where)
        if tensor in self.image:
            return (*shape[2:], shape[1])
        return shape[1:] if len(shape) >= 2 and shape[0] == 1 else shape

    def feeds_spatial(self, tensor: str) -> bool:
        """Whether ``tensor`` reaches a spatial op through element-wise ops only: then it is an image."""
        seen: set[str] = set()
        todo = [tensor]
        while todo:
            t = todo.pop()
            if t in seen:
                continue
            seen.add(t)
            for c in self.consumers.get(t, []):
                if c.op in SPATIAL_OPS:
                    return True
                if c.op in LAYOUT_KEEPING:
                    todo.extend(c.outputs)
        return False

    # --- nodes -----------------------------------------------------------------------------------------------------

    def dynamic(self, n: OnnxNode) -> list[str]:
        return [t for t in n.inputs if t and t not in self.consts]

    def stored(self, n: OnnxNode) -> list[int]:
        """Float elements of each input (by position) not counted before; counts them now.

        An input computed from stored tensors alone (an Identity or a Cast of a weight) counts those tensors.
        """
        out = []
        for t in n.inputs:
            count = 0
            for name in self.derived.get(t, (t,)):
                tensor = self.model.initializers.get(name)
                if tensor is not None and tensor.is_float and name not in self.counted:
                    self.counted.add(name)
                    count += tensor.elements
            out.append(count)
        return out

    def fold(self, n: OnnxNode) -> bool:
        """A node that reads only stored tensors: its outputs are stored tensors too, when their shapes are known."""
        sources = tuple(name for t in n.inputs if t for name in self.derived.get(t, (t,)))
        shapes = [tuple(d for d in self.model.shapes.get(t) or (None,) if d is not None) for t in n.outputs]
        if any(len(shape) != len(self.model.shapes.get(t) or (None,)) for t, shape in zip(n.outputs, shapes)):
            return False
        is_float = any(self.model.initializers[s].is_float for s in sources if s in self.model.initializers)
        for t, shape in zip(n.outputs, shapes):
            self.consts[t] = Tensor(shape, is_float)
            self.derived[t] = sources
        return True

    def add(self, name: str, inputs: list[str], op: Layer | Join | Shaped | Input, params: Params) -> None:
        self.nodes.append(Node(name, tuple(inputs), op))
        self.params[name] = params

    def shaped(self, n: OnnxNode, kind: str = "", macs: int = 0, stored: int | None = None) -> None:
        """The node as :class:`Shaped` nodes, one per output used; the first carries its stored values and MACs."""
        stored = sum(self.stored(n)) if stored is None else stored
        for i, t in enumerate(n.outputs):
            if not t or (i and t not in self.consumers and t not in self.model.outputs):
                continue
            if i == 0 or n.op == "Split":
                self.mark(n, t)
            p = stored if i == 0 else 0
            shape = self.house(t, n)
            self.add(t, self.dynamic(n), Shaped(kind or n.op, shape, p, macs if i == 0 else 0), _flat(p))

    def mark(self, n: OnnxNode, out: str) -> None:
        """Decide whether ``out`` is an image: spatial ops make images, element-wise ops keep them."""
        rank = len(self.model.shapes.get(out) or ())
        ins = self.dynamic(n)
        keeps = n.op in LAYOUT_KEEPING or (n.op == "ReduceMean" and n.attrs.get("keepdims", 1))
        made = n.op in SPATIAL_OPS or (keeps and ins and all(t in self.image for t in ins))
        # a reshape back to an image (any op read as a shape) is one when a spatial op reads it
        if made or (rank >= 3 and n.op not in ("MatMul", "Gemm") and self.feeds_spatial(out)):
            self.image.add(out)

    def layer(
        self,
        n: OnnxNode,
        text: str,
        params: Params,
        *,
        src: str | None = None,
        name: str = "",
        expect: tuple[int, ...] | None = None,
    ) -> bool:
        """Add the layer ``text`` on the node's input (or ``src``), named ``name`` (default: the node's output).

        Only if it builds and gives the file's output shape (or ``expect``); otherwise add nothing, return False.
        """
        src = src or self.dynamic(n)[0]
        out = name or n.outputs[0]
        self.mark(n, out)
        try:
            layer = L.validate(spec.build(text, default_input=self.house(src, n)))
            ok = solve(layer).output_shape == (expect or self.house(out, n))
        except SpecError:
            ok = False
        if not ok:
            self.image.discard(out)
            return False
        self.add(out, [src], layer, params)
        return True

    def run(self) -> Reading:
        m = self.model
        _check_order(m)
        for t in m.inputs:
            if len(m.shapes.get(t) or ()) >= 3 and self.feeds_spatial(t):
                self.image.add(t)
            self.nodes.append(Node(t, (), Input(self.house(t, OnnxNode(t, "input", "", (), (t,))))))
        unknown = unknown_ops(m)
        if unknown and not self.partial:
            raise QuizgenError(
                _("{name}: ops quizgen does not know: {ops} (use --partial for the totals without them)").format(
                    name=m.name, ops=", ".join(unknown)
                )
            )
        for i, n in enumerate(m.nodes):
            if i in self.skip or n.op == "Constant" and _known(n):
                continue
            if not _known(n):
                if any(t and t not in m.shapes for t in n.outputs[:1]):
                    raise QuizgenError(
                        _(
                            "{name}: node {node}: quizgen does not know {op}, and ONNX cannot infer its output's shape, so --partial cannot go past it"
                        ).format(name=m.name, node=n.name, op=n.op)
                    )
                self.shaped(n, kind=f"{n.op}?")
            elif not self.dynamic(n):
                if not self.fold(n):
                    self.shaped(n)
            else:
                self.one(i, n)
        out = m.outputs[0] if m.outputs else None
        graph = Graph(m.name, tuple(self.nodes), (), out)
        return Reading(graph, self.params, m.stored_float_elements, tuple(unknown))

    def one(self, i: int, n: OnnxNode) -> None:
        handler = onnx_ops.HANDLERS.get(n.op)
        if handler is None or not handler(self, i, n):
            self.shaped(n, macs=onnx_ops.fallback_macs(self, n))


def _check_order(model: OnnxModel) -> None:
    """Refuse a cycle (naming it) or a node that reads a tensor before any node writes it (a misordered file)."""
    producer = {t: i for i, n in enumerate(model.nodes) for t in n.outputs if t}
    deps = [[producer[t] for t in n.inputs if t in producer] for n in model.nodes]
    state = [0] * len(model.nodes)  # 1: on the current path, 2: done
    for root in range(len(model.nodes)):
        if state[root]:
            continue
        path: list[int] = []
        stack: list[tuple[int, int]] = [(root, 0)]
        while stack:
            i, k = stack.pop()
            if k == 0:
                state[i] = 1
                path.append(i)
            if k < len(deps[i]):
                stack.append((i, k + 1))
                j = deps[i][k]
                if state[j] == 1:
                    cycle = [model.nodes[x].outputs[0] for x in path[path.index(j) :]] + [model.nodes[j].outputs[0]]
                    raise SpecError(_("{name}: cycle: {cycle}").format(name=model.name, cycle=" → ".join(cycle)))
                if state[j] == 0:
                    stack.append((j, 0))
                continue
            state[i] = 2
            path.pop()
    for i, n in enumerate(model.nodes):
        late = [t for t in n.inputs if producer.get(t, -1) >= i]
        if late:
            raise SpecError(
                _(
                    "{name}: node {node} ({op}) reads {tensor} before the node that writes it (ONNX needs the nodes in order)"
                ).format(name=model.name, node=n.name, op=n.op, tensor=late[0])
            )


def _flat(n: int) -> Params:
    return Params(n, 0, n, 0, n)


def to_graph(model: OnnxModel, *, partial: bool = False) -> Reading:
    """The model as a :class:`Graph`; raise :class:`QuizgenError` naming unknown ops unless ``partial``."""
    return _Mapper(model, partial).run()


def solve_model(path: str, *, partial: bool = False, layout: Layout = "hwc") -> tuple[Network, Reading]:
    """Read and solve an ONNX model file: the network, each node's parameters those the file stores.

    A layer's parameters are the stored values it reads, counted once (an exporter may store one tensor for
    two layers with equal weights); they equal the layer's own count whenever nothing is shared.
    """
    from quizgen.arith import onnx_reader

    reading = to_graph(onnx_reader.read(path), partial=partial)
    net = solve_graph(reading.graph, layout=layout)
    nodes = []
    for s in net.nodes:
        stored = reading.params.get(s.name)
        if isinstance(s.solution, Solution) and stored is not None and stored != s.solution.params:
            s = Solved(s.node, s.solution._replace(params=stored))
        nodes.append(s)
    return Network(net.name, tuple(nodes), net.inputs, net.groups, net.output), reading


__all__ = ["Reading", "solve_model", "to_graph", "unknown_ops"]
