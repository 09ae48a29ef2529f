"""quizgen: practise the arithmetic of convolutional networks.

The library is usable without the CLI::

    from quizgen import parse, solve
    sol = solve(parse("conv2d in=227x227x3 out=96 k=11 s=4"))
    sol.output_shape, sol.params.total, sol.macs
"""

__version__ = "0.1.0"

__all__ = ["__version__", "parse", "solve"]


def __getattr__(name: str):  # lazy, so that `quizgen --help` imports nothing it does not need
    if name == "parse":
        from quizgen.arith.spec import parse

        return parse
    if name == "solve":
        from quizgen.arith.solver import solve

        return solve
    raise AttributeError(name)
