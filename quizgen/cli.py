"""The ``quizgen`` command: parse options, call the library, print, and turn errors into one line.

Library modules are imported inside each command so that ``quizgen --help``
stays as fast as importing click.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from quizgen import __version__
from quizgen.errors import QuizgenError

LAYOUT = click.Choice(["hwc", "chw"])
COUNT = click.Choice(["macs", "flops", "flops+bias"])


class QuizgenCLI(click.Group):
    """A group that reports every error as one ``Error:`` line, exit status 2, and no traceback."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            rv = super().main(args, prog_name or "quizgen", complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            code = 2 if isinstance(exc, click.UsageError) else exc.exit_code
        except QuizgenError as exc:
            click.echo(f"Error: {exc}", err=True)
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
            click.echo(
                f"Error: internal error {type(exc).__name__}: {exc} (set QUIZGEN_DEBUG=1 for the traceback "
                "and please report it)",
                err=True,
            )
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


def _spec_text(words: tuple[str, ...]) -> str:
    return " ".join(words)


@cli.command()
@click.argument("spec", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per layer (JSON Lines with SPEC '-').")
@click.option(
    "--network",
    metavar="FILE|NAME",
    help="Solve a stack: a file with one spec per line, or a built-in (lenet5, alexnet, vgg16, mobilenet_v1).",
)
@click.option(
    "--layout",
    type=LAYOUT,
    default="hwc",
    show_default=True,
    help="Shape order: hwc (spatial, then channels) or chw (PyTorch's, channels first).",
)
@click.option("--count", type=COUNT, default="macs", show_default=True, help="The compute convention shown.")
@click.option("--no-steps", is_flag=True, help="Leave out the worked steps (text output).")
def solve(spec: tuple[str, ...], as_json: bool, network: str | None, layout: str, count: str, no_steps: bool) -> int:
    """Solve a layer: output shape, parameters, MACs/FLOPs, pooling work, memory, with worked steps.

    SPEC is one layer, quoted or not. Use '-' to read one spec per line from stdin.

    \b
    Examples:
      quizgen solve "conv2d in=227x227x3 out=96 k=11 s=4"
      quizgen solve maxpool2d in=55x55x96 k=3 s=2
      quizgen solve --json "linear in=9216 out=4096"
      printf 'conv2d in=32x32x3 out=16 k=3\\nrelu in=8\\n' | quizgen solve --json -
      quizgen solve --network vgg16 --count flops
      quizgen solve --network my_net.txt --json
    """
    from quizgen import commands

    if network:
        if spec:
            raise click.UsageError("give either SPEC or --network, not both")
        return commands.solve_network(network, as_json=as_json, layout=layout, count=count)
    if not spec:
        raise click.UsageError('missing SPEC, e.g. quizgen solve "conv2d in=227x227x3 out=96 k=11 s=4"')
    if spec == ("-",):
        return commands.solve_stream(
            sys.stdin,
            sys.stdout,
            as_json=as_json,
            layout=layout,
            count=count,
            show_steps=not no_steps,
        )
    return commands.solve_one(_spec_text(spec), as_json=as_json, layout=layout, count=count, show_steps=not no_steps)


@cli.command()
@click.argument("spec", nargs=-1, required=True)
@click.option(
    "--claim",
    "claims",
    multiple=True,
    required=True,
    metavar="QUANTITY=VALUE",
    help="A claimed answer; repeat for several. Quantities: output, params, weights, bias, trainable, "
    "non_trainable, macs, flops, compute, windows, comparisons, additions, divisions, output_elements, "
    "output_bytes, params_bytes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
@click.option("--layout", type=LAYOUT, default="hwc", show_default=True, help="Shape order of SPEC and claims.")
@click.option("--count", type=COUNT, default="macs", show_default=True, help="What 'compute=' means.")
def check(spec: tuple[str, ...], claims: tuple[str, ...], as_json: bool, layout: str, count: str) -> int:
    """Check claimed answers about a layer: each is correct, or wrong with the right value and the misconception.

    Exit status: 0 if every claim is correct, 1 if any is wrong, 2 for bad input.

    \b
    Examples:
      quizgen check "conv2d in=227x227x3 out=96 k=11 s=4" --claim output=217x217x96
      quizgen check "maxpool2d in=55x55x96 k=3 s=2" --claim windows=196 --claim comparisons=1568
      quizgen check "conv2d in=32x32x64 out=128 k=5 bias=false" --claim macs=160563200 --claim params=204800
    """
    from quizgen import commands

    return commands.check_claims(_spec_text(spec), list(claims), as_json=as_json, layout=layout, count=count)


def main() -> None:
    """Console entry point."""
    cli(prog_name="quizgen")
