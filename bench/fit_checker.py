"""Fit the free-text scorer's weights (`bot.core.checking.freetext.Weights`) and show how much they overfit.

    python bench/fit_checker.py            # fit both weight sets, print them with cross-validated figures

The signals are measured once; only `combine` is re-run, so a fit takes seconds. Weights are searched
coordinate-wise over small grids of sensible values (no extreme penalties), and:

- inline weights (questions with only a reference answer) are fitted on the dev set *together with* the
  training splits of SemEval-2013 (2-way accuracy at the best threshold) and SAF (Pearson r), so they
  must also work on answers in another style; the unseen splits stay held out for eval_checker.py;
- bank weights (curated key points) can only be fitted on the dev set; leave-one-question-out
  cross-validation (fit on 21 questions, score the 22nd) shows how optimistic the full-fit figures are.

Paste the printed `Weights(...)` into freetext.py when they are better on the held-out figures too.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import eval_checker as ev  # noqa: E402

from bot.core.checking.agreement import pearson  # noqa: E402
from bot.core.checking.freetext import WEIGHTS, WEIGHTS_INLINE, Signals, Weights, combine, signals  # noqa: E402
from bot.core.checking.profile import profile  # noqa: E402

GRID: dict[str, Sequence[float]] = {
    "point_low": (0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
    "point_high": (0.35, 0.45, 0.55, 0.65, 0.8, 0.9, 1.0),
    "point_share": (0.3, 0.5, 0.7, 0.85, 1.0),
    "intercept": (-0.1, 0.0, 0.1, 0.2, 0.3),
    "slope": (1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2),
    "echo_free": (0.0, 0.05, 0.1),
    "echo_penalty": (0.0, 0.5, 1.0, 1.5, 2.0),
    "restate_at": (0.1, 0.2, 0.3, 0.4, 0.5),
    "restate_penalty": (0.0, 0.5, 1.0, 1.5, 2.0),
    "salad_penalty": (0.0, 0.2, 0.4, 0.6, 0.8),
    "conflict_penalty": (0.0, 0.25, 0.5, 1.0),
    "misconception_penalty": (0.2, 0.4, 0.6),
    "misconception_cap": (0.4, 0.5, 0.6, 0.7),
    "denied_cap": (0.6, 0.7, 0.75, 1.0),
    "unsupported_free": (0.1, 0.2, 0.3),
    "unsupported_penalty": (0.0, 0.25, 0.5, 0.75, 1.0),
    "overclaim_free": (0.005, 0.01, 0.015, 0.02),
    "overclaim_penalty": (0.0, 0.2, 0.4, 0.6),
}

Measured = list[tuple[Signals, ev.Item]]
Objective = Callable[[Weights], float]


def measure(items: list[ev.Item]) -> Measured:
    return [(signals(profile(item.question), item.answer), item) for item in items]


def graded_objective(data: Measured, weights: Weights) -> tuple[float, float, int]:
    """Pearson r, verdict accuracy, and salads/misconceptions graded correct."""
    predicted = [combine(s, weights) for s, _ in data]
    r = pearson(predicted, [i.human for _, i in data])
    verdicts = [ev.verdict_of(p) for p in predicted]
    accuracy = sum(v == i.verdict for v, (_, i) in zip(verdicts, data, strict=True)) / len(data)
    wrong = sum(
        1
        for v, (_, i) in zip(verdicts, data, strict=True)
        if v == "correct" and i.kind in ("keyword_salad", "misconception")
    )
    return (0.0 if math.isnan(r) else r), accuracy, wrong


def two_way_accuracy(data: Measured, weights: Weights) -> float:
    predicted = [combine(s, weights) for s, _ in data]
    labels = [i.human for _, i in data]
    threshold = ev.best_threshold(predicted, labels)
    return sum((p >= threshold) == (y == 1.0) for p, y in zip(predicted, labels, strict=True)) / len(data)


def search(objective: Objective, start: Weights, sweeps: int = 3) -> Weights:
    """Coordinate search over GRID, keeping a change only when it improves the objective."""
    best, best_value = start, objective(start)
    for _ in range(sweeps):
        improved = False
        for name, values in GRID.items():
            for value in values:
                candidate = replace(best, **{name: value})
                score = objective(candidate)
                if score > best_value + 1e-9:
                    best, best_value, improved = candidate, score, True
        if not improved:
            break
    return best


def sample_agreement(data: Measured, weights: Weights) -> float:
    """Share of regression samples (expect correct/incorrect) the checker does not contradict."""
    if not data:
        return 1.0
    verdicts = [ev.verdict_of(combine(s, weights)) for s, _ in data]
    return sum(ev.agrees(v, i.verdict) for v, (_, i) in zip(verdicts, data, strict=True)) / len(data)


def dev_objective(data: Measured, samples: Measured | None = None) -> Objective:
    """Dev-set Pearson r + verdict accuracy, minus salads/misconceptions graded correct, plus agreement
    with the regression samples (answers to the bank's other questions)."""

    def objective(weights: Weights) -> float:
        r, accuracy, wrong = graded_objective(data, weights)
        return r + accuracy - 0.05 * wrong + sample_agreement(samples or [], weights)

    return objective


def loqo(data: Measured, start: Weights, samples: Measured | None = None) -> tuple[float, float, int, float]:
    """Leave-one-question-out: fit on the other questions (and their samples), grade the left-out one.

    Returns Pearson r, verdict accuracy, salads/misconceptions graded correct, and the agreement with
    the samples of each left-out question."""
    samples = samples or []
    predicted: dict[int, float] = {}
    held_samples: list[float] = []
    for group in sorted({i.group for _, i in data}):
        qid = next(i.question.id for _, i in data if i.group == group)
        train = [d for d in data if d[1].group != group]
        train_samples = [d for d in samples if d[1].question.id != qid]
        weights = search(dev_objective(train, train_samples), start, sweeps=2)
        for index, (s, item) in enumerate(data):
            if item.group == group:
                predicted[index] = combine(s, weights)
        held = [d for d in samples if d[1].question.id == qid]
        if held:
            held_samples.append(sample_agreement(held, weights) * len(held))
    scores = [predicted[i] for i in range(len(data))]
    r = pearson(scores, [i.human for _, i in data])
    accuracy = sum(ev.verdict_of(p) == i.verdict for p, (_, i) in zip(scores, data, strict=True)) / len(data)
    wrong = sum(
        1
        for p, (_, i) in zip(scores, data, strict=True)
        if ev.verdict_of(p) == "correct" and i.kind in ("keyword_salad", "misconception")
    )
    dev_qids = {i.question.id for _, i in data}
    n_held = sum(1 for _, i in samples if i.question.id in dev_qids)
    return r, accuracy, wrong, (sum(held_samples) / n_held if n_held else float("nan"))


def show(name: str, weights: Weights) -> None:
    fields = ", ".join(f"{k}={v!r}" for k, v in asdict(weights).items())
    print(f"{name} = Weights({fields})")


def main() -> int:
    rows = ev.dev_rows()
    inline = measure(ev.dev_inline(rows))
    rng = random.Random(13)
    semeval_train = ev.semeval("train")
    semeval_train = rng.sample(semeval_train, min(3000, len(semeval_train)))
    saf_train = [i for i in ev.saf() if i.kind == "training"]
    sem = measure(semeval_train)
    saf = measure(saf_train)

    def inline_objective(weights: Weights) -> float:
        r, accuracy, wrong = graded_objective(inline, weights)
        saf_r = pearson([combine(s, weights) for s, _ in saf], [i.human for _, i in saf])
        return r + accuracy - 0.02 * wrong + two_way_accuracy(sem, weights) + saf_r

    fitted_inline = search(inline_objective, WEIGHTS_INLINE)
    r, accuracy, wrong = graded_objective(inline, fitted_inline)
    print(
        f"inline: dev r={r:.3f} acc={accuracy:.1%} salad/misconception correct={wrong}; "
        f"SemEval train 2-way={two_way_accuracy(sem, fitted_inline):.1%}; "
        f"SAF train r={pearson([combine(s, fitted_inline) for s, _ in saf], [i.human for _, i in saf]):.3f}"
    )
    show("WEIGHTS_INLINE", fitted_inline)

    bank_items, missing = ev.dev_bank(rows)
    if missing or not bank_items:
        print(f"bank: questions missing from the bank ({', '.join(missing)}); not fitted")
        return 0
    bank = measure(bank_items)
    samples = measure(ev.sample_items())
    fitted_bank = search(dev_objective(bank, samples), WEIGHTS)
    r, accuracy, wrong = graded_objective(bank, fitted_bank)
    print(
        f"bank: dev r={r:.3f} acc={accuracy:.1%} salad/misconception correct={wrong}; "
        f"samples agree={sample_agreement(samples, fitted_bank):.1%}"
    )
    cv_r, cv_accuracy, cv_wrong, cv_samples = loqo(bank, WEIGHTS, samples)
    print(
        f"bank, leave-one-question-out: r={cv_r:.3f} acc={cv_accuracy:.1%} "
        f"salad/misconception correct={cv_wrong}; held-out question samples agree={cv_samples:.1%}"
    )
    show("WEIGHTS", fitted_bank)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
