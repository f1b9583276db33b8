"""Import the scraped interview pages in a seed directory into draft YAML for the human curator.

`import_seeds` reads every seed page, parses it with the parser its layout calls for (see
`questions.seed_formats`), groups likely duplicates across pages (see `group_duplicates`) and writes one
`<seed-stem>.draft.yaml` per page plus `groups.yaml`. The drafts are raw material: a curator rewrites
them into schema-valid packs (reconstructing lost questions, options and code, merging duplicates), so
nothing here guesses at text the pages lost; it only flags it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from questions.seed_formats import (
    FORMULA_PLACEHOLDER,
    INTERROGATIVE,
    DraftItem,
    Line,
    ParsedPage,
    is_table_text,
)
from questions.seed_layouts import parse_lines
from questions.similarity import connected_groups, cosine_matrix, features

__all__ = [
    "DUPLICATE_THRESHOLD",
    "DraftItem",
    "FileSummary",
    "ImportSummary",
    "SeedImportError",
    "group_duplicates",
    "import_seeds",
    "parse_page",
    "parse_seed",
]

# Cosine similarity (TF-IDF over unigrams and bigrams of question words) at which two items are listed as
# duplicates. Read off the real pairs: at 0.75 and above they are rephrasings ("What are tensors?" /
# "Tensors in Deep Learning" / "What do you understand by Tensors?", 1.0; "Supervised vs. Unsupervised
# Deep Learning" / "Differentiate supervised and unsupervised ...", 0.81) with three near misses (what
# GANs are / why they are popular 0.86, batch vs stochastic gradient descent 0.77, a deep network / its
# types 0.76). Just below, distinct questions on one topic take over (transfer learning / its advantages
# 0.71, batch gradient descent / gradient descent 0.71, ReLU / leaky ReLU 0.70, Boltzmann / restricted
# Boltzmann machine 0.70), and since groups are transitive they would chain whole topics together.
DUPLICATE_THRESHOLD = 0.75

SEED_SUFFIXES = (".txt", ".md", ".markdown")
MAX_SEED_BYTES = 5_000_000
SNIPPET_CHARS = 160


class SeedImportError(OSError):
    """The seed directory, a seed file or the output directory cannot be used; the message says why.

    An `OSError`, so callers that already report file problems (the CLI) report this one too.
    """


def read_lines(path: Path) -> list[Line]:
    """The page as numbered lines; refuses what is not a readable text file of sane size."""
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_SEED_BYTES else b""
    except OSError as error:
        raise SeedImportError(f"{path.name}: cannot read ({error.strerror or error})") from error
    if size > MAX_SEED_BYTES:
        raise SeedImportError(f"{path.name}: {size} bytes, over the {MAX_SEED_BYTES}-byte limit for a seed")
    if b"\x00" in data:
        raise SeedImportError(f"{path.name}: looks binary (NUL bytes), not a scraped text page")
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    return list(enumerate(text.splitlines(), start=1))


# --- flags: what the curator must repair, read from the item's own text ----------------------------------

_OPTION_VERDICT = re.compile(
    r"\boption\s*[\"“”']?[a-e]\b[\"“”']?(?:\s+\w+){0,3}\s+correct"
    r"|\bcorrect (?:answer )?option\s+(?:is\s+)?[a-e]\b|\bcorrect answer is\s+[a-e]\b"
    r"|\boption\s*[\"“”'][ivx]+[\"“”']",
    re.IGNORECASE,
)
_OPTION_LINE = re.compile(r"^\s*(?:\(?[a-e]\)|[a-e][.:]|\(?[ivx]{1,4}\))\s+\S", re.IGNORECASE | re.MULTILINE)
_CODE_CUE = re.compile(
    r"\*\*answer:|\bthe output will be\b|\babove code\b|\b(?:below|following|above|this)\s+code\b"
    r"|\bcode snippet\b|\bprogram creates\b",
    re.IGNORECASE,
)
_CODE_LINE = re.compile(r"^\s*(?:import |from \w+ import|def |print\(|\w+\s*=\s*tf\.|>>> )", re.MULTILINE)
_FIGURE_CUE = re.compile(
    r"\b(?:image|diagram|figure|picture|plot|animation)\s+(?:below|above)\b"
    r"|\b(?:below|above|following)\s+(?:illustrative\s+)?(?:image|diagram|figure|picture|plot)\b"
    r"|\bdiagrammatical\b|\bas shown in the following\b",
    re.IGNORECASE,
)


def item_flags(item: DraftItem) -> tuple[str, ...]:
    """What the page lost from this item, from the text's own evidence (never a guess at the lost text).

    `options-lost`: an answer names an option letter but no options are listed; `code-lost`: it gives
    the output of a listing that is not there; `topic-heading`: the page gives a topic, not a question.
    """
    question, answer = item.question, item.answer
    context = f"{question or ''}\n{answer}"
    checks = {
        "question-lost": question is None,
        "answer-lost": not answer.strip(),
        "options-lost": bool(_OPTION_VERDICT.search(answer)) and not _OPTION_LINE.search(context),
        "code-lost": bool(_CODE_CUE.search(context))
        and "```" not in answer
        and not _CODE_LINE.search(answer),
        "formula-lost": FORMULA_PLACEHOLDER in answer,
        "figure-lost": bool(_FIGURE_CUE.search(context)),
        "table-flattened": is_table_text(answer),
        "topic-heading": question is not None
        and not question.rstrip().endswith("?")
        and not INTERROGATIVE.match(question),
    }
    return tuple(name for name, present in checks.items() if present)


def parse_page(path: Path) -> ParsedPage:
    """Parse one seed page, flag its items, and keep what was dropped (navigation, a repeated block)."""
    page = parse_lines(path.name, read_lines(path))
    return replace(page, items=tuple(replace(item, flags=item_flags(item)) for item in page.items))


def parse_seed(path: Path) -> list[DraftItem]:
    """The Q&A items of one seed page, in page order."""
    return list(parse_page(path).items)


def group_duplicates(
    items: Sequence[DraftItem], threshold: float = DUPLICATE_THRESHOLD
) -> list[list[DraftItem]]:
    """Groups of two or more items that ask the same thing, in page order.

    Items are compared by their question (by their answer when the page lost the question) as TF-IDF
    vectors over word unigrams and bigrams; every pair at or above `threshold` cosine similarity joins
    its two items' groups (union-find), so a group may hold three wordings of one question.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if len(items) < 2:
        return []
    similarity = cosine_matrix([features(item.text) for item in items])
    return [[items[index] for index in group] for group in connected_groups(similarity, threshold)]


@dataclass(frozen=True)
class FileSummary:
    """What importing one seed page produced."""

    file: str
    layout: str
    items: int
    collapsed_items: int
    nav_lines: int
    flags: tuple[tuple[str, int], ...] = ()
    error: str | None = None

    def __str__(self) -> str:
        if self.error is not None:
            return f"{self.file}: skipped: {self.error}"
        parts = [f"{self.items} Q&A items"]
        if self.collapsed_items:
            parts.append(f"{self.collapsed_items} items of a repeated block collapsed")
        parts.append(f"{self.nav_lines} navigation lines dropped")
        flags = ", ".join(f"{name} {count}" for name, count in self.flags)
        return f"{self.file} ({self.layout}): " + ", ".join(parts) + (f"; flags: {flags}" if flags else "")


@dataclass(frozen=True)
class ImportSummary:
    """The result of `import_seeds`; `str()` is the report the CLI prints."""

    files: tuple[FileSummary, ...]
    groups: int
    grouped_items: int
    threshold: float
    written: tuple[Path, ...]

    @property
    def items(self) -> int:
        return sum(f.items for f in self.files)

    def __str__(self) -> str:
        lines = [f"Imported {len(self.files)} seed file(s), {self.items} Q&A items:"]
        lines += [f"  {summary}" for summary in self.files]
        lines.append(
            f"{self.groups} duplicate groups ({self.grouped_items} items, similarity >= {self.threshold:.2f})"
        )
        lines += [f"  wrote {path}" for path in self.written]
        return "\n".join(lines)


class _DraftDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Multi-line answers as `|` blocks so the curator reads them as they were on the page."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _LineRange(tuple[int, int]):
    """A (first, last) line pair, written `[12, 15]` on one line."""


def _represent_range(dumper: yaml.SafeDumper, value: _LineRange) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_DraftDumper.add_representer(str, _represent_str)
_DraftDumper.add_representer(_LineRange, _represent_range)


def _dump(header: str, data: Any) -> str:
    body = yaml.dump(data, Dumper=_DraftDumper, sort_keys=False, allow_unicode=True, width=110)
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comment + body


def _snippet(item: DraftItem) -> str:
    text = " ".join(item.text.split())
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rstrip() + "…"


def _draft_yaml(page: ParsedPage, group_of: dict[DraftItem, str], threshold: float) -> str:
    header = (
        f"DRAFT from seed page {page.file} (layout: {page.layout}) for a human curator.\n"
        "NOT a question pack: it does not validate against questions/schema.py. Curate it into a pack:\n"
        "reconstruct lost questions, options and code, fix wrong answers, merge duplicates\n"
        "(see groups.yaml).\n"
        f"{len(page.items)} items; {page.collapsed_items} items of a repeated block collapsed; "
        f"{page.nav_lines} navigation lines dropped.\n"
        "flags: question-lost, answer-lost, options-lost (an option letter without the options),\n"
        "code-lost (output of a listing that is missing), formula-lost, figure-lost, table-flattened,\n"
        f"topic-heading (the page gives a topic, not a question). group: duplicates at >= {threshold:.2f}."
    )
    items = [
        {
            "file": item.file,
            "lines": _LineRange(item.lines),
            "question": item.question,
            "answer": item.answer,
            "flags": list(item.flags),
            "group": group_of.get(item),
        }
        for item in page.items
    ]
    return _dump(header, {"source": page.file, "layout": page.layout, "items": items})


def _groups_yaml(groups: Sequence[tuple[str, list[DraftItem]]], threshold: float) -> str:
    header = (
        "Likely duplicate questions across the seed pages, for the curator to merge into one question\n"
        "that keeps every source. Items are compared by question text (answer text when the page lost the\n"
        f"question): TF-IDF cosine similarity >= {threshold:.2f}, grouped transitively."
    )
    data = [
        {
            "group": name,
            "members": [{"file": m.file, "lines": _LineRange(m.lines), "text": _snippet(m)} for m in members],
        }
        for name, members in groups
    ]
    return _dump(header, {"groups": data})


def _seed_files(seed_dir: Path) -> list[Path]:
    if not seed_dir.exists():
        raise SeedImportError(f"seed directory {seed_dir} does not exist")
    if not seed_dir.is_dir():
        raise SeedImportError(f"{seed_dir} is not a directory")
    files = sorted(
        path
        for path in seed_dir.iterdir()
        if path.suffix.lower() in SEED_SUFFIXES and path.is_file() and not path.name.startswith(".")
    )
    if not files:
        raise SeedImportError(f"no seed pages ({', '.join('*' + s for s in SEED_SUFFIXES)}) in {seed_dir}")
    return files


def _write(path: Path, text: str) -> Path:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise SeedImportError(f"cannot write {path}: {error.strerror or error}") from error
    return path


def import_seeds(seed_dir: Path, out_dir: Path, threshold: float = DUPLICATE_THRESHOLD) -> ImportSummary:
    """Parse every seed page in `seed_dir` and write the drafts and `groups.yaml` into `out_dir`.

    A page that cannot be read is reported in the summary and skipped; the others are still imported.
    """
    files = _seed_files(Path(seed_dir))
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SeedImportError(f"cannot create output directory {out}: {error.strerror or error}") from error
    pages: list[ParsedPage] = []
    summaries: list[FileSummary] = []
    for path in files:
        try:
            page = parse_page(path)
        except SeedImportError as error:
            summaries.append(FileSummary(path.name, "unreadable", 0, 0, 0, error=str(error)))
            continue
        pages.append(page)
        flags = Counter(flag for item in page.items for flag in item.flags)
        summaries.append(
            FileSummary(
                page.file,
                page.layout,
                len(page.items),
                page.collapsed_items,
                page.nav_lines,
                tuple(sorted(flags.items())),
            )
        )
    items = [item for page in pages for item in page.items]
    found = group_duplicates(items, threshold)
    groups = [(f"g{number:03d}", members) for number, members in enumerate(found, start=1)]
    group_of = {member: name for name, members in groups for member in members}
    written: list[Path] = []
    stems = Counter(Path(page.file).stem for page in pages)
    for page in pages:
        stem = Path(page.file).stem if stems[Path(page.file).stem] == 1 else page.file
        written.append(_write(out / f"{stem}.draft.yaml", _draft_yaml(page, group_of, threshold)))
    written.append(_write(out / "groups.yaml", _groups_yaml(groups, threshold)))
    return ImportSummary(
        files=tuple(summaries),
        groups=len(groups),
        grouped_items=sum(len(members) for _, members in groups),
        threshold=threshold,
        written=tuple(written),
    )
