"""A refused step carries a code, and one helper puts it on a form."""

from __future__ import annotations

import ast
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from sinergie.lib.errors import FieldError, error_codes, refusal_text, refuse_on_form

SOURCE = Path(__file__).resolve().parents[2]


class _Form(forms.Form):
    code = forms.CharField(required=False)
    amount = forms.IntegerField(required=False)


def _bound() -> _Form:
    form = _Form({"code": "X", "amount": "3"})
    assert form.is_valid()
    return form


def test_a_field_error_names_its_field_code_and_message():
    error = FieldError("amount", "Too much: %(maximum)s.", {"maximum": 5}, code="too_much")
    assert error.field == "amount" and error.code == "too_much"
    assert error.message_dict == {"amount": ["Too much: 5."]}
    assert error_codes(error) == {"too_much"}


def test_the_refusal_goes_next_to_its_field_with_its_code():
    form = _bound()
    refuse_on_form(form, FieldError("amount", "Too much.", code="too_much"))
    assert form.errors == {"amount": ["Too much."]}
    assert form.has_error("amount", "too_much")


def test_a_field_the_form_does_not_have_goes_above_the_form():
    form = _bound()
    refuse_on_form(form, FieldError("voucher", "Expired.", code="expired"))
    assert form.non_field_errors() == ["Expired."]
    assert form.has_error(forms.forms.NON_FIELD_ERRORS, "expired")


def test_service_names_are_renamed_to_the_forms_and_none_means_above():
    form = _bound()
    refuse_on_form(form, FieldError("amount_cents", "Too much.", code="too_much"), {"amount_cents": "amount"})
    refuse_on_form(form, FieldError("code", "Wrong.", code="wrong"), {"code": None})
    assert form.errors["amount"] == ["Too much."] and form.non_field_errors() == ["Wrong."]


def test_a_plain_validation_error_goes_above_the_form():
    form = _bound()
    refuse_on_form(form, ValidationError(["One.", ValidationError("Two.", code="two")]))
    assert form.non_field_errors() == ["One.", "Two."]
    refuse_on_form(form, ValidationError({"code": ["Bad."], "__all__": ["Whole."]}))
    assert form.errors["code"] == ["Bad."] and "Whole." in form.non_field_errors()


def test_error_codes_of_a_list_and_a_dict():
    assert error_codes(ValidationError("x", code="a")) == {"a"}
    assert error_codes(ValidationError({"f": ValidationError("x", code="b"), "g": ["no code"]})) == {"b"}


def test_every_field_error_is_raised_with_a_code():
    """A FieldError (or a subclass: their names end in 'Error' or 'Refusal') built without `code=`
    would fail at run time; this finds it before."""
    subclasses = {"FieldError"}
    trees = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        trees[path] = tree
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id in subclasses for b in node.bases
            ):
                subclasses.add(node.name)
    # A second pass catches subclasses of subclasses defined in another module.
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id in subclasses for b in node.bases
            ):
                subclasses.add(node.name)
    missing = [
        f"{path.relative_to(SOURCE)}:{node.lineno}"
        for path, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in subclasses
        and not any(keyword.arg in ("code", None) for keyword in node.keywords)
    ]
    assert len(subclasses) > 5 and missing == []


def test_views_put_refusals_on_forms_through_the_one_helper():
    """No second copy of `refuse_on_form`: a loop over `message_dict` calling `add_error`."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "tests" in path.parts or path == SOURCE / "lib" / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.For)
                and "message_dict" in ast.unparse(node.iter)
                and any(isinstance(n, ast.Attribute) and n.attr == "add_error" for n in ast.walk(node))
            ):
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert found == []


def test_refusal_text_joins_every_message_in_order():
    assert refusal_text(ValidationError(["One.", ValidationError("Two %(n)s.", params={"n": 2})])) == "One. Two 2."
    assert refusal_text(FieldError("amount", "Too much.", code="too_much")) == "Too much."
    assert refusal_text(ValidationError({"a": ["First."], "b": ["Second."]})) == "First. Second."


# Every app is held to these rules (none is excepted).
NOT_YET: set[str] = set()


def _joins_messages(node: ast.AST) -> bool:
    """`" ".join(error.messages)` and its variants (a generator over `.messages`)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
        and any(".messages" in ast.unparse(argument) for argument in node.args)
    )


def test_the_scan_recognises_a_copy_of_refusal_text():
    assert _joins_messages(ast.parse('" ".join(refused.messages)').body[0].value)
    assert _joins_messages(ast.parse('" ".join(str(m) for m in error.messages)').body[0].value)
    assert not _joins_messages(ast.parse('" ".join(words)').body[0].value)


def test_refusals_become_text_through_the_one_helper():
    """No second copy of `refusal_text`."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).parts
        if "tests" in parts or parts[0] in NOT_YET or path == SOURCE / "lib" / "errors.py":
            continue
        found += [
            f"{path.relative_to(SOURCE)}:{node.lineno}"
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if _joins_messages(node)
        ]
    assert found == []
