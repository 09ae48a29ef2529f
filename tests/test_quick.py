"""Quick sheets through the CLI: ``quizgen worksheet --kind … --problems N --difficulty D --form F``, no YAML.

A quick sheet is split into one section per kind, in the order given, the problems shared evenly
(the first kinds take the remainder).  Its code captures the options, and the key prints the command
that remakes the sheet, so a teacher holding only the key gets the same files back.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

#: A sheet's code as printed: recipe fingerprint, seed, options and check digit (DESIGN §7b).
CODE = r"(?:[0-9A-F]{3}|Q[0-9A-F]+)-[0-9A-F]{8}-[0-9A-F]{2,}"
QUICK = ("--kind", "params-conv", "--kind", "macs-conv", "--problems", "10", "--difficulty", "2", "--form", "choice")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def worksheet_json(run, folder: Path, *args: str) -> dict:
    r = run("worksheet", *args, "--format", "json", "-o", str(folder))
    assert r.exit_code == 0, r.stderr
    return json.loads((folder / "worksheet.json").read_text(encoding="utf-8"))["worksheet"]


def code_of(folder: Path, name: str = "worksheet.md") -> str:
    m = re.search(CODE, (folder / name).read_text(encoding="utf-8"))
    assert m, f"no code in {name}"
    return m.group(0)


def test_the_issue_s_command_makes_a_sheet_of_both_kinds(run, tmp_path):
    sheet = worksheet_json(run, tmp_path, *QUICK)
    # 10 problems over 2 kinds: 5 and 5, params-conv first as given.
    assert [s["title"] for s in sheet["sections"]] == ["Parameters: convolution", "Compute: convolution"]
    assert [len(s["problems"]) for s in sheet["sections"]] == [5, 5]
    assert [p["kind"] for p in sheet["problems"]] == ["params-conv"] * 5 + ["macs-conv"] * 5
    assert {p["difficulty"] for p in sheet["problems"]} == {2}
    assert {p["form"] for p in sheet["problems"]} == {"choice"}
    assert all(len(part["choices"]) == 4 for p in sheet["problems"] for part in p["parts"])
    assert sheet["recipe"] == "quick"
    assert sheet["title"] == "Practice — Parameters: convolution · Compute: convolution"
    assert re.fullmatch(CODE, sheet["code"])


def test_problems_are_shared_evenly_in_the_order_given(run, tmp_path):
    args = ("--kind", "pool-ops", "--kind", "output-conv", "--kind", "params-linear", "--problems", "10")
    sheet = worksheet_json(run, tmp_path, *args)
    # 10 = 3 × 3 + 1: the first kind takes the one left over, so 4, 3, 3.
    assert [len(s["problems"]) for s in sheet["sections"]] == [4, 3, 3]
    assert [p["kind"] for p in sheet["problems"]] == ["pool-ops"] * 4 + ["output-conv"] * 3 + ["params-linear"] * 3
    assert [s["title"] for s in sheet["sections"]] == [
        "Pooling operations",
        "Output size: convolution",
        "Parameters: fully connected",
    ]
    # The defaults: numeric answers at difficulty 2.
    assert {p["form"] for p in sheet["problems"]} == {"numeric"}
    assert {p["difficulty"] for p in sheet["problems"]} == {2}


def test_one_kind_and_a_kind_given_twice(run, tmp_path):
    one = worksheet_json(run, tmp_path / "one", "--kind", "memory", "--problems", "3")
    assert [p["kind"] for p in one["problems"]] == ["memory"] * 3
    twice = worksheet_json(run, tmp_path / "twice", "--kind", "memory", "--kind", "memory", "--problems", "3")
    assert twice == one


def test_many_kinds_are_counted_in_the_title(run, tmp_path):
    kinds = ("output-conv", "output-pool", "params-conv", "macs-conv", "pool-ops")
    sheet = worksheet_json(run, tmp_path, *(a for k in kinds for a in ("--kind", k)), "--problems", "5")
    assert sheet["title"] == "Practice — 5 kinds"
    assert [len(s["problems"]) for s in sheet["sections"]] == [1, 1, 1, 1, 1]


def test_instructions_are_true_for_the_layers_drawn(run, tmp_path):
    """Levels 1–2 draw 2d layers, whose shapes are height × width × channels; level 3 may draw 1d or 3d ones."""
    two = worksheet_json(run, tmp_path / "two", "--kind", "output-conv", "--kind", "output-pool", "--problems", "20")
    assert "height × width × channels" in two["instructions"]
    inputs = [re.search(r"in=(\S+)", p["spec"]).group(1) for p in two["problems"]]
    assert all(s.count("x") == 2 for s in inputs), inputs  # H x W x C
    three = worksheet_json(
        run, tmp_path / "three", "--kind", "output-conv", "--difficulty", "3", "--problems", "30", "--seed", "3"
    )
    assert "height × width × channels" not in three["instructions"]
    assert "spatial sizes first, then the channels" in three["instructions"]


def test_same_options_same_code_and_bytes_other_options_other_codes(run, tmp_path):
    variations = {
        "base": QUICK,
        "again": QUICK,
        "order": ("--kind", "macs-conv", "--kind", "params-conv", *QUICK[4:]),
        "problems": (*QUICK[:5], "9", *QUICK[6:]),
        "difficulty": (*QUICK[:7], "3", *QUICK[8:]),
        "form": (*QUICK[:9], "numeric"),
        "kinds": ("--kind", "params-conv", *QUICK[4:]),
    }
    codes, files = {}, {}
    for name, args in variations.items():
        assert run("worksheet", *args, "--format", "html", "-o", str(tmp_path / name)).exit_code == 0
        codes[name], files[name] = code_of(tmp_path / name, "worksheet.html"), files_of(tmp_path / name)
    assert codes["base"] == codes["again"]
    assert files["base"] == files["again"]
    others = [codes[n] for n in variations if n != "again"]
    assert len(set(others)) == len(others), codes
    # The options live in the code's first part (Q and the options); the seed part is the same.
    assert len({c.split("-")[0] for c in others}) == len(others)
    default = tmp_path / "default"
    assert run("worksheet", "-o", str(default)).exit_code == 0
    assert code_of(default).split("-")[0] not in {c.split("-")[0] for c in others}


def test_the_key_prints_the_command_that_remakes_the_sheet_byte_for_byte(run, tmp_path):
    first = tmp_path / "first"
    assert run("worksheet", *QUICK, "--seed", "9", "--count", "flops", "-o", str(first)).exit_code == 0
    code = code_of(first)
    key = (first / "key.md").read_text(encoding="utf-8")
    m = re.search(r"`(quizgen worksheet [^`]*)`", key)
    assert m, key[:600]
    command = shlex.split(m.group(1))
    assert command == ["quizgen", "worksheet", *QUICK, "--code", code]
    # A teacher with only the key runs that command: the same sheet and key, --count restored by the code.
    again = tmp_path / "again"
    r = run(*command[1:], "-o", str(again))
    assert r.exit_code == 0, r.stderr
    assert files_of(again) == files_of(first)
    assert "FLOPs" in (again / "worksheet.md").read_text(encoding="utf-8")
    html = tmp_path / "html"
    assert run("worksheet", *QUICK, "--seed", "9", "--format", "html", "-o", str(html)).exit_code == 0
    shown = re.sub(r"<[^>]+>", "", (html / "key.html").read_text(encoding="utf-8"))  # the text a reader sees
    assert f"quizgen worksheet {' '.join(QUICK)} --code {code_of(html, 'key.html')}" in shown


def test_code_with_other_options_is_refused(run, tmp_path):
    run("worksheet", *QUICK, "-o", str(tmp_path / "a"))
    code = code_of(tmp_path / "a")
    r = run("worksheet", "--kind", "params-conv", "--problems", "10", "--code", code, "-o", str(tmp_path / "b"))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: --code {code}: this code was not made with these options; leave out --kind, --problems, "
        "--difficulty and --form (a quick sheet's code holds them), or give the recipe it was made from\n"
    )
    assert not (tmp_path / "b").exists()


def test_the_code_alone_remakes_a_quick_sheet_and_its_key(run, tmp_path):
    """A teacher holding only a student's printed sheet (its code on every page) gets the key back."""
    assert (
        run("worksheet", *QUICK, "--seed", "5", "--lang", "zh", "--space", "large", "-o", str(tmp_path / "a")).exit_code
        == 0
    )
    code = code_of(tmp_path / "a")
    assert code.startswith("Q")
    r = run("worksheet", "--code", code, "-o", str(tmp_path / "b"))
    assert r.exit_code == 0, r.stderr
    assert files_of(tmp_path / "b") == files_of(tmp_path / "a")
    # a code with one digit changed is refused by its check digit, not read as other options
    wrong = code[:2] + ("0" if code[2] != "0" else "1") + code[3:]
    r = run("worksheet", "--code", wrong, "-o", str(tmp_path / "c"))
    assert r.exit_code == 2 and "check digit" in r.stderr
    r = run("worksheet", "default", "--code", code, "-o", str(tmp_path / "d"))
    assert (r.exit_code, r.stderr) == (
        2,
        f"Error: --code {code}: is a quick sheet's code (made with --kind); leave out default\n",
    )


def test_variants_and_roster_of_a_quick_sheet(run, tmp_path):
    r = run("worksheet", *QUICK, "--variants", "3", "-o", str(tmp_path / "v"))
    assert r.exit_code == 0, r.stderr
    assert set(files_of(tmp_path / "v")) == {
        "worksheet-1.md",
        "worksheet-2.md",
        "worksheet-3.md",
        "key.md",
        "grid.csv",
        "grid.html",
    }
    codes = [code_of(tmp_path / "v", f"worksheet-{i}.md") for i in (1, 2, 3)]
    assert len(set(codes)) == 3
    key = (tmp_path / "v" / "key.md").read_text(encoding="utf-8")
    for code in codes:
        assert f"--form choice --code {code}`" in key
    roster = tmp_path / "students.csv"
    roster.write_text("name\nAda Lovelace\nGrace Hopper\n", encoding="utf-8")
    r = run("worksheet", *QUICK, "--roster", str(roster), "-o", str(tmp_path / "r"))
    assert r.exit_code == 0, r.stderr
    assert "Grace Hopper" in (tmp_path / "r" / "worksheet-grace-hopper.md").read_text(encoding="utf-8")


def test_code_restores_the_language_of_a_quick_sheet(run, tmp_path):
    zh = worksheet_json(run, tmp_path / "zh", "--lang", "zh", *QUICK)
    # The title names the kinds as the sections do, in Chinese, whatever the language the code is read in.
    assert all(s["title"] in zh["title"] for s in zh["sections"])
    assert "Parameters" not in zh["title"]
    again = tmp_path / "again"
    r = run("worksheet", *QUICK, "--code", zh["code"], "--format", "json", "-o", str(again))
    assert r.exit_code == 0, r.stderr
    assert files_of(again) == files_of(tmp_path / "zh")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("banks/default.yaml", "--kind", "params-conv"),
            "Error: give either RECIPE (banks/default.yaml) or --kind (a quick sheet without a recipe), not both\n",
        ),
        (
            ("--kind", "params_conv"),
            "Error: --kind params_conv: is not a problem kind (did you mean 'params-conv'?); "
            "'quizgen kinds' lists them\n",
        ),
        (
            ("--kind", "macs-conv", "--kind", "pool-opps"),
            "Error: --kind pool-opps: is not a problem kind (did you mean 'pool-ops'?); 'quizgen kinds' lists them\n",
        ),
        (
            ("--kind", "memory", "--problems", "0"),
            "Error: Invalid value for '--problems': 0 is not in the range 1<=x<=1000.\n",
        ),
        (
            ("--kind", "memory", "--problems", "1001"),
            "Error: Invalid value for '--problems': 1001 is not in the range 1<=x<=1000.\n",
        ),
        (
            ("--kind", "memory", "--kind", "pool-ops", "--problems", "1"),
            "Error: --problems 1: fewer than the 2 kinds given; each kind needs at least one problem\n",
        ),
        (
            ("--kind", "memory", "--difficulty", "4"),
            "Error: Invalid value for '--difficulty': 4 is not in the range 1<=x<=3.\n",
        ),
        (
            ("--kind", "memory", "--form", "essay"),
            "Error: Invalid value for '--form': 'essay' is not one of 'numeric', 'choice'.\n",
        ),
        (
            ("--problems", "5"),
            "Error: --problems 5: goes with --kind (a quick sheet); a recipe's sections set their own\n",
        ),
        (
            ("--form", "choice"),
            "Error: --form choice: goes with --kind (a quick sheet); a recipe's sections set their own\n",
        ),
    ],
)
def test_bad_quick_options_are_one_line_exit_2(run, tmp_path, args, message):
    r = run("worksheet", *args, "-o", str(tmp_path / "out"))
    assert (r.exit_code, r.stderr) == (2, message)
    assert not (tmp_path / "out").exists()


def test_library_call_makes_the_same_files(run, tmp_path):
    """``make_worksheets`` is the command as a function: the same options, the same files."""
    from quizgen.cli.worksheet import make_worksheets

    assert run("worksheet", *QUICK, "-o", str(tmp_path / "cli")).exit_code == 0
    make_worksheets(
        None,
        kinds=["params-conv", "macs-conv"],
        problems=10,
        difficulty=2,
        form="choice",
        outdir=str(tmp_path / "lib"),
    )
    assert files_of(tmp_path / "lib") == files_of(tmp_path / "cli")


def test_every_kind_can_be_named_by_a_quick_code(run, tmp_path):
    """A quick sheet's code names its kinds by their place in CODE_KINDS: a kind missing there cannot be made."""
    from quizgen.problems import kinds

    for kind_id in sorted(kinds.REGISTRY):
        out = tmp_path / kind_id
        r = run("worksheet", "--kind", kind_id, "--problems", "1", "--format", "json", "-o", str(out))
        assert r.exit_code == 0, (kind_id, r.stderr)
        code = json.loads((out / "key.json").read_text(encoding="utf-8"))["keys"][0]["code"]
        again = run("worksheet", "--code", code, "--format", "json", "-o", str(tmp_path / f"{kind_id}-again"))
        assert again.exit_code == 0, (kind_id, again.stderr)
        assert (tmp_path / f"{kind_id}-again" / "key.json").read_bytes() == (out / "key.json").read_bytes()
