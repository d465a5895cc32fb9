"""Every function in the services' and portalkit's source reads on one screen.

Migrations are left out: they are data (one table after another), written once.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 60
LEFT_OUT = {"migrations"}


def source_files() -> list[Path]:
    files = [*ROOT.glob("services/*/src/**/*.py"), *ROOT.glob("libs/*/src/**/*.py")]
    return sorted(path for path in files if not LEFT_OUT & set(path.parts))


def long_functions(path: Path) -> list[tuple[str, int, int]]:
    """``(name, line, length)`` of each function longer than ``MAX_LINES``, decorators in."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_LINES:
                found.append((node.name, node.lineno, length))
    return found


def test_the_walk_sees_every_service_and_portalkit():
    packages = {path.relative_to(ROOT).parts[3] for path in source_files()}
    assert {"articles", "counter", "weather", "web", "portalkit"} <= packages


def test_no_function_in_src_is_longer_than_a_screen():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {name} ({length} lines)"
        for path in source_files()
        for name, line, length in long_functions(path)
    ]
    assert offenders == [], "\n".join(offenders)


def test_the_check_catches_a_long_method(tmp_path):
    body = "\n".join(f"        x{n} = {n}" for n in range(MAX_LINES))
    module = tmp_path / "long.py"
    module.write_text(
        f"class Thing:\n    def too_long(self):\n{body}\n\n    def short(self):\n        pass\n"
    )

    assert [name for name, _, _ in long_functions(module)] == ["too_long"]
