from __future__ import annotations

import pytest

from sinergie.lib.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cantù", "cantu"),
        ("CANTÙ", "cantu"),
        ("Cassina de' Pecchi", "cassina de' pecchi"),
        ("Cassina de’ Pecchi", "cassina de' pecchi"),
        ("Forlì-Cesena", "forli-cesena"),
        ("  Sèn Jan ", "sen jan"),
        ("Savogna d'Isonzo-Sovodnje ob Soči", "savogna d'isonzo-sovodnje ob soci"),
    ],
)
def test_it_folds_case_accents_and_apostrophes(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_it_makes_accented_and_plain_spellings_equal() -> None:
    assert fold("Città di Castello") == fold("citta di castello")
