"""Worksheets through the CLI, on real files: determinism, golden files, variants, codes, templates, safety."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from quizgen.kinds import REGISTRY


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_same_seed_same_bytes_different_seed_different_problems(run, tmp_path, fmt):
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        r = run("worksheet", "--seed", seed, "--format", fmt, "-o", str(tmp_path / name))
        assert r.exit_code == 0, r.stderr
    a, b, c = (files_of(tmp_path / n) for n in "abc")
    assert set(a) == {f"worksheet.{fmt}", f"key.{fmt}"}
    assert a == b
    assert a[f"worksheet.{fmt}"] != c[f"worksheet.{fmt}"]


def test_same_seed_same_bytes_across_processes(sh, tmp_path):
    for name in "ab":
        assert sh("worksheet", "--seed", "3", "--format", "html", "-o", str(tmp_path / name)).exit_code == 0
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden_worksheet_and_key(run, tmp_path, golden, fmt):
    assert run("worksheet", "--seed", "42", "--format", fmt, "-o", str(tmp_path)).exit_code == 0
    golden(f"worksheet-seed42.{fmt}", (tmp_path / f"worksheet.{fmt}").read_text(encoding="utf-8"))
    golden(f"key-seed42.{fmt}", (tmp_path / f"key.{fmt}").read_text(encoding="utf-8"))


def test_default_recipe_is_a_ten_problem_mixed_sheet(run, tmp_path):
    run("worksheet", "--format", "json", "-o", str(tmp_path))
    sheet = json.loads((tmp_path / "worksheet.json").read_text())["worksheet"]
    assert len(sheet["problems"]) == 10
    assert len({p["kind"] for p in sheet["problems"]}) >= 8
    assert all("answer" not in part for p in sheet["problems"] for part in p["parts"])
    key = json.loads((tmp_path / "key.json").read_text())["keys"][0]
    assert all("answer" in part for p in key["problems"] for part in p["parts"])
    assert all(p["steps"] for p in key["problems"])


def test_multiple_choice_has_four_distinct_options_and_explains_distractors(run, tmp_path):
    run("worksheet", "--format", "json", "-o", str(tmp_path))
    key = json.loads((tmp_path / "key.json").read_text())["keys"][0]
    choice_parts = [part for p in key["problems"] if p["form"] == "choice" for part in p["parts"] if "choices" in part]
    assert choice_parts
    for part in choice_parts:
        values = [json.dumps(c["value"]) for c in part["choices"]]
        assert len(values) in (3, 4) and len(values) == len(set(values))
        assert sum(c["correct"] for c in part["choices"]) == 1
        assert all(c["why"] for c in part["choices"] if not c["correct"])


def test_key_says_why_the_bias_distractor_is_wrong(run, tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "recipe: bias\nsections:\n  - kind: params-conv\n    count: 3\n    difficulty: 2\n    form: choice\n"
    )
    run("worksheet", str(recipe), "-o", str(tmp_path / "out"))
    key = (tmp_path / "out" / "key.md").read_text()
    assert re.search(r"the weight count only; the [\d,]+ biases are missing", key)


def test_variants_give_one_sheet_each_and_a_combined_key(run, tmp_path):
    r = run("worksheet", "--variants", "3", "-o", str(tmp_path))
    assert r.exit_code == 0
    names = sorted(files_of(tmp_path))
    assert names == ["key.md", "worksheet-1.md", "worksheet-2.md", "worksheet-3.md"]
    codes = [
        re.search(r"\*\*Sheet ([0-9A-F]{2}-[0-9A-F]{8})\*\*", (tmp_path / n).read_text()).group(1) for n in names[1:]
    ]
    assert len(set(codes)) == 3
    key = (tmp_path / "key.md").read_text()
    assert all(code in key for code in codes)


def test_code_regenerates_the_same_sheet_and_key(run, tmp_path):
    run("worksheet", "--variants", "2", "--seed", "9", "-o", str(tmp_path / "all"))
    sheet = (tmp_path / "all" / "worksheet-2.md").read_text()
    code = re.search(r"\*\*Sheet ([0-9A-F]{2}-[0-9A-F]{8})\*\*", sheet).group(1)
    r = run("worksheet", "--code", code, "-o", str(tmp_path / "one"))
    assert r.exit_code == 0
    assert (tmp_path / "one" / "worksheet.md").read_text() == sheet
    assert code in (tmp_path / "one" / "key.md").read_text()


def test_code_from_another_recipe_is_refused(run, tmp_path):
    recipe = tmp_path / "other.yaml"
    recipe.write_text("recipe: other\nsections:\n  - kind: output-conv\n")
    r = run("worksheet", str(recipe), "--code", "00-12345678", "-o", str(tmp_path / "o"))
    assert r.exit_code == 2 and "made from another recipe" in r.stderr


def test_roster_names_the_sheets(run, tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("id,name\ns1,Ada Lovelace\ns2,李雷\n", encoding="utf-8")
    r = run("worksheet", "--roster", str(roster), "--format", "html", "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    names = sorted(files_of(tmp_path / "out"))
    assert names == ["key.html", "worksheet-ada-lovelace.html", "worksheet-李雷.html"]
    assert "Ada Lovelace" in (tmp_path / "out" / "worksheet-ada-lovelace.html").read_text()


def test_html_is_self_contained_and_escapes_bank_text(run, tmp_path):
    bank = tmp_path / "evil.yaml"
    bank.write_text(
        'bank: evil\nproblems:\n  - id: x\n    text: "<script>alert(1)</script> A & B"\n'
        "    spec: conv2d in=8x8x3 out=4 k=3\n    ask: [output]\n"
    )
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f'recipe: r\ntitle: "<b>Title</b>"\nsections:\n  - bank: {bank}\n')
    r = run("worksheet", str(recipe), "--format", "html", "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    html = (tmp_path / "out" / "worksheet.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; A &amp; B" in html
    assert "&lt;b&gt;Title&lt;/b&gt;" in html
    key = (tmp_path / "out" / "key.html").read_text()
    assert "<math" in key
    for text in (html, key):
        assert not re.search(r"(src|href)=\"?(https?:)?//", text)
        assert "<link" not in text


def test_template_dir_overrides_one_template(run, tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "worksheet.md.j2").write_text("CUSTOM {{ sheet.code }} {{ sheet.problems | length }}\n")
    r = run("worksheet", "--template-dir", str(tmp_path / "t"), "-o", str(tmp_path / "out"))
    assert r.exit_code == 0
    assert re.fullmatch(r"CUSTOM [0-9A-F]{2}-[0-9A-F]{8} 10\n", (tmp_path / "out" / "worksheet.md").read_text())
    assert (tmp_path / "out" / "key.md").read_text().startswith("# Answer key")


def test_strict_undefined_is_one_line_and_writes_nothing(run, tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "key.md.j2").write_text("{{ no_such_thing }}\n")
    r = run("worksheet", "--template-dir", str(tmp_path / "t"), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: template key.md.j2: 'no_such_thing' is undefined")
    assert r.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_existing_different_file_is_kept_unless_forced(run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "key.md").write_text("my notes\n")
    r = run("worksheet", "-o", str(out))
    assert r.exit_code == 2 and "key.md already exists" in r.stderr
    assert (out / "key.md").read_text() == "my notes\n"
    assert not (out / "worksheet.md").exists()
    assert run("worksheet", "-o", str(out), "--force").exit_code == 0
    assert (out / "key.md").read_text().startswith("# Answer key")
    assert run("worksheet", "-o", str(out)).exit_code == 0  # identical content: nothing lost, nothing refused


def test_bank_check_flags_exactly_the_seed_posts_errors(run):
    r = run("bank", "check", "banks/seed-post.yaml")
    assert r.exit_code == 1
    wrong = [line for line in r.stdout.splitlines() if line.startswith("✗")]
    assert [w.split(" is wrong")[0] for w in wrong] == [
        "✗ output-formula: output = 217x217x96",
        "✗ one-image-one-map: output = 2x2x1",
        "✗ one-image-one-map: macs = 36",
        "✗ max-pool-example: windows = 196",
    ]
    assert "precedence" in r.stdout and "pool-stride-twice + pool-forgot-channels" in r.stdout
    assert "right value is 55x55x96" in r.stdout and "right value is 69,984" in r.stdout
    assert "✓ many-to-many: macs = 160563200" in r.stdout


def test_bank_check_confirms_the_classic_networks(run):
    r = run("bank", "check", "classic-networks")
    assert r.exit_code == 0 and "0 wrong" in r.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "bank: b\nproblems:\n  - id: a\n    spec: conv2d in=8x8x3 out=4 k=9\n",
            "problems[0] (a): field 'spec': conv2d: k=9 exceeds the padded input 8",
        ),
        (
            "bank: b\nproblems:\n  - id: a\n    spec: conv2d in=8x8x3 out=4 k=3\n    claimed: {parms: 3}\n",
            "problems[0] (a): field 'claimed': parms=3: unknown quantity 'parms'",
        ),
        (
            "bank: b\nproblems:\n  - id: a\n    spce: conv2d in=8x8x3 out=4 k=3\n",
            "problems[0] (a): unknown field 'spce' (did you mean 'spec'?)",
        ),
        (
            "recipe: r\nsections:\n  - kind: output-conv\n    difficulty: 4\n",
            "sections[0]: field 'difficulty': 4 must be a whole number from 1 to 3",
        ),
        (
            "recipe: r\nsections:\n  - kind: outptu-conv\n",
            "sections[0]: field 'kind': 'outptu-conv' is not a problem kind",
        ),
        ("recipe: r\nsections: [\n", "line 3: not valid YAML"),
    ],
)
def test_bad_banks_name_file_entry_and_field(run, tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    command = (
        ("bank", "check", str(path))
        if content.startswith("bank")
        else ("worksheet", str(path), "-o", str(tmp_path / "o"))
    )
    r = run(*command)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {path}: {message}"), r.stderr
    assert r.stderr.count("\n") == 1


def test_kinds_lists_every_kind_with_an_example(run):
    r = run("kinds")
    assert r.exit_code == 0
    for kind_id in REGISTRY:
        assert f"\n{kind_id} " in "\n" + r.stdout
    assert r.stdout.count("e.g.") == len(REGISTRY)


def test_bank_list(run):
    r = run("bank", "list")
    assert "seed-post" in r.stdout and "classic-networks" in r.stdout and "default" in r.stdout


def test_count_convention_reaches_the_problems(run, tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: c\nsections:\n  - kind: macs-conv\n    count: 2\n    difficulty: 2\n")
    run("worksheet", str(recipe), "--count", "flops", "-o", str(tmp_path / "o"))
    sheet = (tmp_path / "o" / "worksheet.md").read_text()
    assert "FLOPs = 2 × MACs" in sheet and "**a)** FLOPs" in sheet


def test_every_kind_at_every_difficulty_makes_a_sheet(run, tmp_path):
    lines = ["recipe: all", "sections:"]
    for kind_id in REGISTRY:
        for d in (1, 2, 3):
            lines += [f"  - kind: {kind_id}", f"    difficulty: {d}", "    count: 2", "    form: choice"]
    (tmp_path / "all.yaml").write_text("\n".join(lines) + "\n")
    for fmt in ("md", "html"):
        r = run("worksheet", str(tmp_path / "all.yaml"), "--format", fmt, "-o", str(tmp_path / fmt))
        assert r.exit_code == 0, r.stderr


def test_key_explains_the_sources_own_wrong_claims(run, tmp_path):
    recipe = tmp_path / "errata.yaml"
    recipe.write_text(
        "recipe: errata\nsections:\n  - bank: seed-post\n    entries: [one-image-one-map, max-pool-example]\n"
    )
    assert run("worksheet", str(recipe), "-o", str(tmp_path / "o")).exit_code == 0
    key = (tmp_path / "o" / "key.md").read_text()
    assert "- Not 2 × 2 × 1: the source's value; it would be right with a 4x4 input" in key
    assert "- Not 36: the source's value; it follows from its wrong 2x2 output" in key
    assert "- Not 196: the output size was divided by the stride again" in key
