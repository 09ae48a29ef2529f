"""Worksheets through the CLI, on real files: determinism, golden files, variants, codes, templates, safety."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from quizgen.problems.kinds import REGISTRY

#: A sheet's code as printed: recipe fingerprint, seed, options and check digit (DESIGN §7b).
CODE = r"[0-9A-F]{3}-[0-9A-F]{8}-[0-9A-F]{2,}"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


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
    assert names == ["grid.csv", "grid.html", "key.md", "worksheet-1.md", "worksheet-2.md", "worksheet-3.md"]
    codes = [re.search(rf"\*\*Sheet ({CODE})\*\*", (tmp_path / n).read_text()).group(1) for n in names[3:]]
    assert len(set(codes)) == 3
    key = (tmp_path / "key.md").read_text()
    assert all(code in key for code in codes)


def test_code_regenerates_the_same_sheet_and_key(run, tmp_path):
    run("worksheet", "--variants", "2", "--seed", "9", "-o", str(tmp_path / "all"))
    sheet = (tmp_path / "all" / "worksheet-2.md").read_text()
    code = re.search(rf"\*\*Sheet ({CODE})\*\*", sheet).group(1)
    r = run("worksheet", "--code", code, "-o", str(tmp_path / "one"))
    assert r.exit_code == 0
    assert (tmp_path / "one" / "worksheet.md").read_text() == sheet
    assert code in (tmp_path / "one" / "key.md").read_text()


def test_code_from_another_recipe_is_refused(run, tmp_path):
    run("worksheet", "-o", str(tmp_path / "default"))
    code = sheet_code(tmp_path / "default" / "worksheet.md")
    recipe = tmp_path / "other.yaml"
    recipe.write_text("recipe: other\nsections:\n  - kind: output-conv\n")
    r = run("worksheet", str(recipe), "--code", code, "-o", str(tmp_path / "o"))
    assert r.exit_code == 2 and "made from another recipe" in r.stderr


def sheet_code(path: Path) -> str:
    return re.search(rf"({CODE})", path.read_text(encoding="utf-8")).group(1)


# --- sheet codes (DESIGN §7b) -----------------------------------------------------------------------


def damm16_ok(digits: str) -> bool:
    """Damm's check over GF(16) (x^4 + x + 1), written here from the definition x * y = 2x + y."""
    interim = 0
    for d in digits:
        doubled = interim << 1
        interim = (doubled ^ 0b10011 if doubled & 0b10000 else doubled) ^ int(d, 16)
    return interim == 0


def typos(code: str) -> list[str]:
    """Every single-character substitution (by a digit, a letter or '-') and every adjacent swap of ``code``."""
    out = []
    for i, ch in enumerate(code):
        for other in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-":
            if other != ch:
                out.append(code[:i] + other + code[i + 1 :])
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            out.append(code[:i] + code[i + 1] + code[i] + code[i + 2 :])
    return out


def test_every_typo_of_a_code_is_refused(tmp_path):
    from quizgen.errors import QuizgenError
    from quizgen.problems import codes
    from quizgen.problems import sheet as worksheet

    recipe = worksheet.load_recipe("default")
    printed = []
    for seed, count, lang in ((1, "macs", "en"), (9, "flops", "zh"), (12345, "flops+bias", "en")):
        options = codes.SheetOptions(count, lang)
        code = codes.make_code(recipe, worksheet.derive_seed(recipe, seed, ""), options)
        assert damm16_ok(code.replace("-", "")), code
        assert codes.parse_code(recipe, code)[1] == options
        printed.append(code)
    for code in printed:
        for typo in typos(code):
            with pytest.raises(QuizgenError) as exc:
                codes.parse_code(recipe, typo)
            assert str(exc.value).startswith(f"--code {typo}: ")
            assert "\n" not in str(exc.value)


def test_a_mistyped_code_is_one_line_exit_2(run, tmp_path):
    run("worksheet", "-o", str(tmp_path / "a"))
    code = sheet_code(tmp_path / "a" / "worksheet.md")
    last = code[-1]
    typo = code[:-1] + ("0" if last != "0" else "1")
    r = run("worksheet", "--code", typo, "-o", str(tmp_path / "b"))
    assert r.exit_code == 2
    assert (
        r.stderr
        == f"Error: --code {typo}: its check digit (the last) does not match the others, so the code has a typo; "
        "copy it again from the sheet\n"
    )
    r = run("worksheet", "--code", "37-7C049FFC", "-o", str(tmp_path / "b"))
    assert r.exit_code == 2 and r.stderr.startswith("Error: --code 37-7C049FFC: must look like ")
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("option", [("--count", "flops"), ("--count", "flops+bias"), ("--lang", "zh")])
def test_code_restores_count_and_lang(run, tmp_path, option):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: c\nsections:\n  - kind: macs-conv\n    count: 2\n    difficulty: 2\n")
    run("worksheet", str(recipe), "--format", "json", "-o", str(tmp_path / "plain"))
    run("worksheet", str(recipe), *option, "--format", "json", "-o", str(tmp_path / "opt"))
    plain = json.loads((tmp_path / "plain" / "key.json").read_text())["keys"][0]
    opt = json.loads((tmp_path / "opt" / "key.json").read_text())["keys"][0]
    assert plain["code"] != opt["code"]
    if option[1] == "flops":  # the same layers, and FLOPs = 2 x MACs (DESIGN §3)
        assert [p["spec"] for p in plain["problems"]] == [p["spec"] for p in opt["problems"]]
        for a, b in zip(plain["problems"], opt["problems"]):
            assert b["parts"][0]["answer"] == 2 * a["parts"][0]["answer"]
    r = run("worksheet", str(recipe), "--code", opt["code"], "--format", "json", "-o", str(tmp_path / "again"))
    assert r.exit_code == 0, r.stderr
    assert files_of(tmp_path / "again") == files_of(tmp_path / "opt")
    for fmt in ("md", "html"):
        run("worksheet", str(recipe), *option, "--format", fmt, "-o", str(tmp_path / f"opt-{fmt}"))
        r = run("worksheet", str(recipe), "--code", opt["code"], "--format", fmt, "-o", str(tmp_path / f"re-{fmt}"))
        assert r.exit_code == 0, r.stderr
        assert files_of(tmp_path / f"re-{fmt}") == files_of(tmp_path / f"opt-{fmt}")


def test_code_with_a_different_option_is_refused(run, tmp_path):
    run("worksheet", "--count", "flops", "-o", str(tmp_path / "a"))
    code = sheet_code(tmp_path / "a" / "worksheet.md")
    r = run("worksheet", "--code", code, "--count", "macs", "-o", str(tmp_path / "b"))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: --count macs: the sheet with code {code} was made with --count flops; "
        "leave out --count (the code restores it)\n"
    )
    assert run("worksheet", "--code", code, "--count", "flops", "-o", str(tmp_path / "c")).exit_code == 0


def test_edited_recipe_changes_the_code_and_refuses_the_old_one(run, tmp_path):
    recipe = tmp_path / "week3.yaml"
    recipe.write_text("recipe: week3\nsections:\n  - kind: output-conv\n    count: 2\n")
    run("worksheet", str(recipe), "-o", str(tmp_path / "before"))
    old = sheet_code(tmp_path / "before" / "worksheet.md")
    recipe.write_text("recipe: week3\nsections:\n  - kind: output-conv\n    count: 3\n")
    run("worksheet", str(recipe), "-o", str(tmp_path / "after"))
    new = sheet_code(tmp_path / "after" / "worksheet.md")
    assert old != new
    r = run("worksheet", str(recipe), "--code", old, "-o", str(tmp_path / "again"))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: --code {old}: this code was made from another recipe, or from 'week3' before it was edited "
        "(the recipe's content is part of the code)\n"
    )


def test_roster_code_keeps_the_students_name(run, tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("id,name\ns1,Ada Lovelace\ns2,李雷\ns3,Grace Hopper\n", encoding="utf-8")
    run("worksheet", "--roster", str(roster), "--seed", "4", "--format", "html", "-o", str(tmp_path / "all"))
    sheet = tmp_path / "all" / "worksheet-李雷.html"
    code = sheet_code(sheet)
    r = run(
        "worksheet",
        "--code",
        code,
        "--roster",
        str(roster),
        "--seed",
        "4",
        "--format",
        "html",
        "-o",
        str(tmp_path / "one"),
    )
    assert r.exit_code == 0, r.stderr
    assert sorted(files_of(tmp_path / "one")) == ["key.html", "worksheet-李雷.html"]
    again = (tmp_path / "one" / "worksheet-李雷.html").read_text(encoding="utf-8")
    assert again == sheet.read_text(encoding="utf-8") and "李雷" in again
    r = run("worksheet", "--code", code, "--roster", str(roster), "--seed", "5", "-o", str(tmp_path / "x"))
    assert r.exit_code == 2 and "no student in --roster" in r.stderr and "--seed 5" in r.stderr


def test_roster_names_the_sheets(run, tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("id,name\ns1,Ada Lovelace\ns2,李雷\n", encoding="utf-8")
    r = run("worksheet", "--roster", str(roster), "--format", "html", "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    names = sorted(files_of(tmp_path / "out"))
    assert names == [
        "all-sheets.html",
        "grid.csv",
        "grid.html",
        "key.html",
        "worksheet-ada-lovelace.html",
        "worksheet-李雷.html",
    ]
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
    assert re.fullmatch(rf"CUSTOM {CODE} 10\n", (tmp_path / "out" / "worksheet.md").read_text())
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
        "✗ max-pool-example: comparisons = 1568",  # the post's "8×196"
    ]
    assert "right value is 559,872" in r.stdout  # 96 × 27 × 27 windows × (3·3 - 1) = 69,984 × 8
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


def test_no_two_problems_on_a_sheet_share_a_layer(run, tmp_path):
    lines = ["recipe: inverse", "sections:"]
    for d in (1, 2, 3):
        for kind_id in ("inverse-stride", "inverse-kernel"):
            lines += [f"  - kind: {kind_id}", f"    difficulty: {d}"]
    (tmp_path / "r.yaml").write_text("\n".join(lines) + "\n")
    r = run("worksheet", str(tmp_path / "r.yaml"), "--variants", "30", "--format", "json", "-o", str(tmp_path / "o"))
    assert r.exit_code == 0, r.stderr
    keys = json.loads((tmp_path / "o" / "key.json").read_text())["keys"]
    assert len(keys) == 30
    for key in keys:
        layers = [line for p in key["problems"] for line in p["spec"].splitlines()]
        assert len(layers) == 6 == len(set(layers)), key["code"]
    # and over the default recipe, stacks included: no layer twice on one sheet
    r = run("worksheet", "--variants", "30", "--format", "json", "-o", str(tmp_path / "d"))
    for key in json.loads((tmp_path / "d" / "key.json").read_text())["keys"]:
        layers = [line for p in key["problems"] for line in p["spec"].splitlines()]
        assert len(layers) == len(set(layers)), key["code"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_writes_subscripts_not_underscores(run, tmp_path, lang):
    lines = ["recipe: all", "sections:"]
    for kind_id in REGISTRY:
        for d in (1, 2, 3):
            lines += [f"  - kind: {kind_id}", f"    difficulty: {d}", "    count: 2", "    form: choice"]
            lines += [f"  - kind: {kind_id}", f"    difficulty: {d}"]
    (tmp_path / "all.yaml").write_text("\n".join(lines) + "\n")
    r = run("worksheet", str(tmp_path / "all.yaml"), "--lang", lang, "--format", "html", "-o", str(tmp_path / "o"))
    assert r.exit_code == 0, r.stderr
    subscripts = 0
    for name in ("worksheet.html", "key.html"):
        html = (tmp_path / "o" / name).read_text(encoding="utf-8")
        text = re.sub(r"<math.*?</math>|<pre.*?</pre>", "", html, flags=re.S)  # math and specs are not prose
        assert not re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]_[A-Za-z0-9]+", text), name
        subscripts += len(re.findall(r"[A-Z]<sub>(in|out|eff)</sub>", text))
    assert subscripts > 0


@pytest.mark.parametrize("fmt", ["md", "html", "json", "moodle", "gift", "qti", "anki"])
def test_every_format_is_byte_identical_across_processes(sh, tmp_path, fmt):
    """Same seed, same version: the same bytes in every format, in Chinese and under FLOPs too, from two
    separate processes (so that nothing hangs on hash order or the clock)."""
    roster = tmp_path / "students.csv"
    roster.write_text("name\nAda Lovelace\n李雷\n", encoding="utf-8")
    args = ("worksheet", "--roster", str(roster), "--seed", "11", "--lang", "zh", "--count", "flops")
    for name in ("a", "b"):
        r = sh(*args, "--format", fmt, "-o", str(tmp_path / name))
        assert r.exit_code == 0, r.stderr
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    # two sheets, the key and the grid (csv and html); in HTML, all-sheets.html too
    assert len(files_of(tmp_path / "a")) == {"html": 6, "md": 5, "json": 5}.get(fmt, 1)


def test_code_language_wins_over_quizgen_lang_but_not_over_an_explicit_lang(run, tmp_path, monkeypatch):
    run("worksheet", "--lang", "zh", "-o", str(tmp_path / "zh"))
    code = sheet_code(tmp_path / "zh" / "worksheet.md")
    monkeypatch.setenv("QUIZGEN_LANG", "en")  # a default, which the code's language overrides
    assert run("worksheet", "--code", code, "-o", str(tmp_path / "again")).exit_code == 0
    assert files_of(tmp_path / "again") == files_of(tmp_path / "zh")
    r = run("worksheet", "--code", code, "--lang", "en", "-o", str(tmp_path / "en"))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: --lang en: the sheet with code {code} was made with --lang zh; leave out --lang (the code restores it)\n"
    )


def test_code_with_variants_is_a_usage_error(run, tmp_path):
    r = run("worksheet", "--code", "D12-7C049FFB-02", "--variants", "3", "-o", str(tmp_path / "o"))
    assert r.exit_code == 2 and r.stderr == "Error: give either --variants or --code, not both\n"
