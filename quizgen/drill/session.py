"""The terminal drill: one question at a time, feedback by cause, every answer saved at once.

The session logic (:class:`Drill`) reads lines and writes text through two
callables, so the same code runs on a terminal, from a pipe, and in tests.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from quizgen.drill.progress import Progress
from quizgen.i18n import _
from quizgen.problems import kinds as K
from quizgen.problems.problem import Part, Problem, Value, fmt_value

if TYPE_CHECKING:  # answers are read after the question is shown: their module is imported then
    from quizgen.explain.answers import Number

#: The order in which a new student meets the kinds.
CURRICULUM = [
    "output-conv",
    "output-pool",
    "params-conv",
    "params-linear",
    "macs-conv",
    "pool-ops",
    "output-dilated",
    "output-transposed",
    "macs-linear",
    "memory",
    "inverse-padding",
    "inverse-stride",
    "inverse-kernel",
    "params-separable",
    "receptive-field",
    "network-trace",
    "spot-error",
]


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


def schedule(
    progress: Progress, allowed: list[str], rng: random.Random, avoid: str = "", now: float | None = None
) -> tuple[str, int]:
    """The next kind and its difficulty: due kinds in the lowest box first, the most-missed first among equals."""
    now = time.time() if now is None else now
    draw = rng.random()  # one draw whatever the state, so a seeded session asks the same questions
    boxes = progress.boxes()
    missed = {k: sum(progress.misconception_counts(k).values()) for k in allowed if k in boxes}
    candidates = [k for k in allowed if k != avoid] or allowed

    def state(k: str) -> tuple[int, int, float]:
        b = boxes.get(k)
        return (b.box, b.difficulty, b.due) if b else (1, 1, 0.0)

    due = [k for k in candidates if state(k)[2] <= now]
    if due:
        started = [k for k in due if k in boxes]
        pool = started if any(state(k)[0] == 1 for k in started) else due
        lowest = min(state(k)[0] for k in pool)
        tier = [k for k in pool if state(k)[0] == lowest]
        if all(k not in boxes for k in tier):  # new kinds: follow the curriculum
            order = {k: i for i, k in enumerate(CURRICULUM)}
            tier.sort(key=lambda k: order.get(k, len(order)))
            choice = tier[0]
        else:
            most = max(missed.get(k, 0) for k in tier)
            ties = sorted(k for k in tier if missed.get(k, 0) == most)
            choice = ties[int(draw * len(ties))]
    else:
        choice = min(candidates, key=lambda k: state(k)[2])
    return choice, state(choice)[1]


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
        self.write((click.wrap_text(problem.text, self.width) if self.width else problem.text) + "\n")
        if problem.shown_spec:
            self.write(s.dim("  " + problem.shown_spec.replace("\n", "\n  ")) + "\n")
        for step, working in problem.flawed:
            self.write(f"    {step}: {working}\n")
        all_right = True
        for i, part in enumerate(problem.parts):
            last = i == len(problem.parts) - 1
            all_right &= self.ask_part(problem, part, "abcdefghijklmnopqrstuvwxyz"[i], last=last)
        self.progress.update_box(problem.kind, right=all_right)

    def ask_part(self, problem: Problem, part: Part, letter: str, *, last: bool = True) -> bool:
        """Ask one part; True if it was answered right at the first try.  ``last``: the problem's last part."""
        s = self.style
        if part.choices:
            for c in part.choices:
                self.write(f"    {c.letter}) {fmt_value(c.value)}\n")
        attempt = 1
        hinted = False
        while True:
            answer = self.read(_("{letter}) {label}? ").format(letter=letter, label=part.label)).strip()
            low = answer.lower()
            if low in ("q", "quit", "exit"):
                raise Finish
            if low in ("?", "h", "hint"):
                self.write(s.dim(_("Hint: ") + (part.hint or _("work through the formula step by step."))) + "\n")
                hinted = True
                continue
            if low in ("s", "skip"):
                self.save(problem, part, answer, "skipped", attempt)
                self.tally.skipped += 1
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
                self.write(
                    _(
                        "I couldn't read that. Type a number ({exact}, {grouped}, {full_sci}, {suffix}), a shape "
                        "({shape}){letters}; ? for a hint, s to skip, q to stop."
                    ).format(**spelled, letters=letters)
                    + "\n"
                )
                continue
            if (
                isinstance(part.answer, tuple)
                and len(part.answer) > 1
                and (not isinstance(value, tuple) or len(value) != len(part.answer))
            ):
                self.write(
                    _("Give the whole shape, every size and the channels, e.g. {example}.").format(
                        example=_shape_example(problem, len(part.answer))
                    )
                    + "\n"
                )
                continue
            if not isinstance(part.answer, tuple) and isinstance(value, tuple) and not part.choices:
                self.write(_("This part asks for one number, not a shape; it costs nothing.") + "\n")
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
                self.write(s.good("✓ " + line) + "\n")
                return attempt == 1
            ids, why = self.diagnose(problem, part, value)
            named = tuple(i for i in ids if i in M_CATALOGUE_IDS())  # a near miss ("slip") is not one to work on
            self.save(problem, part, answer, "wrong", attempt, named)
            self.tally.wrong += 1
            self.tally.streak = 0
            for i in named:
                self.tally.misconceptions[i] = self.tally.misconceptions.get(i, 0) + 1
            shown = _show(value)
            from quizgen.explain.answers import (
                coarse_text,
                in_full_text,
                rounded_in_full,
                too_coarse,
                zero_rounding,
                zero_text,
            )

            spelling = None if why else rounded_in_full(value, part.answer)
            notation = not why and (spelling is not None or too_coarse(value, part.answer))
            if not why and too_coarse(value, part.answer):
                self.write(s.bad("✗ " + coarse_text(answer) + _(".")) + "\n")
            elif spelling:
                self.write(s.bad("✗ " + in_full_text(answer, spelling) + _(".")) + "\n")
            elif why:
                self.write(s.bad("✗ " + _("{shown}: {why}").format(shown=shown, why=why) + _(".")) + "\n")
            elif zero_rounding(value):
                self.write(s.bad("✗ " + zero_text(answer)) + "\n")
            else:
                self.write(s.bad("✗ " + _("{v} is not right.").format(v=shown)) + "\n")
            if attempt == 1:
                # the hint is about the working: not for a right value written too coarsely or out in full
                if part.hint and not hinted and not notation:
                    self.write(s.dim(_("Hint: ") + part.hint) + "\n")
                self.show_figure(problem, answer=False)
                self.write(_("One more try.") + "\n")
                attempt = 2
                continue
            self.reveal(problem, part)
            self.show_figure(problem, answer=last)
            return False

    def read_value(self, part: Part, answer: str) -> Number | tuple[int, ...] | None:
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

    def diagnose(self, problem: Problem, part: Part, value: Number | tuple[int, ...]) -> tuple[tuple[str, ...], str]:
        """The misconception(s) that produce ``value``, and the sentence that names them
        (:func:`quizgen.problems.feedback.diagnose`, shared with ``quizgen mark``)."""
        from quizgen.problems.feedback import diagnose

        return diagnose(problem, part, value)

    def reveal(self, problem: Problem, part: Part) -> None:
        s = self.style
        self.write(_("The answer is {v}. Worked steps:").format(v=s.bold(fmt_value(part.answer))) + "\n")
        from quizgen.problems.feedback import part_steps

        for i, (st, later) in enumerate(part_steps(problem, part), start=1):
            if later:  # the step answers a part still to come
                self.write(f"  {i}. {st.title}{_(': ')}" + _("part {letter} asks for this").format(letter=later) + "\n")
                continue
            line = f"  {i}. {st.title}{_(': ')}{st.formula}"
            if st.substituted and st.substituted != st.result:
                line += f" = {st.substituted}"
            self.write(line + f" = {st.result}\n")

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
        if self.progress.exists:
            lines.append(_("  Progress saved in {path}.").format(path=self.progress.path))
        else:
            lines.append(_("  Nothing answered, so nothing was saved."))
        return "\n".join(lines) + "\n"


def _shape_example(problem: Problem, rank: int) -> str:
    """A shape of ``rank`` sizes to show how to write one: not a shape of this problem."""
    from quizgen.explain.spellings import shape_example
    from quizgen.problems.feedback import seen_on

    return shape_example(rank, seen_on([problem])[1])


def _single_layer(problem: Problem) -> bool:
    return "\n" not in problem.spec and problem.kind not in ("params-separable", "spot-error")


def _verdict(value: object, answer: object) -> str:
    """``exact``, ``rounded`` or ``wrong``, by the one grading rule (:func:`quizgen.answers.judge_value`)."""
    from fractions import Fraction

    from quizgen.explain.answers import Number, judge_value

    if not isinstance(value, (Number, tuple)) or not isinstance(answer, (int, Fraction, tuple)):
        return "exact" if value == answer else "wrong"
    return judge_value(value, answer)


def _matches(value: object, answer: object) -> bool:
    return _verdict(value, answer) != "wrong"


def _show(value: Number | Value) -> str:
    from quizgen.explain.answers import Number

    if isinstance(value, Number):
        v = value.value
        if v.denominator == 1:
            return fmt_value(int(v))
        try:
            return f"{float(v):g}"
        except OverflowError:  # 1e400/3: beyond a float, shown as the page's script shows it
            return "inf" if v > 0 else "-inf"
    return fmt_value(value)


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
