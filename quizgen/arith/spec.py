"""Layer specs: one line of text ↔ :class:`~quizgen.layers.Layer`.

The grammar is DESIGN section 1: a layer name, then ``key=value`` pairs.
:func:`parse` reads it, :func:`format_layer` writes the canonical form, and
``parse(format_layer(layer)) == layer`` for every valid layer.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Literal

from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.errors import SpecError
from quizgen.i18n import N_, _, closest

Layout = Literal["hwc", "chw"]

#: Every spelling of each key (PyTorch's and Keras's argument names too), by its canonical key.
_KEY_SPELLINGS = {
    "in": "input in_features input_shape",
    "out": "out_channels out_features filters units",
    "k": "kernel kernel_size",
    "s": "stride strides",
    "p": "padding pad",
    "d": "dilation dilation_rate",
    "g": "groups",
    "bias": "use_bias",
    "ceil": "ceil_mode",
    "op": "output_padding",
    "size": "output_size",
    "min": "min_val",
    "max": "max_val",
    "scale": "scale_factor",
    "mode": "",
    "patch": "patch_size",
    "heads": "num_heads",
    "hidden": "hidden_dim mlp_dim",
    "token": "index",
}
_KEY_ALIASES = {alias: key for key, others in _KEY_SPELLINGS.items() for alias in (key, *others.split())}
_NAME_ALIASES = {
    "fc": "linear",
    "dense": "linear",
    "deconv": L.CONVT,
    "conv{n}dtranspose": L.CONVT,
    "convtranspose": L.CONVT,
    "bn": L.BATCHNORM,
    "batchnorm": L.BATCHNORM,
    "maxpooling": L.MAXPOOL,
    "averagepooling": L.AVGPOOL,
    "avgpooling": L.AVGPOOL,
    "swish": L.SILU,
    "hswish": L.HARDSWISH,
    "hsigmoid": L.HARDSIGMOID,
    "stochasticdepth": L.DROPOUT,
    "attention": L.MHSA,
    "multiheadattention": L.MHSA,
    "upsampling": L.UPSAMPLE,
}
#: Global average pooling is read as ``adaptiveavgpool{n}d size=1``, ``n`` from the input's rank.
GLOBAL_POOL = ("globalavgpool", "gap")
_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False, "on": True, "off": False}
_AROUND_EQUALS = re.compile(r"\s*=\s*(?![^\s=]*=)")
_AROUND_SEPARATORS = re.compile(r"(?<=[\d(\[])\s*([xX×*,])\s*(?=[\d)\]])")
_WHOLE = re.compile(r"-?[0-9]+")
#: The largest size, channel count or kernel quizgen accepts: far beyond real networks, small enough to stay fast.
MAX_VALUE = 10**7


def _names() -> dict[str, tuple[str, int]]:
    names: dict[str, tuple[str, int]] = {}
    for family in L.SPATIAL_FAMILIES:
        for n in (1, 2, 3):
            names[f"{family}{n}d"] = (family, n)
    for family in (L.LINEAR, L.FLATTEN, *L.SHAPE_KEEPING, L.UPSAMPLE, L.PATCHEMBED, *L.TOKEN_FAMILIES):
        names[family] = (family, 0)
    for alias in GLOBAL_POOL:
        names[alias] = (L.ADAPTIVE_AVG, 0)
    for alias, family in _NAME_ALIASES.items():
        if family in L.SPATIAL_FAMILIES:
            for n in (1, 2, 3):
                key = alias.replace("{n}", str(n)) if "{n}" in alias else f"{alias}{n}d"
                names[key] = (family, n)
        else:
            names[alias] = (family, 0)
    return names


NAMES = _names()
CANONICAL_NAMES = tuple(sorted({f"{f}{n}d" if n else f for f, n in NAMES.values()}))


def parse(text: str, *, layout: Layout = "hwc", default_input: tuple[int, ...] | None = None) -> Layer:
    """Parse one spec line into a validated :class:`Layer`.

    ``default_input`` (spatial then channels) is used when ``in=`` is absent,
    as in a stack; ``layout="chw"`` reads ``in=`` with channels first.
    """
    return _parsed(text, layout, default_input)


@lru_cache(maxsize=16384)  # a Layer is immutable; a sheet's draws parse the same spec again and again
def _parsed(text: str, layout: Layout, default_input: tuple[int, ...] | None) -> Layer:
    """:func:`parse`'s layer (an error, which is worded in the active language, is raised anew each time)."""
    return L.validate(build(text, layout=layout, default_input=default_input))


def build(text: str, *, layout: Layout = "hwc", default_input: tuple[int, ...] | None = None) -> Layer:
    """Parse one spec line into a :class:`Layer` without the buildability checks."""
    text = _AROUND_EQUALS.sub("=", text.split("#", 1)[0].strip())
    tokens = _AROUND_SEPARATORS.sub(r"\1", text).split()
    if not tokens:
        raise SpecError(_("empty spec: expected a layer name such as 'conv2d in=32x32x3 out=16 k=3'"))
    raw_name = tokens[0]
    key = raw_name.lower().replace("_", "").replace("-", "")
    if key not in NAMES:
        raise SpecError(
            _(
                "unknown layer '{raw_name}'{suggestion}; known layers: conv1d-3d, convtranspose1d-3d, maxpool/avgpool/adaptiveavgpool/adaptivemaxpool1d-3d, globalavgpool, linear, batchnorm1d-3d, layernorm, layerscale, {activations}, dropout, identity, flatten, upsample, patchembed, clstoken, posembed, mhsa, mlp, select"
            ).format(
                raw_name=raw_name,
                suggestion=closest(key, [*CANONICAL_NAMES, *GLOBAL_POOL]),
                activations=", ".join(L.ACTIVATIONS),
            )
        )
    family, ndim = NAMES[key]
    name = f"{family}{ndim}d" if family in L.SPATIAL_FAMILIES else family
    allowed = L.KEYS[family]
    if key in GLOBAL_POOL:
        name, allowed = "globalavgpool", ("in",)
    raw: dict[str, str] = {}
    for token in tokens[1:]:
        if "=" not in token:
            raise SpecError(
                _("{name}: '{token}' is not key=value (keys: {items})").format(
                    name=name, token=token, items=", ".join(allowed)
                )
            )
        given_key, value = token.split("=", 1)
        canon = _KEY_ALIASES.get(given_key.lower())
        if canon is None:
            raise SpecError(
                _("{name}: unknown key '{given_key}'{suggestion}; {name} takes {items}").format(
                    name=name,
                    given_key=given_key,
                    suggestion=closest(given_key, list(_KEY_ALIASES)),
                    items=", ".join(allowed),
                )
            )
        if canon not in allowed:
            raise SpecError(
                _("{name}: key '{given_key}' does not apply to {name}; it takes {items}").format(
                    name=name, given_key=given_key, items=", ".join(allowed)
                )
            )
        if canon in raw:
            raise SpecError(_("{name}: key '{canon}' is given twice").format(name=name, canon=canon))
        raw[canon] = value
    if "in" not in raw and default_input is None:
        raise SpecError(
            _("{name}: missing in= (the input shape, e.g. {value})").format(
                name=name, value=_example_input(family, ndim)
            )
        )
    if key in GLOBAL_POOL:
        ndim = _global_pool_rank(raw, layout, default_input)
        raw["size"] = "1"
    for req in L.REQUIRED[family]:
        if req not in raw and req != "in":
            raise SpecError(_("{name}: missing {req}= ({item})").format(name=name, req=req, item=_(_MEANING[req])))
    return _to_layer(family, ndim, raw, layout, default_input)


def _global_pool_rank(raw: dict[str, str], layout: Layout, default_input: tuple[int, ...] | None) -> int:
    """The spatial rank of a global average pool's input: LxC → 1, HxWxC → 2, DxHxWxC → 3."""
    shape = _ints("globalavgpool", "in", raw["in"]) if "in" in raw else default_input
    assert shape is not None
    if len(shape) not in (2, 3, 4):
        raise SpecError(
            _("{name}: in={shape} must be LxC, HxWxC or DxHxWxC (spatial sizes, then channels)").format(
                name="globalavgpool", shape=L.fmt_shape(shape)
            )
        )
    return len(shape) - 1


_MEANING = {
    "out": N_("output channels or features"),
    "k": N_("the kernel size"),
    "size": N_("the adaptive output size"),
    "min": N_("the lower bound"),
    "max": N_("the upper bound"),
    "scale": N_("the factor each spatial size is multiplied by"),
    "patch": N_("the patch size P: a conv with k = s = P"),
    "heads": N_("the number of attention heads"),
    "hidden": N_("the MLP's hidden width"),
}


def _example_input(family: str, ndim: int) -> str:
    if family == L.LINEAR:
        return "in=9216"
    if family in L.TOKEN_FAMILIES:
        return "in=197x768"
    if family in L.SHAPE_KEEPING:
        return "in=56x56x96"
    return "in=" + {1: "100x16", 2: "32x32x3", 3: "16x112x112x3"}.get(ndim, "32x32x3")


def _int(name: str, key: str, text: str) -> int:
    if not _WHOLE.fullmatch(text):
        raise SpecError(_("{name}: {key}={text} must be a whole number").format(name=name, key=key, text=text))
    value = int(text)
    if value > MAX_VALUE:
        raise SpecError(
            _("{name}: {key}={text} is larger than quizgen's limit of {MAX_VALUE:,}").format(
                name=name, key=key, text=text, MAX_VALUE=MAX_VALUE
            )
        )
    return value


def _ints(name: str, key: str, text: str) -> tuple[int, ...]:
    inner = text.strip("()[]")
    if not inner:
        raise SpecError(_("{name}: {key}= has no value").format(name=name, key=key))
    parts = re.split(r"[xX×*,]", inner)
    if any(part == "" for part in parts):
        raise SpecError(
            _("{name}: {key}={text} must be numbers joined by x, e.g. 32x32x3").format(name=name, key=key, text=text)
        )
    return tuple(_int(name, key, part) for part in parts)


def _per_dim(name: str, key: str, text: str, ndim: int) -> tuple[int, ...]:
    values = _ints(name, key, text)
    if len(values) == 1:
        return values * ndim
    if len(values) != ndim:
        raise SpecError(
            _("{name}: {key}={text} must be one number or {ndim} (one per spatial dimension)").format(
                name=name, key=key, text=text, ndim=ndim
            )
        )
    return values


def _bool(name: str, key: str, text: str) -> bool:
    try:
        return _BOOLS[text.lower()]
    except KeyError:
        raise SpecError(_("{name}: {key}={text} must be true or false").format(name=name, key=key, text=text)) from None


def _to_layer(
    family: str, ndim: int, raw: dict[str, str], layout: Layout, default_input: tuple[int, ...] | None
) -> Layer:
    name = f"{family}{ndim}d" if family in L.SPATIAL_FAMILIES else family
    if "in" in raw:
        shape = _ints(name, "in", raw["in"])
        if layout == "chw" and len(shape) > 1:
            shape = shape[1:] + shape[:1]
    else:
        assert default_input is not None
        shape = default_input
    fields: dict = {"family": family, "ndim": ndim, "input_shape": shape, "given": frozenset(raw)}
    if "out" in raw:
        fields["out"] = _int(name, "out", raw["out"])
    if family in (L.CONV, L.CONVT, L.LINEAR):
        fields["bias"] = _bool(name, "bias", raw["bias"]) if "bias" in raw else True
    if family in (L.CONV, L.CONVT, L.MAXPOOL, L.AVGPOOL):
        kernel = _per_dim(name, "k", raw["k"], ndim)
        fields["kernel"] = kernel
        default_stride = kernel if family in (L.MAXPOOL, L.AVGPOOL) else (1,) * ndim
        fields["stride"] = _per_dim(name, "s", raw["s"], ndim) if "s" in raw else default_stride
        fields["padding"] = _padding(name, raw.get("p", "0"), ndim)
        if family != L.AVGPOOL:
            fields["dilation"] = _per_dim(name, "d", raw["d"], ndim) if "d" in raw else (1,) * ndim
    if family in (L.CONV, L.CONVT):
        fields["groups"] = _int(name, "g", raw.get("g", "1"))
    if family == L.CONVT:
        fields["output_padding"] = _per_dim(name, "op", raw.get("op", "0"), ndim)
    if family in (L.MAXPOOL, L.AVGPOOL):
        fields["ceil_mode"] = _bool(name, "ceil", raw["ceil"]) if "ceil" in raw else False
    if family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        fields["output_size"] = _per_dim(name, "size", raw["size"], ndim)
    if family in (L.PATCHEMBED, L.MHSA, L.MLP):
        fields["bias"] = _bool(name, "bias", raw["bias"]) if "bias" in raw else True
    if family == L.CLIP:
        fields["low"], fields["high"] = _float(name, "min", raw["min"]), _float(name, "max", raw["max"])
    if family == L.DROPOUT:
        fields["rate"] = _float(name, "p", raw.get("p", "0.5"))
    if family == L.UPSAMPLE:
        fields["scale"] = _per_dim(name, "scale", raw["scale"], max(len(shape) - 1, 1))
        fields["mode"] = _choice(name, "mode", raw.get("mode", L.NEAREST), (L.NEAREST, L.BILINEAR))
    if family == L.PATCHEMBED:
        patch = _int(name, "patch", raw["patch"])
        fields["kernel"] = fields["stride"] = (patch, patch)
    if family == L.MHSA:
        fields["heads"] = _int(name, "heads", raw["heads"])
    if family == L.MLP:
        fields["hidden"] = _int(name, "hidden", raw["hidden"])
    if family == L.SELECT:
        fields["token"] = _int(name, "token", raw.get("token", "0"))
    return Layer(**fields)


def _float(name: str, key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):
        raise SpecError(_("{name}: {key}={text} must be a finite number").format(name=name, key=key, text=text))
    return value


def _choice(name: str, key: str, text: str, options: tuple[str, ...]) -> str:
    if text.lower() not in options:
        raise SpecError(
            _("{name}: {key}={text} must be one of {items}{suggestion}").format(
                name=name, key=key, text=text, items=", ".join(options), suggestion=closest(text.lower(), options)
            )
        )
    return text.lower()


def _padding(name: str, text: str, ndim: int) -> tuple[int, ...] | str:
    low = text.lower()
    if low == L.SAME:
        return L.SAME
    if low == L.VALID:
        return (0,) * ndim
    try:
        return _per_dim(name, "p", text, ndim)
    except SpecError:
        raise SpecError(
            _("{name}: p={text} must be a number, one per dimension (1x2), 'same' or 'valid'").format(
                name=name, text=text
            )
        ) from None


def format_layer(layer: Layer, layout: Layout = "hwc") -> str:
    """The canonical spec of ``layer``: every key it takes, defaults written out."""
    parts = [layer.name, "in=" + format_shape(layer.input_shape, layout)]
    for key in L.KEYS[layer.family][1:]:
        parts.append(f"{key}={_value(layer, key)}")
    return " ".join(parts)


def format_shape(shape: tuple[int, ...], layout: Layout = "hwc", sep: str = "x") -> str:
    """A shape in the chosen layout: ``55x55x96`` (hwc) or ``96x55x55`` (chw)."""
    return L.fmt_shape(to_layout(shape, layout), sep)


def to_layout(shape: tuple[int, ...], layout: Layout) -> tuple[int, ...]:
    """Reorder a channels-last shape for ``layout``."""
    return shape[-1:] + shape[:-1] if layout == "chw" and len(shape) > 1 else shape


def _value(layer: Layer, key: str) -> str:
    if key == "p" and layer.family == L.DROPOUT:
        return L.fmt_number(layer.rate)
    if key == "out":
        return str(layer.out)
    if key == "k":
        return L.fmt_tuple(layer.kernel)
    if key == "s":
        return L.fmt_tuple(layer.stride)
    if key == "p":
        return layer.padding if isinstance(layer.padding, str) else L.fmt_tuple(layer.padding)
    if key == "d":
        return L.fmt_tuple(layer.dilation)
    if key == "g":
        return str(layer.groups)
    if key in ("min", "max"):
        return L.fmt_number(layer.low if key == "min" else layer.high)
    if key == "scale":
        return L.fmt_tuple(layer.scale)
    if key == "mode":
        return layer.mode
    if key == "patch":
        return str(layer.kernel[0])
    if key in ("heads", "hidden", "token"):
        return str(getattr(layer, key))
    if key == "op":
        return L.fmt_tuple(layer.output_padding)
    if key == "size":
        return L.fmt_tuple(layer.output_size)
    if key == "bias":
        return "true" if layer.bias else "false"
    if key == "ceil":
        return "true" if layer.ceil_mode else "false"
    raise AssertionError(key)
