"""Text helpers for search: compare names the way people type them."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case `text` and strip accents and apostrophe variants: "Cassina de' Pecchi" -> "cassina de' pecchi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("\u2019", "'").replace("`", "'").casefold().strip()
