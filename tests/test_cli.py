"""The CLI as a user meets it: the seed post's errors, every error message, exit codes."""

from __future__ import annotations

import json
import math
import re
from collections import Counter

import pytest

# --- quizgen check: the seed post's errors caught and named ---------------------------------------


def test_check_names_precedence_for_the_unparenthesised_formula(run):
    r = run("check", "conv2d in=227x227x3 out=96 k=11 s=4", "--claim", "output=217x217x96")
    assert r.exit_code == 1
    assert "output = 217x217x96 is wrong; the right value is 55x55x96" in r.stdout
    assert "precedence" in r.stdout
    # 227 - 11 + 0/4 + 1 = 217: the post's formula as written
    assert "floor((227 - 11 + 2·0)/4) + 1" in r.stdout


def test_check_3x3_example_both_wrong_and_what_would_make_it_true(run):
    r = run("check", "conv2d in=3x3x1 out=1 k=3 bias=false", "--claim", "output=2x2x1", "--claim", "macs=36")
    assert r.exit_code == 1
    assert "output = 2x2x1 is wrong; the right value is 1x1x1" in r.stdout
    # 3x3 kernel on a 3x3 input: 3*3*1*1 MACs at the single output position
    assert "macs = 36 is wrong; the right value is 9" in r.stdout
    assert "s=2 with p=1" in r.stdout
    assert "a 4x4 input" in r.stdout
    assert "follows from the claimed 2x2 output" in r.stdout


def test_check_pooling_windows_names_both_misconceptions(run):
    r = run("check", "maxpool2d in=55x55x96 k=3 s=2", "--claim", "windows=196", "--claim", "comparisons=1568")
    assert r.exit_code == 1
    # 96 channels x 27 x 27 windows, 8 comparisons each
    assert f"the right value is {96 * 27 * 27:,}" in r.stdout
    assert f"the right value is {96 * 27 * 27 * 8:,}" in r.stdout
    assert r.stdout.count("pool-stride-twice + pool-forgot-channels") == 2


def test_check_correct_claims(run):
    r = run(
        "check", "conv2d in=32x32x64 out=128 k=5 bias=false", "--claim", "macs=160563200", "--claim", "params=204800"
    )
    assert r.exit_code == 0
    assert "macs = 160563200 is correct" in r.stdout
    assert "params = 204800 is correct" in r.stdout


def test_check_forgot_bias_is_named(run):
    r = run("check", "conv2d in=227x227x3 out=96 k=11 s=4", "--claim", "params=34,848")
    assert "forgot-bias" in r.stdout
    assert "the 96 biases are missing" in r.stdout


def test_check_accepts_rounded_claims_within_their_precision(run):
    assert run("check", "conv2d in=227x227x3 out=96 k=11 s=4", "--claim", "params=34.9k").exit_code == 0
    assert run("check", "conv2d in=227x227x3 out=96 k=11 s=4", "--claim", "params=34.8k").exit_code == 1


ALEXNET_CONV1 = "conv2d in=227x227x3 out=96 k=11 s=4"
# params = 11·11·3·96 + 96 = 34,848 + 96 = 34,944; MACs = 34,848 · 55 · 55 = 105,415,200


@pytest.mark.parametrize("claim", ["params=0M", "macs=0G", "params=0.03M", "params=0B", "params=35k", "params=34,900"])
def test_check_refuses_zero_and_too_coarse_values_written_with_a_suffix(run, claim):
    r = run("check", ALEXNET_CONV1, "--claim", claim)
    assert r.exit_code == 1, r.stdout
    assert "is wrong" in r.stdout


@pytest.mark.parametrize("claim", ["params=34.9k", "params=3.49e4", "params=0.0349M", "macs=105M", "macs=0.105G"])
def test_check_accepts_a_correct_rounding_and_says_it_is_rounded(run, claim):
    r = run("check", ALEXNET_CONV1, "--claim", claim)
    assert r.exit_code == 0, r.stdout
    assert "is correct (rounded to 3 significant figures)." in r.stdout
    data = json.loads(run("check", ALEXNET_CONV1, "--claim", claim, "--json").stdout)
    assert data["claims"][0]["verdict"] == "rounded"


def test_check_says_a_correct_but_too_coarse_rounding_is_rounded_too_far(run):
    r = run("check", ALEXNET_CONV1, "--claim", "params=35k")  # 34,944 to 2 significant figures
    assert r.exit_code == 1
    assert "35k is rounded too far: a rounded answer needs at least 3 significant figures." in r.stdout
    r = run("check", ALEXNET_CONV1, "--claim", "params=36k")  # not a rounding of 34,944 at all
    assert "rounded too far" not in r.stdout


def test_check_exact_claims_are_not_called_rounded(run):
    r = run("check", ALEXNET_CONV1, "--claim", "params=3.4944e4", "--claim", "params=34,944", "--json")
    assert [c["verdict"] for c in json.loads(r.stdout)["claims"]] == ["exact", "exact"]


def test_check_a_rounded_misconception_value_is_named(run):
    # forgot-bias gives 11·11·3·96 = 34,848, which a student writes 34.8k (3 s.f.)
    r = run("check", ALEXNET_CONV1, "--claim", "params=34.8k")
    assert r.exit_code == 1
    assert "forgot-bias" in r.stdout


def _torch_window_lengths(size: int, out: int) -> list[int]:
    """PyTorch's adaptive pooling: window i spans [floor(i·in/out), ceil((i+1)·in/out))."""
    return [math.ceil((i + 1) * size / out) - math.floor(i * size / out) for i in range(out)]


def test_check_a_per_window_quantity_of_uneven_windows_has_no_single_value(run):
    # in=10, out=6: lengths 2, 3, 2, 2, 3, 2 along each axis, so 2-D windows of 4, 6 or 9 elements
    lengths = _torch_window_lengths(10, 6)
    assert lengths == [2, 3, 2, 2, 3, 2]
    counts = Counter(a * b for a in lengths for b in lengths)
    assert counts == {4: 16, 6: 16, 9: 4}
    channels = 3
    for claimed in ("0", "3", "5", "8"):  # no one value is right, not even one of the real ones
        r = run("check", "adaptivemaxpool2d in=10x10x3 size=6", "--claim", f"comparisons_per_window={claimed}")
        assert r.exit_code == 1, r.stdout
        assert (
            "comparisons_per_window has no single value here: the windows hold "
            f"4 ({counts[4] * channels}×), 6 ({counts[6] * channels}×) or 9 ({counts[9] * channels}×) elements, "
            "so 3, 5 or 8 comparisons."
        ) in r.stdout
    data = json.loads(
        run("check", "adaptivemaxpool2d in=10x10x3 size=6", "--claim", "comparisons_per_window=0", "--json").stdout
    )
    [claim] = data["claims"]
    assert claim["ok"] is False and claim["correct"] is None
    assert claim["values"] == [
        {"elements": e, "windows": counts[e] * channels, "comparisons": e - 1} for e in sorted(counts)
    ]


def test_check_a_per_window_quantity_of_even_adaptive_windows_has_one_value(run):
    assert set(_torch_window_lengths(12, 6)) == {2}  # every window 2 × 2: 4 elements, 3 comparisons
    r = run("check", "adaptivemaxpool2d in=12x12x3 size=6", "--claim", "comparisons_per_window=3")
    assert r.exit_code == 0, r.stdout
    r = run("check", "adaptivemaxpool2d in=12x12x3 size=6", "--claim", "comparisons_per_window=0")
    assert r.exit_code == 1 and "the right value is 3" in r.stdout


def test_check_json(run):
    r = run("check", "maxpool2d in=55x55x96 k=3 s=2", "--claim", "windows=196", "--json")
    data = json.loads(r.stdout)
    claim = data["claims"][0]
    assert claim["correct"] == 69984 and claim["ok"] is False
    assert claim["misconceptions"][0]["ids"] == ["pool-stride-twice", "pool-forgot-channels"]


def test_check_layout_chw_reads_claimed_shapes_channels_first(run):
    r = run("check", "--layout", "chw", "conv2d in=3x227x227 out=96 k=11 s=4", "--claim", "output=96x55x55")
    assert r.exit_code == 0, r.stdout


# --- quizgen solve ---------------------------------------------------------------------------------


def test_solve_text_shows_results_steps_and_convention(run):
    r = run("solve", "conv2d in=227x227x3 out=96 k=11 s=4")
    assert r.exit_code == 0
    assert "55 × 55 × 96" in r.stdout
    assert "34,944" in r.stdout and "105,415,200" in r.stdout
    assert "Worked steps" in r.stdout and "floor((W - K + 2P)/S) + 1" in r.stdout
    assert "Convention: compute = multiply-accumulates (MACs), bias adds excluded" in r.stdout


def test_solve_unquoted_words_are_one_spec(run):
    assert (
        run("solve", "maxpool2d", "in=55x55x96", "k=3", "s=2").stdout
        == run("solve", "maxpool2d in=55x55x96 k=3 s=2").stdout
    )


def test_solve_json_has_the_contract_fields(run):
    r = run("solve", "--json", "conv2d in=227x227x3 out=96 k=11 s=4")
    d = json.loads(r.stdout)
    assert d["spec"] == "conv2d in=227x227x3 out=96 k=11 s=4 p=0 d=1 g=1 bias=true"
    assert d["layer"] == "conv2d"
    assert d["input_shape"] == [227, 227, 3] and d["output_shape"] == [55, 55, 96]
    assert d["params"] == {"weights": 34848, "bias": 96, "trainable": 34944, "non_trainable": 0, "total": 34944}
    assert d["macs"] == 105415200 and d["flops"] == 210830400
    assert d["pool"] is None
    assert d["memory"] == {"output_elements": 290400, "output_bytes_fp32": 1161600, "params_bytes_fp32": 139776}
    assert {"title", "formula", "substituted", "result"} <= set(d["steps"][0])
    assert isinstance(d["notes"], list)


def test_solve_json_pool_fields(run):
    d = json.loads(run("solve", "--json", "maxpool2d in=55x55x96 k=3 s=2").stdout)
    assert d["pool"]["windows"] == 69984 and d["pool"]["comparisons"] == 559872
    assert d["pool"]["window_size"] == [3, 3]
    assert any("27.5" in n for n in d["notes"])  # 55/2 is fractional: the seed's count cannot be right


def test_solve_layout_chw(run):
    d = json.loads(run("solve", "--json", "--layout", "chw", "conv2d in=3x227x227 out=96 k=11 s=4").stdout)
    assert d["input_shape"] == [3, 227, 227] and d["output_shape"] == [96, 55, 55]
    assert d["spec"].startswith("conv2d in=3x227x227 ")


@pytest.mark.parametrize("count, label", [("flops", "FLOPs"), ("flops+bias", "FLOPs + bias")])
def test_solve_count_convention(run, count, label):
    r = run("solve", "--count", count, "conv2d in=227x227x3 out=96 k=11 s=4")
    assert "Convention: compute = FLOPs" in r.stdout
    if count == "flops+bias":
        assert f"{2 * 105415200 + 55 * 55 * 96:,}" in r.stdout


def test_solve_stdin_json_lines_keeps_order_and_reports_bad_lines(run):
    text = "conv2d in=32x32x3 out=16 k=3\nconv2d in=8x8x64 out=64 k=3 g=3\n\n# comment\nrelu in=8\n"
    r = run("solve", "--json", "-", input=text)
    assert r.exit_code == 2
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x.get("layer") for x in lines] == ["conv2d", None, "relu"]
    assert lines[1] == {"line": 2, "error": "conv2d: g=3 must divide in-channels 64"}


def test_solve_stdin_large_batch_in_a_real_process_matches_one_by_one(sh, run):
    specs = [f"conv2d in={n}x{n}x3 out=8 k=3 s=2" for n in range(8, 8 + 1500)] + ["conv2d in=2x2x1 out=1 k=3"]
    r = sh("solve", "--json", "-", input="\n".join(specs) + "\n")
    assert r.exit_code == 2
    lines = r.stdout.splitlines()
    assert len(lines) == len(specs)
    for i in (0, 700, 1499):
        assert lines[i] == run("solve", "--json", specs[i]).stdout.rstrip("\n")
    assert json.loads(lines[-1])["line"] == len(specs)


# --- networks --------------------------------------------------------------------------------------

PUBLISHED = {  # params, MACs as published for each network
    "vgg16": (138_357_544, 15_470_264_320),
    "alexnet": (62_378_344, 1_135_256_096),
    "lenet5": (61_706, 416_520),
    "mobilenet_v1": (4_231_976, 568_740_352),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_network_totals_equal_published_figures(run, name):
    d = json.loads(run("solve", "--network", name, "--json").stdout)
    params, macs = PUBLISHED[name]
    assert d["total"]["params"]["trainable"] == params
    assert d["total"]["macs"] == macs
    assert d["total"]["flops"] == 2 * macs
    assert d["total"]["output_shape"] == [{"lenet5": 10}.get(name, 1000)]


@pytest.mark.parametrize("name", ["lenet5", "alexnet", "vgg16", "mobilenet_v1"])
def test_network_builtins_under_layout_chw_are_read_as_written_and_shown_channels_first(run, name):
    hwc = run("solve", "--network", name, "--json")
    chw = run("solve", "--network", name, "--json", "--layout", "chw")
    assert chw.exit_code == 0, chw.stderr
    a, b = json.loads(hwc.stdout), json.loads(chw.stdout)
    assert b["total"]["params"] == a["total"]["params"] and b["total"]["macs"] == a["total"]["macs"]

    def channels_first(shape):
        return shape[-1:] + shape[:-1] if len(shape) > 1 else shape

    assert b["total"]["output_shape"] == channels_first(a["total"]["output_shape"])
    for x, y in zip(a["layers"], b["layers"], strict=True):
        assert y["output_shape"] == channels_first(x["output_shape"])
        assert y["input_shape"] == channels_first(x["input_shape"])
    text = run("solve", "--network", name, "--layout", "chw").stdout
    first = a["layers"][0]["input_shape"]  # e.g. 224x224x3 shown as 3x224x224
    assert f"input {first[-1]}x{first[0]}x{first[1]}" in text


def test_network_file_declares_its_layout(run, tmp_path):
    # conv 3x3 (p=1) keeps 32x32; pooling halves it: 16x16x8.  params = 3·3·3·8 + 8 = 224
    chw = tmp_path / "chw.txt"
    chw.write_text("# layout: chw\nconv2d in=3x32x32 out=8 k=3 p=1\nmaxpool2d k=2\n")
    hwc = tmp_path / "hwc.txt"
    hwc.write_text("# layout: hwc\nconv2d in=32x32x3 out=8 k=3 p=1\nmaxpool2d k=2\n")
    for layout in ("hwc", "chw"):
        a = json.loads(run("solve", "--network", str(chw), "--json", "--layout", layout).stdout)
        b = json.loads(run("solve", "--network", str(hwc), "--json", "--layout", layout).stdout)
        assert a["total"] == b["total"]
        assert a["total"]["params"]["total"] == 224
        assert a["total"]["output_shape"] == ([16, 16, 8] if layout == "hwc" else [8, 16, 16])
    plain = tmp_path / "plain.txt"  # no declaration: read as hwc, the default, and refused under chw
    plain.write_text("conv2d in=32x32x3 out=8 k=3 p=1\nmaxpool2d k=2\n")
    assert json.loads(run("solve", "--network", str(plain), "--json").stdout)["total"]["params"]["total"] == 224
    r = run("solve", "--network", str(plain), "--layout", "chw")
    assert r.exit_code == 2 and r.stderr.count("\n") == 1
    assert "declare the order its shapes are written in" in r.stderr and "'# layout: chw'" in r.stderr
    bad = tmp_path / "bad.txt"
    bad.write_text("# layout: nchw\nconv2d in=3x32x32 out=8 k=3\n")
    r = run("solve", "--network", str(bad))
    assert r.exit_code == 2
    assert r.stderr == "Error: bad.txt line 1: layout: nchw must be hwc or chw, once per file\n"


def test_network_activations_say_what_they_sum(run):
    # LeNet-5's outputs, batch 1: conv 28·28·6 = 4,704, relu 4,704, pool 14·14·6 = 1,176, conv 10·10·16 = 1,600,
    # relu 1,600, pool 5·5·16 = 400, conv 120, relu 120, flatten 120, linear 84, relu 84, linear 10:
    # 14,722 values, 4 bytes each = 58,888 bytes, the 4 relu and 1 flatten outputs included.
    total = 4704 * 2 + 1176 + 1600 * 2 + 400 + 120 * 3 + 84 * 2 + 10
    out = run("solve", "--network", "lenet5").stdout
    assert f"Activations (fp32, every layer's output)   {4 * total:,} bytes" in out
    assert "the outputs of 4 relu layers and 1 flatten layer included." in out
    assert (
        json.loads(run("solve", "--network", "lenet5", "--json").stdout)["total"]["activation_bytes_fp32"] == 4 * total
    )


def test_network_text_table(run):
    r = run("solve", "--network", "alexnet")
    assert "62,378,344" in r.stdout and "1,135,256,096" in r.stdout
    assert "55x55x96" in r.stdout and "6x6x256" in r.stdout


def test_network_from_file(run, tmp_path):
    f = tmp_path / "net.txt"
    f.write_text("# a tiny net\nconv2d in=28x28x1 out=8 k=3 p=1\nrelu\n\nmaxpool2d k=2\nflatten\nlinear out=10\n")
    d = json.loads(run("solve", "--network", str(f), "--json").stdout)
    assert [x["layer"] for x in d["layers"]] == ["conv2d", "relu", "maxpool2d", "flatten", "linear"]
    assert d["layers"][-1]["input_shape"] == [14 * 14 * 8]
    assert d["total"]["params"]["total"] == (9 * 8 + 8) + (14 * 14 * 8 * 10 + 10)


# --- errors: one line, names the field, the value and the rule, exit 2 -----------------------------

ERRORS = [
    ("conv2d in=8x8x3 out=4 k=0", "conv2d: k=0 must be at least 1"),
    ("conv2d in=8x8x3 out=4 k=3 s=-1", "conv2d: s=-1 must be at least 1"),
    ("conv2d in=56x56x64 out=64 k=3 g=3", "conv2d: g=3 must divide in-channels 64"),
    ("conv2d in=7x7x1 out=1 k=9", "conv2d: k=9 exceeds the padded input 7 (in=7 with p=0)"),
    (
        "conv2d in=8x8x3 out=4 k=3 p=bogus",
        "conv2d: p=bogus must be a number, one per dimension (1x2), 'same' or 'valid'",
    ),
    (
        "convtranspose2d in=8x8x3 out=4 k=3 s=2 op=2",
        "convtranspose2d: op=2 must be smaller than the stride s=2 or the dilation d=1",
    ),
    ("conv2d in=8x8x3 out=4 k=3 strid=2", "conv2d: unknown key 'strid' (did you mean 'stride'?)"),
    ("cnov2d in=8x8x3 out=4 k=3", "unknown layer 'cnov2d' (did you mean 'conv2d'?)"),
    ("conv2d out=4 k=3", "conv2d: missing in= (the input shape, e.g. in=32x32x3)"),
    ("conv2d in=8x8 out=4 k=3", "conv2d: in=8x8 must have 3 numbers (HxWxC), got 2"),
    ("maxpool2d in=8x8x3 k=2 g=2", "maxpool2d: key 'g' does not apply to maxpool2d"),
    ("maxpool2d in=8x8x3 k=3 p=2", "maxpool2d: p=2 must be at most half the kernel k=3"),
    ("conv2d in=8x8x3 out=4 k=3.5", "conv2d: k=3.5 must be a whole number"),
    ("conv2d in=32x32x3 out=8 k=3 s=2 d=2 p=same", "conv2d: p=same with s=2 and d=2"),
]


@pytest.mark.parametrize("spec, message", ERRORS)
def test_bad_spec_one_line_exit_2(run, spec, message):
    r = run("solve", spec)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("Error: " + message)
    assert r.stderr.count("\n") == 1


def test_stack_that_does_not_fit_names_the_line_and_both_shapes(run, tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("conv2d in=28x28x1 out=8 k=3\nmhsa heads=2\n")
    r = run("solve", "--network", str(f))
    assert r.exit_code == 2
    assert "bad.txt line 2: mhsa cannot take the output 26x26x8 of line 1" in r.stderr
    f.write_text("conv2d in=28x28x1 out=8 k=3\nconv2d in=28x28x8 out=8 k=3\n")
    r = run("solve", "--network", str(f))
    assert "bad.txt line 2: in=28x28x8 does not match the output 26x26x8 of line 1" in r.stderr


def test_unknown_network_and_claim_errors(run):
    r = run("solve", "--network", "vgg61")
    assert r.exit_code == 2 and "did you mean 'vgg16'" in r.stderr
    r = run("check", "conv2d in=8x8x3 out=4 k=3", "--claim", "parms=5")
    assert r.exit_code == 2 and "unknown quantity 'parms' (did you mean 'params'?)" in r.stderr
    r = run("check", "conv2d in=8x8x3 out=4 k=3", "--claim", "params=lots")
    assert r.exit_code == 2 and "'lots' is not a number" in r.stderr


def test_pooling_quantities_are_refused_for_other_layers(run):
    r = run("check", "conv2d in=8x8x3 out=4 k=3", "--claim", "windows=3")
    assert r.exit_code == 2
    assert "conv2d has no pooling windows; windows applies to pooling layers" in r.stderr


def test_usage_errors_are_one_line_too(run):
    r = run("solve", "--count", "bogus", "conv2d in=8x8x3 out=4 k=3")
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "'--count'" in r.stderr and "bogus" in r.stderr


def test_errors_in_a_real_process_have_no_traceback(sh):
    r = sh("solve", "conv2d in=8x8x3 out=4 k=0")
    assert r.exit_code == 2
    assert r.stderr == "Error: conv2d: k=0 must be at least 1\n"


# --- help and version ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [[], ["solve"], ["check"], ["worksheet"], ["kinds"], ["bank"], ["bank", "check"], ["bank", "list"]]
)
def test_every_help_has_an_example(run, command):
    r = run(*command, "--help")
    assert r.exit_code == 0
    assert "Example" in r.stdout and "quizgen " in r.stdout


@pytest.mark.parametrize("command", ["drill", "solve", "check", "worksheet", "stats", "kinds"])
def test_help_paragraphs_are_not_garbled_and_examples_are_whole_command_lines(run, command):
    r = run(command, "--help")
    assert r.exit_code == 0
    body = r.stdout.split("Options:")[0]
    prose, _sep, examples = body.partition("Example")
    for line in examples.splitlines()[1:]:
        assert not line.strip() or line.startswith(("    quizgen ", "    printf ")), repr(line)
    for paragraph in prose.split("\n\n")[1:]:  # after the usage line
        text = " ".join(line.strip() for line in paragraph.splitlines())
        assert "  " not in text, repr(paragraph)
        assert all(line.startswith("  ") and not line.startswith("   ") for line in paragraph.splitlines() if line)


def test_drill_help_shows_the_printf_example_on_one_line(run):
    out = run("drill", "--help").stdout
    example = "printf '55x55x96\\n?\\ns\\nq\\n' | quizgen drill --kind output-conv --difficulty 2 --seed 89 --db /tmp/p.sqlite3"
    assert f"    {example}\n" in out


def test_solve_in_chinese_aligns_columns_by_display_width(run):
    from wcwidth import wcswidth

    out = run("solve", "--lang", "zh", "--no-steps", "conv2d in=227x227x3 out=96 k=11 s=4").stdout
    rows = [line for line in out.splitlines()[2:] if line.startswith("  ") and line.strip()]
    assert len(rows) >= 5, out
    # the value column starts at the same display column on every row, whatever the label's script
    starts = {wcswidth(re.match(r"  \S+\s+", line).group(0)) for line in rows}
    assert len(starts) == 1, rows
    net = run("solve", "--lang", "zh", "--network", "lenet5").stdout.splitlines()
    rule = next(i for i, line in enumerate(net) if set(line) == {"-"})
    table = [line for line in net[rule : rule + 20] if line and set(line) != {"-"}][:13]  # header and 12 layers
    # the last column is right-aligned: every row, the header and the rule end at the same display column
    assert len({wcswidth(line) for line in table} | {wcswidth(net[rule])}) == 1, table
    last_rule = max(i for i, line in enumerate(net) if line and set(line) == {"-"})
    totals = net[last_rule + 1 : net.index("", last_rule)]
    assert len(totals) >= 7 and any("字节" in line for line in totals), totals
    assert len({wcswidth(line) for line in totals}) == 1, totals


def test_version(run, sh):
    from quizgen import __version__

    assert run("--version").stdout.strip() == f"quizgen {__version__}"
    assert sh("--version").stdout.strip() == f"quizgen {__version__}"


def test_help_does_not_import_jinja2(sh):
    import subprocess
    import sys

    code = "import sys; from quizgen.cli import cli\ntry:\n  cli(['--help'])\nexcept SystemExit: pass\nprint('jinja2' in sys.modules, 'quizgen.arith.solver' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_same_input_same_bytes(sh):
    a = sh("solve", "--network", "mobilenet_v1", "--json").stdout
    b = sh("solve", "--network", "mobilenet_v1", "--json").stdout
    assert a == b and len(a) > 1000


def test_lazy_command_table_matches_the_commands():
    import click

    from quizgen.cli import COMMANDS, cli

    ctx = click.Context(cli)
    for name, short in COMMANDS.items():
        assert cli.get_command(ctx, name).get_short_help_str(500) == short


def test_solve_layout_chw_works_the_shape_step_channels_first(run):
    """--layout chw prints shapes as C × H × W, and so does the worked step that builds the shape."""
    # by hand: H_out = 32 - 3 + 1 = 30, W_out = 48 - 3 + 1 = 46, 16 channels
    r = run("solve", "--layout", "chw", "conv2d in=3x32x48 out=16 k=3")
    assert r.exit_code == 0
    lines = [line.strip() for line in r.stdout.splitlines()]
    at = lines.index("3. Output shape")
    assert lines[at + 1 : at + 3] == ["C_out × H_out × W_out", "= 16 × 30 × 46"]
    r = run("solve", "--layout", "chw", "--json", "maxpool2d in=8x32x48 k=2")
    step = next(s for s in json.loads(r.stdout)["steps"] if s["title"] == "Output shape")
    assert (step["formula"], step["result"]) == ("C × H_out × W_out", "8 × 16 × 24")
    hwc = run("solve", "conv2d in=32x48x3 out=16 k=3").stdout  # the default order is unchanged
    assert "H_out × W_out × C_out" in hwc and "= 30 × 46 × 16" in hwc
