"""How well the answer checker agrees with human graders, in the figures the README quotes.

    python bench/eval_checker.py                 # dev set (inline + bank mode), SemEval-2013, SAF
    python bench/eval_checker.py --only dev      # just the dev set
    python bench/eval_checker.py --by-kind       # also a per-answer-kind breakdown of the dev set
    python bench/eval_checker.py --only samples  # agreement with tests/data/checker_samples.jsonl

Dev set: `../shared/eval/dev-grading.jsonl`, graded in two modes:
- inline: only the prompt and the reference answer (an ad-hoc question, as for an uploaded pack);
- bank: the same questions by id from the curated packs (key points + misconceptions), mapped with
  `bench/dev_question_ids.json`.
Regression samples: `tests/data/checker_samples.jsonl`, answers to the bank's questions written by the
curators from the questions alone, each expecting `correct` or `incorrect`.
SemEval-2013 task 7 (SciEntsBank + Beetle): 2-way accuracy on the unseen-questions test split, with the
threshold on the checker's score picked on the train split (and, for comparison, with the checker's own
`correct` verdict). SAF (communication networks, English): Pearson r of the score against the tutor
score divided by the question's maximum score.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.core.checking import check  # noqa: E402
from bot.core.checking.agreement import pearson, rmse, spearman, verdict_agreement  # noqa: E402
from questions.schema import Question, adhoc_question  # noqa: E402

SHARED = REPO.parent / "shared"
DEV = SHARED / "eval" / "dev-grading.jsonl"
SEMEVAL = SHARED / "asag" / "semeval2013_task7" / "semeval2013_task7_2way_3way.csv"
SAF = SHARED / "asag" / "saf_comnets_en" / "saf_comnets_en_v2.csv"
DEV_IDS = REPO / "bench" / "dev_question_ids.json"
SAMPLES = REPO / "tests" / "data" / "checker_samples.jsonl"


@dataclass(frozen=True)
class Item:
    """One human-graded answer: the question to grade it against, the answer, the human score in 0..1."""

    question: Question
    answer: str
    human: float
    verdict: str
    group: str
    kind: str = ""


def dev_rows(path: Path = DEV) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def qkey(row: dict[str, object]) -> str:
    return str(row["id"]).split("-")[1]


def dev_inline(rows: list[dict[str, object]]) -> list[Item]:
    """Dev rows graded against ad-hoc questions (prompt + reference answer only)."""
    cache: dict[str, Question] = {}
    items = []
    for row in rows:
        key = qkey(row)
        if key not in cache:
            cache[key] = adhoc_question(str(row["question"]), str(row["reference_answer"]))
        items.append(
            Item(
                cache[key],
                str(row["answer"]),
                int(str(row["grade"])) / 5,
                str(row["verdict"]),
                key,
                str(row["answer_kind"]),
            )
        )
    return items


def dev_bank(rows: list[dict[str, object]]) -> tuple[list[Item], list[str]]:
    """Dev rows graded against the bank's curated questions; returns the items and the missing ids."""
    from questions.store import QuestionStore, UnknownQuestionError

    mapping = json.loads(DEV_IDS.read_text(encoding="utf-8"))
    store = QuestionStore.load_default()
    items, missing = [], []
    for row in rows:
        key = qkey(row)
        try:
            question = store.get(mapping[key])
        except (KeyError, UnknownQuestionError):
            if mapping.get(key, key) not in missing:
                missing.append(mapping.get(key, key))
            continue
        items.append(
            Item(
                question,
                str(row["answer"]),
                int(str(row["grade"])) / 5,
                str(row["verdict"]),
                key,
                str(row["answer_kind"]),
            )
        )
    return items, missing


def sample_items(path: Path = SAMPLES) -> list[Item]:
    """The curators' regression samples: answers to bank questions with the verdict they expect."""
    from questions.store import QuestionStore

    store = QuestionStore.load_default()
    items = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            expect = str(row["expect"])
            items.append(
                Item(
                    store.get(str(row["question_id"])),
                    str(row["answer"]),
                    1.0 if expect == "correct" else 0.0,
                    expect,
                    str(row["question_id"]),
                    "sample",
                )
            )
    return items


def agrees(verdict: str, expect: str) -> bool:
    """A sample expecting `correct` must not be graded incorrect, and one expecting `incorrect` must not
    be graded correct (partial credit is a fair reading of either)."""
    return not (expect == "correct" and verdict == "incorrect") and not (
        expect == "incorrect" and verdict == "correct"
    )


def semeval(split: str) -> list[Item]:
    """SemEval-2013 rows of one split, graded against their first reference answer."""
    cache: dict[tuple[str, str], Question] = {}
    items = []
    with SEMEVAL.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["split"] != split:
                continue
            key = (row["corpus"], row["question_id"])
            if key not in cache:
                cache[key] = adhoc_question(row["question"], row["first_reference_answer"])
            label = row["label_2way"]
            items.append(
                Item(
                    cache[key],
                    row["student_answer"],
                    1.0 if label == "correct" else 0.0,
                    label,
                    row["question_id"],
                )
            )
    return items


def saf() -> list[Item]:
    """SAF rows, the tutor score divided by the question's highest score."""
    with SAF.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    top: dict[str, float] = defaultdict(float)
    for row in rows:
        top[row["question_id"]] = max(top[row["question_id"]], float(row["score"]))
    cache: dict[str, Question] = {}
    items = []
    for row in rows:
        key = row["question_id"]
        if key not in cache:
            cache[key] = adhoc_question(row["question"], row["reference_answer"])
        human = float(row["score"]) / top[key] if top[key] else 0.0
        items.append(
            Item(cache[key], row["student_answer"], human, row["verification_feedback"], key, row["split"])
        )
    return items


Scorer = Callable[[Question, str], float]


def default_scorer(question: Question, answer: str) -> float:
    return check(question, answer).score


def scores(items: Iterable[Item], scorer: Scorer = default_scorer) -> list[float]:
    return [scorer(item.question, item.answer) for item in items]


def verdict_of(score: float) -> str:
    return "correct" if score >= 0.8 else "partial" if score >= 0.4 else "incorrect"


def report_graded(
    name: str, items: list[Item], predicted: list[float], by_kind: bool = False
) -> dict[str, float]:
    """Print correlation, RMSE and verdict agreement for items with a 0..1 human grade."""
    human = [i.human for i in items]
    agreement = verdict_agreement([i.verdict for i in items], [verdict_of(s) for s in predicted])
    figures = {
        "pearson": pearson(predicted, human),
        "spearman": spearman(predicted, human),
        "rmse": rmse(predicted, human),
        "verdict_accuracy": agreement.accuracy,
    }
    print(
        f"{name}: n={len(items)} Pearson r={figures['pearson']:.3f} Spearman rho={figures['spearman']:.3f} "
        f"RMSE={figures['rmse']:.3f} verdict accuracy={figures['verdict_accuracy']:.1%}"
    )
    if agreement.rows:
        print(agreement.render())
    kinds = sorted({i.kind for i in items if i.kind})
    if by_kind and kinds:
        for kind in kinds:
            pairs = [(p, i) for p, i in zip(predicted, items, strict=True) if i.kind == kind]
            mean = sum(p for p, _ in pairs) / len(pairs)
            human_mean = sum(i.human for _, i in pairs) / len(pairs)
            verdicts = [verdict_of(p) for p, _ in pairs]
            print(
                f"  {kind:14s} mean score {mean:.2f} (human {human_mean:.2f})  "
                + " ".join(f"{v}={verdicts.count(v)}" for v in ("correct", "partial", "incorrect"))
            )
        salad_or_wrong = [
            verdict_of(p)
            for p, i in zip(predicted, items, strict=True)
            if i.kind in ("keyword_salad", "misconception")
        ]
        print(f"  keyword_salad/misconception graded correct: {salad_or_wrong.count('correct')}")
    return figures


def best_threshold(predicted: list[float], labels: list[float]) -> float:
    """The score threshold that maximises 2-way accuracy on a training split."""
    pairs = sorted(zip(predicted, labels, strict=True))
    positives = sum(labels)
    best_t, best_acc = 0.5, -1.0
    correct_above = positives
    below_negatives = 0.0
    for index, (score, label) in enumerate(pairs):
        acc = (correct_above + below_negatives) / len(pairs)
        if acc > best_acc and (index == 0 or pairs[index - 1][0] < score):
            best_acc, best_t = acc, score
        correct_above -= label
        below_negatives += 1 - label
    return best_t


def report_semeval() -> dict[str, float]:
    train = semeval("train")
    test = semeval("test-unseen-questions")
    threshold = best_threshold(scores(train), [i.human for i in train])
    predicted = scores(test)
    acc = sum((p >= threshold) == (i.human == 1.0) for p, i in zip(predicted, test, strict=True)) / len(test)
    acc_verdict = sum((p >= 0.8) == (i.human == 1.0) for p, i in zip(predicted, test, strict=True)) / len(
        test
    )
    majority = max(sum(i.human for i in test), len(test) - sum(i.human for i in test)) / len(test)
    print(
        f"SemEval-2013 unseen questions: n={len(test)} 2-way accuracy={acc:.1%} (threshold {threshold:.2f} "
        f"from train), with the 'correct' verdict={acc_verdict:.1%}, majority class={majority:.1%}"
    )
    for corpus in ("beetle", "sciEntsBank"):
        pairs = [
            (p, i)
            for p, i in zip(predicted, test, strict=True)
            if i.question.reference_answer and _corpus_of(i) == corpus
        ]
        if pairs:
            corpus_acc = sum((p >= threshold) == (i.human == 1.0) for p, i in pairs) / len(pairs)
            print(f"  {corpus}: n={len(pairs)} accuracy={corpus_acc:.1%}")
    return {"semeval_accuracy": acc}


_CORPUS: dict[str, str] = {}


def _corpus_of(item: Item) -> str:
    if not _CORPUS:
        with SEMEVAL.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                _CORPUS[row["question_id"]] = row["corpus"]
    return _CORPUS.get(item.group, "")


def report_samples() -> dict[str, float]:
    """Agreement with the regression samples, and how often the verdict is exactly the expected one."""
    items = sample_items()
    verdicts = [check(i.question, i.answer).verdict.value for i in items]
    agree = sum(agrees(v, i.verdict) for v, i in zip(verdicts, items, strict=True)) / len(items)
    exact = sum(v == i.verdict for v, i in zip(verdicts, items, strict=True)) / len(items)
    print(
        f"regression samples (tests/data/checker_samples.jsonl): n={len(items)} agreement={agree:.1%} "
        f"(exact verdict {exact:.1%}; disagreement = an expected-correct answer graded incorrect or "
        f"the reverse)"
    )
    return {"samples_agreement": agree}


def report_saf() -> dict[str, float]:
    items = saf()
    predicted = scores(items)
    r = pearson(predicted, [i.human for i in items])
    unseen = [(p, i) for p, i in zip(predicted, items, strict=True) if i.kind == "unseen_questions"]
    r_unseen = pearson([p for p, _ in unseen], [i.human for _, i in unseen])
    print(
        f"SAF (English): n={len(items)} Pearson r={r:.3f} "
        f"(unseen-questions split n={len(unseen)}: {r_unseen:.3f})"
    )
    return {"saf_pearson": r}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", choices=("dev", "inline", "bank", "samples", "semeval", "saf"), default=None
    )
    parser.add_argument("--by-kind", action="store_true", help="per answer kind breakdown of the dev set")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    only = args.only
    if only in (None, "dev", "inline", "bank") and not DEV.exists():
        print(f"dev set not found at {DEV}", file=sys.stderr)
        return 1
    if only in (None, "dev", "inline"):
        items = dev_inline(dev_rows())
        report_graded("dev, inline mode", items, scores(items), args.by_kind)
    if only in (None, "dev", "bank"):
        try:
            bank_items, missing = dev_bank(dev_rows())
        except (ImportError, OSError, ValueError) as error:
            print(f"dev, bank mode: unavailable ({error})")
        else:
            if missing:
                print(f"dev, bank mode: {len(missing)} question ids not in the bank: {', '.join(missing)}")
            if bank_items:
                report_graded("dev, bank mode", bank_items, scores(bank_items), args.by_kind)
    if only in (None, "samples") and SAMPLES.exists():
        report_samples()
    if only in (None, "semeval") and SEMEVAL.exists():
        report_semeval()
    if only in (None, "saf") and SAF.exists():
        report_saf()
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0 if not math.isnan(started) else 1


if __name__ == "__main__":
    raise SystemExit(main())
