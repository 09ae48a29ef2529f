"""Class rosters: the students of ``--roster FILE``, read from a CSV as spreadsheets save it."""

from __future__ import annotations

import csv
import io

from quizgen.errors import QuizgenError
from quizgen.i18n import _


def read_roster(path: str) -> list[tuple[str, str]]:
    """(id, name) per student from a CSV with a ``name`` column (and optionally ``id``), or names in column 1.

    The file is UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"); its separator is a comma,
    or a semicolon or a tab where the header row uses one (as Excel saves CSV in many locales).
    """
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise QuizgenError(
            _("--roster {path}: cannot read the file ({strerror})").format(path=path, strerror=exc.strerror)
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuizgenError(
            _(
                "--roster {path}: line {line} is not UTF-8 (byte 0x{byte:02X}); save the file as UTF-8 "
                "(in Excel: Save As, CSV UTF-8) and try again"
            ).format(path=path, line=raw[: exc.start].count(b"\n") + 1, byte=raw[exc.start])
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=roster_separator(text))
    rows = [r for r in reader if any(c.strip() for c in r)]
    if not rows:
        raise QuizgenError(_("--roster {path}: no students in the file").format(path=path))
    header = [c.strip().lower() for c in rows[0]]
    if "name" not in header and {"student", "email", "id", "first", "last", "姓名"} & set(header):
        raise QuizgenError(
            _("--roster {path}: the header row needs a 'name' column (and optionally 'id')").format(path=path)
        )
    if "name" in header and len(rows) == 1:
        raise QuizgenError(_("--roster {path}: no students in the file").format(path=path))
    if "name" in header:
        name_col, id_col = header.index("name"), header.index("id") if "id" in header else None
        rows = rows[1:]
    else:
        name_col, id_col = 0, None
    students: list[tuple[str, str]] = []
    seen: dict[str, int] = {}  # id -> the line it was first on
    for line, row in enumerate(rows, start=2 if "name" in header else 1):
        name = row[name_col].strip() if name_col < len(row) else ""
        if not name:
            raise QuizgenError(_("--roster {path}: line {line}: the name is empty").format(path=path, line=line))
        given = row[id_col].strip() if id_col is not None and id_col < len(row) else ""
        sid = given or name
        if sid in seen and not given:  # two students of one name: only an id tells their sheets apart
            raise QuizgenError(
                _(
                    "--roster {path}: line {line}: the name '{name}' is also on line {first}; give each "
                    "student an id in an 'id' column (header row: id,name)"
                ).format(path=path, line=line, name=name, first=seen[sid])
            )
        if sid in seen:
            raise QuizgenError(
                _("--roster {path}: line {line}: student id '{sid}' appears twice").format(
                    path=path, line=line, sid=sid
                )
            )
        seen[sid] = line
        students.append((sid, name))
    return students


def roster_separator(text: str) -> str:
    """The roster's separator: ``;`` or a tab where ``csv.Sniffer`` finds one used in the first line, else ``,``."""
    head = text[:4096]
    first = head.splitlines()[0] if head.strip() else ""
    try:
        found = csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:  # one column, or too few lines to tell: a comma file
        return ","
    return found if found in ";\t" and found in first else ","
