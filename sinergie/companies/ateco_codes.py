"""ATECO 2025 (ISTAT's classification of economic activities) from the `ateco` package: look a
code up, find its section, and search by words or by code for a company choosing its own."""

from __future__ import annotations

import re
from dataclasses import dataclass

import ateco

EDITION = "2025"
LEVEL_ORDER = {"subcategory": 0, "category": 1, "class": 2, "group": 3, "division": 4, "section": 5}
# A company registers with a code of at least a class ("62.10"); a section or division says too little.
COMPANY_LEVELS = frozenset({"class", "category", "subcategory"})


@dataclass(frozen=True)
class Activity:
    code: str
    title: str
    level: str


def activity(code: str) -> Activity | None:
    """The activity of `code` (dotted or compact), or None when ATECO 2025 has no such code."""
    text = (code or "").strip()
    if not text or len(text) > 12:
        return None
    try:
        node = ateco.lookup(text, edition=EDITION)
    except (ValueError, KeyError):
        return None
    return None if node is None else Activity(node.code, node.title, node.level)


def section_of(code: str) -> str:
    """The section letter above `code` ("62.10.00" → "K"); "" for an unknown code."""
    node = ateco.lookup(code, edition=EDITION) if code else None
    for _step in range(8):
        if node is None:
            return ""
        if node.level == "section":
            return node.code
        node = ateco.lookup(node.parent, edition=EDITION) if node.parent else None
    return ""


def sections() -> list[Activity]:
    found = [ateco.lookup(letter, edition=EDITION) for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    return [Activity(n.code, n.title.capitalize(), n.level) for n in found if n is not None]


def search(query: str, limit: int = 20) -> list[Activity]:
    """Activities whose code starts with the query or whose title has every word of it; the
    package's own search also matches the explanatory notes, which come after."""
    text = " ".join((query or "").split())[:80]
    if len(text) < 2:
        return []
    digits = re.fullmatch(r"\d{2,6}", text)
    if digits:  # "6210" → "62.10"
        text = ".".join(part for part in (text[:2], text[2:4], text[4:]) if part)
    words = text.casefold().split()
    hits = {n.code: n for word in words[:1] for n in ateco.search(word, edition=EDITION, limit=5000)}

    def rank(node: ateco.AtecoNode) -> tuple[int, int, int, str]:
        title = node.title.casefold()
        by_code = node.code.startswith(text)
        by_title = all(word in title for word in words)
        where = 0 if by_code else title.find(words[0]) % 1000  # a word early in the title says more
        return (0 if by_code or by_title else 1, where // 20, LEVEL_ORDER.get(node.level, 9), node.code)

    wanted = [n for n in hits.values() if n.level in COMPANY_LEVELS]
    ranked = sorted(wanted, key=rank)
    return [Activity(n.code, n.title, n.level) for n in ranked[:limit]]
