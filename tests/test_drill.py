"""The drill as a student meets it: a real terminal, a pipe, the progress file, scheduling and stats."""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from quizgen import parse, solve
from quizgen.drill.progress import INTERVALS, Progress
from quizgen.drill.session import schedule

SPEC = re.compile(r"conv2d in=\S+ out=\d+ k=\S+ s=\S+ p=\S+ d=\S+ g=\d+ bias=\w+")


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "QUIZGEN_HOME")}
    e.update(PYTHONIOENCODING="utf-8", **extra)
    return e


def drill(db: Path, answers: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "quizgen", "drill", "--db", str(db), *args],
        input=answers,
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
    )


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT kind, outcome, attempt, misconceptions, given FROM answers ORDER BY id").fetchall()


# --- a real terminal ------------------------------------------------------------------------------


def test_real_terminal_session_then_ctrl_c_keeps_every_answer(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    db = tmp_path / "progress.sqlite3"
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "quizgen",
            "drill",
            "--kind",
            "params-conv",
            "--difficulty",
            "1",
            "--count",
            "10",
            "--seed",
            "4",
            "--db",
            str(db),
        ],
        env=env(),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )

    def next_layer():
        child.expect(SPEC)
        layer = parse(child.match.group(0))
        child.expect(r"a\) Parameters \(weights \+ biases\)\? ")
        return solve(layer)

    first = next_layer()  # 1: the right answer
    child.sendline(f"{first.params.total:,}")
    child.expect("Right")

    second = next_layer()  # 2: the weights only, a named misconception, then the right answer
    child.sendline(str(second.params.weights))
    child.expect(f"the {second.params.bias:,} biases are missing")
    child.expect("One more try")
    child.expect(r"\? ")
    child.sendline(str(second.params.total))
    child.expect("Right")

    next_layer()  # 3: unreadable (no penalty), then skipped
    child.sendline("twelve thousand")
    child.expect("I couldn't read that")
    child.expect(r"\? ")
    child.sendline("s")
    child.expect("The answer is")

    next_layer()  # 4: Ctrl-C at the prompt
    child.sendintr()
    child.expect("Session summary")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    saved = rows(db)
    assert [(r[1], r[2], r[3]) for r in saved] == [
        ("right", 1, ""),
        ("wrong", 1, "forgot-bias"),
        ("right", 2, ""),
        ("skipped", 1, ""),
    ]
    assert saved[1][4] == str(second.params.weights)
    stats = subprocess.run(
        [sys.executable, "-m", "quizgen", "stats", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    )
    data = json.loads(stats.stdout)
    assert data["answers"] == 3 and data["skipped"] == 1  # right, wrong, right given; one skip, which is no answer
    assert data["misconceptions"] == [{"id": "forgot-bias", "count": 1}]
    assert data["by_kind"][0]["kind"] == "params-conv" and data["by_kind"][0]["right"] == 2
    text = subprocess.run(
        [sys.executable, "-m", "quizgen", "stats", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    ).stdout
    assert "params-conv" in text and "forgot-bias" in text


@pytest.mark.parametrize("no_color", [False, True])
def test_colour_only_on_a_terminal_and_off_with_no_color(tmp_path, no_color):
    pexpect = pytest.importorskip("pexpect")
    extra = {"NO_COLOR": "1"} if no_color else {}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizgen", "drill", "--count", "1", "--seed", "1", "--db", str(tmp_path / "p.sqlite3")],
        env=env(**extra),
        encoding="utf-8",
        timeout=30,
    )
    child.expect(r"\? ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    assert ("\x1b[" in child.before + (child.after if isinstance(child.after, str) else "")) or no_color
    seen = child.before
    if no_color:
        assert "\x1b[" not in seen
    piped = drill(tmp_path / "q.sqlite3", "q\n", "--count", "1", "--seed", "1")
    assert "\x1b[" not in piped.stdout


# --- a pipe ---------------------------------------------------------------------------------------


def test_piped_answers_get_the_same_feedback(tmp_path):
    # The questions depend on the seed only, so a first run (all skipped) shows the layers to answer.
    args = ("--kind", "params-conv", "--difficulty", "1", "--count", "2", "--seed", "11")
    first = drill(tmp_path / "a.sqlite3", "s\ns\n", *args)
    layers = [solve(parse(m)) for m in SPEC.findall(first.stdout)]
    assert len(layers) == 2
    answers = f"{layers[0].params.total}\n{layers[1].params.weights}\n34.9kk\n{layers[1].params.total}\n"
    out = drill(tmp_path / "b.sqlite3", answers, *args)
    assert out.returncode == 0
    assert "✓ Right" in out.stdout
    assert f"the {layers[1].params.bias:,} biases are missing" in out.stdout
    assert "I couldn't read that" in out.stdout
    assert "Session summary" in out.stdout and "forgot-bias ×1" in out.stdout
    assert [r[1] for r in rows(tmp_path / "b.sqlite3")] == ["right", "wrong", "right"]


def test_a_fraction_beyond_a_float_is_wrong_not_a_crash(tmp_path):
    """1e400/3 reads as an exact fraction too large for a float: it is shown as inf, as the practice page shows it."""
    out = drill(tmp_path / "p.sqlite3", "1e400/3\nq\n", "--kind", "params-conv", "--difficulty", "1", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert "✗ inf is not right." in out.stdout and "internal error" not in out.stdout + out.stderr


def test_a_revealed_part_does_not_answer_the_next(tmp_path):
    """Spot-error: part a's worked steps name the wrong step; its right value is what part b asks next."""
    out = drill(
        tmp_path / "p.sqlite3", "s\ns\n", "--kind", "spot-error", "--difficulty", "2", "--count", "1", "--seed", "3"
    )
    assert out.returncode == 0, out.stderr
    reveal_a, reveal_b = out.stdout.split("The answer is ")[1:3]
    reveal_a = reveal_a.split("\n    A) ")[0].split("b) ")[0]  # up to part b's options or prompt
    value_b = reveal_b.split(". Worked")[0]  # part b's answer, as its own reveal says
    assert "part b asks for this" in reveal_a and value_b not in reveal_a, reveal_a


def test_end_of_input_finishes_with_a_summary(tmp_path):
    out = drill(tmp_path / "p.sqlite3", "", "--count", "3", "--seed", "2")
    assert out.returncode == 0 and "Session summary" in out.stdout


def test_quizgen_home_chooses_the_database(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "quizgen", "drill", "--count", "1", "--seed", "1"],
        input="s\n",
        capture_output=True,
        text=True,
        env=env(QUIZGEN_HOME=str(tmp_path / "home")),
        timeout=60,
    )
    assert out.returncode == 0
    assert (tmp_path / "home" / "progress.sqlite3").exists()
    assert len(rows(tmp_path / "home" / "progress.sqlite3")) == 1


def test_two_drills_at_once_share_the_database(tmp_path):
    db = tmp_path / "shared.sqlite3"
    Progress(db).close()
    results = []

    def one(seed: str) -> None:
        results.append(drill(db, "s\n" * 25, "--count", "25", "--seed", seed))

    threads = [threading.Thread(target=one, args=(s,)) for s in ("1", "2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT COUNT(*), COUNT(DISTINCT session) FROM answers").fetchone() == (50, 2)


def test_a_first_session_creates_the_file_with_its_first_answer(tmp_path):
    db = tmp_path / "new" / "progress.sqlite3"
    out = drill(db, "q\n", "--kind", "params-conv", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert "Nothing answered, so nothing was saved." in out.stdout
    assert not db.exists()
    out = drill(db, "s\nq\n", "--kind", "params-conv", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert f"No answer given; the skipped questions were noted in {db}." in out.stdout
    assert "Progress saved" not in out.stdout
    assert rows(db) == [("params-conv", "skipped", 1, "", "s")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_session_with_no_answer_does_not_say_progress_was_saved(tmp_path, lang):
    """With progress from an earlier session, a session that answers nothing saves nothing, and says so."""
    db = tmp_path / "progress.sqlite3"
    first = drill(db, "s\nq\n", "--kind", "params-conv", "--seed", "1", "--lang", lang)
    assert first.returncode == 0 and db.exists(), first.stderr
    before = rows(db)
    out = drill(db, "q\n", "--kind", "params-conv", "--seed", "2", "--lang", lang)
    assert out.returncode == 0, out.stderr
    assert rows(db) == before  # nothing was saved
    saved = {"en": "Progress saved", "zh": "进度已保存"}[lang]
    nothing = {"en": "Nothing answered, so nothing was saved.", "zh": "本次没有作答，因此没有保存任何内容。"}[lang]
    assert saved not in out.stdout
    assert nothing in out.stdout
    answered = drill(db, "1\nq\n", "--kind", "params-conv", "--seed", "3", "--lang", lang)
    assert saved in answered.stdout


def test_drill_stats_points_to_quizgen_stats(run):
    r = run("drill", "--stats")
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines()[-1] == (
        "Error: --stats: your progress is a command of its own: quizgen stats (--db PATH for another file)"
    )


def test_a_database_that_could_not_be_created_is_reported_before_the_first_question(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder\n")
    db = blocker / "progress.sqlite3"
    out = drill(db, "1\n", "--count", "1")
    assert out.returncode == 2
    assert out.stderr == f"Error: --db {db}: cannot be created ({blocker} is not a folder)\n"
    assert "Question" not in out.stdout
    assert blocker.read_text() == "a file, not a folder\n"


def test_the_first_question_comes_before_the_database_and_answer_modules_are_loaded(tmp_path):
    # What start-up must not pay for (benchmarks/run.py measures the time): the first question of a first
    # session needs no SQLite, no answer parsing and no fractions; they are loaded once an answer comes.
    script = """
import json, sys
from quizgen.drill import session as drill
modules = ("sqlite3", "fractions", "quizgen.explain.answers", "quizgen.explain.check", "dataclasses")
seen = []
def read(prompt):
    seen.append([m for m in modules if m in sys.modules])
    if len(seen) == 1:
        return "12345"
    raise drill.Finish
progress = drill.Progress(sys.argv[1], defer=True)
drill.Drill(progress, read=read, write=lambda text: None, kinds=["params-conv"], count=1, seed=1).run()
print(json.dumps(seen))
"""
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "p.sqlite3")], capture_output=True, text=True, env=env()
    )
    assert out.returncode == 0, out.stderr
    first, second = json.loads(out.stdout)
    assert first == []
    assert {"sqlite3", "quizgen.explain.answers"} <= set(second)
    assert len(rows(tmp_path / "p.sqlite3")) == 1


# --- a damaged or foreign file is reported and left as it was ------------------------------------


def _sqlite_foreign(path: Path) -> None:
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE notes (text)")
        c.execute("INSERT INTO notes VALUES ('my thesis')")
    c.close()


def _sqlite_damaged(path: Path) -> None:
    Progress(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page after the header
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_bytes(b"these are my lecture notes, not a database\n" * 10), "not SQLite"),
        (_sqlite_foreign, "not a quizgen progress database"),
        (_sqlite_damaged, "left untouched"),
    ],
)
@pytest.mark.parametrize("command", [["drill", "--count", "1"], ["stats"]])
def test_corrupt_or_foreign_file_is_reported_and_left_as_it_was(tmp_path, make, message, command):
    db = tmp_path / "progress.sqlite3"
    make(db)
    before = db.read_bytes()
    for wal in (tmp_path / "progress.sqlite3-wal", tmp_path / "progress.sqlite3-shm"):
        wal.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-m", "quizgen", *command, "--db", str(db)],
        input="1\n",
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.startswith(f"Error: --db {db}: ")
    assert message in out.stderr and "To start afresh" in out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert db.read_bytes() == before


# --- scheduling -----------------------------------------------------------------------------------


def test_leitner_boxes_and_difficulty(tmp_path):
    p = Progress(tmp_path / "p.sqlite3")
    b = p.update_box("pool-ops", right=True, now=1000.0)
    assert (b.box, b.difficulty, b.due) == (2, 1, 1000.0 + INTERVALS[2])
    for _ in range(3):
        b = p.update_box("pool-ops", right=True, now=1000.0)
    assert (b.box, b.difficulty) == (5, 1)
    b = p.update_box("pool-ops", right=True, now=1000.0)  # mastered at level 1: up a difficulty
    assert (b.box, b.difficulty) == (2, 2)
    b = p.update_box("pool-ops", right=False, now=2000.0)
    assert (b.box, b.difficulty, b.due) == (1, 2, 2000.0)


def test_missed_kinds_come_back_first(tmp_path):
    import random

    p = Progress(tmp_path / "p.sqlite3")
    kinds = ["output-conv", "params-conv", "pool-ops"]
    for k in kinds:
        p.update_box(k, right=True, now=0.0)
    p.update_box("pool-ops", right=False, now=100.0)
    assert schedule(p, kinds, random.Random(0), now=100.0) == ("pool-ops", 1)
    # once it is answered, the others (due later) follow in due order
    p.update_box("pool-ops", right=True, now=100.0)
    assert schedule(p, kinds, random.Random(0), now=100.0 + INTERVALS[2] + 1)[0] in kinds


# --- grading, the summary and hints ---------------------------------------------------------------


def test_zero_written_with_a_large_suffix_is_never_right(tmp_path):
    out = drill(
        tmp_path / "p.sqlite3",
        "0G\n0G\n0G\nq\n",
        "--seed",
        "3",
        "--kind",
        "macs-conv",
        "--kind",
        "params-conv",
        "--count",
        "3",
    )
    assert out.returncode == 0, out.stderr
    assert "✓" not in out.stdout
    assert "; 0 right, 3 wrong." in out.stdout and "0% of your answers were right" in out.stdout
    assert {r[1] for r in rows(tmp_path / "p.sqlite3")} == {"wrong"}


def test_a_correct_rounding_is_right_and_called_rounded(tmp_path):
    args = ("--kind", "params-conv", "--difficulty", "1", "--count", "1", "--seed", "3")
    first = drill(tmp_path / "a.sqlite3", "s\n", *args)
    [layer] = [parse(m) for m in SPEC.findall(first.stdout)]
    k, c_in, c_out = layer.kernel[0], layer.in_channels, layer.out
    total = k * k * c_in * c_out + c_out  # weights + one bias per filter
    assert total >= 1000  # so that 3 significant figures are a rounding
    rounded = f"{total:.2e}"  # e.g. 2432 -> 2.43e+03, the correct rounding to 3 significant figures
    out = drill(tmp_path / "b.sqlite3", rounded + "\n", *args)
    assert f"✓ Right (rounded to 3 significant figures): {total:,}." in out.stdout, out.stdout
    assert rows(tmp_path / "b.sqlite3")[0][1] == "right"


def test_a_correct_but_too_coarse_rounding_is_wrong_and_says_why(tmp_path):
    args = ("--kind", "params-conv", "--difficulty", "1", "--count", "1", "--seed", "3")
    [layer] = [parse(m) for m in SPEC.findall(drill(tmp_path / "a.sqlite3", "s\n", *args).stdout)]
    total = layer.kernel[0] ** 2 * layer.in_channels * layer.out + layer.out
    coarse = f"{round(total, -3) // 1000}k"  # one or two significant figures, e.g. 2,432 -> 2k
    assert len(str(round(total, -3) // 1000)) < 3
    out = drill(tmp_path / "b.sqlite3", coarse + "\n", *args)
    assert f"✗ {coarse} is rounded too far: a rounded answer needs at least 3 significant figures." in out.stdout
    assert rows(tmp_path / "b.sqlite3")[0][1] == "wrong"
    assert "Hint:" not in out.stdout and "One more try." in out.stdout  # the working was right: no hint about it


def test_a_skipped_question_is_not_counted_as_answered(tmp_path):
    out = drill(tmp_path / "p.sqlite3", "s\nq\n", "--kind", "params-conv", "--count", "3", "--seed", "3")
    assert "Questions answered: 0; skipped: 1. Answers given: 0; 0 right, 0 wrong." in out.stdout


def test_summary_and_stats_count_answers_alike(tmp_path):
    """A wrong answer then a skip: one answer given (wrong), in the summary and in stats alike.  The question
    was answered, so the summary does not count it as skipped too (one question, not two); stats counts the
    skip among the answers' outcomes."""
    db = tmp_path / "p.sqlite3"
    out = drill(db, "1\ns\nq\n", "--kind", "params-conv", "--count", "2", "--seed", "3")
    assert "Questions answered: 1; skipped: 0. Answers given: 1; 0 right, 1 wrong." in out.stdout
    data = json.loads(
        subprocess.run(
            [sys.executable, "-m", "quizgen", "stats", "--db", str(db), "--json"],
            capture_output=True,
            text=True,
            env=env(),
            timeout=60,
        ).stdout
    )
    assert (data["answers"], data["skipped"], data["accuracy_overall"]) == (1, 1, 0.0)


def test_a_hint_asked_for_is_not_repeated_after_a_wrong_answer(tmp_path):
    out = drill(tmp_path / "p.sqlite3", "?\n1\ns\nq\n", "--kind", "params-conv", "--count", "1", "--seed", "3")
    assert out.stdout.count("Hint:") == 1, out.stdout
    assert "One more try." in out.stdout


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
@pytest.mark.parametrize(
    "args, extra, message",
    [
        (
            ["--db", "/proc/nope/x.sqlite3"],
            {},
            "--db /proc/nope/x.sqlite3: cannot be created (/proc is not a writable folder)",
        ),
        (
            [],
            {"QUIZGEN_HOME": "/etc/passwd"},  # the error names the variable that chose the file, not --db
            "QUIZGEN_HOME=/etc/passwd: progress file /etc/passwd/progress.sqlite3: cannot be created "
            "(/etc/passwd is not a folder)",
        ),
    ],
)
def test_an_unusable_progress_place_is_reported_before_the_first_question(args, extra, message):
    out = subprocess.run(
        [sys.executable, "-m", "quizgen", "drill", "--count", "1", *args],
        input="1\n",
        capture_output=True,
        text=True,
        env=env(**extra),
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr == f"Error: {message}\n"
    assert out.stdout == ""
    assert not os.path.exists("/proc/nope")


# --- stats ----------------------------------------------------------------------------------------


def _record(p: Progress, outcome: str, misconceptions: tuple[str, ...] = (), kind: str = "params-conv") -> None:
    p.record(
        session="s",
        kind=kind,
        difficulty=1,
        problem_id="x",
        part="a",
        given="1",
        outcome=outcome,
        attempt=1,
        misconceptions=misconceptions,
    )


def stats_of(db: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "quizgen", "stats", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env(**extra),
        timeout=60,
    )


def test_stats_lists_only_named_misconceptions_of_the_catalogue(tmp_path):
    db = tmp_path / "p.sqlite3"
    p = Progress(db)
    _record(p, "wrong", ("slip",))  # a near miss, as older versions recorded it
    _record(p, "wrong", ("forgot-bias",))
    _record(p, "wrong", ("an-id-from-another-version", "forgot-bias"))
    p.close()
    data = json.loads(stats_of(db, "--json").stdout)
    assert data["misconceptions"] == [{"id": "forgot-bias", "count": 2}]
    text = stats_of(db).stdout
    assert "forgot-bias" in text and "slip" not in text and "another-version" not in text


def test_the_drill_saves_no_slip_as_a_misconception():
    # An option that no misconception explains (a near miss) is answered: it is wrong, but not a misconception.
    from quizgen.drill.session import Drill
    from quizgen.problems.problem import Choice, Part, Problem

    choices = (
        Choice("A", 2432, True, ""),
        Choice("B", 2433, False, "an arithmetic slip: recompute it step by step"),
        Choice("C", 2400, False, "the weight count only; the 32 biases are missing"),
    )
    part = Part("Parameters", "params", 2432, choices=choices)
    problem = Problem("params-conv", "Parameters", 1, "How many?", (part,), ())
    saved = []

    class Store:
        def record(self, **row):
            saved.append(row)

        def update_box(self, kind, *, right):
            pass

    answers = iter(["B", "C"])
    drill = Drill(Store(), read=lambda prompt: next(answers), write=lambda t: None, kinds=["params-conv"])  # type: ignore[arg-type]
    drill.ask(1, problem)
    assert [r["misconceptions"] for r in saved] == [(), ()]
    assert drill.tally.misconceptions == {}


def test_stats_says_day_and_days_not_day_s(tmp_path):
    db = tmp_path / "p.sqlite3"
    p = Progress(db)
    _record(p, "right")
    p.close()
    text = stats_of(db).stdout
    assert "day(s)" not in text
    assert "1 day of practice in a row" in text
    assert "Progress in " in text and ": 1 answer\n" in text.replace(", 100% right", "")
    with sqlite3.connect(db) as c:  # the same answer yesterday too: two days in a row
        c.execute(
            "INSERT INTO answers (ts, session, kind, difficulty, problem_id, part, given, outcome, attempt) "
            "SELECT ts - 86400, session, kind, difficulty, problem_id, part, given, outcome, attempt FROM answers"
        )
    c.close()
    assert "2 days of practice in a row" in stats_of(db).stdout


def test_durations_are_words_of_the_language(monkeypatch):
    from quizgen import i18n
    from quizgen.drill.terminal import duration

    assert [duration(s) for s in (59, 600, 3600, 7200, 86400, 3 * 86400)] == [
        "1 minute",
        "10 minutes",
        "1 hour",
        "2 hours",
        "1 day",
        "3 days",
    ]
    # In another language every unit comes from the catalogue (here a stand-in for the zh one).
    zh = {"{n} minute": "{n} 分钟", "{n} minutes": "{n} 分钟", "{n} hour": "{n} 小时", "{n} hours": "{n} 小时"}
    zh |= {"{n} day": "{n} 天", "{n} days": "{n} 天"}
    monkeypatch.setattr(i18n, "_catalogue", zh)
    assert [duration(s) for s in (60, 600, 7200, 86400)] == ["1 分钟", "10 分钟", "2 小时", "1 天"]


def _display(text: str) -> int:
    from wcwidth import wcswidth

    return wcswidth(text)


def test_stats_table_in_chinese_is_aligned_by_display_width(tmp_path):
    db = tmp_path / "p.sqlite3"
    p = Progress(db)
    _record(p, "right")
    _record(p, "wrong", kind="output-conv")
    p.close()
    out = stats_of(db, "--lang", "zh").stdout
    table = [line for line in out.splitlines() if line.startswith(("题型", "params-conv", "output-conv", "kind"))]
    assert len(table) == 3, out
    # every column is right-aligned after the first, so every row ends at the same display column
    assert len({_display(line) for line in table}) == 1, table
    assert len({len(line) for line in table}) > 1  # the Chinese header is narrower in characters


def test_the_drill_prompt_has_no_ascii_question_mark_outside_the_catalogue(monkeypatch):
    from quizgen import i18n
    from quizgen.drill.session import Drill

    monkeypatch.setattr(i18n, "_catalogue", {"{letter}) {label}? ": "{letter}) {label}？"})
    prompts = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return "q"

    class NoProgress:
        def boxes(self):
            return {}

        def misconception_counts(self, kind=None):
            return {}

    Drill(NoProgress(), read=read, write=lambda t: None, kinds=["params-conv"], count=1, seed=1).run()  # type: ignore[arg-type]
    assert prompts and prompts[0].endswith("？") and "?" not in prompts[0]


def test_a_write_protected_progress_file_is_reported_before_the_first_question(tmp_path, run, monkeypatch):
    db = tmp_path / "p.sqlite3"
    Progress(db).close()
    db.chmod(0o444)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # root may write any file: let the permission check say no
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode: real_access(path, mode) and str(path) != str(db))
    before = db.read_bytes()
    out = run("drill", "--count", "1", "--db", str(db), input="1\n")
    assert out.exit_code == 2 and out.stdout == ""
    assert out.stderr == f"Error: --db {db}: cannot be written (no permission); it was left untouched\n"
    assert db.read_bytes() == before


def test_a_narrow_terminal_wraps_the_question_at_word_boundaries(tmp_path):
    """On a 60-column terminal the question text breaks between words, never inside one ('inp' / 'ut')."""
    pexpect = pytest.importorskip("pexpect")
    args = ["-m", "quizgen", "drill", "--kind", "pool-ops", "--difficulty", "3", "--count", "1", "--seed", "5"]
    child = pexpect.spawn(
        sys.executable,
        [*args, "--db", str(tmp_path / "p.sqlite3")],
        env={**env(), "NO_COLOR": "1"},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 60),
    )
    child.expect(r"\na\) [^\r\n]*\? ")  # the prompt line, not a question mark inside the text
    screen = child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    question = screen.split("★", 1)[1].splitlines()[1:]
    text_lines = list(itertools.takewhile(lambda line: line and not line.startswith(" "), question))
    assert len(text_lines) >= 3, screen
    assert all(len(line) <= 60 for line in text_lines), text_lines
    piped = subprocess.run(
        [sys.executable, *args, "--db", str(tmp_path / "q.sqlite3")],
        input="q\n",
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    ).stdout
    original = piped.split("★", 1)[1].splitlines()[1]  # piped (no terminal): the text on one line
    assert len(original) > 120
    assert " ".join(text_lines) == original, "a word was split or lost where the lines wrap"


# --- figures: a small layer's grid after a wrong answer (issue 13) --------------------------------

GRID_SPEC = re.compile(r"conv2d in=(\d+)x(\d+)x\d+ out=\d+ k=(\d+) s=(\d+) p=(\d+) d=1 g=1 bias=\w+")


def _drill_on_a_terminal(tmp_path: Path, *extra: str) -> tuple[str, str, str, int]:
    """A wrong answer, then a wrong retry, on a pty: the screen up to the retry, the rest, and the layer's
    output size worked out by hand from the shown spec."""
    pexpect = pytest.importorskip("pexpect")
    args = ["-m", "quizgen", "drill", "--kind", "output-conv", "--difficulty", "1", "--count", "1", "--seed", "24"]
    child = pexpect.spawn(
        sys.executable,
        [*args, *extra, "--db", str(tmp_path / "p.sqlite3")],
        env={**env(), "NO_COLOR": "1"},
        encoding="utf-8",
        timeout=30,
        dimensions=(60, 120),
    )
    child.expect(GRID_SPEC)
    h, w, k, s, p = (int(g) for g in child.match.groups())
    assert h == w
    out = (h - k + 2 * p) // s + 1  # floor((W - K + 2P)/S) + 1
    child.expect(r"\? ")
    child.sendline("1x1x1")
    child.expect("One more try")
    first = child.before
    child.expect(r"\? ")
    child.sendline("1x1x1")
    child.expect(pexpect.EOF)
    return first, child.before, f"{h}×{w}", out


def test_a_wrong_answer_on_a_small_layer_draws_its_grid_without_the_answer_then_with_it(tmp_path):
    before_retry, after, size, out = _drill_on_a_terminal(tmp_path)
    # The picture before the retry: the input and its windows, the output as "?", and no output size.
    assert f"input {size}" in before_retry and "output ?" in before_retry and "█" in before_retry
    assert f"{out}×{out}" not in before_retry and f"{out} ×" not in before_retry
    # Once the answer is revealed, the picture shows the output: out rows of out cells beside the input.
    assert after.index("The answer is") < after.index(f"output {out}×{out}")
    grid = after[after.index(f"output {out}×{out}") :].splitlines()[1:]
    rows = [line.split("     ", 1)[1].split() for line in grid if "     " in line and line.split("     ", 1)[1].strip()]
    assert len(rows) == out and all(len(r) == out for r in rows)


def test_no_figures_and_a_pipe_draw_no_grid(tmp_path):
    before_retry, after, _size, out = _drill_on_a_terminal(tmp_path, "--no-figures")
    assert "output ?" not in before_retry and "█" not in before_retry + after and f"output {out}×" not in after
    args = ("--kind", "output-conv", "--difficulty", "1", "--count", "1", "--seed", "24")
    piped = drill(tmp_path / "q.sqlite3", "1x1x1\n1x1x1\n", *args)
    assert piped.returncode == 0 and "One more try" in piped.stdout and "The answer is" in piped.stdout
    assert "█" not in piped.stdout and "output ?" not in piped.stdout and "──▶" not in piped.stdout


def test_the_drill_draws_nothing_that_answers_before_the_retry():
    """No grid before the retry where the picture shows what is asked: a setting, a stack, a transposed
    conv's stretched input (its size gives the output away)."""
    import random

    from quizgen.figures.choose import text_figure_for
    from quizgen.problems import kinds as K
    from quizgen.problems.problem import Part, Problem

    for kind in ("inverse-padding", "inverse-stride", "inverse-kernel", "network-trace", "receptive-field"):
        for seed in range(20):
            assert text_figure_for(K.get(kind).sample(random.Random(seed), 1, "macs"), answer=False) is None, kind
    small = parse("convtranspose2d in=3x3x1 out=1 k=3 s=2")  # (3 - 1)·2 + 3 = 7: a 7×7 output
    problem = Problem("output-transposed", "t", 3, "?", (Part("out", "output", (7, 7, 1)),), (), layer=small)
    assert text_figure_for(problem, answer=False) is None
    assert "output 7×7" in text_figure_for(problem, answer=True)
    small_conv = problem._replace(kind="output-conv", layer=parse("conv2d in=5x5x1 out=1 k=3"))
    assert "output ?" in text_figure_for(small_conv, answer=False)


def test_the_first_question_comes_before_the_figures_are_loaded(tmp_path):
    script = """
import json, sys
from quizgen.drill import session as drill
seen = []
def read(prompt):
    seen.append("quizgen.figures" in sys.modules)
    raise drill.Finish
progress = drill.Progress(sys.argv[1], defer=True)
drill.Drill(progress, read=read, write=lambda t: None, kinds=["output-conv"], count=1, seed=24, figures=True).run()
print(json.dumps(seen))
"""
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "p.sqlite3")], capture_output=True, text=True, env=env()
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [False]
