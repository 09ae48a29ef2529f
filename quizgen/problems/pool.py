"""A class's sheets drawn by a pool of processes, each sheet from its own seed (the same bytes as one by one).

What a caller makes of each sheet (its files, rendered) can run in the pool too (``then``), so that a class of
1,000 is drawn and rendered on every core, not drawn in parallel and rendered one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from quizgen.errors import QuizgenError
from quizgen.i18n import _
from quizgen.problems.sheet import Sheet, build_sheet

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

    from quizgen.problems.bank import Recipe

#: From how many sheets on a class is drawn by a pool of processes (one per core, at most 4).
PARALLEL_SHEETS = 48


def build_sheets(
    recipe: Recipe,
    items: Sequence[tuple[str, int]],
    *,
    then: Callable[[Sheet, Any], Any] | None = None,
    extras: Sequence[Any] | None = None,
    **options: Any,
) -> Iterator[Any]:
    """The sheets of a class, in order: ``build_sheet(recipe, seed, student=name, **options)`` for each
    (name, seed); or, given ``then``, ``then(sheet, extra)`` for each sheet and its item of ``extras``.

    A large class is drawn by a pool of processes (:func:`workers` of them), each sheet from its own seed, so
    the sheets are the same bytes as when drawn one by one; ``then`` (a module-level function, so that it can
    be sent to the pool) runs in the worker too, so what a caller makes of each sheet (its files, rendered)
    is made in parallel as well.  The caller takes each result as it arrives.
    """
    extras = extras if extras is not None else [None] * len(items)
    jobs = [(recipe, seed, student, options, then, extra) for (student, seed), extra in zip(items, extras)]
    count = workers(len(items)) if len(items) > 1 else 1  # one sheet is one job: the run's process draws it
    if count < 2:
        yield from map(_build_job, jobs)
        return
    with forked_pool(count) as pool:
        yield from pool.imap(_build_job, jobs, chunksize=4)


def forked_pool(count: int, method: str | None = None) -> Pool:
    """A pool of ``count`` processes (forked where the system can) that leave Ctrl-C to this one.

    Ctrl-C reaches every process of the terminal's group.  SIGINT is held back while the workers are made, so that
    none sees it before it ignores it (:func:`_worker_language`); one that did would die holding the pool's lock,
    and stopping the pool would then wait for ever.  Here, a Ctrl-C pressed meanwhile arrives right after.
    """
    import multiprocessing
    import signal

    from quizgen.i18n import language

    method = method or ("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if hasattr(signal, "pthread_sigmask") else None
    try:
        return multiprocessing.get_context(method).Pool(count, initializer=_worker_language, initargs=(language(),))
    finally:
        if held is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


def workers(sheets: int) -> int:
    """How many processes draw ``sheets`` sheets: ``QUIZGEN_WORKERS`` if set (1: none besides the run's own);
    else one per core, at most 4, from :data:`PARALLEL_SHEETS` sheets on, and 1 below."""
    import os

    given = os.environ.get("QUIZGEN_WORKERS", "").strip()
    if given:
        if not given.isdigit() or int(given) < 1:
            raise QuizgenError(
                _("QUIZGEN_WORKERS={value}: must be a whole number of processes, 1 or more").format(value=given)
            )
        return int(given)
    if sheets < PARALLEL_SHEETS or (os.cpu_count() or 1) < 2:
        return 1
    return min(os.cpu_count() or 2, 4)


def _worker_language(lang: str) -> None:
    """A worker's set-up: the run's language, and Ctrl-C left to the parent (which stops the pool and
    reports it in one line), so that no worker prints a traceback of its own."""
    import signal

    from quizgen.i18n import set_language

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back while forked (forked_pool)
    set_language(lang)


def _build_job(job: tuple[Recipe, int, str, dict[str, Any], Callable[[Sheet, Any], Any] | None, Any]) -> Any:
    recipe, seed, student, options, then, extra = job
    sheet = build_sheet(recipe, seed, student=student, **options)
    return sheet if then is None else then(sheet, extra)
