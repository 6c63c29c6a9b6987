"""Italian month names in lower case, as Italian writes them inside a date ("martedì 9 giugno").

Django's own Italian catalogue capitalises them ("9 Giugno"). Our catalogue takes precedence
over Django's (LOCALE_PATHS), so listing the same English msgids here makes `makemessages`
keep them in our catalogue, where they are translated in lower case for every `date` filter
and `date_format` call that prints a month name (the "F" format).
"""

from django.utils.translation import gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
