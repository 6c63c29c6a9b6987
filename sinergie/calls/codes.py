"""Voucher codes: unguessable, easy to read aloud and type, with a check character.

A code is 11 random characters and one check character from an alphabet of 31 symbols
without the ones people confuse (0/O, 1/I/L), shown in groups of four: `K7QM-3XHT-9WC4`.
11 random symbols are about 54 bits: guessing one live code is hopeless. The check character
is a position-weighted sum modulo 31 (a prime, the alphabet's size), so every single wrong
character and every swap of two neighbours is caught before the database is asked.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
assert len(ALPHABET) == 31  # a prime: the check below relies on it
RANDOM_LENGTH = 11
CODE_LENGTH = RANDOM_LENGTH + 1
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}


def check_character(body: str) -> str:
    """The check character of `body` (symbols of ALPHABET, at most 30 of them)."""
    total = sum((position + 1) * _VALUE[symbol] for position, symbol in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def code_generate() -> str:
    """A new random code, normalized (no separators)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def code_normalize(typed: str) -> str | None:
    """The stored form of a code as typed (any case, spaces or dashes), or None when it is not one."""
    if not isinstance(typed, str) or len(typed) > 40:
        return None
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(symbol not in _VALUE for symbol in code):
        return None
    if check_character(code[:-1]) != code[-1]:
        return None
    return code


def code_display(code: str) -> str:
    """The code in groups of four, as printed on a voucher."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
