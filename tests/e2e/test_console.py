"""A scripted console session end to end: the real `interview-bot` process, real SQLite, real checker.

The script pipes one line per command or answer (quiz, answer, hint, answer, stats, leaderboard), then
the admin reports read the same database back as JSON, so what the console said and what was stored
must agree.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TIMEOUT = 180


def run(
    args: list[str], db: Path, stdin: str = "", extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTERVIEW_BOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, env=env,
        timeout=TIMEOUT, check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "practice.sqlite3"


def test_scripted_session_quiz_answer_hint_stats_leaderboard(db: Path) -> None:
    script = "\n".join([
        "quiz fundamentals 3",
        "Backpropagation computes gradients of the loss with the chain rule, layer by layer.",
        "hint",
        "It uses non-linear activations so the network can learn complex functions.",
        "stats",
        "leaderboard week",
        "appeal I think my first answer deserved more",
        "quit",
        "this line is never read",
    ]) + "\n"
    result = run(["console", "--user", "ann", "--team", "club"], db, script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Question 1/3" in out and "Question 2/3" in out and "Question 3/3" in out
    assert out.count("Reference answer:") == 2
    assert re.search(r"Hint 1/\d+ \(-\d+ points\): ", out)
    earned = [int(n) for n in re.findall(r"score \d\.\d\d · \+(\d+) points", out)]
    assert len(earned) == 2
    assert re.search(r"^ann: \d+ points \(#1\), \d/2 correct", out, re.MULTILINE)
    assert "Leaderboard of club (week)" in out and re.search(r"1\. ann\s+\d+ pts", out)
    assert "Appeal #1 recorded" in out
    assert "> " not in out.splitlines()[0]  # piped: no prompt
    assert "Traceback" not in result.stderr

    board = run(["leaderboard", "--team", "club", "--window", "all", "--json"], db)
    assert board.returncode == 0, board.stderr
    rows = json.loads(board.stdout)["rows"]
    assert [(r["display_name"], r["answers"], r["points"]) for r in rows] == [("ann", 2, sum(earned))]

    stats = run(["stats", "--team", "club", "--user", "ann", "--json"], db)
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert (data["attempts"], data["points"], data["streak"], data["rank"]) == (2, sum(earned), 1, 1)
    assert any(t["topic"] == "fundamentals" and t["attempts"] == 2 for t in data["by_topic"])

    text = run(["leaderboard", "--team", "club"], db)
    assert text.returncode == 0 and "1. ann" in text.stdout


def test_a_session_continues_after_the_process_restarts(db: Path) -> None:
    first = run(["console", "--user", "bob"], db, "quiz 2\n")
    assert first.returncode == 0 and "Question 1/2" in first.stdout
    second = run(["console", "--user", "bob"], db, "current\nskip\nskip\n")
    assert second.returncode == 0, second.stderr
    assert "Question 1/2" in second.stdout and "Question 2/2" in second.stdout
    assert "Session over: 0 answered, 2 skipped of 2" in second.stdout


def test_admin_reports_of_unknown_teams_and_players_fail_clearly(db: Path) -> None:
    result = run(["leaderboard", "--team", "nobody"], db)
    assert result.returncode == 1 and "no team 'nobody'" in result.stderr and "Traceback" not in result.stderr
    result = run(["stats", "--team", "discord:42", "--user", "ghost", "--json"], db)
    assert result.returncode == 1 and "no player 'ghost'" in result.stderr


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    env = {"INTERVIEW_BOT_DATABASE_URL": f"sqlite+aiosqlite:///{blocked}/sub/db.sqlite3"}
    result = run(["console"], tmp_path / "unused", "quiz\n", env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0
    assert "interview-bot:" in result.stderr


def test_malformed_input_bytes_and_huge_lines_do_not_crash(db: Path) -> None:
    env = {**os.environ, "INTERVIEW_BOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    env["PYTHONIOENCODING"] = "ascii"
    stdin = b"quiz 1\n\xff\xfe broken \xc3 bytes \xe2\x9c\x93\n" + b"x" * 100_000 + b"\nstats\n"
    result = subprocess.run([sys.executable, "-m", "bot", "console", "--user", "zo\u00eb"], input=stdin,
                            capture_output=True, env=env, timeout=TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("ascii")
    assert "score" in out and "no question waiting" in out and re.search(r"\d/1 correct", out)
