"""Moodle XML as text: texts written as Moodle's own exporter writes them, and a quiz split into files.

Texts (CDATA).  Moodle reads an import with ``xmlize()`` (``lib/xmlize.php``: PHP's
``xml_parse_into_struct`` with ``XML_OPTION_SKIP_WHITE``), which drops a character chunk made only of
whitespace.  libxml2 hands character data over in chunks that end at every entity reference (``&gt;``)
and where a run of ASCII meets a non-ASCII character, so in ``&lt;/sub&gt; × W`` the space between
``&gt;`` and ``×`` is a chunk of its own, and is lost.  Moodle's exporter
(``question/format/xml/format.php``, ``xml_escape()``) writes any text that holds ``& < > " '`` as
CDATA, which reaches the parser as one chunk and keeps every space; quizgen does the same, and also
for a text that starts with whitespace.  ``]]>`` inside a text is split between two CDATA sections, as
Moodle does.

Files.  PHP's stock ``upload_max_filesize`` is ``2M`` (2 × 1024 × 1024 bytes), and Moodle refuses a
larger upload.  A quiz that would pass ``max_bytes`` is cut between questions into files that are each a
whole quiz, importable alone: each repeats the category of the sheet it continues.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from quizgen.errors import QuizgenError
from quizgen.i18n import _

#: PHP's default ``upload_max_filesize`` (``2M``; PHP's K, M and G are powers of 1024).
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NEEDS_CDATA = re.compile(r"""[&<>"']|^\s""")
_SIZE = re.compile(r"(\d+)\s*([kmg]?)i?b?", re.I)


def xml_text(text: str) -> str:
    """A text as Moodle's exporter writes it: as is when plain, else as CDATA (``]]>`` split in two)."""
    if not _NEEDS_CDATA.search(text):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _attributes(el: ET.Element) -> str:
    return "".join(f' {k}="{escape(v, {chr(34): "&quot;"})}"' for k, v in el.attrib.items())


def _write(el: ET.Element, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    children = list(el)
    if not children:
        out.append(f"{pad}<{el.tag}{_attributes(el)}>{xml_text(el.text or '')}</{el.tag}>\n")
        return
    assert not (el.text or "").strip(), f"<{el.tag}> mixes text and elements"
    out.append(f"{pad}<{el.tag}{_attributes(el)}>\n")
    for child in children:
        _write(child, depth + 1, out)
    out.append(f"{pad}</{el.tag}>\n")


def element_xml(el: ET.Element, depth: int = 0) -> str:
    """One element as Moodle XML text, indented two spaces a level, its texts as :func:`xml_text` writes them."""
    out: list[str] = []
    _write(el, depth, out)
    return "".join(out)


def quiz_files(
    blocks: list[tuple[ET.Element, list[ET.Element]]], *, name: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> dict[str, str]:
    """``<quiz>`` files of ``(category, questions)`` blocks, each file at most ``max_bytes`` in UTF-8.

    One file named ``name`` if the whole quiz fits; otherwise ``stem-1.moodle.xml``, ``stem-2…`` (numbers
    padded to one width), each a whole quiz that starts with the category of its first question.
    A single question larger than ``max_bytes`` is refused.
    """
    head, tail = (XML_DECLARATION + "<quiz>\n").encode(), b"</quiz>\n"
    files: list[list[bytes]] = []
    size = 0
    for category, questions in blocks:
        cat = element_xml(category, 1).encode()
        opened = False  # whether the file being filled holds this sheet's category yet
        shown: list[ET.Element | None] = list(questions) or [None]  # a sheet without questions: its category
        for question in shown:
            text = b"" if question is None else element_xml(question, 1).encode()
            alone = len(head) + len(cat) + len(text) + len(tail)
            if question is not None and alone > max_bytes:
                raise QuizgenError(
                    _(
                        "--max-file-size: question '{question}' alone makes a Moodle file of {size} bytes, more than "
                        "{limit}; give at least {size}, or --no-figures"
                    ).format(question=question.findtext("name/text"), size=alone, limit=max_bytes)
                )
            if not files or size + len(text) + (0 if opened else len(cat)) > max_bytes:
                files.append([])
                size, opened = len(head) + len(tail), False
            if not opened:
                files[-1].append(cat)
                size, opened = size + len(cat), True
            files[-1].append(text)
            size += len(text)
    texts = [(head + b"".join(body) + tail).decode() for body in files]
    if len(texts) == 1:
        return {name: texts[0]}
    stem, _dot, ext = name.partition(".")
    width = len(str(len(texts)))
    return {f"{stem}-{i:0{width}d}.{ext}": text for i, text in enumerate(texts, start=1)}


def parse_size(text: str) -> int:
    """A file size such as ``2M``, ``2MB``, ``500K`` or ``1500000`` in bytes (K, M, G: powers of 1024, as PHP)."""
    m = _SIZE.fullmatch(text.strip())
    if not m or int(m.group(1)) <= 0:
        raise QuizgenError(
            _("--max-file-size {value}: must be a positive size in bytes, or with K, M or G (2M)").format(value=text)
        )
    return int(m.group(1)) * 1024 ** " kmg".index((m.group(2) or " ").lower())
