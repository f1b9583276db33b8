"""The question model: what a pack file holds and what every other part of the bot reads.

Packs are YAML validated by these pydantic models. Fields are strict (`StrictStr` and friends) so that a
YAML scalar which silently became a boolean or a number (`yes`, `on`, `1e-3`) is reported instead of
being turned back into a string that no longer says what the author wrote.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)


class Kind(StrEnum):
    """How a question is answered, which decides how the checker grades it."""

    OPEN = "open"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    NUMERIC = "numeric"
    TRUE_FALSE = "true_false"
    MATCHING = "matching"


class Topic(StrEnum):
    """The fixed taxonomy: leaderboards and daily channels filter on these, so they must not drift."""

    FUNDAMENTALS = "fundamentals"
    ACTIVATION_FUNCTIONS = "activation-functions"
    OPTIMIZATION = "optimization"
    REGULARIZATION = "regularization"
    CNN = "cnn"
    RNN_LSTM = "rnn-lstm"
    AUTOENCODERS = "autoencoders"
    GENERATIVE_MODELS = "generative-models"
    TRANSFER_LEARNING = "transfer-learning"
    FRAMEWORKS = "frameworks"
    MATH = "math"


class Difficulty(StrEnum):
    """Seniority the question is pitched at; it also sets how many points a correct answer earns."""

    FRESHER = "fresher"
    EXPERIENCED = "experienced"
    SENIOR = "senior"


ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OPTION_KEY_PATTERN = re.compile(r"^[a-z]$")

NonEmptyStr = Annotated[StrictStr, Field(min_length=1)]
Number = StrictInt | StrictFloat


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a question came from: a seed file name and the 1-based inclusive line range it spans."""

    file: NonEmptyStr
    lines: tuple[StrictInt, StrictInt]

    @model_validator(mode="after")
    def _ordered(self) -> Source:
        start, end = self.lines
        if start < 1 or end < start:
            raise ValueError(f"line range {start}-{end} must be 1-based and ordered")
        return self


class KeyPoint(_Strict):
    """One idea a complete answer states; `phrasings` are other ways a correct answer may say it."""

    text: NonEmptyStr
    phrasings: list[NonEmptyStr] = Field(default_factory=list)


class Misconception(_Strict):
    """A wrong claim a candidate may confidently make; asserting it costs credit and is named in feedback."""

    text: NonEmptyStr
    phrasings: list[NonEmptyStr] = Field(default_factory=list)
    correction: StrictStr = ""


class Option(_Strict):
    """One labelled option of a choice question."""

    key: NonEmptyStr
    text: NonEmptyStr

    @model_validator(mode="after")
    def _letter(self) -> Option:
        if not OPTION_KEY_PATTERN.match(self.key):
            raise ValueError(f"option key {self.key!r} must be one lower-case letter")
        return self


class NumericAnswer(_Strict):
    """A number, or several (a shape like 10x10, a vector like a softmax output), with a tolerance.

    A value counts as right when it is within `tolerance` (absolute) or `relative_tolerance` (fraction
    of the expected magnitude) of the expected one, component by component.
    """

    value: Number | list[Number]
    tolerance: Number = 0.0
    relative_tolerance: Number = 0.0
    units: StrictStr | None = None

    @property
    def values(self) -> list[float]:
        """The expected components, a scalar being a vector of one."""
        return [float(v) for v in self.value] if isinstance(self.value, list) else [float(self.value)]


class MatchPair(_Strict):
    """One correct left → right association of a matching question."""

    left: NonEmptyStr
    right: NonEmptyStr


class Question(_Strict):
    """One interview question, whatever its kind.

    Kind-specific fields are optional on the model and required by `_kind_fields`, so that one type flows
    through the store, the checker and the adapters.
    """

    id: NonEmptyStr
    prompt: NonEmptyStr
    kind: Kind
    reference_answer: NonEmptyStr
    explanation: StrictStr = ""
    topics: list[Topic] = Field(min_length=1)
    difficulty: Difficulty
    sources: list[Source] = Field(default_factory=list)
    code: StrictStr | None = None
    key_points: list[KeyPoint] | None = None
    misconceptions: list[Misconception] = Field(default_factory=list)
    options: list[Option] | None = None
    correct: list[NonEmptyStr] | None = None
    truth: StrictBool | None = None
    numeric: NumericAnswer | None = None
    pairs: list[MatchPair] | None = None
    notes: list[NonEmptyStr] = Field(default_factory=list)
    generator: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Question:
        if not ID_PATTERN.match(self.id):
            raise ValueError(f"id {self.id!r} must be lower-case words joined by '-'")
        if self.key_points is not None and not self.key_points:
            raise ValueError("empty key points: give 2-6 key points or leave the field out")
        if self.key_points is not None and len(self.key_points) > 6:
            raise ValueError("at most 6 key points")
        kind = self.kind
        if kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
            if not self.options or len(self.options) < 2:
                raise ValueError(f"{kind} question needs at least 2 options")
            keys = [o.key for o in self.options]
            if len(set(keys)) != len(keys):
                raise ValueError("option keys must be unique")
            if not self.correct:
                raise ValueError(f"{kind} question needs 'correct' (the right option letters)")
            unknown = [c for c in self.correct if c not in keys]
            if unknown:
                raise ValueError(f"correct option(s) {unknown} are not among the options {keys}")
            if kind == Kind.CHOICE and len(self.correct) != 1:
                raise ValueError("choice question has exactly one correct option; use multi_choice")
        elif kind == Kind.NUMERIC and self.numeric is None:
            raise ValueError("numeric question needs 'numeric' (value, tolerance, units)")
        elif kind == Kind.TRUE_FALSE and self.truth is None:
            raise ValueError("true_false question needs 'truth' (true or false)")
        elif kind == Kind.MATCHING and not self.pairs:
            raise ValueError("matching question needs 'pairs'")
        return self

    @property
    def answer(self) -> list[str] | list[float] | float | bool | list[list[str]] | None:
        """The machine-checkable answer of a non-open question, as `questions show --json` prints it."""
        if self.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
            return list(self.correct or [])
        if self.kind == Kind.NUMERIC and self.numeric is not None:
            value = self.numeric.value
            return [float(v) for v in value] if isinstance(value, list) else float(value)
        if self.kind == Kind.TRUE_FALSE:
            return self.truth
        if self.kind == Kind.MATCHING:
            return [[p.left, p.right] for p in self.pairs or []]
        return None

    def option_text(self, key: str) -> str | None:
        """The text of option `key`, or None when the question has no such option."""
        for option in self.options or []:
            if option.key == key:
                return option.text
        return None


class Pack(_Strict):
    """A YAML file of questions: the unit an admin uploads, enables or disables."""

    pack: NonEmptyStr
    title: NonEmptyStr
    description: StrictStr = ""
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"duplicate id {question.id!r}")
            seen.add(question.id)
        return self


def adhoc_question(prompt: str, reference_answer: str, key_points: list[str] | None = None) -> Question:
    """An open question built on the fly (uploaded packs, grade-batch rows) that the checker can grade."""
    return Question(
        id="adhoc",
        prompt=prompt or "(no prompt)",
        kind=Kind.OPEN,
        reference_answer=reference_answer or "(no reference)",
        topics=[Topic.FUNDAMENTALS],
        difficulty=Difficulty.EXPERIENCED,
        key_points=[KeyPoint(text=k) for k in key_points] if key_points else None,
    )
