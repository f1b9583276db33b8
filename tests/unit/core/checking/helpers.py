"""Small question builders for the checker's tests (real schema objects, no mocks)."""

from __future__ import annotations

from typing import Any

from questions.schema import Question


def make(kind: str, **fields: Any) -> Question:
    """A valid question of `kind` with the given kind-specific fields."""
    base: dict[str, Any] = {
        "id": f"test-{kind.replace('_', '-')}",
        "prompt": fields.pop("prompt", "A test question?"),
        "kind": kind,
        "reference_answer": fields.pop("reference_answer", "The reference answer."),
        "topics": ["fundamentals"],
        "difficulty": "fresher",
    }
    base.update(fields)
    return Question.model_validate(base)


def numeric(value: Any, tolerance: float = 0.0, relative: float = 0.0, units: str | None = None) -> Question:
    spec: dict[str, Any] = {"value": value, "tolerance": tolerance, "relative_tolerance": relative}
    if units:
        spec["units"] = units
    return make("numeric", numeric=spec)


OPTIONS = [
    {"key": "a", "text": "Sigmoid"},
    {"key": "b", "text": "Rectified linear unit"},
    {"key": "c", "text": "Hyperbolic tangent"},
    {"key": "d", "text": "Softmax"},
]


def choice(correct: str = "c") -> Question:
    return make("choice", options=OPTIONS, correct=[correct])


def multi(correct: list[str]) -> Question:
    return make("multi_choice", options=OPTIONS, correct=correct)
