"""Which kind comes next: the curriculum a new student follows, then Leitner boxes (kinds missed come back sooner)."""

from __future__ import annotations

import random
import time

from quizgen.drill.progress import Progress

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
