"""A small rule-based English lemmatiser, tuned for how people write about deep learning.

It maps inflected and British/American variants of a word to one matching form ("labelled", "labeling",
"labels" → "label"; "initialisation", "initialized" → "initializ"), so the checker can compare an answer
with a key point by meaning rather than by exact spelling. It is deliberately a *matching* form, not a
dictionary lemma: a final "e" is dropped everywhere, so "compute", "computing" and "computed" agree
without a word list. No data download and no third-party dependency.
"""

from __future__ import annotations

from functools import lru_cache

# Irregular forms whose rules would go wrong; values are already in matching form.
# fmt: off
_IRREGULAR: dict[str, str] = {
    "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be", "am": "be",
    "has": "have", "had": "have", "having": "have", "does": "do", "did": "do", "done": "do", "doing": "do",
    "went": "go", "gone": "go", "goes": "go", "made": "mak", "making": "mak", "makes": "mak",
    "built": "build", "learnt": "learn", "fed": "feed", "led": "lead", "kept": "keep", "found": "find",
    "given": "giv", "gave": "giv", "taken": "tak", "took": "tak", "brought": "bring", "thought": "think",
    "lost": "los", "sent": "send", "spent": "spend", "held": "hold", "told": "tell", "saw": "see",
    "seen": "see", "got": "get", "gotten": "get", "ran": "run", "won": "win", "chosen": "choos",
    "chose": "choos", "written": "writ", "wrote": "writ", "known": "know", "knew": "know", "grew": "grow",
    "grown": "grow", "shown": "show", "drawn": "draw", "drew": "draw", "fell": "fall", "fallen": "fall",
    "became": "becom", "began": "begin", "begun": "begin", "understood": "understand", "children": "child",
    "people": "people", "men": "man", "women": "woman", "mice": "mouse", "indices": "index",
    "matrices": "matrix", "vertices": "vertex", "criteria": "criterion", "phenomena": "phenomenon",
    "data": "data", "analyses": "analysis", "hypotheses": "hypothesis", "bases": "basis", "axes": "axis",
    "biases": "bias", "statuses": "status", "lenses": "lens", "better": "good", "best": "good",
    "worse": "bad", "worst": "bad", "less": "less", "least": "least", "more": "more", "most": "most",
    "fewer": "few", "fewest": "few", "this": "this", "thus": "thus", "its": "its", "his": "his",
    "news": "news", "series": "series", "species": "species", "gas": "gas", "plus": "plus",
    "minus": "minus", "focus": "focus", "bonus": "bonus", "corpus": "corpus", "virus": "virus",
    "always": "always", "sometimes": "sometimes", "perhaps": "perhaps", "yes": "yes", "lstms": "lstm",
    "gans": "gan", "cnns": "cnn", "rnns": "rnn", "gpus": "gpu", "tpus": "tpu", "relus": "relu",
    "mlps": "mlp", "vaes": "vae", "rbms": "rbm", "anns": "ann", "dnns": "dnn", "only": "only",
    "early": "early", "family": "family", "apply": "apply", "reply": "reply", "supply": "supply",
    "assembly": "assembly", "anomaly": "anomaly", "anomalies": "anomaly", "feeling": "feel",
    "during": "during", "nothing": "nothing", "something": "something", "anything": "anything",
    "everything": "everything", "thing": "thing", "things": "thing", "string": "string",
    "strings": "string", "bring": "bring", "king": "king", "ring": "ring", "spring": "spring",
    "bias": "bias", "using": "us", "used": "us", "embed": "embed", "embedded": "embed",
    "embedding": "embed", "embeddings": "embed", "probability": "probabiliti",
    "probabilities": "probabiliti", "hundred": "hundred", "speed": "speed", "need": "need",
    "needed": "need", "feed": "feed", "seed": "seed", "exceed": "exceed", "proceed": "proceed",
}
# fmt: on

# British → American spellings that a suffix rule cannot derive.
# fmt: off
_SPELLING: dict[str, str] = {
    "centre": "center", "centred": "centered", "centring": "centering", "centres": "centers",
    "behaviour": "behavior", "behaviours": "behaviors", "colour": "color", "colours": "colors",
    "coloured": "colored", "colouring": "coloring", "colourise": "colorize", "colourize": "colorize",
    "colourised": "colorized", "colourising": "colorizing", "colourisation": "colorization",
    "neighbour": "neighbor", "neighbours": "neighbors", "favour": "favor", "labour": "labor",
    "modelling": "modeling", "modelled": "modeled", "labelling": "labeling", "labelled": "labeled",
    "travelling": "traveling", "travelled": "traveled", "signalling": "signaling", "tumour": "tumor",
    "tumours": "tumors", "grey": "gray", "analyse": "analyze", "analysed": "analyzed",
    "analysing": "analyzing", "optimisation": "optimization", "programme": "program",
    "recognise": "recognize", "recognised": "recognized", "recognising": "recognizing",
    "generalise": "generalize", "generalised": "generalized", "generalises": "generalizes",
    "generalising": "generalizing", "generalisation": "generalization", "memorise": "memorize",
    "memorises": "memorizes", "memorised": "memorized", "memorising": "memorizing",
    "normalise": "normalize", "normalised": "normalized", "normalising": "normalizing",
    "normalisation": "normalization", "regularise": "regularize", "regularisation": "regularization",
    "initialise": "initialize", "initialised": "initialized", "initialising": "initializing",
    "initialisation": "initialization", "optimise": "optimize", "optimised": "optimized",
    "optimising": "optimizing", "optimiser": "optimizer", "optimisers": "optimizers",
    "summarise": "summarize", "visualise": "visualize", "visualisation": "visualization",
    "tokenise": "tokenize", "tokeniser": "tokenizer", "vectorise": "vectorize", "utilise": "utilize",
    "utilisation": "utilization", "parameterise": "parameterize", "minimise": "minimize",
    "minimises": "minimizes", "minimised": "minimized", "minimising": "minimizing", "maximise": "maximize",
    "maximises": "maximizes", "maximised": "maximized", "maximising": "maximizing",
    "specialise": "specialize", "specialised": "specialized", "categorise": "categorize",
    "emphasise": "emphasize", "realise": "realize", "organise": "organize", "organised": "organized",
    "organising": "organizing", "randomise": "randomize", "randomised": "randomized",
    "standardise": "standardize", "standardised": "standardized", "characterise": "characterize",
    "synthesise": "synthesize", "synthesised": "synthesized", "discretise": "discretize",
    "stabilise": "stabilize", "stabilises": "stabilizes", "penalise": "penalize", "penalises": "penalizes",
    "penalised": "penalized",
}
# fmt: on

_VOWELS = frozenset("aeiou")
_KEEP_DOUBLE = frozenset("lsz")


def _undouble(stem: str) -> str:
    """ "stopp" → "stop", "runn" → "run", but "fall", "pass" and "buzz" keep their double letter."""
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS and stem[-1] not in _KEEP_DOUBLE:
        return stem[:-1]
    return stem


def _has_vowel(stem: str) -> bool:
    return any(ch in _VOWELS or ch == "y" for ch in stem)


def _strip_plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ches", "shes", "xes", "zes")) and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")) and len(word) > 3:
        return word[:-1]
    return word


def _strip_inflection(word: str) -> str:
    for suffix in ("ingly", "ing", "edly", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if not _has_vowel(stem) or (suffix == "ed" and stem.endswith("e")):
                return word
            if stem.endswith("i") and suffix.startswith("ed"):
                return stem[:-1] + "y"
            return _undouble(stem)
    return word


def _strip_derivation(word: str) -> str:
    # Longest first; each maps a family of derived forms onto one shared stem.
    if word.endswith("ization") and len(word) > 9:
        return word[:-5]  # initialization → initializ
    if word.endswith("isation") and len(word) > 9:
        return word[:-7] + "iz"
    if word.endswith(("ability", "ibility")) and len(word) >= 12:
        return word[:-7]  # interpretability → interpret
    if word.endswith(("able", "ible")) and len(word) >= 9:
        return word[:-4]  # interpretable → interpret
    if word.endswith(("ction", "ssion", "ation")) and len(word) > 7:
        return word[:-3]  # detection → detect, compression → compress, activation → activat
    if word.endswith("ally") and len(word) > 7:
        return word[:-4]  # automatically → automatic
    if word.endswith("ly") and len(word) > 6 and not word.endswith("ply"):
        return word[:-2]  # directly → direct
    if word.endswith("ness") and len(word) > 7:
        return word[:-4]
    if word.endswith(("alise", "ilise", "imise", "orise", "enise", "arise")) and len(word) > 7:
        return word[:-3] + "iz"  # normalise → normaliz (but supervise, advise, promise stay)
    if word.endswith("ize") and len(word) > 5:
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The matching form of one lower-case token: irregulars, spelling variants, then suffix rules."""
    if not word.isalpha():
        return word
    if word in _IRREGULAR:
        stem = _IRREGULAR[word]
    elif len(word) <= 3:
        stem = word
    else:
        stem = _SPELLING.get(word, word)
        stem = _strip_plural(stem)
        stem = _strip_inflection(stem)
        stem = _strip_derivation(stem)
        stem = _SPELLING.get(stem, stem)
    if stem.endswith("e") and len(stem) > 2:
        stem = stem[:-1]
    if stem.endswith("y") and len(stem) >= 4 and stem[-2] not in _VOWELS:
        stem = stem[:-1] + "i"  # "vary", "varies" and "varied" meet at "vari"
    return stem
