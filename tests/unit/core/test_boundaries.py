"""The core stays platform- and database-free: adapters depend on it, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.core

FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "sqlalchemy", "apscheduler", "matplotlib", "storage",
             "aiosqlite", "asyncpg", "alembic")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_no_platform_or_database_library() -> None:
    root = Path(bot.core.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        f"{path.relative_to(root)}: {name}"
        for path in files
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN or (name.startswith("bot.") and not name.startswith("bot.core"))
    }
    assert not offenders, offenders
