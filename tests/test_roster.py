"""``--roster FILE`` as spreadsheets save it: semicolons and tabs, a byte-order mark, and files not in UTF-8.

Each roster is written here byte by byte, as Excel and LibreOffice write them, and the sheets' names are read
back from the JSON sheets the CLI writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

STUDENTS = [("s1", "Ann Lee"), ("s2", "José Núñez"), ("s3", "Zoë Brandt")]


def names_on_sheets(out: Path) -> list[str]:
    """The student named on each sheet, in the key's order (the roster's)."""
    keys = json.loads((out / "key.json").read_text(encoding="utf-8"))["keys"]
    return [k["student"] for k in keys]


@pytest.mark.parametrize(
    "separator, label",
    [(";", "semicolon (Excel in many locales)"), ("\t", "tab (a spreadsheet pasted as text)")],
)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_a_semicolon_or_tab_roster_names_each_student(run, tmp_path, separator, label, bom):
    roster = tmp_path / "students.csv"
    text = f"id{separator}name\r\n" + "".join(f"{sid}{separator}{name}\r\n" for sid, name in STUDENTS)
    roster.write_bytes(bom + text.encode("utf-8"))
    r = run("worksheet", "--roster", str(roster), "--format", "json", "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    assert names_on_sheets(tmp_path / "out") == [name for _sid, name in STUDENTS], label
    assert not any(separator in n for n in names_on_sheets(tmp_path / "out"))


def test_a_comma_roster_with_a_semicolon_in_a_name_keeps_the_name(run, tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text('id,name\n1,"Lee; Ann"\n2,Bo\n3,Cy\n', encoding="utf-8")
    r = run("worksheet", "--roster", str(roster), "--format", "json", "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    assert names_on_sheets(tmp_path / "out") == ["Lee; Ann", "Bo", "Cy"]


def test_a_utf8_roster_with_a_byte_order_mark_reads_its_header(run, tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_bytes(b"\xef\xbb\xbfname\r\n" + "José Núñez\r\nAnn Lee\r\n".encode())
    r = run("worksheet", "--roster", str(roster), "--format", "json", "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    assert names_on_sheets(tmp_path / "out") == ["José Núñez", "Ann Lee"]


@pytest.mark.parametrize("codec", ["latin-1", "cp1252", "utf-16"])
def test_a_roster_not_in_utf8_is_told_to_be_saved_as_utf8(run, tmp_path, codec):
    roster = tmp_path / "students.csv"
    roster.write_bytes("name\nAnn Lee\nJosé Núñez\n".encode(codec))
    r = run("worksheet", "--roster", str(roster), "--format", "json", "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith(f"Error: --roster {roster}: line ")
    assert "save the file as UTF-8" in r.stderr
    assert "codec" not in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
    if codec != "utf-16":  # é (0xE9) on line 3 is the first byte UTF-8 cannot read
        assert "line 3 is not UTF-8 (byte 0xE9)" in r.stderr
