"""The figures' words are true of the layer and of what is drawn: the slips of issue 20, each held.

Expected sizes are worked out by hand in the comments (floor((n + 2p - k)/s) + 1).
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def _title_desc(svg: str) -> tuple[str, str]:
    root = ET.fromstring(svg)
    return root[0].text or "", root[1].text or ""


def test_a_3d_title_gives_the_depth(run):
    # depth (4 + 2 - 3)/1 + 1 = 4, height and width (5 + 2 - 3)/1 + 1 = 5
    title, _desc = _title_desc(run("draw", "conv3d in=4x5x5x1 out=1 k=3 p=1").stdout)
    assert "4×5×5 input" in title and "3×3×3 kernel" in title and "output 4×5×5" in title, title
    svg = run("draw", "conv3d in=4x5x5x1 out=1 k=3 p=1").stdout
    assert ">input 4×5×5, padded to 6×7×7<" in svg and ">output 4×5×5<" in svg
    # the student's side: the depth of the input, the output hidden
    title, _desc = _title_desc(run("draw", "conv3d in=3x6x6x1 out=1 k=3", "--no-answer").stdout)
    assert "3×6×6 input" in title and "3×3×3 kernel" in title and title.endswith("output ?"), title


def test_block_diagram_descriptions_name_the_kernel_and_count_filters(run):
    _title, desc = _title_desc(run("draw", "conv1d in=100x16 out=1 k=7").stdout)
    assert "one filter's kernel of length 7" in desc and "1 filter." in desc, desc
    assert "7 window" not in desc and "1 filters" not in desc
    _title, desc = _title_desc(run("draw", "conv2d in=227x227x3 out=96 k=11 s=4").stdout)
    assert "one filter's 11×11 kernel" in desc and "96 filters" in desc, desc
    _title, desc = _title_desc(run("draw", "maxpool2d in=112x112x64 k=3 s=2").stdout)
    assert "one 3×3 pooling window" in desc, desc
    _title, desc = _title_desc(run("draw", "conv1d in=100x16 out=1 k=7", "--lang", "zh").stdout)
    assert "长度为 7" in desc and "1 个卷积核" in desc and "7 的窗口" not in desc, desc


def test_no_figure_of_any_kind_says_a_bare_size_window_or_one_filters():
    """Every figure of 100 seeds × every kind, both sides, en and zh: no "one 11 window", no "1 filters"."""
    from quizgen.figures.choose import figure_for
    from quizgen.problems.kinds import REGISTRY

    seen = 0
    for seed in range(100):
        for kind in REGISTRY.values():
            p = kind.sample(random.Random(seed), seed % 3 + 1, "macs")
            for answer in (False, True):
                svg = figure_for(p, answer=answer, lang="en" if seed % 2 else "zh")
                if svg is None:
                    continue
                seen += 1
                text = " ".join(_title_desc(svg)) + " ".join(re.findall(r">([^<>]+)</text>", svg))
                assert not re.search(r"\bone \d+ window|\b1 filters|一个 \d+ 的窗口", text), (p.spec, text)
    assert seen > 700


def test_an_animated_figure_describes_what_it_draws(run):
    svg = run("draw", "maxpool2d in=5x5x1 k=3 s=1", "--animate").stdout
    _title, desc = _title_desc(svg)
    assert 'class="fp fp2"' not in svg  # one window, sliding
    assert "slides over every position" in desc and "next one" not in desc and "two positions" not in desc, desc
    _title, still = _title_desc(run("draw", "maxpool2d in=5x5x1 k=3 s=1").stdout)
    assert "next one along the stride" in still


def test_the_odd_case_marks_the_padding_no_window_reaches(run):
    # the guide's odd case: i=6, k=3, s=2, p=1: floor((6 + 2 - 3)/2) + 1 = 3 windows starting at 0, 2, 4
    # read padded rows/columns 0..6: the last padded row and column (index 7) are never read, 8 + 8 - 1 cells
    svg = run("draw", "conv2d in=6x6x1 out=1 k=3 s=2 p=1").stdout
    root = ET.fromstring(svg)
    dropped = [
        el
        for el in root.iter(f"{SVG}rect")
        if {"cell", "pad", "dropped"} <= set(el.get("class", "").split()) and "key" not in el.get("class", "")
    ]
    assert len(dropped) == 15
    cell = 24
    assert {float(el.get("x")) for el in dropped} >= {16.0 + 7 * cell} and len({el.get("y") for el in dropped}) == 8
    assert "padding no window reaches" in svg and "floor drops them" in svg
    assert svg.count('class="hatch"') >= 15
    # the student's figure never marks it (it would tell the output size)
    assert "dropped" not in run("draw", "conv2d in=6x6x1 out=1 k=3 s=2 p=1", "--no-answer").stdout
    # the exact case (i=5): (5 + 2 - 3)/2 + 1 = 3 windows read 0..6, all of the padded 7: nothing dropped
    assert "dropped" not in run("draw", "conv2d in=5x5x1 out=1 k=3 s=2 p=1").stdout
