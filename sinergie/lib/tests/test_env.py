from __future__ import annotations

import pytest

from sinergie.lib.env import ConfigurationError, Env
from sinergie.lib.text import fold


def test_it_reads_booleans_in_words():
    env = Env({"A": "true", "B": "off", "C": "Yes"})
    assert env.bool("A", default=False) is True
    assert env.bool("B", default=True) is False
    assert env.bool("C", default=False) is True
    assert env.bool("MISSING", default=True) is True


def test_it_refuses_a_malformed_boolean_naming_the_variable():
    with pytest.raises(ConfigurationError, match="DEBUG must be true or false"):
        Env({"DEBUG": "maybe"}).bool("DEBUG", default=False)


def test_it_refuses_a_malformed_or_small_number():
    with pytest.raises(ConfigurationError, match="EMAIL_PORT must be a whole number"):
        Env({"EMAIL_PORT": "25a"}).int("EMAIL_PORT", 25)
    with pytest.raises(ConfigurationError, match="at least 1"):
        Env({"EMAIL_PORT": "0"}).int("EMAIL_PORT", 25, minimum=1)


def test_it_splits_lists_and_requires_what_has_no_default():
    assert Env({"HOSTS": " a.it, b.it ,,"}).list("HOSTS") == ["a.it", "b.it"]
    with pytest.raises(ConfigurationError, match="SECRET_KEY is required"):
        Env({}).str("SECRET_KEY")


def test_it_refuses_a_value_outside_the_choices():
    with pytest.raises(ConfigurationError, match="one of console, smtp"):
        Env({"EMAIL_BACKEND": "pigeon"}).choice("EMAIL_BACKEND", ("console", "smtp"), "console")


def test_it_folds_accents_and_case():
    assert fold("Cantù") == "cantu"
    assert fold("Cassina de’ Pecchi") == "cassina de' pecchi"
