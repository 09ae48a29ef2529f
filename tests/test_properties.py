"""Property-based tests (hypothesis) for specs, the solver, checks and answer parsing.

The expected values here come from the DESIGN contracts and from brute-force
counts written in this file, not from quizgen's own formulas.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import prod

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.arith.solver import Solution, solve
from quizgen.errors import QuizgenError
from quizgen.explain import misconceptions as M
from quizgen.explain.answers import Number, parse_number
from quizgen.explain.check import Claim, check

MAIN = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PER_NAME = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the spec language, written out from DESIGN section 1 ---------------------------------------

SPATIAL = ("conv", "convtranspose", "maxpool", "avgpool", "adaptiveavgpool", "adaptivemaxpool", "batchnorm")
NAMES = tuple(f"{family}{n}d" for family in SPATIAL for n in (1, 2, 3)) + ("linear", "relu", "flatten")
KERNEL_NAMES = tuple(n for n in NAMES if n[:-2] in ("conv", "convtranspose", "maxpool", "avgpool"))
CONV_POOL_NAMES = tuple(n for n in NAMES if n[:-2] in SPATIAL and not n.startswith("batchnorm"))
KEYS = {
    "conv": ("in", "out", "k", "s", "p", "d", "g", "bias"),
    "convtranspose": ("in", "out", "k", "s", "p", "op", "d", "g", "bias"),
    "maxpool": ("in", "k", "s", "p", "d", "ceil"),
    "avgpool": ("in", "k", "s", "p", "ceil"),
    "adaptiveavgpool": ("in", "size"),
    "adaptivemaxpool": ("in", "size"),
    "linear": ("in", "out", "bias"),
    "batchnorm": ("in",),
    "relu": ("in",),
    "flatten": ("in",),
}
KEY_SPELLINGS = {
    "in": ("in", "input"),
    "out": ("out", "out_channels", "out_features"),
    "k": ("k", "kernel", "kernel_size"),
    "s": ("s", "stride"),
    "p": ("p", "padding"),
    "d": ("d", "dilation"),
    "g": ("g", "groups"),
    "bias": ("bias",),
    "ceil": ("ceil", "ceil_mode"),
    "op": ("op", "output_padding"),
    "size": ("size", "output_size"),
}
SEPARATORS = ("x", "×", "*", ",")
CLAIMABLE = (
    "output",
    "params",
    "weights",
    "bias",
    "trainable",
    "non_trainable",
    "macs",
    "flops",
    "flops+bias",
    "windows",
    "comparisons",
    "additions",
    "divisions",
    "output_elements",
    "output_bytes",
    "params_bytes",
)


def split_name(name: str) -> tuple[str, int]:
    if name in ("linear", "relu", "flatten"):
        return name, 0
    return name[:-2], int(name[-2])


def name_spellings(layer: Layer) -> list[str]:
    """Every spelling DESIGN promises for the layer's name (case is varied separately)."""
    if layer.family == "linear":
        return ["linear", "fc", "dense"]
    if layer.family in ("relu", "flatten"):
        return [layer.family]
    canonical = f"{layer.family}{layer.ndim}d"
    if layer.family == "convtranspose":
        return [canonical, f"deconv{layer.ndim}d"]
    if layer.family == "batchnorm":
        return [canonical, f"bn{layer.ndim}d"]
    return [canonical]


def render(name: str, shape: tuple[int, ...], opts: dict[str, str]) -> str:
    return " ".join([name, "in=" + "x".join(map(str, shape))] + [f"{k}={v}" for k, v in opts.items()])


def parse_or_none(text: str, layout: spec.Layout = "hwc") -> Layer | None:
    try:
        return spec.parse(text, layout=layout)
    except QuizgenError as exc:
        assert_one_line(exc)
        return None


def assert_one_line(exc: Exception) -> None:
    message = str(exc)
    assert message.strip(), f"empty message from {type(exc).__name__}"
    assert "\n" not in message and "\r" not in message, repr(message)


# --- strategies -------------------------------------------------------------------------------


def per_dim(draw, values: tuple[int, ...]) -> str:
    """``3`` or ``3x3`` for equal values, ``3x5`` otherwise."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return str(values[0])
    return "x".join(map(str, values))


@st.composite
def spec_parts(draw, names: tuple[str, ...] = NAMES, max_size: int = 20):
    """(name, input shape channels-last, other key=value texts): mostly buildable layers."""
    name = draw(st.sampled_from(names))
    family, ndim = split_name(name)
    ints = st.integers
    opts: dict[str, str] = {}
    if family == "linear":
        return (
            name,
            (draw(ints(1, 5000)),),
            {"out": str(draw(ints(1, 5000))), "bias": draw(st.sampled_from(["true", "false"]))},
        )
    if family in ("relu", "flatten"):
        return name, tuple(draw(st.lists(ints(1, 64), min_size=1, max_size=4))), opts
    if family == "batchnorm":
        length = draw(st.sampled_from([0, 1])) if ndim == 1 else ndim
        return name, tuple(draw(ints(1, max_size)) for _ in range(length)) + (draw(ints(1, 64)),), opts
    spatial = tuple(draw(ints(1, max_size)) for _ in range(ndim))
    if family.startswith("adaptive"):
        opts["size"] = per_dim(draw, tuple(draw(ints(1, 6)) for _ in range(ndim)))
        return name, (*spatial, draw(ints(1, 16))), opts
    optional = draw(st.lists(st.booleans(), min_size=8, max_size=8))
    channels = draw(ints(1, 8))
    kernel = tuple(draw(ints(1, 5)) for _ in range(ndim))
    if family in ("conv", "convtranspose"):
        groups = draw(st.sampled_from([1, 1, 1, 2, 3, 4]))
        channels *= groups
        opts["out"] = str(groups * draw(ints(1, 4)))
        if optional[0] or groups > 1:
            opts["g"] = str(groups)
    opts["k"] = per_dim(draw, kernel)
    if optional[1]:
        opts["s"] = per_dim(draw, tuple(draw(ints(1, 3)) for _ in range(ndim)))
    if optional[2]:
        if family in ("maxpool", "avgpool"):
            pads = tuple(draw(ints(0, k // 2)) for k in kernel)
            opts["p"] = draw(st.sampled_from([per_dim(draw, pads), "same", "valid"]))
        elif family == "conv":
            opts["p"] = draw(
                st.sampled_from([per_dim(draw, tuple(draw(ints(0, 3)) for _ in range(ndim))), "same", "valid"])
            )
        else:
            opts["p"] = per_dim(draw, tuple(draw(ints(0, 2)) for _ in range(ndim)))
    if optional[3] and family != "avgpool":
        opts["d"] = per_dim(draw, tuple(draw(ints(1, 3)) for _ in range(ndim)))
    if optional[4] and family == "convtranspose":
        opts["op"] = per_dim(draw, tuple(draw(ints(0, 2)) for _ in range(ndim)))
    if optional[5] and family in ("conv", "convtranspose"):
        opts["bias"] = draw(st.sampled_from(["true", "false"]))
    if optional[6] and family in ("maxpool", "avgpool"):
        opts["ceil"] = draw(st.sampled_from(["true", "false"]))
    if optional[7]:  # the order of keys does not matter
        opts = dict(draw(st.permutations(list(opts.items()))))
    return name, (*spatial, channels), opts


def valid_layer(draw, names: tuple[str, ...] = NAMES, max_size: int = 20) -> Layer:
    name, shape, opts = draw(spec_parts(names, max_size))
    layer = parse_or_none(render(name, shape, opts))
    assume(layer is not None)
    assert layer is not None
    return layer


@st.composite
def layers(draw, names: tuple[str, ...] = NAMES, max_size: int = 20) -> Layer:
    return valid_layer(draw, names, max_size)


def random_case(rnd, word: str) -> str:
    return "".join(c.upper() if rnd.random() < 0.5 else c for c in word)


def join_numbers(rnd, values: tuple[int, ...]) -> str:
    sep = rnd.choice(SEPARATORS)
    sep = rnd.choice(["", " "]) + sep + rnd.choice(["", " "]) if len(values) > 1 else sep
    text = sep.join(map(str, values))
    return rnd.choice(["{}", "({})", "[{}]"]).format(text) if len(values) > 1 else text


@st.composite
def spelling_variant(draw, layer: Layer) -> str:
    """The layer written with aliases, long keys, random case, separators, spaces and defaults dropped."""
    rnd = draw(st.randoms(use_true_random=False))
    n = layer.ndim
    values: dict[str, str | None] = {"in": join_numbers(rnd, layer.input_shape)}

    def tuple_text(vals: tuple[int, ...], default: tuple[int, ...] | None = None) -> str | None:
        if default is not None and vals == default and rnd.random() < 0.5:
            return None  # a default may be left out
        if len(set(vals)) == 1 and rnd.random() < 0.5:
            return str(vals[0])
        return join_numbers(rnd, vals)

    def bool_text(value: bool, default: bool) -> str | None:
        if value == default and rnd.random() < 0.5:
            return None
        return random_case(rnd, "true" if value else "false")

    for key in KEYS[layer.family][1:]:
        if key == "out":
            values[key] = str(layer.out)
        elif key == "k":
            values[key] = tuple_text(layer.kernel)
        elif key == "s":
            values[key] = tuple_text(layer.stride, layer.kernel if layer.is_pool else (1,) * n)
        elif key == "p":
            if isinstance(layer.padding, str):
                values[key] = random_case(rnd, layer.padding)
            elif layer.padding == (0,) * n and rnd.random() < 0.3:
                values[key] = random_case(rnd, "valid")
            else:
                values[key] = tuple_text(layer.padding, (0,) * n)
        elif key == "d":
            values[key] = tuple_text(layer.dilation, (1,) * n)
        elif key == "g":
            values[key] = None if layer.groups == 1 and rnd.random() < 0.5 else str(layer.groups)
        elif key == "op":
            values[key] = tuple_text(layer.output_padding, (0,) * n)
        elif key == "size":
            values[key] = tuple_text(layer.output_size)
        elif key == "bias":
            values[key] = bool_text(layer.bias, True)
        elif key == "ceil":
            values[key] = bool_text(layer.ceil_mode, False)
    tokens = []
    for key, value in values.items():
        if value is None:
            continue
        spelled = random_case(rnd, rnd.choice(KEY_SPELLINGS[key]))
        tokens.append(spelled + rnd.choice(["=", " =", "= ", " = ", "  =  "]) + value)
    rnd.shuffle(tokens)
    name = random_case(rnd, rnd.choice(name_spellings(layer)))
    comment = rnd.choice(["", "  # a comment"])
    return " ".join([name, *tokens]) + comment


# --- 1. parser round trip and spellings --------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@PER_NAME
@given(data=st.data())
def test_round_trip_every_layer(name, data):
    layer = valid_layer(data.draw, (name,))
    text = spec.format_layer(layer)
    assert spec.parse(text) == layer
    assert spec.format_layer(spec.parse(text)) == text
    assert text.split()[0] == name


@MAIN
@given(data=st.data())
def test_spelling_variants_parse_to_the_same_layer(data):
    layer = data.draw(layers())
    variant = data.draw(spelling_variant(layer))
    parsed = spec.parse(variant)
    assert parsed == layer, variant
    assert hash(parsed) == hash(layer) and (parsed != layer) is False  # the keys a spec wrote out are not the layer


# --- 2. layout ---------------------------------------------------------------------------------


@MAIN
@given(spec_parts())
def test_chw_parse_equals_hwc_parse_of_reordered_shape(parts):
    name, shape, opts = parts
    hwc = parse_or_none(render(name, shape, opts))
    assume(hwc is not None)
    chw_shape = shape[-1:] + shape[:-1]
    assert spec.parse(render(name, chw_shape, opts), layout="chw") == hwc


@MAIN
@given(layers())
def test_chw_format_round_trips(layer):
    text = spec.format_layer(layer, "chw")
    assert spec.parse(text, layout="chw") == layer
    assert spec.format_layer(spec.parse(text, layout="chw"), "chw") == text
    shape = tuple(int(v) for v in text.split()[1].removeprefix("in=").split("x"))
    assert shape == (
        layer.input_shape[-1:] + layer.input_shape[:-1] if len(layer.input_shape) > 1 else layer.input_shape
    )


# --- 3. only quizgen's own errors --------------------------------------------------------------

#: Pooling with astronomically large sizes is tested on its own (test_pooling_with_huge_input_...).
TRACTABLE = 10**6


def solve_or_quizgen_error(text: str, layout: spec.Layout = "hwc") -> Solution | None:
    layer = parse_or_none(text, layout)
    if layer is None or (layer.is_pool and max(layer.spatial + layer.output_size) > TRACTABLE):
        event("rejected by parse" if layer is None else "huge pooling, skipped")
        return None
    event(f"solved {layer.family}")
    try:
        return solve(layer)
    except QuizgenError as exc:
        assert_one_line(exc)
        return None


ALL_KEY_WORDS = tuple(sorted({w for spellings in KEY_SPELLINGS.values() for w in spellings}))
NAME_WORDS = NAMES + ("fc", "dense", "deconv2d", "bn2d", "conv", "Conv2D", "pool", "conv2d_transpose", "")
numbers = st.one_of(
    st.integers(-5, 40),
    st.integers(-(10**6), 10**6),
    st.integers(10**18, 10**40),
    st.sampled_from(["9" * 4299, "9" * 5000, "-0", "+3", "0x10", "1e3", "3.5", "1_0", "٣", "", "nan"]),
).map(str)
shapes = st.builds(
    lambda vals, sep: sep.join(vals), st.lists(numbers, max_size=5), st.sampled_from(SEPARATORS + (" x ", ", "))
)
values = st.one_of(
    numbers, shapes, st.sampled_from(["same", "valid", "true", "false", "SAME", "yes", "="]), st.text(max_size=6)
)
key_values = st.builds(
    lambda k, v, eq: f"{k}{eq}{v}",
    st.one_of(st.sampled_from(ALL_KEY_WORDS), st.text(max_size=5)),
    values,
    st.sampled_from(["=", " = ", "=="]),
)
tokens = st.one_of(st.sampled_from(NAME_WORDS), key_values, st.text(min_size=1, max_size=8), numbers)
garbage = st.one_of(
    st.text(),
    st.lists(tokens, max_size=8).map(" ".join),
    st.builds(lambda name, kvs: " ".join([name, *kvs]), st.sampled_from(NAME_WORDS), st.lists(key_values, max_size=8)),
)


@st.composite
def well_formed_random_values(draw):
    """Every key the layer takes, each with random integers: mostly plausible, sometimes wild."""
    name = draw(st.sampled_from(NAMES))
    family, ndim = split_name(name)
    wild_ints = st.one_of(st.integers(-3, 0), st.integers(-(10**4), 10**4), st.integers(10**18, 10**30))

    def number(plausible: st.SearchStrategy[int]) -> str:
        wild = draw(st.sampled_from([False] * 7 + [True]))
        return str(draw(wild_ints if wild else plausible))

    parts = [name]
    for key in KEYS[family]:
        wild = draw(st.sampled_from([False] * 7 + [True]))
        if key == "in":
            length = 1 if family == "linear" else ndim + 1 if family != "relu" else draw(st.integers(1, 4))
            count = draw(st.sampled_from([0, length - 1, length + 1, 5])) if wild else length
            value = "x".join(number(st.integers(1, 30)) for _ in range(count))
        elif key in ("bias", "ceil"):
            value = draw(st.sampled_from(["2", "-1", "maybe", ""] if wild else ["true", "false"]))
        elif key in ("out", "g"):
            value = number(st.integers(1, 8) if key == "out" else st.sampled_from([1, 1, 2]))
        else:
            count = draw(st.sampled_from([0, ndim + 1] if wild else [1, ndim]))
            plausible = st.integers(0, 2) if key in ("p", "op") else st.integers(1, 5)
            value = "x".join(number(plausible) for _ in range(count))
            if key == "p":
                value = draw(st.sampled_from([value, value, value, "same", "valid"]))
        parts.append(f"{key}={value}")
    return " ".join(parts)


MUTATION_CHARS = "0123456789x×*,=-+ ()#_kspdgKS" + "٣é\u2028\x00"


@st.composite
def mutated_specs(draw):
    """A buildable spec with a few characters replaced, deleted or inserted."""
    name, shape, opts = draw(spec_parts())
    text = list(render(name, shape, opts))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        what = draw(st.sampled_from(["replace", "delete", "insert"]))
        char = draw(st.sampled_from(MUTATION_CHARS))
        if what == "insert":
            text.insert(i, char)
        elif i < len(text):
            text[i : i + 1] = [] if what == "delete" else [char]
    return "".join(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(garbage, mutated_specs()), st.sampled_from(["hwc", "chw"]))
def test_solver_raises_only_quizgen_errors_on_garbage(text, layout):
    solve_or_quizgen_error(text, layout)


@MAIN
@given(well_formed_random_values())
def test_solver_raises_only_quizgen_errors_on_random_values(text):
    solve_or_quizgen_error(text)


@settings(max_examples=25, deadline=None, database=None)
@given(
    name=st.sampled_from(tuple(n for n in NAMES if n[:-2] in ("maxpool", "avgpool"))),
    size=st.integers(10**7 + 1, 10**40),
    k=st.integers(1, 4),
    s=st.integers(1, 4),
)
def test_pooling_with_huge_input_is_refused_with_quizgen_error(name, size, k, s):
    ndim = split_name(name)[1]
    with pytest.raises(QuizgenError, match="limit"):
        solve(spec.parse(f"{name} in={'x'.join([str(size)] * ndim)}x3 k={k} s={s}"))


# --- 4. solver invariants ----------------------------------------------------------------------


def brute_force_floor(n: int, k: int, s: int, d: int, pad_before: int, pad_after: int) -> int:
    """Window positions that fit wholly inside the padded input."""
    padded = n + pad_before + pad_after
    return sum(1 for i in range(0, padded) if i % s == 0 and i + d * (k - 1) < padded)


def brute_force_ceil(n: int, k: int, s: int, d: int, pad_before: int, pad_after: int) -> int:
    """Ceil mode: windows are added until the padded input is covered; none may start in the right padding."""
    padded, span = n + pad_before + pad_after, d * (k - 1) + 1
    return sum(1 for i in range(0, n + pad_before) if i % s == 0 and (i == 0 or i - s + span < padded))


def brute_force_transposed(n: int, k: int, s: int, d: int, p: int, op: int) -> int:
    """Positions the scattered kernel touches, cropped by p on both sides, plus output padding."""
    touched = {i * s + j * d for i in range(n) for j in range(k)}
    return max(touched) + 1 - 2 * p + op


def tf_same_padding(n: int, k: int, s: int, d: int) -> tuple[int, int]:
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


@MAIN
@given(layers())
def test_solver_invariants(layer):
    sol = solve(layer)
    assert all(v >= 1 for v in sol.output_shape)
    p = sol.params
    assert p.total == p.trainable + p.non_trainable
    assert p.trainable == p.weights + p.bias
    assert sol.flops == 2 * sol.macs
    assert sol.output_elements == prod(sol.output_shape)
    if layer.family in ("conv", "convtranspose"):
        assert sol.output_shape[-1] == layer.out
    if layer.family in ("conv", "maxpool", "avgpool"):
        dilation = layer.dilation or (1,) * layer.ndim
        for i, (n, k, s, d) in enumerate(zip(layer.spatial, layer.kernel, layer.stride, dilation)):
            if layer.padding == "same":
                before, after = tf_same_padding(n, k, s, d)
                assert sol.output_shape[i] == -(-n // s)
            else:
                before = after = layer.padding[i]
            assert sol.padding[i] == (before, after)
            count = brute_force_ceil if layer.ceil_mode else brute_force_floor
            assert sol.output_shape[i] == count(n, k, s, d, before, after), (i, n, k, s, d, before, after)
    if layer.family == "convtranspose":
        for i, (n, k, s, d, pad, op) in enumerate(
            zip(layer.spatial, layer.kernel, layer.stride, layer.dilation, layer.padding, layer.output_padding)
        ):
            assert sol.output_shape[i] == brute_force_transposed(n, k, s, d, pad, op)
    if layer.is_pool:
        pool = sol.pool
        assert pool is not None
        assert pool.windows == prod(sol.output_shape)
        assert sol.macs == 0 and p.total == 0
        if layer.kernel:
            per_window = [prod(layer.kernel)] * pool.windows
        else:  # adaptive: window i spans [floor(i·in/out), ceil((i+1)·in/out))
            spans = [
                [-(-(i + 1) * n // o) - (i * n) // o for i in range(o)]
                for n, o in zip(layer.spatial, layer.output_size)
            ]
            per_window = [prod(c) for c in itertools.product(*spans)] * layer.in_channels
        assert len(per_window) == pool.windows
        reduce_ops = sum(e - 1 for e in per_window)
        if layer.family in ("maxpool", "adaptivemaxpool"):
            assert (pool.comparisons, pool.additions, pool.divisions) == (reduce_ops, 0, 0)
        else:
            assert (pool.comparisons, pool.additions, pool.divisions) == (0, reduce_ops, pool.windows)
    else:
        assert sol.pool is None


# --- 5. check: self-consistency with the solver and the misconception catalogue ------------------


def claim(quantity: str, value) -> Claim:
    if isinstance(value, tuple):
        shape = tuple(int(v) for v in value)
        assert shape == value, value
        return Claim(quantity, "x".join(map(str, shape)), shape)
    assert Fraction(value).denominator == 1, value
    return Claim(quantity, str(int(value)), Number(Fraction(value)))


def solver_values(sol: Solution) -> dict[str, int | tuple[int, ...]]:
    pool = sol.pool
    return {
        "output": sol.output_shape,
        "params": sol.params.total,
        "weights": sol.params.weights,
        "bias": sol.params.bias,
        "trainable": sol.params.trainable,
        "non_trainable": sol.params.non_trainable,
        "macs": sol.macs,
        "flops": sol.flops,
        "flops+bias": sol.flops_with_bias,
        "windows": pool.windows if pool else 0,
        "comparisons": pool.comparisons if pool else 0,
        "additions": pool.additions if pool else 0,
        "divisions": pool.divisions if pool else 0,
        "output_elements": prod(sol.output_shape),
        "output_bytes": 4 * prod(sol.output_shape),
        "params_bytes": 4 * sol.params.total,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layers(CONV_POOL_NAMES, max_size=12))
def test_check_accepts_the_solvers_values_and_explains_every_distractor(layer):
    right = solver_values(solve(layer))
    assert set(right) == set(CLAIMABLE)
    pool_only = ("windows", "comparisons", "additions", "divisions", "comparisons_per_window")
    if not layer.is_pool:  # pooling quantities are refused for other layers (tested in test_cli)
        right = {q: v for q, v in right.items() if q not in pool_only}
    results = check(layer, [claim(q, v) for q, v in right.items()])
    assert [r.ok for r in results] == [True] * len(right), [(r.quantity, r.correct) for r in results if not r.ok]
    for quantity in (q for q in M.QUANTITIES if q in right):
        for value, ids in M.distractors(layer, quantity, limit=0):
            [result] = check(layer, [claim(quantity, value)])
            assert not result.ok, (quantity, value, ids)
            assert result.correct == right[quantity]
            assert result.misconceptions, (quantity, value, ids)
            assert all(set(combo) <= set(M.CATALOGUE) for combo in result.misconceptions)
            assert ids in result.misconceptions or min(map(len, result.misconceptions)) < len(ids), (
                quantity,
                value,
                ids,
                result.misconceptions,
            )


# --- 6. answer parsing -------------------------------------------------------------------------


@MAIN
@given(st.integers(min_value=0, max_value=10**30))
def test_parse_number_reads_whole_numbers_exactly(n):
    for text in (str(n), f"{n:,}", f"{n:_}", f"{n:,}".replace(",", " "), f"  {n} "):
        number = parse_number(text)
        assert number is not None, text
        assert number.value == n and not number.rounding, text
        assert number.matches(n) and not number.matches(n + 1), text


@MAIN
@given(st.integers(min_value=100_000, max_value=10**12))
def test_parse_number_reads_thousands_to_the_shown_precision(n):
    # n has at least 6 digits, so n/1000 to one decimal has at least 3 significant figures (the rule's minimum);
    # bounded so that n/1000 is exact enough as a float for one decimal.
    text = f"{n / 1000:.1f}k"
    number = parse_number(text)
    assert number is not None, text
    assert number.matches(n), text
    # When n is exactly halfway (n % 100 == 50) float rounding may go either way, so "1.1k" must
    # accept both 1050 and 1150 for the first property to hold; elsewhere the neighbour is out.
    if n % 100 != 50:
        assert not number.matches(n + 100), text
        assert not number.matches(n - 100), text
