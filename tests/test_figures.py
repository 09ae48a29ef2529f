"""Figures: ``quizgen draw`` and the terminal grid, checked against hand-computed sizes.

Every expected size below is worked out by hand in the table (the output-size formula
floor((i + 2p - d·(k-1) - 1)/s) + 1, and for a transposed conv the stretched input
i + (i-1)(s-1) with d·(k-1) - p cells of implicit padding each side, plus op), never
taken from the code under test.  The cases are those of Dumoulin and Visin's guide
(arXiv 1603.07285).
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

SVG = "{http://www.w3.org/2000/svg}"

# (golden name, spec, padded/stretched side drawn, input cells, padding cells, inserted zeros, output side)
# direct: drawn = i + 2p;  transposed: stretched = i + (i-1)(s-1), drawn = stretched + 2(d(k-1) - p) + op
GRIDS = [
    # no padding, unit strides: (4 - 3)/1 + 1 = 2
    ("conv-i4-k3", "conv2d in=4x4x1 out=1 k=3", 4, 16, 0, 0, 2),
    # arbitrary padding: (5 + 4 - 4)/1 + 1 = 6
    ("conv-i5-k4-p2", "conv2d in=5x5x1 out=1 k=4 p=2", 9, 25, 81 - 25, 0, 6),
    # half padding: (5 + 2 - 3)/1 + 1 = 5
    ("conv-i5-k3-p1", "conv2d in=5x5x1 out=1 k=3 p=1", 7, 25, 49 - 25, 0, 5),
    # full padding: (5 + 4 - 3)/1 + 1 = 7
    ("conv-i5-k3-p2", "conv2d in=5x5x1 out=1 k=3 p=2", 9, 25, 81 - 25, 0, 7),
    # strides: floor((5 - 3)/2) + 1 = 2
    ("conv-i5-k3-s2", "conv2d in=5x5x1 out=1 k=3 s=2", 5, 25, 0, 0, 2),
    # padding and strides: floor((5 + 2 - 3)/2) + 1 = 3
    ("conv-i5-k3-s2-p1", "conv2d in=5x5x1 out=1 k=3 s=2 p=1", 7, 25, 49 - 25, 0, 3),
    # the odd case: floor((6 + 2 - 3)/2) + 1 = 3 (the last padding row and column are never read)
    ("conv-i6-k3-s2-p1", "conv2d in=6x6x1 out=1 k=3 s=2 p=1", 8, 36, 64 - 36, 0, 3),
    # dilation: effective kernel 2·(3-1)+1 = 5, (7 - 5)/1 + 1 = 3
    ("conv-i7-k3-d2", "conv2d in=7x7x1 out=1 k=3 d=2", 7, 49, 0, 0, 3),
    # transposed of each: input = the direct conv's output, output = the direct conv's input
    # i=2, k=3: stretched 2, implicit 3-0-1 = 2 each side → 6; out (2-1)·1 - 0 + 2 + 1 = 4
    ("convt-i2-k3", "convtranspose2d in=2x2x1 out=1 k=3", 6, 4, 36 - 4, 0, 4),
    # i=6, k=4, p=2: implicit 4-2-1 = 1 → 8; out 5 - 4 + 3 + 1 = 5
    ("convt-i6-k4-p2", "convtranspose2d in=6x6x1 out=1 k=4 p=2", 8, 36, 64 - 36, 0, 5),
    # i=5, k=3, p=1: implicit 1 → 7; out 4 - 2 + 2 + 1 = 5
    ("convt-i5-k3-p1", "convtranspose2d in=5x5x1 out=1 k=3 p=1", 7, 25, 49 - 25, 0, 5),
    # i=7, k=3, p=2: implicit 0 → 7; out 6 - 4 + 2 + 1 = 5
    ("convt-i7-k3-p2", "convtranspose2d in=7x7x1 out=1 k=3 p=2", 7, 49, 0, 0, 5),
    # i=2, k=3, s=2: stretched 2 + 1 = 3, implicit 2 → 7; out 2 + 2 + 1 = 5
    ("convt-i2-k3-s2", "convtranspose2d in=2x2x1 out=1 k=3 s=2", 7, 4, 49 - 9, 9 - 4, 5),
    # i=3, k=3, s=2, p=1: stretched 5, implicit 1 → 7; out 4 - 2 + 2 + 1 = 5
    ("convt-i3-k3-s2-p1", "convtranspose2d in=3x3x1 out=1 k=3 s=2 p=1", 7, 9, 49 - 25, 25 - 9, 5),
    # same with op=1 (the transpose of i=6): 7 + 1 = 8 drawn; out 5 + 1 = 6
    ("convt-i3-k3-s2-p1-op1", "convtranspose2d in=3x3x1 out=1 k=3 s=2 p=1 op=1", 8, 9, 64 - 25, 25 - 9, 6),
    # i=3, k=3, d=2: implicit 2·2 - 0 = 4 each side → 11; out 2 + 4 + 1 = 7
    ("convt-i3-k3-d2", "convtranspose2d in=3x3x1 out=1 k=3 d=2", 11, 9, 121 - 9, 0, 7),
    # max-pool: (5 - 3)/1 + 1 = 3
    ("maxpool-i5-k3-s1", "maxpool2d in=5x5x1 k=3 s=1", 5, 25, 0, 0, 3),
]
OTHERS = [
    ("alexnet-conv1", ["conv2d in=227x227x3 out=96 k=11 s=4"]),
    ("lenet5", ["--network", "lenet5"]),
    ("lenet5-receptive-field", ["--network", "lenet5", "--receptive-field"]),
    ("vgg16-receptive-field", ["--network", "vgg16", "--receptive-field"]),
    ("conv-i5-k3-s2-p1-student", ["conv2d in=5x5x1 out=1 k=3 s=2 p=1", "--no-answer"]),
    ("maxpool-i5-k3-s1-animated", ["maxpool2d in=5x5x1 k=3 s=1", "--animate"]),
]
ALL = [(name, [spec]) for name, spec, *_ in GRIDS] + OTHERS


def _classes(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def _cells(root: ET.Element, *wanted: str) -> list[ET.Element]:
    """The figure's rects with all of these classes (the legend's samples, class ``key``, left out)."""
    return [el for el in root.iter(f"{SVG}rect") if set(wanted) <= _classes(el) and "key" not in _classes(el)]


@pytest.fixture(scope="module")
def drawn():
    """Each figure drawn once through the CLI."""
    from click.testing import CliRunner

    from quizgen.cli import cli

    out = {}
    for name, args in ALL:
        result = CliRunner().invoke(cli, ["draw", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        out[name] = result.stdout
    return out


@pytest.mark.parametrize("name", [name for name, _args in ALL])
def test_golden(drawn, golden, name):
    golden(f"figures/{name}.svg", drawn[name])


@pytest.mark.parametrize("name", [name for name, _args in ALL])
def test_self_contained_accessible_svg(drawn, name):
    text = drawn[name]
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root[0].tag == f"{SVG}title" and root[0].text
    assert root[1].tag == f"{SVG}desc" and len(root[1].text or "") > 40
    assert not [el for el in root.iter() if el.tag in (f"{SVG}script", f"{SVG}image", f"{SVG}use", f"{SVG}a")]
    for el in root.iter():
        for key, value in el.attrib.items():
            assert "href" not in key, (el.tag, key)
            assert not re.search(r"https?:|file:|url\(", value), (el.tag, key, value)
            assert not key.startswith("on"), (el.tag, key)
    style = "".join(el.text or "" for el in root.iter(f"{SVG}style"))
    assert "url(" not in style and "@import" not in style
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg\")", text)


@pytest.mark.parametrize(("name", "spec", "side", "inputs", "pads", "zeros", "out"), GRIDS)
def test_grid_cells_match_the_layer(drawn, name, spec, side, inputs, pads, zeros, out):
    root = ET.fromstring(drawn[name])
    input_cells = _cells(root, "cell", "in") + _cells(root, "cell", "unreached")
    assert len(input_cells) == inputs
    assert len(_cells(root, "cell", "pad")) == pads
    assert len(_cells(root, "cell", "zero")) == zeros
    assert inputs + pads + zeros == side * side
    assert len(_cells(root, "cell", "out")) == out * out, f"the output grid of {spec} must be {out}×{out}"
    assert len(_cells(root, "cell", "out", "first")) == 1
    assert f"{out}×{out}" in root[0].text
    k = int(re.search(r" k=(\d+)", spec).group(1))
    assert len(_cells(root, "fp1")) == k * k
    assert len(_cells(root, "fp2")) == (k * k if out > 1 else 0)


def test_dilated_footprint_has_gaps(drawn):
    root = ET.fromstring(drawn["conv-i7-k3-d2"])
    # the first footprint of k=3, d=2 reads columns 0, 2, 4: x = 16 + 24·c + 2
    xs = sorted({float(el.get("x")) for el in _cells(root, "fp1")})
    assert xs == [18.0, 66.0, 114.0]


@pytest.mark.parametrize(
    ("spec", "unreached"),
    [
        # floor((6 - 3)/2) + 1 = 2 windows, reaching rows/cols 0..4: row 5 and column 5 are dropped, 6 + 6 - 1 cells
        ("maxpool2d in=6x6x1 k=3 s=2", 11),
        # floor((7 - 3)/2) + 1 = 3 windows reach 0..6: nothing dropped
        ("conv2d in=7x7x1 out=1 k=3 s=2", 0),
        # 1-D, floor((8 - 3)/3) + 1 = 2 windows reach 0..5: 2 of 8 cells dropped
        ("conv1d in=8x1 out=1 k=3 s=3", 2),
    ],
)
def test_inexact_division_marks_unreached_input(run, spec, unreached):
    result = run("draw", spec)
    root = ET.fromstring(result.stdout)
    assert len(_cells(root, "cell", "unreached")) == unreached
    assert ("no window reaches" in result.stdout) == (unreached > 0)


def test_one_d_is_one_row(run):
    # conv1d in=7, k=3, p=1: 9 cells drawn in one row; out (7 + 2 - 3)/1 + 1 = 7
    root = ET.fromstring(run("draw", "conv1d in=7x4 out=8 k=3 p=1").stdout)
    cells = _cells(root, "cell", "in") + _cells(root, "cell", "pad")
    assert len(cells) == 9 and len({el.get("y") for el in cells}) == 1
    assert len(_cells(root, "cell", "out")) == 7


def test_student_figure_hides_the_answer(drawn):
    text = drawn["conv-i5-k3-s2-p1-student"]
    root = ET.fromstring(text)
    assert _cells(root, "cell", "out") == []
    assert "output 3" not in text and "output ?" in text and "?" in root[0].text
    assert len(_cells(root, "out-unknown")) == 1


def test_student_figure_of_an_inexact_division_does_not_mark_the_dropped_cells():
    from quizgen.arith.spec import parse
    from quizgen.figures import svg_for_layer

    student = svg_for_layer(parse("maxpool2d in=6x6x1 k=3 s=2"), answer=False)
    key = svg_for_layer(parse("maxpool2d in=6x6x1 k=3 s=2"), answer=True)
    assert student is not None and key is not None
    assert "unreached" not in student and "unreached" in key
    # a transposed conv's stretched input is the method; the student's figure shows the block diagram instead
    hidden = svg_for_layer(parse("convtranspose2d in=3x3x1 out=1 k=3 s=2"), answer=False)
    assert hidden is not None and "7×7" not in hidden and 'class="cell' not in hidden


def test_no_figure_where_none_helps():
    from quizgen.arith.spec import parse
    from quizgen.figures import svg_for_layer, text_for_layer

    for spec in ("relu in=8x8x3", "flatten in=6x6x256", "batchnorm2d in=55x55x96"):
        assert svg_for_layer(parse(spec), answer=True) is None
    assert svg_for_layer(parse("linear in=9216 out=4096"), answer=True) is not None
    assert text_for_layer(parse("conv2d in=227x227x3 out=96 k=11 s=4")) is None


def test_large_layer_is_a_block_diagram(drawn):
    text = drawn["alexnet-conv1"]
    root = ET.fromstring(text)
    assert _cells(root, "cell") == []
    # floor((227 - 11)/4) + 1 = 55
    for label in ("227×227×3", "55×55×96", "11×11"):
        assert label in text
    assert len([g for g in root.iter(f"{SVG}g") if "kernel" in _classes(g)]) == 1


def test_network_chain_has_a_block_per_shape(drawn):
    text = drawn["lenet5"]
    root = ET.fromstring(text)
    boxes = [g for g in root.iter(f"{SVG}g") if "box" in _classes(g)]
    # input 32×32×1; conv5 → 28×28×6; pool2 → 14×14×6; conv5 → 10×10×16; pool2 → 5×5×16; conv5 → 1×1×120;
    # flatten → 120; fc → 84; fc → 10 (ReLUs keep the shape and get no block)
    assert len(boxes) == 9
    for shape in ("28×28×6", "14×14×6", "10×10×16", "5×5×16", "1×1×120"):
        assert shape in text


def test_receptive_field_grows_layer_by_layer(drawn):
    root = ET.fromstring(drawn["lenet5-receptive-field"])
    sizes = [int(el.get("data-rows")) for el in _cells(root, "rf")]
    # r = r + (k - 1)·j, j = j·s: conv5 1+4 = 5; pool2 5+1·1 = 6 (j=2); conv5 6+4·2 = 14; pool2 14+1·2 = 16 (j=4);
    # conv5 16+4·4 = 32
    assert sizes == [5, 6, 14, 16, 32]


def test_receptive_field_regions_are_nested_and_centred(drawn):
    root = ET.fromstring(drawn["vgg16-receptive-field"])
    regions = _cells(root, "rf")
    # VGG-16: 3×3 convs (stride 1) and 2×2 pools (stride 2); r grows by 2·j per conv and by j per pool,
    # j doubling after each pool: 3 5 | 6 | 10 14 | 16 | 24 32 40 | 44 | 60 76 92 | 100 | 132 164 196 | 212
    sizes = [int(el.get("data-rows")) for el in regions]
    assert sizes == [3, 5, 6, 10, 14, 16, 24, 32, 40, 44, 60, 76, 92, 100, 132, 164, 196, 212]
    boxes = [tuple(float(el.get(a)) for a in ("x", "y", "width", "height")) for el in regions]
    for (x, y, w, h), (x2, y2, w2, h2) in zip(boxes, boxes[1:]):
        assert x2 <= x and y2 <= y and x2 + w2 >= x + w and y2 + h2 >= y + h
    # the centre pixel (3, 3) of the 7×7 output sees 212 pixels centred on the 224-pixel input: from 6 to 217
    x, _y, w, _h = boxes[-1]
    cell = 360 / 224
    assert round((x - 16) / cell) == 6 and round(w / cell) == 212


def test_animation_is_css_and_respects_reduced_motion(drawn):
    text = drawn["maxpool-i5-k3-s1-animated"]
    assert "@keyframes" in text and "prefers-reduced-motion:reduce" in text
    assert "<script" not in text
    # 3×3 output positions: one keyframe per position plus the closing 100% frame, in each of the two animations
    assert text.count("transform:translate(") == 2 * (9 + 1)


def test_output_file_and_stdout_agree_and_repeat_byte_for_byte(sh, tmp_path):
    target = tmp_path / "fig.svg"
    first = sh("draw", "conv2d in=5x5x1 out=1 k=3 s=2 p=1", "-o", str(target))
    assert first.exit_code == 0 and first.stdout == ""
    again = sh("draw", "conv2d in=5x5x1 out=1 k=3 s=2 p=1")
    assert target.read_text(encoding="utf-8") == again.stdout
    assert sh("draw", "conv2d in=5x5x1 out=1 k=3 s=2 p=1").stdout == again.stdout


def test_refuses_to_overwrite_another_file(run, tmp_path):
    target = tmp_path / "fig.svg"
    target.write_text("mine", encoding="utf-8")
    result = run("draw", "conv2d in=4x4x1 out=1 k=3", "-o", str(target))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert target.read_text(encoding="utf-8") == "mine"


def test_lang_sets_the_svg_language(run):
    assert 'lang="zh"' in run("draw", "--lang", "zh", "conv2d in=4x4x1 out=1 k=3").stdout
    assert 'lang="en"' in run("draw", "conv2d in=4x4x1 out=1 k=3").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conv2d in=5x5x1 out=1 k=9"], "k=9 exceeds the padded input 5"),
        (["conv2d in=5x5x1 out=1 k=3", "--network", "lenet5"], "give either SPEC or --network"),
        (["conv2d in=5x5x1 out=1 k=3", "--receptive-field"], "--receptive-field needs --network"),
        (["--network", "nosuchnet"], "--network nosuchnet: no such file"),
        (["conv2d in=227x227x3 out=96 k=11 s=4", "--animate"], "--animate: conv2d is not drawn as a grid"),
        ([], "missing SPEC"),
    ],
)
def test_bad_input_is_one_line_exit_2(sh, args, message):
    result = sh("draw", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert message in lines[-1] and "Traceback" not in result.stderr
    assert len([line for line in lines if line.startswith("Error")]) == 1


# --------------------------------------------------------------------------- terminal


def test_terminal_grid_counts_and_width():
    from quizgen.arith.spec import parse
    from quizgen.figures import text_for_layer

    text = text_for_layer(parse("conv2d in=5x5x1 out=1 k=3 s=2 p=1"))
    assert text is not None
    lines = text.splitlines()
    grid = lines[1:8]  # 5 + 2·1 = 7 rows drawn
    assert len(grid) == 7
    left = [line[: 2 * 7 - 1].split(" ") for line in grid]
    assert all(len(row) == 7 for row in left)
    right = [line[2 * 7 - 1 :].split() for line in grid if line[2 * 7 - 1 :].strip()]
    assert [len(row) for row in right] == [3, 3, 3]  # floor((5 + 2 - 3)/2) + 1 = 3
    counts = Counter("".join(grid[r][: 2 * 7 - 1] for r in range(7)).replace(" ", ""))
    assert counts["█"] + counts["▓"] == 9 and counts["▒"] + counts["▓"] == 9  # two 3×3 windows
    for spec in (
        "conv2d in=16x16x1 out=1 k=3",
        "convtranspose2d in=4x4x1 out=1 k=3 s=3 p=2",
        "conv3d in=4x6x6x2 out=1 k=3",
    ):
        drawn = text_for_layer(parse(spec))
        assert drawn is not None and max(len(line) for line in drawn.splitlines()) <= 80


def test_draw_takes_a_network_file(run, tmp_path):
    stack = tmp_path / "tiny.txt"
    stack.write_text("conv2d in=8x8x1 out=4 k=3\nmaxpool2d k=2\n", encoding="utf-8")
    text = run("draw", "--network", str(stack)).stdout
    # (8 - 3)/1 + 1 = 6 → 6×6×4; 6/2 = 3 → 3×3×4
    assert "6×6×4" in text and "3×3×4" in text
    rf = ET.fromstring(run("draw", "--network", str(stack), "--receptive-field").stdout)
    # r: 1 + (3 - 1)·1 = 3, then 3 + (2 - 1)·1 = 4
    assert [int(el.get("data-rows")) for el in _cells(rf, "rf")] == [3, 4]


def _on_a_terminal(*args: str) -> str:
    """Run ``quizgen ARGS`` with stdout on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, "-m", "quizgen", *args], stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_solve_shows_the_grid_on_a_terminal_only(run):
    shown = _on_a_terminal("solve", "conv2d in=5x5x1 out=1 k=3 p=1")
    assert "input 5×5, padded to 7×7" in shown and "░" in shown
    assert "░" not in _on_a_terminal("solve", "--no-figures", "conv2d in=5x5x1 out=1 k=3 p=1")
    piped = run("solve", "conv2d in=5x5x1 out=1 k=3 p=1")
    assert piped.exit_code == 0 and "░" not in piped.stdout and "padded to" not in piped.stdout


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("conv2d in=5x5x3 out=16 k=3", "each of the 16 filters slides the same way over all 3 input channels"),
        # depthwise: 8 channels in 8 groups, 8 / 8 = 1 channel per filter
        ("conv2d in=5x5x8 out=8 k=3 g=8", "with g=8 groups each of the 8 filters slides the same way over 1 of the 8"),
        ("maxpool2d in=5x5x4 k=3 s=1", "each of the 4 channels is pooled the same way"),
    ],
)
def test_the_description_says_what_the_drawn_plane_stands_for(run, spec, words):
    desc = ET.fromstring(run("draw", spec).stdout)[1].text
    assert words in desc
    assert "One channel" not in ET.fromstring(run("draw", "conv2d in=5x5x1 out=1 k=3").stdout)[1].text


def test_the_title_uses_an_before_numbers_spoken_with_a_vowel(run):
    """ "an 8×8 input", "an 11×11 input", but "a 3×3 kernel": the article follows how the number is spoken."""
    titles = []
    for spec in ("conv2d in=8x8x1 out=1 k=3", "maxpool2d in=11x11x1 k=3 s=2"):
        r = run("draw", spec)
        assert r.exit_code == 0, r.stderr
        titles.append(re.search(r"<title>([^<]*)</title>", r.stdout).group(1))
    assert "an 8×8 input, a 3×3 kernel" in titles[0], titles
    assert "an 11×11 input, a 3×3 window" in titles[1], titles


@pytest.mark.parametrize(
    "spec, answer, back_in, back_out",
    [
        # depth 4 padded by 1 on each side: 6 slices, the front one and 3 behind (at most 3);
        # output depth (4 + 2 - 3)/1 + 1 = 4: 3 behind
        ("conv3d in=4x5x5x1 out=1 k=3 p=1", True, 3, 3),
        # depth 3, no padding: 2 behind; output depth (3 - 3)/1 + 1 = 1: none behind
        ("conv3d in=3x5x5x1 out=1 k=3", True, 2, 0),
        # a student's "?" output has no depth drawn
        ("conv3d in=4x5x5x1 out=1 k=3 p=1", False, 3, 0),
        ("conv2d in=5x5x1 out=1 k=3 p=1", True, 0, 0),
    ],
)
def test_a_3d_layer_is_drawn_as_a_stack_of_slices(run, spec, answer, back_in, back_out):
    r = run("draw", spec, *([] if answer else ["--no-answer"]))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.count('class="slice input"') == back_in
    assert r.stdout.count('class="slice output"') == back_out


def test_the_fast_writer_writes_what_elementtree_writes(monkeypatch):
    """svg._finish writes the tree itself; ElementTree's indent + tostring must give the same text."""
    import xml.etree.ElementTree as ET

    from quizgen import figures
    from quizgen.arith.spec import parse
    from quizgen.figures import svg, svg_for_layer

    figures._svg_in.cache_clear()
    specs = [
        "conv2d in=5x5x1 out=1 k=3 s=2 p=1",
        "convtranspose2d in=3x3x1 out=1 k=3 s=2 p=1 op=1",
        "conv2d in=7x7x1 out=1 k=3 d=2",
        "maxpool2d in=6x6x1 k=3 s=2",
        "conv3d in=4x5x5x1 out=1 k=3 p=1",
        "conv1d in=9x1 out=1 k=3 s=2",
        "conv2d in=227x227x3 out=96 k=11 s=4",
        "conv2d in=5x5x1 out=1 k=3 p=same",
    ]
    fast = [svg_for_layer(parse(s), answer=a, animate=a) for s in specs for a in (True, False)]

    def elementtree(root: ET.Element) -> str:
        ET.indent(root, space=" ")
        return ET.tostring(root, encoding="unicode") + "\n"

    monkeypatch.setattr(svg, "_finish", elementtree)
    figures._svg_in.cache_clear()  # draw them again, not from the cache
    assert fast == [svg_for_layer(parse(s), answer=a, animate=a) for s in specs for a in (True, False)]
