"""ATECO 2025 (ISTAT's classification of economic activities) from the `ateco` package: look a
code up, find its section, and search by words or by code for a company choosing its own."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import ateco

from sinergie.lib.text import fold

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


# Notes that describe what a code covers; "esclusione" lists what it does not, and is left out.
INCLUDING_NOTES = ("inclusione", "inclusione_aggiuntiva", "centrale")


def _stem(word: str) -> str:
    """A crude Italian stem: a word without its final vowel, so that singular and plural meet
    ("asilo", "asili" → "asil"; "pizzeria", "pizzerie" → "pizzeri")."""
    return word[:-1] if len(word) > 4 and word[-1] in "aeiou" else word


def _stems(text: str) -> frozenset[str]:
    return frozenset(_stem(word) for word in re.findall(r"[a-z0-9]+", fold(text)) if len(word) > 2)


@functools.cache
def _index() -> list[tuple[ateco.AtecoNode, frozenset[str], frozenset[str]]]:
    """Every code a company may register with, with the stems of its title and of its notes."""
    nodes = ateco.search(".", edition=EDITION, limit=100_000)  # every dotted code
    return [
        (node, _stems(node.title), _stems(" ".join((node.notes or {}).get(key, "") for key in INCLUDING_NOTES)))
        for node in nodes
        if node.level in COMPANY_LEVELS
    ]


def search(query: str, limit: int = 20) -> list[Activity]:
    """Activities whose code starts with the query, then those whose title has every word of it,
    then those whose ISTAT notes describe it ("asilo" finds 88.91, day care for children, whose
    notes name "asili nido"). Words match by stem, so singular and plural both find."""
    text = " ".join((query or "").split())[:80]
    if len(text) < 2:
        return []
    digits = re.fullmatch(r"\d{2,6}", text)
    if digits:  # "6210" → "62.10"
        text = ".".join(part for part in (text[:2], text[2:4], text[4:]) if part)
    if re.fullmatch(r"[\d.]+", text):
        found = [(0, 0, node) for node, _title, _notes in _index() if node.code.startswith(text)]
    else:
        wanted = [_stem(word) for word in re.findall(r"[a-z0-9]+", fold(text)) if len(word) > 2]
        if not wanted:
            return []

        def has(stems: frozenset[str], stem: str) -> bool:
            return any(candidate.startswith(stem) for candidate in stems)

        found = []
        for node, title, notes in _index():
            if all(has(title, stem) for stem in wanted):
                found.append((1, fold(node.title).find(wanted[0][:4]) % 1000 // 20, node))
            elif all(has(title, stem) or has(notes, stem) for stem in wanted):
                found.append((2, 0, node))
    found.sort(key=lambda item: (item[0], item[1], LEVEL_ORDER.get(item[2].level, 9), item[2].code))
    return [Activity(node.code, node.title, node.level) for _kind, _where, node in found[:limit]]
