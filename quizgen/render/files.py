"""Writing the rendered files: all of them or none, each replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from quizgen.errors import QuizgenError
from quizgen.i18n import _


def write_files(outdir: Path, files: dict[str, str | bytes], *, force: bool = False) -> list[Path]:
    """Write every file whole or not at all; refuse to replace a different existing file unless ``force``."""
    data = {name: text.encode("utf-8") if isinstance(text, str) else text for name, text in files.items()}
    if outdir.exists() and not outdir.is_dir():
        raise QuizgenError(_("-o {outdir}: exists and is not a folder").format(outdir=outdir))
    targets = {name: outdir / name for name in data}
    if not force:
        for name, path in targets.items():
            if path.exists() and path.read_bytes() != data[name]:
                raise QuizgenError(
                    _(
                        "-o {outdir}: {name} already exists with other content; use --force to replace it, or choose another folder"
                    ).format(outdir=outdir, name=name)
                )
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        for folder in sorted({path.parent for path in targets.values()} - {outdir}):  # figures/ beside a sheet
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizgenError(
            _("-o {outdir}: cannot create the folder ({strerror})").format(outdir=outdir, strerror=exc.strerror)
        ) from None
    umask = os.umask(0)
    os.umask(umask)
    written = []
    for name, path in targets.items():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; a worksheet is for sharing
            with os.fdopen(fd, "wb") as f:
                f.write(data[name])
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
