"""APScheduler stays behind one module: `bot/scheduler.py` is the only code that imports it, so the time
rules live in `bot.core.schedule` and a scheduler library change touches one file."""

from __future__ import annotations

import ast
from pathlib import Path

import bot
import questions
import storage


def imports_apscheduler(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "apscheduler" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "apscheduler":
            return True
    return False


def test_only_the_scheduler_module_imports_apscheduler() -> None:
    roots = [Path(str(package.__file__)).parent for package in (bot, questions, storage)]
    files = [path for root in roots for path in sorted(root.rglob("*.py"))]
    users = {path.relative_to(roots[0].parent).as_posix() for path in files if imports_apscheduler(path)}
    assert users == {"bot/scheduler.py"}
