"""The self-audit: every kind at every difficulty, under every compute convention and in both answer forms,
over many seeds, recomputed independently of the code that made it (tests/audit_calc.py).

It checks that every answer is right, that every distractor and every known wrong answer is a value its
named misconceptions produce, that explanations only name numbers the layer has, that choices are honest.

``QUIZGEN_AUDIT_SEEDS`` sets the number of seeds (default 40, about 12,000 problems; the closing note of the
trust issue reports a run with 300).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import tempfile
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import audit_calc as A
import pytest
import test_block_kinds as B
from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.problems import kinds
from quizgen.problems.problem import with_choices

SEEDS = int(os.environ.get("QUIZGEN_AUDIT_SEEDS", "40"))
COUNTS = ("macs", "flops", "flops+bias")
LAYER_QUANTITIES = {
    "output",
    "params",
    "weights",
    "bias",
    "macs",
    "flops",
    "flops+bias",
    "windows",
    "comparisons",
    "additions",
    "divisions",
    "output_bytes",
    "params_bytes",
}
COUNT_DEPENDENT = {"macs", "flops", "flops+bias"}

pytestmark = pytest.mark.slow


def _problems_from_the_library() -> list[tuple[str, int, str, int, object]]:
    out = []
    for kind_id in sorted(kinds.REGISTRY):
        kind = kinds.get(kind_id)
        for difficulty in (1, 2, 3):
            for count in COUNTS:
                for seed in range(SEEDS):
                    rng = random.Random(f"audit/{kind_id}/{difficulty}/{count}/{seed}")
                    problem = kind.sample(rng, difficulty, count)
                    out.append((kind_id, difficulty, count, seed, problem))
                    out.append((kind_id, difficulty, count, seed, with_choices(problem, rng)))
    return out


def _as_value(v):
    return tuple(v) if isinstance(v, list) else v


def _problems_through_the_cli() -> list[tuple[str, int, str, int, object]]:
    """What a teacher gets: ``quizgen worksheet RECIPE --variants N --count C --format json``, read back from key.json."""
    lines = ["recipe: audit", "sections:"]
    for kind_id in sorted(kinds.REGISTRY):
        for difficulty in (1, 2, 3):
            for form in ("numeric", "choice"):
                lines += [f"  - kind: {kind_id}", f"    difficulty: {difficulty}", f"    form: {form}"]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        recipe = Path(tmp) / "audit.yaml"
        recipe.write_text("\n".join(lines) + "\n")
        for count in COUNTS:
            folder = Path(tmp) / count.replace("+", "-")
            args = [str(recipe), "--variants", str(max(2, SEEDS // 8)), "--count", count, "--format", "json"]
            result = CliRunner().invoke(cli, ["worksheet", *args, "-o", str(folder)], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            for sheet_number, sheet in enumerate(json.loads((folder / "key.json").read_text())["keys"]):
                for p in sheet["problems"]:
                    parts = tuple(
                        SimpleNamespace(
                            label=part["label"],
                            quantity=part["quantity"],
                            answer=_as_value(part["answer"]),
                            wrongs=tuple(
                                SimpleNamespace(
                                    value=_as_value(w["value"]), ids=tuple(w["misconceptions"]), why=w["why"]
                                )
                                for w in part["wrong_answers"]
                            ),
                            choices=tuple(
                                SimpleNamespace(
                                    letter=c["letter"], value=_as_value(c["value"]), correct=c["correct"], why=c["why"]
                                )
                                for c in part.get("choices", [])
                            ),
                        )
                        for part in p["parts"]
                    )
                    problem = SimpleNamespace(
                        kind=p["kind"],
                        form=p["form"],
                        text=p["text"],
                        spec=p["spec"],
                        parts=parts,
                        flawed=tuple((f["step"], f["working"]) for f in p["flawed_solution"]),
                        steps=tuple(
                            SimpleNamespace(**{k: st[k] for k in ("title", "substituted", "result", "quantity")})
                            for st in p["steps"]
                        ),
                    )
                    out.append((p["kind"], p["difficulty"], count, sheet_number, problem))
    return out


@cache
def generated() -> list[tuple[str, int, str, int, object]]:
    """(kind, difficulty, count, seed, problem): every kind, level and convention, numeric and multiple choice,
    drawn from the library over SEEDS seeds, and again as a teacher gets them through the CLI's key.json."""
    return _problems_from_the_library() + _problems_through_the_cli()


def _where(kind_id, difficulty, count, seed, problem) -> str:
    return f"{kind_id} d{difficulty} --count {count} seed {seed} ({problem.form}): {problem.spec!r}"


def _single_layer(problem) -> bool:
    return bool(problem.spec) and "\n" not in problem.spec and problem.kind not in ("params-separable", "spot-error")


# --- answers ------------------------------------------------------------------------------------------


def _rf(stack_spec: str) -> int:
    """Receptive field along one side: r += (k_eff - 1)·j; j *= s, over the layers with a kernel."""
    r, j = 1, 1
    for line in stack_spec.splitlines():
        lay = A.parse(line)
        if not lay.k:
            continue
        keff = lay.keff[0]
        r += (keff - 1) * j
        j *= lay.s[0]
    return r


def _separable_answers(problem, count: str) -> list:
    std = A.parse(problem.spec)
    m, n, k, size = std.cin, std.out, std.k[0], std.spatial[0]
    dw = A.parse(f"conv2d in={size}x{size}x{m} out={m} k={k} p={k // 2} g={m} bias=false")
    pw = A.parse(f"conv2d in={size}x{size}x{m} out={n} k=1 bias=false")
    answers = [k * k * m * n, k * k * m + m * n]
    for part in problem.parts[2:]:
        q = part.quantity
        answers.append(A.right(std, q) if len(answers) == 2 else A.right(dw, q) + A.right(pw, q))
    return answers


def _inverse_ok(problem, part) -> str | None:
    """The answer reproduces the stated output, and no other value of that key does."""
    lay = A.parse(problem.spec)
    key = part.quantity
    if key in ("pad_before", "pad_after"):
        before, after = A.pads(lay)[0]
        want = before if key == "pad_before" else after
        return None if part.answer == want else f"{key}: {part.answer} != TensorFlow's {want}"
    target = A.out_spatial(lay)
    given = lay.raw[key].split("x")[0]
    if str(part.answer) != given:
        return f"answer {part.answer} is not the layer's {key}={given}"
    odd_only = key == "k" and "odd" in problem.text
    for other in range(1, max(lay.spatial) * 2 + 8):
        if other == part.answer or (odd_only and other % 2 == 0):
            continue
        raw = dict(lay.raw, **{key: str(other)})
        alt = A.parse(lay.name + " " + " ".join(f"{a}={b}" for a, b in raw.items()))
        spans = [n + pb + pa - ke for n, (pb, pa), ke in zip(alt.spatial, A.pads(alt), alt.keff)]
        if key == "p" or any(sp < 0 for sp in spans):
            continue
        if A.out_spatial(alt) == target:
            return f"{key}={other} gives the same output {target}: the answer is not unique"
    return None


def test_every_answer_recomputes_independently():
    failures = []
    for kind_id, difficulty, count, seed, problem in generated():
        where = _where(kind_id, difficulty, count, seed, problem)
        if _single_layer(problem) and kind_id not in ("inverse-padding", "inverse-stride", "inverse-kernel"):
            lay = A.parse(problem.spec)
            for part in problem.parts:
                if part.quantity in LAYER_QUANTITIES:
                    want = A.right(lay, part.quantity)
                    if part.answer != want:
                        failures.append(f"{where}: {part.quantity} = {part.answer}, recomputed {want}")
        elif kind_id == "params-separable":
            for part, want in zip(problem.parts, _separable_answers(problem, count)):
                if part.answer != want:
                    failures.append(f"{where}: {part.label} = {part.answer}, recomputed {want}")
        elif kind_id.startswith("inverse-"):
            for part in problem.parts:
                if (why := _inverse_ok(problem, part)) is not None:
                    failures.append(f"{where}: {why}")
        elif kind_id in B.NEW:  # the block kinds: closed forms written in tests/test_block_kinds.py
            want = B.reference(problem, count)["answers"]
            if not {p.answer for p in problem.parts} <= set(want):
                failures.append(f"{where}: answers {[p.answer for p in problem.parts]}, recomputed {want}")
        elif kind_id == "receptive-field":
            if problem.parts[0].answer != _rf(problem.spec):
                failures.append(f"{where}: receptive field {problem.parts[0].answer}, recomputed {_rf(problem.spec)}")
        elif kind_id == "network-trace":
            lines = problem.spec.splitlines()
            outputs = [A.output_shape(A.parse(line)) for line in lines]
            params = [A.params(A.parse(line)) for line in lines]
            got_outputs = [
                p.answer for p in problem.parts if p.quantity == "output" and re.match(r"Layer \d+\. ", p.label)
            ]
            got_total = problem.parts[-1].answer
            if got_outputs != outputs:
                failures.append(f"{where}: shapes {got_outputs}, recomputed {outputs}")
            if got_total != sum(params):
                failures.append(f"{where}: total params {got_total}, recomputed {sum(params)}")
        # A compute part is asked in the sheet's convention.
        for part in problem.parts:
            compute_kind = kind_id in ("macs-conv", "macs-linear", "params-separable", *B.NEW)
            if compute_kind and part.quantity in COUNT_DEPENDENT and part.quantity != count:
                failures.append(f"{where}: asks {part.quantity} on a --count {count} sheet")
    assert not failures, f"{len(failures)} wrong answers, e.g.\n" + "\n".join(failures[:20])


def _chain(text: str, unknown: str, value: int) -> bool:
    """An inequality chain of the worked steps (``13·S ≤ 27 < 14·S``) evaluated with the unknown set to ``value``."""
    expr = text.replace("·", "*").replace("≤", "<=").replace(unknown, f"({value})")
    assert re.fullmatch(r"[0-9+\-*/()<= ]+", expr), expr  # plain arithmetic only
    return bool(eval(expr))  # noqa: S307 - digits and operators only, checked above


def _inverse_steps_ok(problem, part) -> str | None:
    """Every step that finds S or K is arithmetic a student can redo, and it picks the answer.

    An equation step ("(28 - 4 + 2·2)/(14 - 1) = 28/13" giving 2) must evaluate to its result. A range step
    ("13·S ≤ 27 < 14·S") must hold for the answer, its substituted and result forms must allow the same values,
    and the values it allows, less those the question rules out (an even K where it asks for an odd one), must be
    the answer alone. A listed range ("K is one of 11, 12") must be that range, and decimals given for a bound
    ("27/14 ≈ 1.93") must be that bound to the places written.
    """
    key = part.quantity
    unknown = key.upper()
    odd_only = key == "k" and "odd" in problem.text
    steps = [st for st in problem.steps if st.quantity == key]
    if not steps:
        return "no worked step finds the unknown"
    allowed: set[int] | None = None
    for st in steps:
        first = st.substituted.split(";")[0]
        if "<" in first or "≤" in first:
            fits = {v for v in range(1, 400) if _chain(first, unknown, v)}
            if unknown in st.result:
                if fits != {v for v in range(1, 400) if _chain(st.result, unknown, v)}:
                    return f"{st.substituted!r} and {st.result!r} allow different values"
            elif {int(st.result)} != fits:
                return f"{st.substituted!r} allows {sorted(fits)}, the step gives {st.result}"
            allowed = fits if allowed is None else allowed & fits
            for frac, places in re.findall(r"(\d+/\d+) ≈ (\d+\.\d+)", st.substituted):
                top, bottom = map(int, frac.split("/"))
                digits = len(places.split(".")[1])
                if round(top / bottom, digits) != float(places):
                    return f"{frac} is not ≈ {places}"
        elif "one of" in st.substituted:
            listed = {int(x) for x in re.findall(r"\d+", st.substituted)}
            if allowed is None or listed != allowed:
                return f"{st.substituted!r} lists {sorted(listed)}, the range allows {sorted(allowed or ())}"
            if st.result != str(part.answer):
                return f"{st.title}: result {st.result} is not the answer {part.answer}"
        else:
            left, _eq, right = st.substituted.partition(" = ")
            value = eval(left.replace("·", "*"))  # noqa: S307 - the sampler's own digits and operators
            if right and Fraction(eval(right.replace("·", "*"))) != Fraction(value):  # noqa: S307
                return f"{st.substituted!r}: the two sides differ"
            if Fraction(value) != int(st.result):
                return f"{st.substituted!r} = {Fraction(value)}, not {st.result}"
    if allowed is not None:
        picked = {v for v in allowed if not (odd_only and v % 2 == 0)}
        if picked != {part.answer}:
            return f"the steps allow {sorted(picked)}, not the answer {part.answer} alone"
    if steps[-1].result != str(part.answer):
        return f"the last step gives {steps[-1].result}, not the answer {part.answer}"
    return None


def test_every_inverse_step_is_arithmetic_that_recomputes():
    """Issue 21 A: a step that held only for an exact division (``56 + 2·3 - (26 - 1)·2 = 11``; it is 12)."""
    failures = []
    checked = 0
    for kind_id, difficulty, count, seed, problem in generated():
        if kind_id not in ("inverse-stride", "inverse-kernel"):
            continue
        for part in problem.parts:
            checked += 1
            if (why := _inverse_steps_ok(problem, part)) is not None:
                failures.append(f"{_where(kind_id, difficulty, count, seed, problem)}: {why}")
    assert checked > 100
    assert not failures, f"{len(failures)} false steps, e.g.\n" + "\n".join(failures[:20])


def test_every_distractor_is_an_answer_the_question_allows():
    """Issue 21 D: "What odd kernel size K" offered even kernels; a size, stride or kernel is a whole number > 0."""
    failures = []
    for kind_id, difficulty, count, seed, problem in generated():
        for part in problem.parts:
            for option in [c.value for c in part.choices if not c.correct] + [w.value for w in part.wrongs]:
                where = f"{_where(kind_id, difficulty, count, seed, problem)}: {part.label}: {option}"
                if part.quantity == "k" and "odd" in problem.text and isinstance(option, int) and option % 2 == 0:
                    failures.append(f"{where} is even, and the question asks for an odd K")
                if part.quantity in ("k", "s", "p") and not (isinstance(option, int) and option >= 0):
                    failures.append(f"{where} is no size the question allows")
    assert not failures, f"{len(failures)} ruled-out distractors, e.g.\n" + "\n".join(failures[:20])


# --- distractors and known wrong answers ---------------------------------------------------------------


def test_every_choice_is_honest():
    """One right option equal to the answer; 3 or 4 distinct options; every wrong option is a known wrong answer."""
    failures = []
    for kind_id, difficulty, count, seed, problem in generated():
        if problem.form != "choice":
            continue
        where = _where(kind_id, difficulty, count, seed, problem)
        for part in problem.parts:
            if not part.choices:
                continue
            values = [c.value for c in part.choices]
            right = [c for c in part.choices if c.correct]
            known = {w.value: w for w in part.wrongs}
            if len(right) != 1 or right[0].value != part.answer:
                failures.append(f"{where}: {part.label}: the right option is not the answer {part.answer}")
            if len(set(values)) != len(values):
                failures.append(f"{where}: {part.label}: repeated options {values}")
            if len(values) not in (3, 4):
                failures.append(f"{where}: {part.label}: {len(values)} options")
            if [c.letter for c in part.choices] != list("ABCD"[: len(values)]):
                failures.append(f"{where}: {part.label}: letters {[c.letter for c in part.choices]}")
            for c in part.choices:
                if not c.correct and c.value not in known:
                    failures.append(f"{where}: {part.label}: option {c.value} is no known wrong answer (filler)")
    assert not failures, f"{len(failures)} dishonest choices, e.g.\n" + "\n".join(failures[:20])


def test_every_layer_distractor_is_what_its_misconceptions_produce():
    """Recompute each wrong value from its named misconception ids with the independent calculator."""
    failures, checked = [], 0
    for kind_id, difficulty, count, seed, problem in generated():
        if problem.form != "numeric":
            continue
        where = _where(kind_id, difficulty, count, seed, problem)
        if kind_id in B.NEW:  # a block's wrong values, by the closed forms of tests/test_block_kinds.py
            wrong = B.reference(problem, count)["wrong"]
            for part in problem.parts:
                for w in part.wrongs:
                    checked += 1
                    key = w.ids[0] if len(w.ids) == 1 else w.ids
                    single = kind_id == "bottleneck-savings" and "3×3 conv" in part.label
                    if not single and (w.value == part.answer or w.value not in wrong.get(key, set())):
                        failures.append(f"{where}: {part.label}: {w.value} is not what {w.ids} produce")
            continue
        if _single_layer(problem) and not kind_id.startswith("inverse-"):
            layers = [(A.parse(problem.spec), problem.parts)]
        elif kind_id == "network-trace":
            lines = problem.spec.splitlines()
            per_layer = [
                p for p in problem.parts if p.label != problem.parts[-1].label and p.label.startswith("Layer ")
            ]
            layers = []
            for i, line in enumerate(lines, start=1):
                prefix = f"{i}. "
                layers.append((A.parse(line), [p for p in per_layer if prefix in p.label]))
        else:
            continue
        for lay, parts in layers:
            for part in parts:
                if part.quantity not in LAYER_QUANTITIES:
                    continue
                for w in part.wrongs:
                    if w.value == part.answer:
                        failures.append(f"{where}: {part.quantity}: the wrong answer {w.value} is the answer")
                    if "slip" in w.ids or not w.ids:
                        failures.append(f"{where}: {part.quantity}: {w.value} has no named misconception {w.ids}")
                        continue
                    if "source-claim" in w.ids:
                        continue
                    try:
                        values = A.roundings(A.wrong(lay, part.quantity, w.ids))
                    except A.Unknown as exc:
                        failures.append(f"{where}: the audit has no rule for {exc}")
                        continue
                    checked += 1
                    if w.value not in values:
                        failures.append(
                            f"{where}: {part.quantity}: {w.value} is not what {w.ids} produce "
                            f"({sorted(map(str, values))[:6]})"
                        )
    assert checked > 1000, f"only {checked} distractors were recomputed"
    assert not failures, f"{len(failures)} distractors not produced by their misconceptions, e.g.\n" + "\n".join(
        failures[:20]
    )


# --- explanations name only numbers the layer has --------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _layer_numbers(lay: A.Lay) -> set[int]:
    numbers = {0, 1, 2, 4, 8, 32}  # 8 bits a byte, 32 bits an fp32 value: facts, true for every layer
    numbers |= set(lay.spatial) | set(A.out_spatial(lay)) | {lay.cin, lay.g, lay.cin // max(lay.g, 1)}
    numbers |= set(lay.k) | set(lay.s) | set(lay.d) | set(lay.keff) | set(lay.size) | set(lay.op)
    if isinstance(lay.p, tuple):
        numbers |= set(lay.p)
    numbers |= {x for pair in (A.pads(lay) if lay.k else []) for x in pair}
    if lay.out is not None:
        numbers |= {lay.out, lay.out // max(lay.g, 1)}
    numbers |= {math.prod(lay.k)} if lay.k else set()
    return numbers


def test_explanations_name_only_numbers_of_their_layer():
    """A sentence that names "the 96 biases" or "C_in/g = 4" must be about this layer's 96 and 4."""
    failures = []
    for kind_id, difficulty, count, seed, problem in generated():
        if problem.form != "numeric" or not _single_layer(problem) or kind_id.startswith("inverse-"):
            continue
        lay = A.parse(problem.spec)
        allowed = _layer_numbers(lay)
        for part in problem.parts:
            for w in part.wrongs:
                if "source-claim" in w.ids:
                    continue
                for token in _NUMBER.findall(w.why):
                    value = float(token.replace(",", ""))
                    if value not in allowed:
                        failures.append(
                            f"{_where(kind_id, difficulty, count, seed, problem)}: "
                            f"'{w.why}' names {token}, which this layer does not have"
                        )
    assert not failures, f"{len(failures)} explanations name foreign numbers, e.g.\n" + "\n".join(failures[:20])


# --- spot the error: one wrong step, carries visible --------------------------------------------------


def test_every_spot_error_has_one_wrong_step_and_lines_that_recompute():
    """tests/test_spot_error.py's checker (it evaluates each line's numbers and re-derives the right formulas
    by hand) over every generated spot-error problem: all levels, conventions, forms and seeds."""
    from test_spot_error import audit as audit_flawed

    checked = 0
    for kind_id, difficulty, count, seed, problem in generated():
        if kind_id != "spot-error":
            continue
        where = _where(kind_id, difficulty, count, seed, problem)
        step_part, value_part = problem.parts
        try:
            wrong = audit_flawed(problem.spec, list(problem.flawed), step_part.answer, value_part.answer, count)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from None
        carried = {w.value for w in step_part.wrongs if w.ids == ("carried-error",)}
        assert all(v > wrong for v in carried), f"{where}: a step before the error is called a carry"
        checked += 1
    assert checked >= SEEDS * 9


# --- every convention a problem depends on is stated ---------------------------------------------------


def _required_conventions(problem, count: str) -> list[str]:
    """The sentences this problem must state, decided here from the layer and the asked quantities."""
    from quizgen.i18n import _

    lay = A.parse(problem.spec)
    asked = {part.quantity for part in problem.parts}
    compute = asked & COUNT_DEPENDENT
    needed = [_(kinds.CONVENTION_TEXT[q]) for q in sorted(compute)]
    if lay.family == "convtranspose" and compute:
        needed.append(_(kinds.TRANSPOSED_MACS_TEXT))
    if "flops+bias" in asked and lay.family in ("conv", "convtranspose", "linear") and not lay.bias:
        needed.append(_(kinds.NO_BIAS_ADDS_TEXT))
    window_content = asked & {"comparisons", "additions"}
    if lay.family in ("maxpool", "avgpool") and window_content:
        padded = any(pb or pa for pb, pa in A.pads(lay))
        if padded or lay.ceil:
            k = " × ".join(map(str, lay.k))
            which = "both" if padded and lay.ceil else "padding" if padded else "ceil"
            needed.append(_(kinds.PADDED_WINDOW_TEXT[which]).format(k=k))
    if lay.family.startswith("adaptive") and window_content and any(n % m for n, m in zip(lay.spatial, lay.size)):
        needed.append(_(kinds.ADAPTIVE_TEXT))
    if lay.ceil and asked & {"output", "windows", "comparisons", "additions", "divisions", "output_bytes"}:
        needed.append(_(kinds.CEIL_TEXT))
    return needed


def test_every_convention_a_problem_depends_on_is_stated_in_its_text():
    failures, stated = [], 0
    for kind_id, difficulty, count, seed, problem in generated():
        if problem.form != "numeric" or not _single_layer(problem) or kind_id.startswith("inverse-"):
            continue
        for sentence in _required_conventions(problem, count):
            stated += 1
            if sentence not in problem.text:
                failures.append(f"{_where(kind_id, difficulty, count, seed, problem)}: does not state {sentence!r}")
    assert stated > 10 * SEEDS, f"only {stated} conventions were required: the audit is not looking"
    assert not failures, f"{len(failures)} unstated conventions, e.g.\n" + "\n".join(failures[:20])
