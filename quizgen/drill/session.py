"""The terminal drill: one question at a time, feedback by cause, every answer saved at once.

The session logic (:class:`Drill`) reads lines and writes text through two
callables, so the same code runs on a terminal, from a pipe, and in tests.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from quizgen.drill.progress import Progress
from quizgen.drill.replies import _wrong_line
from quizgen.drill.schedule import CURRICULUM, schedule
from quizgen.drill.terminal import Style, wrap
from quizgen.i18n import _
from quizgen.problems import kinds as K
from quizgen.problems.problem import Part, Problem, fmt_value

if TYPE_CHECKING:  # answers are read after the question is shown: their module is imported then
    from quizgen.explain.answers import Number, Shape


def M_CATALOGUE_IDS() -> frozenset[str]:  # noqa: N802 - reads as the constant it is
    """The ids of the misconception catalogue (a near miss, 'slip', is not one to work on)."""
    from quizgen.explain.misconceptions import CATALOGUE

    return frozenset(CATALOGUE)


class Finish(Exception):
    """The student asked to stop (q, or end of input)."""


class Tally:
    """What happened in one session: counts, streaks, and how often each misconception was named."""

    def __init__(self) -> None:
        self.asked = self.right = self.wrong = self.skipped = 0
        self.streak = self.best_streak = 0
        self.misconceptions: dict[str, int] = {}


class Drill:
    """A drill session over a progress store."""

    def __init__(
        self,
        progress: Progress,
        *,
        read: Callable[[str], str],
        write: Callable[[str], None],
        kinds: list[str] | None = None,
        difficulty: int | None = None,
        count: int = 10,
        seed: int | None = None,
        convention: str = "macs",
        style: Style | None = None,
        width: int | None = None,
        figures: bool = False,
    ) -> None:
        self.progress, self.read, self.write = progress, read, write
        self.figures = figures  # grid pictures of small layers, for a terminal (see show_figure)
        self._drawn: set[tuple[str, bool]] = set()
        self.width = width  # a terminal's columns: question texts wrap at word boundaries
        self.kinds = kinds or [k for k in CURRICULUM if k in K.REGISTRY]
        for k in self.kinds:
            K.get(k)
        self.difficulty, self.count, self.convention = difficulty, count, convention
        self.rng = random.Random(seed) if seed is not None else random.Random()
        self.session = os.urandom(6).hex()
        self.tally = Tally()
        self._answered: set[str] = set()
        self._skipped: set[str] = set()  # problems with a part skipped
        self.style = style or Style()

    def run(self) -> Tally:
        """Ask up to ``count`` problems; stops early on q or end of input (Ctrl-D)."""
        last = ""
        seen: set[tuple[str, str]] = set()
        try:
            for n in range(1, self.count + 1):
                kind, difficulty = schedule(self.progress, self.kinds, self.rng, avoid=last)
                problem = K.get(kind).sample(self.rng, self.difficulty or difficulty, self.convention)
                for _retry in range(5):  # a session should not ask the same problem twice
                    if (problem.text, problem.spec) not in seen:
                        break
                    problem = K.get(kind).sample(self.rng, self.difficulty or difficulty, self.convention)
                seen.add((problem.text, problem.spec))
                if self.rng.random() < 0.35 and all(not p.choices for p in problem.parts):
                    from quizgen.problems.problem import with_choices

                    problem = with_choices(problem, self.rng)
                self.ask(n, problem)
                last = kind
        except Finish:
            pass
        return self.tally

    def ask(self, number: int, problem: Problem) -> None:
        s = self.style
        stars = "★" * problem.difficulty + "☆" * (3 - problem.difficulty)
        heading = _("Question {n}/{total}").format(n=number, total=self.count)
        self.write(f"\n{s.bold(heading)} · {problem.title} · {stars}\n")
        self.say(problem.text, "")
        if problem.shown_spec:
            self.say("  " + problem.shown_spec.replace("\n", "\n  "), "  ", s.dim)
        for step, working in problem.flawed:
            self.say(f"    {step}: {working}", "      ")
        all_right = True
        try:
            for i, part in enumerate(problem.parts):
                last = i == len(problem.parts) - 1
                all_right &= self.ask_part(problem, part, "abcdefghijklmnopqrstuvwxyz"[i], last=last)
        finally:  # a question counts once: answered (any part), or else skipped
            if problem.id in self._skipped and problem.id not in self._answered:
                self.tally.skipped += 1
        self.progress.update_box(problem.kind, right=all_right)

    def say(self, text: str, indent: str = "  ", style: Callable[[str], str] | None = None) -> None:
        """Write ``text`` and a newline, wrapped to the terminal's width (by display width), in ``style``."""
        wrapped = wrap(text, self.width, indent)
        self.write((style(wrapped) if style else wrapped) + "\n")

    def ask_part(self, problem: Problem, part: Part, letter: str, *, last: bool = True) -> bool:
        """Ask one part; True if it was answered right at the first try.  ``last``: the problem's last part."""
        s = self.style
        if part.choices:
            for c in part.choices:
                self.say(f"    {c.letter}) {fmt_value(c.value)}", "       ")
        attempt = 1
        hinted = False
        while True:
            answer = self.read(_("{letter}) {label}? ").format(letter=letter, label=part.label)).strip()
            low = answer.lower()
            if low in ("q", "quit", "exit"):
                raise Finish
            if low in ("?", "h", "hint"):
                self.say(_("Hint: ") + (part.hint or _("work through the formula step by step.")), "  ", s.dim)
                hinted = True
                continue
            if low in ("s", "skip"):
                self.save(problem, part, answer, "skipped", attempt)
                self._skipped.add(problem.id)
                self.tally.streak = 0
                self.reveal(problem, part)
                self.show_figure(problem, answer=last)
                return False
            value = self.read_value(part, answer)
            if value is None:
                from quizgen.explain.spellings import examples
                from quizgen.problems.feedback import seen_on

                spelled = examples(*seen_on([problem])).fields()
                letters = (
                    _(", or a letter {first}-{last}").format(first=part.choices[0].letter, last=part.choices[-1].letter)
                    if part.choices
                    else ""
                )
                self.say(
                    _(
                        "I couldn't read that. Type a number ({exact}, {grouped}, {full_sci}, {suffix}), a shape "
                        "({shape}){letters}; ? for a hint, s to skip, q to stop."
                    ).format(**spelled, letters=letters)
                )
                continue
            if (
                isinstance(part.answer, tuple)
                and len(part.answer) > 1
                and (not isinstance(value, tuple) or len(value) != len(part.answer))
            ):
                self.say(
                    _("Give the whole shape, every size and the channels, e.g. {example}.").format(
                        example=_shape_example(problem, len(part.answer))
                    )
                )
                continue
            if not isinstance(part.answer, tuple) and isinstance(value, tuple) and not part.choices:
                self.say(_("This part asks for one number, not a shape; it costs nothing."))
                continue
            verdict = _verdict(value, part.answer)
            if verdict != "wrong":
                self.save(problem, part, answer, "right", attempt)
                self.tally.right += 1
                self.tally.streak += 1
                self.tally.best_streak = max(self.tally.best_streak, self.tally.streak)
                if verdict == "rounded":
                    from quizgen.explain.answers import rounded_text

                    line = _("Right ({rounded}): {v}.").format(rounded=rounded_text(value), v=fmt_value(part.answer))
                else:
                    line = _("Right: {v}.").format(v=fmt_value(part.answer))
                self.say("✓ " + line, "  ", s.good)
                return attempt == 1
            cut, ids, why = self.named(problem, part, value)
            named = tuple(i for i in ids if i in M_CATALOGUE_IDS())  # a near miss ("slip") is not one to work on
            self.save(problem, part, answer, "wrong", attempt, named)
            self.tally.wrong += 1
            self.tally.streak = 0
            for i in named:
                self.tally.misconceptions[i] = self.tally.misconceptions.get(i, 0) + 1
            line, notation = _wrong_line(value, answer, part.answer, why, cut)
            self.say("✗ " + line, "  ", s.bad)
            if attempt == 1:
                # the hint is about the working: not for a right value written too coarsely or out in full
                if part.hint and not hinted and not notation:
                    self.say(_("Hint: ") + part.hint, "  ", s.dim)
                self.show_figure(problem, answer=False)
                self.say(_("One more try."))
                attempt = 2
                continue
            self.reveal(problem, part)
            self.show_figure(problem, answer=last)
            return False

    def read_value(self, part: Part, answer: str) -> Number | Shape | None:
        from quizgen.explain.answers import Number, parse_number, parse_value, wants_shape

        if part.choices and len(answer) == 1 and answer.upper() in "ABCD":
            chosen = next((c for c in part.choices if c.letter == answer.upper()), None)
            if chosen is None:
                return None
            v = chosen.value
            return v if isinstance(v, tuple) else parse_number(str(v))
        value = parse_value(answer, shape_first=wants_shape(part.answer))
        one_number = isinstance(part.answer, tuple) and len(part.answer) == 1
        if one_number and isinstance(value, Number) and value.value.denominator == 1:
            return (int(value.value),)
        return value

    def named(self, problem: Problem, part: Part, value: Number | Shape) -> tuple[bool, tuple[str, ...], str]:
        """What a wrong answer is told: whether it is the right value cut off instead of rounded (said before
        any misconception, and naming none), else the misconception(s) and their sentence (:meth:`diagnose`)."""
        from quizgen.explain.answers import truncated

        if truncated(value, part.answer):
            return True, (), ""
        return False, *self.diagnose(problem, part, value)

    def diagnose(self, problem: Problem, part: Part, value: Number | Shape) -> tuple[tuple[str, ...], str]:
        """The misconception(s) that produce ``value``, and the sentence that names them
        (:func:`quizgen.problems.feedback.diagnose`, shared with ``quizgen mark``)."""
        from quizgen.problems.feedback import diagnose

        return diagnose(problem, part, value, _matches)

    def reveal(self, problem: Problem, part: Part) -> None:
        s = self.style
        self.say(_("The answer is {v}. Worked steps:").format(v=s.bold(fmt_value(part.answer))))
        from quizgen.problems.feedback import part_steps

        for i, (st, later) in enumerate(part_steps(problem, part), start=1):
            if later:  # the step answers a part still to come
                self.say(f"  {i}. {st.title}{_(': ')}" + _("part {letter} asks for this").format(letter=later), "     ")
                continue
            line = f"  {i}. {st.title}{_(': ')}{st.formula}"
            if st.substituted and st.substituted != st.result:
                line += f" = {st.substituted}"
            self.say(line + f" = {st.result}", "     ")

    def show_figure(self, problem: Problem, *, answer: bool) -> None:
        """The grid picture of a small layer, once per problem and side, when figures are on.

        Before the retry it is drawn without the answer (the output as "?"), and with none at all where
        a picture would show what is asked (:func:`quizgen.figures.choose.text_figure_for`); with the
        answer only once the problem's last part is revealed, so no later part is given away.
        """
        if not self.figures or (problem.id, answer) in self._drawn:
            return
        self._drawn.add((problem.id, answer))
        from quizgen.figures.choose import text_figure_for  # only when one is drawn: start-up stays fast

        drawn = text_figure_for(problem, answer=answer)
        if drawn:
            self.write(drawn + "\n")

    def save(
        self, problem: Problem, part: Part, given: str, outcome: str, attempt: int, ids: tuple[str, ...] = ()
    ) -> None:
        if outcome != "skipped" and problem.id not in self._answered:
            self._answered.add(problem.id)
            self.tally.asked += 1
        self.progress.record(
            session=self.session,
            kind=problem.kind,
            difficulty=problem.difficulty,
            problem_id=problem.id,
            part=part.label,
            given=given,
            outcome=outcome,
            attempt=attempt,
            misconceptions=ids,
        )

    def summary(self) -> str:
        t = self.tally
        answered = t.right + t.wrong
        lines = [
            "",
            self.style.bold(_("Session summary")),
            _("  Questions answered: {n}; skipped: {s}. Answers given: {a}; {r} right, {w} wrong.").format(
                n=t.asked, s=t.skipped, a=answered, r=t.right, w=t.wrong
            ),
        ]
        if answered:
            lines.append(
                _("  {p:.0%} of your answers were right; best run: {b} right in a row.").format(
                    p=t.right / answered, b=t.best_streak
                )
            )
        if t.misconceptions:
            top = sorted(t.misconceptions.items(), key=lambda kv: (-kv[1], kv[0]))
            lines.append(_("  Misconceptions to work on: ") + _(", ").join(f"{k} ×{v}" for k, v in top))
        if answered:
            lines.append(_("  Progress saved in {path}.").format(path=self.progress.path))
        elif t.skipped:
            lines.append(
                _("  No answer given; the skipped questions were noted in {path}.").format(path=self.progress.path)
            )
        else:
            lines.append(_("  Nothing answered, so nothing was saved."))
        return "\n".join(wrap(line, self.width, "    ") for line in lines) + "\n"


def _shape_example(problem: Problem, rank: int) -> str:
    """A shape of ``rank`` sizes to show how to write one: not a shape of this problem."""
    from quizgen.explain.spellings import shape_example
    from quizgen.problems.feedback import seen_on

    return shape_example(rank, seen_on([problem])[1])


def _verdict(value: object, answer: object) -> str:
    """``exact``, ``rounded`` or ``wrong``, by the one grading rule (:func:`quizgen.answers.judge_value`)."""
    from fractions import Fraction

    from quizgen.explain.answers import Number, judge_value

    if not isinstance(value, (Number, tuple)) or not isinstance(answer, (int, Fraction, tuple)):
        return "exact" if value == answer else "wrong"
    return judge_value(value, answer)


def _matches(value: object, answer: object) -> bool:
    return _verdict(value, answer) != "wrong"
