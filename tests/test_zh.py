"""Chinese (简体中文): a complete catalogue, no English left in zh sheets and keys, and Chinese errata."""

from __future__ import annotations

import io
import json
import re
import string
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "quizgen" / "locale" / "zh" / "LC_MESSAGES" / "quizgen.po"
babel = pytest.importorskip("babel")


def _fields(text: str) -> list[tuple[str, str]]:
    return sorted((name, spec) for _lit, name, spec, _conv in string.Formatter().parse(text) if name is not None)


def _catalogue():
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        return read_po(f, locale="zh")


def _extracted() -> set[str]:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import i18n as tool  # tools/i18n.py
    finally:
        sys.path.pop(0)
    return {m.id for m in tool.extract() if m.id}


def test_every_marked_string_is_in_the_catalogue_and_translated():
    catalogue = _catalogue()
    ids = {m.id for m in catalogue if m.id}
    missing = sorted(_extracted() - ids)
    assert not missing, f"{len(missing)} strings are not in {PO.name}; run python tools/i18n.py update: {missing[:5]}"
    untranslated = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
    assert not untranslated, f"{len(untranslated)} untranslated or fuzzy entries, e.g. {untranslated[:5]}"


def test_translations_keep_every_placeholder():
    bad = [m.id for m in _catalogue() if m.id and _fields(m.id) != _fields(m.string)]
    assert not bad, f"placeholders differ in {bad[:5]}"


def test_compiled_catalogue_matches_the_po_file():
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, _catalogue(), use_fuzzy=False)
    assert PO.with_suffix(".mo").read_bytes() == buf.getvalue(), "run python tools/i18n.py compile"


# --- no English left in what a Chinese student reads ----------------------------------------------

# Words that stay as they are in Chinese text: units, names, symbols and code.
KEEP = {
    "MACs",
    "FLOPs",
    "fp32",
    "PyTorch",
    "TensorFlow",
    "Keras",
    "MobileNet",
    "LeNet",
    "AlexNet",
    "VGG",
    "ReLU",
    "quizgen",
    "floor",
    "ceil",
    "same",
    "valid",
    "true",
    "false",
    "Moodle",
    "Canvas",
    "Anki",
    "GIFT",
    "QTI",
}
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,}){2,}")


def _visible_text(text: str, fmt: str) -> str:
    """Drop what is not prose: code, specs, math, markup, formulas in steps."""
    if fmt == "html":
        text = re.sub(r"<(style|pre|math|code)\b.*?</\1>", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
    else:
        text = re.sub(r"```.*?```", " ", text, flags=re.S)
        text = re.sub(r"`[^`]*`", " ", text)
        text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(
        r"\b(?:conv|maxpool|avgpool|linear|relu|flatten|batchnorm|adaptive\w*|convtranspose)\w*\b[^\n]*", " ", text
    )
    text = re.sub(r"floor\(\(.*?\)\)[^\n,;。；]*", " ", text)  # formulas such as floor((W - K + 2P)/S) + 1
    text = re.sub(r"\b[a-z]+(?:-[a-z0-9]+)+\b", " ", text)  # misconception ids
    for word in KEEP:
        text = text.replace(word, " ")
    return text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_zh_sheet_and_key_have_no_english_ui_strings(run, tmp_path, fmt):
    r = run("worksheet", "--lang", "zh", "--seed", "42", "--format", fmt, "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    for name in (f"worksheet.{fmt}", f"key.{fmt}"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "卷积" in text
        leftovers = ENGLISH_RUN.findall(_visible_text(text, fmt))
        assert not leftovers, f"English left in the zh {name}: {leftovers[:5]}"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden_zh_worksheet_and_key(run, tmp_path, golden, fmt):
    assert run("worksheet", "--lang", "zh", "--seed", "42", "--format", fmt, "-o", str(tmp_path)).exit_code == 0
    golden(f"worksheet-zh-seed42.{fmt}", (tmp_path / f"worksheet.{fmt}").read_text(encoding="utf-8"))
    golden(f"key-zh-seed42.{fmt}", (tmp_path / f"key.{fmt}").read_text(encoding="utf-8"))


def test_check_explains_the_seed_posts_pooling_error_in_chinese(run):
    r = run("check", "--lang", "zh", "maxpool2d in=55x55x96 k=3 s=2", "--claim", "windows=196")
    assert r.exit_code == 1
    assert "69,984" in r.stdout and "pool-stride-twice + pool-forgot-channels" in r.stdout
    assert "通道" in r.stdout and "步长" in r.stdout
    assert not ENGLISH_RUN.findall(_visible_text(r.stdout, "md")), r.stdout


def test_solve_and_errors_in_chinese(run):
    r = run("solve", "--lang", "zh", "conv2d in=227x227x3 out=96 k=11 s=4")
    assert "输出" in r.stdout and "34,944" in r.stdout
    r = run("solve", "--lang", "zh", "conv2d in=8x8x3 out=4 k=0")
    assert r.exit_code == 2 and r.stderr.startswith("Error") is False and "k=0" in r.stderr


def test_quizgen_lang_environment_and_override(sh, tmp_path):
    import os
    import subprocess

    env = {**os.environ, "QUIZGEN_LANG": "zh", "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(
        [sys.executable, "-m", "quizgen", "check", "conv2d in=227x227x3 out=96 k=11 s=4", "--claim", "params=34848"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    ).stdout
    assert "偏置" in out
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizgen",
            "check",
            "--lang",
            "en",
            "conv2d in=227x227x3 out=96 k=11 s=4",
            "--claim",
            "params=34848",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    ).stdout
    assert "biases are missing" in out


def test_drill_speaks_chinese(tmp_path):
    import os
    import subprocess

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizgen",
            "drill",
            "--lang",
            "zh",
            "--kind",
            "params-conv",
            "--count",
            "1",
            "--seed",
            "3",
            "--db",
            str(tmp_path / "p.sqlite3"),
        ],
        input="banana\ns\n",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )
    assert out.returncode == 0
    assert not ENGLISH_RUN.findall(_visible_text(out.stdout, "md")), out.stdout
    assert "参数" in out.stdout and "第 1/1 题" in out.stdout and "Question" not in out.stdout


def test_stats_json_is_unchanged_by_language(tmp_path):
    import os
    import subprocess

    db = tmp_path / "p.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "quizgen", "drill", "--count", "1", "--seed", "1", "--db", str(db)],
        input="s\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    data = json.loads(
        subprocess.run(
            [sys.executable, "-m", "quizgen", "stats", "--json", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "QUIZGEN_LANG": "zh"},
        ).stdout
    )
    assert (data["answers"], data["skipped"]) == (0, 1)  # keys and values in English, whatever the language


def test_a_bank_stacks_text_joins_its_sentences_as_chinese_does(run, tmp_path):
    """A bank stack's own text and the trace question meet without an English space in Chinese."""
    out = tmp_path / "out"
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: r\nsections:\n  - bank: classic-networks\n    count: 1\n")
    assert run("worksheet", str(recipe), "--lang", "zh", "--format", "json", "-o", str(out)).exit_code == 0
    text = json.loads((out / "key.json").read_text())["keys"][0]["problems"][0]["text"]
    assert re.search(r"[。？）]\s+\S", text) is None, text
