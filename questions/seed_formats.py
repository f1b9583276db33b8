"""Parsers for the scraped interview pages the question bank is seeded from, one per page layout.

A scraped page mixes three things: the questions and answers we want, the site's navigation and
marketing (course menus, ratings, "click here", "prepare with these interview questions"), and debris of
what the scraper could not keep (formula images, code blocks, tables flattened to text). Each layout is
recognised by its shape rather than by file name, so another page in the same layout parses too:

- `markdown-numbered`: markdown headings `## 12. Question?` with the answer below (InterviewBit);
- `numbered`: plain `12) Question?` or `12. Question?` lines with the answer below ("Top 100" lists);
- `heading-lines`: a short topic line, then its answer, with no blank lines between entries;
- `answers-only`: question texts lost, only answer paragraphs left (KnowledgeHut); see `answers_only`.

The result is a draft for a human curator: items keep their source line range, and never a guess at
text the page lost (`questions.seeds.item_flags` then flags what is missing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Line = tuple[int, str]  # 1-based line number and the line's text


@dataclass(frozen=True)
class DraftItem:
    """One question-and-answer found on a seed page; `question` is None when the page lost it."""

    file: str
    lines: tuple[int, int]
    question: str | None
    answer: str
    flags: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """What identifies the item: its question, or its answer when the question was lost."""
        return self.question if self.question is not None else self.answer


@dataclass(frozen=True)
class ParsedPage:
    """A parsed page: its items, the layout recognised, and what was dropped on the way."""

    file: str
    layout: str
    items: tuple[DraftItem, ...]
    nav_lines: int
    collapsed_items: int = 0


# --- navigation, marketing and scraper debris ------------------------------------------------------------

_MARKETING = re.compile(
    r"\binterview(?:s|er|ers)?\b|(?<!of )\bcourses?\b|\bsalar(?:y|ies)\b|\bcertifications?\b|\bbootcamps?\b"
    r"|\bblog\b|\bclick here\b|\bview all\b|\bcopyright\b|©|\bmentorship\b|\bcareer\b|\brecruiters?\b"
    r"|\bmake sure to\b|\blet us (?:take a )?look\b|\bnext set of\b"
    r"|\b(?:these|this|next|more)\b(?:\s+[\w-]+){0,4}\s+questions?\b|\bsubmitted questions\b"
    r"|\bprivacy policy\b|\bterms (?:of use|of service|and conditions)\b|\bsole discretion\b",
    re.IGNORECASE,
)
_STRUCTURAL_NAV = re.compile(
    r"^(?:[-*•]\s*)?(?:\d+(?:\.\d+)?\s+rating|\d+\s+question\(s\)|\d+\s+mins? of read|\d+\s+reader\(s\)"
    r"|filter by|clear all|category|courses|home|contents|know more\b.*|links? to .*"
    r"|(?:become|enroll|register|subscribe|sign up|download|join)\b[^.]{0,60})$",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}$", re.IGNORECASE
)
_MD_LINK_LINE = re.compile(r"^\s*\[[^\]]*\]\([^)]*\)\s*$")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_IMAGE_ALT = re.compile(r"\s*\b(?:[A-Z][\w-]*\s+){1,5}Interview Questions\s+\d+\b")
_JUNK_LINE = re.compile(r'^\s*\{"detectHand":\s*(?:false|true)\}\s*$')
_FENCE = re.compile(r"^\s*```")
FORMULA_PLACEHOLDER = "[formula image]"


# Cheap substring test first: the full pattern is slow, and almost every line of a page is content.
_MARKETING_HINTS = (
    "interview", "course", "salar", "certific", "bootcamp", "blog", "click here", "view all", "copyright",
    "©", "mentorship", "career", "recruiter", "make sure", "let us", "next set", "question", "privacy",
    "terms ", "discretion",
)  # fmt: skip


def is_marketing(text: str) -> bool:
    """Site promotion or page furniture rather than interview content (courses, "these questions", ©)."""
    stripped = _IMAGE_ALT.sub("", text).strip() if "Interview Questions" in text else text.strip()
    lowered = stripped.lower()
    return bool(stripped) and bool(
        (any(hint in lowered for hint in _MARKETING_HINTS) and _MARKETING.search(stripped))
        or _STRUCTURAL_NAV.match(stripped)
        or _DATE.match(stripped)
        or _MD_LINK_LINE.match(stripped)
    )


def clean_inline(text: str) -> str:
    """Strip what a scraper leaves inside a sentence: markdown links and formula-image alt texts."""
    return _MD_LINK.sub(r"\1", _IMAGE_ALT.sub(" " + FORMULA_PLACEHOLDER, text))


def replace_junk(lines: Sequence[Line]) -> list[Line]:
    """Replace code fences that only hold a placeholder (a formula image the scraper could not keep) by
    one `[formula image]` line, so the curator sees where the formula was."""
    kept: list[Line] = []
    index = 0
    while index < len(lines):
        number, text = lines[index]
        if _FENCE.match(text):
            end = next((j for j in range(index + 1, len(lines)) if _FENCE.match(lines[j][1])), None)
            inner = lines[index + 1 : end] if end is not None else []
            if end is not None and all(_JUNK_LINE.match(t) or not t.strip() for _, t in inner):
                kept.append((number, FORMULA_PLACEHOLDER))
                index = end + 1
                continue
        kept.append((number, FORMULA_PLACEHOLDER) if _JUNK_LINE.match(text) else (number, text))
        index += 1
    return kept


_TABLE_LINE = re.compile(r"^[^\n]*\|[^\n]*\|\s*$|\t", re.MULTILINE)
INTERROGATIVE = re.compile(
    r"^(?:what|which|why|how|when|where|who|whom|whose|is|are|can|could|do|does|did|should|would|will|"
    r"explain|describe|define|differentiate|compare|list|name|mention|give|tell|state)\b",
    re.IGNORECASE,
)


def is_table_text(text: str) -> bool:
    """Whether `text` holds a table flattened to `a | b |` rows or tab-separated columns."""
    return _TABLE_LINE.search(text) is not None


def make_item(file: str, question: Line | None, body: Sequence[Line]) -> DraftItem | None:
    """Build an item from its question line (if any) and answer lines; None when nothing is left."""
    kept = replace_junk(body)
    numbers = [n for n, t in kept if t.strip()]
    if question is not None:
        numbers.append(question[0])
    if not numbers:
        return None
    answer = collapse_blank_lines(clean_inline(t.rstrip()) for _, t in kept)
    question_text = clean_inline(question[1]).strip() if question is not None else None
    return DraftItem(
        file=file,
        lines=(min(numbers), max(numbers)),
        question=question_text or None,
        answer=answer,
    )


def collapse_blank_lines(lines: Iterable[str]) -> str:
    """Join lines, keeping at most one blank line between paragraphs and none at either end."""
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1]):
            out.append(line if line.strip() else "")
    return "\n".join(out).strip()


# --- layouts with visible questions ----------------------------------------------------------------------

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*$")
_NUMBERED = re.compile(r"^\s{0,3}\(?(\d{1,3})[.)]\s+(\S.*)$")
_BOLD = re.compile(r"^\*\*(.*?)\*\*:?$")


def _heading(text: str) -> tuple[int, str] | None:
    match = _MD_HEADING.match(text)
    if match is None:
        return None
    title = match.group(2).strip()
    bold = _BOLD.match(title)
    return len(match.group(1)), (bold.group(1).strip() if bold else title)


class _Collector:
    """Accumulates the current item's lines and counts dropped navigation; shared by every layout."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[DraftItem] = []
        self.nav_lines = 0
        self.question: Line | None = None
        self.body: list[Line] = []
        self.open = False

    def start(self, question: Line | None) -> None:
        self.close()
        self.question, self.body, self.open = question, [], True

    def add(self, line: Line) -> None:
        if self.open:
            self.body.append(line)
        elif line[1].strip():
            self.nav_lines += 1

    def drop(self, line: Line) -> None:
        if line[1].strip():
            self.nav_lines += 1

    def close(self) -> None:
        if self.open:
            item = make_item(self.file, self.question, self.body)
            if item is not None:
                self.items.append(item)
        self.question, self.body, self.open = None, [], False


def _brand_lines(lines: Sequence[Line]) -> frozenset[str]:
    """Single-word lines near the top (the site's name); when they recur mid-page they are furniture."""
    head = [t.strip() for _, t in lines if t.strip()][:10]
    return frozenset(t for t in head if re.fullmatch(r"[A-Za-z][\w.-]{2,30}", t))


def markdown_numbered(file: str, lines: Sequence[Line]) -> ParsedPage:
    """`## 12. Question?` headings; level-1 and marketing headings end an item, other headings stay in it."""
    out = _Collector(file)
    brands = _brand_lines(lines)
    for number, text in lines:
        heading = _heading(text)
        if heading is not None:
            level, title = heading
            numbered = _NUMBERED.match(title)
            if level == 1 or is_marketing(title):
                out.close()
                out.drop((number, text))
            elif numbered is not None:
                out.start((number, numbered.group(2)))
            elif title.endswith("?"):
                out.start((number, title))
            else:
                out.add((number, text))
        elif is_marketing(text) or text.strip() in brands:
            out.drop((number, text))
        else:
            out.add((number, text))
    out.close()
    return ParsedPage(file, "markdown-numbered", tuple(out.items), out.nav_lines)


def _related_title(text: str, following: str) -> bool:
    """A short unpunctuated line right before a date is a "related article" link."""
    text = text.strip()
    return bool(_DATE.match(following.strip())) and len(text) < 80 and not text.endswith((".", ":", "?"))


def _next_non_blank(lines: Sequence[Line]) -> list[str]:
    """For each line, the text of the next non-blank line after it ("" at the end)."""
    following, upcoming = [""] * len(lines), ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = upcoming
        if lines[index][1].strip():
            upcoming = lines[index][1]
    return following


def numbered(file: str, lines: Sequence[Line]) -> ParsedPage:
    """`12) Question` / `12. Question` lines numbered in sequence; the answer runs to the next one.

    Only the next number (allowing two lost ones) opens a question, so numbered steps inside an answer
    (`1. Initialise weights`) stay in that answer.
    """
    out = _Collector(file)
    last = 0
    footer = False  # after a "related article" title and date, the rest of the page is its teasers
    following = _next_non_blank(lines)
    for index, (number, text) in enumerate(lines):
        match = _NUMBERED.match(text)
        footer = footer or _related_title(text, following[index])
        if footer:
            out.close()
            out.drop((number, text))
        elif match is not None and last < int(match.group(1)) <= last + 3:
            last = int(match.group(1))
            out.start((number, match.group(2)))
        elif is_marketing(text):
            out.drop((number, text))
        else:
            out.add((number, text))
    out.close()
    return ParsedPage(file, "numbered", tuple(out.items), out.nav_lines)


_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def is_heading_line(text: str) -> bool:
    """A short title-like line: no bullet, table, formula or sentence ending."""
    stripped = text.strip()
    return (
        0 < len(stripped) <= 80
        and not _BULLET.match(stripped)
        and "|" not in stripped
        and "=" not in stripped
        and stripped[0].isupper()
        and not stripped.endswith((".", ":", ",", ";", "!"))
        and re.search(r"[A-Za-z]{2,}", stripped) is not None
    )


def heading_lines(file: str, lines: Sequence[Line]) -> ParsedPage:
    """A topic line followed by its answer; a title directly followed by another title is page furniture."""
    out = _Collector(file)
    content = [(n, t) for n, t in lines if t.strip()]
    for index, (number, text) in enumerate(content):
        following = content[index + 1][1] if index + 1 < len(content) else ""
        if is_marketing(text):
            out.drop((number, text))
        elif is_heading_line(text) and following and not is_heading_line(following):
            out.start((number, text))
        elif is_heading_line(text) and (not out.open or out.body):
            out.close()
            out.drop((number, text))
        else:
            out.add((number, text))
    out.close()
    return ParsedPage(file, "heading-lines", tuple(out.items), out.nav_lines)


# --- pages that lost their questions --------------------------------------------------------------------
