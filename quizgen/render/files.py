"""Writing the rendered files: all of them or none.

:func:`write_files` replaces one or a few files, each atomically.  A worksheet run's many files go through
a :class:`Stage` instead: they are written, as they are made, into a hidden temporary folder, and moved
into place together at the end.  A failure anywhere (a folder that cannot be written, a full disk, Ctrl-C)
leaves the target folder as it was, and says so in one line.
"""

from __future__ import annotations

import errno
import filecmp
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from quizgen.errors import QuizgenError
from quizgen.i18n import _


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _mode() -> int:
    return 0o666 & ~_umask()  # mkstemp makes 0600; a worksheet is for sharing


def write_files(outdir: Path, files: dict[str, str | bytes], *, force: bool = False) -> list[Path]:
    """Write every file whole or not at all; refuse to replace a different existing file unless ``force``."""
    data = {name: text.encode("utf-8") if isinstance(text, str) else text for name, text in files.items()}
    if outdir.exists() and not outdir.is_dir():
        raise QuizgenError(_("-o {outdir}: exists and is not a folder").format(outdir=outdir))
    targets = {name: outdir / name for name in data}
    if not force:
        for name, path in targets.items():
            if path.exists() and path.read_bytes() != data[name]:
                raise QuizgenError(_exists(outdir, name))
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        for folder in sorted({path.parent for path in targets.values()} - {outdir}):  # figures/ beside a sheet
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizgenError(
            _("-o {outdir}: cannot create the folder ({strerror})").format(outdir=outdir, strerror=exc.strerror)
        ) from None
    mode = _mode()
    written = []
    for name, path in targets.items():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as f:
                f.write(data[name])
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written


def _exists(outdir: Path, name: str) -> str:
    return _(
        "-o {outdir}: {name} already exists with other content; use --force to replace it, or choose another folder"
    ).format(outdir=outdir, name=name)


class Stage:
    """A run's output, written into a hidden folder and moved into ``outdir`` by :meth:`commit`.

    The hidden folder sits beside ``outdir`` when ``outdir`` does not exist yet (so the whole folder
    appears at once, by one rename), and inside it when it does (so that it is on the same file system
    even when ``outdir`` is a mount point, and ``-o .`` needs no write access to the parent).
    """

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.names: list[str] = []
        self._named: set[str] = set()  # the same names, to look up
        self._mode = _mode()
        self._created: list[Path] = []  # folders made on the way to outdir, removed again on failure
        if outdir.exists() and not outdir.is_dir():
            raise QuizgenError(_("-o {outdir}: exists and is not a folder").format(outdir=outdir))
        try:
            if outdir.is_dir():
                if not os.access(outdir, os.W_OK | os.X_OK):
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
                home = outdir
            else:
                home = outdir.absolute().parent
                missing = [p for p in (home, *home.parents) if not p.exists()]
                for folder in reversed(missing):
                    folder.mkdir()
                    self._created.append(folder)
            self.root = Path(tempfile.mkdtemp(prefix=".quizgen-", suffix=".tmp", dir=home))
        except OSError as exc:
            self._forget_folders()
            raise QuizgenError(
                _("-o {outdir}: cannot write there ({strerror})").format(outdir=outdir, strerror=exc.strerror)
            ) from None
        self.scratch = self.root / ".parts"  # files a run needs on the way (printed parts), never moved
        self._root = str(self.root)
        self._folders: set[str] = set()  # folders (relative to root) made so far

    def path(self, name: str) -> Path:
        """Where ``name`` is staged (its folder made)."""
        return Path(self._place(name))

    def _place(self, name: str) -> str:
        """:meth:`path` as a string: a run of 2,000 figures spent more time on Paths and on making folders that
        exist than on writing its files, so each folder is made once."""
        folder = os.path.dirname(name)
        if folder not in self._folders:
            os.makedirs(os.path.join(self._root, folder), exist_ok=True)
            self._folders.add(folder)
        return os.path.join(self._root, name)

    def write(self, name: str, data: str | bytes, *, output: bool = True) -> Path:
        """Stage ``name`` with ``data`` (text is written as UTF-8): one of the run's files, or with
        ``output=False`` a file the run needs on the way (under ``.parts/``), never moved into place."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            path = self._place(name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, self._mode)
            try:
                view = memoryview(raw)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        except OSError as exc:
            raise QuizgenError(self.failed(name, exc)) from None
        if output:
            self.add(name)
        return Path(path)

    def add(self, name: str) -> None:
        """Count ``name`` as output: a file the caller wrote at :meth:`path` itself."""
        if name not in self._named:
            self._named.add(name)
            self.names.append(name)

    def failed(self, name: str, exc: OSError) -> str:
        """The one line for a file that could not be written."""
        return _("-o {outdir}: cannot write {name} ({strerror}); nothing was changed").format(
            outdir=self.outdir, name=name, strerror=exc.strerror or exc
        )

    def commit(self, *, force: bool) -> list[Path]:
        """Move every staged file into ``outdir``: all of them, or (after a failure) none."""
        outdir = self.outdir
        if not force:
            for name in self.names:
                target = outdir / name
                if target.exists() and not filecmp.cmp(target, self.root / name, shallow=False):
                    raise QuizgenError(_exists(outdir, name))
        shutil.rmtree(self.scratch, ignore_errors=True)
        try:
            if not outdir.exists():
                os.chmod(self.root, 0o777 & ~_umask())  # mkdtemp makes 0700
                os.rename(self.root, outdir)
                self._created.clear()
            else:
                self._move_into(outdir)
        except OSError as exc:
            raise QuizgenError(
                _("-o {outdir}: cannot move the files into place ({strerror}); nothing was changed").format(
                    outdir=outdir, strerror=exc.strerror
                )
            ) from None
        return [outdir / name for name in self.names]

    def _move_into(self, outdir: Path) -> None:
        """Each file renamed into ``outdir``; after a failure, the files already moved are put back."""
        # Plain strings, not Paths: a run of 2,000 figures spends more time building Paths than renaming files.
        out, root, old = str(outdir), str(self.root), str(self.root / ".old")
        undo: list[tuple[str, str | None]] = []  # (target, its previous content's place, if any)
        made: list[str] = []
        ready = {"", "."}  # folders (relative to outdir) known to exist
        try:
            for name in self.names:
                folder = os.path.dirname(name)
                if folder not in ready:
                    parts = folder.split("/")
                    for depth in range(1, len(parts) + 1):
                        below = "/".join(parts[:depth])
                        if below not in ready:
                            path = os.path.join(out, below)
                            if not os.path.isdir(path):
                                os.mkdir(path)
                                made.append(path)
                            ready.add(below)
                target = os.path.join(out, name)
                kept = None
                if os.path.lexists(target):
                    kept = os.path.join(old, name)
                    os.makedirs(os.path.dirname(kept), exist_ok=True)
                    os.rename(target, kept)
                undo.append((target, kept))
                os.rename(os.path.join(root, name), target)
        except BaseException:
            for target, kept in reversed(undo):
                with suppress(FileNotFoundError):
                    os.unlink(target)
                if kept is not None:
                    os.rename(kept, target)
            for folder in reversed(made):
                os.rmdir(folder)
            raise

    def discard(self) -> None:
        """Remove the hidden folder and any folder made for the target."""
        shutil.rmtree(self.root, ignore_errors=True)
        self._forget_folders()

    def _forget_folders(self) -> None:
        for folder in reversed(self._created):
            try:
                folder.rmdir()
            except OSError:
                break
        self._created.clear()


@contextmanager
def staged(outdir: Path, *, force: bool = False) -> Iterator[Stage]:
    """A :class:`Stage` for ``outdir``, refused at once if the folder cannot be written.

    The caller stages its files and calls :meth:`Stage.commit`.  If anything fails first, or the run is
    interrupted (Ctrl-C), the staged files are removed and the target is left as it was: an ``OSError``
    or an interruption becomes one line (exit status 2).
    """
    stage = Stage(outdir)
    try:
        yield stage
    except KeyboardInterrupt:
        stage.discard()
        raise QuizgenError(_("-o {outdir}: interrupted; nothing was changed").format(outdir=outdir)) from None
    except OSError as exc:
        stage.discard()
        raise QuizgenError(
            _("-o {outdir}: {strerror}; nothing was changed").format(outdir=outdir, strerror=exc.strerror or exc)
        ) from None
    except BaseException:
        stage.discard()
        raise
    else:
        stage.discard()
