"""``quizgen kinds`` and ``quizgen bank``: the problem kinds with examples, the banks and recipes, a bank's claims checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from quizgen.cli.common import LANG
from quizgen.errors import QuizgenError
from quizgen.i18n import N_, _, n_

if TYPE_CHECKING:
    from quizgen.arith.layers import Layer
    from quizgen.problems.bank import BankEntry
    from quizgen.problems.problem import Value


@click.command("kinds")
@LANG
def kinds_command() -> int:
    """List the problem kinds, each with an example.

    \b
    Example:
      quizgen kinds
    """
    click.echo(list_kinds())
    return 0


@click.group("bank")
def bank_command() -> None:
    """Problem banks and recipes: list them, check a bank's claims.

    \b
    Examples:
      quizgen bank list
      quizgen bank check banks/seed-post.yaml
    """


@bank_command.command("check")
@LANG
@click.argument("source", default="seed-post")
def bank_check_command(source: str) -> int:
    """Check every claimed answer in a problem bank (default: the seed post's).

    Exit status: 0 if every claim is correct, 1 if any is wrong, 2 for a bad file.

    \b
    Examples:
      quizgen bank check
      quizgen bank check banks/seed-post.yaml
      quizgen bank check my-bank.yaml
    """
    return bank_check(source)


@bank_command.command("list")
@LANG
def bank_list_command() -> int:
    """List the built-in problem banks and recipes.

    \b
    Example:
      quizgen bank list
    """
    click.echo(bank_list())
    return 0


def list_kinds() -> str:
    """``quizgen kinds``: every problem kind with an example question at difficulty 1."""
    import random

    from quizgen.problems.kinds import REGISTRY

    lines = []
    colon = _(": ")
    for kind in REGISTRY.values():
        example = kind.sample(random.Random(0), 1)
        answers = "; ".join(f"{p.label} = {fmt(p.answer)}" for p in example.parts[:2])
        lines.append(f"{kind.id:<18} {_(kind.title)}: {_(kind.asks)}")
        lines.append(f"{'':<18} " + _("e.g. {text}").format(text=example.text))
        # What a student sees under the text: the layer or the stack, and a flawed solution's lines.
        lines.extend(f"{'':<24}{line}" for line in example.shown_spec.splitlines())
        lines.extend(f"{'':<26}{step}{colon}{working}" for step, working in example.flawed)
        lines.append(f"{'':<18}      → {answers}")
    return "\n".join(lines)


def fmt(value: Value) -> str:
    from quizgen.problems.problem import fmt_value

    return fmt_value(value)


def bank_check(source: str) -> int:
    """``quizgen bank check FILE``: every claim judged; exit 1 if any is wrong."""
    from quizgen.explain import misconceptions as M
    from quizgen.explain.answers import in_full_text, rounded_in_full, rounded_text
    from quizgen.problems import bank as banks

    if banks.is_recipe(source):
        raise QuizgenError(_recipe_not_bank(source))
    bank = banks.load_bank(source)
    report = banks.check_bank(bank)
    n_claims = sum(len(r) for _e, r in report)
    n_wrong = sum(not c.ok for _e, r in report for c in r)
    click.echo(
        _("{path}: {entries} entries, {claims} claims: {right} correct, {wrong} wrong").format(
            path=bank.path, entries=len(report), claims=n_claims, right=n_claims - n_wrong, wrong=n_wrong
        )
    )
    for entry, results in report:
        for r in results:
            if r.ok:
                rounded = f" ({rounded_text(r.claimed)})" if r.rounded else ""
                click.echo(f"✓ {entry.id}: {r.quantity} = {r.text}{rounded}")
                continue
            click.echo(
                "✗ "
                + _("{entry}: {quantity} = {value} is wrong; the right value is {right}.").format(
                    entry=entry.id, quantity=r.quantity, value=r.text, right=_claim_text(r.correct)
                )
            )
            layer = _entry_layer(entry)
            for combo in r.misconceptions:
                why = M.explain_combo(layer, combo)
                click.echo(f"    {' + '.join(combo)} — {why}" + _("."))
            if r.follows_from_output is not None:
                click.echo(
                    "    "
                    + _("{value} follows from the claimed {output} output.").format(
                        value=r.text, output="x".join(map(str, r.follows_from_output))
                    )
                )
            spelling = None if r.misconceptions else rounded_in_full(r.claimed, r.correct)
            if spelling:
                click.echo("    " + in_full_text(r.text, spelling) + _("."))
            elif not r.misconceptions and r.follows_from_output is None:
                click.echo("    " + _("No misconception in the catalogue produces {v}.").format(v=r.text))
            if r.would_be_right_with and not r.misconceptions:
                click.echo(
                    "    "
                    + _("{value} would be right with {options}.").format(
                        value=r.text, options=_("; or ").join(r.would_be_right_with)
                    )
                )
    return 1 if n_wrong else 0


def _recipe_not_bank(source: str) -> str:
    """One line for ``bank check RECIPE``: how to make its sheets, and how to check the banks it draws from."""
    from quizgen.problems import bank as banks

    message = _("{source}: is a recipe, not a problem bank; make its sheets with 'quizgen worksheet {source}'").format(
        source=source
    )
    try:
        drawn = sorted({s.bank for s in banks.load_recipe(source).sections if s.bank})
    except QuizgenError:
        drawn = []  # a recipe that does not load: its own error shows when its sheets are made
    if drawn:
        commands = ", ".join(f"'quizgen bank check {b}'" for b in drawn)
        message += n_(
            N_(", or check the bank it draws from with {commands}"),
            N_(", or check the banks it draws from with {commands}"),
            len(drawn),
        ).format(commands=commands)
    return message


def _claim_text(value: Value) -> str:
    """A value as claims are written: ``55x55x96`` or ``69,984``."""
    return "x".join(map(str, value)) if isinstance(value, tuple) else fmt(value)


def _entry_layer(entry: BankEntry) -> Layer:
    from quizgen.arith.network import solve_stack
    from quizgen.arith.spec import parse

    return parse(entry.spec) if entry.spec else solve_stack(entry.stack).solutions[-1].layer


def PROBLEMS() -> str:  # noqa: N802
    return _("problems")


def ENTRIES() -> str:  # noqa: N802
    return _("entries")


def bank_list() -> str:
    """``quizgen bank list``: the built-in banks and recipes."""
    from quizgen.problems import bank as banks

    rows = banks.list_banks()
    width = max(len(r[0]) for r in rows)
    return "\n".join(
        f"{name:<{width}}  {_(what):<12}  {n:>3} {PROBLEMS() if what == 'recipe' else ENTRIES()}  {_(title)}"
        for name, what, title, n in rows
    )
