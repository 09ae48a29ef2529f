"""An independent calculator for the self-audit: DESIGN.md's formulas, written again from the text.

Nothing here imports quizgen's solver, geometry or misconception catalogue, so an
error there cannot hide behind the same error here.  Layers are read from the
canonical spec text that every problem carries (``conv2d in=227x227x3 out=96 k=11
s=4 p=0 d=1 g=1 bias=true``).

``wrong(layer, quantity, ids, count)`` is the set of values a student holding the
misconceptions ``ids`` writes down.  Rules with variants (a fraction kept or rounded
either way) give several values.  An id this file does not know raises ``Unknown``:
a misconception added to the catalogue must be re-derived here before the audit passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product as cartesian


class Unknown(KeyError):
    """A misconception id the audit has no independent rule for."""


@dataclass
class Lay:
    name: str
    family: str
    nd: int
    spatial: tuple[int, ...] = ()
    cin: int = 0
    out: int | None = None
    k: tuple[int, ...] = ()
    s: tuple[int, ...] = ()
    p: object = ()  # tuple of ints, or "same"
    d: tuple[int, ...] = ()
    g: int = 1
    bias: bool = False
    ceil: bool = False
    op: tuple[int, ...] = ()
    size: tuple[int, ...] = ()
    raw: dict = field(default_factory=dict)

    @property
    def keff(self) -> tuple[int, ...]:
        return tuple(d * (k - 1) + 1 for k, d in zip(self.k, self.d or (1,) * self.nd))

    @property
    def is_pool(self) -> bool:
        return self.family in ("maxpool", "avgpool", "adaptiveavgpool", "adaptivemaxpool")

    @property
    def is_max(self) -> bool:
        return self.family in ("maxpool", "adaptivemaxpool")


FAMILIES = ("convtranspose", "adaptiveavgpool", "adaptivemaxpool", "conv", "maxpool", "avgpool", "batchnorm")


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("x"))


def parse(spec: str) -> Lay:
    """A canonical single-layer spec line."""
    words = spec.split()
    name = words[0].lower()
    kv = dict(w.split("=", 1) for w in words[1:])
    family = next((f for f in FAMILIES if name.startswith(f)), name)
    nd = int(name[-2]) if name[-1] == "d" and name[-2].isdigit() else 0
    shape = _ints(kv["in"]) if "in" in kv else ()
    lay = Lay(name, family, nd, raw=kv)
    if family == "linear":
        lay.cin = shape[0]
    elif shape:
        lay.spatial, lay.cin = shape[:-1], shape[-1]
        nd = nd or len(lay.spatial)
        lay.nd = nd

    def per_dim(key: str, default: int) -> tuple[int, ...]:
        if key not in kv:
            return (default,) * nd
        v = _ints(kv[key])
        return v * nd if len(v) == 1 else v

    if "out" in kv:
        lay.out = int(kv["out"])
    if "k" in kv:
        lay.k = per_dim("k", 1)
        lay.s = per_dim("s", 1 if family in ("conv", "convtranspose") else 0)
        if not any(lay.s):
            lay.s = lay.k
        lay.p = "same" if kv.get("p") == "same" else per_dim("p", 0) if kv.get("p") != "valid" else (0,) * nd
        lay.d = per_dim("d", 1)
        lay.op = per_dim("op", 0)
    lay.g = int(kv.get("g", 1))
    lay.bias = kv.get("bias", "true" if family in ("conv", "convtranspose", "linear") else "false") == "true"
    lay.ceil = kv.get("ceil", "false") == "true"
    if "size" in kv:
        lay.size = per_dim("size", 1)
    return lay


def pads(lay: Lay) -> list[tuple[int, int]]:
    """(before, after) per dimension; TensorFlow's 'same' puts the odd pixel after."""
    if lay.p != "same":
        return [(p, p) for p in lay.p]  # type: ignore[union-attr]
    out = []
    for n, ke, s in zip(lay.spatial, lay.keff, lay.s):
        o = -(-n // s)
        total = max((o - 1) * s + ke - n, 0)
        out.append((total // 2, total - total // 2))
    return out


def out_spatial(lay: Lay) -> tuple[int, ...]:
    if lay.family.startswith("adaptive"):
        return lay.size
    if not lay.k:
        return lay.spatial
    res = []
    for n, ke, s, (pb, pa), op in zip(lay.spatial, lay.keff, lay.s, pads(lay), lay.op):
        if lay.family == "convtranspose":
            res.append((n - 1) * s - pb - pa + ke - 1 + op + 1)
            continue
        span = n + pb + pa - ke
        if lay.ceil:
            o = -(-span // s) + 1
            if (o - 1) * s >= n + pb:
                o -= 1
        else:
            o = span // s + 1
        res.append(o)
    return tuple(res)


def adaptive_sizes(n: int, o: int) -> list[int]:
    """PyTorch: window i spans [floor(i·n/o), ceil((i+1)·n/o))."""
    return [math.ceil((i + 1) * n / o) - math.floor(i * n / o) for i in range(o)]


def output_shape(lay: Lay) -> tuple[int, ...]:
    if lay.family == "linear":
        return (lay.out,)  # type: ignore[return-value]
    if lay.family == "flatten":
        return (math.prod(lay.spatial) * lay.cin,)
    ch = lay.out if lay.family in ("conv", "convtranspose") else lay.cin
    return (*out_spatial(lay), ch)  # type: ignore[return-value]


def weights(lay: Lay) -> int:
    if lay.family == "linear":
        return lay.cin * lay.out  # type: ignore[operator]
    if lay.family == "conv":
        return math.prod(lay.k) * (lay.cin // lay.g) * lay.out  # type: ignore[operator]
    if lay.family == "convtranspose":
        return math.prod(lay.k) * lay.cin * (lay.out // lay.g)  # type: ignore[operator]
    if lay.family == "batchnorm":
        return lay.cin
    return 0


def bias_count(lay: Lay) -> int:
    if lay.family == "batchnorm":
        return lay.cin
    return (lay.out or 0) if lay.bias and lay.family in ("conv", "convtranspose", "linear") else 0


def params(lay: Lay) -> int:
    if lay.family == "batchnorm":
        return 4 * lay.cin
    return weights(lay) + bias_count(lay)


def macs(lay: Lay) -> int:
    if lay.family == "linear":
        return weights(lay)
    if lay.family == "conv":
        return weights(lay) * math.prod(out_spatial(lay))
    if lay.family == "convtranspose":
        return weights(lay) * math.prod(lay.spatial)
    return 0


def pool_elements(lay: Lay) -> int:
    """Σ over windows of the window's element count (padded positions counted as in DESIGN §3)."""
    if lay.family.startswith("adaptive"):
        return lay.cin * math.prod(sum(adaptive_sizes(n, o)) for n, o in zip(lay.spatial, lay.size))
    return lay.cin * math.prod(out_spatial(lay)) * math.prod(lay.k)


def right(lay: Lay, quantity: str) -> int | tuple[int, ...]:
    """The right value of ``quantity``."""
    windows = lay.cin * math.prod(out_spatial(lay)) if lay.is_pool else 0
    table = {
        "output": lambda: output_shape(lay),
        "params": lambda: params(lay),
        "weights": lambda: weights(lay),
        "bias": lambda: bias_count(lay),
        "macs": lambda: macs(lay),
        "flops": lambda: 2 * macs(lay),
        "flops+bias": lambda: 2 * macs(lay) + bias_count(lay) * math.prod(output_shape(lay)[:-1] or (1,)),
        "windows": lambda: windows,
        "comparisons": lambda: pool_elements(lay) - windows if lay.is_pool and lay.is_max else 0,
        "additions": lambda: pool_elements(lay) - windows if lay.is_pool and not lay.is_max else 0,
        "divisions": lambda: windows if lay.is_pool and not lay.is_max else 0,
        "output_bytes": lambda: 4 * math.prod(output_shape(lay)),
        "params_bytes": lambda: 4 * params(lay),
    }
    if lay.family == "linear" and quantity == "flops+bias":
        return 2 * macs(lay) + bias_count(lay)
    return table[quantity]()


def compute_quantity(count: str) -> str:
    return {"macs": "macs", "flops": "flops", "flops+bias": "flops+bias"}[count]


# --- wrong rules ------------------------------------------------------------------------------------


def _sizes_under(lay: Lay, ids: frozenset[str]) -> list[tuple]:
    """Spatial output sizes a student holding ``ids`` computes; several where the rule has variants."""
    if "output-equals-input" in ids:
        return [lay.spatial]
    if lay.family.startswith("adaptive") or not lay.k:
        return [out_spatial(lay)]
    per_dim: list[list] = []
    axes = len(lay.spatial)
    for i, n in enumerate(lay.spatial):
        # swapped-hw: the settings of the other axis (H's kernel, stride and padding used along W)
        j = axes - 1 - i if "swapped-hw" in ids else i
        k, s, d = lay.k[j], lay.s[j], (lay.d or (1,) * lay.nd)[j]
        if "stride-ignored" in ids:
            s = 1
        ke = k if "ignored-dilation" in ids else d * (k - 1) + 1
        pb, pa = pads(lay)[j]
        if lay.family == "convtranspose" and "transposed-as-conv" not in ids:
            per_dim.append([(n - 1) * s - pb - pa + ke - 1 + lay.op[j] + 1])
            continue
        if "ignored-padding" in ids:
            total = 0
        elif "padding-once" in ids:
            total = pb
        else:
            total = pb + pa
        plus = 0 if "forgot-plus-one" in ids else 1
        if "precedence" in ids:
            per_dim.append([n - ke + Fraction(total, s) + plus])
            continue
        span = n + total - ke
        if "no-floor" in ids:
            per_dim.append([Fraction(span, s) + plus])
        elif "used-ceil" in ids:
            per_dim.append([math.ceil(Fraction(span, s)) + plus])
        elif lay.ceil and lay.is_pool and "ignored-ceil-mode" not in ids:
            o = math.ceil(Fraction(span, s)) + 1
            if (o - 1) * s >= n + pb:
                o -= 1
            per_dim.append([o - 1 + plus])
        else:
            per_dim.append([span // s + plus])
    width = max(len(v) for v in per_dim)
    return [tuple(v[min(j, len(v) - 1)] for v in per_dim) for j in range(width)]


def _norm(x):
    if isinstance(x, Fraction) and x.denominator == 1:
        return int(x)
    return x


def _weights_under(lay: Lay, ids: frozenset[str]):
    if lay.family == "linear":
        return lay.cin * lay.out  # type: ignore[operator]
    g = 1 if "ignored-groups" in ids else lay.g
    # forgot-to-square: one side of the kernel (K) where its area or volume (K·K, K·K·K) belongs
    kvol = lay.k[0] if "forgot-to-square" in ids else math.prod(lay.k)
    if lay.family == "convtranspose":
        per_in = 1 if "forgot-in-channels" in ids else lay.cin
        return kvol * per_in * (lay.out // g)  # type: ignore[operator]
    per_filter = 1 if "forgot-in-channels" in ids else lay.cin // g
    return kvol * per_filter * lay.out  # type: ignore[operator]


def _biases_under(lay: Lay, ids: frozenset[str]) -> int:
    if "forgot-bias" in ids:
        return 0
    if "bias-per-input" in ids:
        return lay.cin
    return (lay.out or 0) if lay.bias or "added-bias" in ids else 0


KNOWN = {
    "precedence",
    "no-floor",
    "padding-once",
    "forgot-plus-one",
    "ignored-padding",
    "ignored-ceil-mode",
    "forgot-bias",
    "forgot-in-channels",
    "ignored-groups",
    "ignored-dilation",
    "input-size-for-macs",
    "macs-vs-flops",
    "pool-windows-from-input",
    "pool-stride-twice",
    "pool-forgot-channels",
    "pool-k2-comparisons",
    "transposed-as-conv",
    "used-ceil",
    "stride-ignored",
    "swapped-hw",
    "output-equals-input",
    "bias-per-input",
    "added-bias",
    "forgot-to-square",
    "transposed-output-side",
    "counted-bias-adds",
    "forgot-bias-adds",
    "counted-macs",
    "adaptive-fixed-window",
    "bytes-as-values",
    "bits-not-bytes",
    "channels-from-input",
}


def wrong(lay: Lay, quantity: str, ids: tuple[str, ...] | frozenset[str]) -> set:
    """Every value a student holding ``ids`` gives for ``quantity`` (whole and fractional)."""
    ids = frozenset(ids)
    unknown = ids - KNOWN
    if unknown:
        raise Unknown(sorted(unknown))
    values: set = set()
    for spatial in _sizes_under(lay, ids):
        values |= _quantity_under(lay, quantity, ids, spatial)
    return {_norm(v) if not isinstance(v, tuple) else tuple(_norm(x) for x in v) for v in values}


def _per_value_bytes(ids: frozenset[str]) -> int:
    return 1 if "bytes-as-values" in ids else 32 if "bits-not-bytes" in ids else 4


def _quantity_under(lay: Lay, q: str, ids: frozenset[str], spatial: tuple) -> set:
    fam = lay.family
    if q == "output":
        if fam == "linear":
            return {(lay.out,)}
        # channels-from-input: the output keeps the input's channels (C_in) where a conv makes C_out
        ch = lay.out if fam in ("conv", "convtranspose") and "channels-from-input" not in ids else lay.cin
        return {(*spatial, ch)}
    if q == "output_bytes":
        shape = next(iter(_quantity_under(lay, "output", ids, spatial)))
        return {_per_value_bytes(ids) * math.prod(shape)}
    if q in ("weights", "bias", "params", "params_bytes"):
        if fam not in ("conv", "convtranspose", "linear"):
            total = params(lay)
            return {{"params": total, "params_bytes": _per_value_bytes(ids) * total}.get(q, 0)}
        w, b = _weights_under(lay, ids), _biases_under(lay, ids)
        if q == "params_bytes":
            return {_per_value_bytes(ids) * (w + b)}
        return {{"weights": w, "bias": b, "params": w + b}[q]}
    if q in ("macs", "flops", "flops+bias"):
        if fam not in ("conv", "convtranspose", "linear"):
            return {0}
        w = _weights_under(lay, ids)
        if fam == "linear":
            positions = out_positions = 1
        else:
            out_positions = math.prod(spatial)
            if "input-size-for-macs" in ids:
                positions = out_positions = math.prod(lay.spatial)
            elif fam == "convtranspose" and not ids & {"transposed-as-conv", "transposed-output-side"}:
                positions = math.prod(lay.spatial)  # input-side: every input element scattered through the kernel
            else:
                positions = out_positions
        m = w * positions
        adds = (lay.out or 0) * out_positions if lay.bias or "added-bias" in ids else 0
        if q == "macs":
            if "counted-bias-adds" in ids:
                return {m + adds}
            return {2 * m, Fraction(m, 2)} if "macs-vs-flops" in ids else {m}
        if q == "flops":
            if "counted-bias-adds" in ids:
                return {2 * m + adds}
            return {m, 4 * m} if "macs-vs-flops" in ids else {2 * m}
        if "counted-macs" in ids:
            return {m, m + adds}
        if "forgot-bias-adds" in ids:
            return {2 * m}
        return {2 * m + adds}
    if q in ("windows", "comparisons", "additions", "divisions"):
        return _pool_under(lay, q, ids, spatial)
    raise KeyError(q)


def _pool_under(lay: Lay, q: str, ids: frozenset[str], spatial: tuple) -> set:
    if not lay.is_pool:
        return {0}
    ch = 1 if "pool-forgot-channels" in ids else lay.cin
    counts: list = []
    if "pool-windows-from-input" in ids:
        pairs = list(zip(lay.spatial, lay.s))
        counts += [
            math.prod(Fraction(n, s) for n, s in pairs),
            math.prod(n // s for n, s in pairs),
            math.prod(-(-n // s) for n, s in pairs),
        ]
    elif "pool-stride-twice" in ids:
        pairs = list(zip(spatial, lay.s))
        counts += [
            math.prod(math.ceil(Fraction(o) / s) for o, s in pairs),
            math.prod(Fraction(o) / s for o, s in pairs),
            math.prod(math.floor(Fraction(o) / s) for o, s in pairs),
        ]
    else:
        counts.append(math.prod(spatial))
    windows = [ch * c for c in counts]
    if q in ("windows", "divisions"):
        if q == "divisions" and lay.is_max:
            return {0}
        return set(windows)
    if (q == "comparisons") != lay.is_max:
        return {0}
    minus = 0 if "pool-k2-comparisons" in ids else 1
    if lay.k:
        per = (lay.k[0] if "forgot-to-square" in ids else math.prod(lay.k)) - minus
        return {w * per for w in windows}
    if "adaptive-fixed-window" in ids:
        # one window size per axis: S = floor(in/out), K = in - (out - 1)·S
        read = lay.cin * math.prod(o * (n - (o - 1) * (n // o)) for n, o in zip(lay.spatial, lay.size))
    else:
        read = pool_elements(lay)
    elements = Fraction(read * ch, lay.cin)
    return {elements - minus * w for w in windows}


def roundings(values: set) -> set:
    """A student rounds a fraction before writing it: floor, ceil and nearest."""
    out = set(values)
    for v in values:
        if isinstance(v, Fraction):
            out |= {math.floor(v), math.ceil(v), round(v)}
        elif isinstance(v, tuple) and any(isinstance(x, Fraction) for x in v):
            out.add(tuple(math.floor(x) for x in v))
            out.add(tuple(math.ceil(x) for x in v))
    return out


__all__ = ["Lay", "Unknown", "cartesian", "parse", "right", "wrong", "roundings", "output_shape"]
