"""Typed readers for environment variables that refuse bad values with a clear message.

Settings are read only from the environment; a wrong value must stop the process at
start with a message naming the variable, never silently fall back to a default.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigurationError(Exception):
    """Raised when an environment variable is missing or malformed."""


class Env:
    # The readers are named after the types they return, so below `def str` the annotations
    # must say `builtins.str`: inside the class body, `str` is the method.
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def str(self, name: str, default: str | None = None) -> str:
        value = self.environ.get(name)
        if value is None or value == "":
            if default is None:
                raise ConfigurationError(f"{name} is required but not set.")
            return default
        return value

    def optional(self, name: builtins.str) -> builtins.str | None:
        value = self.environ.get(name)
        return value or None

    def bool(self, name: builtins.str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ConfigurationError(f"{name} must be true or false, not {raw!r}.")

    def int(self, name: builtins.str, default: int, *, minimum: int | None = None) -> int:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None
        if minimum is not None and value < minimum:
            raise ConfigurationError(f"{name} must be at least {minimum}, not {value}.")
        return value

    def list(self, name: builtins.str, default: list[builtins.str] | None = None) -> list[builtins.str]:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def choice(self, name: builtins.str, choices: tuple[builtins.str, ...], default: builtins.str) -> builtins.str:
        value = self.str(name, default)
        if value not in choices:
            allowed = ", ".join(choices)
            raise ConfigurationError(f"{name} must be one of {allowed}, not {value!r}.")
        return value
