"""`interview-bot grade` and `interview-bot grade-batch`: the answer checker from the command line.

`grade` checks one answer to a bank question. `grade-batch` checks a JSON Lines file of answers, each
against a bank question (`question_id`) or an inline one (`question` + `reference_answer`, optional
`key_points`), passes every other field through, and with `--human-field` reports how well the checker
agrees with human grades. Bad rows are reported on stderr and skipped; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.core.checking import Grade, check
from bot.core.checking.agreement import pearson, rmse, spearman, verdict_agreement
from questions.schema import Question, adhoc_question

MAX_LINE_CHARS = 1_000_000


def register(subparsers: Any) -> None:
    """Add `grade` and `grade-batch` to the `interview-bot` command."""
    grade = subparsers.add_parser("grade", help="grade one answer to a bank question")
    grade.add_argument("--question", required=True, metavar="ID", help="question id (curated or generated)")
    grade.add_argument("--answer", required=True, metavar="TEXT", help="the answer to grade")
    grade.add_argument("--json", action="store_true", help="print the grade as JSON")
    grade.set_defaults(func=run_grade)

    batch = subparsers.add_parser("grade-batch", help="grade a JSON Lines file of answers")
    batch.add_argument(
        "input", metavar="INPUT.jsonl", help="rows with question_id or question + reference_answer"
    )
    batch.add_argument("--output", metavar="OUT.jsonl", help="write graded rows here (default: stdout)")
    batch.add_argument(
        "--human-field", metavar="FIELD", help="row field holding a human grade to compare with"
    )
    batch.add_argument(
        "--human-scale",
        metavar="MAX",
        type=float,
        default=1.0,
        help="the human grade's maximum (e.g. 5 for 0-5 grades); default 1",
    )
    batch.set_defaults(func=run_grade_batch)


class _Store:
    """The question store, loaded on first use so inline-only batches never need the packs."""

    def __init__(self) -> None:
        self._store: Any = None
        self._error: str | None = None

    def get(self, question_id: str) -> Question:
        from questions.store import QuestionStore

        if self._store is None and self._error is None:
            try:
                self._store = QuestionStore.load_default()
            except Exception as error:  # packs that do not load make every id unknown, with the reason
                self._error = str(error).splitlines()[0]
        if self._store is None:
            raise LookupError(f"question bank unavailable: {self._error}")
        question: Question = self._store.get(question_id)
        return question


def run_grade(args: argparse.Namespace) -> int:
    """Grade one answer; unknown ids exit 1 with a message on stderr."""
    try:
        question = _Store().get(args.question)
    except LookupError as error:
        print(f"interview-bot grade: {error.args[0] if error.args else error}", file=sys.stderr)
        return 1
    grade = check(question, args.answer)
    if args.json:
        print(json.dumps(grade.as_dict(), ensure_ascii=False))
    else:
        print(render(grade))
    return 0


def render(grade: Grade) -> str:
    """Plain text for a terminal."""
    lines = [f"score {grade.score:.2f} ({grade.verdict.value})"]
    lines += [f"  + {point}" for point in grade.covered]
    lines += [f"  - {point}" for point in grade.missed]
    if grade.feedback:
        lines.append(grade.feedback)
    return "\n".join(lines)


def _rows(handle: TextIO) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(handle, start=1):
        if line.strip():
            yield number, line[:MAX_LINE_CHARS]


def _question_for(row: dict[str, Any], store: _Store) -> Question:
    """The row's question: a bank id, or an inline prompt + reference (+ key points)."""
    if "question_id" in row and row["question_id"] not in (None, ""):
        return store.get(str(row["question_id"]))
    prompt, reference = row.get("question"), row.get("reference_answer")
    if not isinstance(prompt, str) or not isinstance(reference, str) or not reference.strip():
        raise ValueError("needs question_id, or question and reference_answer (strings)")
    key_points = row.get("key_points")
    if key_points is not None and (
        not isinstance(key_points, list) or not all(isinstance(k, str) and k.strip() for k in key_points)
    ):
        raise ValueError("key_points must be a list of non-empty strings")
    return adhoc_question(prompt, reference, list(key_points[:6]) if key_points else None)


def run_grade_batch(args: argparse.Namespace) -> int:
    """Grade every row; report bad rows on stderr, and agreement figures when asked."""
    if not args.human_scale > 0 or math.isinf(args.human_scale):
        print("interview-bot grade-batch: --human-scale must be a positive number", file=sys.stderr)
        return 2
    path = Path(args.input)
    with ExitStack() as stack:
        try:
            handle = stack.enter_context(path.open(encoding="utf-8", errors="replace"))
        except OSError as error:
            print(f"interview-bot grade-batch: cannot read {path}: {error.strerror}", file=sys.stderr)
            return 1
        out: TextIO = sys.stdout
        if args.output:
            try:
                out = stack.enter_context(Path(args.output).open("w", encoding="utf-8"))
            except OSError as error:
                print(
                    f"interview-bot grade-batch: cannot write {args.output}: {error.strerror}",
                    file=sys.stderr,
                )
                return 1
        tally = _grade_rows(handle, out, path, args.human_field)
    if args.human_field:
        humans = [h / args.human_scale for h in tally.humans]
        print(agreement_report(tally.scores, humans, tally.verdicts, args.human_field), file=sys.stderr)
    if tally.errors:
        print(f"interview-bot grade-batch: {tally.errors} row(s) could not be graded", file=sys.stderr)
    return 1 if tally.errors else 0


@dataclass
class _Tally:
    errors: int = 0
    scores: list[float] = field(default_factory=list)
    humans: list[float] = field(default_factory=list)
    verdicts: list[tuple[str, str]] = field(default_factory=list)


def _grade_rows(handle: TextIO, out: TextIO, path: Path, human_field: str | None) -> _Tally:
    store = _Store()
    tally = _Tally()
    for number, line in _rows(handle):
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("a row must be a JSON object")
            answer = row.get("answer")
            if not isinstance(answer, str):
                raise ValueError("missing 'answer' (a string)")
            question = _question_for(row, store)
        except (ValueError, LookupError) as error:
            tally.errors += 1
            reason = error.args[0] if isinstance(error, LookupError) and error.args else error
            print(f"{path}:{number}: {reason}", file=sys.stderr)
            continue
        grade = check(question, answer)
        graded = {
            **row,
            "score": round(grade.score, 4),
            "verdict": grade.verdict.value,
            "covered": list(grade.covered),
            "missed": list(grade.missed),
        }
        if "verdict" in row:
            graded["human_verdict"] = row["verdict"]
        out.write(json.dumps(graded, ensure_ascii=False) + "\n")
        if human_field:
            human = row.get(human_field)
            if isinstance(human, int | float) and not isinstance(human, bool) and math.isfinite(human):
                tally.scores.append(grade.score)
                tally.humans.append(float(human))
            if isinstance(row.get("verdict"), str):
                tally.verdicts.append((row["verdict"], grade.verdict.value))
    return tally


def agreement_report(
    scores: list[float], humans: list[float], verdicts: list[tuple[str, str]], field: str
) -> str:
    """Pearson r, Spearman rho, RMSE on the scaled human grade, then verdict accuracy and its table."""
    lines = [f"agreement with human '{field}' over {len(scores)} row(s):"]
    lines.append(f"  Pearson r     {_fmt(pearson(scores, humans))}")
    lines.append(f"  Spearman rho  {_fmt(spearman(scores, humans))}")
    lines.append(f"  RMSE          {_fmt(rmse(scores, humans))}")
    if verdicts:
        agreement = verdict_agreement([h for h, _ in verdicts], [c for _, c in verdicts])
        lines.append(f"  verdict accuracy {agreement.accuracy:.1%} over {agreement.rows} row(s)")
        lines.extend("  " + line for line in agreement.render().splitlines())
    else:
        lines.append("  verdict accuracy: no rows carry a human 'verdict'")
    return "\n".join(lines)


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"
