"""Spot the error: exactly one wrong step, and every later step recomputes from the numbers shown.

Each line of a flawed solution reads ``formula = substituted numbers = value``.  These tests evaluate
the substituted numbers themselves, and recompute the right formula for each line from the layer's
settings and the values shown in earlier lines, by hand-written formulas (not the code under test).
"""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction
from math import ceil, floor

import pytest

from quizgen import parse
from quizgen.problems.spot_error import SCENARIOS, spot_error_problem


def number(text: str) -> Fraction:
    """``1,234`` / ``111.5`` / ``217/3`` as an exact number."""
    text = text.strip()
    assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d+)?(/\d{1,3}(,\d{3})*)?", text), f"not a readable number: {text!r}"
    top, _, bottom = text.replace(",", "").partition("/")
    return Fraction(top) / Fraction(bottom or 1)


def evaluate(expression: str) -> Fraction:
    """Evaluate substituted working such as ``floor((55 - 3 + 2·0)/2) + 1`` or ``⌈27/2⌉ × 96``."""
    assert not re.search(r"[A-Za-z_]", expression.replace("floor", "")), f"symbols left in {expression!r}"
    text = expression.replace("⌈", "ceil(").replace("⌉", ")").replace("×", "*").replace("·", "*")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"\d+(\.\d+)?", lambda m: f"F('{m.group()}')", text)
    return eval(text, {"F": Fraction, "floor": floor, "ceil": ceil, "__builtins__": {}})  # noqa: S307


def split_working(working: str) -> tuple[str, str, str]:
    parts = working.split(" = ")
    assert len(parts) in (2, 3), working
    if len(parts) == 2:  # "weights = 18,432": the formula names one earlier value, shown as it is
        return parts[0], parts[1], parts[1]
    return parts[0], parts[1], parts[2]


def right_values(spec: str, shown: list[Fraction], count: str = "macs") -> list[Fraction]:
    """The right formula of each line, applied to the layer and to the values shown before it."""
    layer = parse(spec)
    n, k, s = layer.spatial[0], layer.kernel[0], layer.stride[0]
    p = layer.padding[0] if isinstance(layer.padding, tuple) else 0
    d = layer.dilation[0] if layer.dilation else 1
    c_in = layer.in_channels
    out_size = Fraction((n + 2 * p - d * (k - 1) - 1) // s + 1)
    if layer.is_pool:  # size, windows = C·o², comparisons = windows·(K² - 1), bytes = 4·o²·C
        return [out_size, c_in * shown[0] ** 2, shown[1] * (k * k - 1), 4 * shown[0] ** 2 * c_in]
    c_out, g = layer.out, layer.groups
    weights = Fraction(k * k * (c_in // g) * c_out)
    # size, weights = K²·(C_in/g)·C_out, params = weights + C_out, MACs = weights·o², FLOPs = 2·MACs
    # (with --count flops+bias and a bias: 2·MACs + C_out·o², one bias add per output element)
    flops = 2 * shown[3] + (c_out * shown[0] ** 2 if count == "flops+bias" and layer.bias else 0)
    return [out_size, weights, shown[1] + c_out, shown[1] * shown[0] ** 2, flops]


def audit(spec: str, lines: list[tuple[str, str]], step_answer: int, value_answer: object, count: str = "macs") -> int:
    """Check one flawed solution; return the number of the wrong step."""
    shown = []
    for _step, working in lines:
        _formula, substituted, value = split_working(working)
        assert evaluate(substituted) == number(value), working  # every line's numbers give its value
        shown.append(number(value))
    right = right_values(spec, shown, count)
    wrong = [i for i, (a, b) in enumerate(zip(shown, right)) if a != b]
    assert len(wrong) == 1, (spec, lines)  # exactly one step is wrong; the rest apply the right formula
    assert step_answer == wrong[0] + 1
    assert value_answer == right[wrong[0]]
    return wrong[0] + 1


def test_every_scenario_has_one_wrong_step_and_visible_carries():
    seen: set[tuple[int, tuple[str, ...]]] = set()
    for difficulty, scenarios in SCENARIOS.items():
        for seed in range(150):
            problem = spot_error_problem(random.Random(seed), difficulty, "macs")
            lines = problem.flawed_lines
            wrong = audit(problem.spec, list(problem.flawed), problem.parts[0].answer, problem.parts[1].answer)
            ids = next(w.ids for w in problem.parts[1].wrongs) if problem.parts[1].wrongs else ()
            seen.add((difficulty, tuple(ids)))
            assert [ln.status for ln in lines].count("wrong") == 1
            assert lines[wrong - 1].status == "wrong"
            for ln in lines:
                assert ln.working == f"{ln.formula} = {ln.substituted} = {ln.shown}" or ln.substituted == ln.shown
                # a line carries the error exactly when it uses a wrong line's value
                uses_bad = any(lines[u - 1].status != "right" for u in ln.uses)
                assert (ln.status == "carried") == (ln.number > wrong and uses_bad), ln
            # the key says which steps carry the error, and from where
            carried = {w.value: w.why for w in problem.parts[0].wrongs if w.ids == ("carried-error",)}
            assert set(carried) == {ln.number for ln in lines if ln.status == "carried"}
            for number_, why in carried.items():
                assert f"step {number_} applies the right formula" in why
            error_step = next(s for s in problem.steps if s.quantity == "step")
            assert "+" not in error_step.title.split(":")[0]  # the sentence, not "id + id"
            assert not any(ident in error_step.title for ident in ("pool-", "precedence", "no-floor"))
        wanted = {(difficulty, ids) for _family, ids in scenarios}
        assert {x for x in seen if x[0] == difficulty} >= {
            w
            for w in wanted
            if w[1] != ("no-floor",)  # no-floor's value is a fraction: not offered as a wrong
        }


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_spot_error_through_the_cli(run, tmp_path, difficulty):
    """--count flops+bias: the last step is FLOPs with bias adds, as the sheet's convention says."""
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"recipe: se\nsections:\n  - kind: spot-error\n    count: 3\n    difficulty: {difficulty}\n")
    out = tmp_path / "out"
    args = ["--variants", "10", "--count", "flops+bias", "--format", "json", "-o", str(out)]
    assert run("worksheet", str(recipe), *args).exit_code == 0
    for sheet in json.loads((out / "key.json").read_text())["keys"]:
        for problem in sheet["problems"]:
            lines = [(x["step"], x["working"]) for x in problem["flawed_solution"]]
            step, value = problem["parts"]
            audit(problem["spec"], lines, step["answer"], value["answer"], "flops+bias")
            if problem["spec"].startswith("conv") and "bias=true" in problem["spec"]:
                assert "FLOPs with bias adds = 2 × MACs plus one add per output element" in problem["text"]
                assert lines[-1][1].startswith("2 × MACs + C_out × H_out × W_out = ")
            for _step, working in lines:
                assert not re.search(r"(?<![.\d])\d{4,}", working), f"unseparated number in {working!r}"


def test_no_floor_chain_prints_readable_numbers():
    """The fraction is kept as a decimal and carried: o = (W - K + 2P)/2 + 1 ends in .5, and MACs = weights × o × o."""
    for seed in range(300):
        problem = spot_error_problem(random.Random(seed), 3, "macs")
        if problem.flawed_lines[0].status == "wrong" and "." in problem.flawed_lines[0].shown:
            break
    else:
        pytest.fail("no no-floor chain in 300 seeds")
    layer = parse(problem.spec)
    n, k, p, c_in, c_out = layer.spatial[0], layer.kernel[0], layer.padding[0], layer.in_channels, layer.out
    size = Fraction(n - k + 2 * p, 2) + 1  # e.g. (224 - 7 + 2·2)/2 + 1 = 111.5
    assert size.denominator == 2
    weights = k * k * c_in * c_out
    macs = weights * size * size  # whole: the weights are a multiple of 4 (C_out ≥ 32)
    size_text = f"{int(size):,}.5"
    expected = f"{weights:,} × {size_text} × {size_text} = {int(macs):,}"
    text = " ".join(w for _s, w in problem.flawed)
    assert f"= {size_text}" in problem.flawed[0][1]
    assert expected in text
    assert str(int(macs)) not in text.replace(",", "") or f"{int(macs):,}" in text
    assert not re.search(r"(?<![.\d])\d{4,}", text)


# --- a sheet passes over scenarios that cannot ask what its slot asks -------------------------------------------


@pytest.mark.parametrize("count", ["macs", "flops", "flops+bias"])
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_each_misconception_changes_the_line_its_table_names(difficulty, count):
    """``flawed_chain.CHANGES`` names the one line each misconception changes; a sheet looking for a slot's shape
    passes over the scenarios of other lines without working them out, so it must be right for every scenario."""
    from quizgen.problems import flawed_chain
    from quizgen.problems.spot_error import _scenario, _scenario_spec

    rng = random.Random(f"changes/{difficulty}/{count}")
    seen = set()
    for family, ids in SCENARIOS[difficulty]:
        assert len({flawed_chain.CHANGES[i] for i in ids}) == 1, ids  # a scenario's misconceptions change one line
        for _n in range(150):
            scenario = _scenario(_scenario_spec(rng, family, difficulty), ids, count)
            if scenario is not None:
                _layer, _wrong_at, asks = scenario
                assert asks == ("step", flawed_chain.CHANGES[ids[0]]), (family, ids, asks)
                seen.add(ids)
    assert seen == {ids for _family, ids in SCENARIOS[difficulty]}  # every scenario was tried


def test_passing_over_scenarios_draws_the_same_sheet(tmp_path, monkeypatch):
    """The drafter told the quantities wanted draws the sheet that drafts turned down one by one would draw."""
    from quizgen.problems import registry
    from quizgen.problems.bank import load_recipe
    from quizgen.problems.sheet import build_sheet

    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "recipe: passed-over\nsections:\n"
        + "".join(f"  - kind: spot-error\n    count: 12\n    difficulty: {d}\n" for d in (1, 2, 3)),
        encoding="utf-8",
    )
    loaded = load_recipe(str(recipe))
    passing = [build_sheet(loaded, seed) for seed in (1, 2, 3)]
    kind = registry.REGISTRY["spot-error"]
    assert kind.drafts_wanted
    monkeypatch.setitem(registry.REGISTRY, "spot-error", kind._replace(drafts_wanted=False))
    assert [build_sheet(loaded, seed) for seed in (1, 2, 3)] == passing
