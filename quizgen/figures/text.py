"""The terminal writer: a compact Unicode grid of a small layer, at most 80 columns wide."""

from __future__ import annotations

from quizgen.figures.model import IN, PAD, PAD_DROPPED, UNREACHED, ZERO, Grid
from quizgen.figures.words import input_label, kernel_label, out_label
from quizgen.i18n import _

CHARS = {IN: "·", PAD: "░", ZERO: "○", UNREACHED: "×", PAD_DROPPED: "▚"}
FIRST, SECOND, BOTH = "█", "▒", "▓"


def grid_text(fig: Grid) -> str:
    """The input (padding ░, inserted zeros ○, unreached ×) with the footprints (█ first, ▒ next, ▓ both),
    an arrow, and the output with the cells they produce."""
    first = set(fig.footprint_cells(0))
    second = set(fig.footprint_cells(1)) if len(fig.footprints) > 1 else set()
    left = []
    for r, row in enumerate(fig.cells):
        line = []
        for c, kind in enumerate(row):
            here = ((r, c) in first, (r, c) in second)
            line.append({(True, True): BOTH, (True, False): FIRST, (False, True): SECOND}.get(here, CHARS[kind]))
        left.append(" ".join(line))
    right = []
    if fig.answer:
        marks = {fig.out_cell(i): (FIRST, SECOND)[i] for i in range(len(fig.footprints))}
        for r in range(fig.rows.out):
            right.append(" ".join(marks.get((r, c), "·") for c in range(fig.cols.out)))
    else:
        right = ["?"]
    in_width = 2 * fig.cols.size - 1
    lines = [
        _("{input}  ──{kernel}──▶  {output}").format(
            input=input_label(fig), kernel=kernel_label(fig), output=out_label(fig)
        )
    ]
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else " " * in_width
        b = right[i] if i < len(right) else ""
        lines.append((a + "     " + b).rstrip())
    legend = [f"{CHARS[kind]} {label}" for kind, label in fig.legend]
    if second:
        legend.append(
            _("{first} first window, {second} next along the stride, {both} both").format(
                first=FIRST, second=SECOND, both=BOTH
            )
        )
    else:
        legend.append(_("{first} the window").format(first=FIRST))
    if fig.layer.ndim == 3:
        legend.append(
            _("one H×W slice of the 3-D input (D={depth} follows the same rule)").format(depth=fig.layer.spatial[0])
        )
    lines += _pack(legend)
    return "\n".join(lines)


def columns(text: str) -> int:
    """The terminal columns ``text`` takes: two for each wide (CJK) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pack(items: list[str], width: int = 80) -> list[str]:
    """Legend items joined with two spaces into lines of at most ``width`` columns."""
    lines: list[str] = []
    for item in items:
        if lines and columns(lines[-1]) + 2 + columns(item) <= width:
            lines[-1] += "  " + item
        else:
            lines.append(item)
    return lines
