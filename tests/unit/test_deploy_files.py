"""The deployment files agree with the code: the Dockerfile builds in two stages, runs `interview-bot run`
as a non-root user and checks `/healthz`; docker-compose starts the bot after a healthy PostgreSQL with a
volume; every setting they name exists. (CI builds the image itself only where a Docker engine runs.)"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from bot.config_check import effective_lines

ROOT = Path(__file__).resolve().parents[2]


def known_settings() -> set[str]:
    return {line.partition("=")[0] for line in effective_lines(Settings(default_user="ci"))}


def dockerfile() -> list[str]:
    """Instructions with their continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_dockerfile_is_multi_stage_non_root_and_runs_the_bot() -> None:
    lines = dockerfile()
    stages = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
    assert len(stages) == 2 and all("-slim" in lines[i] for i in stages)
    final = lines[stages[-1]:]
    user = next(line.split()[1] for line in final if line.startswith("USER "))
    assert user not in ("root", "0")

    def instruction(name: str) -> Any:
        return json.loads(next(line[len(name) + 1:] for line in final if line.startswith(name + " ")))

    assert instruction("ENTRYPOINT") == ["interview-bot"] and instruction("CMD") == ["run"]
    health = next(line for line in final if line.startswith("HEALTHCHECK "))
    assert "/healthz" in health and "INTERVIEW_BOT_OBSERVABILITY__PORT" in health
    copied = {line.split()[1] for line in lines if line.startswith("COPY ") and "--from" not in line}
    assert {"bot", "questions", "storage"} <= copied  # the packages pyproject installs
    env_names = set(re.findall(r"(INTERVIEW_BOT_[A-Z0-9_]+)=", " ".join(final)))
    assert env_names and env_names <= known_settings()


def test_compose_waits_for_a_healthy_postgres_and_keeps_its_data() -> None:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.startswith("pgdata:") for v in db["volumes"]) and "pgdata" in compose["volumes"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["build"] == "."
    url = bot["environment"]["INTERVIEW_BOT_DATABASE_URL"]
    assert url.startswith("postgresql://") and "@db:5432/" in url
    assert set(bot["environment"]) <= known_settings()


def test_docker_context_keeps_what_the_image_needs() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert not ignored & {"bot", "questions", "storage", "pyproject.toml", "README.md"}
    assert ".env" in ignored  # secrets never go into an image
