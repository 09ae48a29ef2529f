"""Answer sheets: where every mark of a sheet's answer page goes, in millimetres from the page's top-left.

The layout is data (DESIGN §7f): :func:`layout` returns, for each answer page of a sheet, its corner
markers, its QR code's box and every bubble with what it means.  :mod:`quizgen.render.answer_page`
draws it (SVG in HTML, printed 1:1) and writes it as ``answer-sheets.json``; a marker reads scans from
that JSON alone.

A numeric answer is a grid-in read as d.dd × 10^e: three digit columns and an exponent, which is the
§7a rule (an exact answer of more than 3 significant figures is right when gridded correctly rounded,
34,944 as 3 4 9, e = 4).  Zero is 0 0 0, e = 0.  A shape has one grid-in per size.  No kind has a
negative or a fractional answer (a part's answer is a whole number or a shape of whole numbers), so the
grid has no sign and no decimal point; :func:`layout` refuses a part that would need one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quizgen.errors import QuizgenError
from quizgen.i18n import _

if TYPE_CHECKING:
    from quizgen.problems.problem import Part
    from quizgen.problems.sheet import Sheet

#: Page sizes in mm, by ``--paper``.
PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}


@dataclass(frozen=True)
class Spacing:
    """How close the marks sit, in mm: a bubble's radius, the distance between the centres of two rows, the
    space added between two parts, and the space kept clear under the QR code and the top-left marker."""

    radius: float
    row: float
    gap: float
    clear: float


#: The usual spacing: bubbles 4.1 mm across with 2.1 mm of paper between them, parts 2 mm further apart.
ROOMY = Spacing(radius=2.05, row=6.2, gap=2.0, clear=1.5)
#: Taken only where it saves a page (a long sheet of shapes on Letter): issue 22's least, bubbles 4 mm across
#: with 2 mm between rows (2.2 mm along a row), parts 0.75 mm further apart and set off by a rule.  A page
#: holds two columns of rows of ten bubbles, so the rows, not the width, decide how many parts fit a page.
TIGHT = Spacing(radius=2.0, row=6.0, gap=0.75, clear=0.5)
#: The distance between the centres of two bubbles along a row (2.2 mm or more of paper between them).
PITCH = 6.2
#: The corner markers: solid squares of this side, centred this far in from each edge.
MARKER = 6.0
MARKER_INSET = 8.0
#: Where the content lies: this far in from the left and right edges (clear of the markers), in two
#: columns this far apart.
SIDE = 11.5
COLUMN_GAP = 4.0
#: The QR code's side, and the page's top margin.
QR_SIZE = 24.0
TOP = 5.0
#: A block's gutter, left of its bubbles: the part's label, the override box, the rows' tags.
GUTTER = 11.0
#: Space before a size's exponent bubbles (beside its digit rows).  A shape's sizes follow one another with
#: no more space than between rows, set off by a faint rule.
E_GAP = 3.0
ID_DIGITS = 6
#: The largest exponent a grid-in offers, by what is asked: sizes (a shape's, a kernel, a stride, a
#: padding, a receptive field, a step number) and every other count.  Chosen from what is asked, never
#: from the answer, so the grid gives nothing away; a larger answer (none of the built-in kinds has one)
#: widens that part's grid.  A size's exponents stand beside its digit rows, 2 a row; a count's
#: have a row of their own.
SIZE_QUANTITIES = frozenset(
    {"output", "output_size", "k", "s", "p", "d", "step", "receptive_field", "pad_before", "pad_after"}
)
E_SIZE = 4
E_COUNT = 12


@dataclass(frozen=True)
class Bubble:
    """One bubble: what it means (part ``N.i``, dimension from 1, column, value) and where it is (mm)."""

    part: str
    dim: int
    column: str
    value: str
    x: float
    y: float
    r: float = ROOMY.radius


@dataclass(frozen=True)
class Text:
    """A piece of printed text: its baseline's start (mm), its size (mm) and weight."""

    x: float
    y: float
    text: str
    size: float = 2.6
    bold: bool = False
    anchor: str = "start"


@dataclass
class AnswerPage:
    """One printed answer page: the sheet's code, the page's number among the sheet's answer pages, and
    everything on it in mm from the top-left corner."""

    code: str
    page: int
    pages: int
    student: str
    student_id: str
    paper: str
    size_mm: tuple[float, float]
    markers: list[tuple[float, float]]
    qr: tuple[float, float, float]  # x, y of its top-left corner, and its side
    bubbles: list[Bubble] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)  # x1, y1, x2, y2
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # faint: between parts, sizes

    @property
    def qr_text(self) -> str:
        """What the QR code holds: ``CODE/PAGE/PAGES``, e.g. ``D12-7C049FFB-02/1/1``."""
        return f"{self.code}/{self.page}/{self.pages}"


def gridded(value: int) -> tuple[str, str, str, int]:
    """How a whole number ≥ 0 is gridded: d1, d2, d3 and e of d.dd × 10^e, rounded half up to 3 figures."""
    if value == 0:
        return ("0", "0", "0", 0)
    digits, e = str(value), len(str(value)) - 1
    kept = int(digits[:3].ljust(3, "0")) + (1 if len(digits) > 3 and digits[3] >= "5" else 0)
    if kept == 1000:
        kept, e = 100, e + 1
    d = str(kept)
    return (d[0], d[1], d[2], e)


def exponent_range(part: Part) -> int:
    """The largest exponent ``part``'s grid-ins offer: by the quantity asked, widened only for an answer beyond it."""
    values = part.answer if isinstance(part.answer, tuple) else (part.answer,)
    for v in values:
        if not isinstance(v, int) or v < 0:
            raise QuizgenError(
                _("answer sheet: part '{label}' has the answer {value}, which a grid-in cannot hold").format(
                    label=part.label, value=v
                )
            )
    size = isinstance(part.answer, tuple) or part.quantity in SIZE_QUANTITIES
    return max([E_SIZE if size else E_COUNT, *(gridded(v)[3] for v in values)])


@dataclass
class _Block:
    """A block of rows in a column: a part's grid-in for one size, a choice row, or the ID grid."""

    part: str
    dim: int
    rows: list[tuple[str, str, list[str]]]  # (tag, column name, values left to right)
    beside: list[str]  # a size's exponents, 3 a column beside the digit rows
    override: bool  # the part's override box sits in this block's gutter
    tag: str = ""  # a shape's size: "size 2"

    def height(self, spacing: Spacing) -> float:
        return len(self.rows) * spacing.row

    @property
    def width(self) -> float:
        """From the gutter's left edge to about a millimetre past the last bubble (or a choice row's box)."""
        across = float(max(len(values) for _t, _c, values in self.rows))
        if self.override and len(self.rows) == 1:
            across += 1.0 + E_GAP / PITCH
        beside = -(-len(self.beside) // len(self.rows)) if self.beside else 0
        return GUTTER + across * PITCH + (E_GAP + beside * PITCH if beside else 0)


def _blocks(sheet: Sheet) -> list[_Block]:
    from quizgen.render.sheets import numbered

    digits = [str(v) for v in range(10)]
    blocks = []
    if not sheet.student:
        blocks.append(_Block("id", 1, [(str(i), f"id{i}", digits) for i in range(1, ID_DIGITS + 1)], [], False))
    for _title, items in numbered(sheet):
        for n, problem in items:
            for i, part in enumerate(problem.parts, start=1):
                pid = f"{n}.{i}"
                if part.choices:
                    blocks.append(_Block(pid, 1, [("", "choice", [c.letter for c in part.choices])], [], True))
                    continue
                emax = exponent_range(part)
                size = isinstance(part.answer, tuple) or part.quantity in SIZE_QUANTITIES
                dims = len(part.answer) if isinstance(part.answer, tuple) else 1
                exps = [str(v) for v in range(emax + 1)]
                for dim in range(1, dims + 1):
                    rows = [("1", "d1", digits), ("2", "d2", digits), ("3", "d3", digits)]
                    beside = exps if size and emax < 9 else []
                    if not beside:
                        rows.append(("e", "e", exps))
                    tag = _("size {n}").format(n=dim) if dims > 1 else ""
                    blocks.append(_Block(pid, dim, rows, beside, dim == 1, tag))
    return blocks


def layout(sheet: Sheet, paper: str = "a4") -> list[AnswerPage]:
    """The answer pages of ``sheet`` on ``paper`` (``a4`` or ``letter``): one, or more for a long sheet.

    Blocks flow down the left column, then the right, then onto a new page, in the sheet's order, with
    :data:`ROOMY` spacing, or :data:`TIGHT` where that takes fewer pages.  The first page's header has the
    student's printed name and roster id, or a name line and, first of the blocks, an ID bubble grid
    (``ID_DIGITS`` digits, one a row) where the sheet has no student, and the instructions with the worked
    example; a later page has a one-line header, so that its left column begins near the top (its right
    column begins under the QR code).
    """
    blocks = _blocks(sheet)
    pages = _flow(sheet, paper, blocks, ROOMY)
    if len(pages) > 1:
        tight = _flow(sheet, paper, blocks, TIGHT)
        if len(tight) < len(pages):
            return tight
    return pages


def _flow(sheet: Sheet, paper: str, blocks: list[_Block], spacing: Spacing) -> list[AnswerPage]:
    width, height = PAPER_MM[paper]
    column_width = (width - 2 * SIDE - COLUMN_GAP) / 2
    student_id = getattr(sheet, "student_id", "")
    pages: list[AnswerPage] = []
    bottom = height - MARKER_INSET - MARKER / 2 - 1.5

    def new_page() -> tuple[AnswerPage, tuple[float, float]]:
        page = AnswerPage(
            code=sheet.code,
            page=len(pages) + 1,
            pages=0,
            student=sheet.student,
            student_id=student_id,
            paper=paper,
            size_mm=(width, height),
            markers=[
                (MARKER_INSET, MARKER_INSET),
                (width - MARKER_INSET, MARKER_INSET),
                (MARKER_INSET, height - MARKER_INSET),
                (width - MARKER_INSET, height - MARKER_INSET),
            ],
            qr=(width - SIDE - QR_SIZE, TOP, QR_SIZE),
        )
        pages.append(page)
        return page, _header(page, spacing)

    page, tops = new_page()
    column, y = 0, tops[0]
    last: _Block | None = None
    for block in blocks:
        same = last is not None and block.part == last.part
        if y > tops[column]:
            y += 0.0 if same else spacing.gap
        if y + block.height(spacing) > bottom:
            column += 1
            if column == 2:
                page, tops = new_page()
                column = 0
            y = tops[column]
        x = SIDE + column * (column_width + COLUMN_GAP)
        if y > tops[column]:  # a faint rule halfway between this block and the one above it
            ry = y - (0.0 if same else spacing.gap / 2)
            page.rules.append(
                (x + (GUTTER - 2 if same else 0), ry, x + max(block.width, last.width if last else 0), ry)
            )
        _place(page, block, x, y, spacing)
        y += block.height(spacing)
        last = block
    for p in pages:
        p.pages = len(pages)
        p.texts.append(
            Text(
                width / 2,
                height - MARKER_INSET + 1,
                _("{code} · answer page {page} of {pages}").format(code=p.code, page=p.page, pages=p.pages),
                2.4,
                anchor="middle",
            )
        )
    return pages


def _header(page: AnswerPage, spacing: Spacing) -> tuple[float, float]:
    """Print the page's header; return where the left and the right column's blocks begin."""
    x = SIDE + MARKER
    under_qr = TOP + QR_SIZE + spacing.clear
    if page.page == 1:
        title = _("Answer sheet") + f" · {page.code}"
    else:
        title = _("{code} · answer page {page}").format(code=page.code, page=page.page)
    page.texts.append(Text(x, TOP + 4, title, 3.6, bold=True))
    name_x = x + max(78.0, _ems(title) * 3.6 + 4)
    room = page.qr[0] - 3 - name_x
    if page.student:
        who = _("Name: {name}").format(name=page.student + (f" ({page.student_id})" if page.student_id else ""))
        page.texts.append(Text(name_x, TOP + 4, who, min(3.3, room / _ems(who)), bold=True))
    else:
        page.texts.append(Text(name_x, TOP + 4, _("Name:"), 3.2))
        page.lines.append((name_x + 11, TOP + 4.5, name_x + room, TOP + 4.5))
    if page.page > 1:
        return MARKER_INSET + MARKER / 2 + spacing.clear, under_qr
    lines = [
        _("Fill each bubble fully with a dark pencil; erase cleanly. Leave the square boxes to the teacher."),
        _("A number is gridded as d.dd × 10^e: rows 1, 2, 3 its first three figures, e the power of ten."),
        _("34,944 → 3 4 9, e = 4.   55 → 5 5 0, e = 1.   3 → 3 0 0, e = 0.   0 → 0 0 0, e = 0."),
        _("A number of more than 3 figures is right when rounded to 3. A shape: one grid a size, in order."),
    ]
    y = TOP + 9.5
    for line in lines:
        page.texts.append(Text(SIDE, y, line, 2.45))
        y += 3.5
    top = max(y - 2, under_qr)
    return top, top


def _ems(text: str) -> float:
    """About how wide ``text`` prints in bold, in ems (the font's size): a Latin letter or digit at most 0.7, a
    CJK character 1.05, so that a long code or name is kept clear of the QR code."""
    return sum(0.7 if ord(c) < 0x2E80 else 1.05 for c in text)


def _place(page: AnswerPage, block: _Block, x: float, y: float, spacing: Spacing) -> None:
    """Put ``block``'s label, row tags, bubbles and override box on ``page`` from (x, y), its top-left."""
    row_h, r = spacing.row, spacing.radius
    first = y + row_h / 2
    page.texts.append(Text(x, first + 1.0, block.part if block.part != "id" else _("ID"), 2.8, bold=True))
    if block.override and len(block.rows) > 1:
        page.bubbles.append(Bubble(block.part, 1, "override", "right", x + 3.0, first + row_h, r))
    elif block.override:  # a choice row: the box ends the row
        end = x + GUTTER + (len(block.rows[0][2]) + 0.5) * PITCH + E_GAP
        page.bubbles.append(Bubble(block.part, 1, "override", "right", end, first, r))
    if block.tag:
        page.texts.append(Text(x, first + (2 if block.override else 1) * row_h + 0.7, block.tag, 1.9))
    left = x + GUTTER + PITCH / 2
    for row, (tag, column, values) in enumerate(block.rows):
        cy = first + row * row_h
        if tag:
            page.texts.append(Text(x + GUTTER - 0.6, cy + 0.7, tag, 2.0, anchor="end"))
        for i, value in enumerate(values):
            page.bubbles.append(Bubble(block.part, block.dim, column, value, left + i * PITCH, cy, r))
    if block.beside:
        ex = left + 10 * PITCH + E_GAP
        page.texts.append(Text(ex - PITCH / 2 - 0.3, first + 0.7, "e", 2.0, anchor="end"))
        across = -(-len(block.beside) // len(block.rows))  # read left to right, then down
        for i, value in enumerate(block.beside):
            row, col = divmod(i, across)
            page.bubbles.append(Bubble(block.part, block.dim, "e", value, ex + col * PITCH, first + row * row_h, r))
