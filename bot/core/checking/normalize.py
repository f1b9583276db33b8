"""Turning raw chat text into something the checker can compare: clean text, clauses, word tokens.

Answers arrive from Discord, Slack or a terminal with markdown, emoji, code fences, chat abbreviations
("u", "thru", "w/o") and contractions ("doesn't"). Everything here is bounded: the analysed text is capped
at `MAX_ANALYSED_CHARS`, so a 100 KB paste costs the same as a long answer.
"""

from __future__ import annotations

import re
import unicodedata

MAX_ANALYSED_CHARS = 4000
# Cleaning looks at a little more than it keeps, so markup around the cap does not leave debris behind.
_MAX_CLEANED_INPUT = 4 * MAX_ANALYSED_CHARS

_CODE_FENCE = re.compile(r"```[a-zA-Z0-9_+-]*")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_EMPHASIS = re.compile(r"(\*\*|__|~~|`|\*)")
_LINE_MARKUP = re.compile(r"(?m)^[ \t]*(?:#{1,6}|>+|[-*+•]|\d{1,2}[.)])[ \t]+")
_NEGATIVE_NUMBER = re.compile(r"(?<![a-z0-9)\]])\s*(?:[-−–]|\bminus\s+)(\d)")
_NUMBER_WORDS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
_NEGATIVE_WORD = re.compile(r"\bminus\s+(zero|one|two|three|four|five)\b")
# Unicode categories Cc, Cf and Cs (the latter from broken JSON escapes), minus tab and newline.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_SPACES = re.compile(r"[ \t\f\v]+")
_ARROWS = re.compile(r"(?:-+>|=+>|→|⇒|⟶|->)")

# Sentence and clause boundaries: answers are often bullet lists, so line breaks end a clause too.
_SENTENCE_SPLIT = re.compile(r"(?:(?<=[.!?;])\s+|\n+|(?<=:)\s+(?=[A-Za-z]))")
_CLAUSE_SPLIT = re.compile(
    r"\s*[,;:()]\s*|\s+(?=(?:but|while|whereas|although|though|however|so|because|which)\s)"
)

# "for example" introduces an example; its "example" is not the data sense of the word.
_FOR_EXAMPLE = re.compile(r"\bfor (?:example|instance)\b")
_SLASH_SHORTHAND = re.compile(r"(?<![a-z0-9])(?:w/o|w/|b/c)")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")

_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bain'?t\b"), "is not"),
    (
        re.compile(r"\b(do|does|did|is|are|was|were|has|have|had|should|would|could|must|need)n'?t\b"),
        r"\1 not",
    ),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"\b(it|that|there|what|here|he|she)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""),
    (re.compile(r"'d\b"), " would"),
)

# Chat shorthand → words; applied per token after lower-casing.
# fmt: off
_SHORTHAND: dict[str, str] = {
    "u": "you", "ur": "your", "r": "are", "thru": "through", "tho": "though", "altho": "although",
    "bc": "because", "b/c": "because", "cuz": "because", "coz": "because", "ppl": "people",
    "prob": "probably", "probs": "probabilities", "prolly": "probably", "approx": "approximately",
    "w/": "with", "w/o": "without", "b4": "before", "smth": "something", "sth": "something", "imo": "",
    "imho": "", "btw": "", "tbh": "", "lol": "", "ok": "", "pls": "please", "plz": "please", "eg": "",
    "e.g.": "", "ie": "", "i.e.": "", "etc": "", "etc.": "", "aka": "", "vs": "versus", "dont": "do not",
    "doesnt": "does not", "didnt": "did not", "isnt": "is not", "arent": "are not", "wasnt": "was not",
    "werent": "were not", "cant": "can not", "cannot": "can not", "wont": "will not",
    "shouldnt": "should not", "couldnt": "could not", "wouldnt": "would not", "hasnt": "has not",
    "havent": "have not", "thats": "that is", "theres": "there is", "whats": "what is", "gonna": "going to",
    "wanna": "want to", "gotta": "have to", "kinda": "kind of", "sorta": "sort of", "lotsa": "lots of",
    "wrt": "with respect to", "diff": "difference", "yrs": "years", "yr": "year", "nums": "numbers",
    "num": "number", "pic": "picture", "pics": "pictures", "img": "image", "imgs": "images",
    "info": "information", "dims": "dimensions", "dim": "dimension", "params": "parameters",
    "param": "parameter", "fn": "function", "func": "function", "abt": "about", "bcuz": "because",
    "becuz": "because", "becasue": "because", "ofc": "of course", "iirc": "", "tl;dr": "", "tldr": "",
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "half": "0.5", "zeros": "0", "zeroes": "0",
}
# fmt: on

# fmt: off
_GREEK = {
    "α": " alpha ", "β": " beta ", "γ": " gamma ", "λ": " lambda ", "σ": " sigma ", "μ": " mu ",
    "η": " eta ", "θ": " theta ", "ε": " epsilon ", "∂": " partial ", "∇": " gradient ", "⊙": " hadamard ",
    "∘": " hadamard ", "≈": " approximately ", "≠": " not equal ", "⊂": " subset ", "⊃": " superset ",
    "⊆": " subset ", "⊇": " superset ", "∈": " in ",
}
# fmt: on


def strip_control(text: str) -> str:
    """Drop control and format characters (zero-width, bidi marks, lone surrogates) but keep line breaks
    and tabs."""
    return _CONTROL.sub("", text)


def clean(text: str) -> str:
    """Bounded, markup-free, lower-cased text with the same line structure as the answer."""
    text = unicodedata.normalize("NFKC", text[:_MAX_CLEANED_INPUT])
    text = strip_control(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CODE_FENCE.sub("\n", text)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _LINE_MARKUP.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    text = text.lower()
    for symbol, word in _GREEK.items():
        if symbol in text:
            text = text.replace(symbol, word)
    text = _ARROWS.sub(", ", text)
    text = _NEGATIVE_WORD.sub(lambda m: " neg" + _NUMBER_WORDS[m.group(1)], text)
    text = _NEGATIVE_NUMBER.sub(r" neg\1", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _FOR_EXAMPLE.sub(" ", text)
    text = _SPACES.sub(" ", text)
    return text[:MAX_ANALYSED_CHARS].strip()


def display_sentences(text: str) -> list[str]:
    """Sentences of a text for showing back (original case, markup and controls removed)."""
    shown = strip_control(unicodedata.normalize("NFKC", text[:_MAX_CLEANED_INPUT]))
    shown = _EMPHASIS.sub("", _LINE_MARKUP.sub("", shown))
    return [" ".join(s.split()) for s in _SENTENCE_SPLIT.split(shown) if s and s.strip()]


def sentences(cleaned: str) -> list[str]:
    """Sentences (or bullet lines) of cleaned text, dropping empty ones."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(cleaned) if s and s.strip()]


def clauses(sentence: str) -> list[str]:
    """Clauses of one sentence: the unit negation scope and key-point matching work within."""
    return [c for c in _CLAUSE_SPLIT.split(sentence) if c and c.strip()]


def words(fragment: str) -> list[str]:
    """Word tokens of cleaned text with chat shorthand expanded ("u" → "you", "w/o" → "without")."""
    fragment = _SLASH_SHORTHAND.sub(lambda m: f" {_SHORTHAND[m.group(0)]} ", fragment)
    out: list[str] = []
    for token in _WORD.findall(fragment.replace("-", " ").replace("/", " ").replace("_", " ")):
        expansion = _SHORTHAND.get(token)
        if expansion is None:
            out.append(token)
        elif expansion:
            out.extend(expansion.split())
    return out
