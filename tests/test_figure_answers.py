"""No question-side figure answers its question: a student cannot count the output size off the picture.

A grid draws the window at some positions; along an axis whose output has n cells, drawing n positions
(the first and the last) *is* the answer.  So along every axis of the layer the number of distinct window
positions drawn must be smaller than the output's size along it.  The positions are read from the SVG
itself (each ``fp-at`` group is one position; its top-left cell gives its row and column), and the output
size is worked out here from the shown spec with the output-size formula, floor((n + 2p - d·(k-1) - 1)/s) + 1.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
GRID_KINDS = ["output-conv", "output-pool", "output-dilated", "pool-ops", "macs-conv", "memory", "spot-error"]


def positions(svg: str) -> tuple[int, int]:
    """(rows, columns): how many distinct window positions the figure draws along each axis."""
    root = ET.fromstring(svg)
    starts = []
    for g in root.iter(f"{SVG}g"):
        if "fp-at" in g.get("class", "").split():
            rects = list(g.iter(f"{SVG}rect"))
            starts.append((min(float(r.get("y")) for r in rects), min(float(r.get("x")) for r in rects)))
    return len({y for y, _x in starts}), len({x for _y, x in starts})


def _per_axis(value: str, ndim: int) -> list[int]:
    parts = [int(v) for v in re.split(r"[x×]", value)]
    return parts * ndim if len(parts) == 1 else parts


def output_size(spec: str) -> list[int]:
    """The output's spatial sizes of a shown conv or pooling spec, by the formula (PyTorch's rule).

    ``p=same`` keeps the size at stride 1 and gives ceil(n/s) otherwise (TensorFlow's rule); ``ceil=true``
    rounds up, minus one where the last window would start in the right padding.
    """
    fields = dict(f.split("=", 1) for f in spec.split()[1:])
    name = spec.split()[0]
    ndim = int(re.search(r"(\d)d", name).group(1))
    n = [int(v) for v in fields["in"].split("x")[:ndim]]
    k = _per_axis(fields["k"], ndim)
    pool = "pool" in name
    s = _per_axis(fields["s"], ndim) if "s" in fields else (k if pool else [1] * ndim)
    d = _per_axis(fields.get("d", "1"), ndim)
    if fields.get("p") == "same":
        return [-(-a // b) for a, b in zip(n, s)]
    p = _per_axis(fields.get("p", "0"), ndim)
    out = []
    for a, kk, ss, dd, pp in zip(n, k, s, d, p):
        span = a + 2 * pp - dd * (kk - 1) - 1
        o = span // ss + 1
        if fields.get("ceil") == "true":
            o = -(-span // ss) + 1
            if (o - 1) * ss >= a + pp:
                o -= 1
        out.append(o)
    return out


def check(svg: str, spec: str) -> int:
    """Assert the figure draws fewer positions than the output has cells on each axis; 1 if it is a grid."""
    rows, cols = positions(svg)
    if rows == cols == 0:
        return 0
    out = output_size(spec)
    assert cols < out[-1], (spec, "columns", cols, out)
    if len(out) >= 2:
        assert rows < out[-2], (spec, "rows", rows, out)
    return 1


def test_the_reported_sheet_no_longer_shows_its_answers(run, tmp_path):
    # problem 2: conv2d in=7x7 k=5 s=2: floor((7 - 5)/2) + 1 = 2 wide: two positions drawn were the answer;
    # problem 6: maxpool2d in=4x4 k=3 s=1: (4 - 3)/1 + 1 = 2, likewise
    args = ["--kind", "output-conv", "--kind", "output-pool", "--kind", "pool-ops", "--problems", "9"]
    r = run("worksheet", *args, "--difficulty", "2", "--seed", "2", "--format", "html", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    html = (tmp_path / "worksheet.html").read_text(encoding="utf-8")
    problems = re.findall(r'<article class="problem".*?</article>', html, re.S)
    assert len(problems) == 9
    for number in (2, 6):
        spec = re.search(r'<pre class="spec">(.*?)</pre>', problems[number - 1]).group(1)
        assert output_size(spec)[-1] == 2, spec
    grids = 0
    for article in problems:
        spec = re.search(r'<pre class="spec">(.*?)</pre>', article).group(1)
        for svg in re.findall(r"<svg .*?</svg>", article, re.S):
            grids += check(svg, spec)
    assert grids >= 2  # problems 5 and 9 (13×13 and 7×7 with s=2 p=1: 7 and 4 wide) keep their grids


def test_a_thousand_sheets_never_draw_all_the_windows_along_an_axis():
    """1,000 sheets of the kinds with a question-side figure, at every difficulty: every figure read back."""
    from quizgen.problems.quick import quick_recipe
    from quizgen.problems.sheet import build_sheet
    from quizgen.render.figures_for import figure_for

    grids = two_positions = figures = 0
    recipes = [quick_recipe(GRID_KINDS, problems=7, difficulty=d) for d in (1, 2, 3)]
    for seed in range(1000):
        sheet = build_sheet(recipes[seed % 3], seed)
        for _title, problems in sheet.sections:
            for p in problems:
                svg = figure_for(p, answer=False)
                if svg is None:
                    continue
                figures += 1
                grids += check(svg, p.shown_spec.splitlines()[0])
                two_positions += positions(svg)[1] == 2
    assert figures > 5000 and grids > 300, (figures, grids)
    assert two_positions > 100  # the next position is still drawn where it gives nothing away


def test_the_figure_model_agrees_with_its_svg_on_the_positions():
    """The rule is made in the model (:func:`quizgen.figures.model.grid`); the SVG draws what it says."""
    from quizgen.arith.spec import parse
    from quizgen.figures import model, svg_for_layer

    rng = random.Random(7)
    seen = 0
    for _ in range(300):
        n, k, s = rng.randint(3, 14), rng.randint(1, 5), rng.randint(1, 3)
        p = rng.randint(0, k // 2)
        if n + 2 * p < k:
            continue
        spec = f"conv2d in={n}x{n + rng.randint(0, 3)}x1 out=1 k={k} s={s} p={p}"
        layer = parse(spec)
        fig = model.grid(layer, answer=False)
        svg = svg_for_layer(layer, answer=False, paper=True)
        assert svg is not None
        if fig is None or not model.hides_the_answer(fig):
            assert positions(svg) == (0, 0), spec  # a block diagram: no window drawn
            continue
        seen += 1
        assert positions(svg) == model.positions_along(fig), spec
        check(svg, spec)
    assert seen > 100
