"""``quizgen draw``: one layer, a network, or a stack's receptive field as a self-contained SVG."""

from __future__ import annotations

from pathlib import Path

import click

from quizgen.cli.common import LANG, joined_spec
from quizgen.i18n import _


@click.command("draw")
@LANG
@click.argument("spec", nargs=-1)
@click.option(
    "--network",
    metavar="FILE|NAME",
    help="Draw a network: a file (one spec per line, or a graph with joins and blocks) or a built-in "
    "(see quizgen solve --network). A plain stack is a chain of blocks; a graph a column with its branch "
    "and skip arrows, ⊕ for add, ⊗ for mul.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    metavar="N",
    help="With --network: fold blocks deeper than N into one box each, as solve --depth folds the table "
    "(default: the deepest folding with at most 30 boxes).",
)
@click.option("--paper", is_flag=True, help="With --network: draw for print (compact, no title, text at 8 pt or more).")
@click.option(
    "--receptive-field", is_flag=True, help="With --network: one output pixel's receptive field, drawn on the input."
)
@click.option(
    "--animate",
    is_flag=True,
    help="The kernel slides across the input (CSS; still when the reader asks for reduced motion).",
)
@click.option("--no-answer", is_flag=True, help="Hide the output size, as on a student's sheet (the output shows '?').")
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE.svg",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the SVG here instead of to stdout.",
)
@click.option("--force", is_flag=True, help="Replace FILE.svg if it exists with other content.")
def draw_command(
    spec: tuple[str, ...],
    network: str | None,
    depth: int | None,
    paper: bool,
    receptive_field: bool,
    animate: bool,
    no_answer: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Draw a layer, a network or a receptive field as a self-contained SVG.

    Small layers are drawn as grids in the style of Dumoulin and Visin's guide to convolution
    arithmetic (padding, the kernel's footprint, dilation, the output); large ones as a block diagram.

    \b
    Examples:
      quizgen draw "conv2d in=5x5x1 out=1 k=3 s=2 p=1" -o conv.svg
      quizgen draw "convtranspose2d in=3x3x1 out=1 k=3 s=2 p=1"
      quizgen draw "conv2d in=227x227x3 out=96 k=11 s=4" -o alexnet-conv1.svg
      quizgen draw --network lenet5 -o lenet5.svg
      quizgen draw --network lenet5 --receptive-field
      quizgen draw --network resnet50 -o resnet50.svg
      quizgen draw --network resnet50 --depth 3 --paper -o resnet50-print.svg
      quizgen draw "maxpool2d in=5x5x1 k=3 s=1" --animate -o pool.svg
    """
    if network and spec:
        raise click.UsageError(_("give either SPEC or --network, not both"))
    if (depth is not None or paper) and not network:
        raise click.UsageError(_("--depth and --paper apply to --network"))
    if receptive_field and not network:
        raise click.UsageError(_("--receptive-field needs --network FILE|NAME"))
    if network:
        if animate or no_answer:
            raise click.UsageError(_("--animate and --no-answer apply to one layer (SPEC), not to --network"))
        svg = draw_network(network, receptive_field=receptive_field, depth=depth, paper=paper)
    else:
        if not spec:
            raise click.UsageError(_('missing SPEC, e.g. quizgen draw "conv2d in=5x5x1 out=1 k=3 p=1"'))
        svg = draw_layer(joined_spec(spec), answer=not no_answer, animate=animate)
    if output is None:
        click.echo(svg, nl=False)
    else:
        from quizgen.render.files import write_files

        write_files(output.parent, {output.name: svg}, force=force)
    return 0


def draw_layer(spec_text: str, *, answer: bool = True, animate: bool = False) -> str:
    """``quizgen draw SPEC``: the SVG of one layer (a block diagram where a grid would not help)."""
    from quizgen.arith import spec
    from quizgen.figures import svg_for_layer

    layer = spec.parse(spec_text)
    if animate:
        from quizgen.figures import model

        if model.grid(layer) is None:
            raise click.UsageError(
                _("--animate: {name} is not drawn as a grid (a small conv, transposed conv or pooling layer)").format(
                    name=layer.name
                )
            )
    drawn = svg_for_layer(layer, answer=answer, animate=animate)
    if drawn is None:
        from quizgen.arith.solver import solve
        from quizgen.figures import blocks
        from quizgen.figures.svg_blocks import blocks_svg

        return blocks_svg(blocks.layer_blocks(solve(layer), answer=answer))
    return drawn


def draw_network(source: str, *, receptive_field: bool = False, depth: int | None = None, paper: bool = False) -> str:
    """``quizgen draw --network``: a plain stack's chain of blocks, a graph's column with its branch and skip
    arrows (folded below ``depth``), or the receptive field on the input."""
    from quizgen.arith import network as networks
    from quizgen.figures import blocks
    from quizgen.figures.svg import PAPER, SCREEN
    from quizgen.figures.svg_blocks import blocks_svg
    from quizgen.figures.svg_field import receptive_svg

    net = networks.load(source)
    name = Path(net.name).stem
    look = PAPER if paper else SCREEN
    if receptive_field:
        return receptive_svg(blocks.receptive(name, net.solutions))
    if net.is_sequential and not net.groups:
        return blocks_svg(blocks.network_blocks(name, net.solutions), look=look)
    from quizgen.figures import graph
    from quizgen.figures.svg_graph import graph_svg

    if depth is None:
        depth = graph.auto_depth(net)
    elif depth >= graph.levels(net):
        depth = None  # nothing to fold
    fig = graph.drawing(net, depth)
    return graph_svg(fig._replace(name=name), look=look)
