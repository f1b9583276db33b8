"""Parametric questions: `generate(family, seed)` builds the same exact question for the same pair, forever.

Generated questions are never stored; their id `gen-<family>-<seed>` is enough to rebuild them, so the
store resolves such ids on demand and attempts can refer to them like to curated questions. Changing a
family's drawing code changes every variant of it: treat the builders in `generator_families` as frozen
once released, and add a new family instead.
"""

from __future__ import annotations

import re

import numpy as np

from questions.generator_families import SPECS, FamilySpec
from questions.schema import Kind, NumericAnswer, Question, Topic

GENERATED_PREFIX = "gen-"
MAX_SEED = 2**63 - 1
_GENERATED_ID = re.compile(r"^gen-(?P<family>[a-z]+(?:-[a-z]+)*)-(?P<seed>0|[1-9][0-9]{0,18})$")

FAMILIES: dict[str, str] = {spec.name: spec.description for spec in SPECS}
_SPECS: dict[str, FamilySpec] = {spec.name: spec for spec in SPECS}


class UnknownFamilyError(LookupError):
    """No generator family has this name."""

    def __init__(self, family: str) -> None:
        shown = family if len(family) <= 60 else family[:57] + "..."
        super().__init__(f"unknown generator family {shown!r}; known families: {', '.join(FAMILIES)}")
        self.family = family


def generated_id(family: str, seed: int) -> str:
    """The question id of variant `seed` of `family`."""
    return f"{GENERATED_PREFIX}{family}-{seed}"


def parse_generated_id(question_id: str) -> tuple[str, int] | None:
    """(family, seed) when `question_id` is shaped like a generated id, else None (family not checked)."""
    match = _GENERATED_ID.match(question_id)
    if match is None:
        return None
    seed = int(match["seed"])
    return (match["family"], seed) if seed <= MAX_SEED else None


def family_topics(family: str) -> tuple[Topic, ...]:
    """The topics every variant of `family` is tagged with (UnknownFamilyError if there is no such family)."""
    return _spec(family).topics


def families_for(topic: Topic | None = None) -> list[str]:
    """Family names, all or only those tagged with `topic`, e.g. to mix generated items into a topic quiz."""
    return [spec.name for spec in SPECS if topic is None or topic in spec.topics]


def generate(family: str, seed: int) -> Question:
    """Variant `seed` of `family`: a numeric question whose exact answer numpy computed.

    Raises UnknownFamilyError for an unknown family and ValueError for a seed outside 0..2**63-1.
    """
    spec = _spec(family)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be an integer from 0 to {MAX_SEED}, got {seed!r}")
    variant = spec.build(np.random.default_rng(seed))
    return Question(
        id=generated_id(family, seed),
        prompt=variant.prompt,
        kind=Kind.NUMERIC,
        reference_answer=variant.reference_answer,
        explanation=variant.explanation,
        topics=list(spec.topics),
        difficulty=variant.difficulty,
        numeric=NumericAnswer(value=variant.value, tolerance=variant.tolerance),
        generator={"family": family, "seed": seed},
    )


def _spec(family: str) -> FamilySpec:
    spec = _SPECS.get(family) if isinstance(family, str) else None
    if spec is None:
        raise UnknownFamilyError(str(family))
    return spec
