"""Pack files left by versions that shared uploads between teams: found in the data directory, never served
on their own, and imported into one named team by `interview-bot packs import`."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli import main
from bot.pack_archive import legacy_pack_files, warn_about_legacy_files

CLUB = b"""pack: club
title: Club questions
questions:
  - id: club-q1
    prompt: "Does a sigmoid output negative values?"
    kind: true_false
    reference_answer: "No."
    topics: [activation-functions]
    difficulty: fresher
    truth: false
"""


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTERVIEW_BOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INTERVIEW_BOT_DATABASE_URL", raising=False)
    return tmp_path


def test_old_files_are_found_and_reported_but_not_served(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert legacy_pack_files(data_dir) == []
    (data_dir / "packs").mkdir()
    (data_dir / "packs" / "club.yaml").write_bytes(CLUB)
    (data_dir / "packs" / "disabled.json").write_text("[]")
    assert [p.name for p in legacy_pack_files(data_dir)] == ["club.yaml"]
    with caplog.at_level(logging.WARNING):
        warn_about_legacy_files(data_dir)
    assert "packs import --team" in caplog.text


def test_import_puts_old_files_into_one_team_only(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "packs").mkdir()
    (data_dir / "packs" / "club.yaml").write_bytes(CLUB)
    assert main(["packs", "import", "--team", "discord:111"]) == 0
    assert "imported club (1 questions)" in capsys.readouterr().out
    assert main(["packs", "list", "--team", "discord:111"]) == 0
    assert "club\tuploaded\ton\t1\tClub questions" in capsys.readouterr().out
    assert main(["packs", "list", "--team", "discord:222"]) == 0
    assert "club\t" not in capsys.readouterr().out
    assert main(["packs", "import", "--team", "discord:111", str(data_dir / "packs")]) == 0
    assert "replaced club" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["packs", "import", "--team", "nocolon"], "PLATFORM:TEAM_ID"),
        (["packs", "import", "--team", "discord:1"], "no pack files"),
        (["packs", "import", "--team", "discord:1", "/no/such/file.yaml"], "cannot read"),
    ],
)
def test_bad_input_is_one_clear_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_invalid_or_clashing_files_are_listed_and_others_still_imported(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "a-broken.yaml").write_bytes(b"pack: [unclosed")
    (folder / "b-clash.yaml").write_bytes(CLUB.replace(b"pack: club", b"pack: other"))
    (folder / "c-club.yaml").write_bytes(CLUB)
    (folder / "notes.txt").write_text("ignored")
    assert main(["packs", "import", "--team", "slack:T1", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "a-broken.yaml:2: malformed YAML" in captured.err
    assert "imported other" in captured.out
    assert "c-club.yaml:4: question id 'club-q1' is already used by your pack 'other'" in captured.err
