"""Every audit action code a service writes has a label in words (audit/labels.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation

from sinergie.audit.labels import ACTION_LABELS, UNKNOWN_ACTION, action_label
from sinergie.audit.models import AuditEvent
from sinergie.audit.services import audit_record
from sinergie.conftest import World

SOURCE = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def _codes_in_source() -> tuple[dict[str, str], list[tuple[str, str]]]:  # noqa: C901
    """Action codes passed to `audit_record` or to a helper with an `action` parameter, assigned to
    a variable named `action`, and the f-strings built for it: {code: where}, [(f-string, where)]."""
    codes: dict[str, str] = {}
    templates: list[tuple[str, str]] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers: dict[str, int | None] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                positional = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "action" in positional:
                    helpers[node.name] = positional.index("action")

        def take(value: ast.expr, where: str) -> None:
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and CODE.match(value.value):
                codes.setdefault(value.value, where)
            elif isinstance(value, ast.JoinedStr):
                templates.append((ast.unparse(value), where))

        for node in ast.walk(tree):
            where = f"{path.relative_to(SOURCE.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        take(keyword.value, where)
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                index = helpers.get(name or "")
                if index is not None and len(node.args) > index:
                    take(node.args[index], where)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == "action":
                        take(node.value, where)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        for name_node, value in zip(target.elts, node.value.elts, strict=False):
                            if isinstance(name_node, ast.Name) and name_node.id == "action":
                                take(value, where)
    return codes, templates


def test_every_action_code_in_the_source_has_a_label():
    codes, _templates = _codes_in_source()
    # The scan itself must keep finding the codes (a refactor that hides them would pass silently).
    assert {"calls.call.create", "directory.revision.submit", "calls.grant.pay", "surveys.question_added"} <= set(codes)
    missing = [f"{code} ({where})" for code, where in sorted(codes.items()) if code not in ACTION_LABELS]
    assert not missing, "audit action codes without a label in audit/labels.py:\n" + "\n".join(missing)


def test_every_action_code_built_at_run_time_has_its_labels():
    """`catalogue.service_{action}` and `catalogue.location_{action}`: create and update."""
    _codes, templates = _codes_in_source()
    expanded = {"catalogue.service_{action}", "catalogue.location_{action}"}
    found = {text.removeprefix("f'").removesuffix("'") for text, _where in templates}
    assert found <= expanded, f"new f-string action codes: list their values in this test: {found - expanded}"
    for template in expanded:
        for action in ("create", "update"):
            assert template.format(action=action) in ACTION_LABELS


def test_labels_are_words_not_codes():
    for code, label in ACTION_LABELS.items():
        with translation.override("en"):
            text = str(label)
        assert text and not CODE.match(text) and text[0].isupper(), code


def test_an_event_reads_in_words_in_both_languages(world: World):
    event = audit_record(actor=world.alliance_staff, action="calls.call.publish", obj=world.company)
    with translation.override("en"):
        assert event.action_label == "Call published"
    with translation.override("it"):
        assert event.action_label == str(ACTION_LABELS["calls.call.publish"])
        assert "." not in event.action_label


def test_an_unknown_code_reads_as_another_change_not_as_the_code(world: World):
    event = AuditEvent(action="something.new_and_unlabelled")
    assert event.action_label == str(UNKNOWN_ACTION)
    assert action_label("x.y") == str(UNKNOWN_ACTION)
