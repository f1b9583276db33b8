"""Answer-checker latency per question kind, then the agreement figures of bench/eval_checker.py.

    python bench/grading.py              # latency + dev set (inline, bank) + samples + SemEval + SAF
    python bench/grading.py --latency    # latency only

Latency is the wall time of `check(question, answer)` for answers already seen by the question's
profile cache (the steady state of a running bot: a question is graded many times), measured per call
with perf_counter over several rounds; p50 and p99 per kind. Free-text answers are the dev set's; the
other kinds use typical chat answers. Targets on a 2-core machine: free text p50 <= 2 ms (no
embeddings), choice/numeric <= 0.1 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bot.core.checking import check  # noqa: E402
from questions.schema import Question  # noqa: E402


def _question(kind: str, **fields: object) -> Question:
    base: dict[str, object] = {
        "id": f"bench-{kind.replace('_', '-')}",
        "prompt": "Bench question?",
        "kind": kind,
        "reference_answer": "Reference.",
        "topics": ["fundamentals"],
        "difficulty": "fresher",
    }
    base.update(fields)
    return Question.model_validate(base)


OPTIONS = [
    {"key": k, "text": t}
    for k, t in zip("abcd", ["Sigmoid", "ReLU", "Hyperbolic tangent", "Softmax"], strict=True)
]


def _cases() -> dict[str, list[tuple[Question, str]]]:
    choice = _question("choice", options=OPTIONS, correct=["c"])
    multi = _question("multi_choice", options=OPTIONS, correct=["a", "c"])
    truth = _question("true_false", truth=True)
    scalar = _question("numeric", numeric={"value": 1.4e9, "relative_tolerance": 0.01})
    shape = _question("numeric", numeric={"value": [10, 10]})
    vector = _question("numeric", numeric={"value": [0.02, 0.06, 0.17, 0.75], "tolerance": 0.005})
    matching = _question(
        "matching",
        pairs=[
            {"left": "images", "right": "CNN"},
            {"left": "speech", "right": "RNN"},
            {"left": "reconstruction", "right": "autoencoder"},
        ],
    )
    cases: dict[str, list[tuple[Question, str]]] = {
        "choice": [(choice, a) for a in ("c", "(c)", "option C", "answer: b", "hyperbolic tangent")],
        "multi_choice": [(multi, a) for a in ("a, c", "a and c", "a&c", "b", "sigmoid and tanh")],
        "true_false": [(truth, a) for a in ("true", "No", "not true", "yes, because")],
        "numeric": [
            (scalar, "1.4×10^9"),
            (scalar, "1.4 billion"),
            (scalar, "1,400,000,000"),
            (shape, "10x10"),
            (shape, "(10, 10)"),
            (vector, "[0.02, 0.06, 0.17, 0.75]"),
        ],
        "matching": [(matching, "1-a, 2-b, 3-c"), (matching, "images -> CNN, speech -> RNN")],
    }
    try:
        import eval_checker as ev

        rows = ev.dev_rows()
        cases["open (inline)"] = [(i.question, i.answer) for i in ev.dev_inline(rows)]
        bank, _ = ev.dev_bank(rows)
        if bank:
            cases["open (bank)"] = [(i.question, i.answer) for i in bank]
    except (OSError, ImportError, ValueError) as error:
        print(f"(free-text cases unavailable: {error})")
    return cases


def measure(cases: list[tuple[Question, str]], rounds: int) -> list[float]:
    """Per-call latencies in milliseconds (after one warm-up pass that fills the profile caches)."""
    for question, answer in cases:
        check(question, answer)
    timings = []
    for _ in range(rounds):
        for question, answer in cases:
            start = time.perf_counter()
            check(question, answer)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report_latency(rounds: int) -> None:
    print(f"latency per check() call, ms ({rounds} rounds):")
    print(f"  {'kind':16s} {'calls':>6s} {'p50':>8s} {'p99':>8s} {'mean':>8s}")
    for kind, cases in _cases().items():
        timings = measure(cases, rounds if kind.startswith("open") else rounds * 20)
        print(
            f"  {kind:16s} {len(timings):6d} {percentile(timings, 0.5):8.3f} "
            f"{percentile(timings, 0.99):8.3f} "
            f"{statistics.fmean(timings):8.3f}"
        )
    long_answer = "Tanh is zero-centred and saturates. " * 3000
    question = _question("open", reference_answer="Tanh maps to (-1, 1), is zero-centred and saturates.")
    timings = measure([(question, long_answer)], 5)
    print(
        f"  {'open, 100 KB':16s} {len(timings):6d} {percentile(timings, 0.5):8.3f} "
        f"{percentile(timings, 0.99):8.3f} "
        f"{statistics.fmean(timings):8.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--latency", action="store_true", help="latency only")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    report_latency(args.rounds)
    if not args.latency:
        import eval_checker

        print()
        eval_checker.main([])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
