"""Network files and built-in networks: read (:mod:`~quizgen.arith.netfile`) and solved (:mod:`~quizgen.arith.graph`).

A plain stack has one spec per line, each layer's input the previous layer's output; a graph names
outputs, joins them and calls blocks (``docs/networks.md``).

Built-in networks live as stack files in ``banks/networks/``.  A stack may declare the order its
shapes are written in, on a line of its own: ``# layout: hwc`` (spatial sizes, then channels) or
``# layout: chw`` (channels first).  A declared stack is read in its own layout whatever ``--layout``
asks for, which then only chooses how shapes are shown.  The built-in networks are written ``hwc``
and always read so.  A stack without a declaration is read as ``hwc``, the default; under ``chw``
it is refused, because ``--layout`` says how to show shapes, not how a file was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from quizgen.arith import netfile
from quizgen.arith.graph import Network, solve_graph
from quizgen.arith.layers import Layer
from quizgen.arith.netfile import declared_layout
from quizgen.arith.spec import Layout
from quizgen.errors import QuizgenError
from quizgen.i18n import _

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def _folder() -> Traversable:
    """The built-in networks' folder: the installed directory itself when there is one (importing
    :mod:`importlib.resources` costs more than solving a network), else through ``importlib.resources``."""
    from importlib import import_module

    for base in getattr(import_module("quizgen.banks"), "__path__", ()):
        folder = Path(base) / "networks"
        if folder.is_dir():
            return folder
    from importlib import resources

    return resources.files("quizgen.banks").joinpath("networks")


def builtin_names() -> list[str]:
    """Names of the built-in networks."""
    return sorted(p.name.removesuffix(".txt") for p in _folder().iterdir() if p.name.endswith(".txt"))


def load(source: str, *, layout: Layout = "hwc") -> Network:
    """Solve a stack from a file path, ``-`` is not accepted here, or a built-in name."""
    path = Path(source)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QuizgenError(
                _("--network {source}: cannot read the file ({exc})").format(source=source, exc=exc)
            ) from None
        if layout != "hwc" and declared_layout(text, path.name) is None:
            raise QuizgenError(
                _(
                    "--network {source}: declare the order its shapes are written in, on a line of its own: "
                    "'# layout: hwc' or '# layout: chw' (--layout {layout} only chooses how shapes are shown)"
                ).format(source=source, layout=layout)
            )
        return solve_stack(text, name=path.name, layout=layout)
    name = source.lower()
    if name in builtin_names():
        text = _folder().joinpath(f"{name}.txt").read_text(encoding="utf-8")
        return solve_stack(text, name=name, layout=layout, written="hwc")
    from quizgen.i18n import closest

    raise QuizgenError(
        _("--network {source}: no such file or built-in network{suggestion}; built-ins: {items}").format(
            source=source, suggestion=closest(name, builtin_names()), items=", ".join(builtin_names())
        )
    )


def solve_stack(text: str, *, name: str = "stack", layout: Layout = "hwc", written: Layout | None = None) -> Network:
    """Read and solve a network file (a plain stack, or a graph in the notation of ``docs/networks.md``).

    Shapes are read in the file's declared layout, else in ``written`` (the layout a built-in is known to
    be written in), else in ``layout``; messages show them in ``layout``.  A layer that cannot take its
    input, a join whose shapes do not fit, a name used before it is defined and a cycle are refused in one
    line naming the file and the line.
    """
    read_layout = declared_layout(text, name) or written or layout
    return solve_graph(netfile.read(text, name=name, layout=read_layout), layout=layout)


__all__ = ["Layer", "Network", "builtin_names", "declared_layout", "load", "solve_stack"]
