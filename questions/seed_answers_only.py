"""The `answers-only` layout: a page whose question texts were lost, so only answer paragraphs are left.

Items are cut where the page's own structure says a new answer starts (promotional markers, `**Answer:**`
lines, option verdicts, question paragraphs) or where the subject changes (word overlap with the running
item falls below a share tuned on the KnowledgeHut page). A repeated copy of the whole block is found by
paragraph membership and collapsed, because scrapers often capture a page's content twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from questions.seed_formats import (
    _TABLE_LINE,
    INTERROGATIVE,
    DraftItem,
    Line,
    ParsedPage,
    is_marketing,
    make_item,
)
from questions.similarity import PageVocabulary


@dataclass(frozen=True)
class _Block:
    """Consecutive non-blank lines: a paragraph, a list, a table, or a one-line marker."""

    lines: tuple[Line, ...]

    @property
    def first(self) -> str:
        return self.lines[0][1].strip()

    @property
    def last(self) -> str:
        return self.lines[-1][1].strip()

    @property
    def text(self) -> str:
        return "\n".join(t.strip() for _, t in self.lines)

    @property
    def is_prose(self) -> bool:
        return any(len(t.split()) >= 12 for _, t in self.lines)

    @property
    def is_table(self) -> bool:
        return all(_TABLE_LINE.search(t) for _, t in self.lines)


def _blocks(lines: Sequence[Line]) -> list[_Block]:
    blocks: list[_Block] = []
    run: list[Line] = []
    for line in [*lines, (0, "")]:
        if line[1].strip():
            run.append(line)
        elif run:
            blocks.append(_Block(tuple(run)))
            run = []
    return blocks


# Openers that begin a new answer on a page that lost its questions: a labelled answer, the verdict of a
# multiple-choice question, a yes/no reply, the output of a lost code listing.
_ANSWER_START = re.compile(
    r"^(?:\*\*answer:|all of the above\b|option\s+\S+\s+(?:is|would be)\b|correct answer\b|"
    r"(?:[-*•]\s*)?(?:yes|no)[,.!]\s|the output will be\b|the above code\b)",
    re.IGNORECASE,
)
# Openers that carry the previous paragraph on.
_CONTINUATION = re.compile(
    r"^(?:\d+[.)]\s|for example|e\.g\.|i\.e\.|hence|therefore|thus|so\b|also|however|but\b|and\b|or\b|"
    r"then\b|now\b|here\b|this|these|that|those|it\b|its\b|they|their|such|since|because|as\b|if\b|when\b|"
    r"while|after|before|similarly|likewise|another|other|let|below|above|reference|note|where\b|with\b|"
    r"the (?:first|second|third|last|next|other|key|idea|result|answer|output|core|same)\b|"
    r"key points|in (?:other words|case|short|this|the above|order|addition|practice)\b|on the other)",
    re.IGNORECASE,
)
# A definition-style first sentence: a short subject, then "is", "are", "refers", ...
_DEFINITION = re.compile(
    r"^(?:\*\*)?((?:the |a |an )?(?:[\w’'()/.-]+,?\s+){0,6}?)(?:is|are|refers|occurs|provides|computes|gives|"
    r"can be of)\b",
    re.IGNORECASE,
)
_BOLD_LEAD = re.compile(r"^\*\*([^*]+?)\s*[-–:]*\s*\*\*")
_BACK_REFERENCE = re.compile(r"^this\b|\b(?:these|those|them|they|it|its|such|same|above)\b", re.IGNORECASE)
# The end of a paragraph that announces what follows ("as follows:", "Let's take below scenario.") ...
_ANNOUNCES = re.compile(r"(?:[:–,-]|\bwhere|\b(?:below|following|as follows)\W*)$|^let\b", re.IGNORECASE)
# ... unless what it announces is a figure or listing the scraper lost, so the next paragraph is not it.
_LOST_MEDIA = re.compile(r"\b(?:diagram|image|figure|picture|code snippet|snippet)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Subject-change thresholds, read off the KnowledgeHut page (see `_Segmenter._new_subject`): a paragraph
# opens a new answer when under NEW_SUBJECT_SHARE of its first sentence (IDF-weighted) already occurs in
# the answer so far; a definition also needs under DEFINED_TERM_SHARE of its defined term to be new, so
# "Neural network is highly structured ..." stays with the neural-network answer.
NEW_SUBJECT_SHARE = 0.25
DEFINED_TERM_SHARE = 0.5
UNRELATED_SHARE = 0.1


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def _announces(block: _Block) -> bool:
    """Whether `block` ends by introducing the next paragraph (a list, a table, a formula)."""
    last = _SENTENCE_END.split(block.last.rstrip("*").strip()[-300:])[-1]
    return bool(_ANNOUNCES.search(last)) and not _LOST_MEDIA.search(last)


def _question_paragraph(block: _Block) -> bool:
    """A short paragraph asking something: the page kept this question's text."""
    if len(block.first) > 400:
        return False
    return any(s.endswith("?") and INTERROGATIVE.match(s) for s in _SENTENCE_END.split(block.first))


def _is_formula(text: str) -> bool:
    return "=" in text and len(re.findall(r"[A-Za-z]{3,}", text)) <= 6


class _Segmenter:
    """Groups answer paragraphs into items; one instance per copy of the Q&A block."""

    def __init__(self, file: str, vocabulary: PageVocabulary) -> None:
        self.file, self.vocabulary = file, vocabulary
        self.items: list[DraftItem] = []
        self.question: Line | None = None
        self.blocks: list[_Block] = []
        self.known: set[str] = set()  # content words of the current item, for `_new_subject`
        self.has_answer = False
        self.after_marker = False

    def marker(self) -> None:
        self.after_marker = True

    def feed(self, block: _Block) -> None:
        if _question_paragraph(block):
            self._start(block.lines[0])
            self.known.update(self.vocabulary.words(block.text))
            self.blocks.extend([_Block(block.lines[1:])] if len(block.lines) > 1 else [])
        else:
            if self._opens_answer(block):
                self._start(None)
            self.blocks.append(block)
            self.known.update(self.vocabulary.words(block.text))
            # A stub such as "Option c is correct." or "**Answer:** 7.0" is the start of an answer, not one.
            if block.is_prose and not block.is_table and not block.first.startswith("*"):
                self.has_answer = True
        self.after_marker = False

    def _opens_answer(self, block: _Block) -> bool:
        if not self.blocks and self.question is None:
            return True
        if not self.has_answer:
            return False
        if self.after_marker or _ANSWER_START.match(block.first):
            return True
        previous = self.blocks[-1]
        if _announces(previous) or _CONTINUATION.match(block.first) or block.is_table:
            return False
        return self._new_subject(block, previous)

    def _new_subject(self, block: _Block, previous: _Block) -> bool:
        """A change of subject: the first sentence mostly uses words the answer so far does not."""
        sentence = _first_sentence(block.first)
        share = self.vocabulary.share(self.vocabulary.words(sentence)[:12], self.known)
        if share >= NEW_SUBJECT_SHARE:
            return False
        if _is_formula(block.first):
            return previous.is_prose and not _is_formula(previous.first)
        defined = _BOLD_LEAD.match(block.first) or _DEFINITION.match(block.first)
        if defined is not None and not _BACK_REFERENCE.search(defined.group(1)):
            if not block.is_prose and _BOLD_LEAD.match(block.first) is None:
                return False  # "The pros and cons of ReLU are as follows:" heads a list of its answer
            term = self.vocabulary.words(defined.group(1))
            return self.vocabulary.share(term, self.known) < DEFINED_TERM_SHARE
        if block.first.startswith(("- ", "* ", "• ")):
            return True
        return block.is_prose and share < UNRELATED_SHARE and not _BACK_REFERENCE.search(sentence)

    def _start(self, question: Line | None) -> None:
        self.close()
        self.question = question

    def close(self) -> list[DraftItem]:
        if self.question is not None or self.blocks:
            body = [line for block in self.blocks for line in [*block.lines, (block.lines[-1][0], "")]]
            item = make_item(self.file, self.question, body)
            if item is not None:
                self.items.append(item)
        self.question, self.blocks, self.known, self.has_answer = None, [], set(), False
        return self.items


def _segment(file: str, blocks: Sequence[_Block | None], vocabulary: PageVocabulary) -> list[DraftItem]:
    """Items of one copy of the Q&A block; None stands for a marketing marker between answers."""
    segmenter = _Segmenter(file, vocabulary)
    for block in blocks:
        if block is None:
            segmenter.marker()
        else:
            segmenter.feed(block)
    return segmenter.close()


def _normal(block: _Block) -> str:
    return " ".join(block.text.lower().split())


def repeated_span(blocks: Sequence[_Block | None]) -> tuple[int, int] | None:
    """Where the page repeats its Q&A block: the first run of three paragraphs all seen before, extended
    while the paragraphs keep being ones seen before it (two unseen ones in a row end it).

    The copy may be a subset of the original (the scraper dropped a few lines), so only membership is
    checked, not order. Markers (None) neither extend nor end the run.
    """
    keys = [None if b is None else _normal(b) for b in blocks]
    paragraphs = [index for index, key in enumerate(keys) if key is not None]
    earlier: set[str] = set()
    for position, start in enumerate(paragraphs):
        run = [keys[i] or "" for i in paragraphs[position : position + 3]]
        if len(run) < 3 or not all(k in earlier for k in run) or sum(len(k) >= 40 for k in run) < 2:
            earlier.add(keys[start] or "")
            continue
        end, misses = start, 0
        for index in range(start, len(keys)):
            current = keys[index]
            if current is None:
                continue
            if current in earlier:
                end, misses = index, 0
            else:
                misses += 1
                if misses > 2:
                    break
        return start, end
    return None


def answers_only(file: str, lines: Sequence[Line]) -> ParsedPage:
    """A page whose question texts were lost: items are answer paragraphs grouped by the page's cues.

    The Q&A block runs from the first to the last paragraph of real prose that is not marketing; menus
    and footers outside it are navigation. Inside, promotional one-liners ("*This is one of the most
    frequently asked ...*") sit between answers and so mark boundaries. A repeated copy of the block is
    found and dropped, as is any further copy (their item count is reported as collapsed).
    """
    blocks: list[_Block | None] = []
    nav = 0
    for block in _blocks(lines):
        kept = tuple(line for line in block.lines if not is_marketing(line[1]))
        nav += len(block.lines) - len(kept)
        if not kept or is_marketing(block.first):
            blocks.append(None)  # a promotional line sits between two answers
        if kept:
            blocks.append(_Block(kept))
    prose = [i for i, b in enumerate(blocks) if b is not None and b.is_prose]
    if not prose:
        return ParsedPage(file, "answers-only", (), nav + sum(len(b.lines) for b in blocks if b is not None))
    first, last = prose[0], prose[-1]
    outside = blocks[:first] + blocks[last + 1 :]
    nav += sum(len(b.lines) for b in outside if b is not None)
    body = blocks[first : last + 1]
    vocabulary = PageVocabulary(b.text for b in body if b is not None)
    collapsed = 0
    while (span := repeated_span(body)) is not None:  # each pass removes one more copy
        start, end = span
        collapsed += len(_segment(file, body[start : end + 1], vocabulary))
        body = body[:start] + body[end + 1 :]
    items = _segment(file, body, vocabulary)
    return ParsedPage(file, "answers-only", tuple(items), nav, collapsed)


# --- recognising the layout ----------------------------------------------------------------------------
