"""The layers of modern networks through the CLI: ``quizgen solve`` and ``--json`` for each, errors exactly,
hypothesis properties of the new grammar, and their misconceptions through ``quizgen check``.

Expected numbers are worked by hand in the comments (the published ViT-B/16 and ResNet figures where they
apply); PyTorch's own counts are in ``test_torch_modern.py``.
"""

from __future__ import annotations

import json
from fractions import Fraction
from math import prod

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.arith import spec
from quizgen.arith.solver import solve
from quizgen.errors import QuizgenError
from quizgen.explain import misconceptions as M
from quizgen.explain.answers import Number
from quizgen.explain.check import Claim, check
from quizgen.explain.steps import explain, notes

PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# spec -> (output shape, params, MACs), each worked by hand
SOLVED = {
    # activations keep the shape, no parameters, 0 MACs
    "relu6 in=56x56x96": ((56, 56, 96), 0, 0),
    "clip in=10x4 min=0 max=6": ((10, 4), 0, 0),
    "gelu in=197x3072": ((197, 3072), 0, 0),
    "silu in=7x7x320": ((7, 7, 320), 0, 0),
    "swish in=7x7x320": ((7, 7, 320), 0, 0),
    "hardswish in=14x14x40": ((14, 14, 40), 0, 0),
    "sigmoid in=1x1x96": ((1, 1, 96), 0, 0),
    "hardsigmoid in=1x1x96": ((1, 1, 96), 0, 0),
    "tanh in=100": ((100,), 0, 0),
    "softmax in=1000": ((1000,), 0, 0),
    "dropout in=4096": ((4096,), 0, 0),
    "stochasticdepth in=56x56x96 p=0.1": ((56, 56, 96), 0, 0),
    "identity in=3x3": ((3, 3), 0, 0),
    # layernorm: γ and β per feature of the last dimension, 2·768 = 1,536; ConvNeXt's 2·96 = 192
    "layernorm in=197x768": ((197, 768), 1536, 0),
    "layernorm in=56x56x96": ((56, 56, 96), 192, 0),
    # layerscale: one γ per channel
    "layerscale in=56x56x96": ((56, 56, 96), 96, 0),
    # global average pool: 7x7x1280 -> 1x1x1280
    "globalavgpool in=7x7x1280": ((1, 1, 1280), 0, 0),
    "gap in=100x16": ((1, 16), 0, 0),
    # upsample: sizes × scale
    "upsample in=28x28x64 scale=2": ((56, 56, 64), 0, 0),
    "upsample in=28x28x64 scale=2 mode=bilinear": ((56, 56, 64), 0, 0),
    "upsample in=4x5x6x8 scale=1x2x3": ((4, 10, 18, 8), 0, 0),
    # linear on the last dimension: 96·384 + 384 = 37,248 params; 56·56·96·384 = 115,605,504 MACs
    "linear in=56x56x96 out=384": ((56, 56, 384), 37248, 115605504),
    # 768·3072 + 3072 = 2,362,368; 197·768·3072 = 464,781,312
    "linear in=197x768 out=3072": ((197, 3072), 2362368, 464781312),
    # patch embedding: 16·16·3·768 + 768 = 590,592; 14·14 = 196 tokens; 589,824·196 = 115,605,504 MACs
    "patchembed in=224x224x3 patch=16 out=768": ((196, 768), 590592, 115605504),
    "clstoken in=196x768": ((197, 768), 768, 0),
    # 197·768 = 151,296
    "posembed in=197x768": ((197, 768), 151296, 0),
    # 4·768² + 4·768 = 2,362,368; 4·197·768² + 2·197²·768 = 464,781,312 + 59,610,624 = 524,391,936
    "mhsa in=197x768 heads=12": ((197, 768), 2362368, 524391936),
    "attention in=197x768 heads=1": ((197, 768), 2362368, 524391936),
    "mhsa in=197x768 heads=12 bias=false": ((197, 768), 2359296, 524391936),
    # 2·768·3072 + 3072 + 768 = 4,722,432; 2·197·768·3072 = 929,562,624
    "mlp in=197x768 hidden=3072": ((197, 768), 4722432, 929562624),
    "select in=197x768": ((768,), 0, 0),
    "select in=197x768 token=196": ((768,), 0, 0),
}


@pytest.mark.parametrize("text", sorted(SOLVED))
def test_solve_json_gives_shape_params_and_macs(run, text):
    shape, params, macs = SOLVED[text]
    r = run("solve", "--json", text)
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    for key in ("spec", "layer", "input_shape", "output_shape", "params", "macs", "flops", "pool", "memory", "steps"):
        assert key in d
    assert tuple(d["output_shape"]) == shape
    assert d["params"]["total"] == d["params"]["trainable"] == params
    assert d["params"]["non_trainable"] == 0
    assert d["macs"] == macs and d["flops"] == 2 * macs
    assert d["memory"]["output_elements"] == prod(shape)
    assert d["memory"]["output_bytes_fp32"] == 4 * prod(shape)
    assert d["memory"]["params_bytes_fp32"] == 4 * params
    assert d["steps"] and all(s["title"] and s["result"] for s in d["steps"])
    assert d["notes"], "every new layer says what it does"
    assert spec.format_layer(spec.parse(d["spec"])) == d["spec"]
    text_out = run("solve", text)
    assert text_out.exit_code == 0 and "Worked steps" in text_out.stdout


def test_aliases_name_the_canonical_layer(run):
    for alias, canonical in [
        ("swish in=4", "silu"),
        ("stochasticdepth in=4", "dropout"),
        ("attention in=4x8 heads=2", "mhsa"),
        ("gap in=7x7x512", "adaptiveavgpool2d"),
        ("globalavgpool in=4x4x4x8", "adaptiveavgpool3d"),
    ]:
        assert json.loads(run("solve", "--json", alias).stdout)["layer"] == canonical


def test_attention_steps_show_each_term_and_that_heads_do_not_change_params(run):
    out = run("solve", "mhsa in=197x768 heads=12").stdout
    assert "4 × 768 × 768" in out and "= 2,359,296" in out
    assert "4 × 197 × 768 × 768" in out and "= 464,781,312" in out
    # QKᵀ and AV: 12 heads × 197 × 197 × 64 = 29,805,312 each
    assert out.count("12 × 197 × 197 × 64") == 2 and out.count("= 29,805,312") == 2
    assert "= 524,391,936" in out
    assert "the 12 heads split d" in out and "h does not appear" in out
    # doubling N to 394: QKᵀ and AV ×4 (238,442,496), projections ×2 (929,562,624)
    assert "(394)" in out and "238,442,496" in out and "929,562,624" in out


def test_patchembed_steps_say_it_is_a_conv(run):
    out = run("solve", "patchembed in=224x224x3 patch=16 out=768").stdout
    assert "a conv with k = s = P = 16" in out
    assert "conv2d in=224x224x3 out=768 k=16 s=16" in out
    assert "224/16 × 224/16" in out and "= 196" in out
    # and the conv it names gives the same numbers
    conv = solve(spec.parse("conv2d in=224x224x3 out=768 k=16 s=16"))
    pe = solve(spec.parse("patchembed in=224x224x3 patch=16 out=768"))
    assert (conv.params, conv.macs) == (pe.params, pe.macs)
    assert conv.output_shape == (14, 14, 768) and pe.output_shape == (196, 768)


def test_notes_fit_the_layer(run):
    # a layernorm on a token map talks about its 197 positions; on a vector, about its values only
    assert "at each of the 197 positions, the 768 values" in run("solve", "layernorm in=197x768").stdout
    vector = run("solve", "layernorm in=768").stdout
    assert "positions" not in vector and "the 768 values" in vector
    assert "Bilinear" in run("solve", "upsample in=8x8x3 scale=2 mode=bilinear").stdout
    nearest = run("solve", "upsample in=8x8x3 scale=2").stdout
    assert "2 × 2 block of 4 outputs" in nearest and "Bilinear" not in nearest
    assert "clamps each value to [0, 6]" in run("solve", "relu6 in=4").stdout
    assert "clamps each value to [-1, 1]" in run("solve", "clip in=4 min=-1 max=1").stdout
    assert "class token" in run("solve", "select in=197x768").stdout
    assert "class token" not in run("solve", "select in=197x768 token=3").stdout
    # linear on 56x56x96: 3,136 positions
    assert "each of the 56 × 56 positions" in run("solve", "linear in=56x56x96 out=384").stdout
    assert "positions" not in run("solve", "linear in=9216 out=4096").stdout


ERRORS = {
    "mhsa in=197x768 heads=5": "mhsa: heads=5 must divide d=768 (each head takes d/h features)",
    "mhsa in=14x14x768 heads=12": "mhsa: in=14x14x768 must be a token map Nxd (tokens, then features), got 3 numbers",
    "mhsa in=197x768": "mhsa: missing heads= (the number of attention heads)",
    "mlp in=197x768": "mlp: missing hidden= (the MLP's hidden width)",
    "patchembed in=225x224x3 patch=16 out=768": (
        "patchembed: patch=16 must divide the input's height 225 (the image is cut into whole patches)"
    ),
    "patchembed in=224x768 patch=16 out=768": "patchembed: in=224x768 must be an image HxWxC, got 2 numbers",
    "select in=197x768 token=197": "select: token=197 must be 0 or more and below the token count N=197",
    "clip in=4 min=6 max=0": "clip: min=6 must be below max=0",
    "clip in=4 min=0": "clip: missing max= (the upper bound)",
    "clip in=4 min=zero max=6": "clip: min=zero must be a finite number",
    "dropout in=4 p=1.5": "dropout: p=1.5 must be a probability, between 0 and 1",
    "upsample in=28x28x64": "upsample: missing scale= (the factor each spatial size is multiplied by)",
    "upsample in=28x28x64 scale=2 mode=bicubic": "upsample: mode=bicubic must be one of nearest, bilinear",
    "upsample in=28x64 scale=2 mode=bilinear": (
        "upsample: mode=bilinear needs a 2-d input HxWxC, got in=28x64 (PyTorch's rule)"
    ),
    "upsample in=28x28x64 scale=0": "upsample: scale=0 must be at least 1",
    "gap in=1280": "globalavgpool: in=1280 must be LxC, HxWxC or DxHxWxC (spatial sizes, then channels)",
    "gap in=7x7x8 size=2": "globalavgpool: key 'size' does not apply to globalavgpool; it takes in",
    "gelu in=4 out=3": "gelu: key 'out' does not apply to gelu; it takes in",
    "layernom in=4": "unknown layer 'layernom' (did you mean 'layernorm'?)",
}


@pytest.mark.parametrize("text", sorted(ERRORS))
def test_errors_are_one_line_naming_key_value_and_rule(run, text):
    r = run("solve", text)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("Error: " + ERRORS[text])
    assert r.stderr.count("\n") == 1


def test_stack_of_vit_layers_and_the_json_stream(run, tmp_path):
    f = tmp_path / "vit_tiny.txt"
    f.write_text(
        "patchembed in=32x32x3 patch=8 out=64\nclstoken\nposembed\nlayernorm\nmhsa heads=4\n"
        "layernorm\nmlp hidden=256\nlayernorm\nselect\nlinear out=10\n"
    )
    d = json.loads(run("solve", "--network", str(f), "--json").stdout)
    # 4·4 = 16 patches + 1 class token = 17 tokens of 64
    assert [tuple(x["output_shape"]) for x in d["layers"]][:3] == [(16, 64), (17, 64), (17, 64)]
    # patchembed 8·8·3·64 + 64 = 12,352; cls 64; pos 17·64 = 1,088; 3 layernorms 3·128; mhsa 4·64² + 4·64 = 16,640;
    # mlp 2·64·256 + 256 + 64 = 33,088; head 64·10 + 10 = 650
    assert d["total"]["params"]["total"] == 12352 + 64 + 1088 + 384 + 16640 + 33088 + 650
    # MACs: patchembed 8·8·3·64·16 = 196,608; mhsa 4·17·64² + 2·17²·64 = 278,528 + 36,992; mlp 2·17·64·256 = 557,056;
    # head 640
    assert d["total"]["macs"] == 196608 + 278528 + 36992 + 557056 + 640
    stream = run("solve", "--json", "-", input="gelu in=4x4\nmhsa in=4x8 heads=3\nmlp in=4x8 hidden=16\n")
    lines = [json.loads(x) for x in stream.stdout.splitlines()]
    assert stream.exit_code == 2
    assert lines[1] == {"line": 2, "error": "mhsa: heads=3 must divide d=8 (each head takes d/h features)"}
    assert lines[2]["params"]["total"] == 2 * 8 * 16 + 16 + 8


# --- hypothesis: the new grammar ---------------------------------------------------------------------------

shapes = st.lists(st.integers(1, 64), min_size=1, max_size=4).map(tuple)
tokens = st.tuples(st.integers(1, 300), st.integers(1, 16))  # (N, d / h), with h drawn separately


def _x(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


@st.composite
def new_layers(draw) -> str:
    kind = draw(
        st.sampled_from(
            [
                "act",
                "clip",
                "dropout",
                "norm",
                "upsample",
                "linear",
                "patchembed",
                "clstoken",
                "posembed",
                "mhsa",
                "mlp",
                "select",
            ]
        )
    )
    if kind == "act":
        name = draw(st.sampled_from(["relu6", "gelu", "silu", "hardswish", "sigmoid", "hardsigmoid", "tanh"]))
        return f"{draw(st.sampled_from([name, 'softmax', 'identity']))} in={_x(draw(shapes))}"
    if kind == "clip":
        low = draw(st.floats(-100, 100, allow_nan=False))
        high = draw(st.floats(-100, 100, allow_nan=False).filter(lambda v: v > low))
        return f"clip in={_x(draw(shapes))} min={low!r} max={high!r}"
    if kind == "dropout":
        return f"dropout in={_x(draw(shapes))} p={draw(st.floats(0, 1))!r}"
    if kind == "norm":
        return f"{draw(st.sampled_from(['layernorm', 'layerscale']))} in={_x(draw(shapes))}"
    if kind == "upsample":
        shape = draw(st.lists(st.integers(1, 32), min_size=2, max_size=4).map(tuple))
        mode = draw(st.sampled_from(["nearest", "bilinear"])) if len(shape) == 3 else "nearest"
        return f"upsample in={_x(shape)} scale={draw(st.integers(1, 4))} mode={mode}"
    if kind == "linear":
        return f"linear in={_x(draw(shapes))} out={draw(st.integers(1, 512))} bias={draw(st.booleans())}"
    if kind == "patchembed":
        p = draw(st.integers(1, 32))
        h, w = p * draw(st.integers(1, 8)), p * draw(st.integers(1, 8))
        return f"patchembed in={h}x{w}x{draw(st.integers(1, 4))} patch={p} out={draw(st.integers(1, 256))}"
    n, dh = draw(tokens)
    h = draw(st.integers(1, 16))
    if kind == "mhsa":
        return f"mhsa in={n}x{dh * h} heads={h} bias={draw(st.booleans())}"
    if kind == "mlp":
        return f"mlp in={n}x{dh * h} hidden={draw(st.integers(1, 1024))}"
    if kind == "select":
        return f"select in={n}x{dh} token={draw(st.integers(0, n - 1))}"
    return f"{kind} in={n}x{dh}"


@PROPS
@given(new_layers(), st.sampled_from(["hwc", "chw"]))
def test_new_specs_round_trip(text, layout):
    layer = spec.parse(text, layout="hwc")
    canonical = spec.format_layer(layer, layout)
    assert spec.parse(canonical, layout=layout) == layer
    assert spec.format_layer(spec.parse(canonical, layout=layout), layout) == canonical


@PROPS
@given(new_layers())
def test_new_layers_solve_explain_and_count_by_the_convention(text):
    layer = spec.parse(text)
    sol = solve(layer)
    assert all(v >= 1 for v in sol.output_shape)
    shape = layer.input_shape
    family = layer.family
    # torchvision's convention: only conv, linear and matmul count
    if family == "linear":
        assert sol.macs == prod(shape[:-1]) * shape[-1] * layer.out
        assert sol.output_shape == (*shape[:-1], layer.out)
    elif family == "mhsa":
        n, d = shape
        assert sol.params.total == 4 * d * d + (4 * d if layer.bias else 0)
        assert sol.macs == 4 * n * d * d + 2 * n * n * d
    elif family == "mlp":
        n, d = shape
        assert sol.macs == 2 * n * d * layer.hidden
    elif family == "patchembed":
        h, w, c = shape
        p = layer.kernel[0]
        assert sol.output_shape[0] == (h // p) * (w // p)
        assert sol.macs == p * p * c * layer.out * (h // p) * (w // p)
    else:
        assert sol.macs == 0
    steps = explain(sol)
    assert steps and all("{" not in s.formula + s.substituted + s.result for s in steps)
    for note in notes(sol):
        assert "{" not in note and "\n" not in note


def claim(quantity: str, value: int | tuple) -> Claim:
    """A claim as ``check`` reads it from ``--claim quantity=value``."""
    if isinstance(value, tuple):
        return Claim(quantity, "x".join(map(str, value)), tuple(int(v) for v in value))
    return Claim(quantity, str(value), Number(Fraction(value)))


@PROPS
@given(new_layers())
def test_check_accepts_the_solvers_values_and_explains_every_distractor(text):
    layer = spec.parse(text)
    sol = solve(layer)
    right = {
        "output": sol.output_shape,
        "params": sol.params.total,
        "macs": sol.macs,
        "flops": sol.flops,
        "output_bytes": sol.output_bytes,
        "params_bytes": sol.params_bytes,
    }
    results = check(layer, [claim(q, v) for q, v in right.items()])
    assert all(r.ok for r in results), [(r.quantity, r.correct) for r in results if not r.ok]
    for quantity in right:
        for value, ids in M.distractors(layer, quantity, limit=0):
            [result] = check(layer, [claim(quantity, value)])
            assert not result.ok and result.misconceptions, (quantity, value, ids)


# --- the new misconceptions, each through `quizgen check` with the wrong value worked by hand ---------------

MISCONCEPTIONS = {
    # 12 × (4·768² + 4·768) = 12 × 2,362,368 = 28,348,416
    "heads-multiply-params": ("mhsa in=197x768 heads=12", "params=28348416"),
    # 4·197·768² = 464,781,312: the 2·197²·768 dropped
    "n-squared-dropped": ("mhsa in=197x768 heads=12", "macs=464781312"),
    # 464,781,312 + 2·197²·768/12 = 464,781,312 + 4,967,552 = 469,748,864
    "one-head-scores": ("mhsa in=197x768 heads=12", "macs=469748864"),
    # 196 tokens instead of 197
    "cls-token-forgotten": ("clstoken in=196x768", "output=196x768"),
    # 224/16 = 14 tokens instead of 14·14
    "patches-one-side": ("patchembed in=224x224x3 patch=16 out=768", "output=14x768"),
    # one linear: 768·3072 + 3072 = 2,362,368
    "mlp-one-linear": ("mlp in=197x768 hidden=3072", "params=2362368"),
    # 96·384 = 36,864, once instead of at 56·56 positions
    "linear-positions-forgotten": ("linear in=56x56x96 out=384", "macs=36864"),
    # 4·64 = 256 trainable instead of 2·64 = 128
    "bn-running-stats-trainable": ("batchnorm2d in=56x56x64", "trainable=256"),
    # 4·768 = 3,072 instead of 2·768
    "layernorm-running-stats": ("layernorm in=197x768", "params=3072"),
    # one "MAC" per element: 197·3072 = 605,184
    "counted-elementwise": ("gelu in=197x3072", "macs=605184"),
}


@pytest.mark.parametrize("mid", sorted(MISCONCEPTIONS))
def test_check_names_each_modern_misconception(run, mid):
    text, claim = MISCONCEPTIONS[mid]
    r = run("check", text, "--claim", claim, "--json")
    assert r.exit_code == 1
    verdict = json.loads(r.stdout)["claims"][0]
    named = {tuple(m["ids"]): m["explanation"] for m in verdict["misconceptions"]}
    assert (mid,) in named, named
    assert "{" not in named[(mid,)]
    assert mid in M.CATALOGUE


def test_heads_explanation_uses_the_layers_numbers(run):
    out = run("check", "mhsa in=197x768 heads=12", "--claim", "params=28348416").stdout
    assert "12 heads" in out and "12 × 64" in out and "768 × 768" in out


def test_misconceptions_do_not_fire_where_they_change_nothing():
    # one head: multiplying by h = 1 changes nothing, and one head's scores are all the scores
    one = spec.parse("mhsa in=10x8 heads=1")
    ids = {m.id for q in ("params", "macs") for m in M.applicable(one, q)}
    assert "heads-multiply-params" not in ids and "one-head-scores" not in ids
    # a linear on a vector has one position
    assert "linear-positions-forgotten" not in {m.id for m in M.applicable(spec.parse("linear in=10 out=2"), "macs")}


def test_refused_specs_raise_spec_errors():
    with pytest.raises(QuizgenError):
        spec.parse("select in=4x4 token=-1")
