from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_without_page(context: template.Context) -> str:
    """The current query string minus `page`, ending with '&' when not empty, for pagination links."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""
