"""Reading numbers the way people type them in chat: 1e-3, 1.4×10^9, 3/4, 1,000,000, 10x10, (10, 10),
[0.02, 0.06, ...], 75 %, 1.4 billion, 5 ms.

`parse_answer` returns every candidate reading; `numeric.py` decides which one the answer means and
grades it. Parsing is linear in the (capped) text and never raises.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

MAX_NUMERIC_CHARS = 2000

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_TIMES = r"(?:\s*(?:[x×✕*·]|\\times|\\cdot)\s*)"
# 1.4×10^9, 1.4 x 10^9, 1.4*10**9, 1.4e9, 1.4E-3, 10^-3
_SCIENTIFIC = re.compile(
    rf"(?P<mant>{_NUMBER})(?:{_TIMES}10\s*(?:\^|\*\*)\s*(?P<exp>[-+]?\d+)|[eE](?P<eexp>[-+]?\d+))"
    rf"|(?<![\d.])10\s*(?:\^|\*\*)\s*(?P<pexp>[-+]?\d+)"
)
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,]*\d)(?:\.\d+)?")
_UNDERSCORES = re.compile(r"(?<=\d)_(?=\d{3})")
_FRACTION = re.compile(rf"(?<![\d.])(?P<num>{_NUMBER})\s*/\s*(?P<den>\d+(?:\.\d+)?)(?![\d.])")
_SHAPE = re.compile(r"(?<![\d.])\d+(?:\s*(?:[x×✕*]|\bby\b)\s*\d+)+(?![\d.])", re.IGNORECASE)
_BRACKETED = re.compile(r"[\[(]([^\[\]()]{1,1000})[\])]")
_PLAIN = re.compile(rf"(?<![\w.]){_NUMBER}(?![\d])")
_ELLIPSIS = re.compile(r"\.\.\.|…")

# Magnitude words; single letters only count when attached to the number ("3k", "1.4B").
MAGNITUDES: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mio": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "t": 1e12,
}
# unit → (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "ns": ("time", 1e-9),
    "us": ("time", 1e-6),
    "µs": ("time", 1e-6),
    "μs": ("time", 1e-6),
    "ms": ("time", 1e-3),
    "s": ("time", 1.0),
    "sec": ("time", 1.0),
    "secs": ("time", 1.0),
    "second": ("time", 1.0),
    "seconds": ("time", 1.0),
    "min": ("time", 60.0),
    "minutes": ("time", 60.0),
    "h": ("time", 3600.0),
    "hours": ("time", 3600.0),
    "hour": ("time", 3600.0),
    "b": ("bytes", 1.0),
    "byte": ("bytes", 1.0),
    "bytes": ("bytes", 1.0),
    "kb": ("bytes", 1e3),
    "mb": ("bytes", 1e6),
    "gb": ("bytes", 1e9),
    "tb": ("bytes", 1e12),
    "kib": ("bytes", 1024.0),
    "mib": ("bytes", 1024.0**2),
    "gib": ("bytes", 1024.0**3),
    "bit": ("bits", 1.0),
    "bits": ("bits", 1.0),
    "%": ("ratio", 0.01),
    "percent": ("ratio", 0.01),
    "px": ("pixels", 1.0),
    "pixels": ("pixels", 1.0),
    "flops": ("flops", 1.0),
    "gflops": ("flops", 1e9),
    "tflops": ("flops", 1e12),
    "hz": ("freq", 1.0),
    "khz": ("freq", 1e3),
    "mhz": ("freq", 1e6),
    "ghz": ("freq", 1e9),
}
_UNIT_AFTER = re.compile(r"\s*([a-zA-Zµμ%]+)")


@dataclass(frozen=True)
class Reading:
    """One way to read the answer: its numbers, whether they form a shape or vector, and a unit."""

    values: tuple[float, ...]
    kind: str  # "scalar", "shape", "vector"
    unit: str | None = None
    truncated: bool = False  # a vector written with "..." (only a prefix given)


def _prepare(text: str) -> str:
    text = text[:MAX_NUMERIC_CHARS]
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPTS), text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("−", "-").replace("–", "-").replace("—", "-").replace("\u2009", " ")
    text = _UNDERSCORES.sub("", text)
    return _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)


def _finite(value: float) -> bool:
    return not (math.isnan(value) or math.isinf(value))


def _to_float(token: str) -> float | None:
    try:
        value = float(token)
    except (ValueError, OverflowError):
        return None
    return value if _finite(value) else None


def _scientific_value(match: re.Match[str]) -> float | None:
    try:
        if match.group("pexp") is not None:
            return _to_float(f"1e{int(match.group('pexp'))}")
        exponent = match.group("exp") if match.group("exp") is not None else match.group("eexp")
        return _to_float(f"{float(match.group('mant'))}e{int(exponent)}")
    except (ValueError, OverflowError):
        return None


def _unit_and_scale(text: str, end: int) -> tuple[str | None, float]:
    """A unit or magnitude word right after a number ("5 ms", "1.4 billion", "3k")."""
    match = _UNIT_AFTER.match(text, end)
    if not match:
        return None, 1.0
    word = match.group(1).lower()
    attached = match.start(1) == end
    if word in MAGNITUDES and (len(word) > 1 or attached):
        return None, MAGNITUDES[word]
    return (word if len(word) <= 12 else None), 1.0


def _scalars(text: str) -> list[tuple[int, float, str | None]]:
    """(position, value, unit) for every scalar, scientific and fraction forms first."""
    found: list[tuple[int, float, str | None]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _SCIENTIFIC.finditer(text):
        value = _scientific_value(match)
        if value is not None:
            unit, _ = _unit_and_scale(text, match.end())
            found.append((match.start(), value, unit))
            taken.append(match.span())
    for match in _FRACTION.finditer(text):
        if not free(*match.span()):
            continue
        num, den = _to_float(match.group("num")), _to_float(match.group("den"))
        if num is not None and den:
            unit, _ = _unit_and_scale(text, match.end())
            found.append((match.start(), num / den, unit))
            taken.append(match.span())
    for match in _PLAIN.finditer(text):
        if not free(*match.span()):
            continue
        value = _to_float(match.group(0))
        if value is None:
            continue
        unit, scale = _unit_and_scale(text, match.end())
        found.append((match.start(), value * scale, unit))
        taken.append(match.span())
    found.sort(key=lambda item: item[0])
    return found


def parse_answer(text: str) -> list[Reading]:
    """Every plausible reading of an answer, most structured first (shape, vector, then scalars)."""
    prepared = _prepare(text)
    readings: list[Reading] = []
    for match in _SHAPE.finditer(prepared):
        dims = [_to_float(d) for d in re.split(r"\s*(?:[x×✕*]|by)\s*", match.group(0), flags=re.IGNORECASE)]
        if len(dims) >= 2 and all(d is not None for d in dims):
            readings.append(Reading(tuple(d for d in dims if d is not None), "shape"))
    for match in _BRACKETED.finditer(prepared):
        inner = match.group(1)
        if "," not in inner and ";" not in inner:
            continue
        parts = [p for p in re.split(r"[,;]", inner) if p.strip()]
        values = [_scalars(p) for p in parts if not _ELLIPSIS.search(p)]
        if values and all(len(v) == 1 for v in values):
            kind = "shape" if match.group(0).startswith("(") else "vector"
            truncated = bool(_ELLIPSIS.search(inner))
            readings.append(Reading(tuple(v[0][1] for v in values), kind, truncated=truncated))
    for _, value, unit in _scalars(prepared):
        readings.append(Reading((value,), "scalar", unit))
    return readings


def scalars_in(text: str) -> list[float]:
    """All scalar values in reading order (for "= 28" style answers)."""
    return [value for _, value, _ in _scalars(_prepare(text))]


def convert(value: float, unit: str | None, expected_unit: str | None) -> tuple[float, bool]:
    """Convert a value from the answer's unit to the expected one; False when the units disagree."""
    if unit is None or expected_unit is None:
        return value, True
    have, want = UNITS.get(unit.lower()), UNITS.get(expected_unit.lower().strip())
    if unit.lower() == expected_unit.lower().strip():
        return value, True
    if have is None or want is None:
        # unknown words after a number ("5 layers") are not units we can judge; only known units clash
        return value, have is None
    if have[0] != want[0]:
        return value, False
    return value * have[1] / want[1], True
