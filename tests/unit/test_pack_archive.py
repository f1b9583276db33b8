"""Uploaded packs and switches survive a restart as files in the data directory."""

from __future__ import annotations

from pathlib import Path

from bot.pack_archive import FilePackArchive


async def test_files_round_trip(tmp_path: Path) -> None:
    archive = FilePackArchive(tmp_path / "packs")
    assert await archive.uploads() == [] and await archive.disabled() == set()
    await archive.save("club", "whatever.yaml", b"pack: club\n")
    await archive.save("club", "whatever.yaml", b"pack: club\ntitle: v2\n")
    await archive.set_enabled("club", False)
    await archive.set_enabled("shipped", False)
    await archive.set_enabled("shipped", True)
    again = FilePackArchive(tmp_path / "packs")
    [stored] = await again.uploads()
    assert (stored.name, stored.data) == ("club", b"pack: club\ntitle: v2\n")
    assert await again.disabled() == {"club"}
    assert not [p for p in (tmp_path / "packs").iterdir() if p.name.startswith(".upload-")]


async def test_a_corrupt_state_file_counts_as_nothing_disabled(tmp_path: Path) -> None:
    (tmp_path / "disabled.json").write_text("{not json")
    assert await FilePackArchive(tmp_path).disabled() == set()
