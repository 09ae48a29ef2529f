"""Graph networks as a user meets them: network files with names, joins, blocks and repeats, read by the CLI.

Reference numbers are worked by hand in each test, or published (torchvision's weights metadata: ResNet-18
11,689,512 parameters and 1.814 GMACs, ResNet-50 25,557,032 and 4.089 GMACs).  The hypothesis properties
hold the graph reader to a plain chain of ``spec.parse`` calls and to blocks written out by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.arith import spec
from quizgen.arith.solver import solve

ROOT = Path(__file__).resolve().parent.parent
RESNET18 = ROOT / "examples" / "resnet18.txt"
RESNET50 = ROOT / "tests" / "networks" / "resnet50.txt"


def solve_file(run, tmp_path, text: str, *args: str) -> dict:
    f = tmp_path / "net.txt"
    f.write_text(text, encoding="utf-8")
    r = run("solve", "--network", str(f), "--json", *args)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


# --- real files against published figures -------------------------------------------------------


@pytest.mark.parametrize(
    "path, params, gmacs",
    [(RESNET18, 11_689_512, 1.814), (RESNET50, 25_557_032, 4.089)],
    ids=["resnet18", "resnet50"],
)
def test_resnets_equal_torchvisions_published_figures(run, path, params, gmacs):
    d = json.loads(run("solve", "--network", str(path), "--json").stdout)
    assert d["total"]["params"]["trainable"] == params
    assert round(d["total"]["macs"] / 1e9, 3) == gmacs
    assert d["total"]["output_shape"] == [1000]
    # every batchnorm's running mean and variance: 2 per channel, non-trainable
    bn_channels = sum(x["output_shape"][-1] for x in d["layers"] if x["layer"] == "batchnorm2d")
    assert d["total"]["params"]["non_trainable"] == 2 * bn_channels


def test_resnet18_basic_block_by_hand(run):
    d = json.loads(run("solve", "--network", str(RESNET18), "--json").stdout)
    layer1 = next(b for b in d["blocks"] if b["name"] == "layer1")
    # two basic blocks at 56x56x64: each two 3x3 convs (3·3·64·64 = 36,864 weights) and two batchnorms
    # (γ, β: 2·64), and each conv does 36,864 MACs at each of the 56·56 outputs
    assert layer1["params"]["trainable"] == 2 * (2 * 36_864 + 2 * 128)
    assert layer1["macs"] == 2 * 2 * 36_864 * 56 * 56
    assert layer1["block"] == "basic ×2" and layer1["args"] == "c=64" and layer1["output_shape"] == [56, 56, 64]
    reps = [b for b in d["blocks"] if b["path"] == ["layer1"]]
    assert [b["name"] for b in reps] == ["layer1.0", "layer1.1"]
    # the projection shortcut of layer2: a 1x1 conv, stride 2, 64 → 128 channels, on the block's input
    proj = next(x for x in d["layers"] if x["name"] == "layer2.conv2d_3")
    assert proj["inputs"] == ["layer1.1.relu_2"] and proj["input_shape"] == [56, 56, 64]
    assert proj["params"]["total"] == 64 * 128 and proj["macs"] == 64 * 128 * 28 * 28
    add = next(x for x in d["layers"] if x["name"] == "layer2.add_1")
    assert add["inputs"] == ["layer2.batchnorm2d_2", "layer2.main"]
    assert add["path"] == ["layer2"] and add["macs"] == 0 and add["input_shapes"] == [[28, 28, 128]] * 2


# --- joins ---------------------------------------------------------------------------------------


def test_add_takes_the_previous_output_and_the_named_one(run, tmp_path):
    d = solve_file(run, tmp_path, "conv2d in=8x8x4 out=4 k=3 p=1 bias=false\nadd input\n")
    conv, add = d["layers"]
    assert add["layer"] == "add" and add["inputs"] == ["conv2d_1", "input"]
    assert add["output_shape"] == [8, 8, 4] and add["params"]["total"] == 0 and add["macs"] == 0
    assert d["inputs"] == [{"name": "input", "shape": [8, 8, 4]}]
    # 3·3·4·4 = 144 weights, each used at 8·8 outputs
    assert d["total"]["params"]["total"] == 144 and d["total"]["macs"] == 144 * 64


def test_concat_stacks_channels(run, tmp_path):
    text = "input in=16x16x8\na: conv2d out=4 k=1\nb: conv2d from=input out=6 k=3 p=1\nconcat a b\n"
    d = solve_file(run, tmp_path, text)
    assert d["layers"][-1]["output_shape"] == [16, 16, 10]  # 4 + 6 channels
    assert d["layers"][-1]["inputs"] == ["a", "b"]
    # a: 8·4 + 4 = 36 params, 8·4 MACs at 256 outputs; b: 3·3·8·6 + 6 = 438 params, 432 MACs at 256
    assert d["total"]["params"]["total"] == 36 + 438
    assert d["total"]["macs"] == 32 * 256 + 432 * 256


def test_mul_broadcasts_the_se_scale(run, tmp_path):
    text = (
        "input in=8x8x16\n"
        "x: conv2d out=16 k=3 p=1 bias=false\n"
        "adaptiveavgpool2d size=1\n"
        "conv2d out=4 k=1\n"
        "relu\n"
        "conv2d out=16 k=1\n"
        "mul x\n"
    )
    d = solve_file(run, tmp_path, text)
    mul = d["layers"][-1]
    assert mul["input_shapes"] == [[1, 1, 16], [8, 8, 16]] and mul["output_shape"] == [8, 8, 16]
    assert mul["macs"] == 0
    # conv 3·3·16·16 = 2,304 (at 64 outputs); squeeze 16·4 + 4 = 68; excite 4·16 + 16 = 80 (at 1 output each)
    assert d["total"]["params"]["total"] == 2304 + 68 + 80
    assert d["total"]["macs"] == 2304 * 64 + 64 + 64


def test_matmul_counts_its_multiply_accumulates(run, tmp_path):
    text = "input in=32x32\nb: conv1d out=8 k=1 bias=false\nmatmul input b\n"
    d = solve_file(run, tmp_path, text)
    mm = d["layers"][-1]
    # (32x32) @ (32x8): 32·8 outputs, each a sum of 32 products
    assert mm["output_shape"] == [32, 8] and mm["macs"] == 32 * 32 * 8
    assert d["total"]["macs"] == 32 * 8 * 32 + 32 * 32 * 8


# --- blocks --------------------------------------------------------------------------------------

BLOCK_FILE = """\
block expand(c, t=4)
    conv2d out={c*t} k=1 bias=false
    relu
    conv2d out={c} k=3 p=1 g={(c*t)//c} bias=false
    add input
end
conv2d in=14x14x8 out=16 k=1
stage: expand c=16 repeat=3
"""


def test_block_parameters_expressions_defaults_and_repeat(run, tmp_path):
    d = solve_file(run, tmp_path, BLOCK_FILE)
    # entry conv 8·16 + 16 = 144; each repetition: 1x1 16 → 64 (1,024), 3x3 64 → 16 in 4 groups (9·16·16 = 2,304)
    assert d["total"]["params"]["total"] == 144 + 3 * (1024 + 2304)
    assert d["total"]["macs"] == (8 * 16 + 3 * (1024 + 2304)) * 14 * 14
    names = [x["name"] for x in d["layers"]]
    assert names[:6] == [
        "conv2d_1",
        "stage.0.conv2d_1",
        "stage.0.relu_1",
        "stage.0.conv2d_2",
        "stage.0.add_1",
        "stage.1.conv2d_1",
    ]
    assert d["layers"][4]["inputs"] == ["stage.0.conv2d_2", "conv2d_1"]
    assert [b["name"] for b in d["blocks"]] == ["stage", "stage.0", "stage.1", "stage.2"]


def test_repeat_equals_the_block_written_out_by_hand(run, tmp_path):
    graph = solve_file(run, tmp_path, BLOCK_FILE)
    lines = ["conv2d in=14x14x8 out=16 k=1", "x0: relu"]  # a named start for the first residual
    for i in range(1, 4):
        lines += [f"conv2d from=x{i - 1} out=64 k=1 bias=false", "relu", "conv2d out=16 k=3 p=1 g=4 bias=false"]
        lines += [f"x{i}: add x{i - 1}"]
    flat = solve_file(run, tmp_path, "\n".join(lines) + "\n")
    assert flat["total"]["params"] == graph["total"]["params"]
    assert flat["total"]["macs"] == graph["total"]["macs"]
    assert flat["total"]["output_shape"] == graph["total"]["output_shape"]


# --- the table -----------------------------------------------------------------------------------


def _rows(out: str) -> list[str]:
    rules = [i for i, line in enumerate(out.splitlines()) if line and set(line) == {"-"}]
    return out.splitlines()[rules[1] + 1 : rules[2]]


def test_table_groups_rows_by_block_and_depth_folds_them(run):
    full = run("solve", "--network", str(RESNET18))
    assert full.exit_code == 0
    rows = _rows(full.stdout)
    numbered = [r for r in rows if r[:2].strip()]  # node rows carry their number in the '#' column
    assert len(numbered) == 69  # 4 stem, 5 basic blocks of 7 nodes, 3 basic_down of 9, 3 head
    assert len(rows) - len(numbered) == 7 + 2  # a row per block call, and per repetition of layer1
    layer1 = next(r for r in rows if " layer1 " in r)
    assert "basic ×2" in layer1 and "c=64" in layer1 and "148,480" in layer1 and "462,422,016" in layer1
    # under layer1 (level 1) and its repetition 0 (level 2), the first conv is at level 3: indented 2 × 2 spaces
    # after the two spaces between columns
    first = rows.index(layer1)
    assert re.match(r"\s+\d+ {4}0 ", rows[first + 1]) and re.match(r"\s*5 +\d+ {6}conv2d_1 ", rows[first + 2])
    d1 = _rows(run("solve", "--network", str(RESNET18), "--depth", "1").stdout)
    assert len(d1) == 4 + 7 + 3  # the stem, the seven block calls, the head
    assert not any(r.split()[1] == "0" for r in d1)
    d2 = _rows(run("solve", "--network", str(RESNET18), "--depth", "2").stdout)
    assert len(d2) == len(d1) + 2 + 7 * 3 + 9 * 3  # layer1's two repetitions, the blocks' nodes at level 2
    assert [r.split()[1] for r in d2 if not r[:2].strip() and r.split()[1] in ("0", "1")] == ["0", "1"]
    assert "Rows deeper than --depth 1 are folded" in run("solve", "--network", str(RESNET18), "--depth", "1").stdout
    footer = full.stdout
    assert "Trainable params are PyTorch's sum(p.numel())" in footer
    assert "Network totals follow torchvision's _ops: MACs of conv, linear and matmul" in footer


def test_depth_needs_a_network(run):
    r = run("solve", "--depth", "1", "conv2d in=8x8x3 out=4 k=3")
    assert r.exit_code == 2 and "--depth folds a network's table: use it with --network" in r.stderr


def test_json_keeps_the_stack_keys_and_adds_names_and_inputs(run):
    d = json.loads(run("solve", "--network", str(RESNET18), "--json").stdout)
    assert len(d["layers"]) == 69
    for x in d["layers"]:
        assert {"spec", "layer", "input_shape", "output_shape", "params", "macs", "flops", "steps", "notes"} <= set(x)
        assert {"name", "inputs", "path", "line"} <= set(x)
    total = d["total"]
    assert {"params", "macs", "flops", "output_shape"} <= set(total)
    assert total["flops"] == 2 * total["macs"] and total["params"]["total"] == d["total"]["params"]["total"]
    assert total["convention"]["name"] == "torchvision _ops"
    assert "matmul" in total["convention"]["macs"] and "add" in total["convention"]["zero"]


# --- errors: one line, exit 2, file, line and block line --------------------------------------------

ERRORS = [
    ("conv2d in=8x8x3 out=4 k=3\nb: conv2d from=c out=4 k=1\nc: relu\n", "net.txt line 2: cycle: b → c → b"),
    (
        "a: conv2d in=8x8x3 out=4 k=3\nb: conv2d from=d out=4 k=1\nc: relu from=a\nd: relu\n",
        "net.txt line 2: from=d: no output named 'd' before this line",
    ),
    ("conv2d in=8x8x3 out=4 k=3\nadd skip\n", "net.txt line 2: add: no output named 'skip' before this line"),
    (
        "a: conv2d in=8x8x3 out=4 k=3\nconv2d out=8 k=3\nadd a\n",
        "net.txt line 3: add: 4x4x8 (line 2) and 6x6x4 (a) do not match",
    ),
    (
        "a: conv2d in=8x8x3 out=4 k=3\nconv2d out=8 k=3\nconcat a\n",
        "net.txt line 3: concat: 4x4x8 (line 2) and 6x6x4 (a) must match in every dimension but the one joined",
    ),
    (
        "a: conv2d in=8x8x3 out=4 k=3\nconv2d out=8 k=3 p=1\nmul a\n",
        "net.txt line 3: mul: 6x6x8 (line 2) and 6x6x4 (a) do not broadcast "
        "(each size must be equal, or 1, aligned from the right)",
    ),
    (
        "block b(c)\n    conv2d out={c} k=3\n    add input\nend\nconv2d in=8x8x3 out=4 k=1\nb c=4\n",
        "net.txt line 6 (block b line 3): add: 6x6x4 (line 2) and 8x8x4 (input) do not match",
    ),
    (
        "block basic(c)\n    conv2d out={c} k=3\nend\nconv2d in=8x8x3 out=4 k=1\nbasci c=4\n",
        "net.txt line 5: unknown layer or block 'basci' (did you mean 'basic'?)",
    ),
    (
        "block basic(c, s=1)\n    conv2d out={c} k=3 s={s}\nend\nconv2d in=8x8x3 out=4 k=1\nbasic ch=4\n",
        "net.txt line 5: basic: unknown parameter 'ch' (did you mean 'c'?); basic takes c, s=1",
    ),
    (
        "block basic(c, s=1)\n    conv2d out={c} k=3 s={s}\nend\nconv2d in=8x8x3 out=4 k=1\nbasic s=2\n",
        "net.txt line 5: basic: missing c= (basic takes c, s=1)",
    ),
    (
        "block basic(c)\n    conv2d out={cc*2} k=3\nend\nconv2d in=8x8x3 out=4 k=1\nbasic c=3\n",
        "net.txt line 5 (block basic line 2): {cc*2}: unknown parameter 'cc' (did you mean 'c'?); the block takes c",
    ),
    (
        "block basic(c)\n    conv2d out={c**2} k=3\nend\nconv2d in=8x8x3 out=4 k=1\nbasic c=3\n",
        "net.txt line 5 (block basic line 2): {c**2}: '*' is out of place",
    ),
    (
        "block basic(c)\n    conv2d out={__import__} k=3\nend\nconv2d in=8x8x3 out=4 k=1\nbasic c=3\n",
        "net.txt line 5 (block basic line 2): {__import__}: unknown parameter '__import__'; the block takes c",
    ),
    (
        "block b(c)\n    b c=3\nend\nconv2d in=8x8x3 out=4 k=1\nb c=3\n",
        "net.txt line 2: block 'b' calls itself: a block may call only blocks defined before it",
    ),
    (
        "block b(c)\n    conv2d out={c} k=1\nend\nconv2d in=8x8x3 out=4 k=1\nb c=3 repeat=0\n",
        "net.txt line 5: b: repeat=0 must be a whole number, at least 1",
    ),
    ("conv2d in=8x8x3 out=4 k=1\nrelu\nx: relu\nx: relu\n", "net.txt line 4: the name 'x' is already used on line 3"),
    (
        "conv2d in=8x8x3 out=4 k=1\nconv2d: relu\n",
        "net.txt line 2: 'conv2d' cannot name an output: it is a layer, block or keyword",
    ),
    ("block b(c)\n    relu\n", "net.txt line 1: block 'b' has no 'end'"),
    ("add input\n", "net.txt line 1: add: no output named 'input' before this line"),
    (
        "conv2d in=8x8x3 out=4 k=1\nconv2d from=input out=4 k=3\nconv1d out=10 k=1\n",
        "net.txt line 3: conv1d cannot take the output 6x6x4 of line 2",
    ),
]


@pytest.mark.parametrize("text, message", ERRORS, ids=range(len(ERRORS)))
def test_network_file_errors_are_one_line_exit_2(run, tmp_path, text, message):
    f = tmp_path / "net.txt"
    f.write_text(text, encoding="utf-8")
    r = run("solve", "--network", str(f))
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("Error: " + message), r.stderr
    assert r.stderr.count("\n") == 1


def test_errors_in_a_real_process_have_no_traceback(sh, tmp_path):
    f = tmp_path / "net.txt"
    f.write_text("conv2d in=8x8x3 out=4 k=3\nb: conv2d from=c out=4 k=1\nc: relu\n", encoding="utf-8")
    r = sh("solve", "--network", str(f), "--json")
    assert r.exit_code == 2
    assert r.stderr == "Error: net.txt line 2: cycle: b → c → b\n"


# --- properties ----------------------------------------------------------------------------------

SEQ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@st.composite
def stacks(draw: st.DrawFn) -> list[str]:
    """A valid random stack: convs, pools, batchnorms and relus on a square map, then flatten and linear."""
    size, channels = draw(st.sampled_from([8, 12, 16, 28, 32])), draw(st.sampled_from([1, 3, 8]))
    lines = [f"conv2d in={size}x{size}x{channels} out={draw(st.sampled_from([4, 8, 16]))} k=1"]
    for _ in range(draw(st.integers(0, 6))):
        choice = draw(st.sampled_from(["conv", "pool", "bn", "relu"]))
        if choice == "conv":
            k = draw(st.sampled_from([1, 3]))
            lines.append(
                f"conv2d out={draw(st.sampled_from([4, 8, 16]))} k={k} p={k // 2} bias={draw(st.booleans())}".lower()
            )
        elif choice == "pool" and size >= 4:
            size //= 2
            lines.append("maxpool2d k=2")
        elif choice == "bn":
            lines.append("batchnorm2d")
        else:
            lines.append("relu")
    lines += ["flatten", f"linear out={draw(st.integers(1, 20))}"]
    return lines


@SEQ
@given(stacks())
def test_a_sequential_stack_solved_as_a_graph_equals_chained_layers(run, tmp_path, lines):
    # the reference: each layer parsed alone on the previous layer's output, as DESIGN §1 describes a stack
    previous = None
    params = macs = 0
    for line in lines:
        sol = solve(spec.parse(line, default_input=previous))
        params, macs, previous = params + sol.params.total, macs + sol.macs, sol.output_shape
    d = solve_file(run, tmp_path, "\n".join(lines) + "\n")
    assert d["total"]["params"]["total"] == params and d["total"]["macs"] == macs
    assert d["total"]["output_shape"] == list(previous)
    assert [x["inputs"] for x in d["layers"]] == [["input"]] + [[x["name"]] for x in d["layers"][:-1]]


@SEQ
@given(st.integers(1, 5), st.sampled_from([4, 8, 16]), st.sampled_from([1, 3]))
def test_repeat_n_equals_n_written_out_calls(run, tmp_path, n, c, k):
    block = "block unit(c, k)\n    conv2d out={c} k={k} p={k//2}\n    batchnorm2d\n    relu\nend\n"
    head = f"conv2d in=16x16x3 out={c} k=1\n"
    once = solve_file(run, tmp_path, block + head + f"unit c={c} k={k} repeat={n}\n")
    by_hand = solve_file(run, tmp_path, block + head + f"unit c={c} k={k}\n" * n)
    assert once["total"] == by_hand["total"]
    assert len(once["layers"]) == len(by_hand["layers"]) == 1 + 3 * n


# --- the Graph API, as an adapter (an ONNX reader) builds it -----------------------------------------


def test_a_graph_built_directly_is_solved_in_dependency_order():
    from quizgen.arith.graph import Graph, Input, Join, Node, Shaped, Spec, solve_graph
    from quizgen.arith.layers import Layer

    conv = Layer("conv", 2, (8, 8, 3), out=4, kernel=(3, 3), stride=(1, 1), padding=(1, 1), dilation=(1, 1), bias=True)
    nodes = (  # listed out of order: each node names its inputs
        Node("sum", ("a", "b"), Join("add")),
        Node("a", ("x",), conv),
        Node("b", ("x",), Spec("conv2d out=4 k=1")),
        Node("flat", ("sum",), Shaped("reshape", (256,))),
        Node("x", (), Input((8, 8, 3))),
    )
    net = solve_graph(Graph("g", nodes, output="flat"))
    assert [s.name for s in net.nodes] == ["a", "b", "sum", "flat"]
    # a: 3·3·3·4 + 4 = 112 params, 108 MACs at 64 outputs; b: 3·4 + 4 = 16, 12 MACs at 64
    assert net.params.total == 112 + 16 and net.macs == 108 * 64 + 12 * 64
    assert net.output_shape == (256,) and net.input_shape == (8, 8, 3)


def test_a_graph_with_a_cycle_or_an_unknown_input_is_refused():
    from quizgen.arith.graph import Graph, Input, Join, Node, Spec, solve_graph
    from quizgen.errors import SpecError

    x = Node("x", (), Input((4, 4, 2)))
    cyclic = (x, Node("a", ("x", "c"), Join("add")), Node("b", ("a",), Spec("relu")), Node("c", ("b",), Spec("relu")))
    with pytest.raises(SpecError, match=r"^g: a: cycle: a → b → c → a$"):
        solve_graph(Graph("g", cyclic))
    with pytest.raises(SpecError, match=r"^g: a: no output named 'y'$"):
        solve_graph(Graph("g", (x, Node("a", ("y",), Spec("relu")))))
