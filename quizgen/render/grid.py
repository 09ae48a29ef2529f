"""The marking grid: one row a sheet, one column a problem part, each cell that sheet's right answer.

With several sheets (``--variants``, ``--roster``) a teacher marks by hand from one page:
``grid.html`` (landscape, a class of 30 on one page) and ``grid.csv`` (for a spreadsheet).
Each row gives the sheet's number, code and student, the right answer to every part, a blank
score cell and the marks the sheet is out of.

Columns.  Sheets of one recipe have the same problems in the same places, and the same parts
(:mod:`quizgen.problems.slots`), so each column means one thing.  A problem gets one column per part
*place* (``7a``, ``7b``, ``7c``); should sheets of other shapes ever share a grid, a place has as many
columns as its most parts on any sheet, and a sheet with fewer leaves the rest empty (``—`` in HTML,
an empty CSV cell).  With a roster's ids, an ID column follows the student's name.
A problem with one part on every sheet is one column (``7``).  Each column's marks are in its
header; where sheets give the same place different marks (a section's ``marks:`` shared by 2
parts on one sheet and 3 on another) the header gives the range and each cell its own.

Cells.  A choice part: the letter and the value, ``B (1,568)``; a number as the key writes it,
``34,944``; a shape as ``27×27×96``.  The CSV writes numbers without separators (``34944``), so
that a spreadsheet reads them as numbers, and shapes with ``×`` so that it keeps them as text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from quizgen.i18n import N_, _, n_
from quizgen.problems.problem import Part, Value, fmt_marks, fmt_value

if TYPE_CHECKING:
    import jinja2

    from quizgen.problems.sheet import Sheet

#: The page's margins, and the printable width of a landscape page of the narrower paper (Letter,
#: 279.4 mm; A4 is 297 mm), in points: the width the table must fit.
MARGIN_MM = 8
PAGE_WIDTH_PT = (279.4 - 2 * MARGIN_MM) / 25.4 * 72
#: The table's font size when it fits, and the smallest it shrinks to for a recipe of many parts.
FONT_PT, SMALLEST_FONT_PT = 9.0, 5.0
#: Estimated widths in em, for the widest font the page may fall back to (DejaVu Sans's advance widths,
#: rounded up): digits and most letters, then the narrow and wide characters a cell holds.
CHAR_EM, WIDE_CHAR_EM, MONO_EM = 0.64, 1.0, 0.61
NARROW_EM = {",": 0.32, ".": 0.32, " ": 0.32, "(": 0.4, ")": 0.4, "[": 0.4, "]": 0.4, "i": 0.28, "l": 0.28}
BROAD_EM = {"×": 0.84, "—": 1.0, "–": 0.5, "m": 0.98, "w": 0.82, "M": 0.87, "W": 0.99}
CELL_PAD_EM = 0.8  # left and right padding (0.35 em each) and the border
STUDENT_MAX_EM = 16.0  # a longer name is cut with an ellipsis (the CSV has it whole)
SCORE_EM = 4.5  # room to write a score by hand

HTML_NAME = "grid.html"
CSV_NAME = "grid.csv"
TEMPLATE = "grid.html.j2"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Column:
    """One part place: problem ``number``, part ``index`` (``None``: the problem's only part)."""

    number: int
    index: int | None
    marks: tuple[Fraction, ...]  # the marks this place is worth, each distinct value once, ascending

    @property
    def label(self) -> str:
        """``7`` or ``7a``."""
        return str(self.number) if self.index is None else f"{self.number}{_letter(self.index)}"

    @property
    def marks_range(self) -> str:
        """``1``, ``1.5``, or ``1–1.5`` where sheets give this place different marks."""
        low, high = self.marks[0], self.marks[-1]
        return fmt_marks(low) if low == high else f"{fmt_marks(low)}–{fmt_marks(high)}"

    @property
    def marks_text(self) -> str:
        """``1 mark``, ``1.5 marks``, ``1–1.5 marks``."""
        one = self.marks[0] == self.marks[-1] == 1
        return n_(N_("{marks} mark"), N_("{marks} marks"), 1 if one else 2).format(marks=self.marks_range)

    @property
    def varies(self) -> bool:
        return len(self.marks) > 1


@dataclass(frozen=True)
class Cell:
    """One sheet's answer to one part place, as the HTML and the CSV write it, and the part's marks."""

    html: str
    csv: str
    marks: Fraction


@dataclass(frozen=True)
class Row:
    """One sheet: its place in the class (variant or roster order), code, student, cells and total marks."""

    number: int
    code: str
    student: str
    cells: tuple[Cell | None, ...]
    total: Fraction
    student_id: str = ""  # the roster's id, in a column of its own where any sheet has one


@dataclass(frozen=True)
class Grid:
    """The grid: its part places (columns) and one row a sheet, in the class's order."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @cached_property  # asked for every row of grid.html
    def has_ids(self) -> bool:
        """Whether any sheet has a roster id (then the grid has an ID column beside the student's)."""
        return any(row.student_id for row in self.rows)


def _letter(index: int) -> str:
    """A part's letter, as the key prints it: a, b, …, z, then aa, ab, …"""
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


def _shown(value: Value, *, plain: bool) -> str:
    """A value in a cell: ``34,944`` (``34944`` when ``plain``), a shape as ``27×27×96``."""
    if isinstance(value, tuple) and len(value) > 1:
        return "×".join(map(str, value))
    scalar = value[0] if isinstance(value, tuple) else value
    return str(scalar) if plain else fmt_value(scalar)


def _answer(part: Part, *, plain: bool) -> str:
    """A part's right answer: ``B (1,568)`` for a choice part, else the value."""
    for choice in part.choices:
        if choice.correct:
            return _("{letter} ({value})").format(letter=choice.letter, value=_shown(choice.value, plain=plain))
    return _shown(part.answer, plain=plain)


def build_grid(sheets: list[Sheet]) -> Grid:
    """The grid of ``sheets``: part places as columns (see the module's docstring), one row a sheet."""
    # Per sheet, per problem: (part, its marks) for each part; the problem's marks are worked out once.
    sheet_parts = [[tuple(zip(p.parts, p.part_marks)) for p in sheet.problems] for sheet in sheets]
    places: list[list[set[Fraction]]] = []  # per problem number, per part index: the marks seen there
    for problems in sheet_parts:
        for number, parts in enumerate(problems):
            if number == len(places):
                places.append([])
            for index, (_part, marks) in enumerate(parts):
                if index == len(places[number]):
                    places[number].append(set())
                places[number][index].add(marks)
    columns = tuple(
        Column(number + 1, None if len(parts) == 1 else index, tuple(sorted(marks)))
        for number, parts in enumerate(places)
        for index, marks in enumerate(parts)
    )
    where = [(column.number - 1, column.index or 0) for column in columns]
    rows = []
    for row_number, (sheet, problems) in enumerate(zip(sheets, sheet_parts), start=1):
        cells: list[Cell | None] = []
        for number, index in where:
            if number >= len(problems) or index >= len(problems[number]):
                cells.append(None)
                continue
            part, marks = problems[number][index]
            cells.append(Cell(_answer(part, plain=False), _answer(part, plain=True), marks))
        total = sum((marks for parts in problems for _part, marks in parts), Fraction(0))
        rows.append(Row(row_number, sheet.code, sheet.student, tuple(cells), total, sheet.student_id))
    return Grid(columns, tuple(rows))


def _em(text: str) -> float:
    """The estimated width of ``text`` in em, in a wide sans-serif font (a CJK character is 1 em)."""
    return sum(_char_em(ch) for ch in text)


@lru_cache(maxsize=4096)
def _char_em(ch: str) -> float:
    import unicodedata

    wide = unicodedata.east_asian_width(ch) in "WF"
    return NARROW_EM.get(ch) or BROAD_EM.get(ch) or (WIDE_CHAR_EM if wide else CHAR_EM)


def font_size(grid: Grid, headers: tuple[str, ...]) -> float:
    """The table's font size in points: :data:`FONT_PT`, or less where the widest row would not fit the page.

    ``headers`` are the fixed columns' titles (#, code, student, score, out of).  Widths are estimated
    for a wide fallback font, so that the table fits whatever font the printing machine has.
    """
    number_h, code_h, student_h, score_h, out_of_h = headers
    widths = [
        max(_em(number_h), _em(str(len(grid.rows)))),
        max(_em(code_h), max(MONO_EM * len(r.code) for r in grid.rows)),
        min(STUDENT_MAX_EM, max(_em(student_h), max(_em(r.student) for r in grid.rows))),
        max(_em(score_h), SCORE_EM),
        max(_em(out_of_h), max(_em(fmt_marks(r.total)) for r in grid.rows)),
    ]
    if grid.has_ids:
        widths.append(max(_em(_("ID")), max(_em(r.student_id) for r in grid.rows)))
    for i, column in enumerate(grid.columns):
        texts = [column.label, column.marks_range]
        texts += [
            c.html + (f" [{fmt_marks(c.marks)}]" if column.varies else "") for r in grid.rows if (c := r.cells[i])
        ]
        widths.append(max(map(_em, texts)))
    total_em = sum(widths) + CELL_PAD_EM * len(widths)
    fitted = min(FONT_PT, PAGE_WIDTH_PT / total_em)
    return max(SMALLEST_FONT_PT, int(fitted * 4) / 4)  # in quarter points, rounded down


def headers() -> tuple[str, str, str, str, str]:
    """The fixed columns' titles: number, code, student, score, out of."""
    return "#", _("Code"), _("Student"), _("Score"), _("Out of")


def grid_csv(grid: Grid) -> str:
    """``grid.csv``: a header row, then one row a sheet (RFC 4180 quoting, CRLF line ends, UTF-8)."""
    number_h, code_h, student_h, score_h, out_of_h = headers()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            number_h,
            code_h,
            student_h,
            *([_("ID")] if grid.has_ids else []),
            *(_("Answer {part} ({marks})").format(part=c.label, marks=c.marks_text) for c in grid.columns),
            score_h,
            out_of_h,
        ]
    )
    for row in grid.rows:
        writer.writerow(
            [
                row.number,
                row.code,
                row.student,
                *([row.student_id] if grid.has_ids else []),
                *("" if cell is None else cell.csv for cell in row.cells),
                "",
                fmt_marks(row.total),
            ]
        )
    return out.getvalue()


def grid_html(grid: Grid, sheets: list[Sheet], env: jinja2.Environment) -> str:
    """``grid.html``: one self-contained landscape page for a class of 30 (the header repeats on longer ones)."""
    from quizgen.render.sheets import _render

    first = sheets[0]
    titles = headers()
    return _render(
        env,
        TEMPLATE,
        grid=grid,
        headers=titles,
        font_pt=font_size(grid, titles),
        gaps=any(cell is None for row in grid.rows for cell in row.cells),
        margin_mm=MARGIN_MM,
        recipe_title=_(first.recipe.title) if first.recipe.title else first.recipe.name,
        recipe_name=first.recipe.name,
        count=first.count,
        fmt_marks=fmt_marks,
    )


def grid_files(sheets: list[Sheet], env: jinja2.Environment | None = None) -> dict[str, str]:
    """``grid.html`` and ``grid.csv`` for a class (two sheets or more); nothing for a single sheet."""
    if len(sheets) < 2:
        return {}
    if env is None:
        from quizgen.render.sheets import environment

        env = environment()
    grid = build_grid(sheets)
    return {HTML_NAME: grid_html(grid, sheets, env), CSV_NAME: grid_csv(grid)}
