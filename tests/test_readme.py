"""The README is a walk-through: every ``sh`` block runs, in order, in a fresh copy of the repository.

Commands that are ``quizgen …`` alone run in-process through click's CliRunner (fast); anything with a
pipe, an environment assignment or another program (``printf … | quizgen drill``, ``head``) runs in bash,
where ``quizgen`` is this interpreter's installed package.  An example exits 0 unless its comment says
``# exit N: …``.  Below the walk-through are the fixes a newcomer's first run needed: ``quizgen kinds``
showing stacks and flawed steps, ``bank check`` given a recipe, and rosters with two students of one name.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from browser import CHROMIUM, IN_CI
from click.testing import CliRunner

from quizgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# Shown in the README but not run here: installing (this test runs in the installed package), the test
# suite itself, rewriting the golden files, the benchmarks (minutes of timing), and remaking the README's
# screenshots and network tables.
NOT_RUN = (
    "pip install . && quizgen worksheet",
    'pip install -e ".[test,torch,onnx,browser,pdf,mark]" && pytest',
    "pytest --update-golden",
    "python benchmarks/run.py",
    "python benchmarks/practice.py",
    "python benchmarks/networks.py",
    "python benchmarks/onnx_read.py",
    "python benchmarks/pdf.py",
    "python benchmarks/scale.py",
    "python benchmarks/torchinfo_vs.py",
    "python tools/practice_screenshot.py",
    "python tools/readme_tables.py",
)

# Printing a PDF needs Playwright and Chromium (the 'pdf' extra): without them a developer's run leaves
# those examples out; under CI (CI=true) they run, as tests/browser.py says.
CAN_PRINT_PDF = IN_CI or (importlib.util.find_spec("playwright") is not None and CHROMIUM.exists())

FENCE = re.compile(r"^\s*```(\S*)\s*$")
SHELL_SYNTAX = set("|&;<>$`(){}")


@dataclass(frozen=True)
class Example:
    line: int  # where it is in README.md
    code: str  # the command, without its comment
    expected_exit: int

    @property
    def in_process(self) -> bool:
        """A plain ``quizgen ARGS`` (no pipe, redirection or assignment): run through CliRunner."""
        return self.code.split()[0] == "quizgen" and not (_unquoted(self.code) & SHELL_SYNTAX)


@dataclass(frozen=True)
class Outcome:
    example: Example
    exit_code: int
    stdout: str
    stderr: str


def _unquoted(text: str) -> set[str]:
    """The characters of ``text`` outside shell quotes."""
    chars, quote = set(), None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        else:
            chars.add(ch)
    return chars


def _split_comment(line: str) -> tuple[str, str]:
    """(command, comment): a ``#`` starts a comment outside quotes, at the start or after a space."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].strip(), line[i + 1 :].strip()
    return line.strip(), ""


def readme_examples(text: str) -> list[Example]:
    """Every command of every ``sh`` block, in order, with the exit status its comment states (else 0)."""
    examples, lang, pending, start = [], None, "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line)
        if fence:
            lang = None if lang is not None else fence.group(1)
            continue
        if lang != "sh":
            continue
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):  # a command continued on the next line
            pending += line.rstrip()[:-1] + " "
            continue
        code, comment = _split_comment(pending + line)
        pending = ""
        if code:
            status = re.match(r"exit (\d+)\b", comment)
            examples.append(Example(start, code, int(status.group(1)) if status else 0))
    return examples


def fresh_copy(dest: Path) -> Path:
    """The repository as a fresh clone has it: the files git tracks, as they are in the working tree."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z", "--cached"], capture_output=True, check=True
        ).stdout.decode()
        files = [f for f in listed.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
    if not files:  # not a git checkout (an unpacked sdist): everything but build and tool folders
        junk = shutil.ignore_patterns(".git", ".venv", ".ci-venv", "*.egg-info", "__pycache__", "worksheets")
        shutil.copytree(ROOT, dest, ignore=junk)
        return dest
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="module")
def walkthrough_repo(tmp_path_factory) -> Path:
    """The fresh copy of the repository the walk-through runs in."""
    return fresh_copy(tmp_path_factory.mktemp("clone"))


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory, walkthrough_repo) -> list[Outcome]:
    """Run the README's examples in order in a fresh copy; the outcome of each."""
    repo = walkthrough_repo
    home = tmp_path_factory.mktemp("quizgen-home")
    env_changes = {"QUIZGEN_HOME": str(home), "QUIZGEN_LANG": None, "QUIZGEN_DEBUG": None, "NO_COLOR": "1"}
    shell_env = {k: v for k, v in os.environ.items() if k not in env_changes}
    shell_env |= {"QUIZGEN_HOME": str(home), "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    shell_env["QUIZGEN_TEST_PYTHON"] = sys.executable
    # `quizgen` in bash is this interpreter's package; -P keeps the copy's folder off sys.path.
    prelude = 'quizgen() { "$QUIZGEN_TEST_PYTHON" -P -m quizgen "$@"; }\n'
    outcomes, here = [], Path.cwd()
    os.chdir(repo)
    try:
        for ex in readme_examples(README.read_text(encoding="utf-8")):
            # --duplex lays the sheets out in Chromium to count their pages, even for HTML
            if ex.code in NOT_RUN or (("--format pdf" in ex.code or "--duplex" in ex.code) and not CAN_PRINT_PDF):
                continue
            if ex.in_process:
                r = CliRunner().invoke(cli, shlex.split(ex.code)[1:], env=env_changes, catch_exceptions=False)
                outcomes.append(Outcome(ex, r.exit_code, r.stdout, r.stderr))
            else:
                p = subprocess.run(
                    ["bash", "-c", prelude + ex.code],
                    cwd=repo,
                    env=shell_env,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                outcomes.append(Outcome(ex, p.returncode, p.stdout, p.stderr))
    finally:
        os.chdir(here)
        from quizgen.i18n import set_language

        set_language("en")
    return outcomes


def test_every_readme_example_exits_as_its_comment_says(walkthrough):
    assert len(walkthrough) >= 30, "the walk-through lost its examples"
    failed = [
        f"README.md:{o.example.line}: {o.example.code}\n  exit {o.exit_code}, expected {o.example.expected_exit}\n"
        f"  {(o.stderr or o.stdout).strip()[-400:]}"
        for o in walkthrough
        if o.exit_code != o.example.expected_exit
    ]
    assert not failed, "\n".join(failed)


def test_the_walkthrough_leaves_nothing_git_would_add(walkthrough, walkthrough_repo):
    """Everything the walk-through writes in a checkout (its output folders) is in .gitignore."""
    tracked = set(
        subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    made = sorted(
        str(path.relative_to(walkthrough_repo))
        for path in walkthrough_repo.rglob("*")
        if path.is_file() and str(path.relative_to(walkthrough_repo)) not in tracked
    )
    assert made, "the walk-through wrote no files"
    ignored = subprocess.run(
        ["git", "-C", str(ROOT), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(made),
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    left = sorted({name.split("/")[0] for name in made} - {name.split("/")[0] for name in ignored if name})
    assert not left, f"add to .gitignore: {left}"


def test_only_the_listed_commands_are_skipped():
    examples = [ex.code for ex in readme_examples(README.read_text(encoding="utf-8"))]
    for skipped in NOT_RUN:  # the list must not go stale: each entry is still in the README
        assert skipped in examples, f"{skipped!r} is no longer in the README; take it off NOT_RUN"
    # an example script of the checkout (python examples/…) runs like any other command
    dev = {e for e in examples if e.startswith(("pip ", "pytest", "python ")) and not e.startswith("python examples/")}
    assert dev <= set(NOT_RUN)


def test_the_readme_states_the_exit_of_the_checks_that_fail(walkthrough):
    """``check`` and ``bank check`` exit 1 for a wrong claim: the README marks those, and they do exit 1."""
    checks = [o for o in walkthrough if re.match(r"quizgen (bank )?check ", o.example.code)]
    wrong = [o for o in checks if o.example.expected_exit == 1]
    assert len(wrong) >= 3 and all(o.exit_code == 1 for o in wrong)
    assert any(o.example.expected_exit == 0 and o.exit_code == 0 for o in checks)


def test_the_drill_example_answers_its_own_first_question(walkthrough):
    (drill,) = [o for o in walkthrough if "quizgen drill" in o.example.code and o.example.code.startswith("printf")]
    typed = shlex.split(drill.example.code)[1].split("\\n")
    first_answer = tuple(int(n) for n in typed[0].split("x"))
    lines = drill.stdout.splitlines()
    question = lines.index(next(ln for ln in lines if ln.startswith("Question 1/")))
    spec = next(ln for ln in lines[question:] if ln.startswith("  conv2d "))
    settings = dict(kv.split("=") for kv in spec.split()[1:])
    h, w, _c = (int(n) for n in settings["in"].split("x"))
    k, s, p, d = (int(settings[key]) for key in ("k", "s", "p", "d"))
    # Output size by hand: floor((W + 2P - D·(K - 1) - 1)/S) + 1 on each side; channels = out.
    expected = ((h + 2 * p - d * (k - 1) - 1) // s + 1, (w + 2 * p - d * (k - 1) - 1) // s + 1, int(settings["out"]))
    assert first_answer == expected
    verdict = next(ln for ln in lines[question:] if ln.startswith(("✓", "✗")))
    assert verdict.startswith("✓"), drill.stdout


def console_transcripts(text: str) -> list[tuple[int, str, str]]:
    """(line, command, shown output) of every ``console`` block: ``$ command``, then what it prints."""
    found = re.findall(r"^```console\n\$ (.*?)\n(.*?)^```", text, flags=re.S | re.M)
    return [(text[: text.index(f"$ {cmd}\n")].count("\n") + 1, cmd, shown) for cmd, shown in found]


def _words(text: str) -> str:
    """Text compared as words: a transcript wraps long lines where a terminal did; the path is the reader's."""
    return " ".join(re.sub(r"Progress saved in \S+", "Progress saved in PATH", text).split())


def test_console_transcripts_are_what_the_commands_print(run, tmp_path, monkeypatch):
    """The README's transcripts (the intro's check, the drill) are the commands' real output, answers typed."""
    monkeypatch.setenv("QUIZGEN_HOME", str(tmp_path))
    transcripts = console_transcripts(README.read_text(encoding="utf-8"))
    assert len(transcripts) >= 2
    for line, command, shown in transcripts:
        typed = re.findall(r"^[a-z]\) [^\n]*?\? (\S[^\n]*)$", shown, flags=re.M)  # answers at the drill's prompts
        r = run(*shlex.split(command)[1:], input="".join(f"{answer}\n" for answer in typed))
        assert _words(r.stdout) == _words(shown), f"README.md:{line}: $ {command}\n{r.stdout}"


def test_the_readme_network_tables_are_printed_line_for_line(run):
    """The ``solve --network`` tables (resnet50, vit_b_16) match the CLI line by line, spacing included.

    Their numbers are checked against PyTorch and torchvision's published figures in
    tests/test_networks_torch.py; this keeps the README's copy of each line the one the CLI prints.
    """
    tables = [t for t in console_transcripts(README.read_text(encoding="utf-8")) if " --network " in t[1]]
    assert {shlex.split(command)[3] for _line, command, _shown in tables} >= {"resnet50", "vit_b_16"}
    for line, command, shown in tables:
        printed = run(*shlex.split(command)[1:]).stdout.splitlines()
        shown_lines = shown.splitlines()
        for i, (want, got) in enumerate(zip(shown_lines, printed, strict=False)):
            assert want.rstrip() == got.rstrip(), (
                f"README.md:{line + 1 + i}: $ {command}\nREADME: {want}\nCLI:    {got}\n"
                "(after an intended change: python tools/readme_tables.py, and review the diff)"
            )
        assert len(shown_lines) == len(printed), f"README.md:{line}: $ {command}: {len(printed)} lines printed"


def test_the_readme_recipe_is_the_example_file():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, flags=re.S | re.M)
    assert (ROOT / "examples" / "week3.yaml").read_text(encoding="utf-8") in blocks


def test_the_readme_recipe_gives_each_topic_its_heading(run, tmp_path):
    """Untitled sections continue the one before: output sizes (conv then pool), then parameters."""
    recipe = yaml.safe_load((ROOT / "examples" / "week3.yaml").read_text(encoding="utf-8"))
    expected, current = [], None
    for section in recipe["sections"]:
        count = section.get("count") or len(section["entries"])
        if section.get("title"):
            current = [section["title"], 0]
            expected.append(current)
        current[1] += count
    assert [t for t, _n in expected] == ["Output sizes", "Parameters", "From the seed post"]
    r = run("worksheet", str(ROOT / "examples" / "week3.yaml"), "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    sheet = (tmp_path / "worksheet.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", sheet, flags=re.M)
    problems_per_heading = [len(re.findall(r"^### Problem", part, flags=re.M)) for part in sheet.split("\n## ")[1:]]
    assert [[h, n] for h, n in zip(headings, problems_per_heading)] == expected
    parameters = sheet.split("\n## Parameters")[1].split("\n## ")[0]
    assert parameters.count("Parameters: convolution") == 2


# --- quizgen kinds: the stack and the flawed steps under each example ----------------------------------


def _kind_blocks(output: str) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    for line in output.splitlines():
        if line and not line[0].isspace():
            blocks[line.split()[0]] = current = [line]
        else:
            current.append(line)
    return blocks


def _shown_lines(block: list[str]) -> list[str]:
    """The lines between the example text and the answer, without their indentation."""
    return [ln.strip() for ln in block[2:] if not ln.strip().startswith("→")]


def _settings(spec: str) -> dict[str, str]:
    return dict(kv.split("=") for kv in spec.split()[1:])


def test_kinds_shows_the_receptive_field_stack(run):
    r = run("kinds")
    block = _kind_blocks(r.stdout)["receptive-field"]
    stack = _shown_lines(block)
    assert len(stack) >= 2 and "in=" in stack[0]
    # The receptive field by hand from the lines shown: r = 1 + Σ d·(k - 1)·(product of earlier strides).
    rf, jump = 1, 1
    for layer in stack:
        s = _settings(layer)
        rf += int(s.get("d", 1)) * (int(s["k"]) - 1) * jump
        jump *= int(s["s"])
    assert block[-1].strip() == f"→ Receptive field (pixels along one side) = {rf}"


def test_kinds_shows_the_network_trace_stack_without_its_answers(run):
    block = _kind_blocks(run("kinds").stdout)["network-trace"]
    stack = _shown_lines(block)
    assert len(stack) >= 2 and "in=" in stack[0]
    assert all("in=" not in layer for layer in stack[1:])  # later inputs are what the student traces
    first = _settings(stack[0])
    assert stack[0].startswith("conv2d ")
    h, w, c = (int(n) for n in first["in"].split("x"))
    k, s, p, out = int(first["k"]), int(first["s"]), int(first["p"]), int(first["out"])
    size = (h + 2 * p - k) // s + 1  # floor((W - K + 2P)/S) + 1, square input and kernel
    params = k * k * c * out + (out if first["bias"] == "true" else 0)
    assert f"output shape = {size} × {size} × {out}" in block[-1]
    assert f"parameters = {params:,}" in block[-1]


def test_kinds_shows_the_spot_error_solution_step_by_step(run):
    block = _kind_blocks(run("kinds").stdout)["spot-error"]
    shown = _shown_lines(block)
    steps = [ln for ln in shown if re.match(r"\d+\. ", ln)]
    assert [int(ln.split(".")[0]) for ln in steps] == list(range(1, len(steps) + 1)) and len(steps) >= 2
    assert all(": " in ln and " = " in ln for ln in steps)  # "1. label: formula = … = value"
    wrong_step, right_value = re.search(
        r"Number of the wrong step = (\d+); Right value of that step = ([\d,]+)", block[-1]
    ).groups()
    written = steps[int(wrong_step) - 1].rsplit(" = ", 1)[1]
    assert written != right_value  # the step the answer names does show a wrong value
    # Indented under the example text: the steps further in than the layer line.
    raw = [ln for ln in block if ln.strip() in steps]
    assert all(ln.startswith(" " * 26) for ln in raw)


# --- bank check, given a recipe --------------------------------------------------------------------


def test_bank_check_of_a_recipe_says_it_is_a_recipe(run):
    recipe = str(ROOT / "examples" / "week3.yaml")
    r = run("bank", "check", recipe)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1, r.stderr
    assert "is a recipe, not a problem bank" in r.stderr
    assert f"'quizgen worksheet {recipe}'" in r.stderr
    assert "'quizgen bank check seed-post'" in r.stderr  # the bank its last section draws from


def test_bank_check_of_a_recipe_without_banks_names_only_the_worksheet_command(run, tmp_path):
    recipe = tmp_path / "mine.yaml"
    recipe.write_text("recipe: mine\nsections:\n  - kind: output-conv\n    count: 2\n", encoding="utf-8")
    r = run("bank", "check", str(recipe))
    assert r.exit_code == 2 and r.stderr.count("\n") == 1
    assert f"'quizgen worksheet {recipe}'" in r.stderr and "draws from" not in r.stderr
    r = run("bank", "check", "default")  # the built-in default recipe, by name
    assert r.exit_code == 2 and "'quizgen worksheet default'" in r.stderr


# --- rosters: two students of one name -------------------------------------------------------------


@pytest.mark.parametrize(
    "roster", ["name\nAda Lovelace\nAlan Turing\nAda Lovelace\n", "Ada Lovelace\nAlan Turing\nAda Lovelace\n"]
)
def test_a_roster_with_one_name_twice_asks_for_an_id_column(run, tmp_path, roster):
    path = tmp_path / "students.csv"
    path.write_text(roster, encoding="utf-8")
    r = run("worksheet", "--roster", str(path), "-o", str(tmp_path / "out"))
    header = 1 if roster.startswith("name") else 0
    assert r.exit_code == 2 and r.stderr.count("\n") == 1, r.stderr
    assert f"line {3 + header}: the name 'Ada Lovelace' is also on line {1 + header}" in r.stderr
    assert "'id' column" in r.stderr and "appears twice" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_a_roster_with_one_id_twice_names_the_id(run, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text("id,name\ns1,Ada Lovelace\ns1,Alan Turing\n", encoding="utf-8")
    r = run("worksheet", "--roster", str(path), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2 and "line 3: student id 's1' appears twice" in r.stderr


def test_two_students_of_one_name_with_ids_get_their_own_sheets(run, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text("id,name\ns04,María García\ns05,Liam O'Brien\ns07,María García\n", encoding="utf-8")
    r = run("worksheet", "--roster", str(path), "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file())
    assert names == [
        "grid.csv",
        "grid.html",
        "key.md",
        "worksheet-liam-o-brien.md",
        "worksheet-maría-garcía-s04.md",
        "worksheet-maría-garcía-s07.md",
    ]
    a, b = ((tmp_path / "out" / f"worksheet-maría-garcía-{i}.md").read_text(encoding="utf-8") for i in ("s04", "s07"))
    code = re.compile(r"\*\*Sheet (\S+)\*\*")
    assert "María García" in a and "María García" in b
    assert code.search(a).group(1) != code.search(b).group(1)  # each id seeds its own sheet
