"""The base classes of every ModelAdmin and inline of the project.

Django's autocomplete widgets (`autocomplete_fields`) look up the submitted ids to show what was
chosen when a form comes back with errors, and they pass those ids to the database unchecked:
`municipalities=abc` on the district form was a ValueError, a NUL an error of PostgreSQL, both a
server error instead of the form's own "not a valid choice". The widgets here show only the ids
that could name a row; the form field still reports the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Field, ForeignKey, ManyToManyField
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest

if TYPE_CHECKING:
    # What the mixins below are mixed into, for the type checker only (so that `super()` and
    # `self.admin_site` are typed); at run time they stay plain mixins.
    from django.contrib.admin.options import BaseModelAdmin
    from django.contrib.admin.widgets import AutocompleteMixin

    _AdminBase = BaseModelAdmin[Any]
    _WidgetBase = AutocompleteMixin
else:
    _AdminBase = _WidgetBase = object


def _could_be_a_key(field: Field[Any, Any], value: Any) -> bool:
    """Whether `value` is something `field` can be compared with in a query (not whether a row has it)."""
    if "\x00" in str(value):
        return False  # PostgreSQL refuses NUL in a string
    try:
        field.get_prep_value(field.to_python(value))
    except (ValueError, TypeError, ValidationError):
        return False
    return True


class _SafeAutocompleteMixin(_WidgetBase):
    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        remote_opts = self.field.remote_field.model._meta
        to_field = remote_opts.get_field(getattr(self.field.remote_field, "field_name", remote_opts.pk.attname))
        value = [item for item in value if _could_be_a_key(to_field, item)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(_SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SafeRelationsMixin(_AdminBase):
    """Django's autocomplete widgets replaced by the ones above, for foreign keys and many-to-many."""

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# Django's admin classes are generic only in django-stubs; at run time they cannot be subscripted.
class ModelAdmin(SafeRelationsMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


class TabularInline(SafeRelationsMixin, admin.TabularInline):  # type: ignore[type-arg]
    pass


class StackedInline(SafeRelationsMixin, admin.StackedInline):  # type: ignore[type-arg]
    pass
