from __future__ import annotations

from django import forms, template

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
    attrs = {"class": WIDGET_CLASSES.get(field.widget_type, "form-control")}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
