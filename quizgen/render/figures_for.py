"""The figures on sheets and keys: the one rule of :mod:`quizgen.figures.choose`, laid out for paper.

Which problem gets which figure is decided there, for sheets, keys, exports and the drill alike.  A
student's figure here also leaves out the caption under the drawing (the problem's text says it; the
``<desc>`` still carries it for screen readers), so that it fits beside the problem on paper.
"""

from __future__ import annotations

import re

from quizgen.problems.problem import Problem


def figure_for(problem: Problem, *, answer: bool, lang: str | None = None) -> str | None:
    """The SVG for ``problem`` on the key (``answer=True``) or on a student's sheet (``answer=False``)."""
    from quizgen.figures.choose import figure_for as chosen

    drawn = chosen(problem, answer=answer, lang=lang)
    return drawn if drawn is None or answer else without_caption(drawn)


_CAP = re.compile(r'\n *<text x="[^"]*" y="([0-9.]+)" class="cap">[^<]*</text>')
_SIZE = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"( width="[0-9.]+")? height="[0-9.]+"')


def without_caption(svg: str) -> str:
    """The figure without the caption lines under the drawing (the ``<desc>`` keeps them), cropped to fit."""
    tops = [float(m.group(1)) for m in _CAP.finditer(svg)]
    if not tops:
        return svg
    height = min(tops) - 6  # the caption's first baseline sits 16 px below the drawing; keep a margin
    height_text = f"{height:.2f}".rstrip("0").rstrip(".")

    def crop(m: re.Match[str]) -> str:
        return f'viewBox="0 0 {m.group(1)} {height_text}"{m.group(3) or ""} height="{height_text}"'

    return _SIZE.sub(crop, _CAP.sub("", svg), count=1)
