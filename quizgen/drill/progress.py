"""The drill's progress store: SQLite in the user's data directory, one row per answer, committed at once.

The file is never overwritten: a corrupt or foreign file is reported with the
way to start afresh.  WAL mode and a busy timeout let two drills share it.
A drill that finds no file yet creates it with its first answer, so a first
session starts without creating a database and one that ends before any answer
leaves nothing behind.  ``sqlite3`` is imported only when a file is opened:
a first session's first question comes before it is needed.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, NamedTuple

from quizgen.errors import QuizgenError
from quizgen.i18n import _

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

SCHEMA_VERSION = 1
APP = "quizgen"
#: Leitner boxes 1..5 and how long a kind rests in each before it is due again (seconds).
INTERVALS = {1: 0, 2: 10 * 60, 3: 24 * 3600, 4: 3 * 24 * 3600, 5: 7 * 24 * 3600}
#: A kind answered right in the top box at a difficulty moves up a difficulty.
TOP_BOX = 5

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    session TEXT NOT NULL,
    kind TEXT NOT NULL,
    difficulty INTEGER NOT NULL,
    problem_id TEXT NOT NULL,
    part TEXT NOT NULL,
    given TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('right', 'wrong', 'skipped')),
    attempt INTEGER NOT NULL,
    misconceptions TEXT NOT NULL DEFAULT ''
);
CREATE INDEX answers_kind ON answers (kind, difficulty);
CREATE TABLE boxes (
    kind TEXT PRIMARY KEY,
    box INTEGER NOT NULL,
    difficulty INTEGER NOT NULL,
    due REAL NOT NULL
);
"""


class ProgressError(QuizgenError):
    """The progress file cannot be used; it is left exactly as it was."""


def default_path() -> str:
    """``$QUIZGEN_HOME/progress.sqlite3``, else the platform's user data directory."""
    home = os.environ.get("QUIZGEN_HOME")
    if home:
        return os.path.join(home, "progress.sqlite3")
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("quizgen", appauthor=False), "progress.sqlite3")


def source_of_default() -> str:
    """How an error names the default progress file: by ``QUIZGEN_HOME`` when that chose it."""
    home = os.environ.get("QUIZGEN_HOME")
    return f"QUIZGEN_HOME={home}: " + _("progress file") if home else _("progress file")


class Box(NamedTuple):
    kind: str
    box: int
    difficulty: int
    due: float


class Progress:
    """A progress database: opened (or created) at once, or with ``defer=True`` created by the first write."""

    def __init__(self, path: Path | str | None = None, *, create: bool = True, defer: bool = False) -> None:
        self.path = os.fspath(path) if path else default_path()
        #: Where the path came from, as a message names it: ``--db``, ``QUIZGEN_HOME=…``, or the default.
        self.field = "--db" if path else source_of_default()
        self._db: sqlite3.Connection | None = None
        if not os.path.lexists(self.path):
            if not create:
                raise ProgressError(
                    _("{field} {path}: no progress yet (run quizgen drill first, or check the path)").format(
                        field=self.field, path=self.path
                    )
                )
            if defer:
                self._check_creatable()
                return
        elif create and os.path.isfile(self.path) and not os.access(self.path, os.R_OK | os.W_OK):
            # SQLite would open a write-protected file read-only and fail at the first answer, losing it.
            raise ProgressError(
                _("{field} {path}: cannot be written (no permission); it was left untouched").format(
                    field=self.field, path=self.path
                )
            )
        self._db = self._open()

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, opening or creating the file on first use."""
        if self._db is None:
            self._db = self._open()
        return self._db

    @property
    def exists(self) -> bool:
        """Whether there is a file to read (a deferred store has none until its first write)."""
        return self._db is not None or os.path.lexists(self.path)

    def _check_creatable(self) -> None:
        """Fail now, before any question, if the file could not be created later.

        The deepest existing folder on the way must take a new entry: the first missing folder
        (or, when none is missing, a probe file) is made and removed at once, so nothing stays
        behind.  This asks the file system itself, which also answers for root, read-only
        mounts and /proc, where permission bits do not tell.
        """
        parent = os.path.dirname(os.path.abspath(self.path))
        missing = ""
        while not os.path.exists(parent) and os.path.dirname(parent) != parent:
            missing, parent = parent, os.path.dirname(parent)
        try:
            if not os.path.isdir(parent):
                raise NotADirectoryError
            if missing:
                os.mkdir(missing)
                os.rmdir(missing)
            else:
                probe = os.path.join(parent, f".quizgen-probe-{os.getpid()}")
                os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                os.unlink(probe)
        except OSError:
            raise ProgressError(
                _("{field} {path}: cannot be created ({exc})").format(
                    field=self.field,
                    path=self.path,
                    exc=_("{parent} is not a writable folder").format(parent=parent)
                    if os.path.isdir(parent)
                    else _("{parent} is not a folder").format(parent=parent),
                )
            ) from None

    def _fresh(self) -> str:
        return _(
            "To start afresh, move it away (for example: mv '{path}' '{path}.bak') or use --db with another file"
        ).format(path=self.path)

    def _open(self) -> sqlite3.Connection:
        import sqlite3

        path = self.path
        if os.path.lexists(path):
            if not os.path.isfile(path):
                raise ProgressError(_("{field} {path}: is not a file").format(field=self.field, path=path))
            with open(path, "rb") as f:
                header = f.read(16)
            if header and header != b"SQLite format 3\x00":
                raise ProgressError(
                    _(
                        "{field} {path}: is not a quizgen progress database (not SQLite); it was left untouched. {fresh}"
                    ).format(field=self.field, path=path, fresh=self._fresh())
                )
            try:
                db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=10, isolation_level=None)
                self._check(db)
            except sqlite3.DatabaseError as exc:
                raise ProgressError(
                    _("{field} {path}: cannot be read ({exc}); it was left untouched. {fresh}").format(
                        field=self.field, path=path, exc=exc, fresh=self._fresh()
                    )
                ) from None
            return db
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            db = sqlite3.connect(path, timeout=10, isolation_level=None)
            db.execute("PRAGMA busy_timeout = 10000")
            # IF NOT EXISTS and OR IGNORE: a second drill creating the same file at the same moment is harmless.
            db.executescript(
                "BEGIN IMMEDIATE;"
                + _SCHEMA.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS").replace(
                    "CREATE INDEX", "CREATE INDEX IF NOT EXISTS"
                )
                + f"INSERT OR IGNORE INTO meta VALUES ('app', '{APP}'), ('schema', '{SCHEMA_VERSION}');"
                + f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )
            db.execute("PRAGMA journal_mode = WAL")
        except (OSError, sqlite3.Error) as exc:
            raise ProgressError(
                _("{field} {path}: cannot be created ({exc})").format(field=self.field, path=path, exc=exc)
            ) from None
        return db

    def _check(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA busy_timeout = 10000")
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise ProgressError(
                _("{field} {path}: is damaged (SQLite's quick_check failed); it was left untouched. {fresh}").format(
                    field=self.field, path=self.path, fresh=self._fresh()
                )
            )
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "meta" not in tables:
            raise ProgressError(
                _(
                    "{field} {path}: is an SQLite file but not a quizgen progress database; it was left untouched. {fresh}"
                ).format(field=self.field, path=self.path, fresh=self._fresh())
            )
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("app") != APP:
            raise ProgressError(
                _("{field} {path}: belongs to another program; it was left untouched. {fresh}").format(
                    field=self.field, path=self.path, fresh=self._fresh()
                )
            )
        version = int(meta.get("schema", "0"))
        if version > SCHEMA_VERSION:
            raise ProgressError(
                _(
                    "{field} {path}: was written by a newer quizgen (schema {version}, this one reads {SCHEMA_VERSION}); upgrade quizgen, or use --db with another file"
                ).format(field=self.field, path=self.path, version=version, SCHEMA_VERSION=SCHEMA_VERSION)
            )
        db.execute("PRAGMA journal_mode = WAL")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    # --- writing: every call commits at once --------------------------------------------------------

    def record(
        self,
        *,
        session: str,
        kind: str,
        difficulty: int,
        problem_id: str,
        part: str,
        given: str,
        outcome: str,
        attempt: int,
        misconceptions: tuple[str, ...] = (),
    ) -> None:
        """Store one answer and commit it before returning."""
        with self.db:
            self.db.execute(
                "INSERT INTO answers (ts, session, kind, difficulty, problem_id, part, given, outcome, attempt, "
                "misconceptions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    session,
                    kind,
                    difficulty,
                    problem_id,
                    part,
                    given,
                    outcome,
                    attempt,
                    " ".join(misconceptions),
                ),
            )

    def update_box(self, kind: str, *, right: bool, now: float | None = None) -> Box:
        """Leitner: right moves a kind up a box (and, from the top box, up a difficulty); wrong sends it to box 1."""
        now = time.time() if now is None else now
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute("SELECT box, difficulty FROM boxes WHERE kind = ?", (kind,)).fetchone()
            box, difficulty = row if row else (1, 1)
            if right:
                if box >= TOP_BOX and difficulty < 3:
                    box, difficulty = 2, difficulty + 1
                else:
                    box = min(box + 1, TOP_BOX)
            else:
                box = 1
            due = now + INTERVALS[box]
            self.db.execute(
                "INSERT INTO boxes (kind, box, difficulty, due) VALUES (?, ?, ?, ?) ON CONFLICT(kind) "
                "DO UPDATE SET box = excluded.box, difficulty = excluded.difficulty, due = excluded.due",
                (kind, box, difficulty, due),
            )
        return Box(kind, box, difficulty, due)

    # --- reading ------------------------------------------------------------------------------------

    def boxes(self) -> dict[str, Box]:
        if not self.exists:
            return {}
        return {r[0]: Box(*r) for r in self.db.execute("SELECT kind, box, difficulty, due FROM boxes")}

    def answers(self) -> list[sqlite3.Row]:
        import sqlite3

        if not self.exists:
            return []
        self.db.row_factory = sqlite3.Row
        try:
            return list(self.db.execute("SELECT * FROM answers ORDER BY id"))
        finally:
            self.db.row_factory = None

    def misconception_counts(self, kind: str | None = None) -> dict[str, int]:
        """How often each misconception was named, overall or for one kind."""
        if not self.exists:
            return {}
        query = "SELECT misconceptions FROM answers WHERE misconceptions != ''"
        rows = self.db.execute(query + (" AND kind = ?" if kind else ""), (kind,) if kind else ()).fetchall()
        counts: dict[str, int] = {}
        for (ids,) in rows:
            for i in ids.split():
                counts[i] = counts.get(i, 0) + 1
        return counts


def stats(progress: Progress, now: float | None = None) -> dict:
    """Accuracy by kind and difficulty, the most frequent misconceptions, streaks, and what is due."""
    now = time.time() if now is None else now
    rows = progress.db.execute("SELECT ts, kind, difficulty, outcome FROM answers ORDER BY id").fetchall()
    by_kind: dict[tuple[str, int], dict[str, int]] = {}
    for _ts, kind, difficulty, outcome in rows:
        cell = by_kind.setdefault((kind, difficulty), {"right": 0, "wrong": 0, "skipped": 0})
        cell[outcome] += 1
    accuracy = []
    for (kind, difficulty), cell in sorted(by_kind.items()):
        answered = cell["right"] + cell["wrong"]
        accuracy.append(
            {
                "kind": kind,
                "difficulty": difficulty,
                **cell,
                "accuracy": round(cell["right"] / answered, 4) if answered else None,
            }
        )
    streak = 0
    for _ts, _kind, _d, outcome in reversed(rows):
        if outcome != "right":
            break
        streak += 1
    days = sorted({time.strftime("%Y-%m-%d", time.localtime(ts)) for ts, *_rest in rows}, reverse=True)
    day_streak = 0
    if days:
        expected = time.strftime("%Y-%m-%d", time.localtime(now))
        yesterday = time.strftime("%Y-%m-%d", time.localtime(now - 86400))
        cursor = now if days[0] == expected else now - 86400 if days[0] == yesterday else None
        while cursor is not None and time.strftime("%Y-%m-%d", time.localtime(cursor)) in days:
            day_streak += 1
            cursor -= 86400
    boxes = progress.boxes()
    due = [
        {"kind": b.kind, "box": b.box, "difficulty": b.difficulty}
        for b in sorted(boxes.values(), key=lambda b: b.due)
        if b.due <= now
    ]
    upcoming = [
        {"kind": b.kind, "box": b.box, "difficulty": b.difficulty, "due_in_seconds": round(b.due - now)}
        for b in sorted(boxes.values(), key=lambda b: b.due)
        if b.due > now
    ]
    from quizgen.explain.misconceptions import CATALOGUE

    # Only named misconceptions of the catalogue: not a near miss ("slip"), nor an id a newer or older quizgen wrote.
    counts = {k: v for k, v in progress.misconception_counts().items() if k in CATALOGUE}
    total_right = sum(c["right"] for c in by_kind.values())
    total_answered = total_right + sum(c["wrong"] for c in by_kind.values())
    return {
        "database": str(progress.path),
        "answers": total_answered,  # answers given; a skip is no answer
        "skipped": sum(c["skipped"] for c in by_kind.values()),
        "accuracy_overall": round(total_right / total_answered, 4) if total_answered else None,
        "by_kind": accuracy,
        "misconceptions": [{"id": k, "count": v} for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
        "streak": streak,
        "day_streak": day_streak,
        "due": due,
        "upcoming": upcoming,
    }
