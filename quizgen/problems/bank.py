"""Banks (``banks/*.yaml``): problem banks with claimed answers, and worksheet recipes (module ``bank``; ``quizgen.banks`` is the data).

Both are validated on load; an error names the file, the entry and the field.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from quizgen.errors import QuizgenError
from quizgen.i18n import N_, _, closest

FORMS = ("numeric", "choice")
COUNTS = ("macs", "flops", "flops+bias")
#: Working space under each problem on a printed sheet; ``small`` (room for a few lines) is the default.
SPACES = ("none", "small", "large")


class BankError(QuizgenError):
    """A bank or recipe file that cannot be used: names the file, the entry and the field."""


@dataclass(frozen=True)
class BankEntry:
    """One fixed problem: a layer (``spec``) or a stack, what to ask, and claimed answers from a source."""

    id: str
    title: str
    text: str
    spec: str = ""
    stack: str = ""
    ask: tuple[str, ...] = ()
    claimed: tuple[tuple[str, str], ...] = ()
    formula: str = ""


@dataclass(frozen=True)
class Bank:
    name: str
    title: str
    source: str
    path: str
    entries: tuple[BankEntry, ...]

    def entry(self, entry_id: str) -> BankEntry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise BankError(
            _("{path}: no entry '{entry_id}'{suggestion}").format(
                path=self.path, entry_id=entry_id, suggestion=closest(entry_id, [e.id for e in self.entries])
            )
        )


@dataclass(frozen=True)
class Section:
    """Part of a recipe: ``count`` problems of a kind, or entries drawn from a bank."""

    title: str
    kind: str
    bank: str
    entries: tuple[str, ...]
    count: int
    difficulty: int
    form: str
    marks: Fraction | None = None  # each problem's marks; None: one per part


@dataclass(frozen=True)
class Recipe:
    name: str
    title: str
    instructions: str
    count: str
    sections: tuple[Section, ...]
    path: str
    space: str = "small"  # working space under each problem: none, small or large
    figures: bool = True  # figures on the sheets and keys; ``--no-figures`` turns them off
    answer_sheet: bool = False  # an answer page per sheet; ``--answer-sheet`` turns it on

    @property
    def size(self) -> int:
        """How many problems one sheet of this recipe has."""
        return sum(s.count for s in self.sections)


# --- finding and reading files --------------------------------------------------------------------


def _builtin_dir() -> Any:
    return resources.files("quizgen.banks")


def builtin_files() -> dict[str, str]:
    """Built-in bank and recipe names mapped to their text."""
    return {
        p.name.removesuffix(".yaml"): p.read_text(encoding="utf-8")
        for p in sorted(_builtin_dir().iterdir(), key=lambda p: p.name)
        if p.name.endswith(".yaml")
    }


def _read(source: str) -> tuple[str, Any]:
    """(display path, parsed YAML) for a file path or a built-in name."""
    import yaml

    path = Path(source)
    if path.is_file():
        display = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BankError(_("{display}: cannot read the file ({exc})").format(display=display, exc=exc)) from None
    else:
        builtins = builtin_files()
        name = path.name.removesuffix(".yaml")
        if name not in builtins or path.parent != Path("."):
            raise BankError(
                _("{source}: no such file or built-in bank{suggestion}; built-ins: {items}").format(
                    source=source, suggestion=closest(name, list(builtins)), items=", ".join(builtins)
                )
            )
        display, text = f"banks/{name}.yaml", builtins[name]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BankError(
            _("{display}: {where}not valid YAML ({problem})").format(display=display, where=where, problem=problem)
        ) from None
    if not isinstance(data, dict):
        raise BankError(_("{display}: must be a mapping with 'bank:' or 'recipe:' at the top").format(display=display))
    return display, data


class _Fields:
    """Reads fields of one mapping, naming the file and entry in every error."""

    def __init__(self, path: str, where: str, data: Any, allowed: tuple[str, ...]) -> None:
        self.path, self.where = path, where
        if not isinstance(data, dict):
            self.fail(_("must be a mapping of fields, not {name__}").format(name__=type(data).__name__))
        for key in data:
            if key not in allowed:
                self.fail(
                    _("unknown field '{key}'{suggestion}; fields: {items}").format(
                        key=key, suggestion=closest(str(key), list(allowed)), items=", ".join(allowed)
                    )
                )
        self.data = data

    def fail(self, message: str) -> None:
        raise BankError(_("{path}: {where}: {message}").format(path=self.path, where=self.where, message=message))

    def str(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            self.fail(_("field '{key}' is missing").format(key=key))
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fail(_("field '{key}' must be text").format(key=key))
        return str(value).strip()

    def int(self, key: builtins.str, default: builtins.int, allowed: range) -> builtins.int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
            self.fail(
                _("field '{key}': {value} must be a whole number from {start} to {value2}").format(
                    key=key, value=repr(value), start=allowed.start, value2=allowed.stop - 1
                )
            )
        return value

    def choice(self, key: builtins.str, default: builtins.str, allowed: tuple[builtins.str, ...]) -> builtins.str:
        value = self.data.get(key, default)
        if value not in allowed:
            self.fail(
                _("field '{key}': {value} must be one of {items}").format(
                    key=key, value=repr(value), items=", ".join(allowed)
                )
            )
        return value

    def flag(self, key: builtins.str, default: bool) -> bool:
        """A yes/no field: YAML's ``true`` or ``false``."""
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(_("field '{key}': {value} must be true or false").format(key=key, value=repr(value)))
        return value

    def marks(self, key: builtins.str) -> Fraction | None:
        """A positive number of marks with at most two decimals (``2``, ``1.5``), or ``None`` if absent."""
        value = self.data.get(key)
        if value is None:
            return None
        marks = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            marks = Fraction(str(value))
        if marks is None or not 0 < marks <= 1000 or (marks * 100).denominator != 1:
            self.fail(
                _(
                    "field '{key}': {value} must be a positive number of marks, at most 1000, with at most two decimals"
                ).format(key=key, value=repr(value))
            )
        return marks

    def str_list(self, key: builtins.str) -> tuple[builtins.str, ...]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(_("field '{key}' must be a list of names").format(key=key))
        return tuple(value)


# --- problem banks --------------------------------------------------------------------------------

_ENTRY_FIELDS = ("id", "title", "text", "spec", "stack", "ask", "claimed", "formula")


def is_recipe(source: str) -> bool:
    """True if ``source`` (a file or a built-in name) is a recipe, not a problem bank; False if unreadable."""
    try:
        _display, data = _read(source)
    except BankError:
        return False
    return "recipe" in data and "bank" not in data


def load_bank(source: str) -> Bank:
    """Load and validate a problem bank: each entry's spec or stack must solve, and each claim must read."""
    path, data = _read(source)
    top = _Fields(path, "top", data, ("bank", "title", "source", "problems"))
    name = top.str("bank")
    problems = data.get("problems")
    if not isinstance(problems, list) or not problems:
        top.fail(_("field 'problems' must be a non-empty list"))
    entries, seen = [], set()
    for i, raw in enumerate(problems):
        label = f"problems[{i}]" + (f" ({raw.get('id')})" if isinstance(raw, dict) and raw.get("id") else "")
        f = _Fields(path, label, raw, _ENTRY_FIELDS)
        entry = BankEntry(
            id=f.str("id"),
            title=f.str("title", ""),
            text=f.str("text", ""),
            spec=f.str("spec", ""),
            stack=f.str("stack", ""),
            ask=f.str_list("ask"),
            formula=f.str("formula", ""),
            claimed=_claims(f, raw.get("claimed", {})),
        )
        if entry.id in seen:
            f.fail(_("id '{id}' is used twice").format(id=entry.id))
        seen.add(entry.id)
        if bool(entry.spec) == bool(entry.stack):
            f.fail(_("give exactly one of 'spec' (one layer) or 'stack' (one layer per line)"))
        _validate_entry(f, entry)
        entries.append(entry)
    return Bank(name, top.str("title", name), top.str("source", ""), path, tuple(entries))


def _claims(f: _Fields, raw: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        f.fail(_("field 'claimed' must map quantities to values, e.g. output: 55x55x96"))
    return tuple((str(k), str(v)) for k, v in raw.items())


def _validate_entry(f: _Fields, entry: BankEntry) -> None:
    from quizgen.arith.network import solve_stack
    from quizgen.arith.spec import parse
    from quizgen.explain import check as checking
    from quizgen.problems.kinds import LABELS

    try:
        if entry.spec:
            parse(entry.spec)
        else:
            solve_stack(entry.stack, name="stack")
    except QuizgenError as exc:
        f.fail(_("field '{value}': {exc}").format(value="spec" if entry.spec else "stack", exc=exc))
    for q in entry.ask:
        if q not in LABELS:
            f.fail(
                _("field 'ask': '{q}' is not a quantity{suggestion}; known: {items}").format(
                    q=q, suggestion=closest(q, list(LABELS)), items=", ".join(LABELS)
                )
            )
    for key, value in entry.claimed:
        try:
            checking.parse_claim(f"{key}={value}")
        except QuizgenError as exc:
            f.fail(_("field 'claimed': {removeprefix}").format(removeprefix=str(exc).removeprefix("--claim ")))


# --- recipes --------------------------------------------------------------------------------------

_SECTION_FIELDS = ("title", "kind", "bank", "entries", "count", "difficulty", "form", "marks")


def load_recipe(source: str) -> Recipe:
    """Load and validate a recipe: every kind, bank and entry it names must exist."""
    from quizgen.problems.kinds import REGISTRY

    path, data = _read(source)
    if "bank" in data and "recipe" not in data:
        raise BankError(
            _("{path}: is a problem bank, not a recipe; draw from it in a recipe section ('- bank: {name}')").format(
                path=path, name=data["bank"]
            )
        )
    top = _Fields(
        path, "top", data, ("recipe", "title", "instructions", "count", "space", "figures", "answer_sheet", "sections")
    )
    name = top.str("recipe")
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        top.fail(_("field 'sections' must be a non-empty list"))
    sections = []
    for i, raw in enumerate(raw_sections):
        f = _Fields(path, f"sections[{i}]", raw, _SECTION_FIELDS)
        kind, bank = f.str("kind", ""), f.str("bank", "")
        if bool(kind) == bool(bank):
            f.fail(_("give exactly one of 'kind' (generated problems) or 'bank' (problems from a bank)"))
        if kind and kind not in REGISTRY:
            f.fail(
                _("field 'kind': '{kind}' is not a problem kind{suggestion}").format(
                    kind=kind, suggestion=closest(kind, list(REGISTRY))
                )
            )
        entries = f.str_list("entries")
        if kind and entries:
            f.fail(_("field 'entries' goes with 'bank', not 'kind'"))
        if bank:
            loaded = load_bank(bank)
            for e in entries:
                loaded.entry(e)
            default_count = len(entries) or len(loaded.entries)
            count = f.int("count", default_count, range(1, len(loaded.entries) + 1))
            if entries and count != len(entries):
                f.fail(
                    _("field 'count': {count} does not match the {count2} entries listed").format(
                        count=count, count2=len(entries)
                    )
                )
        else:
            count = f.int("count", 1, range(1, 10_001))
        sections.append(
            Section(
                title=f.str("title", ""),
                kind=kind,
                bank=bank,
                entries=entries,
                count=count,
                difficulty=f.int("difficulty", 1, range(1, 4)),
                form=f.choice("form", "numeric", FORMS),
                marks=f.marks("marks"),
            )
        )
    return Recipe(
        name,
        top.str("title", name),
        top.str("instructions", ""),
        top.choice("count", "macs", COUNTS),
        tuple(sections),
        path,
        top.choice("space", "small", SPACES),
        top.flag("figures", True),
        top.flag("answer_sheet", False),
    )


def list_banks() -> list[tuple[str, str, str, int]]:
    """Built-in banks and recipes: (name, what, title, number of entries or problems)."""
    out = []
    for name in builtin_files():
        _path, data = _read(name)
        if "recipe" in data:
            recipe = load_recipe(name)
            out.append((name, N_("recipe"), recipe.title, recipe.size))
        else:
            bank = load_bank(name)
            out.append((name, N_("problem bank"), bank.title, len(bank.entries)))
    return out


def check_bank(bank: Bank) -> list[tuple[BankEntry, list]]:
    """Every entry's claims judged: (entry, [ClaimResult, ...]) in file order."""
    from quizgen.arith.network import solve_stack
    from quizgen.arith.spec import parse
    from quizgen.explain import check as checking

    report = []
    for entry in bank.entries:
        claims = [checking.parse_claim(f"{k}={v}") for k, v in entry.claimed]
        if entry.spec:
            results = checking.check(parse(entry.spec), claims)
        else:
            results = checking.check_network(solve_stack(entry.stack, name=entry.id), claims)
        report.append((entry, results))
    return report
