"""The ``quizgen`` command: parse options, call the library, print, and turn errors into one line.

Library modules are imported inside each command so that ``quizgen --help``
stays as fast as importing click.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from quizgen import __version__
from quizgen.errors import QuizgenError

#: Each command's name and the one line ``quizgen --help`` shows for it.  Each command lives in its own
#: module (:data:`MODULES`), with the function it calls, imported only when it is run or asked for help.
COMMANDS = {
    "bank": "Problem banks and recipes: list them, check a bank's claims.",
    "check": "Check claimed answers about a layer: correct, or wrong with the right value and the misconception.",
    "draw": "Draw a layer, a network or a receptive field as a self-contained SVG.",
    "drill": "Practise in the terminal: feedback names your misconception; progress is saved.",
    "mark": "Mark scanned answer sheets: grades, each student's feedback, the class's misconceptions.",
    "kinds": "List the problem kinds, each with an example.",
    "solve": "Solve a layer or a network: shapes, parameters, MACs/FLOPs, pooling work, memory, worked steps.",
    "stats": "Show drill progress: accuracy by kind, frequent misconceptions, streak, what is due.",
    "worksheet": "Write a worksheet and its answer key.",
}

#: The module of each command whose module is named otherwise.
MODULES = {"kinds": "bank", "stats": "drill"}


class QuizgenCLI(click.Group):
    """A lazy group that reports every error as one ``Error:`` line, exit status 2, and no traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        import importlib

        module = importlib.import_module(f"quizgen.cli.{MODULES.get(cmd_name, cmd_name)}")
        command: click.Command = getattr(module, cmd_name.replace("-", "_") + "_command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl(sorted(COMMANDS.items()))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            from quizgen.i18n import set_language

            set_language(None)  # QUIZGEN_LANG; a command's --lang overrides it
            rv = super().main(args, prog_name or "quizgen", complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            code = 2 if isinstance(exc, click.UsageError) else exc.exit_code
        except QuizgenError as exc:
            from quizgen.i18n import _

            click.echo(_("Error: ") + str(exc), err=True)
            code = exc.exit_code
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            code = 130
        except BrokenPipeError:
            sys.stderr.close()
            code = 0
        except Exception as exc:  # a bug: one line unless asked for the traceback
            if os.environ.get("QUIZGEN_DEBUG"):
                raise
            from quizgen.i18n import _

            message = _("internal error {type}: {error} (set QUIZGEN_DEBUG=1 for the traceback and please report it)")
            click.echo(_("Error: ") + message.format(type=type(exc).__name__, error=exc), err=True)
            code = 1
        else:
            code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


@click.group(cls=QuizgenCLI, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="quizgen", message="%(prog)s %(version)s")
def cli() -> None:
    """Practise the arithmetic of convolutional networks.

    \b
    Examples:
      quizgen solve "conv2d in=227x227x3 out=96 k=11 s=4"
      quizgen solve --network alexnet
      quizgen check "maxpool2d in=55x55x96 k=3 s=2" --claim windows=196
    """


def main() -> None:
    """Console entry point."""
    cli(prog_name="quizgen")
