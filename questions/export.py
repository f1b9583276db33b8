"""The one JSON shape of a question, shared by `questions show --json`, `questions export` and the bot.

Keeping a single converter means a field added to the schema shows up everywhere at once, and consumers
(adapters, dashboards, the curated-bank diff in review) can rely on the same keys.
"""

from __future__ import annotations

from typing import Any

from questions.schema import Kind, Question


def question_to_dict(question: Question) -> dict[str, Any]:
    """A JSON-ready dict: always id, prompt, kind, reference_answer, key_points, misconceptions, topics,
    difficulty and sources; `answer` for non-open kinds; options, code, explanation, notes, numeric
    tolerance/units and generator only when the question has them.
    """
    data: dict[str, Any] = {
        "id": question.id,
        "prompt": question.prompt,
        "kind": question.kind.value,
        "reference_answer": question.reference_answer,
        "key_points": [{"text": k.text, "phrasings": list(k.phrasings)} for k in question.key_points or []],
        "misconceptions": [
            {"text": m.text, "phrasings": list(m.phrasings), "correction": m.correction}
            for m in question.misconceptions
        ],
        "topics": [t.value for t in question.topics],
        "difficulty": question.difficulty.value,
        "sources": [{"file": s.file, "lines": list(s.lines)} for s in question.sources],
    }
    if question.kind != Kind.OPEN:
        data["answer"] = question.answer
    if question.options:
        data["options"] = [{"key": o.key, "text": o.text} for o in question.options]
    if question.numeric is not None:
        data["tolerance"] = question.numeric.tolerance
        if question.numeric.relative_tolerance:
            data["relative_tolerance"] = question.numeric.relative_tolerance
        if question.numeric.units:
            data["units"] = question.numeric.units
    if question.code:
        data["code"] = question.code
    if question.explanation:
        data["explanation"] = question.explanation
    if question.notes:
        data["notes"] = list(question.notes)
    if question.generator is not None:
        data["generator"] = dict(question.generator)
    return data
