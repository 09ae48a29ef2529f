"""Layers as immutable records, and the rules that make a layer buildable.

Shapes are kept in the seed's and Keras's order: spatial sizes first, then
channels (``(H, W, C)`` for 2d).  Every rule here is one a framework enforces:
a layer that passes :func:`validate` can be built in PyTorch, or in
TensorFlow where DESIGN says so (``p=same`` with stride > 1).
"""

from __future__ import annotations

from typing import NamedTuple

from quizgen.arith import geometry
from quizgen.errors import SpecError
from quizgen.i18n import _

CONV, CONVT, MAXPOOL, AVGPOOL = "conv", "convtranspose", "maxpool", "avgpool"
ADAPTIVE_AVG, ADAPTIVE_MAX = "adaptiveavgpool", "adaptivemaxpool"
LINEAR, BATCHNORM, RELU, FLATTEN = "linear", "batchnorm", "relu", "flatten"
RELU6, CLIP, GELU, SILU, HARDSWISH = "relu6", "clip", "gelu", "silu", "hardswish"
SIGMOID, HARDSIGMOID, TANH, SOFTMAX = "sigmoid", "hardsigmoid", "tanh", "softmax"
DROPOUT, IDENTITY, LAYERNORM, LAYERSCALE, UPSAMPLE = "dropout", "identity", "layernorm", "layerscale", "upsample"
PATCHEMBED, CLSTOKEN, POSEMBED, MHSA, MLP, SELECT = "patchembed", "clstoken", "posembed", "mhsa", "mlp", "select"

#: Element-wise activations: shape kept, no parameters, 0 MACs (torchvision's convention).
ACTIVATIONS = (RELU, RELU6, CLIP, GELU, SILU, HARDSWISH, SIGMOID, HARDSIGMOID, TANH, SOFTMAX)
#: Layers whose output has the input's shape, of any rank.
SHAPE_KEEPING = (*ACTIVATIONS, DROPOUT, IDENTITY, LAYERNORM, LAYERSCALE)
#: Vision Transformer layers on a token map ``Nxd`` (tokens, then features).
TOKEN_FAMILIES = (CLSTOKEN, POSEMBED, MHSA, MLP, SELECT)
NEAREST, BILINEAR = "nearest", "bilinear"

#: Families whose name carries a dimension suffix (``conv2d``), and the keys each takes.
SPATIAL_FAMILIES = (CONV, CONVT, MAXPOOL, AVGPOOL, ADAPTIVE_AVG, ADAPTIVE_MAX, BATCHNORM)
KEYS: dict[str, tuple[str, ...]] = {
    CONV: ("in", "out", "k", "s", "p", "d", "g", "bias"),
    CONVT: ("in", "out", "k", "s", "p", "op", "d", "g", "bias"),
    MAXPOOL: ("in", "k", "s", "p", "d", "ceil"),
    AVGPOOL: ("in", "k", "s", "p", "ceil"),
    ADAPTIVE_AVG: ("in", "size"),
    ADAPTIVE_MAX: ("in", "size"),
    LINEAR: ("in", "out", "bias"),
    BATCHNORM: ("in",),
    RELU: ("in",),
    FLATTEN: ("in",),
    **{family: ("in",) for family in SHAPE_KEEPING if family not in (RELU, CLIP, DROPOUT)},
    CLIP: ("in", "min", "max"),
    DROPOUT: ("in", "p"),
    UPSAMPLE: ("in", "scale", "mode"),
    PATCHEMBED: ("in", "patch", "out", "bias"),
    CLSTOKEN: ("in",),
    POSEMBED: ("in",),
    MHSA: ("in", "heads", "bias"),
    MLP: ("in", "hidden", "bias"),
    SELECT: ("in", "token"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    CONV: ("in", "out", "k"),
    CONVT: ("in", "out", "k"),
    MAXPOOL: ("in", "k"),
    AVGPOOL: ("in", "k"),
    ADAPTIVE_AVG: ("in", "size"),
    ADAPTIVE_MAX: ("in", "size"),
    LINEAR: ("in", "out"),
    BATCHNORM: ("in",),
    RELU: ("in",),
    FLATTEN: ("in",),
    **{family: ("in",) for family in SHAPE_KEEPING if family not in (RELU, CLIP)},
    CLIP: ("in", "min", "max"),
    UPSAMPLE: ("in", "scale"),
    PATCHEMBED: ("in", "patch", "out"),
    CLSTOKEN: ("in",),
    POSEMBED: ("in",),
    MHSA: ("in", "heads"),
    MLP: ("in", "hidden"),
    SELECT: ("in",),
}
SAME, VALID = "same", "valid"
#: Families whose input has spatial sizes before its channels, pooling families, and families with a kernel.
_SPATIAL_INPUT = frozenset((*SPATIAL_FAMILIES, UPSAMPLE, PATCHEMBED))
_POOLS = frozenset((MAXPOOL, AVGPOOL, ADAPTIVE_AVG, ADAPTIVE_MAX))
_KERNELED = frozenset((CONV, CONVT, MAXPOOL, AVGPOOL))
AXES = {1: "L", 2: "HxW", 3: "DxHxW"}


class Layer(NamedTuple):
    """One layer, with every default filled in.

    ``input_shape`` is spatial sizes then channels; for ``linear`` on a vector it is
    ``(features,)``, and a token map is ``(N, d)``.  ``padding`` is a per-dimension tuple or ``"same"``.
    ``kernel`` holds a patch embedding's patch size; ``heads`` (attention), ``hidden`` (MLP), ``scale``
    and ``mode`` (upsample), ``low``/``high`` (clip's min and max), ``rate`` (dropout's p) and
    ``token`` (select) belong to one family each.
    ``given`` names the keys the spec wrote out; it is not part of what the
    layer is, so two layers that differ only in it are equal.
    """

    family: str
    ndim: int
    input_shape: tuple[int, ...]
    out: int | None = None
    kernel: tuple[int, ...] = ()
    stride: tuple[int, ...] = ()
    padding: tuple[int, ...] | str = ()
    dilation: tuple[int, ...] = ()
    groups: int = 1
    bias: bool = False
    ceil_mode: bool = False
    output_padding: tuple[int, ...] = ()
    output_size: tuple[int, ...] = ()
    heads: int = 0
    hidden: int = 0
    scale: tuple[int, ...] = ()
    mode: str = ""
    low: float = 0.0
    high: float = 0.0
    rate: float = 0.0
    token: int = 0
    given: frozenset[str] = frozenset()

    # ``given`` is the last field, so ``self[:-1]`` is everything the layer is.
    def __eq__(self, other: object) -> bool:
        return type(other) is Layer and self[:-1] == other[:-1]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:-1])

    @property
    def name(self) -> str:
        """The canonical layer name, e.g. ``conv2d`` or ``linear``."""
        return f"{self.family}{self.ndim}d" if self.family in SPATIAL_FAMILIES else self.family

    @property
    def spatial(self) -> tuple[int, ...]:
        """The input's spatial sizes (empty for linear, token and shapeless layers)."""
        return self.input_shape[:-1] if self.family in _SPATIAL_INPUT else ()

    @property
    def in_channels(self) -> int:
        """Channels (or features) of the input: its last entry."""
        return self.input_shape[-1]

    @property
    def is_pool(self) -> bool:
        return self.family in _POOLS

    @property
    def has_kernel(self) -> bool:
        return self.family in _KERNELED


def fmt_tuple(values: tuple[int, ...], sep: str = "x") -> str:
    """``(3, 3)`` → ``3``, ``(3, 5)`` → ``3x5``: one number when all are equal."""
    if len(set(values)) == 1:
        return str(values[0])
    return sep.join(str(v) for v in values)


def fmt_shape(shape: tuple[int, ...], sep: str = "x") -> str:
    """A whole shape, every entry shown: ``55x55x96``."""
    return sep.join(str(v) for v in shape)


def resolved_padding(layer: Layer) -> tuple[tuple[int, int], ...]:
    """Padding per spatial dimension as (before, after); ``same`` resolved by TensorFlow's rule."""
    if layer.padding == SAME:
        return tuple(
            geometry.same_padding(n, k, s, d)
            for n, k, s, d in zip(layer.spatial, layer.kernel, layer.stride, layer.dilation or (1,) * layer.ndim)
        )
    assert isinstance(layer.padding, tuple)
    return tuple((p, p) for p in layer.padding)


def validate(layer: Layer) -> Layer:
    """Raise :class:`SpecError` unless a framework can build ``layer``; return it otherwise."""
    name = layer.name
    _check_input(layer)
    if layer.out is not None and layer.out < 1:
        raise SpecError(_("{name}: out={out} must be at least 1").format(name=name, out=layer.out))
    for key, values in (("k", layer.kernel), ("s", layer.stride), ("d", layer.dilation), ("size", layer.output_size)):
        _check_positive(name, key if layer.family != PATCHEMBED else "patch", values)
    _check_positive(name, "scale", layer.scale)
    if layer.family in (CLIP, DROPOUT, UPSAMPLE, PATCHEMBED, MHSA, MLP, SELECT):
        _check_settings(layer)
    if isinstance(layer.padding, tuple) and any(p < 0 for p in layer.padding):
        raise SpecError(_("{name}: p={value} must be 0 or more").format(name=name, value=fmt_tuple(layer.padding)))
    if any(p < 0 for p in layer.output_padding):
        raise SpecError(
            _("{name}: op={value} must be 0 or more").format(name=name, value=fmt_tuple(layer.output_padding))
        )
    if layer.family in (CONV, CONVT):
        _check_groups(layer)
    if layer.padding == SAME:
        _check_same(layer)
    if layer.family in (MAXPOOL, AVGPOOL) and isinstance(layer.padding, tuple):
        for p, k in zip(layer.padding, layer.kernel):
            if p > k // 2:
                raise SpecError(
                    _(
                        "{name}: p={p} must be at most half the kernel k={k} (PyTorch's rule: a window may not lie wholly in the padding)"
                    ).format(name=name, p=p, k=k)
                )
    if layer.family == AVGPOOL and layer.ndim == 3 and layer.padding != SAME:
        for n, k in zip(layer.spatial, layer.kernel):
            if k > n:
                raise SpecError(
                    _(
                        "{name}: k={k} exceeds the input {n} (PyTorch's avgpool3d needs the kernel to fit the unpadded input)"
                    ).format(name=name, k=k, n=n)
                )
    if layer.family == CONVT:
        for op, s, d in zip(layer.output_padding, layer.stride, layer.dilation):
            if op >= s and op >= d:
                raise SpecError(
                    _("{name}: op={op} must be smaller than the stride s={s} or the dilation d={d}").format(
                        name=name, op=op, s=s, d=d
                    )
                )
    if layer.has_kernel:
        _check_fits(layer)
    return layer


def _check_settings(layer: Layer) -> None:
    """The rules of the layers for modern networks: clip's bounds, dropout's p, patches, heads, tokens."""
    name, shape = layer.name, layer.input_shape
    if layer.family == CLIP and not layer.low < layer.high:
        raise SpecError(
            _("{name}: min={low} must be below max={high}").format(
                name=name, low=fmt_number(layer.low), high=fmt_number(layer.high)
            )
        )
    if layer.family == DROPOUT and not 0 <= layer.rate <= 1:
        raise SpecError(
            _("{name}: p={value} must be a probability, between 0 and 1").format(
                name=name, value=fmt_number(layer.rate)
            )
        )
    if layer.family == UPSAMPLE and layer.mode == BILINEAR and len(shape) != 3:
        raise SpecError(
            _("{name}: mode=bilinear needs a 2-d input HxWxC, got in={shape} (PyTorch's rule)").format(
                name=name, shape=fmt_shape(shape)
            )
        )
    if layer.family == PATCHEMBED:
        for axis, n in zip((_("height"), _("width")), shape):
            if n % layer.kernel[0]:
                raise SpecError(
                    _(
                        "{name}: patch={patch} must divide the input's {axis} {n} (the image is cut into whole patches)"
                    ).format(name=name, patch=layer.kernel[0], axis=axis, n=n)
                )
    if layer.family == MHSA:
        _check_positive(name, "heads", (layer.heads,))
        if shape[1] % layer.heads:
            raise SpecError(
                _("{name}: heads={heads} must divide d={d} (each head takes d/h features)").format(
                    name=name, heads=layer.heads, d=shape[1]
                )
            )
    if layer.family == MLP:
        _check_positive(name, "hidden", (layer.hidden,))
    if layer.family == SELECT and not 0 <= layer.token < shape[0]:
        raise SpecError(
            _("{name}: token={token} must be 0 or more and below the token count N={n}").format(
                name=name, token=layer.token, n=shape[0]
            )
        )


def fmt_number(value: float) -> str:
    """A float as written in a spec: ``6`` for 6.0, ``0.5``, ``1e-07``."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _check_positive(name: str, key: str, values: tuple[int, ...]) -> None:
    for v in values:
        if v < 1:
            raise SpecError(
                _("{name}: {key}={value} must be at least 1").format(name=name, key=key, value=fmt_tuple(values))
            )


def _check_input(layer: Layer) -> None:
    name, shape = layer.name, layer.input_shape
    if any(v < 1 for v in shape):
        raise SpecError(
            _("{name}: in={shape} must have every size at least 1").format(name=name, shape=fmt_shape(shape))
        )
    if layer.family in TOKEN_FAMILIES and len(shape) != 2:
        raise SpecError(
            _("{name}: in={shape} must be a token map Nxd (tokens, then features), got {count} numbers").format(
                name=name, shape=fmt_shape(shape), count=len(shape)
            )
        )
    if layer.family == PATCHEMBED and len(shape) != 3:
        raise SpecError(
            _("{name}: in={shape} must be an image HxWxC, got {count} numbers").format(
                name=name, shape=fmt_shape(shape), count=len(shape)
            )
        )
    if layer.family == UPSAMPLE and len(shape) not in (2, 3, 4):
        raise SpecError(
            _("{name}: in={shape} must be LxC, HxWxC or DxHxWxC (spatial sizes, then channels)").format(
                name=name, shape=fmt_shape(shape)
            )
        )
    if layer.family == BATCHNORM and layer.ndim == 1:
        if len(shape) not in (1, 2):
            raise SpecError(_("{name}: in={shape} must be C or LxC").format(name=name, shape=fmt_shape(shape)))
    elif layer.family in SPATIAL_FAMILIES and len(shape) != layer.ndim + 1:
        want = f"{AXES[layer.ndim]}xC"
        raise SpecError(
            _("{name}: in={shape} must have {value} numbers ({want}), got {count}").format(
                name=name, shape=fmt_shape(shape), value=layer.ndim + 1, want=want, count=len(shape)
            )
        )


def _check_groups(layer: Layer) -> None:
    name, g = layer.name, layer.groups
    if g < 1:
        raise SpecError(_("{name}: g={g} must be at least 1").format(name=name, g=g))
    if layer.in_channels % g:
        raise SpecError(
            _("{name}: g={g} must divide in-channels {in_channels}").format(
                name=name, g=g, in_channels=layer.in_channels
            )
        )
    assert layer.out is not None
    if layer.out % g:
        raise SpecError(_("{name}: g={g} must divide out={out}").format(name=name, g=g, out=layer.out))


def _check_same(layer: Layer) -> None:
    name = layer.name
    if layer.family == CONVT:
        raise SpecError(
            _("{name}: p=same is not defined for a transposed conv here; give p and op as numbers").format(name=name)
        )
    if layer.ceil_mode:
        raise SpecError(_("{name}: p=same cannot be combined with ceil=true (no framework has both)").format(name=name))
    if any(s > 1 for s in layer.stride) and any(d > 1 for d in layer.dilation):
        raise SpecError(
            _(
                "{name}: p=same with s={value} and d={value2}: TensorFlow refuses 'same' with both stride > 1 and dilation > 1, and PyTorch refuses 'same' with stride > 1"
            ).format(name=name, value=fmt_tuple(layer.stride), value2=fmt_tuple(layer.dilation))
        )


def _check_fits(layer: Layer) -> None:
    name = layer.name
    pads = resolved_padding(layer)
    dilation = layer.dilation or (1,) * layer.ndim
    for i, (n, k, s, d, pad) in enumerate(zip(layer.spatial, layer.kernel, layer.stride, dilation, pads)):
        if layer.family == CONVT:
            op = layer.output_padding[i]
            if geometry.transposed_out(n, k, s, pad[0], op, d) < 1:
                raise SpecError(
                    _(
                        "{name}: p={item} is too large: the output (in-1)·s - 2p + d·(k-1) + op + 1 would be {transposed_out} (in={n}, k={k}, s={s})"
                    ).format(
                        name=name,
                        item=pad[0],
                        transposed_out=geometry.transposed_out(n, k, s, pad[0], op, d),
                        n=n,
                        k=k,
                        s=s,
                    )
                )
            continue
        keff = geometry.effective_kernel(k, d)
        out = geometry.pool_out(n, k, s, pad, d, layer.ceil_mode)
        if out >= 1:
            continue
        padded = n + pad[0] + pad[1]
        what = f"k={k}" if d == 1 else _("the effective kernel {keff} (k={k}, d={d})").format(keff=keff, k=k, d=d)
        p_text = "same" if layer.padding == SAME else str(pad[0])
        allowed = layer.is_pool and geometry.pool_out(n, k, s, pad, d, True) >= 1
        hint = _("; ceil=true would allow it") if allowed else ""
        raise SpecError(
            _("{name}: {what} exceeds the padded input {padded} (in={n} with p={p_text}){hint}").format(
                name=name, what=what, padded=padded, n=n, p_text=p_text, hint=hint
            )
        )
