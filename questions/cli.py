"""`interview-bot questions ...`: inspect, validate and export the question bank from a terminal.

Curators use `validate` while editing packs and `show`/`list` to review them; `stats` is the README's
first command, and `export` feeds tools outside the bot. Every failure is one clear line on stderr and
exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from questions import generators
from questions.export import question_to_dict
from questions.loader import Validation, validate_paths
from questions.schema import Difficulty, Kind, Question, Topic
from questions.store import PackLoadError, QuestionStore, UnknownQuestionError, validate_shipped

PROMPT_WIDTH = 70


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `questions` command and its sub-commands to the top-level parser."""
    parser = subparsers.add_parser("questions", help="inspect, validate and export the question bank")
    parser.set_defaults(func=lambda _args: _usage(parser))
    commands = parser.add_subparsers(dest="questions_command", metavar="SUBCOMMAND")
    packs = argparse.ArgumentParser(add_help=False)
    packs.add_argument("--packs", action="append", type=Path, metavar="PATH",
                       help="read packs from this file or directory instead of the shipped ones (repeatable)")

    stats = commands.add_parser("stats", parents=[packs], help="counts by kind, topic, difficulty, source")
    stats.add_argument("--json", action="store_true", help="print a JSON object")
    stats.set_defaults(func=cmd_stats)

    listing = commands.add_parser("list", parents=[packs], help="one line per question")
    listing.add_argument("--topic", choices=[t.value for t in Topic])
    listing.add_argument("--kind", choices=[k.value for k in Kind])
    listing.add_argument("--difficulty", choices=[d.value for d in Difficulty])
    listing.set_defaults(func=cmd_list)

    show = commands.add_parser("show", parents=[packs], help="one question (curated or gen-<family>-<seed>)")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="print a JSON object")
    show.set_defaults(func=cmd_show)

    validate = commands.add_parser("validate", help="check pack files; prints FILE:LINE: reason per problem")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="pack files or directories (default: the shipped packs)")
    validate.set_defaults(func=cmd_validate)

    export = commands.add_parser("export", parents=[packs], help="all curated questions as JSON")
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    export.set_defaults(func=cmd_export)

    seeds = commands.add_parser("import-seeds", help="draft YAML from scraped seed pages, for curators")
    seeds.add_argument("seed_dir", type=Path, metavar="DIR")
    seeds.add_argument("--out", type=Path, required=True, metavar="DIR")
    seeds.set_defaults(func=cmd_import_seeds)


def cmd_stats(args: argparse.Namespace) -> int:
    """`questions stats`: what the bank holds, so curators see gaps by kind, topic and source."""
    store = _load(args)
    if store is None:
        return 1
    data = stats_of(store)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    sections = ("by_kind", "by_topic", "by_difficulty", "by_source", "packs")
    width = max([22, *(len(name) + 2 for s in sections for name in data[s])])
    print(f"{'total':<{width + 2}}{data['total']:>6}")
    for section in sections:
        print(section.replace("by_", "by ") + ":")
        for name, count in data[section].items():
            print(f"  {name:<{width}}{count:>6}")
    print("generators:")
    for name in data["generators"]:
        print(f"  {name:<{width}}{generators.FAMILIES[name]}")
    return 0


def stats_of(store: QuestionStore) -> dict[str, Any]:
    """The `stats --json` object; every kind, topic and difficulty is listed, with 0 when absent."""
    questions = store.all()
    sources: Counter[str] = Counter()
    for question in questions:
        sources.update({s.file for s in question.sources})
    return {
        "total": len(questions),
        "by_kind": {k.value: sum(q.kind == k for q in questions) for k in Kind},
        "by_topic": {t.value: sum(t in q.topics for q in questions) for t in Topic},
        "by_difficulty": {d.value: sum(q.difficulty == d for q in questions) for d in Difficulty},
        "by_source": dict(sorted(sources.items())),
        "packs": {name: len(pack.questions) for name, pack in store.packs.items()},
        "generators": list(generators.FAMILIES),
    }


def cmd_list(args: argparse.Namespace) -> int:
    """`questions list`: one line per question, to find ids for `show` or spot-check a topic."""
    store = _load(args)
    if store is None:
        return 1
    questions = store.filter(topic=args.topic, kind=args.kind, difficulty=args.difficulty)
    if not questions:
        print("no questions match", file=sys.stderr)
        return 0
    width = max(len(q.id) for q in questions)
    for q in questions:
        topics = ",".join(t.value for t in q.topics)
        columns = (f"{q.id:<{width}}", f"{q.kind.value:<12}", f"{q.difficulty.value:<11}", f"{topics:<28}")
        print("  ".join((*columns, _short(q.prompt))))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """`questions show ID`: one question with its answer, as text or as the shared JSON shape."""
    store = _load(args)
    if store is None:
        return 1
    try:
        question = store.get(args.id)
    except UnknownQuestionError as error:
        return _fail(str(error))
    if args.json:
        print(json.dumps(question_to_dict(question), indent=2, ensure_ascii=False))
    else:
        print(render_question(question))
    return 0


def render_question(question: Question) -> str:
    """A plain-text view of a question with its answer, for curators reviewing the bank."""
    data = question_to_dict(question)
    header = f"{question.kind.value}, {question.difficulty.value}; {', '.join(data['topics'])}"
    out = [f"{question.id}  [{header}]", "", question.prompt]
    if question.code:
        out += ["", *("    " + line for line in question.code.splitlines())]
    out += [f"  {o.key}) {o.text}" for o in question.options or []]
    if "answer" in data:
        out += ["", f"answer: {json.dumps(data['answer'], ensure_ascii=False)}"]
    out += ["", "reference answer:", "  " + question.reference_answer]
    sections = (("key points", question.key_points or []), ("misconceptions", question.misconceptions))
    for title, items in sections:
        if items:
            out += ["", f"{title}:"]
            for item in items:
                also = f" (also: {'; '.join(item.phrasings)})" if item.phrasings else ""
                correction = getattr(item, "correction", "")
                out += [f"  - {item.text}{also}"] + ([f"    correction: {correction}"] if correction else [])
    if question.explanation:
        out += ["", "explanation:", "  " + question.explanation]
    if question.sources:
        cited = ", ".join(f"{s.file} lines {s.lines[0]}-{s.lines[1]}" for s in question.sources)
        out += ["", f"sources: {cited}"]
    out += [f"note: {n}" for n in question.notes]
    return "\n".join(out)


def cmd_validate(args: argparse.Namespace) -> int:
    """`questions validate`: exit 0 when every pack is valid, else 1 with one `FILE:LINE: reason` each."""
    result: Validation = validate_paths(args.paths) if args.paths else validate_shipped()
    for problem in result.problems:
        print(problem)
    questions = sum(len(p.questions) for p in result.packs)
    if result.problems:
        print(f"{len(result.problems)} problem(s) in {len(result.files)} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(result.files)} pack file(s), {questions} question(s)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """`questions export`: every enabled curated question as a JSON list, for tools outside the bot."""
    store = _load(args)
    if store is None:
        return 1
    text = json.dumps([question_to_dict(q) for q in store.all()], indent=2, ensure_ascii=False) + "\n"
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error.strerror or error}")
    print(f"wrote {len(store.all())} question(s) to {args.out}", file=sys.stderr)
    return 0


def cmd_import_seeds(args: argparse.Namespace) -> int:
    """`questions import-seeds`: run the seed importer; imported lazily so this module never needs it."""
    if not args.seed_dir.is_dir():
        return _fail(f"seed directory {args.seed_dir} does not exist")
    try:
        from questions.seeds import import_seeds  # lazy: the importer is optional at run time
    except ImportError as error:
        return _fail(f"the seed importer is not available: {error}")
    try:
        summary = import_seeds(args.seed_dir, args.out)
    except OSError as error:
        return _fail(f"import failed: {error}")
    print(summary)
    return 0


def _load(args: argparse.Namespace) -> QuestionStore | None:
    paths: Sequence[Path] | None = args.packs
    try:
        return QuestionStore.from_paths(paths) if paths else QuestionStore.load_default()
    except PackLoadError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        _fail(f"{len(error.problems)} problem(s) in the question packs; "
              "see `interview-bot questions validate`")
        return None


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= PROMPT_WIDTH else line[: PROMPT_WIDTH - 3] + "..."


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
