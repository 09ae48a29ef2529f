"""``quizgen solve --network FILE.onnx``: models exported here from plain-torch networks, read through the CLI.

The corpus (``tests/onnx_models.py``) holds torchvision architectures quizgen does not build in, written in
plain torch, each checked against torchvision's published parameter count.  Each is exported with
``torch.onnx.export(..., dynamo=True)`` (onnxscript) at a small input size, and quizgen's totals are held to
references computed apart from quizgen:

- MACs: PyTorch's ``FlopCounterMode`` / 2 (convs, transposed convs, linears, matmuls).  It does not see
  attention's QKᵀ and AV on the CPU, so those are added by formula, 2·N²·d per encoder block, as
  torchvision's published figures count them.
- Parameters: the elements of the file's floating-point initializers, summed with ``onnx.numpy_helper``
  over the fully loaded file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

onnx = pytest.importorskip("onnx")
torch = pytest.importorskip("torch")
pytest.importorskip("onnxscript")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import onnx_models  # noqa: E402

# --- exporting and the references ---------------------------------------------------------------------------------


def export(model: nn.Module, size: int, path: Path) -> Path:
    """Export ``model`` at batch 1 and ``size``x``size`` with the dynamo exporter (onnxscript)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.eval(), (torch.randn(1, 3, size, size),), str(path), dynamo=True, verbose=False)
    return path


def reference_macs(model: nn.Module, size: int) -> int:
    """FlopCounterMode's FLOPs / 2, plus attention's QKᵀ and AV (2·N²·d a block), which it misses on the CPU."""
    model.train(isinstance(model, onnx_models.ViT))  # eval mode's fast path hides a whole attention block
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.randn(1, 3, size, size))
    model.eval()
    macs = counter.get_total_flops() // 2
    if isinstance(model, onnx_models.ViT):
        macs += len(model.layers) * 2 * model.tokens**2 * model.d
    return macs


def stored_float_elements(path: Path) -> int:
    """The file's parameters, counted apart from quizgen: every floating-point initializer, loaded whole."""
    arrays = [numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer]
    return sum(a.size for a in arrays if a.dtype.kind == "f")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Each corpus model, exported once, with its torch module: name → (path, model, size)."""
    folder = tmp_path_factory.mktemp("onnx")
    made: dict[str, tuple[Path, nn.Module, int]] = {}

    def get(name: str) -> tuple[Path, nn.Module, int]:
        if name not in made:
            build, size = onnx_models.CORPUS[name]
            torch.manual_seed(0)
            model = build()
            made[name] = (export(model, size, folder / f"{name}.onnx"), model, size)
        return made[name]

    return get


def solve_json(run, path: Path, *extra: str) -> dict:
    r = run("solve", "--network", str(path), "--json", *extra)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


# --- the corpus ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(onnx_models.PUBLISHED_PARAMS))
def test_the_plain_torch_corpus_is_torchvisions_architecture(name):
    build = getattr(onnx_models, name)  # resnet50 too: the benchmark's model
    assert sum(p.numel() for p in build().parameters()) == onnx_models.PUBLISHED_PARAMS[name]


@pytest.mark.parametrize("name", sorted(onnx_models.CORPUS))
def test_corpus_macs_and_stored_parameters_are_exact(run, corpus, name):
    path, model, size = corpus(name)
    d = solve_json(run, path)
    assert d["total"]["macs"] == reference_macs(model, size)
    stored = stored_float_elements(path)
    assert d["total"]["params"]["total"] == stored
    assert d["stored_params"] == stored
    assert d["partial"] is False and d["unknown_ops"] == []
    # the exporter folds BatchNorm into the convs: fewer stored values than the framework's parameters
    framework = sum(p.numel() for p in model.parameters())
    if any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
        assert stored < framework
    assert any("fold BatchNorm" in note for note in d["notes"])


def test_the_older_torchscript_exporter_too(run, tmp_path):
    """``dynamo=False`` writes Identity nodes over shared weights and Constant nodes: read through them."""
    build, size = onnx_models.CORPUS["mobilenet_v3_large"]
    torch.manual_seed(0)
    model = build().eval()
    path = tmp_path / "old.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.randn(1, 3, size, size),), str(path), dynamo=False)
    d = solve_json(run, path)
    assert d["total"]["macs"] == reference_macs(model, size)
    assert d["total"]["params"]["total"] == stored_float_elements(path)
    assert sum(node["layer"] == "conv2d" for node in d["layers"]) == 62  # every conv read as one, none as a shape


def test_the_vision_transformers_attention_is_two_matmuls_a_block(run, corpus):
    path, model, _size = corpus("vit_small")
    d = solve_json(run, path)
    n, dh, heads = model.tokens, model.d // 4, 4
    # QKᵀ: heads·N·dh·N, and AV: heads·N·N·dh, in each of the two blocks
    matmuls = [node for node in d["layers"] if node.get("layer") == "matmul"]
    if matmuls:  # the graph's table lists joins (once the graph writer has them)
        assert sorted(m["macs"] for m in matmuls) == [heads * n * dh * n] * 4
    names = [node["layer"] for node in d["layers"]]
    # the patch embedding's conv, the class token and position embedding, read as the layers they are
    assert {"conv2d", "clstoken", "posembed", "layernorm", "softmax", "gelu"} <= set(names)
    cls = d["layers"][names.index("clstoken")]
    assert cls["output_shape"] == [n, model.d] and cls["params"]["total"] == model.d
    linears = [node for node in d["layers"] if node["layer"] == "linear"]
    # per block: the QKV projection (d→3d), the output projection, the MLP's two; then the head
    assert len(linears) == 2 * 4 + 1


def test_the_text_table_says_what_the_parameters_are(run, corpus):
    path, _model, _size = corpus("squeezenet1_0")
    r = run("solve", "--network", str(path))
    assert r.exit_code == 0, r.stderr
    assert "Parameters are what the file stores" in r.stdout
    assert "Exporters fold BatchNorm into the convs" in r.stdout
    assert f"{stored_float_elements(path):,}" in r.stdout
    assert "PyTorch's sum(p.numel())" not in r.stdout  # a network file's footer, not true of a file's parameters


# --- the ops, one small network ---------------------------------------------------------------------------------------


class Ops(nn.Module):
    """Ops the corpus does not reach: transposed conv, resize, standalone batchnorm, avg pool, split, clip…"""

    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 16, 3, padding=2, dilation=2, bias=False)
        self.up = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        self.c3 = nn.Conv2d(16, 4, 1)
        self.ln = nn.LayerNorm(4)
        self.fc = nn.Linear(2 * 4 * 4, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = nn.functional.relu6(self.c1(x))  # 16x16x8
        b = self.bn(nn.functional.max_pool2d(a, 2))  # 8x8x8, a batchnorm after a pool: not folded
        b = nn.functional.gelu(self.c2(b))  # 8x8x16
        u = self.up(b)  # 16x16x8
        y = torch.cat((u, a), 1)  # 16x16x16
        y = nn.functional.interpolate(y, scale_factor=2, mode="nearest")  # 32x32x16
        y = torch.sigmoid(self.c3(y))  # 32x32x4
        y = nn.functional.avg_pool2d(y, 3, 2, ceil_mode=True)  # 16x16x4
        y = nn.functional.interpolate(y, scale_factor=0.25, mode="bilinear")  # 4x4x4
        y = self.ln(y.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        p, q = y.chunk(2, dim=1)
        y = p * nn.functional.hardsigmoid(q) + torch.tanh(q)
        return torch.softmax(self.fc(torch.flatten(y, 1)), -1)


def test_a_network_of_many_ops_maps_onto_layers(run, tmp_path):
    torch.manual_seed(0)
    model = Ops()
    path = export(model, 16, tmp_path / "ops.onnx")
    d = solve_json(run, path)
    assert d["total"]["macs"] == reference_macs(model, 16)
    assert d["total"]["params"]["total"] == stored_float_elements(path)
    names = {node["layer"] for node in d["layers"]}
    expected = {"conv2d", "convtranspose2d", "maxpool2d", "avgpool2d", "batchnorm2d", "upsample", "relu6", "gelu"}
    assert expected | {"sigmoid", "hardsigmoid", "tanh", "softmax", "linear", "layernorm"} <= names
    up = next(node for node in d["layers"] if node["layer"] == "convtranspose2d")
    assert up["output_shape"] == [16, 16, 8]  # (8-1)·2 - 2·1 + (4-1) + 1 = 16


# --- files that are not right -------------------------------------------------------------------------------------


def _model(nodes, inputs, outputs, initializers=(), path: Path | None = None, opsets=(("", 17),)) -> Path:
    graph = helper.make_graph(list(nodes), "g", list(inputs), list(outputs), list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    assert path is not None
    onnx.save(model, str(path))
    return path


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _weight(name, shape):
    import numpy as np

    return numpy_helper.from_array(np.ones(shape, dtype=np.float32), name)


def _one_error_line(r) -> str:
    assert r.exit_code == 2
    assert "Traceback" not in r.stderr + r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.stderr
    return lines[0]


def test_a_truncated_file_is_one_line(sh, corpus, tmp_path):
    path, _model, _size = corpus("squeezenet1_0")
    cut = tmp_path / "cut.onnx"
    data = path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert "not a complete ONNX model" in _one_error_line(sh("solve", "--network", str(cut)))
    junk = tmp_path / "junk.onnx"
    junk.write_text("this is not a model\n" * 20)
    assert "junk.onnx" in _one_error_line(sh("solve", "--network", str(junk)))


def test_a_cycle_is_named(sh, tmp_path):
    path = _model(
        [helper.make_node("Relu", ["b"], ["a"]), helper.make_node("Add", ["a", "x"], ["b"])],
        [_vi("x", [1, 3, 8, 8])],
        [_vi("b", [1, 3, 8, 8])],
        path=tmp_path / "cycle.onnx",
    )
    assert _one_error_line(sh("solve", "--network", str(path))) == "Error: cycle.onnx: cycle: a → b → a"


def test_a_join_of_mismatched_shapes_names_both(sh, tmp_path):
    conv = helper.make_node("Conv", ["x", "w"], ["a"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    path = _model(
        [conv, helper.make_node("Add", ["a", "x"], ["y"])],
        [_vi("x", [1, 3, 8, 8])],
        [_vi("y", None)],
        [_weight("w", (4, 3, 3, 3))],
        path=tmp_path / "mismatch.onnx",
    )
    line = _one_error_line(sh("solve", "--network", str(path)))
    assert "add: 8x8x4 (a) and 8x8x3 (x) do not match" in line  # conv: 4 channels; the input: 3


def _with_einsum(tmp_path: Path) -> Path:
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["a"], kernel_shape=[1, 1]),
        helper.make_node("Einsum", ["a", "a"], ["e"], equation="bchw,bchw->bhw"),
        helper.make_node("Relu", ["e"], ["y"]),
    ]
    return _model(nodes, [_vi("x", [1, 3, 8, 8])], [_vi("y", None)], [_weight("w", (4, 3, 1, 1))], tmp_path / "e.onnx")


def test_unknown_ops_are_named_unless_partial(sh, run, tmp_path):
    path = _with_einsum(tmp_path)
    line = _one_error_line(sh("solve", "--network", str(path)))
    assert "ops quizgen does not know: Einsum" in line and "--partial" in line
    r = run("solve", "--network", str(path), "--partial")
    assert r.exit_code == 0, r.stderr
    assert "PARTIAL" in r.stdout and "Einsum" in r.stdout
    d = solve_json(run, path, "--partial")
    assert d["partial"] is True and d["unknown_ops"] == ["Einsum"]
    assert d["total"]["macs"] == 3 * 4 * 8 * 8  # the 1x1 conv only: k·k·C_in·C_out·H·W


def test_partial_is_only_for_onnx(run):
    r = run("solve", "--network", "lenet5", "--partial")
    assert r.exit_code == 2 and "--partial" in r.stderr


# --- reading without the weights ----------------------------------------------------------------------------------


def test_external_data_files_are_not_needed(run, corpus, tmp_path):
    path, model, size = corpus("mnasnet1_0")
    outside = tmp_path / "outside.onnx"
    onnx.save(onnx.load(str(path)), str(outside), save_as_external_data=True, location="w.bin", size_threshold=0)
    (tmp_path / "w.bin").unlink()
    d = solve_json(run, outside)
    assert d["total"]["macs"] == reference_macs(model, size)
    assert d["total"]["params"]["total"] == stored_float_elements(path)


def test_a_dynamic_batch_is_read_as_one_and_a_fixed_batch_refused(run, sh, tmp_path):
    conv = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3])
    path = _model(
        [conv], [_vi("x", ["N", 3, 8, 8])], [_vi("y", None)], [_weight("w", (4, 3, 3, 3))], tmp_path / "d.onnx"
    )
    d = solve_json(run, path)
    assert d["total"]["macs"] == 3 * 3 * 3 * 4 * 6 * 6  # k·k·C_in·C_out·H_out·W_out, H_out = 8 - 3 + 1
    fixed = _model(
        [conv], [_vi("x", [8, 3, 8, 8])], [_vi("y", None)], [_weight("w", (4, 3, 3, 3))], tmp_path / "f.onnx"
    )
    assert "batch size 8" in _one_error_line(sh("solve", "--network", str(fixed)))


@pytest.mark.parametrize("args", [["--help"], ["solve", "--network", "lenet5"]])
def test_onnx_is_imported_only_for_an_onnx_file(args):
    code = (
        "import sys\nfrom quizgen.cli import cli\n"
        f"try:\n    cli.main({args!r})\nexcept SystemExit:\n    pass\n"
        "print('ONNX LOADED' if 'onnx' in sys.modules else 'NO ONNX', file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stderr.strip().endswith("NO ONNX"), proc.stderr


def test_the_readmes_example_model(run, tmp_path):
    """README: the example's model has 5,434 parameters in PyTorch; its file stores 5,402 (BatchNorm folded)."""
    path = tmp_path / "my_model.onnx"
    subprocess.run(
        [sys.executable, str(Path(__file__).parent.parent / "examples" / "export_onnx.py"), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # conv 3·16·9 = 432, batchnorm γ β 2·16 = 32, conv 16·32·9 + 32 = 4,640, linear 32·10 + 10 = 330
    assert 432 + 32 + 4640 + 330 == 5434
    d = solve_json(run, path)
    assert d["total"]["params"]["total"] == stored_float_elements(path) == 5434 - 32
    # MACs: 3·16·9·32·32 + 16·32·9·16·16 + 32·10
    assert d["total"]["macs"] == 3 * 16 * 9 * 32 * 32 + 16 * 32 * 9 * 16 * 16 + 32 * 10
