"""Each ONNX op that a quizgen layer or join expresses, and how its attributes become that layer's spec.

A handler adds the node's layer or join to the mapper and returns True, or returns False when this node's
form has no layer (asymmetric padding, a stored operand, an axis a join does not take): the mapper then
adds it as a :class:`~quizgen.arith.graph.Shaped` node with its file shape, and :func:`fallback_macs`
still counts a conv's or a matmul's MACs by the convention's rule.
"""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import TYPE_CHECKING

from quizgen.arith.graph import ADD, CONCAT, MATMUL, MUL, Join, Node, solve_join
from quizgen.arith.onnx_reader import OnnxNode
from quizgen.arith.solver import Params
from quizgen.errors import SpecError

if TYPE_CHECKING:
    from quizgen.arith.onnx_graph import _Mapper

Handler = Callable[["_Mapper", int, OnnxNode], bool]

#: Element-wise activations, and the layer each is.
ACTIVATIONS = {
    "Relu": "relu",
    "Gelu": "gelu",
    "Sigmoid": "sigmoid",
    "HardSigmoid": "hardsigmoid",
    "HardSwish": "hardswish",
    "Tanh": "tanh",
    "Softmax": "softmax",
    "Dropout": "dropout",
    "Identity": "identity",
}


def _x(values: list[int] | tuple[int, ...]) -> str:
    return "x".join(str(v) for v in values)


def _num(v: float) -> str:
    return f"{v:g}"


def _ints(n: OnnxNode, key: str, default: list[int]) -> list[int]:
    value = n.attrs.get(key)
    return [int(v) for v in value] if value else default


def _padding(n: OnnxNode, nd: int) -> str | None:
    """The spec's ``p``: ``same`` (TensorFlow's rule: the odd pixel after), or the per-dimension padding."""
    auto = n.attrs.get("auto_pad", "NOTSET")
    if auto == "SAME_UPPER":
        return "same"
    if auto == "VALID":
        return "0"
    if auto not in ("NOTSET", ""):
        return None
    pads = _ints(n, "pads", [0] * 2 * nd)
    if pads[:nd] != pads[nd:]:
        return None
    return _x(pads[:nd])


def _params(stored: list[int], trainable: int = 3) -> Params:
    """Params from the stored elements by input position: 1 the weights, 2 the bias; beyond ``trainable``, buffers."""
    weights = stored[1] if len(stored) > 1 else 0
    bias = sum(stored[2:trainable])
    buffers = sum(stored[trainable:])
    return Params(weights, bias, weights + bias, buffers, weights + bias + buffers)


def _weight(m: _Mapper, n: OnnxNode, i: int) -> tuple[int, ...] | None:
    t = m.consts.get(n.inputs[i]) if len(n.inputs) > i else None
    return t.dims if t is not None else None


def conv(m: _Mapper, i: int, n: OnnxNode) -> bool:
    w = _weight(m, n, 1)
    if w is None or len(w) < 3:
        return False
    nd = len(w) - 2
    k = _ints(n, "kernel_shape", list(w[2:]))
    p = _padding(n, nd)
    if p is None:
        return False
    g = int(n.attrs.get("group", 1))
    bias = "true" if len(n.inputs) > 2 and n.inputs[2] else "false"
    s, d = _x(_ints(n, "strides", [1] * nd)), _x(_ints(n, "dilations", [1] * nd))
    if n.op == "Conv":
        text = f"conv{nd}d out={w[0]} k={_x(k)} s={s} p={p} d={d} g={g} bias={bias}"
    else:
        if p == "same" or n.attrs.get("output_shape"):
            return False
        op = _x(_ints(n, "output_padding", [0] * nd))
        text = f"convtranspose{nd}d out={w[1] * g} k={_x(k)} s={s} p={p} op={op} d={d} g={g} bias={bias}"
    return _try_layer(m, n, text)


def _try_layer(m: _Mapper, n: OnnxNode, text: str, trainable: int = 3, **kw: object) -> bool:
    """The layer, with the node's stored values as its parameters (by input position: 1 the weights, 2 the bias,
    from ``trainable`` on buffers; with ``trainable=0`` all are weights); on failure nothing is counted."""
    before = set(m.counted)
    stored = m.stored(n)
    params = _params(stored, trainable) if trainable else Params(sum(stored), 0, sum(stored), 0, sum(stored))
    if m.layer(n, text, params, **kw):  # type: ignore[arg-type]
        return True
    m.counted = before
    return False


def gemm(m: _Mapper, i: int, n: OnnxNode) -> bool:
    w = _weight(m, n, 1)
    if (
        w is None
        or len(w) != 2
        or n.attrs.get("transA", 0)
        or len(m.dynamic(n)) != 1
        or n.inputs[0] not in m.dynamic(n)
    ):
        return False
    out = w[0] if n.attrs.get("transB", 0) else w[1]
    c = m.consts.get(n.inputs[2]) if len(n.inputs) > 2 and n.inputs[2] else None
    if c is not None and c.elements != out:
        return False
    return _try_layer(m, n, f"linear out={out} bias={'true' if c is not None else 'false'}")


def matmul(m: _Mapper, i: int, n: OnnxNode) -> bool:
    dyn = m.dynamic(n)
    if len(dyn) == 2:
        return _join(m, n, MATMUL)
    w = _weight(m, n, 1)
    if len(dyn) != 1 or dyn[0] != n.inputs[0] or w is None or len(w) != 2:
        return False
    # PyTorch's Linear as MatMul + Add of the bias: one linear layer, named by the Add's output.
    after = m.consumers.get(n.outputs[0], [])
    bias = None
    if len(after) == 1 and after[0].op == "Add" and n.outputs[0] not in m.model.outputs:
        other = [t for t in after[0].inputs if t != n.outputs[0]]
        b = m.model.initializers.get(other[0]) if len(other) == 1 else None
        if b is not None and b.is_float and b.elements == w[1] and len(b.dims) == 1:
            bias = after[0]
    if bias is None:
        return _try_layer(m, n, f"linear out={w[1]} bias=false")
    before = set(m.counted)
    stored = [0, m.stored(n)[1], sum(m.stored(bias))]
    name = bias.outputs[0]
    if m.layer(n, f"linear out={w[1]} bias=true", _params(stored), name=name, expect=m.house(name, bias)):
        m.skip.add(m.index[id(bias)])
        return True
    m.counted = before
    return False


def pool(m: _Mapper, i: int, n: OnnxNode) -> bool:
    k = _ints(n, "kernel_shape", [])
    nd = len(k)
    p = _padding(n, nd)
    if not k or p is None or p == "same":
        return False
    s = _x(_ints(n, "strides", [1] * nd))
    ceil = "true" if n.attrs.get("ceil_mode", 0) else "false"
    d = _ints(n, "dilations", [1] * nd)
    if n.op == "MaxPool":
        return _try_layer(m, n, f"maxpool{nd}d k={_x(k)} s={s} p={p} d={_x(d)} ceil={ceil}")
    if any(v != 1 for v in d):
        return False
    return _try_layer(m, n, f"avgpool{nd}d k={_x(k)} s={s} p={p} ceil={ceil}")


def global_pool(m: _Mapper, i: int, n: OnnxNode) -> bool:
    nd = len(m.onnx_shape(n.inputs[0], n)) - 2
    family = "adaptivemaxpool" if "Max" in n.op else "adaptiveavgpool"
    return nd >= 1 and _try_layer(m, n, f"{family}{nd}d size=1")


def reduce(m: _Mapper, i: int, n: OnnxNode) -> bool:
    """ReduceMean (or ReduceMax) over every spatial axis of an image: a global pool, then a flatten without keepdims."""
    src = n.inputs[0]
    if src not in m.image or len(m.dynamic(n)) != 1:
        return False
    rank = len(m.onnx_shape(src, n))
    axes_t = m.consts.get(n.inputs[1]) if len(n.inputs) > 1 and n.inputs[1] else None
    axes = list(axes_t.values or ()) if axes_t is not None else _ints(n, "axes", [])
    if sorted(int(a) % rank for a in axes) != list(range(2, rank)):
        return False
    family = "adaptivemaxpool" if n.op == "ReduceMax" else "adaptiveavgpool"
    text = f"{family}{rank - 2}d size=1"
    if n.attrs.get("keepdims", 1):
        return _try_layer(m, n, text)
    pooled = f"{n.outputs[0]}/pool"
    c = m.onnx_shape(src, n)[1]
    if not _try_layer(m, n, text, name=pooled, expect=(*([1] * (rank - 2)), c)):
        return False
    m.image.add(pooled)
    return m.layer(n, "flatten", Params(0, 0, 0, 0, 0), src=pooled)


def batchnorm(m: _Mapper, i: int, n: OnnxNode) -> bool:
    nd = max(len(m.onnx_shape(n.inputs[0], n)) - 2, 1)
    return _try_layer(m, n, f"batchnorm{nd}d", trainable=3)


def layernorm(m: _Mapper, i: int, n: OnnxNode) -> bool:
    rank = len(m.onnx_shape(n.inputs[0], n))
    if int(n.attrs.get("axis", -1)) % rank != rank - 1:
        return False
    return _try_layer(m, n, "layernorm")


def activation(m: _Mapper, i: int, n: OnnxNode) -> bool:
    return _try_layer(m, n, ACTIVATIONS[n.op])


def clip(m: _Mapper, i: int, n: OnnxNode) -> bool:
    bounds = []
    for j, key in ((1, "min"), (2, "max")):
        t = m.consts.get(n.inputs[j]) if len(n.inputs) > j and n.inputs[j] else None
        value = t.values[0] if t is not None and t.values else n.attrs.get(key)
        bounds.append(value)
    low, high = bounds
    if low == 0 and high == 6:
        return _try_layer(m, n, "relu6")
    if low == 0 and high is None:
        return _try_layer(m, n, "relu")
    if low is None or high is None:
        return False
    return _try_layer(m, n, f"clip min={_num(low)} max={_num(high)}")


def flatten(m: _Mapper, i: int, n: OnnxNode) -> bool:
    return int(n.attrs.get("axis", 1)) == 1 and _try_layer(m, n, "flatten")


def resize(m: _Mapper, i: int, n: OnnxNode) -> bool:
    """Resize (or Upsample) of an image by a whole scale, nearest or (bi)linear: ``upsample``."""
    src = n.inputs[0]
    mode = {"nearest": "nearest", "linear": "bilinear"}.get(str(n.attrs.get("mode", "nearest")))
    if src not in m.image or mode is None:
        return False
    shape_in, shape_out = m.onnx_shape(src, n), m.onnx_shape(n.outputs[0], n)
    if shape_in[:2] != shape_out[:2] or any(o % s for s, o in zip(shape_in[2:], shape_out[2:])):
        return False
    scale = [o // s for s, o in zip(shape_in[2:], shape_out[2:])]
    if mode == "bilinear" and len(scale) != 2:
        return False
    return _try_layer(m, n, f"upsample scale={_x(scale)} mode={mode}")


def _join(m: _Mapper, n: OnnxNode, kind: str, axis: int = -1) -> bool:
    """A join of the node's tensors; a mismatch of shapes is refused at once, naming both."""
    dyn = m.dynamic(n)
    if len(dyn) != len([t for t in n.inputs if t]):
        return False
    shapes = [m.house(t, n) for t in dyn]
    out = n.outputs[0]
    where = f"{m.model.name}: node {n.name} ({n.op})"
    node = Node(out, tuple(dyn), Join(kind, axis), where=where, labels=tuple(dyn))
    solved = solve_join(node, shapes)  # raises SpecError on a mismatch
    m.mark(n, out)
    if solved.output_shape != m.house(out, n):
        m.image.discard(out)
        return False
    m.nodes.append(node)
    m.params[out] = Params(0, 0, 0, 0, 0)
    return True


def _stored_operand(m: _Mapper, n: OnnxNode) -> tuple[int, ...] | None:
    """The dimensions of the node's one stored float operand (leading 1s dropped), if it has exactly one."""
    stored = [m.model.initializers.get(t) for t in n.inputs if t in m.consts]
    if len(stored) != 1 or stored[0] is None or not stored[0].is_float:
        return None
    dims = stored[0].dims
    while len(dims) > 2 and dims[0] == 1:
        dims = dims[1:]
    return dims


def elementwise(m: _Mapper, i: int, n: OnnxNode) -> bool:
    dyn = m.dynamic(n)
    if len(dyn) == 1 and n.op == "Add" and dyn[0] not in m.image:
        # a ViT's position embedding: a stored Nxd added to the token map
        shape = m.house(dyn[0], n)
        return len(shape) == 2 and _stored_operand(m, n) == shape and _try_layer(m, n, "posembed")
    if len(dyn) != 2:
        return False
    return _join(m, n, ADD if n.op == "Add" else MUL)


def concat(m: _Mapper, i: int, n: OnnxNode) -> bool:
    dyn = m.dynamic(n)
    if len(dyn) == 1 and n.inputs[0] in m.consts and dyn[0] == n.inputs[-1] and dyn[0] not in m.image:
        # a ViT's class token: a stored 1xd put before the tokens
        shape = m.house(dyn[0], n)
        return (
            len(shape) == 2
            and _stored_operand(m, n) == (1, shape[1])
            and int(n.attrs.get("axis", 1)) % 3 == 1
            and _try_layer(m, n, "clstoken", trainable=0)
        )
    rank = len(m.onnx_shape(n.outputs[0], n))
    axis = int(n.attrs.get("axis", 1)) % rank
    if all(t in m.image for t in dyn):
        house_axis = -1 if axis == 1 else axis - 2
    else:
        house_axis = axis - (rank - len(m.house(n.outputs[0], n)))
        if house_axis < 0:
            return False
    return _join(m, n, CONCAT, house_axis)


def fallback_macs(m: _Mapper, n: OnnxNode) -> int:
    """MACs of a conv, transposed conv, Gemm or MatMul read as a shape, by the convention's rule; 0 otherwise."""
    try:
        if n.op in ("Conv", "ConvTranspose"):
            w = m.onnx_shape(n.inputs[1], n)
            spatial = m.onnx_shape(n.outputs[0] if n.op == "Conv" else n.inputs[0], n)[2:]
            return prod(w) * prod(spatial)
        if n.op in ("MatMul", "Gemm"):
            a = m.onnx_shape(n.inputs[0], n)
            k = a[0] if n.op == "Gemm" and n.attrs.get("transA", 0) else a[-1]
            return prod(m.onnx_shape(n.outputs[0], n)) * k
    except SpecError:
        return 0
    return 0


HANDLERS: dict[str, Handler] = {
    "Conv": conv,
    "ConvTranspose": conv,
    "Gemm": gemm,
    "MatMul": matmul,
    "MaxPool": pool,
    "AveragePool": pool,
    "GlobalAveragePool": global_pool,
    "GlobalMaxPool": global_pool,
    "ReduceMean": reduce,
    "ReduceMax": reduce,
    "BatchNormalization": batchnorm,
    "LayerNormalization": layernorm,
    "Clip": clip,
    "Flatten": flatten,
    "Resize": resize,
    "Upsample": resize,
    "Add": elementwise,
    "Mul": elementwise,
    "Concat": concat,
    **dict.fromkeys(("Relu", "Gelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softmax"), activation),
    **dict.fromkeys(("Dropout", "Identity"), activation),
}
