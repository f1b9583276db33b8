"""Uploaded packs and pack switches kept as files in the data directory (the `PackArchive` port).

`<data dir>/packs/<name>.yaml` holds each upload as sent; `<data dir>/packs/disabled.json` lists the
disabled pack names. Files are written to a temporary name and renamed, so a crash never leaves half a
pack. Several processes on one host share the directory; hosts that do not share it need a
database-backed archive.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from pathlib import Path

from bot.core.packs import ArchivedPack

STATE_FILE = "disabled.json"


class FilePackArchive:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def save(self, name: str, file_name: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, f"{name}.yaml", data)

    async def set_enabled(self, name: str, enabled: bool) -> None:
        off = await self.disabled()
        (off.discard if enabled else off.add)(name)
        await asyncio.to_thread(self._write, STATE_FILE, json.dumps(sorted(off)).encode())

    async def uploads(self) -> list[ArchivedPack]:
        return await asyncio.to_thread(self._read_uploads)

    async def disabled(self) -> set[str]:
        return await asyncio.to_thread(self._read_disabled)

    def _write(self, file_name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, self.folder / file_name)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def _read_uploads(self) -> list[ArchivedPack]:
        if not self.folder.is_dir():
            return []
        return [ArchivedPack(p.stem, p.name, p.read_bytes()) for p in sorted(self.folder.glob("*.yaml"))]

    def _read_disabled(self) -> set[str]:
        try:
            names = json.loads((self.folder / STATE_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return set()
        return {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()
