"""Grading choice, multi-choice and true/false answers typed in chat.

Letters come in many shapes (`c`, `(c)`, `C)`, `option C`, `answer: c`, `a, c`, `a and c`, `a&c`); an
answer may also quote or paraphrase the option's text. A lone "a" inside a sentence is an article, so
free text is read for letters only when they are marked as options; otherwise options are recognised
by their text (fuzzy, so typos pass).
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from bot.core.checking.grade import Grade, verdict_for
from bot.core.checking.normalize import strip_control
from questions.schema import Question

MAX_CHOICE_CHARS = 1000
OPTION_TEXT_CUTOFF = 80.0

_PREFIX = re.compile(
    r"^\s*(?:(?:i\s+think|i\s+guess|i'?d\s+say|probably|maybe|my\s+answer\s+is|the\s+answers?\s+(?:is|are)|"
    r"answers?|options?|choices?|letters?|it'?s|it\s+is|correct\s+(?:one|answers?|options?)\s+(?:is|are)|"
    r"(?:i(?:'d|\s+would)?\s+)?(?:pick|choose|select|go\s+with))"
    r"\s*[:=\-]?\s*)+",
    re.IGNORECASE,
)
# Hedges around the letters ("b or d, not sure", "either b or d?", "c i think"): they say how sure the
# player is, not which options they pick.
_HEDGE = re.compile(
    r"(?:^|[\s,;:.!?()\-–—]+)(?:(?:i'?m|i\s+am)\s+)?(?:not\s+(?:\d+\s*%\s+|totally\s+|really\s+|very\s+|"
    r"completely\s+|entirely\s+)?(?:sure|certain)|unsure|idk|i\s+don'?t\s+know|no\s+idea|i\s+think|i\s+guess|"
    r"i\s+believe|maybe|probably|perhaps|either|possibly|hmm+|guessing|just\s+a\s+guess)(?=$|[\s,;:.!?()\-–—])"
    r"[\s,;:.!?()\-–—]*",
    re.IGNORECASE,
)
_LETTER_LIST = re.compile(
    r"^[\s(\[]*([a-z])[\s)\].:]*(?:(?:,|;|/|&|\+|\band\b|\bor\b|\s)+[\s(\[]*([a-z])[\s)\].:]*)*[.!]*$"
)
_LETTER = re.compile(r"(?<![a-z'])([a-z])(?![a-z'])")
_MARKED = re.compile(
    r"(?:\boptions?\s+|\bchoices?\s+|\banswers?\s*(?:is|are|:|=)\s*|\(|\[)([a-z])\b(?:\)|\])?"
    r"|(?:^|\s)([a-z])\)"
)
_SQUASHED = re.compile(r"^[a-z]{2,6}$")
# "d. because ...", "c) the leaky one", "b - unbounded", "a because ...": a letter leading an explanation.
_LEADING = re.compile(r"^[(\[]?([a-z])(?:\s*[.):\]]|\s*[-–—,]|\s+(?:because|since|as|as\s+it|coz|cuz)\b)")

TRUE_WORDS = frozenset(
    {
        "true",
        "t",
        "yes",
        "y",
        "yeah",
        "yep",
        "yup",
        "correct",
        "right",
        "agree",
        "1",
        "affirmative",
        "sure",
        "ja",
        "oui",
        "si",
        "✓",
        "✔",
        "👍",
        "✅",
        "vrai",
        "wahr",
    }
)
FALSE_WORDS = frozenset(
    {
        "false",
        "f",
        "no",
        "n",
        "nope",
        "nah",
        "wrong",
        "incorrect",
        "disagree",
        "0",
        "negative",
        "nein",
        "non",
        "✗",
        "✘",
        "👎",
        "❌",
        "faux",
        "falsch",
        "untrue",
    }
)
_NEGATORS = frozenset({"not", "isn't", "isnt", "never", "hardly"})
_TF_TOKEN = re.compile(r"[a-z0-9']+|[✓✔✗✘👍👎✅❌]")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", strip_control(text[:MAX_CHOICE_CHARS]))
    text = re.sub(r"[*_`~]", "", text).strip().lower()
    return text


def parse_letters(answer: str, keys: list[str]) -> tuple[list[str], list[str]]:
    """Letters the answer picks, in order (known option keys, then unknown letters it named)."""
    text = _clean(answer)
    text = _PREFIX.sub("", text).strip()
    unhedged = _HEDGE.sub(" ", text).strip(" ,;:.!?")
    if unhedged and _LETTER_LIST.match(unhedged):
        text = unhedged
    letters: list[str] = []
    if _LETTER_LIST.match(text):
        letters = _LETTER.findall(text)
    elif _SQUASHED.match(text) and all(ch in keys for ch in text) and len(set(text)) == len(text):
        letters = list(text)  # "ac"
    else:
        for match in _MARKED.finditer(text):
            letters.append(match.group(1) or match.group(2))
        if not letters and (lead := _LEADING.match(text)):
            letters = [lead.group(1)]
        if not letters:
            # A sentence naming exactly one option letter on its own ("it's d since ..."); "a" and "i"
            # are words, so they only count when marked as options above.
            loose = {ch for ch in _LETTER.findall(text) if ch in keys and ch not in ("a", "i")}
            letters = sorted(loose) if len(loose) == 1 else []
    known = [ch for ch in dict.fromkeys(letters) if ch in keys]
    unknown = [ch for ch in dict.fromkeys(letters) if ch not in keys and ch not in ("a", "i")]
    return known, unknown


def _by_text(answer: str, question: Question) -> list[str]:
    """Options whose text the answer states (fuzzy), for answers that quote rather than name letters."""
    text = _clean(answer)
    if len(text) < 2:
        return []
    picked: list[tuple[float, str]] = []
    for option in question.options or []:
        target = option.text.lower()
        whole = fuzz.ratio(text, target)
        inside = (
            fuzz.partial_ratio(target, text) if len(target) >= 4 and len(text) >= len(target) * 0.6 else 0.0
        )
        score = max(whole, inside)
        if score >= OPTION_TEXT_CUTOFF:
            picked.append((score, option.key))
    if not picked:
        return []
    picked.sort(reverse=True)
    if question.kind.value == "choice":
        return [picked[0][1]]
    return [key for _, key in picked]


def grade_choice(question: Question, answer: str) -> Grade:
    """Single choice: full credit for the right option alone; naming several options is not an answer."""
    keys = [o.key for o in question.options or []]
    correct = set(question.correct or [])
    picked, unknown = parse_letters(answer, keys)
    if not picked:
        picked = _by_text(answer, question)
    right = ", ".join(sorted(correct))
    if not picked:
        hint = f" (there is no option {', '.join(unknown)})" if unknown else ""
        return Grade(
            0.0,
            verdict_for(0.0),
            feedback=f"No option recognised in your answer{hint}; reply with a letter such as 'b'. "
            f"The answer is {right}.",
        )
    if len(picked) > 1:
        return Grade(
            0.0,
            verdict_for(0.0),
            feedback=f"Pick one option, not {len(picked)} ({', '.join(picked)}). The answer is {right}.",
        )
    if picked[0] in correct:
        return Grade(1.0, verdict_for(1.0), feedback=f"Correct: {right}.")
    return Grade(0.0, verdict_for(0.0), feedback=f"Not {picked[0]}: the answer is {right}.")


def grade_multi_choice(question: Question, answer: str) -> Grade:
    """Several right options: Jaccard credit |picked ∩ right| / |picked ∪ right|, so wrong picks cost."""
    keys = [o.key for o in question.options or []]
    correct = set(question.correct or [])
    picked_list, unknown = parse_letters(answer, keys)
    if not picked_list:
        picked_list = _by_text(answer, question)
    picked = set(picked_list)
    right = ", ".join(sorted(correct))
    if not picked:
        hint = f" (there is no option {', '.join(unknown)})" if unknown else ""
        return Grade(
            0.0,
            verdict_for(0.0),
            feedback=f"No option recognised in your answer{hint}; reply with letters such as 'a, c'. "
            f"The answer is {right}.",
        )
    score = len(picked & correct) / len(picked | correct)
    parts = []
    missing = sorted(correct - picked)
    extra = sorted(picked - correct)
    if missing:
        parts.append(f"missed {', '.join(missing)}")
    if extra:
        parts.append(f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} wrong")
    feedback = f"Correct: {right}." if not parts else f"Partly: {'; '.join(parts)}. The answer is {right}."
    return Grade(score, verdict_for(score), feedback=feedback)


def parse_truth(answer: str) -> bool | None:
    """True, False, or None when the answer commits to neither (or to both)."""
    tokens = _TF_TOKEN.findall(_clean(answer))[:40]
    for index, token in enumerate(tokens):
        value: bool | None = True if token in TRUE_WORDS else False if token in FALSE_WORDS else None
        if value is None:
            continue
        if index > 0 and tokens[index - 1] in _NEGATORS:
            value = not value
        return value
    return None


def grade_true_false(question: Question, answer: str) -> Grade:
    """True/false in any wording: yes/no, true/false, correct/wrong, y/n, ✓/✗, "not true"."""
    truth = question.truth
    said = parse_truth(answer)
    expected = "true" if truth else "false"
    if said is None:
        return Grade(0.0, verdict_for(0.0), feedback=f"Answer true or false; it is {expected}.")
    if said == truth:
        return Grade(1.0, verdict_for(1.0), feedback=f"Correct: {expected}.")
    return Grade(0.0, verdict_for(0.0), feedback=f"Not quite: the statement is {expected}.")
