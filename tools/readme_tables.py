"""Rewrite the README's ``quizgen solve --network …`` transcripts with what the CLI prints now.

    python tools/readme_tables.py          # rewrite README.md in place, then review the diff

tests/test_readme.py checks each of those lines against the CLI; run this after an intended change of the
network table (its columns, its footer) and look at the diff before committing.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
TRANSCRIPT = re.compile(r"^```console\n\$ (.*?)\n(.*?)^```", flags=re.S | re.M)


def refresh(text: str) -> str:
    """``text`` with the output of every ``$ quizgen … --network …`` console block printed anew."""

    def rerun(match: re.Match[str]) -> str:
        command = match.group(1)
        if " --network " not in command:
            return match.group(0)
        args = [sys.executable, "-m", "quizgen", *shlex.split(command)[1:]]
        printed = subprocess.run(args, capture_output=True, text=True, check=True, encoding="utf-8").stdout
        return f"```console\n$ {command}\n{printed}```"

    return TRANSCRIPT.sub(rerun, text)


if __name__ == "__main__":
    README.write_text(refresh(README.read_text(encoding="utf-8")), encoding="utf-8")
