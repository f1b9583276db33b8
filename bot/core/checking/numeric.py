"""Grading numeric answers: scalars, shapes and vectors, with the question's tolerance and units.

Which number does an answer mean? A structured reading (a shape like 10x10, a bracketed vector) when the
question expects several components; otherwise the number after the last "=" if there is one, else the
first number. Working shown around the result ("(32-5)/1+1 = 28") is therefore fine, but listing several
guesses is not rewarded.
"""

from __future__ import annotations

import math
import re

from bot.core.checking.grade import Grade, verdict_for
from bot.core.checking.numbers import Reading, convert, parse_answer, scalars_in
from questions.schema import NumericAnswer, Question

_EQUALS_TAIL = re.compile(r"=([^=]*)$")


def _decimals(value: float) -> int:
    text = f"{value:.12g}"
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".")[1])


def close(answer: float, expected: float, spec: NumericAnswer) -> bool:
    """Within the question's absolute or relative tolerance, or rounded at the precision the answer shows.

    Rounding is accepted only for a non-integer expected value, a question without its own tolerance,
    and an answer with two or more significant digits ("0.032" for 0.0321), so "0" never passes for 0.4.
    """
    allowed = max(
        float(spec.tolerance), float(spec.relative_tolerance) * abs(expected), 1e-9 * max(1.0, abs(expected))
    )
    if abs(answer - expected) <= allowed:
        return True
    if spec.tolerance or spec.relative_tolerance or float(expected).is_integer():
        return False
    mantissa = f"{abs(answer):.12g}".split("e")[0].replace(".", "").lstrip("0")
    if len(mantissa) < 2:
        return False
    return abs(answer - expected) <= 0.5 * 10 ** (-_decimals(answer)) + 1e-12


def _component_credit(values: tuple[float, ...], expected: list[float], spec: NumericAnswer) -> float:
    hits = sum(1 for a, e in zip(values, expected, strict=False) if close(a, e, spec))
    return hits / max(len(values), len(expected))


def _main_scalar(answer: str, readings: list[Reading]) -> Reading | None:
    scalars = [r for r in readings if r.kind == "scalar"]
    if not scalars:
        return None
    tail = _EQUALS_TAIL.search(answer)
    if tail:
        after = scalars_in(tail.group(1))
        for reading in scalars:
            if after and math.isclose(reading.values[0], after[0], rel_tol=1e-12, abs_tol=1e-15):
                return reading
    return scalars[0]


def _unit_check(reading: Reading, spec: NumericAnswer) -> tuple[float, bool]:
    value, ok = convert(reading.values[0], reading.unit, spec.units)
    return value, ok


def grade_numeric(question: Question, answer: str) -> Grade:
    """Grade a numeric answer against `question.numeric` (value(s), tolerance, units)."""
    spec = question.numeric
    if spec is None:
        return Grade(0.0, verdict_for(0.0), feedback="This question has no numeric answer to compare with.")
    expected = spec.values
    readings = parse_answer(answer)
    shown = _shown(expected, spec)
    if not readings:
        return Grade(0.0, verdict_for(0.0), feedback=f"No number found in your answer; expected {shown}.")
    structured = [r for r in readings if r.kind in ("shape", "vector")]
    if len(expected) > 1:
        return _grade_several(expected, spec, structured, readings, shown)
    main = _main_scalar(answer, readings)
    if main is None:
        # only a shape or vector: right if it multiplies out to, or repeats, the expected scalar
        reading = structured[0]
        product = math.prod(reading.values)
        if close(product, expected[0], spec) or all(close(v, expected[0], spec) for v in reading.values):
            return Grade(1.0, verdict_for(1.0), feedback=f"Correct ({shown}).")
        return Grade(0.0, verdict_for(0.0), feedback=f"Expected a single number, {shown}.")
    value, unit_ok = _unit_check(main, spec)
    if close(value, expected[0], spec):
        if not unit_ok:
            return Grade(
                0.5,
                verdict_for(0.5),
                feedback=f"Right number but the unit '{main.unit}' does not fit; expected {shown}.",
            )
        return Grade(1.0, verdict_for(1.0), feedback=f"Correct ({shown}).")
    if main.unit == "%" and close(value / 100.0, expected[0], spec):
        return Grade(1.0, verdict_for(1.0), feedback=f"Correct ({shown}).")
    for reading in structured:
        if close(math.prod(reading.values), expected[0], spec):
            return Grade(1.0, verdict_for(1.0), feedback=f"Correct ({shown}).")
    return Grade(0.0, verdict_for(0.0), feedback=f"Not quite: expected {shown}, you gave {_fmt(value)}.")


def _grade_several(
    expected: list[float], spec: NumericAnswer, structured: list[Reading], readings: list[Reading], shown: str
) -> Grade:
    candidates = [r for r in structured if len(r.values) >= 2]
    if not candidates:
        scalars = [r.values[0] for r in readings if r.kind == "scalar"]
        if len(scalars) >= len(expected):
            candidates = [Reading(tuple(scalars[: len(expected)]), "vector")]
        elif len(scalars) == 1 and all(close(scalars[0], e, spec) for e in expected):
            return Grade(0.8, verdict_for(0.8), feedback=f"Right size; give the full shape, {shown}.")
        elif scalars:
            candidates = [Reading(tuple(scalars), "vector")]
    best = 0.0
    for reading in candidates:
        credit = _component_credit(reading.values, expected, spec)
        if reading.truncated and len(reading.values) < len(expected):
            credit = sum(
                1 for a, e in zip(reading.values, expected, strict=False) if close(a, e, spec)
            ) / len(expected)
        best = max(best, credit)
    if best >= 1.0:
        return Grade(1.0, verdict_for(1.0), feedback=f"Correct ({shown}).")
    if best > 0:
        return Grade(best, verdict_for(best), feedback=f"Partly right: expected {shown}.")
    return Grade(0.0, verdict_for(0.0), feedback=f"Not quite: expected {shown}.")


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _shown(expected: list[float], spec: NumericAnswer) -> str:
    unit = f" {spec.units}" if spec.units else ""
    if len(expected) == 1:
        return _fmt(expected[0]) + unit
    if isinstance(spec.value, list) and len(expected) <= 4 and all(float(v).is_integer() for v in expected):
        return "x".join(_fmt(v) for v in expected) + unit
    return "[" + ", ".join(_fmt(v) for v in expected) + "]" + unit
