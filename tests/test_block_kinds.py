"""The block kinds (issue 19): every answer and every named wrong answer recomputed from closed forms written
here (never the solver), over every kind × difficulty × --count × numeric/choice and many seeds; choices honest;
conventions stated; and the kinds through the CLI (kinds, quick sheets in every format, the drill piped).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys

import audit_calc as A
import pytest
from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.problems import kinds
from quizgen.problems.problem import with_choices

NEW = (
    "residual-block",
    "bottleneck-savings",
    "concat-channels",
    "se-block",
    "vit-tokens",
    "attention-cost",
    "training-memory",
)
SEEDS = int(os.environ.get("QUIZGEN_AUDIT_SEEDS", "40"))
COUNTS = ("macs", "flops", "flops+bias")


def ints(text: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", text)]


def kv(line: str) -> dict[str, str]:
    return dict(w.split("=", 1) for w in line.split() if "=" in w)


def in_count(macs: int, bias_adds: int, count: str) -> int:
    return macs if count == "macs" else 2 * macs + (bias_adds if count == "flops+bias" else 0)


# --- closed forms, from the block as the spec writes it ------------------------------------------------


def residual(spec: str, count: str) -> dict:
    lines = spec.splitlines()
    h, _w, cin = ints(kv(lines[0])["in"])
    convs = [kv(x) for x in lines if "conv2d" in x and "from=input" not in x]
    proj = "proj:" in spec
    stride = max(int(c.get("s", 1)) for c in convs)
    ho = h // stride
    chans, weights, bns, macs, size = cin, [], [], 0, h
    for c in convs:  # a 1×1 before the strided 3×3 (the bottleneck's first) runs at the input's size
        k, out, s = int(c["k"]), int(c["out"]), int(c.get("s", 1))
        size //= s
        weights.append(k * k * chans * out)
        macs += weights[-1] * size * size
        bns.append(out)
        chans = out
    out = chans
    proj_w = cin * out if proj else 0
    if proj:
        bns.append(out)
    params = sum(weights) + proj_w + 2 * sum(bns)
    macs += proj_w * ho * ho
    wrong = {
        "projection-forgotten": {params - proj_w - 2 * out, in_count(macs - proj_w * ho * ho, 0, count)},
        "projection-on-identity": {params + cin * out + 2 * out, in_count(macs + cin * out * ho * ho, 0, count)},
        "bn-running-stats-trainable": {params + 2 * sum(bns), proj_w + 4 * out},
        "bn-params-forgotten": {params - 2 * sum(bns), proj_w},
        "input-size-for-macs": {in_count((sum(weights) + proj_w) * h * h, 0, count)},
        "macs-vs-flops": {2 * macs, macs},
        "counted-macs": {macs},
    }
    answers = [params, in_count(macs, 0, count)]
    if proj and len(convs) == 2:
        answers.insert(0, proj_w + 2 * out)
    return {"answers": answers, "wrong": wrong}


def bottleneck(spec: str, count: str) -> dict:
    lines = spec.splitlines()
    h, _w, c = ints(kv(lines[0])["in"])
    m = int(kv(lines[1])["out"])
    std, bott, hw = 9 * c * c, 2 * c * m + 9 * m * m, h * h
    wide, one, unsq = 2 * c * m + 9 * c * c, c * m + 9 * m * m, 2 * c * m + 3 * m * m
    wrong = {
        "bottleneck-wide-middle": {wide, in_count(wide * hw, 0, count)},
        "bottleneck-one-1x1": {one, in_count(one * hw, 0, count)},
        "forgot-to-square": {unsq, in_count(unsq * hw, 0, count), 3 * c * c, in_count(3 * c * c * hw, 0, count)},
        "forgot-in-channels": {9 * c, in_count(9 * c * hw, 0, count)},
        "added-bias": {std + c, in_count(std * hw, c * hw, "flops+bias") if count != "macs" else None},
        "macs-vs-flops": {2 * bott * hw, bott * hw, 2 * std * hw, std * hw, 4 * std * hw, std * hw // 2},
        "counted-macs": {bott * hw, std * hw},
    }
    return {"answers": [std, bott, in_count(std * hw, 0, count), in_count(bott * hw, 0, count)], "wrong": wrong}


def concat(spec: str, count: str) -> dict:
    lines = spec.splitlines()
    h, _w, c = ints(kv(lines[0])["in"])
    if "denselayer" in spec:
        k, layers = int(kv(lines[-1])["k"]), int(kv(lines[-1])["repeat"])
        cin = c + (layers - 1) * k
        layer = 2 * cin + cin * 4 * k + 2 * 4 * k + 9 * 4 * k * k
        wrong = {
            "concat-added": {(h, h, c)},
            "dense-growth-once": {(h, h, c + k)},
            "dense-input-forgotten": {(h, h, layers * k)},
            "dense-input-not-grown": {2 * c + c * 4 * k + 8 * k + 36 * k * k},
            "bn-running-stats-trainable": {layer + 2 * (cin + 4 * k)},
            "bn-params-forgotten": {layer - 2 * (cin + 4 * k)},
        }
        return {"answers": [(h, h, c + layers * k), layer], "wrong": wrong}
    outs = {x.split(":")[0]: kv(x) for x in lines if ":" in x}
    b1, r3, b3, r5, b5, bp = (int(outs[n]["out"]) for n in ("b1", "reduce3", "b3", "reduce5", "b5", "bp"))
    k5 = int(outs["b5"]["k"])  # 5 in the paper, 3 in torchvision
    params = (
        (c * b1 + b1) + (c * r3 + r3) + (9 * r3 * b3 + b3) + (c * r5 + r5) + (k5 * k5 * r5 * b5 + b5) + (c * bp + bp)
    )
    wrong = {
        "concat-added": {(h, h, max(b1, b3, b5, bp))},
        "inception-pool-branch-forgotten": {(h, h, b1 + b3 + b5)},
        "inception-pool-keeps-input": {(h, h, b1 + b3 + b5 + c)},
        "forgot-bias": {params - (b1 + r3 + b3 + r5 + b5 + bp)},
        "inception-reduce-forgotten": {params - (c * r3 + r3) - (c * r5 + r5)},
    }
    return {"answers": [(h, h, b1 + b3 + b5 + bp), params], "wrong": wrong}


def se(spec: str, count: str) -> dict:
    lines = spec.splitlines()
    h, _w, c = ints(kv(lines[0])["in"])
    s = int(kv(lines[2])["out"])
    params, macs, adds, hw = 2 * c * s + s + c, 2 * c * s, s + c, h * h
    wrong = {
        "se-one-fc": {c * s + s},
        "forgot-bias": {2 * c * s},
        "se-reduction-forgotten": {2 * c * c + 2 * c},
        "se-fc-at-every-position": {in_count(macs * hw, adds * hw, count)},
        "counted-elementwise": {in_count(macs + hw * c, adds, count)},
        "macs-vs-flops": {2 * macs, macs},
        "counted-macs": {macs},
    }
    return {"answers": [params, in_count(macs, adds, count)], "wrong": wrong}


def vit(spec: str, count: str) -> dict:
    first = kv(spec.splitlines()[0])
    h, w, _c = ints(first["in"])
    p, d = int(first["patch"]), int(first["out"])
    n = (h // p) * (w // p)
    wrong = {
        "patches-one-side": {h // p, h // p + 1},
        "patch-size-not-squared": {h * w // p},
        "cls-token-forgotten": {n, d + n * d},
        "forgot-bias": {p * p * 3 * d},
        "forgot-in-channels": {p * p * d + d},
        "cls-token-params-forgotten": {(n + 1) * d},
        ("cls-token-forgotten", "cls-token-params-forgotten"): {n * d},
    }
    return {"answers": [n, n + 1, p * p * 3 * d + d, d + (n + 1) * d], "wrong": wrong}


def encoder(n: int, d: int, h: int, block: bool, count: str) -> tuple[int, int, int]:
    """(params, compute, bias adds) of MHSA alone or the pre-norm encoder block with MLP 4d: by hand."""
    params = 4 * d * d + 4 * d
    macs = 4 * n * d * d + 2 * n * n * d
    adds = 4 * n * d
    if block:
        params += 2 * 2 * d + 2 * d * 4 * d + 4 * d + d
        macs += 2 * n * d * 4 * d
        adds += n * 4 * d + n * d
    return params, macs, adds


def attention(spec: str, count: str) -> dict:
    lines = spec.splitlines()
    n, d = ints(kv(lines[0])["in"])
    h = int(kv(next(x for x in lines if "mhsa" in x))["heads"])
    block = "mlp" in spec
    params, macs, adds = encoder(n, d, h, block, count)
    p2, macs2, adds2 = encoder(2 * n, d, h, block, count)
    scores = 2 * n * n * d
    wrong = {
        "heads-multiply-params": {params + (h - 1) * (4 * d * d + 4 * d)},
        "forgot-bias": {params - 4 * d},
        "mlp-one-linear": {params - 4 * d * d - d, in_count(macs - 4 * n * d * d, adds - n * d, count)},
        "layernorm-running-stats": {params + 4 * d},
        "n-squared-dropped": {in_count(macs - scores, adds, count), in_count(2 * (macs - scores), 2 * adds, count)},
        "one-head-scores": {in_count(macs - scores + scores // h, adds, count)},
        "macs-vs-flops": {2 * macs, macs},
        "counted-macs": {macs},
        "attention-scales-linearly": {2 * in_count(macs, adds, count)},
        "attention-scales-quadratically": {in_count(4 * macs, 4 * adds, count)},
    }
    return {"answers": [params, in_count(macs, adds, count), in_count(macs2, adds2, count)], "wrong": wrong}


def memory(spec: str, text: str, count: str) -> dict:
    lines = spec.splitlines()
    h, _w, c = ints(kv(lines[0])["in"])
    outputs, convs = [], 0
    for line in lines[1:] if lines[0].startswith("input") else lines:
        if "conv2d" in line:
            c = int(kv(line)["out"])
            convs += h * h * c
        if "maxpool2d" in line:
            h //= 2
        outputs.append(h * h * c)
    batch = int(re.search(r"batch of (\d+)", text).group(1))
    per = 2 if "fp16" in text else 4
    values = sum(outputs)
    wrong = {
        "only-last-activation": {outputs[-1], batch * outputs[-1] * per},
        "only-conv-outputs": {convs},
        "batch-forgotten": {values * per},
        "bytes-as-values": {batch * values},
        "bits-not-bytes": {batch * values * per * 8},
        "fp16-as-4-bytes": {batch * values * 4},
    }
    return {"answers": [values, batch * values * per], "wrong": wrong}


def reference(problem, count: str) -> dict:
    spec, kind = problem.spec, problem.kind
    if kind == "training-memory":
        return memory(spec, problem.text, count)
    return {
        "residual-block": residual,
        "bottleneck-savings": bottleneck,
        "concat-channels": concat,
        "se-block": se,
        "vit-tokens": vit,
        "attention-cost": attention,
    }[kind](spec, count)


def generated():
    for kind_id in NEW:
        for difficulty in (1, 2, 3):
            for count in COUNTS:
                for seed in range(SEEDS):
                    rng = random.Random(f"blocks/{kind_id}/{difficulty}/{count}/{seed}")
                    problem = kinds.get(kind_id).sample(rng, difficulty, count)
                    yield kind_id, difficulty, count, problem
                    yield kind_id, difficulty, count, with_choices(problem, rng)


def test_every_answer_and_every_named_wrong_answer_recomputes_by_hand():
    failures, checked = [], 0
    for kind_id, difficulty, count, problem in generated():
        ref = reference(problem, count)
        where = f"{kind_id} d{difficulty} {count}: {problem.spec.splitlines()[0]}"
        answers = [p.answer for p in problem.parts]
        if not set(answers) <= set(ref["answers"]):
            failures.append(f"{where}: answers {answers}, by hand {ref['answers']}")
        for part in problem.parts:
            for w in part.wrongs:
                checked += 1
                key = w.ids[0] if len(w.ids) == 1 else w.ids
                allowed = ref["wrong"].get(key, set())
                if kind_id == "bottleneck-savings" and "3×3 conv" in part.label:  # one layer: the audit's calculator
                    h, _w, c = ints(kv(problem.spec.splitlines()[0])["in"])
                    lay = A.parse(f"conv2d in={h}x{h}x{c} out={c} k=3 s=1 p=1 d=1 g=1 bias=false")
                    allowed = A.roundings(A.wrong(lay, part.quantity, w.ids))
                if w.value == part.answer or w.value not in allowed:
                    failures.append(f"{where}: {part.label}: {w.value} is not what {w.ids} give")
                if not w.why:
                    failures.append(f"{where}: {w.ids} has no sentence")
    assert checked > 1000
    assert not failures, f"{len(failures)} failures, e.g.\n" + "\n".join(failures[:20])


def test_choices_are_honest_and_conventions_stated():
    from quizgen.i18n import _
    from quizgen.problems import netwise

    for kind_id, _difficulty, count, problem in generated():
        for part in problem.parts:
            if part.choices:
                values = [c.value for c in part.choices]
                assert len(set(values)) == len(values) in (3, 4)
                assert [c.value for c in part.choices if c.correct] == [part.answer]
                assert all(c.correct or c.value in {w.value for w in part.wrongs} for c in part.choices)
            if part.quantity in COUNTS:
                assert part.quantity == count, (kind_id, part.label)
                assert _(kinds.CONVENTION_TEXT[count]) in problem.text
                assert _(netwise.TORCHVISION_TEXT) in problem.text
        if "batchnorm" in problem.spec and any(p.quantity == "params" for p in problem.parts):
            assert _(netwise.TRAINABLE_TEXT) in problem.text, kind_id
        if kind_id == "training-memory":
            assert ("fp16 = 2 bytes" in problem.text) == ("fp16" in problem.parts[1].label)
        assert kind_id != "vit-tokens" or "class token" in problem.text


def test_every_kind_draws_many_different_problems():
    for kind_id in NEW:
        for difficulty in (1, 2, 3):
            seen = {kinds.get(kind_id).sample(random.Random(s), difficulty, "macs").id for s in range(60)}
            assert len(seen) >= 3, (kind_id, difficulty, len(seen))  # real networks' configurations, a few per level


# --- through the CLI ----------------------------------------------------------------------------------


def test_quizgen_kinds_lists_them_with_an_example():
    out = CliRunner().invoke(cli, ["kinds"]).output
    for kind_id in NEW:
        assert re.search(rf"^{kind_id}\s", out, re.M), kind_id


@pytest.mark.parametrize("fmt", ["md", "html", "json", "practice", "moodle", "gift", "qti", "anki"])
def test_a_quick_sheet_of_every_new_kind_in_every_format(tmp_path, fmt):
    args = ["worksheet", *sum((["--kind", k] for k in NEW), []), "--problems", "7", "--difficulty", "3"]
    args += ["--form", "choice", "--format", fmt, "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files
    if fmt == "json":
        key = json.loads((tmp_path / "key.json").read_text())
        problems = key["problems"] if "problems" in key else key["keys"][0]["problems"]
        assert {p["kind"] for p in problems} == set(NEW)
    if fmt in ("md", "html"):
        sheet = next(p for p in files if p.name.startswith("worksheet")).read_text()
        for title in ("Residual block", "ViT tokens", "Training memory"):
            assert title in sheet


def test_the_drill_piped_names_a_block_misconception(tmp_path):
    problem = kinds.get("vit-tokens").sample(random.Random(3), 1, "macs")
    n = problem.parts[0].answer
    env = dict(os.environ, QUIZGEN_HOME=str(tmp_path))
    run = subprocess.run(
        [sys.executable, "-m", "quizgen", "drill", "--kind", "vit-tokens", "--difficulty", "1", "--count", "3"],
        input=f"{n}\n{n}\n{n}\n{n}\n{n}\n{n}\nq\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "class token" in run.stdout


# --- network-trace on graph networks ----------------------------------------------------------------------


def trace_by_hand(text: str) -> tuple[list[tuple[int, ...]], list[int], list[tuple[int, ...]]]:
    """(each layer's output shape, each layer's parameters, each join's output shape) of a small network file
    (conv2d k/s/p, batchnorm2d, relu, maxpool2d k=2; add, concat; NAME: and from=), evaluated here."""
    named: dict[str, tuple[int, ...]] = {}
    layer_shapes, params, joins = [], [], []
    prev: tuple[int, ...] = ()
    for line in text.splitlines():
        label, _sep, body = line.rpartition(": ") if ": " in line else ("", "", line)
        words = body.split()
        keys = kv(body)
        if words[0] == "input":
            prev = named["input"] = tuple(ints(keys["in"]))
            continue
        x = named[keys["from"]] if "from" in keys else prev
        if words[0] in ("add", "concat"):
            operands = [named[w] for w in words[1:]]
            if len(operands) == 1:
                operands = [x, *operands]
            out = operands[0] if words[0] == "add" else (*operands[0][:-1], sum(o[-1] for o in operands))
            joins.append(out)
        else:
            h, w, c = x
            if words[0] == "conv2d":
                k, s, p, o = int(keys["k"]), int(keys.get("s", 1)), int(keys.get("p", 0)), int(keys["out"])
                out = ((h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1, o)
                params.append(k * k * c * o + (o if keys.get("bias", "true") == "true" else 0))
            elif words[0] == "maxpool2d":
                out = (h // 2, w // 2, c)
                params.append(0)
            else:
                out = x
                params.append(4 * c if words[0] == "batchnorm2d" else 0)
            layer_shapes.append(out)
        prev = out
        if label:
            named[label] = out
    return layer_shapes, params, joins


def test_network_trace_on_graph_networks_recomputes_by_hand_and_shows_the_network():
    from quizgen.problems.trace import trace_problem

    graphs = 0
    for seed in range(60):
        for form in ("numeric", "choice"):
            rng = random.Random(f"graph-trace/{seed}")
            problem = trace_problem(rng, 3)
            if form == "choice":
                problem = with_choices(problem, rng)
            if not problem.asked_spec.startswith("input "):
                continue
            graphs += 1
            shapes, params, joins = trace_by_hand(problem.asked_spec)
            layer_parts = [p for p in problem.parts if p.label.startswith("Layer ") and p.quantity == "output"]
            join_parts = [p for p in problem.parts if p.label.startswith("Join ")]
            assert [p.answer for p in layer_parts] == shapes
            assert [p.answer for p in join_parts] == joins
            assert problem.parts[-1].answer == sum(params)
            assert "from=NAME" in problem.text and "concat stacks" in problem.text
            for p in join_parts:
                for w in p.wrongs:  # concat-added: the widest operand's width kept
                    assert w.ids == ("concat-added",) and w.value[-1] < p.answer[-1]
    assert graphs >= 20


def test_a_graph_trace_sheet_shows_the_network_file_and_the_key_its_joins(tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: r\nsections:\n  - kind: network-trace\n    difficulty: 3\n    count: 12\n")
    result = CliRunner().invoke(
        cli, ["worksheet", str(recipe), "--seed", "3", "--format", "md", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    sheet, key = (tmp_path / "o" / "worksheet.md").read_text(), (tmp_path / "o" / "key.md").read_text()
    assert "input in=" in sheet and ("add " in sheet or "concat " in sheet)
    assert "Join " in key
