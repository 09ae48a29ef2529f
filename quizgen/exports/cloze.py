"""Moodle's embedded answers (``cloze``, ``qtype_multianswer``): a problem with several answers as one question.

Each answer box is one sub-question written into the question text, in the grammar Moodle's parser
reads (``question/type/multianswer/questiontype.php``, ``ANSWER_REGEX`` and ``ANSWER_ALTERNATIVE_REGEX``)::

    {WEIGHT:NUMERICAL:=34944:0#Correct.~=34900:0#Correct (rounded …).~%0%34848:0#The biases are missing.}
    {WEIGHT:MULTICHOICE_V:=A. 34,944#Correct.~%0%B. 34,848#…~…}

* ``WEIGHT`` is ``[0-9]*``: Moodle takes only whole numbers, and the question's mark is their sum (its
  import reads no ``defaultgrade`` for a cloze question).  The weights are the blanks' exact shares of
  the problem's marks (a part's marks shared by its answer boxes, as on paper) times the smallest whole
  factor that makes every share whole (:func:`blank_weights`).  So a problem whose blanks are each worth
  whole marks keeps its marks; otherwise the blanks keep their exact ratio and the question is worth the
  recipe's marks times that factor (1 mark over a shape's 3 numbers: weights 1, 1, 1, so 3).
* An answer ends at the first ``~ # }`` not preceded by ``\\``, ``&`` or ``&amp;``, and a feedback at the
  first ``~ }`` not preceded by ``\\``.  Moodle then runs ``html_entity_decode`` and undoes only ``\\}`` and
  ``\\#``: a ``\\~`` would keep its backslash.  So every character that could end a field (``} ~ #``) or
  start an escape or a marker (``\\ {``), and ``/ " ' & < >``, is written as a numeric character
  reference (:func:`cloze_escape`), which the parser skips over and ``html_entity_decode`` restores.
* A choice is ``MULTICHOICE_V``: radio buttons, never shuffled (plain ``MULTICHOICE`` is shuffled in
  older Moodles), each option starting with its letter on the sheet, since a cloze choice has no numbering.
* A number accepts the answer and each correct rounding of it to 3 significant figures or more, each at
  tolerance 0 (:func:`accepted_roundings`): DESIGN §7a's rule as far as Moodle can say it.  Moodle reads
  the value, not how it was written, so ``34900`` typed in full is accepted where §7a wants ``3.49e4``
  or ``34.9k``; and Moodle reads no ``k``/``M`` suffix, so ``34.9k`` must be typed ``3.49e4``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from xml.sax.saxutils import escape

from quizgen.exports.common import Item, h, html, rich, sentence
from quizgen.i18n import N_, _, n_

#: Each character written as a numeric reference inside an answer or a feedback (see the module).
_CLOZE_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'{}~#\\/"}


def cloze_escape(html_text: str) -> str:
    """An answer's or a feedback's HTML as Moodle must read it inside ``{…}``: every special character a reference.

    Moodle's parser decodes the references (``html_entity_decode``) once it has split the fields, which
    gives back ``html_text`` exactly.
    """
    return html_text.translate(_CLOZE_ESCAPES)


def accepted_roundings(answer: int) -> list[int]:
    """The values other than ``answer`` that are its correct rounding to 3 or more significant figures.

    A value rounded at a place with unit ``u`` is right when it is within ``u/2`` of the answer, so at an
    exact half both neighbours count (DESIGN §7a).  ``34944`` gives ``34900`` (3 figures) and ``34940`` (4).
    """
    found: list[int] = []
    size = abs(answer)
    digits = len(str(size))
    for figures in range(3, digits):
        unit = 10 ** (digits - figures)
        low = size // unit * unit
        for value in (low, low + unit):
            signed = value if answer >= 0 else -value
            if value and 2 * abs(size - value) <= unit and signed != answer and signed not in found:
                found.append(signed)
    return found


def rounded_feedback(answer: int, value: int) -> str:
    """The feedback for an accepted rounding: "Correct (rounded to 3 significant figures)."."""
    digits = len(str(abs(answer)))
    figures = digits - len(str(abs(value))) + len(str(abs(value)).rstrip("0"))
    figures = max(3, min(figures, digits))
    said = n_(N_("rounded to {n} significant figure"), N_("rounded to {n} significant figures"), figures)
    return sentence(_("correct ({rounded})").format(rounded=said.format(n=figures)))


def numerical_answers(item: Item) -> list[tuple[int, str, str]]:
    """A number's answers in the order Moodle tries them: ``(value, percent, feedback)``.

    The right value, then its accepted roundings, at 100; then each known wrong value at 0 with why.
    A wrong value that is also an accepted rounding is left out: Moodle takes the first that matches.
    """
    assert item.answer is not None
    roundings = accepted_roundings(item.answer)
    graded = [(item.answer, "100", _("Correct."))]
    graded += [(v, "100", rounded_feedback(item.answer, v)) for v in roundings]
    graded += [(v, "0", why) for v, why in item.wrongs if v not in roundings]
    return graded


def _feedback(text: str) -> str:
    return html(h("span", *rich(text))).removeprefix("<span>").removesuffix("</span>")


def blank_marker(item: Item, weight: int) -> str:
    """One sub-question in Moodle's embedded-answers grammar (see the module)."""
    if item.numeric:
        alternatives = [
            f"{'=' if percent == '100' else '%0%'}{value}:0#{cloze_escape(_feedback(feedback))}"
            for value, percent, feedback in numerical_answers(item)
        ]
        return "{" + f"{weight}:NUMERICAL:" + "~".join(alternatives) + "}"
    alternatives = [
        f"{'=' if o.correct else '%0%'}{cloze_escape(escape(f'{o.letter}. {o.text}'))}"
        f"#{cloze_escape(_feedback(o.feedback))}"
        for o in item.options
    ]
    return "{" + f"{weight}:MULTICHOICE_V:" + "~".join(alternatives) + "}"


def blank_weights(shares: list[Fraction]) -> tuple[list[int], int]:
    """Whole weights in the exact ratio of ``shares``, and the factor they were scaled by.

    The factor is the smallest whole number that makes every share whole, so whole shares stay as they are.
    """
    factor = math.lcm(*(s.denominator for s in shares))
    return [int(s * factor) for s in shares], factor
