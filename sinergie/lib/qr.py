"""QR codes drawn on the server as inline SVG (a voucher's code, a survey's open link)."""

from __future__ import annotations

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, title: str, css_class: str, scale: int = 8, fluid: bool = False) -> SafeString:
    """The QR code of `text` as inline SVG, labelled by `title` for screen readers. No style
    attributes, so the Content-Security-Policy allows it as it is. `fluid`: a viewBox instead of
    a fixed size, for a stylesheet to size it (on screen and on paper)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        scale=scale,
        border=4,
        title=title,
        svgclass=css_class,
        nl=False,
        omitsize=fluid,
    )
    # segno escapes the title; the rest is drawn from the code's own symbols.
    return mark_safe(buffer.getvalue().decode().replace("<svg ", '<svg role="img" ', 1))  # noqa: S308
