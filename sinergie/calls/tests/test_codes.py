from __future__ import annotations

import itertools

from sinergie.calls.codes import ALPHABET, CODE_LENGTH, code_display, code_generate, code_normalize


def test_it_generates_codes_of_the_unambiguous_alphabet_with_a_valid_check() -> None:
    codes = {code_generate() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)
        assert code_normalize(code) == code
    assert not set("01OIL") & set(ALPHABET)


def test_it_accepts_the_code_as_people_type_it() -> None:
    code = code_generate()
    shown = code_display(code)
    assert shown.count("-") == 2 and len(shown) == 14
    assert code_normalize(shown) == code
    assert code_normalize(f"  {shown.lower()} ") == code
    assert code_normalize(" ".join(code)) == code


def test_it_catches_every_single_wrong_character_and_every_swap_of_neighbours() -> None:
    code = code_generate()
    for position, symbol in itertools.product(range(CODE_LENGTH), ALPHABET):
        if symbol != code[position]:
            assert code_normalize(code[:position] + symbol + code[position + 1 :]) is None
    for position in range(CODE_LENGTH - 2):  # swaps within the random part
        a, b = code[position], code[position + 1]
        if a != b:
            assert code_normalize(code[:position] + b + a + code[position + 2 :]) is None


def test_it_refuses_what_is_not_a_code() -> None:
    for typed in ["", "ABCD", "X" * 13, "0000-0000-0000", None, 123, "A" * 500]:
        assert code_normalize(typed) is None
