"""Where a clause's subject and its claim sit: sub-clauses and the verb that separates them.

"ML is part of AI and DL is part of ML" holds two claims about two subjects; "Classical ML needs
hand-crafted features" is not a claim about deep learning. Without a parser, the first verb-like word
of a sub-clause is taken as the boundary between its subject and what it claims.
"""

from __future__ import annotations

# Where a claim's subject ends: verbs (third person and plural), auxiliaries, and the adverbs that sit
# before a verb. Connectives are not here: they start a sub-clause (see `segments`).
_VERBS = """
    need use learn make give take require produce compute cause work help keep allow let mean map turn
    prevent avoid lead tend become get pass apply add beat fix cure solve converge simulate mix split
    replace outperform handle support guarantee improve reduce increase act serve contain hold represent
    squash depend rely suffer perform share detect generate predict classify divide multiply remove drop
    equal stay remain lose return store behave stop sum
    """
# fmt: off
SUBJECT_ENDS: frozenset[str] = frozenset(
    {
        "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "can",
        "could", "will", "would", "should", "may", "might", "must", "cannot", "always", "never", "only",
        "just", "also", "still", "usually", "often", "outputs", "generalises", "generalizes", "trains",
        "applies", "copies", "carries", "varies", "learns",
    }
    | set(_VERBS.split())
    | {verb + "s" for verb in _VERBS.split()}
    | {verb + "es" for verb in _VERBS.split() if verb.endswith(("sh", "x", "ss"))}
)
# fmt: on
_SUBORDINATORS = frozenset({"that", "whether", "when", "whenever", "if", "where", "once", "unless"})
_JOINERS = _SUBORDINATORS | {"and", "or"}


def segments(
    tokens: list[str], negation_cues: frozenset[str] = frozenset()
) -> tuple[list[int], list[bool], list[bool]]:
    """Per token: which sub-clause it is in, and whether it sits before or after that sub-clause's
    first verb.

    "ML is part of AI and DL is part of ML" holds two claims with two subjects, so "and"/"or" start a new
    sub-clause when a verb stands on both sides; "sigmoid and tanh saturate" stays one. "The difference
    is that PyTorch uses ..." has its claim after "that".
    """
    verbs = [t in SUBJECT_ENDS or (t in negation_cues and t != "non") for t in tokens]
    starts = [0]
    for i, token in enumerate(tokens):
        joins = token in ("and", "or") and any(verbs[starts[-1] : i])
        if joins or (token in _SUBORDINATORS and i > starts[-1]):
            nxt = next((j for j in range(i + 1, len(tokens)) if tokens[j] in _JOINERS), len(tokens))
            if any(verbs[i + 1 : nxt]):
                starts.append(i)
    segment = [0] * len(tokens)
    lead = [False] * len(tokens)
    after = [False] * len(tokens)
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(tokens)
        first_verb = next((j for j in range(start, end) if verbs[j]), -1)
        for j in range(start, end):
            segment[j] = number
            lead[j] = first_verb > j
            after[j] = 0 <= first_verb < j
    return segment, lead, after
