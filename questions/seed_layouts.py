"""Which parser a scraped page needs: the layout is recognised from the page's content, not its file name."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from questions.seed_answers_only import answers_only
from questions.seed_formats import (
    _NUMBERED,
    Line,
    ParsedPage,
    _heading,
    heading_lines,
    is_heading_line,
    markdown_numbered,
    numbered,
)


def detect_layout(lines: Sequence[Line]) -> str:
    """Name the page's layout from its content: the signature that shows up at least three times wins."""
    texts = [t for _, t in lines]
    md_questions = 0
    for text in texts:
        heading = _heading(text)
        if heading is not None and _NUMBERED.match(heading[1]):
            md_questions += 1
    if md_questions >= 3:
        return "markdown-numbered"
    numbered_questions = sum(
        1 for t in texts if (m := _NUMBERED.match(t)) is not None and m.group(2).rstrip().endswith("?")
    )
    if numbered_questions >= 3:
        return "numbered"
    non_blank = [t for t in texts if t.strip()]
    if not non_blank:
        return "empty"
    pairs = sum(1 for a, b in itertools.pairwise(non_blank) if is_heading_line(a) and not is_heading_line(b))
    if len(non_blank) > 0.85 * len(texts) and pairs >= 3:
        return "heading-lines"
    return "answers-only"


def parse_lines(file: str, lines: Sequence[Line]) -> ParsedPage:
    """Parse a page given as numbered lines with the parser its layout calls for."""
    layout = detect_layout(lines)
    parsers: dict[str, Callable[[str, Sequence[Line]], ParsedPage]] = {
        "markdown-numbered": markdown_numbered,
        "numbered": numbered,
        "heading-lines": heading_lines,
        "answers-only": answers_only,
    }
    if layout == "empty":
        return ParsedPage(file, "empty", (), 0)
    return parsers[layout](file, lines)
