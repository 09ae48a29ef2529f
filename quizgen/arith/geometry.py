"""Size arithmetic along one spatial dimension, with PyTorch's and TensorFlow's rules.

These functions are the single source of every output-size formula in quizgen;
the solver, the validator and the steps all call them.
"""

from __future__ import annotations


def effective_kernel(k: int, d: int) -> int:
    """The span of a dilated kernel: ``d·(k-1)+1``."""
    return d * (k - 1) + 1


def same_padding(size: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow/Keras ``padding='same'``: (before, after), the odd pixel after.

    The output is ``ceil(size/s)`` and the total padding is
    ``max((out-1)·s + k_eff - size, 0)``.  With ``s = 1`` this is also
    PyTorch's ``padding='same'``.
    """
    out = -(-size // s)
    total = max((out - 1) * s + effective_kernel(k, d) - size, 0)
    return total // 2, total - total // 2


def conv_out(size: int, k: int, s: int, pad: tuple[int, int], d: int = 1) -> int:
    """Convolution output: ``floor((in + p_before + p_after - d·(k-1) - 1)/s) + 1``."""
    return (size + pad[0] + pad[1] - effective_kernel(k, d)) // s + 1


def pool_out(size: int, k: int, s: int, pad: tuple[int, int], d: int = 1, ceil: bool = False) -> int:
    """Pooling output by PyTorch's rule, including ceil mode.

    Floor mode equals :func:`conv_out`.  Ceil mode rounds up, then drops the
    last window if it would start at or past ``in + p`` (in the right padding).
    """
    span = size + pad[0] + pad[1] - effective_kernel(k, d)
    if not ceil:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= size + pad[0]:
        out -= 1
    return out


def transposed_out(size: int, k: int, s: int, p: int, op: int = 0, d: int = 1) -> int:
    """Transposed convolution output: ``(in-1)·s - 2p + d·(k-1) + op + 1``."""
    return (size - 1) * s - 2 * p + d * (k - 1) + op + 1


def adaptive_windows(size: int, out: int) -> tuple[int, ...]:
    """Window lengths of adaptive pooling, PyTorch's rule.

    Window ``i`` spans ``[floor(i·in/out), ceil((i+1)·in/out))``, so windows
    can differ in size and overlap when ``in`` is not a multiple of ``out``.
    """
    return tuple(-(-(i + 1) * size // out) - (i * size) // out for i in range(out))
