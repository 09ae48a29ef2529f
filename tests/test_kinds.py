"""The problem samplers: variety over seeds, valid layers at the level DESIGN §5 defines, and stated conventions.

Reference numbers are worked by hand in each test; layer facts (exact division, output sizes, unique
inverse answers) are recomputed here from the closed forms, not taken from the code under test.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from math import floor

import pytest

from quizgen.arith.spec import parse
from quizgen.errors import QuizgenError
from quizgen.problems import kinds, single
from quizgen.problems.kinds import REGISTRY, conventions_for

SEEDS = range(30)
COUNTS = ("macs", "flops", "flops+bias")
#: spot-error draws its layers from its own scenario table (problems/spot_error.py, worked on
#: under issue 10 item 4), not from these samplers, so its variety is not held to this file's bar.
SAMPLED = sorted(k for k in REGISTRY if k != "spot-error")


def draw(kind: str, difficulty: int, seed: int, count: str = "macs"):
    return REGISTRY[kind].sample(random.Random(seed), difficulty, count)


# --- independent layer facts ------------------------------------------------------------------------


def spans(layer) -> list[tuple[int, int, int, int, int]]:
    """(n, k, s, p, d) per spatial dimension, with symmetric padding (samplers write no 'same' outside inverse-padding)."""
    dil = layer.dilation or (1,) * len(layer.spatial)
    return list(zip(layer.spatial, layer.kernel, layer.stride, layer.padding, dil))


def exact(layer) -> bool:
    """Every (n + 2p - d·(k - 1) - 1) divides by s: no floor (or ceil) is needed."""
    return all((n + 2 * p - d * (k - 1) - 1) % s == 0 for n, k, s, p, d in spans(layer))


def features(problem) -> set[str]:
    """What a problem's layer(s) exercise, for checking that every branch of a sampler is reached."""
    out = set()
    lines = problem.spec.splitlines()
    for line in lines:
        name = line.split()[0]
        out.add(name)
        for key in ("s=2", "s=3", "s=4", "d=2", "d=3", "d=4", "op=1", "ceil=true", "bias=false", "batchnorm"):
            if f" {key} " in f" {line} ":
                out.add(key)
        if " p=0" not in line and " p=" in line:
            out.add("padded")
        if " g=" in line and " g=1 " not in line:
            out.add("grouped")
    layer = problem.layer
    if len(lines) == 1 and layer.has_kernel and layer.family != "convtranspose" and layer.padding != "same":
        out.add("exact" if exact(layer) else "inexact")
    return out


# --- item 9: variety ----------------------------------------------------------------------------------


@pytest.mark.parametrize("difficulty", [1, 2, 3])
@pytest.mark.parametrize("kind", SAMPLED)
def test_every_kind_at_every_level_draws_at_least_20_layers_in_30_seeds(kind, difficulty):
    """Distinct by layer spec (a stack counts as one), the stricter test: rewording the same layer does not count."""
    specs = Counter(draw(kind, difficulty, seed).spec for seed in SEEDS)
    assert len(specs) >= 20, specs.most_common(3)
    assert specs.most_common(1)[0][1] <= 3, specs.most_common(1)


def _variant_keys(sheets: list[dict]) -> dict[int, Counter]:
    per_slot: dict[int, Counter] = {}
    for sheet in sheets:
        for p in sheet["problems"]:
            per_slot.setdefault(p["number"], Counter())[p["spec"]] += 1
    return per_slot


def test_default_recipe_over_30_variants_gives_every_sampled_slot_20_versions(run, tmp_path):
    result = run("worksheet", "--variants", "30", "--format", "json", "-o", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    sheets = json.loads((tmp_path / "key.json").read_text())["keys"]
    assert len(sheets) == 30
    kinds_of = {p["number"]: p["kind"] for p in sheets[0]["problems"]}
    for slot, specs in _variant_keys(sheets).items():
        if kinds_of[slot] == "spot-error":
            continue  # drawn from spot-error's scenario table, not by these samplers (see SAMPLED)
        assert len(specs) >= 20, (slot, kinds_of[slot], specs.most_common(3))
        assert specs.most_common(1)[0][1] <= 3, (slot, kinds_of[slot], specs.most_common(1))


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_inverse_stride_and_kernel_on_one_sheet_rarely_share_a_geometry(run, tmp_path, difficulty):
    """The stride problem shows k and the kernel problem shows s: on one layer each gives the other's answer."""
    recipe = tmp_path / "inverse.yaml"
    recipe.write_text(
        "recipe: inverse\nsections:\n"
        f"  - kind: inverse-stride\n    difficulty: {difficulty}\n"
        f"  - kind: inverse-kernel\n    difficulty: {difficulty}\n"
    )
    result = run("worksheet", str(recipe), "--variants", "30", "--format", "json", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    sheets = json.loads((tmp_path / "out" / "key.json").read_text())["keys"]

    def geometry(spec: str) -> tuple[str, ...]:
        keys = dict(kv.split("=") for kv in spec.split()[1:])
        return (keys["in"].rsplit("x", 1)[0], keys["k"], keys["s"], keys["p"])

    shared = [s["code"] for s in sheets if geometry(s["problems"][0]["spec"]) == geometry(s["problems"][1]["spec"])]
    assert len(shared) <= 1, shared
    for slot, specs in _variant_keys(sheets).items():
        assert len(specs) >= 20, (slot, specs.most_common(3))


# --- valid layers at the level DESIGN §5 defines, and no dead branch ----------------------------------------


def test_no_sampler_draws_a_spec_that_is_then_rejected(monkeypatch):
    """Samplers write valid specs; a silent retry would hide a branch that never yields a layer."""
    rejected: list[str] = []
    make = single._make

    def strict(text: str):
        try:
            return make(text)
        except QuizgenError as exc:
            rejected.append(f"{text}: {exc}")
            raise

    monkeypatch.setattr(single, "_make", strict)
    for kind in SAMPLED:
        for difficulty in (1, 2, 3):
            for seed in range(60):
                draw(kind, difficulty, seed)
    assert rejected == []


#: What each sampler must reach over 200 seeds: every branch it has (a layer name, or a setting in the spec).
BRANCHES = {
    ("output-conv", 1): {"conv2d"},
    ("output-conv", 2): {"conv2d", "s=2", "s=4", "padded", "bias=false", "exact"},
    ("output-conv", 3): {"conv1d", "conv2d", "conv3d", "grouped", "inexact", "bias=false"},
    ("output-pool", 1): {"maxpool2d", "avgpool2d"},
    ("output-pool", 2): {"maxpool2d", "avgpool2d", "padded", "exact"},
    ("output-pool", 3): {"ceil=true", "adaptiveavgpool2d", "adaptivemaxpool2d", "maxpool3d", "avgpool3d", "inexact"},
    ("output-dilated", 1): {"conv2d", "d=2", "d=3", "d=4"},
    ("output-dilated", 2): {"conv2d", "d=2", "d=3", "d=4", "s=2", "padded"},
    ("output-dilated", 3): {"conv1d", "conv2d", "inexact", "s=2", "padded"},
    ("output-transposed", 1): {"convtranspose2d", "s=2"},
    ("output-transposed", 2): {"convtranspose2d", "padded", "s=2"},
    ("output-transposed", 3): {"convtranspose1d", "convtranspose2d", "convtranspose3d", "op=1", "d=2"},
    ("macs-conv", 3): {"conv1d", "conv2d", "conv3d", "convtranspose2d", "grouped", "inexact"},
    ("params-linear", 2): {"linear", "bias=false"},
    ("params-linear", 3): {"linear", "bias=false"},
    ("pool-ops", 3): {"ceil=true", "adaptiveavgpool2d", "adaptivemaxpool2d", "maxpool3d", "avgpool3d"},
    ("inverse-stride", 2): {"s=2", "s=4", "padded"},
    ("inverse-stride", 3): {"s=2", "s=4", "inexact", "exact"},
    ("inverse-kernel", 3): {"s=2", "s=3", "inexact", "exact"},
    ("network-trace", 1): {"conv2d", "relu", "maxpool2d", "flatten"},
    ("network-trace", 2): {"avgpool2d", "maxpool2d", "linear", "s=4"},
    ("network-trace", 3): {"batchnorm2d", "grouped", "convtranspose2d", "d=2"},
    ("receptive-field", 2): {"maxpool2d", "s=2", "padded"},
    ("receptive-field", 3): {"maxpool2d", "s=2", "d=2", "d=3", "d=4"},
}


@pytest.mark.parametrize(("kind", "difficulty"), sorted(BRANCHES))
def test_every_branch_of_a_sampler_occurs(kind, difficulty):
    seen: set[str] = set()
    for seed in range(200):
        seen |= features(draw(kind, difficulty, seed))
    assert BRANCHES[kind, difficulty] <= seen, BRANCHES[kind, difficulty] - seen


def test_output_dilated_at_level_3_gives_both_1d_and_2d_layers():
    """Its 2-d branch once wrote in=NxC, always rejected, so level 3 was 1-d only."""
    dims = Counter(draw("output-dilated", 3, seed).layer.ndim for seed in range(100))
    assert set(dims) == {1, 2}, dims
    assert min(dims.values()) >= 25, dims


@pytest.mark.parametrize("kind", ["output-conv", "params-conv", "macs-conv", "memory"])
def test_conv_levels_follow_design(kind):
    """Level 1: square, stride 1, no padding.  Level 2: stride and padding, but exact and plain (no d, g, 1d/3d)."""
    for seed in range(100):
        one = draw(kind, 1, seed).layer
        assert one.ndim == 2 and len(set(one.spatial)) == 1
        assert set(one.stride) == {1} and set(one.padding) == {0} and set(one.dilation) == {1} and one.groups == 1
        two = draw(kind, 2, seed).layer
        assert two.ndim == 2 and set(two.dilation) == {1} and two.groups == 1
        assert exact(two), two


@pytest.mark.parametrize("kind", ["output-pool", "pool-ops"])
def test_pool_levels_follow_design(kind):
    """Level 1: no padding, stride = kernel (PyTorch's default), exact.  Level 2: exact, no ceil mode."""
    for seed in range(100):
        one = draw(kind, 1, seed).layer
        assert set(one.padding) == {0} and one.stride == one.kernel and exact(one) and not one.ceil_mode
        two = draw(kind, 2, seed).layer
        assert exact(two) and not two.ceil_mode


@pytest.mark.parametrize("kind", ["network-trace", "receptive-field"])
def test_stacks_at_level_1_have_convs_with_stride_1_and_no_padding(kind):
    for seed in range(100):
        for line in draw(kind, 1, seed).spec.splitlines():
            if line.startswith("conv"):
                assert " s=1 " in line and " p=0 " in line and " d=1 " in line, line


@pytest.mark.parametrize("kind", SAMPLED)
def test_every_drawn_layer_is_solvable_with_outputs_of_at_least_one(kind):
    for difficulty in (1, 2, 3):
        for seed in range(40):
            problem = draw(kind, difficulty, seed)
            for part in problem.parts:
                values = part.answer if isinstance(part.answer, tuple) else (part.answer,)
                if part.quantity in ("output", "windows", "params", "macs", "s", "k", "receptive_field"):
                    assert min(values) >= 1, (problem.spec, part)


@pytest.mark.parametrize("key", ["s", "k"])
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_inverse_answers_are_unique(key, difficulty):
    """Brute force over every stride (or kernel, odd only when the text says so): one value gives the output."""
    kind = "inverse-stride" if key == "s" else "inverse-kernel"
    for seed in range(60):
        problem = draw(kind, difficulty, seed)
        layer = problem.layer
        n, k, s, p = layer.spatial[0], layer.kernel[0], layer.stride[0], layer.padding[0]
        target = floor((n + 2 * p - k) / s) + 1
        assert f"{target} × {target}" in problem.text
        odd = "odd kernel" in problem.text
        if key == "s":
            fits = [t for t in range(1, n + 2 * p + 1) if floor((n + 2 * p - k) / t) + 1 == target]
        else:
            fits = [
                t for t in range(1, n + 2 * p + 1) if (t % 2 or not odd) and floor((n + 2 * p - t) / s) + 1 == target
            ]
        assert fits == [s if key == "s" else k], (problem.spec, fits)
        if difficulty < 3:
            assert (n + 2 * p - k) % s == 0, problem.spec


@pytest.mark.parametrize("kind", ["inverse-stride", "inverse-kernel", "inverse-padding"])
def test_inverse_problems_vary_their_channels(kind):
    """Not always a 3-channel input and 64 output channels."""
    channels = {(p.layer.in_channels, p.layer.out) for p in (draw(kind, d, s) for d in (1, 2, 3) for s in SEEDS)}
    assert len({c for c, _o in channels}) >= 5 and len({o for _c, o in channels}) >= 5, channels


def test_receptive_field_answers_match_the_recurrence_and_vary():
    """r = 1 + Σ (k_eff - 1)·(product of the strides before), computed here from the spec lines."""
    answers = set()
    for difficulty in (1, 2, 3):
        for seed in SEEDS:
            problem = draw("receptive-field", difficulty, seed)
            r, jump = 1, 1
            for line in problem.spec.splitlines():
                keys = dict(kv.split("=") for kv in line.split()[1:])
                k, s, d = int(keys["k"]), int(keys["s"]), int(keys.get("d", 1))
                r += d * (k - 1) * jump
                jump *= s
            assert problem.parts[0].answer == r, problem.spec
            answers.add((difficulty, r))
    assert len(answers) >= 30, answers


# --- item 7: problems say what they ask ------------------------------------------------------------------------


def _bank_sheet(run, tmp_path, entries: str, *extra: str) -> list[dict]:
    bank = tmp_path / "b.yaml"
    bank.write_text("bank: b\ntitle: B\nproblems:\n" + entries)
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"recipe: r\nsections:\n  - bank: {bank}\n    difficulty: 3\n")
    result = run("worksheet", str(recipe), "--format", "json", "-o", str(tmp_path / "out"), *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads((tmp_path / "out" / "key.json").read_text())["keys"][0]["problems"]


def test_adaptive_pooling_states_pytorchs_window_rule(run, tmp_path):
    (problem,) = _bank_sheet(
        run, tmp_path, "  - id: a\n    spec: adaptiveavgpool2d in=10x10x256 size=6\n    ask: [additions]\n"
    )
    # Along a side, windows [floor(6i·10/6)...]: starts 0,1,3,5,6,8; ends 2,4,5,7,9,10 → sizes 2,3,2,2,3,2 (sum 14).
    # Elements summed: 256·14·14 = 50,176 over 256·36 = 9,216 windows → 50,176 - 9,216 = 40,960 additions.
    assert problem["parts"][0]["answer"] == 40_960
    assert "floor(i·n/m) to ceil((i + 1)·n/m) - 1" in problem["text"]
    # The common rule s = floor(10/6) = 1, k = 10 - 5·1 = 5 would give 256·36·24 = 221,184: the text must rule it out.
    assert "PyTorch" in problem["text"]


def test_padded_pooling_says_padded_positions_count(run, tmp_path):
    (problem,) = _bank_sheet(
        run, tmp_path, "  - id: a\n    spec: maxpool2d in=27x27x96 k=3 s=2 p=1\n    ask: [windows, comparisons]\n"
    )
    # out = floor((27 + 2 - 3)/2) + 1 = 14; windows = 96·14·14 = 18,816; comparisons = 18,816·(9 - 1) = 150,528.
    assert [p["answer"] for p in problem["parts"]] == [18_816, 150_528]
    assert (
        "Count every window as holding all 3 × 3 positions of the kernel, padded positions included."
        in (problem["text"])
    )


def test_ceil_mode_pooling_says_what_ceil_mode_does_and_counts_overhanging_windows(run, tmp_path):
    (problem,) = _bank_sheet(
        run, tmp_path, "  - id: a\n    spec: maxpool2d in=56x56x64 k=3 s=2 ceil=true\n    ask: [output, comparisons]\n"
    )
    # out = ceil((56 - 3)/2) + 1 = 27 + 1 = 28 (the last window starts at 54 < 56: kept); 64·28·28·8 = 401,408.
    assert [p["answer"] for p in problem["parts"]] == [[28, 28, 64], 401_408]
    assert "ceil mode" in problem["text"] and "rounded up instead of down" in problem["text"]
    assert "including positions past the edge of the input" in problem["text"]


def test_transposed_conv_macs_say_they_are_counted_on_the_input_side(run, tmp_path):
    (problem,) = _bank_sheet(
        run, tmp_path, "  - id: a\n    spec: convtranspose2d in=14x14x64 out=32 k=4 s=2 p=1\n    ask: [macs]\n"
    )
    # Input side: 4·4·64·32 = 32,768 weights, each used once per input position: 32,768·14·14 = 6,422,528.
    # (Output side would be 4·4·64·32·28·28 = 25,690,112.)
    assert problem["parts"][0]["answer"] == 6_422_528
    assert "on the input side" in problem["text"]


def test_macs_conv_level_3_states_the_transposed_convention_whenever_it_draws_one():
    drawn = 0
    for seed in range(100):
        problem = draw("macs-conv", 3, seed, "flops")
        if problem.layer.family == "convtranspose":
            drawn += 1
            assert "on the input side" in problem.text, problem.text
    assert drawn >= 10


@pytest.mark.parametrize("count", COUNTS)
def test_params_separable_asks_compute_in_the_sheets_convention(run, tmp_path, count):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: r\nsections:\n  - kind: params-separable\n    count: 3\n    difficulty: 2\n")
    result = run("worksheet", str(recipe), "--count", count, "--format", "json", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    for problem in json.loads((tmp_path / "out" / "key.json").read_text())["keys"][0]["problems"]:
        keys = dict(kv.split("=") for kv in problem["spec"].split()[1:])
        size, _w, m = (int(v) for v in keys["in"].split("x"))
        n, k = int(keys["out"]), int(keys["k"])
        # 'same' padding, stride 1: the output is size × size.  No bias, so FLOPs with bias adds equal FLOPs.
        macs = {"standard": k * k * m * n * size * size, "separable": (k * k * m + m * n) * size * size}
        factor = 1 if count == "macs" else 2
        compute = [p for p in problem["parts"] if p["quantity"] not in ("params",)]
        assert [p["quantity"] for p in compute] == [count, count]
        assert [p["answer"] for p in compute] == [factor * macs["standard"], factor * macs["separable"]]
        word = "MACs" if count == "macs" else "FLOPs"
        assert all(word in p["label"] for p in compute), compute
        assert kinds.CONVENTION_TEXT[count] in problem["text"]
        other = [kinds.CONVENTION_TEXT[c] for c in COUNTS if c != count]
        assert not any(t in problem["text"] for t in other)
        assert problem["steps"][-1]["result"] == f"{factor * macs['separable']:,}"


@pytest.mark.parametrize("count", COUNTS)
def test_every_convention_a_problem_depends_on_is_in_its_text(count):
    """The audit's check, over every sampled kind and level: conventions_for's sentences appear verbatim."""
    seen: set[str] = set()
    for kind in SAMPLED:
        for difficulty in (1, 2, 3):
            for seed in range(40):
                problem = draw(kind, difficulty, seed, count)
                if problem.layer is None:  # a block kind: its conventions are checked in test_block_kinds.py
                    continue
                quantities = [p.quantity for p in problem.parts]
                for sentence in conventions_for(problem.layer, quantities, count):
                    assert sentence in problem.text, (kind, difficulty, seed, sentence)
                asked = frozenset(quantities)
                seen |= {cid for cid, applies, _text in kinds.CONVENTIONS if applies(problem.layer, asked)}
    # Every entry of the table is reached by some sampler, but 'same' with a stride (drawn only by
    # inverse-padding, whose text states TensorFlow's rule itself) and bias adds outside --count flops+bias.
    expected = {cid for cid, _applies, _text in kinds.CONVENTIONS} - {"same-tensorflow"}
    if count != "flops+bias":
        expected.discard("no-bias-adds")
    assert seen == expected


def test_conventions_follow_the_layer_and_the_asked_quantities():
    """Hand-picked layers: what must be stated, and what must not be (no sentence that assumes the common case)."""
    conv = parse("conv2d in=56x56x64 out=64 k=3 p=1")
    assert conventions_for(conv, ["output"], "flops") == []
    assert conventions_for(conv, ["flops"], "flops") == [kinds.CONVENTION_TEXT["flops"]]
    assert conventions_for(conv, ["macs"], "flops") == [kinds.CONVENTION_TEXT["macs"]]
    even = parse("adaptiveavgpool2d in=12x12x256 size=6")  # 12/6 = 2: every window 2 × 2, no rule needed
    assert conventions_for(even, ["windows", "additions", "divisions"]) == []
    unpadded = parse("maxpool2d in=55x55x96 k=3 s=2")
    assert conventions_for(unpadded, ["windows", "comparisons"]) == []
    same = parse("conv2d in=224x224x3 out=64 k=7 s=2 p=same")  # total padding 5: 2 on top, 3 below
    assert conventions_for(same, ["output"]) == [kinds.SAME_TEXT]
    assert conventions_for(same, ["params"]) == []
    transposed = parse("convtranspose2d in=7x7x64 out=32 k=4 s=2 p=1")
    assert conventions_for(transposed, ["output"]) == []
    assert len(conventions_for(transposed, ["flops+bias"], "flops+bias")) == 2
    unbiased = parse("linear in=512 out=10 bias=false")  # flops+bias = 2·5,120 + 0: say there is nothing to add
    assert conventions_for(unbiased, ["flops+bias"], "flops+bias") == [
        kinds.CONVENTION_TEXT["flops+bias"],
        kinds.NO_BIAS_ADDS_TEXT,
    ]
    assert conventions_for(parse("linear in=512 out=10"), ["flops+bias"], "flops+bias") == [
        kinds.CONVENTION_TEXT["flops+bias"]
    ]


def test_english_articles_follow_how_the_number_is_spoken(run, tmp_path):
    """'a 8 × 8 input' reads 'an eight…': the article before a number is chosen by its sound, in English only."""
    entries = (
        "  - id: eight\n    spec: conv2d in=8x8x64 out=96 k=3\n    ask: [output]\n"
        "  - id: eleven\n    spec: maxpool2d in=27x27x96 k=11 s=2\n    ask: [output]\n"
        "  - id: other\n    spec: conv2d in=112x112x64 out=64 k=1\n    ask: [output]\n"
    )
    texts = [p["text"] for p in _bank_sheet(run, tmp_path, entries)]
    assert "to an 8 × 8 × 64 input" in texts[0] and "a 8 " not in texts[0]
    assert texts[1].startswith("An 11 × 11 max-pool")
    assert "to a 112 × 112 × 64 input" in texts[2]
    (tmp_path / "zh").mkdir()
    zh = [p["text"] for p in _bank_sheet(run, tmp_path / "zh", entries, "--lang", "zh")]
    assert not any("an 8" in t or "An 11" in t for t in zh)
