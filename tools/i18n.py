"""Maintain the translation catalogues (Babel): extract, update and compile.

    python tools/i18n.py update    # extract every marked string, merge into each .po (new ones untranslated)
    python tools/i18n.py compile   # write the .mo files the package loads

Strings come from ``_()`` and ``N_()`` in ``quizgen/``, ``_()`` in ``templates/``, and the user-facing fields
of the built-in banks and recipes (titles, instructions, texts).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "quizgen" / "locale"
LANGUAGES = ("zh",)
KEYWORDS = {"_": None, "N_": None}


def _yaml_strings() -> list[tuple[str, str]]:
    """(text, where) for the user-facing fields of the built-in banks and recipes."""
    out = []
    for path in sorted((ROOT / "banks").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = f"banks/{path.name}"
        for key in ("title", "instructions"):
            if data.get(key):
                out.append((str(data[key]).strip(), where))
        for section in data.get("sections", []):
            if section.get("title"):
                out.append((str(section["title"]).strip(), where))
        for entry in data.get("problems", []):
            for key in ("title", "text"):
                if entry.get(key):
                    out.append((str(entry[key]).strip(), f"{where}:{entry['id']}"))
    return out


def extract() -> Catalog:
    """Every translatable string, as a Babel catalogue."""
    catalog = Catalog(project="quizgen", domain="quizgen")
    methods = [("**.py", "python")]
    for message in extract_from_dir(str(ROOT / "quizgen"), method_map=methods, keywords=KEYWORDS):
        filename, lineno, text = message[0], message[1], message[2]
        if text:
            catalog.add(text, locations=[(f"quizgen/{filename}", lineno)])
    templates = [("**.j2", "jinja2")]
    for message in extract_from_dir(str(ROOT / "templates"), method_map=templates, keywords={"_": None}):
        filename, lineno, text = message[0], message[1], message[2]
        if text:
            catalog.add(text, locations=[(f"templates/{filename}", lineno)])
    for text, where in _yaml_strings():
        catalog.add(text, locations=[(where, 0)])
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "quizgen.po"


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="quizgen", domain="quizgen")
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def update() -> None:
    template = extract()
    for lang in LANGUAGES:
        catalog = read(lang)
        catalog.update(template, no_fuzzy_matching=True)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        write_po(buf, catalog, width=120, omit_header=False, ignore_obsolete=True, sort_output=False)
        path.write_bytes(buf.getvalue())
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")


def compile_mo() -> None:
    for lang in LANGUAGES:
        catalog = read(lang)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        out = po_path(lang).with_suffix(".mo")
        out.write_bytes(buf.getvalue())
        print(f"{out.relative_to(ROOT)}: {len(catalog)} messages")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_mo()
    else:
        sys.exit(__doc__)
