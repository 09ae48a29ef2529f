"""A second reader of the practice page's data, in Python, written from the page's documented scheme.

It does what the page's script does with a student's answer (find what the answer's lookup keys open,
then judge with the value in hand) using only the page file, ``cryptography`` and the grading rule's
public functions; none of ``quizgen.render.practice``.  The tests use it to check the sealing scheme on
every part of many sheets without a browser; the browser tests check the script itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from fractions import Fraction

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from quizgen.explain import answers as A

DATA = re.compile(r'<script type="application/json" id="practice-data">(.*?)</script>', re.S)


def read_exact(text: str) -> A.Correct:
    """``exact_text``'s forms: ``34944``, ``27/2``, ``55,55,96``, ``10,`` (a one-number shape)."""
    if "," in text:  # a wrong shape may have a fractional size: "121/2,128"
        return tuple(int(f) if (f := Fraction(t)).denominator == 1 else f for t in text.split(",") if t)  # type: ignore[misc]
    return Fraction(text) if "/" in text else int(text)


@dataclass
class Found:
    right: str | None = None  # the exact right value, as sealed
    coarse: bool = False
    cut: str | None = None  # the exact right value, filed under a 3-figure cut-off of it
    wrongs: list[dict] = field(default_factory=list)


class Page:
    """One practice page's data, read back from its HTML."""

    def __init__(self, html: str) -> None:
        self.data = json.loads(DATA.search(html).group(1))
        self.salt = base64.b64decode(self.data["salt"])
        self.secret = base64.b64decode(self.data["secret"])
        self.parts = {p["id"]: p for p in self.data["parts"]}

    def _hash(self, label: str, text: str) -> bytes:
        return hashlib.sha256(self.salt + f"{label}\0{text}".encode()).digest()

    @staticmethod
    def unseal(key: bytes, sealed: str) -> bytes:
        raw = base64.b64decode(sealed)
        return AESGCM(key).decrypt(raw[:12], raw[12:], None)

    def lookup(self, part: str, value: A.Value) -> Found:
        found = Found()
        for key in A.answer_keys(value):
            full = f"{part}|{key}"
            filed = self.data["lookup"].get(base64.b64encode(self._hash("id", full)[:12]).decode())
            for sealed in filed or ():
                payload = json.loads(self.unseal(self._hash("key", full), sealed))
                if payload.get("r"):
                    found.right = payload["x"]
                elif payload.get("t"):
                    found.cut = payload["x"]
                elif payload.get("c"):
                    found.coarse = True
                else:
                    found.wrongs.append(payload)
        return found

    def judge(self, part: str, text: str) -> tuple[str, str]:
        """(verdict, why): the rule's verdict through the page's data, and the named misconception's sentence."""
        rank = self.parts[part]["rank"]
        value = A.parse_value(text, shape_first=rank > 1)
        if value is None:
            return "unreadable", ""
        if rank == 1 and isinstance(value, A.Number) and value.value.denominator == 1:
            value = (int(value.value),)
        found = self.lookup(part, value)
        if found.right is not None:
            verdict = A.judge_value(value, read_exact(found.right))
            if verdict != "wrong":
                return verdict, ""
        whole = found.right if found.right is not None else found.cut
        if whole is not None and A.truncated(value, read_exact(whole)):  # said before any misconception
            return "wrong", ""
        named = [w for w in found.wrongs if A.judge_value(value, read_exact(w["x"])) != "wrong"]
        named.sort(key=lambda w: w["o"])
        return "wrong", named[0]["w"] if named else ""

    def part_key(self, part: str, exact: str) -> bytes:
        return self._hash("part", f"{part}\0{exact}")

    def solution(self, part: str, key: bytes) -> str:
        """A part's solution HTML, opened with ``key`` (raises InvalidTag for a wrong key)."""
        return zlib.decompress(self.unseal(key, self.parts[part]["blob"])).decode()

    def give_up(self, part: str) -> bytes:
        """The part key that "show solution" unseals with the page secret."""
        wrap = hashlib.sha256(self.secret + f"give up\0{part}".encode()).digest()
        return self.unseal(wrap, self.parts[part]["lock"])


__all__ = ["Found", "InvalidTag", "Page", "read_exact"]
