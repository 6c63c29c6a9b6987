"""File sizes read the same in Italian and English: never "193 bytes" on an Italian page."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from sinergie.web.templatetags.sinergie import file_size


def test_a_small_file_reads_in_tenths_of_a_kilobyte_in_both_languages():
    with translation.override("it"):
        assert file_size(193) == "0,2\xa0KB"
        assert file_size(0) == "0,1\xa0KB"
        assert file_size(2048) == "2,0\xa0KB"
    with translation.override("en"):
        assert file_size(193) == "0.2\xa0KB"
        assert file_size(5 * 2**20) == "5.0\xa0MB"


def test_a_template_shows_no_bytes():
    with translation.override("it"):
        text = Template("{% load sinergie %}{{ size|file_size }}").render(Context({"size": 303}))
    assert "byte" not in text and text == "0,3\xa0KB"
    assert file_size("not a number") == Template("{{ x|filesizeformat }}").render(Context({"x": "not a number"}))
