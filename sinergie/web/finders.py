"""Bootstrap Italia's stylesheet without its one `data:` font, so the CSP needs no `font-src data:`.

The theme's CSS (design-django-theme) embeds video.js's icon font (videojs-font, Apache-2.0) as a
base64 `data:` URL; Chromium loads a `data:` font as soon as it parses the rule, used or not, and
the site's `font-src 'self'` refuses it with a console error on every page. This finder, first in
STATICFILES_FINDERS, serves the same stylesheet under the same name with that URL pointing to the
font written out as a file beside the theme's other fonts. Both files are derived from the installed
package (under SINERGIE_VAR_DIR), so a theme upgrade carries over; collectstatic collects them like
any static file.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import bootstrap_italia_template
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

THEME_CSS = "css/bootstrap-italia.min.css"
VIDEOJS_FONT = "fonts/VideoJS/VideoJS.woff"
DATA_FONT = re.compile(r"url\(data:application/font-woff;charset=utf-8;base64,([A-Za-z0-9+/=]+)\)")


def theme_source() -> Path:
    return Path(bootstrap_italia_template.__file__).resolve().parent / "static" / THEME_CSS


def build_theme_files(root: Path) -> None:
    """Write the stylesheet and the font under `root`, unless they are already as they should be."""
    css = theme_source().read_text(encoding="utf-8")
    fonts = DATA_FONT.findall(css)
    if len(fonts) != 1:
        raise RuntimeError(f"Expected one data: font in {theme_source()}, found {len(fonts)}: update {__name__}.")
    patched = DATA_FONT.sub(f'url("../{VIDEOJS_FONT}")', css)
    for relative, content in ((THEME_CSS, patched.encode("utf-8")), (VIDEOJS_FONT, base64.b64decode(fonts[0]))):
        target = root / relative
        if not target.is_file() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


class ThemeStylesheetFinder(BaseFinder):
    paths = (THEME_CSS, VIDEOJS_FONT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.root = Path(settings.VAR_DIR) / "theme-static"
        self.storage = FileSystemStorage(location=str(self.root))
        self._built = False

    def _build(self) -> None:
        if not self._built:
            build_theme_files(self.root)
            self._built = True

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    # django-stubs says a single find returns None when nothing is found; Django's own finders
    # return [] (finders.find() relies on it), and so does this one.
    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:  # type: ignore[override]
        find_all = find_all or kwargs.get("all", False)
        if path not in self.paths:
            return []  # as Django's own finders: a "" would count as a match in finders.find()
        self._build()
        found = str(self.root / path)
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Any:
        self._build()
        for path in self.paths:
            yield path, self.storage
