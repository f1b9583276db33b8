"""Polarity: whether a text asserts, denies or only sets aside each thing it mentions.

"It does *not* saturate" denies saturation; "unlike the sigmoid" and "instead of hand-crafted features"
set things aside; "prevents vanishing gradients", "don't decay it *too fast*" and "so gradients don't
vanish" weaken what they govern without denying it. A cue reaches a few words, ending early at a
preposition or a connective, so "does not saturate *for* positive inputs" does not deny the inputs.
"""

from __future__ import annotations

from functools import cache

from bot.core.checking.function_words import CLAUSE_WORDS, stop_lemmas
from bot.core.checking.subjects import SUBJECT_ENDS

# fmt: off
NEGATION_CUES: frozenset[str] = frozenset(
    {
        "not", "no", "never", "without", "neither", "nor", "none", "nothing", "nobody", "hardly", "lack",
        "lacks", "lacking", "cannot", "nowhere", "noone", "non",
    }
)
# fmt: on
# "fails to learn", "unable to recover": a negation only before a verb; "training fails" is not one.
_NEGATION_BEFORE_TO = frozenset({"unable", "fail", "fails", "failed", "failing"})
# Cues that set something aside rather than deny it ("learns features instead of hand-crafting them",
# "unlike the sigmoid, tanh ..."): what follows is mentioned, but neither asserted nor denied.
_CONTRAST_PHRASES: tuple[tuple[str, ...], ...] = (
    ("instead", "of"),
    ("rather", "than"),
    ("as", "opposed", "to"),
    ("in", "contrast", "to"),
    ("in", "contrast", "with"),
    ("contrary", "to"),
    ("unlike",),
    ("compared", "to"),
    ("compared", "with"),
    ("versus",),
)
# "X is different from Y" says X is not Y.
_DENIAL_PHRASES: tuple[tuple[str, ...], ...] = (
    ("different", "from"),
    ("differs", "from"),
    ("differ", "from"),
    ("distinct", "from"),
    ("different", "than"),
)
_DENIAL_STARTS = frozenset(phrase[0] for phrase in _DENIAL_PHRASES)
# After a copula, these only restate the identity the copula claims: "X is (just / the same as) Y".
_IDENTITY_PHRASES: tuple[tuple[str, ...], ...] = (
    ("same", "as"),
    ("identical", "to"),
    ("equivalent", "to"),
    ("equal", "to"),
    ("just",),
    ("simply",),
    ("nothing", "but"),
    ("basically",),
    ("really",),
    ("actually",),
)
_COPULAS = frozenset({"is", "are", "was", "were", "be"})
_NOT_NEGATION_AFTER = frozenset({"only", "just", "merely", "necessarily", "doubt", "matter", "longer"})
# "don't decay it too fast", "not always": a negation of degree or of a quantifier, not of the claim.
_DEGREE_WORDS = frozenset({"too", "overly", "excessively"})
_QUANTIFIERS = frozenset({"always", "all", "every", "entirely", "completely", "fully", "exactly", "totally"})
# Words that end what a cue reaches once it has reached something: "does not saturate *for* positive
# inputs", "not the same *as* matrix multiplication", "without labels *and* ...".
# fmt: off
_SCOPE_BOUNDARIES = frozenset(
    {
        "as", "than", "from", "for", "in", "on", "at", "by", "into", "onto", "with", "through", "via",
        "during",
        "but", "so", "because", "since", "while", "whereas", "which", "that", "who", "when", "where",
        "if", "then", "unless", "until", "like", "after", "before", "unlike", "instead", "rather", "thus",
        "therefore", "hence", "whether",
    }
)
# A clause that states a purpose or a consequence ("so gradients don't vanish", "to keep ...") says what
# something is for, so a negation in it only sets its words aside.
PURPOSE_OPENERS = frozenset({"so", "to", "ensure", "ensures", "ensuring", "order"})
# Verbs and quantifiers that weaken what they govern without denying it: "prevents vanishing gradients",
# "reduces overfitting", "less data". What follows is mentioned, neither asserted nor denied.
DIMINISHERS = frozenset(
    {
        "prevent", "prevents", "prevented", "preventing", "avoid", "avoids", "avoided", "avoiding",
        "eliminate", "eliminates", "eliminated", "eliminating", "reduce", "reduces", "reduced", "reducing",
        "decrease", "decreases", "decreased", "decreasing", "mitigate", "mitigates", "mitigated",
        "mitigating", "alleviate", "alleviates", "alleviated", "alleviating", "minimize", "minimizes",
        "minimise", "minimises", "fight", "fights", "fighting", "combat", "combats", "counter", "counters",
        "counteract", "counteracts", "suppress", "suppresses", "fix", "fixes", "fixed", "fixing", "solve",
        "solves", "solved", "solving", "cure", "cures", "cured", "less", "fewer", "stops",
    }
)
# fmt: on
NEGATION_SCOPE = 6  # content words a negation cue can reach ...
NOUN_NEGATION_SCOPE = 4  # ... one that negates a noun phrase ("without hand-crafted features") ...
_NOUN_NEGATIONS = frozenset({"without", "no", "none", "lack", "lacks", "lacking"})
_PREFIX_SCOPE = 1  # "non-saturating": the hyphenated prefix negates one word
_NOT_AN_OBJECT = frozenset({"to", "of", "for"})
_PRONOUNS = frozenset({"it", "they", "this", "that", "these", "those", "he", "she", "we", "you", "there"})
CONTRAST_SCOPE = 3  # ... and a contrast cue ("instead of", "unlike")

# Per-token polarity: plain, denied by a negation cue, or soft (set aside by a contrast, a purpose or
# result clause, or a negation of degree: mentioned, but neither asserted nor denied).
PLAIN, NEGATED, SOFT = 0, 1, 2


_CONTRAST_STARTS = frozenset(phrase[0] for phrase in _CONTRAST_PHRASES)


def _contrast_at(tokens: list[str], i: int) -> int:
    """Length of a contrast phrase ("instead of", "unlike", ...) starting at token i, or 0."""
    if tokens[i] not in _CONTRAST_STARTS:
        return 0
    for phrase in _CONTRAST_PHRASES:
        if tuple(tokens[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def is_negation(tokens: list[str], i: int) -> bool:
    token = tokens[i]
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    if token in _NEGATION_BEFORE_TO:
        return following == "to"
    return token in NEGATION_CUES and following not in _NOT_NEGATION_AFTER


def _reach(
    tokens: list[str], start: int, limit: int, stop_at_verb: bool, transparent: frozenset[int] = frozenset()
) -> int:
    """Index after the last token a cue ending at `start` governs: up to `limit` content words, ending
    early at a preposition or connective (or, for a contrast, a verb) once something was reached.
    `transparent` tokens ("not *the same as* X") are passed over."""
    stop = stop_lemmas()
    reach = 0
    j = start
    while j < len(tokens) and reach < limit:
        token = tokens[j]
        if j in transparent:
            j += 1
            continue
        if token == "and" and reach:
            following = tokens[j + 1] if j + 1 < len(tokens) else ""
            if following in SUBJECT_ENDS or following in _PRONOUNS:
                break  # "... and it saturates": a new claim
            j += 1  # "vanishing and exploding gradients": still the same phrase
            continue
        if reach and (token in _SCOPE_BOUNDARIES or (stop_at_verb and token in CLAUSE_WORDS)):
            break
        if token not in stop and token not in _DEGREE_WORDS and token not in _QUANTIFIERS:
            reach += 1
        j += 1
    return j


@cache
def _cue_starts() -> frozenset[str]:
    """Every word a cue can start with: a quick test that most words are not one."""
    return _DENIAL_STARTS | _CONTRAST_STARTS | DIMINISHERS | NEGATION_CUES | _NEGATION_BEFORE_TO


def polarities(
    tokens: list[str],
    purpose: bool = False,
    inert: frozenset[int] = frozenset(),
    transparent: frozenset[int] = frozenset(),
) -> tuple[list[int], set[int]]:
    """Per token of one clause: PLAIN, NEGATED or SOFT; and the indices of the cue words themselves.

    In a purpose or result clause ("so gradients don't vanish", "to avoid ...") a negation only sets
    its words aside: the clause says what something is for, not what is true. Tokens in `inert` are
    never cues: they belong to a lexicon phrase that already means the negation ("not interpretable",
    "without labels", "non-linear").
    """
    flags = [PLAIN] * len(tokens)
    cues: set[int] = set()
    i = 0
    starts = _cue_starts()
    while i < len(tokens):
        if tokens[i] not in starts or i in inert:
            i += 1
            continue
        denial = (
            next((len(p) for p in _DENIAL_PHRASES if tuple(tokens[i : i + len(p)]) == p), 0)
            if tokens[i] in _DENIAL_STARTS
            else 0
        )
        if denial:
            cues.update(range(i, i + denial))
            end = _reach(tokens, i + denial, NEGATION_SCOPE, stop_at_verb=True)
            for j in range(i + denial, end):
                flags[j] = SOFT if purpose else NEGATED
            i = end
            continue
        contrast = _contrast_at(tokens, i)
        if contrast:
            cues.update(range(i, i + contrast))
            end = _reach(tokens, i + contrast, CONTRAST_SCOPE, stop_at_verb=True)
            for j in range(i + contrast, end):
                flags[j] = SOFT
            i = end
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tokens[i] in DIMINISHERS and following not in CLAUSE_WORDS and following not in _NOT_AN_OBJECT:
            # (a verb with an object, not a noun: "the fix is ..."; the verb itself stays a term)
            end = _reach(tokens, i + 1, CONTRAST_SCOPE, stop_at_verb=True)
            for j in range(i + 1, end):
                if flags[j] == PLAIN:
                    flags[j] = SOFT
            i = end if end > i + 1 else i + 1
            continue
        if is_negation(tokens, i):
            cues.add(i)
            limit = (
                _PREFIX_SCOPE
                if tokens[i] == "non"
                else (NOUN_NEGATION_SCOPE if tokens[i] in _NOUN_NEGATIONS else NEGATION_SCOPE)
            )
            end = _reach(tokens, i + 1, limit, stop_at_verb=False, transparent=transparent)
            scope = tokens[i + 1 : end]
            degree = bool(set(scope) & _DEGREE_WORDS) or (bool(scope) and scope[0] in _QUANTIFIERS)
            polarity = SOFT if purpose or degree else NEGATED
            for j in range(i + 1, end):
                flags[j] = polarity
            i = end if end > i + 1 else i + 1
            continue
        i += 1
    return flags, cues


def identity_words(tokens: list[str]) -> set[int]:
    """Indices of words that only restate a copula's identity ("is *the same as*", "is *just*", "not
    *the same as*")."""
    out: set[int] = set()
    for i in range(1, len(tokens)):
        if tokens[i - 1] not in _COPULAS and tokens[i - 1] not in ("not", "never"):
            continue
        j = i
        while j < len(tokens):
            phrase = next((p for p in _IDENTITY_PHRASES if tuple(tokens[j : j + len(p)]) == p), None)
            if phrase is None:
                break
            out.update(range(j, j + len(phrase)))
            j += len(phrase)
    return out
