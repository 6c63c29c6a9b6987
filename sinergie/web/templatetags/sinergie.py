from __future__ import annotations

import html
import re

from django import forms, template
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.html import avoid_wrapping, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def query_without_page(context: template.Context) -> str:
    """The current query string minus `page`, ending with '&' when not empty, for pagination links."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


WIDGET_CLASSES = {"checkbox": "form-check-input", "select": "form-select", "selectmultiple": "form-select"}


@register.simple_tag
def field_widget(field: forms.BoundField) -> str:
    """Render a form field's widget with Bootstrap Italia classes and the ARIA links to its help and errors."""
    classes = WIDGET_CLASSES.get(field.widget_type, "form-control")
    attrs: dict[str, str | bool] = {"class": classes}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        attrs["class"] = f"{classes} is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist: template.NodeList, classes: template.base.FilterExpression | None) -> None:
        self.nodelist = nodelist
        self.classes = classes

    def render(self, context: template.Context) -> str:
        inner = self.nodelist.render(context)
        caption = CAPTION.search(inner)
        label = " ".join(html.unescape(strip_tags(caption.group(1))).split()) if caption else ""
        if not label:
            raise template.TemplateSyntaxError("scroll_region: the table inside needs a <caption> to name the region.")
        extra = f" {self.classes.resolve(context)}" if self.classes else ""
        return format_html(
            '<div class="table-responsive{}" tabindex="0" role="region" aria-label="{}">{}</div>',
            extra,
            label,
            mark_safe(inner),  # noqa: S308 (the rendered template, escaped where it had to be)
        )


@register.tag
def scroll_region(parser: template.base.Parser, token: template.base.Token) -> ScrollRegionNode:
    """A table that scrolls sideways on a phone, in a region keyboard users can reach and scroll
    (focusable) and screen readers can name (its table's caption): WCAG 2.1.1, axe's
    `scrollable-region-focusable`. `{% scroll_region %}<table><caption>…</caption>…</table>{% endscroll_region %}`,
    optionally `{% scroll_region "mb-4" %}` for more classes on the wrapper."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("scroll_region takes at most one argument: extra classes.")
    classes = parser.compile_filter(bits[1]) if len(bits) == 2 else None
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, classes)


@register.filter
def file_size(size: object) -> str:
    """A file's size for people: Django's `filesizeformat`, except that a file under 1 KB reads in
    tenths of a KB ("0,2 KB"), because Django's Italian catalogue says "193 bytes" (Italian: byte)."""
    try:
        count = int(size)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        # django-stubs wants a number or a string; Django's filter takes anything ("0 bytes" when not a number).
        return filesizeformat(size)  # type: ignore[arg-type]
    if 0 <= count < 1024:
        return avoid_wrapping(gettext("%s KB") % number_format(max(round(count / 1024, 1), 0.1), 1))
    return filesizeformat(count)
