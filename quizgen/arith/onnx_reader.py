"""Reading an ONNX model file into plain records: its nodes, its stored tensors' sizes, and every tensor's shape.

An adapter at the edge: the ``onnx`` package (the ``onnx`` extra) is imported here, lazily, and nowhere
else; :mod:`quizgen.arith.onnx_graph` turns the records into a :class:`~quizgen.arith.graph.Graph`.

Weights are never loaded beyond their dimensions.  The file is mapped, not read, and before the ``onnx``
package parses it every stored tensor larger than :data:`KEEP_BYTES` has its values left out (its name,
type and dimensions kept), so a 100 MB model costs a few hundred kilobytes of memory.  Small tensors (the
shapes, axes, indices and scales that shape inference needs) are kept whole.  Tensors stored in external
data files keep only their dimensions too, so those files are not needed.  ONNX's shape inference then
gives every tensor's shape.  A graph input whose first size is symbolic (a dynamic batch) is read with
batch 1, quizgen's convention.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizgen.errors import QuizgenError
from quizgen.i18n import _

#: A stored tensor larger than this many bytes keeps only its name, type and dimensions.
KEEP_BYTES = 4096

#: ONNX's floating-point element types (TensorProto.DataType): FLOAT, FLOAT16, DOUBLE, BFLOAT16 and the float8s.
FLOAT_TYPES = frozenset({1, 10, 11, 16, 17, 18, 19, 20, 23})

# Field numbers of onnx.proto's messages, for the one pass that leaves the weights out.
_MODEL_GRAPH = 7
_GRAPH_INITIALIZER = 5
_TENSOR_DATA = frozenset({4, 5, 6, 7, 9, 10, 11})  # float/int32/string/int64/raw/double/uint64 data


@dataclass(frozen=True)
class Tensor:
    """A stored tensor (an initializer or a Constant's value): its dimensions, and its values when small."""

    dims: tuple[int, ...]
    is_float: bool
    values: tuple[float, ...] | None = None

    @property
    def elements(self) -> int:
        n = 1
        for d in self.dims:
            n *= d
        return n


@dataclass(frozen=True)
class OnnxNode:
    """One node of the graph: its op, the tensors it reads and writes, and its attributes."""

    name: str
    op: str
    domain: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OnnxModel:
    """What quizgen needs of a model file.

    ``initializers`` are the stored tensors (names to :class:`Tensor`), ``constants`` the values of
    Constant nodes, ``shapes`` every tensor's shape as shape inference gave it (``None`` for a size it could
    not give), ``inputs`` the graph's inputs that are not stored tensors, ``outputs`` its outputs.
    """

    name: str
    nodes: tuple[OnnxNode, ...]
    initializers: dict[str, Tensor]
    constants: dict[str, Tensor]
    shapes: dict[str, tuple[int | None, ...]]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]

    @property
    def stored_float_elements(self) -> int:
        """The parameters the file stores: the elements of its floating-point initializers."""
        return sum(t.elements for t in self.initializers.values() if t.is_float)


def read(path: str | Path) -> OnnxModel:
    """Read ``path`` (an ONNX model) without its weights' values, and infer every tensor's shape."""
    path = Path(path)
    name = path.name
    try:
        import onnx
    except ImportError:
        raise QuizgenError(
            _("{name}: reading an ONNX file needs the onnx package: pip install 'quizgen[onnx]'").format(name=name)
        ) from None
    stripped = _read_without_weights(path)
    try:
        model = onnx.ModelProto.FromString(stripped)
    except Exception:  # protobuf's DecodeError, or a RuntimeWarning-turned-error: the bytes are not a model
        raise QuizgenError(_("{name}: not an ONNX model (the file cannot be parsed)").format(name=name)) from None
    if not model.HasField("graph") or not model.graph.node:
        raise QuizgenError(_("{name}: not an ONNX model (it has no graph of nodes)").format(name=name))
    _fix_batch(model, name)
    try:
        model = onnx.shape_inference.infer_shapes(model, check_type=False, strict_mode=False, data_prop=True)
    except Exception as exc:  # onnx raises several types here; any of them means the file is not usable
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QuizgenError(_("{name}: ONNX shape inference failed ({why})").format(name=name, why=first)) from None
    return _records(model, name)


def _records(model: Any, name: str) -> OnnxModel:
    from onnx import helper, numpy_helper

    graph = model.graph
    initializers = {t.name: _tensor(t, numpy_helper) for t in graph.initializer}
    constants: dict[str, Tensor] = {}
    nodes = []
    for i, n in enumerate(graph.node):
        attrs: dict[str, Any] = {}
        for a in n.attribute:
            if a.type == a.TENSOR:
                attrs[a.name] = _tensor(a.t, numpy_helper)
            elif a.type in (a.GRAPH, a.GRAPHS):
                attrs[a.name] = None  # subgraphs (If, Loop) are not read
            else:
                value = helper.get_attribute_value(a)
                attrs[a.name] = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        node = OnnxNode(n.name or f"{n.op_type}_{i}", n.op_type, n.domain, tuple(n.input), tuple(n.output), attrs)
        if node.op == "Constant" and node.domain in ("", "ai.onnx") and isinstance(attrs.get("value"), Tensor):
            constants[node.outputs[0]] = attrs["value"]
        nodes.append(node)
    shapes: dict[str, tuple[int | None, ...]] = {}
    for vi in (*graph.input, *graph.value_info, *graph.output):
        t = vi.type.tensor_type
        if vi.type.HasField("tensor_type") and t.HasField("shape"):
            shapes[vi.name] = tuple(d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim)
    for key, tensor in (*initializers.items(), *constants.items()):
        shapes.setdefault(key, tensor.dims)
    inputs = tuple(vi.name for vi in graph.input if vi.name not in initializers)
    outputs = tuple(vi.name for vi in graph.output)
    return OnnxModel(name, tuple(nodes), initializers, constants, shapes, inputs, outputs)


def _tensor(t: Any, numpy_helper: Any) -> Tensor:
    """A stored tensor as a record; its values only when they were kept (small) and are numbers."""
    values = None
    kept = t.data_location != t.EXTERNAL and (
        t.raw_data or t.float_data or t.int32_data or t.int64_data or t.double_data or t.uint64_data
    )
    if kept or not list(t.dims) or 0 in t.dims:
        try:
            values = tuple(numpy_helper.to_array(t).reshape(-1).tolist())
        except Exception:  # an odd element type (strings, float8) carries no size quizgen reads
            values = None
    return Tensor(tuple(t.dims), t.data_type in FLOAT_TYPES, values)


def _fix_batch(model: Any, name: str) -> None:
    """Give a graph input's symbolic first size (the batch) the value 1; refuse other symbolic sizes."""
    stored = {t.name for t in model.graph.initializer}
    for vi in model.graph.input:
        if vi.name in stored or not vi.type.HasField("tensor_type"):
            continue
        for i, d in enumerate(vi.type.tensor_type.shape.dim):
            if d.HasField("dim_value") and d.dim_value > 0:
                if i == 0 and d.dim_value != 1:
                    raise QuizgenError(
                        _(
                            "{name}: input {input} has batch size {n}; quizgen counts one sample: export with batch 1"
                        ).format(name=name, input=vi.name, n=d.dim_value)
                    )
                continue
            if i == 0:
                d.dim_value = 1
                continue
            raise QuizgenError(
                _(
                    "{name}: input {input} has a symbolic size '{size}' in position {i}; export with fixed sizes (only the batch may be dynamic)"
                ).format(name=name, input=vi.name, size=d.dim_param or "?", i=i + 1)
            )


# --- one pass over the protobuf wire format, leaving the large tensors' values out ---------------------------------


def _varint(buf: memoryview, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end:
            raise _Truncated
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Truncated


class _Truncated(Exception):
    """The bytes end inside a field, or are not protobuf."""


def _fields(buf: memoryview, start: int, end: int) -> Iterator[tuple[int, int, int, int, int]]:
    """Each field of a message in ``buf[start:end]``: (number, wire type, field start, value start, value end)."""
    pos = start
    while pos < end:
        key, value_start = _varint(buf, pos, end)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise _Truncated
        if wire == 0:
            _, value_end = _varint(buf, value_start, end)
        elif wire == 1:
            value_end = value_start + 8
        elif wire == 2:
            length, value_start = _varint(buf, value_start, end)
            value_end = value_start + length
        elif wire == 5:
            value_end = value_start + 4
        else:
            raise _Truncated
        if value_end > end:
            raise _Truncated
        yield number, wire, pos, value_start, value_end
        pos = value_end


def _encode_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _message(number: int, body: bytes) -> bytes:
    return _encode_varint(number << 3 | 2) + _encode_varint(len(body)) + body


def _read_without_weights(path: Path) -> bytes:
    """The file's bytes with every initializer over :data:`KEEP_BYTES` stripped of its values (the file mapped)."""
    name = path.name
    stripped = None
    try:
        if path.stat().st_size == 0:
            raise QuizgenError(_("{name}: not an ONNX model (the file is empty)").format(name=name))
        with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            view = memoryview(data)
            try:
                stripped = _without_weights(view)
            except _Truncated:
                pass
            finally:
                view.release()
    except OSError as exc:
        raise QuizgenError(_("{name}: cannot read the file ({exc})").format(name=name, exc=exc)) from None
    if stripped is None:
        raise QuizgenError(
            _("{name}: not a complete ONNX model (the bytes end inside a field: truncated, or not ONNX)").format(
                name=name
            )
        )
    return stripped


def _without_weights(buf: memoryview) -> bytes:
    parts: list[bytes] = []
    for number, wire, start, vstart, vend in _fields(buf, 0, len(buf)):
        if number == _MODEL_GRAPH and wire == 2:
            parts.append(_message(number, _graph(buf, vstart, vend)))
        else:
            parts.append(bytes(buf[start:vend]))
    return b"".join(parts)


def _graph(buf: memoryview, start: int, end: int) -> bytes:
    parts: list[bytes] = []
    for number, wire, fstart, vstart, vend in _fields(buf, start, end):
        if number == _GRAPH_INITIALIZER and wire == 2 and vend - vstart > KEEP_BYTES:
            kept = b"".join(
                bytes(buf[s:e])
                for n, _w, s, _vs, e in _fields(buf, vstart, vend)
                if n not in _TENSOR_DATA or e - s <= KEEP_BYTES
            )
            parts.append(_message(number, kept))
        else:
            parts.append(bytes(buf[fstart:vend]))
    return b"".join(parts)
