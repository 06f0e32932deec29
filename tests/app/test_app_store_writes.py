"""A contract: labeler/app never calls the store's write methods, except the few named here.

Every label change of the app is a core command (``labeler/core/commands.py`` and the
other ``Command`` modules); the window applies it through ``Workspace.execute``. This
test reads the store's source to find every ``Project`` method that writes (it opens a
transaction or runs INSERT/UPDATE/DELETE, itself or through another store method), then
reads every module of labeler/app and fails on a call of one of them, unless the call
is in ``ALLOWED`` with the reason it is not a label change. The GUI flows themselves are
spied on in ``test_writes_go_through_commands.py``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "labeler" / "core" / "store"
APP = ROOT / "labeler" / "app"

_WRITES_SQL = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b")

# (module of labeler/app, store method): why this write is not a label change.
ALLOWED: dict[tuple[str, str], str] = {
    ("acknowledge.py", "acknowledge"): "reading a guideline version (the rule's own record)",
    ("launch.py", "ensure_person"): "signing in creates the person on first use",
    ("sign_in.py", "add_person"): "adding a person at sign-in",
    ("model_choice.py", "set_meta"): "the project's remembered model choice",
    ("model_choice.py", "set_default_model"): "the project's remembered model choice",
    ("start_screen.py", "create"): "creating a new, empty project file",
    ("compare_view.py", "save_slice"): "a saved view of the data (a filter), not a label",
    ("slice_controls.py", "save_slice"): "a saved view of the data (a filter), not a label",
    ("workspace.py", "transaction"): "the time spent on images, saved every few seconds",
    ("workspace.py", "add_image_time"): "the time spent on images, saved every few seconds",
}


def _methods() -> dict[str, ast.FunctionDef]:
    found: dict[str, ast.FunctionDef] = {}
    for path in sorted(STORE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.body:
                        found.setdefault(item.name, item)
    return found


def _self_calls(function: ast.FunctionDef) -> set[str]:
    return {
        node.func.attr
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    }


def _writes_directly(function: ast.FunctionDef) -> bool:
    source = ast.unparse(function)
    if "self.transaction()" in source or "self._db.write()" in source:
        return True
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _WRITES_SQL.match(node.value.lstrip())
        for node in ast.walk(function)
    )


def store_write_methods() -> set[str]:
    """Names of the store's methods that write, directly or through another store method."""
    methods = _methods()
    writers = {name for name, function in methods.items() if _writes_directly(function)}
    writers.add("transaction")
    calls = {name: _self_calls(function) for name, function in methods.items()}
    grown = True
    while grown:
        more = {name for name, called in calls.items() if called & writers} - writers
        writers |= more
        grown = bool(more)
    return {name for name in writers if not name.startswith("_") or name == "transaction"}


def _app_calls(names: set[str], folder: Path = APP) -> list[tuple[str, int, str]]:
    """Calls ``<something>.<name>(...)`` in ``folder`` whose receiver is not ``self``."""
    calls = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id == "self":
                continue  # the view's own method of that name
            if node.func.attr in names:
                module = path.relative_to(folder).as_posix()
                calls.append((module, node.lineno, ast.unparse(node.func)))
    return calls


def test_the_scan_finds_the_store_writes() -> None:
    """The list of write methods is read from the code, and it holds the known ones."""
    writers = store_write_methods()
    known = {
        "add_annotation",
        "delete_annotation",
        "update_annotation",
        "review_annotation",
        "withdraw_review",
        "add_edge_case_example",
        "mark_answered",
        "set_image_status",
        "rename_class",
        "merge_classes",
        "mark_gold",
        "acknowledge",
        "set_default_model",
    }
    assert known <= writers, sorted(known - writers)
    assert not {"annotations", "reviews", "images", "classes", "current_guideline"} & writers


def test_the_app_writes_only_through_commands() -> None:
    """No module of labeler/app calls a store write method beyond the allowed bookkeeping."""
    calls = _app_calls(store_write_methods())
    outside = [
        f"labeler/app/{module}:{line}: {call}()"
        for module, line, call in calls
        if (module, call.rsplit(".", 1)[-1]) not in ALLOWED
    ]
    assert not outside, (
        "store writes from the app outside a core command (make it a Command in "
        "labeler/core and apply it with Workspace.execute):\n" + "\n".join(outside)
    )
    used = {(module, call.rsplit(".", 1)[-1]) for module, _, call in calls}
    assert used >= set(ALLOWED), f"allowed but no longer used: {sorted(set(ALLOWED) - used)}"


def test_the_contract_can_fail(tmp_path: Path) -> None:
    """A view that writes past the commands is caught (the scan is not blind)."""
    (tmp_path / "panel.py").write_text(
        "class Panel:\n"
        "    def fix(self):\n"
        "        self.workspace.project.update_annotation(1, class_id=2)\n"
        "        self.rename_class()  # the panel's own method: not a store call\n"
    )
    calls = _app_calls(store_write_methods(), tmp_path)
    assert calls == [("panel.py", 3, "self.workspace.project.update_annotation")]
