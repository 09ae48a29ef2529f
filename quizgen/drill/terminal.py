"""The drill on a terminal: colour, text wrapped to the terminal's width, the ``drill`` and ``stats`` commands.

Text is wrapped by display width (a CJK character takes two columns), between words and between CJK
characters, never inside a word or a number ("6,400"), and never before closing punctuation.
"""

from __future__ import annotations

import re
import unicodedata

import click

from quizgen.drill.progress import Progress
from quizgen.i18n import _

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Punctuation that never starts a line (it stays with the character before it).
_NO_BREAK_BEFORE = set("，。、；：！？）》」』】,.;:!?)]}%")


class Style:
    """Terminal colour, on only for a terminal without NO_COLOR."""

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def good(self, text: str) -> str:
        return self._s(text, "green")

    def bad(self, text: str) -> str:
        return self._s(text, "red")

    def dim(self, text: str) -> str:
        return self._s(text, "bright_black")

    def bold(self, text: str) -> str:
        return self._s(text, None, bold=True)

    def _s(self, text: str, fg: str | None, bold: bool = False) -> str:
        if not self.color:
            return text
        import click

        return click.style(text, fg=fg, bold=bold)


def _units(text: str) -> list[str]:
    """``text`` as the pieces a line may break between: runs of spaces, words, and single wide characters
    (each with any closing punctuation that follows it)."""
    units: list[str] = []
    word = ""
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if ch == " ":
            if word:
                units.append(word)
                word = ""
            if units and units[-1].isspace():
                units[-1] += ch
            else:
                units.append(ch)
        elif ch in _NO_BREAK_BEFORE:
            word += ch
        elif wide:
            if word:
                units.append(word)
            word = ch
        else:
            if word and unicodedata.east_asian_width(word[-1]) in "WF":
                units.append(word)
                word = ""
            word += ch
    if word:
        units.append(word)
    return units


def wrap(text: str, width: int | None, indent: str = "") -> str:
    """``text`` broken into lines of at most ``width`` columns (by display width), later lines after ``indent``.

    Lines already in ``text`` are kept; leading spaces of a line are kept as its own indent.  A word wider than
    the line is left whole.  ``width=None`` (not a terminal) returns ``text`` as it is.
    """
    if not width:
        return text
    from quizgen.render.text import display_width as columns

    def display_width(text: str) -> int:  # colour codes take no columns
        return columns(_ANSI.sub("", text)) if "\x1b" in text else columns(text)

    out: list[str] = []
    for line in text.split("\n"):
        lead = line[: len(line) - len(line.lstrip(" "))]
        rest = indent if lead == "" else lead + indent
        current, used = lead, display_width(lead)
        pending = ""
        for unit in _units(line[len(lead) :]):
            if unit.isspace():
                pending = unit
                continue
            w = display_width(unit)
            gap = display_width(pending)
            if used + gap + w > width and current.strip():
                out.append(current.rstrip())
                current, used = rest + unit, display_width(rest) + w
            else:
                current += pending + unit
                used += gap + w
            pending = ""
        out.append(current.rstrip() if current.strip() else current)
    return "\n".join(out)


def run(
    *,
    kinds: list[str] | None,
    difficulty: int | None,
    count: int,
    seed: int | None,
    db: str | None,
    convention: str = "macs",
    figures: bool = True,
) -> int:
    """``quizgen drill``: interactive on a terminal, one answer per line from a pipe.

    ``figures``: grid pictures of small layers after a wrong answer, on a terminal only (never piped).
    """
    import os
    import sys

    from quizgen.drill.session import Drill, Finish

    interactive = sys.stdin.isatty()
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = min(os.get_terminal_size(sys.stdout.fileno()).columns, 100) if sys.stdout.isatty() else None

    def write(text: str) -> None:
        click.echo(text, nl=False)

    def read(prompt: str) -> str:
        write(prompt)
        line = sys.stdin.readline()
        if not line:
            write("\n")
            raise Finish
        if not interactive:
            write(line if line.endswith("\n") else line + "\n")
        return line.rstrip("\n")

    progress = Progress(db, defer=True)
    drill = Drill(
        progress,
        read=read,
        write=write,
        kinds=kinds or None,
        difficulty=difficulty,
        count=count,
        seed=seed,
        convention=convention,
        style=Style(color),
        width=width,
        figures=figures and sys.stdout.isatty(),
    )
    try:
        drill.run()
    except KeyboardInterrupt:
        write("\n" + drill.summary())
        progress.close()
        return 130
    write(drill.summary())
    progress.close()
    return 0


def show_stats(*, db: str | None, as_json: bool) -> int:
    """``quizgen stats``."""
    from quizgen.drill.progress import stats

    progress = Progress(db, create=False)
    data = stats(progress)
    progress.close()
    if as_json:
        import json

        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    from quizgen.i18n import N_, n_
    from quizgen.render.text import ljust, rjust

    answers = n_(N_("Progress in {path}: {n} answer"), N_("Progress in {path}: {n} answers"), data["answers"])
    lines = [answers.format(path=data["database"], n=data["answers"])]
    if data["accuracy_overall"] is not None:
        lines[0] += _(", {p:.0%} right").format(p=data["accuracy_overall"])
    days = n_(N_("{n} day"), N_("{n} days"), data["day_streak"]).format(n=data["day_streak"])
    lines.append(_("Streak: {n} right in a row; {days} of practice in a row.").format(n=data["streak"], days=days))
    if data["by_kind"]:
        lines.append("")
        header = (_("kind"), _("level"), _("right"), _("wrong"), _("skip"), _("accuracy"))
        table = [header]
        for row in data["by_kind"]:
            acc = "-" if row["accuracy"] is None else f"{row['accuracy']:.0%}"
            table.append(
                (row["kind"], str(row["difficulty"]), str(row["right"]), str(row["wrong"]), str(row["skipped"]), acc)
            )
        widths = (20, 5, 6, 6, 5, 9)
        for cells in table:
            lines.append(
                " ".join(ljust(c, w) if i == 0 else rjust(c, w) for i, (c, w) in enumerate(zip(cells, widths)))
            )
    if data["misconceptions"]:
        lines.append("")
        lines.append(_("Most frequent misconceptions:"))
        lines += [f"  {ljust(m['id'], 26)} ×{m['count']}" for m in data["misconceptions"][:8]]
    lines.append("")
    if data["due"]:
        lines.append(
            _("Due now: ")
            + _(", ").join(
                _("{kind} (box {box}, level {level})").format(kind=d["kind"], box=d["box"], level=d["difficulty"])
                for d in data["due"]
            )
        )
    else:
        lines.append(_("Nothing is due now."))
    if data["upcoming"]:
        nxt = data["upcoming"][0]
        lines.append(_("Next: {kind} in {time}.").format(kind=nxt["kind"], time=duration(nxt["due_in_seconds"])))
    click.echo("\n".join(lines))
    return 0


def duration(seconds: int) -> str:
    """A wait in whole minutes, hours or days, in words of the active language ("10 minutes", "1 day")."""
    from quizgen.i18n import N_, n_

    if seconds < 3600:
        n = max(1, seconds // 60)
        return n_(N_("{n} minute"), N_("{n} minutes"), n).format(n=n)
    if seconds < 86400:
        n = seconds // 3600
        return n_(N_("{n} hour"), N_("{n} hours"), n).format(n=n)
    n = seconds // 86400
    return n_(N_("{n} day"), N_("{n} days"), n).format(n=n)
