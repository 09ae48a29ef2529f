"""``quizgen draw --network`` on graph networks, through the CLI: every node drawn, an arrow for every edge.

The references come from ``quizgen solve --network NAME --json`` (each node's name, inputs and groups),
not from the drawing code: a node folded at ``--depth d`` belongs to its d-th group (as the table folds
it); every other node is drawn by its own box or by the box of the layer it follows alone (a batchnorm or
an activation, written on that box).  Every edge of the graph between two different boxes is one arrow.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

SVG = "{http://www.w3.org/2000/svg}"

#: A small graph written by hand: a stem, two branches concatenated, an SE scale, a residual add.
HAND = """\
stem: conv2d in=16x16x3 out=8 k=3 p=1
a: conv2d from=stem out=4 k=1
b: conv2d from=stem out=4 k=3 p=1
relu
cat: concat a         # previous (b, relu'd) + a: 8 channels
avgpool2d k=16        # 1x1x8: the squeeze
sigmoid
mul cat               # SE: the scale times the concat
add stem              # the residual: + the stem
"""


def drawn(run, *args: str) -> ET.Element:
    result = run("draw", *args)
    assert result.exit_code == 0, result.stderr
    return ET.fromstring(result.stdout)


def graph(run, source: str) -> tuple[list[str], list[dict]]:
    result = run("solve", "--network", source, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    inputs = [i["name"] if isinstance(i, dict) else i for i in data["inputs"]]
    return inputs, data["layers"]


def boxes(root: ET.Element) -> dict[str, str]:
    """Each graph node's drawn box (``data-nodes`` of the ``g.node`` that stands for it)."""
    where: dict[str, str] = {}
    for g in root.iter(f"{SVG}g"):
        if "node" in g.get("class", "").split():
            for name in g.get("data-nodes", "").split():
                assert name not in where, f"{name} drawn twice"
                where[name] = g.get("data-name", "")
    return where


def arrows(root: ET.Element) -> list[tuple[str, str, str]]:
    return [
        (g.get("data-from", ""), g.get("data-to", ""), g.get("class", "").split()[1])
        for g in root.iter(f"{SVG}g")
        if "edge" in g.get("class", "").split()
    ]


def expected_edges(layers: list[dict], where: dict[str, str]) -> set[tuple[str, str]]:
    return {
        (where[source], where[node["name"]])
        for node in layers
        for source in node["inputs"]
        if where[source] != where[node["name"]]
    }


CASES = [
    ("resnet50", []),
    ("resnet50", ["--depth", "3"]),
    ("resnet18", ["--depth", "3"]),
    ("densenet121", []),
    ("densenet121", ["--depth", "2"]),
    ("googlenet", []),
    ("googlenet", ["--depth", "2"]),
    ("vit_b_16", []),
    ("vit_b_16", ["--depth", "3"]),
    ("efficientnet_b0", ["--depth", "3"]),
]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_every_node_in_a_box_and_an_arrow_for_every_edge(run, name, args):
    root = drawn(run, "--network", name, *args)
    inputs, layers = graph(run, name)
    where = boxes(root)
    assert set(where) == set(inputs) | {n["name"] for n in layers}
    if args:  # folded at depth d: a node with d or more groups is in its d-th group's box
        depth = int(args[1])
        for node in layers:
            if len(node["path"]) >= depth:
                assert where[node["name"]] == node["path"][depth - 1]
    edges = arrows(root)
    assert len(edges) == len({(a, b) for a, b, _k in edges}), "an edge drawn twice"
    assert {(a, b) for a, b, _k in edges} == expected_edges(layers, where)


def test_resnet18_unfolded_has_its_skips_and_projections(run):
    # ResNet-18: 8 basic blocks; the first of stages 2, 3 and 4 has a 1x1 projection shortcut (a branch
    # beside the block: out and back, 2 arrows each), the other 5 add their input back (a skip arrow).
    root = drawn(run, "--network", "resnet18", "--depth", "3")
    kinds = [k for _a, _b, k in arrows(root)]
    assert kinds.count("skip") == 5
    assert kinds.count("branch") == 3 * 2
    adds = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node add"]
    assert len(adds) == 8 and all(g.find(f"{SVG}circle") is not None for g in adds)


def test_resnet50_folded_by_stage_with_repeats(run):
    # torchvision's ResNet-50 has 3, 4, 6, 3 bottlenecks a stage: the first of each (the downsampling
    # one) and then the rest, repeated 2, 3, 5, 2 times.
    root = drawn(run, "--network", "resnet50")
    titles = [g.findtext(f"{SVG}title") or "" for g in root.iter(f"{SVG}g") if g.get("class") == "node block"]
    repeats = [int(m.group(1)) for t in titles for m in [re.search(r"\w ×(\d+)\b", t)] if m]
    assert repeats == [2, 3, 5, 2]


def test_branches_side_by_side_and_joins(run, tmp_path):
    net = tmp_path / "hand.txt"
    net.write_text(HAND)
    root = drawn(run, "--network", str(net))
    inputs, layers = graph(run, str(net))
    where = boxes(root)
    assert set(where) == set(inputs) | {n["name"] for n in layers}
    edges = arrows(root)
    assert {(a, b) for a, b, _k in edges} == expected_edges(layers, where)
    kinds = {g.get("class") for g in root.iter(f"{SVG}g") if "node" in g.get("class", "")}
    assert {"node concat", "node mul", "node add"} <= kinds
    # the stem feeds a and b (two branches) and, around them, the add (a skip)
    from_stem = sorted(k for a, _b, k in edges if a == "stem")
    assert from_stem == ["branch", "next", "skip"]


def test_same_input_same_bytes(sh):
    first = sh("draw", "--network", "googlenet", "--depth", "2")
    second = sh("draw", "--network", "googlenet", "--depth", "2")
    assert first.exit_code == 0 and first.stdout == second.stdout


@pytest.mark.parametrize("name", ["resnet50", "densenet121", "googlenet", "vit_b_16"])
@pytest.mark.parametrize("look", [[], ["--paper"]])
def test_no_text_under_7pt_when_printed(run, name, look):
    # A CSS px prints at 0.75 pt; a figure no wider than the page's text width (A4: 170 mm = 642 px at
    # 96 px/in; 660 px for Letter's 6.9 in) prints unscaled, so its smallest text is 0.75 × its smallest px.
    text = run("draw", "--network", name, "--depth", "2", *look).stdout
    root = ET.fromstring(text)
    sizes = [float(s) for s in re.findall(r"font-size:([\d.]+)px", text)]
    assert sizes and min(sizes) * 0.75 >= 7
    if look:
        assert float(root.get("width", "0")) <= 660


def test_a_plain_stack_keeps_the_chain(run):
    root = drawn(run, "--network", "alexnet")
    assert not [g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "").split()]
    assert [g for g in root.iter(f"{SVG}g") if g.get("class") == "box"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conv2d in=5x5x1 out=1 k=3", "--depth", "2"], "--depth and --paper apply to --network"),
        (["--network", "resnet50", "--depth", "0"], "Invalid value for '--depth'"),
    ],
)
def test_bad_options_one_line_exit_2(sh, args, message):
    result = sh("draw", *args)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert message in result.stderr.strip().splitlines()[-1]
