"""Generated questions: reproducible from (family, seed), and the answer matches the numbers in the prompt.

Each check reads the parameters back out of the prompt text and recomputes the answer a different way
than the generator does (sliding windows over real arrays, counting weight tensors, plain-Python maths),
so a wrong formula, a wrong prompt or a drift between them fails.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from questions.generators import (
    FAMILIES,
    MAX_SEED,
    UnknownFamilyError,
    families_for,
    family_topics,
    generate,
    parse_generated_id,
)
from questions.schema import Kind, Question, Topic

SEEDS = st.integers(min_value=0, max_value=MAX_SEED)


def numbers(pattern: str, text: str) -> list[float]:
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} not in {text!r}"
    return [float(g) for g in match.groups()]


def vector(name: str, text: str) -> list[float]:
    match = re.search(rf"{name} = \[([^\]]*)\]", text)
    assert match is not None, text
    return [float(v) for v in match.group(1).split(",")]


def windows_2d(height: int, width: int, kernel: int, stride: int, padding: int) -> tuple[int, int]:
    """Count window positions by actually sliding a kernel over a padded array."""
    padded = np.pad(np.zeros((height, width)), padding)
    windows = sliding_window_view(padded, (kernel, kernel))[::stride, ::stride]
    return windows.shape[0], windows.shape[1]


def check_conv_output_size(q: Question) -> list[float]:
    filters, k, _, s, p, h, w, _ = numbers(
        r"with (\d+) filters of size (\d+)x(\d+), stride (\d+) and padding (\d+) .* shape (\d+)x(\d+)x(\d+)",
        q.prompt)
    out_h, out_w = windows_2d(int(h), int(w), int(k), int(s), int(p))
    return [out_h, out_w, filters]


def check_pool_output_size(q: Question) -> list[float]:
    f, _, s, h, w, c = numbers(r"A (\d+)x(\d+) max-pooling layer with stride (\d+) .* a (\d+)x(\d+)x(\d+)",
                               q.prompt)
    out_h, out_w = windows_2d(int(h), int(w), int(f), int(s), 0)
    return [out_h, out_w, c]


def check_dense_param_count(q: Question) -> float:
    match = re.search(r"layer sizes ([\d >-]+) \(input first\)", q.prompt)
    assert match is not None
    sizes = [int(v) for v in match.group(1).split("->")]
    params = 0
    for fan_in, fan_out in itertools.pairwise(sizes):
        params += np.zeros((fan_in, fan_out)).size + np.zeros(fan_out).size
    return params


def check_conv_param_count(q: Question) -> float:
    filters, k, _, c = numbers(r"has (\d+) filters of size (\d+)x(\d+), .* with (\d+) channels", q.prompt)
    weights = np.ones((int(k), int(k), int(c), int(filters))).sum()
    return float(weights + (filters if "with one bias per filter" in q.prompt else 0))


def check_softmax(q: Question) -> list[float]:
    logits = vector("logits", q.prompt.replace("the logits [", "logits = ["))
    exps = [math.exp(z) for z in logits]
    return [e / math.fsum(exps) for e in exps]


def check_neuron_output(q: Question) -> float:
    x, w = vector("x", q.prompt), vector("w", q.prompt)
    (b,) = numbers(r"bias b = (-?[\d.]+)", q.prompt)
    z = math.fsum(xi * wi for xi, wi in zip(x, w, strict=True)) + b
    activation = re.search(r"and a (\w+) activation", q.prompt)
    assert activation is not None
    return {"relu": max(0.0, z), "sigmoid": 1 / (1 + math.exp(-z)), "tanh": math.tanh(z), "linear": z}[
        activation.group(1)]


def check_same_padding(q: Question) -> float:
    k, _, d, n, _ = numbers(r"a (\d+)x(\d+) kernel, stride 1 and dilation (\d+) .* a (\d+)x(\d+) input",
                            q.prompt)
    kernel, dilation, size = int(k), int(d), int(n)
    dilated = np.zeros(dilation * (kernel - 1) + 1)  # the kernel with its holes
    for padding in range(dilated.size):
        padded = np.pad(np.zeros(size), padding)
        if padded.size >= dilated.size and sliding_window_view(padded, dilated.size).shape[0] == size:
            return padding
    raise AssertionError("no padding keeps the size")


def check_lstm_param_count(q: Question) -> float:
    hidden, features = numbers(r"with (\d+) units reads inputs of (\d+) features", q.prompt)
    gates = ("input", "forget", "cell", "output")
    shapes = [((int(hidden), int(features)), (int(hidden), int(hidden)), (int(hidden),)) for _ in gates]
    return sum(np.zeros(s).size for gate in shapes for s in gate)


def check_receptive_field(q: Question) -> float:
    layers = [(int(k), int(s)) for k, s in re.findall(r"(\d+)x\d+ stride (\d+)", q.prompt)]
    size = 512
    reach = np.eye(size, dtype=bool)  # which input pixels each position of the current layer sees
    for kernel, stride in layers:
        positions = range(0, reach.shape[0] - kernel + 1, stride)
        reach = np.array([reach[p : p + kernel].any(axis=0) for p in positions])
    seen = np.flatnonzero(reach[reach.shape[0] // 2])
    return float(seen[-1] - seen[0] + 1)  # the field is the span of input pixels, holes included


CHECKS: dict[str, Callable[[Question], float | list[float]]] = {
    "conv-output-size": check_conv_output_size,
    "pool-output-size": check_pool_output_size,
    "dense-param-count": check_dense_param_count,
    "conv-param-count": check_conv_param_count,
    "softmax": check_softmax,
    "neuron-output": check_neuron_output,
    "same-padding": check_same_padding,
    "lstm-param-count": check_lstm_param_count,
    "receptive-field": check_receptive_field,
}


def test_every_family_has_an_independent_check() -> None:
    assert set(CHECKS) == set(FAMILIES)
    assert len(FAMILIES) >= 6


@pytest.mark.parametrize("family", sorted(CHECKS))
@settings(max_examples=60, deadline=None)
@given(seed=SEEDS)
def test_answer_matches_independent_recomputation(family: str, seed: int) -> None:
    question = generate(family, seed)
    assert question.numeric is not None
    expected = np.atleast_1d(np.asarray(CHECKS[family](question), dtype=float))
    actual = np.asarray(question.numeric.values)
    assert actual.shape == expected.shape
    assert np.all(np.abs(actual - expected) <= question.numeric.tolerance + 1e-9), (question.prompt, expected)


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=25, deadline=None)
@given(seed=SEEDS)
def test_same_family_and_seed_give_the_same_question(family: str, seed: int) -> None:
    first, second = generate(family, seed), generate(family, seed)
    assert first == second
    assert first.id == f"gen-{family}-{seed}"
    assert first.generator == {"family": family, "seed": seed}
    assert parse_generated_id(first.id) == (family, seed)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generated_questions_are_well_formed(family: str) -> None:
    prompts = set()
    for seed in range(30):
        question = generate(family, seed)
        assert question.kind == Kind.NUMERIC
        assert question.sources == []
        assert question.topics == list(family_topics(family))
        assert question.reference_answer and question.explanation
        assert question.numeric is not None and question.numeric.tolerance >= 0
        prompts.add(question.prompt)
    assert len(prompts) >= 20, "seeds should give varied questions"


def test_softmax_probabilities_sum_to_one() -> None:
    for seed in range(50):
        numeric = generate("softmax", seed).numeric
        assert numeric is not None
        assert abs(sum(numeric.values) - 1) < 0.001


def test_unknown_family_is_a_clear_error() -> None:
    with pytest.raises(UnknownFamilyError, match=r"unknown generator family 'conv-size'.*conv-output-size"):
        generate("conv-size", 1)


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1])
def test_out_of_range_seed_is_a_clear_error(seed: int) -> None:
    with pytest.raises(ValueError, match="seed must be an integer"):
        generate("softmax", seed)


@pytest.mark.parametrize(
    ("question_id", "parsed"),
    [
        ("gen-softmax-0", ("softmax", 0)),
        ("gen-conv-output-size-42", ("conv-output-size", 42)),
        ("gen-softmax-007", None),
        ("gen-softmax-", None),
        ("gen--1", None),
        ("softmax-1", None),
        (f"gen-softmax-{MAX_SEED + 1}", None),
        ("gen-softmax-1" + "0" * 40, None),
    ],
)
def test_parse_generated_id(question_id: str, parsed: tuple[str, int] | None) -> None:
    assert parse_generated_id(question_id) == parsed


def test_families_by_topic() -> None:
    assert set(families_for(Topic.CNN)) >= {"conv-output-size", "pool-output-size", "same-padding"}
    assert families_for(Topic.RNN_LSTM) == ["lstm-param-count"]
    assert families_for() == list(FAMILIES)
