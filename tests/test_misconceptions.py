"""The misconception catalogue: every id DESIGN names, each producing its wrong value."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from quizgen import parse
from quizgen.explain.misconceptions import CATALOGUE, applicable, distractors

# id -> (layer, quantity, the wrong value worked out by hand from the wrong rule)
EXAMPLES = {
    "precedence": ("conv2d in=227x227x3 out=96 k=11 s=4", "output", (227 - 11 + 0 + 1,) * 2 + (96,)),
    "no-floor": ("conv2d in=224x224x3 out=64 k=7 s=2", "output", (Fraction(217, 2) + 1,) * 2 + (64,)),
    "padding-once": ("conv2d in=32x32x3 out=8 k=3 p=1", "output", ((32 - 3 + 1) // 1 + 1,) * 2 + (8,)),
    "ignored-ceil-mode": ("maxpool2d in=56x56x64 k=3 s=2 ceil=true", "output", ((56 - 3) // 2 + 1,) * 2 + (64,)),
    "forgot-bias": ("conv2d in=227x227x3 out=96 k=11 s=4", "params", 11 * 11 * 3 * 96),
    "forgot-in-channels": ("conv2d in=227x227x3 out=96 k=11 s=4", "params", 11 * 11 * 96 + 96),
    "ignored-groups": ("conv2d in=56x56x64 out=64 k=3 p=1 g=64", "weights", 3 * 3 * 64 * 64),
    "ignored-dilation": ("conv1d in=100x16 out=32 k=5 d=2", "output", (100 - 5 + 1, 32)),
    "input-size-for-macs": ("conv2d in=227x227x3 out=96 k=11 s=4", "macs", 11 * 11 * 3 * 96 * 227 * 227),
    "macs-vs-flops": ("linear in=100 out=10", "macs", 2 * 100 * 10),
    "pool-windows-from-input": ("maxpool2d in=56x56x64 k=3 s=2", "windows", 64 * 28 * 28),
    "pool-stride-twice": ("maxpool2d in=55x55x96 k=3 s=2", "windows", 96 * 14 * 14),
    "pool-forgot-channels": ("maxpool2d in=55x55x96 k=3 s=2", "windows", 27 * 27),
    "pool-k2-comparisons": ("maxpool2d in=55x55x96 k=3 s=2", "comparisons", 96 * 27 * 27 * 9),
    "transposed-as-conv": (
        "convtranspose2d in=14x14x64 out=32 k=4 s=2 p=1",
        "output",
        ((14 - 4 + 2) // 2 + 1,) * 2 + (32,),
    ),
}


def test_catalogue_has_every_design_id():
    assert set(EXAMPLES) <= set(CATALOGUE)


@pytest.mark.parametrize("mid", sorted(EXAMPLES))
def test_each_misconception_produces_its_wrong_value(mid):
    text, quantity, wrong = EXAMPLES[mid]
    layer = parse(text)
    m = CATALOGUE[mid]
    assert m.applies(layer)
    assert wrong in m.wrong_values(layer, quantity)
    explanation = m.explain(layer)
    assert explanation and "{" not in explanation and "\n" not in explanation


def test_forgot_bias_feedback_names_the_biases():
    assert (
        CATALOGUE["forgot-bias"].explain(parse("conv2d in=227x227x3 out=96 k=11 s=4"))
        == "the weight count only; the 96 biases are missing"
    )


def test_distractors_are_distinct_whole_and_wrong():
    layer = parse("conv2d in=227x227x3 out=96 k=11 s=4")
    found = distractors(layer, "params", limit=0)
    values = [v for v, _ in found]
    assert len(values) == len(set(values)) >= 3
    assert 34944 not in values
    assert (34848, ("forgot-bias",)) in found


# --- new misconceptions, each through `quizgen check --claim` with the arithmetic worked by hand ---------------------

# (spec, extra CLI options, claim, the id that must explain it)
NEW_EXAMPLES = {
    # floor((224 - 7 + 2·2)/2) + 1 = floor(110.5) + 1 = 111; rounding up instead gives 111 + 1 = 112
    "used-ceil": ("conv2d in=224x224x3 out=64 k=7 s=2 p=2", [], "output=112x112x64"),
    # right: floor((56 - 5 + 2)/2) + 1 = 27; without the stride: 56 - 5 + 2·1 + 1 = 54
    "stride-ignored": ("conv2d in=56x56x64 out=128 k=5 s=2 p=1", [], "output=54x54x128"),
    # height with the width's settings: floor((32 - 5 + 2·2)/2) + 1 = 16; width with the height's: 48 - 3 + 2 + 1 = 48
    "swapped-hw": ("conv2d in=32x48x3 out=16 k=3x5 s=1x2 p=1x2", [], "output=16x48x16"),
    # one window per input element: 96 × 55 × 55 = 290,400
    "output-equals-input": ("maxpool2d in=55x55x96 k=3 s=2", [], "windows=290400"),
    # 3·3·3·16 weights = 432, plus one bias per input channel: 432 + 3 = 435
    "bias-per-input": ("conv2d in=32x32x3 out=16 k=3", [], "params=435"),
    # bias=false: 5·5·64·128 = 204,800 weights only; adding 128 biases gives 204,928
    "added-bias": ("conv2d in=32x32x64 out=128 k=5 bias=false", [], "params=204928"),
    # K instead of K·K: 11·3·96 = 3,168 weights, + 96 biases = 3,264
    "forgot-to-square": ("conv2d in=227x227x3 out=96 k=11 s=4", [], "params=3264"),
    # out = (14 - 1)·2 - 2·1 + 4 = 28; weights 4·4·64·32 = 32,768; output-side 32,768 × 28 × 28 = 25,690,112
    "transposed-output-side": ("convtranspose2d in=14x14x64 out=32 k=4 s=2 p=1", [], "macs=25690112"),
    # 11·11·3·96 × 55 × 55 = 105,415,200 MACs, plus 96 × 55 × 55 = 290,400 bias adds = 105,705,600
    "counted-bias-adds": ("conv2d in=227x227x3 out=96 k=11 s=4", [], "macs=105705600"),
    # 2 × 84 × 10 = 1,680 FLOPs; the 10 bias adds (1,690) forgotten
    "forgot-bias-adds": ("linear in=84 out=10", ["--count", "flops+bias"], "compute=1680"),
    # 84 × 10 = 840 MACs given where FLOPs with bias adds (1,690) are asked
    "counted-macs": ("linear in=84 out=10", ["--count", "flops+bias"], "compute=840"),
    # one window size for all: S = floor(10/6) = 1, K = 10 - 5·1 = 5; 256 × 6 × 6 × (5·5 - 1) = 221,184
    "adaptive-fixed-window": ("adaptiveavgpool2d in=10x10x256 size=6", [], "additions=221184"),
    # 11·11·3·96 + 96 = 34,944 parameters, written as bytes without the × 4
    "bytes-as-values": ("conv2d in=227x227x3 out=96 k=11 s=4", [], "params_bytes=34944"),
    # 55 × 55 × 96 = 290,400 values × 32 bits = 9,292,800
    "bits-not-bytes": ("conv2d in=227x227x3 out=96 k=11 s=4", [], "output_bytes=9292800"),
}


@pytest.mark.parametrize("mid", sorted(NEW_EXAMPLES))
def test_check_names_each_new_misconception(run, mid):
    text, options, claim = NEW_EXAMPLES[mid]
    result = run("check", text, *options, "--claim", claim, "--json")
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)["claims"][0]
    assert not verdict["ok"]
    named = {tuple(m["ids"]): m["explanation"] for m in verdict["misconceptions"]}
    assert (mid,) in named, named
    explanation = named[(mid,)]
    assert explanation and "{" not in explanation and "slip" not in explanation
    assert mid in CATALOGUE


def test_grouped_conv_explanation_names_channels_per_group(run):
    # g=32: each filter spans 128/32 = 4 channels; forgetting them gives 3·3·128 + 128 = 1,280
    result = run("check", "conv2d in=56x56x128 out=128 k=3 p=1 g=32", "--claim", "params=1280")
    assert "forgot-in-channels" in result.stdout
    assert "C_in/g = 4 channels" in result.stdout
    assert "spans all of them" not in result.stdout


def test_one_d_and_transposed_explanations_fit_the_layer(run):
    # conv1d: 5·16·32 = 2,560 weights; without C_in: 5·32 = 160
    out = run("check", "conv1d in=100x16 out=32 k=5", "--claim", "weights=160").stdout
    assert "K·C_in weights per filter" in out and "K·K" not in out
    # transposed: 4·4·64·(32/2) = 16,384 weights; ignoring g=2 gives 4·4·64·32 = 32,768
    out = run("check", "convtranspose2d in=14x14x64 out=32 k=4 s=2 p=1 g=2", "--claim", "weights=32768").stdout
    assert "ignored-groups" in out and "C_out/g = 16" in out


def test_forgot_bias_does_not_fire_without_bias(run):
    # bias=false: params = weights = 3·3·64·128 = 73,728; claiming it is right, and nothing says "biases are missing"
    out = run("check", "conv2d in=32x32x64 out=128 k=3 bias=false", "--claim", "params=73728").stdout
    assert "biases are missing" not in out
    assert "forgot-bias" not in [m.id for m in applicable(parse("conv2d in=32x32x64 out=128 k=3 bias=false"), "params")]


def bank_problem(run, tmp_path, spec: str, ask: str, *options: str, form: str = "numeric") -> dict:
    """The key's JSON of one problem about ``spec`` (from a one-entry bank), whatever the samplers draw."""
    bank = tmp_path / "one.yaml"
    bank.write_text(f"bank: one\ntitle: One\nproblems:\n  - id: p\n    spec: {spec}\n    ask: [{ask}]\n")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"recipe: one\nsections:\n  - bank: {bank}\n    form: {form}\n")
    out = tmp_path / "out"
    result = run("worksheet", str(recipe), *options, "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return json.loads((out / "key.json").read_text())["keys"][0]["problems"][0]


def test_check_and_key_agree_under_flops_plus_bias(run, tmp_path):
    """linear in=84 out=10: FLOPs with bias adds = 2·84·10 + 10 = 1,690."""
    found = bank_problem(run, tmp_path, "linear in=84 out=10", "flops+bias", "--count", "flops+bias", form="choice")
    part = found["parts"][0]
    assert part["answer"] == 1690
    options = {c["value"]: c for c in part["choices"]}
    assert 1680 in options, "the likeliest slip (bias adds forgotten: 2·840 = 1,680) must be offered"
    assert "bias add" in options[1680]["why"] and "factor of 2" not in options[1680]["why"]
    for value, option in options.items():
        assert "factor of 2" not in option["why"]
        if value == 840:
            assert "multiply-accumulate was counted once" in option["why"]
    # check agrees with the key on 840
    verdict = json.loads(
        run("check", "linear in=84 out=10", "--count", "flops+bias", "--claim", "compute=840", "--json").stdout
    )["claims"][0]
    assert [m["ids"] for m in verdict["misconceptions"]] == [["counted-macs"]]
    if 840 in options:
        assert options[840]["why"] == verdict["misconceptions"][0]["explanation"]


ALL_KINDS_RECIPE = "recipe: everything\nsections:\n" + "".join(
    f"  - kind: {kind}\n    count: 1\n    difficulty: {d}\n    form: choice\n"
    for kind in (
        "output-conv",
        "output-pool",
        "output-dilated",
        "output-transposed",
        "params-conv",
        "params-linear",
        "params-separable",
        "macs-conv",
        "macs-linear",
        "pool-ops",
        "memory",
        "inverse-padding",
        "inverse-stride",
        "inverse-kernel",
        "network-trace",
        "receptive-field",
        "spot-error",
    )
    for d in (1, 2, 3)
)


@pytest.mark.slow
@pytest.mark.parametrize("count", ["macs", "flops", "flops+bias"])
def test_no_option_is_filler_and_options_are_distinct(run, tmp_path, count):
    recipe = tmp_path / "all.yaml"
    recipe.write_text(ALL_KINDS_RECIPE)
    out = tmp_path / "out"
    result = run(
        "worksheet",
        str(recipe),
        "--count",
        count,
        "--variants",
        "20",
        "--seed",
        "5",
        "--format",
        "json",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    seen_choices = 0
    for sheet in json.loads((out / "key.json").read_text())["keys"]:
        for problem in sheet["problems"]:
            for part in problem["parts"]:
                if "choices" not in part:
                    continue
                seen_choices += 1
                values = [json.dumps(c["value"]) for c in part["choices"]]
                assert len(values) in (3, 4) and len(set(values)) == len(values), (problem["spec"], values)
                assert sum(c["correct"] for c in part["choices"]) == 1
                wrongs = {json.dumps(w["value"]): w for w in part["wrong_answers"]}
                for c in part["choices"]:
                    if c["correct"]:
                        continue
                    assert "slip" not in c["why"], (problem["kind"], c)
                    named = wrongs[json.dumps(c["value"])]["misconceptions"]
                    assert named and "slip" not in named, (problem["kind"], c)
    assert seen_choices > 100


def test_drill_hints_fit_the_layer(run, tmp_path):
    """The hint names K·C_in for 1-D, K·K·K·C_in for 3-D, C_in/g with groups, and no biases for bias=false."""
    checked = set()
    for seed in range(40):
        result = run(
            "drill", "--db", str(tmp_path / f"{seed}.sqlite3"), "--seed", str(seed), "--kind", "params-conv",
            "--difficulty", "3", "--count", "1", input="?\nq\n",
        )  # fmt: skip
        spec = next((ln.strip() for ln in result.stdout.splitlines() if ln.strip().startswith("conv")), None)
        hint = next((ln for ln in result.stdout.splitlines() if ln.startswith("Hint:")), None)
        if spec is None or hint is None:  # a multiple-choice question: no hint asked
            continue
        layer = parse(spec)
        symbols = "·".join(["K"] * len(layer.kernel)) if len(set(layer.kernel)) == 1 else None
        per = "(C_in/g)" if layer.groups > 1 else "C_in"
        if symbols:
            assert f"{symbols}·{per} weights" in hint, (spec, hint)
            assert len(layer.kernel) > 1 or "K·K" not in hint, (spec, hint)
            checked.add(len(layer.kernel))
        assert ("no biases" in hint) == (not layer.bias), (spec, hint)
        if layer.groups > 1:
            checked.add("groups")
    assert {1, 2} <= checked, checked


def test_flops_plus_bias_key_works_through_to_the_answer(run, tmp_path):
    """linear in=120 out=84: 2 × 120·84 + 84 = 2 × 10,080 + 84 = 20,244; the last worked step must reach it."""
    problem = bank_problem(run, tmp_path, "linear in=120 out=84", "flops+bias", "--count", "flops+bias")
    assert problem["parts"][0]["answer"] == 20244
    last = problem["steps"][-1]
    assert last["result"] == "20,244" and last["substituted"] == "2 × 10,080 + 84"


def test_a_part_with_one_honest_distractor_stays_numeric(run, tmp_path):
    """linear bias=false: the only named wrong answer is in·out + out (biases added); no filler makes it a choice."""
    problem = bank_problem(run, tmp_path, "linear in=4096 out=1000 bias=false", "params", form="choice")
    layer = parse(problem["spec"])
    part = problem["parts"][0]
    assert part["answer"] == layer.in_channels * layer.out
    assert "choices" not in part and problem["form"] == "numeric"
    assert [(w["value"], w["misconceptions"]) for w in part["wrong_answers"]] == [
        (layer.in_channels * layer.out + layer.out, ["added-bias"])
    ]
