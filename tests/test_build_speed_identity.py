"""A sheet's draws keep what they work out for the run (layers, flawed working, texts' counts, faces of problems);
nothing kept in one language may show in a sheet of another.

One process builds the same sheet in English, then in Chinese, then in English again; fresh processes build it in
one language each.  Every text of every problem must be the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

RECIPE = """\
recipe: every-cache
sections:
  - kind: spot-error
    count: 6
    difficulty: 1
  - kind: spot-error
    count: 6
    difficulty: 2
  - kind: spot-error
    count: 6
    difficulty: 3
  - kind: pool-ops
    count: 4
    difficulty: 2
  - kind: memory
    count: 4
    difficulty: 2
  - kind: macs-conv
    count: 4
    difficulty: 3
  - kind: receptive-field
    count: 3
    difficulty: 3
  - kind: output-pool
    count: 4
    difficulty: 3
    form: choice
"""

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from quizgen.i18n import in_language
    from quizgen.problems.bank import load_recipe
    from quizgen.problems.sheet import build_sheet

    def plain(value):
        if hasattr(value, "_asdict"):
            return {k: plain(v) for k, v in value._asdict().items() if k != "layer"}
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        return value if isinstance(value, (str, int, type(None))) else str(value)

    recipe = load_recipe(sys.argv[1])
    sheets = [plain(in_language(lang, lambda: build_sheet(recipe, 5).sections)) for lang in sys.argv[2:]]
    print(json.dumps(sheets, ensure_ascii=False))
    """
)


def _built(recipe: str, *langs: str) -> list:
    """The sheet of seed 5 built in each of ``langs`` in turn, in one fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, recipe, *langs], capture_output=True, text=True, encoding="utf-8", check=True
    )
    return json.loads(out.stdout)


def test_a_sheet_built_after_another_language_is_the_sheet_built_alone(tmp_path):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    en, zh, en_again = _built(str(recipe), "en", "zh", "en")
    [zh_alone] = _built(str(recipe), "zh")
    assert zh != en  # the sheet is written in each language
    assert zh == zh_alone
    assert en_again == en
