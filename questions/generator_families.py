"""The parametric question families: each draws its numbers from a numpy Generator and computes the answer.

A builder only decides numbers and words; `questions.generators` turns the result into a Question with a
stable id. Numbers are drawn in small, interview-sized ranges so the arithmetic is doable by hand, and
answers are computed with numpy, never typed in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from questions.schema import Difficulty, Topic

Rng = np.random.Generator


@dataclass(frozen=True)
class Variant:
    """One drawn question before it becomes a Question: text, exact answer and how it was worked out."""

    prompt: str
    value: int | float | list[int] | list[float]
    reference_answer: str
    explanation: str
    difficulty: Difficulty
    tolerance: float = 0.0


def _pick(rng: Rng, choices: list[int]) -> int:
    return int(choices[int(rng.integers(len(choices)))])


def _shape(values: list[int]) -> str:
    return "x".join(str(v) for v in values)


def conv_output_size(rng: Rng) -> Variant:
    height = int(rng.integers(5, 65))
    width = height if rng.random() < 0.7 else int(rng.integers(5, 65))
    kernel = _pick(rng, [k for k in (1, 3, 5, 7) if k <= min(height, width)])
    stride = _pick(rng, [1, 1, 2, 3])
    padding = int(rng.integers(0, kernel // 2 + 1))
    channels = _pick(rng, [1, 3, 16, 32])
    filters = _pick(rng, [8, 16, 32, 64, 128])
    spatial = np.floor_divide(np.array([height, width]) + 2 * padding - kernel, stride) + 1
    out = [int(spatial[0]), int(spatial[1]), filters]
    work = f"floor(({height} + 2*{padding} - {kernel}) / {stride}) + 1 = {out[0]}"
    if width != height:
        work += f" and floor(({width} + 2*{padding} - {kernel}) / {stride}) + 1 = {out[1]}"
    return Variant(
        prompt=(f"A convolutional layer with {filters} filters of size {kernel}x{kernel}, stride {stride} "
                f"and padding {padding} is applied to an input of shape {height}x{width}x{channels} "
                "(height x width x channels). What is the output shape (height x width x depth)? "
                "Round down when the filter does not fit evenly."),
        value=out,
        reference_answer=f"{_shape(out)}: {work}; the depth is the number of filters, {filters}.",
        explanation="Each spatial side is floor((n + 2p - k) / s) + 1; the output depth equals the number of "
                    "filters, whatever the input depth.",
        difficulty=Difficulty.FRESHER if stride == 1 and padding == 0 else Difficulty.EXPERIENCED,
    )


def pool_output_size(rng: Rng) -> Variant:
    size = _pick(rng, [2, 3])
    stride = _pick(rng, [size, size, 2, 1])
    height = int(rng.integers(4, 129))
    width = height if rng.random() < 0.7 else int(rng.integers(4, 129))
    channels = _pick(rng, [3, 16, 32, 64, 256])
    spatial = np.floor_divide(np.array([height, width]) - size, stride) + 1
    out = [int(spatial[0]), int(spatial[1]), channels]
    work = f"floor(({height} - {size}) / {stride}) + 1 = {out[0]}"
    if width != height:
        work += f", floor(({width} - {size}) / {stride}) + 1 = {out[1]}"
    return Variant(
        prompt=(f"A {size}x{size} max-pooling layer with stride {stride} and no padding is applied to a "
                f"{height}x{width}x{channels} feature map (height x width x channels). What is the output "
                "shape (height x width x depth)? Round down when the window does not fit evenly."),
        value=out,
        reference_answer=f"{_shape(out)}: {work}; pooling keeps the {channels} channels.",
        explanation="Each spatial side is floor((n - f) / s) + 1; pooling works per channel, so the depth "
                    "is kept.",
        difficulty=Difficulty.FRESHER,
    )


def dense_param_count(rng: Rng) -> Variant:
    sizes = [_pick(rng, [784, 512, 256, 100, 64, 32, 20])]
    sizes += [int(n) for n in rng.integers(2, 257, size=int(rng.integers(1, 4)))]
    sizes.append(_pick(rng, [1, 2, 10, 100]))
    layers = np.array(sizes)
    per_layer = layers[:-1] * layers[1:] + layers[1:]
    total = int(per_layer.sum())
    terms = " + ".join(f"({a}*{b} + {b})" for a, b in itertools.pairwise(sizes))
    return Variant(
        prompt=(f"A fully connected network has layer sizes {' -> '.join(map(str, sizes))} (input first), "
                "and every neuron has a bias. How many trainable parameters does it have?"),
        value=total,
        reference_answer=f"{total}: {terms} = {total}.",
        explanation="A dense layer from n inputs to m outputs has n*m weights and m biases.",
        difficulty=Difficulty.FRESHER if len(sizes) <= 3 else Difficulty.EXPERIENCED,
    )


def conv_param_count(rng: Rng) -> Variant:
    kernel = _pick(rng, [1, 3, 5, 7])
    channels = _pick(rng, [1, 3, 16, 32, 64])
    filters = _pick(rng, [8, 16, 32, 64, 128])
    bias = bool(rng.random() < 0.7)
    weights = np.zeros((filters, channels, kernel, kernel)).size
    total = int(weights + (filters if bias else 0))
    bias_text = "with one bias per filter" if bias else "without biases"
    return Variant(
        prompt=(f"A 2D convolutional layer has {filters} filters of size {kernel}x{kernel}, {bias_text}, and "
                f"receives an input with {channels} channels. How many trainable parameters does it have?"),
        value=total,
        reference_answer=(f"{total}: {kernel}*{kernel}*{channels}*{filters} = {weights} weights"
                          + (f" + {filters} biases" if bias else "") + "."),
        explanation="Each filter spans all input channels: k*k*C_in weights per filter, plus one bias each; "
                    "the input's height and width do not matter.",
        difficulty=Difficulty.EXPERIENCED,
    )


def softmax(rng: Rng) -> Variant:
    logits = rng.integers(-30, 31, size=int(rng.integers(3, 6))) / 10
    shifted = np.exp(logits - logits.max())
    probabilities = np.round(shifted / shifted.sum(), 4)
    shown = ", ".join(f"{z:g}" for z in logits)
    values = [float(p) for p in probabilities]
    exps = ", ".join(f"e^{z:g}" for z in logits)
    return Variant(
        prompt=(f"Compute the softmax of the logits [{shown}]. Give each probability to 3 decimal places."),
        value=values,
        reference_answer=f"[{', '.join(f'{p:.4f}' for p in values)}]: divide each of {exps} by their sum.",
        explanation="softmax(z)_i = exp(z_i) / sum_j exp(z_j); subtracting max(z) first changes nothing but "
                    "avoids overflow. The probabilities sum to 1.",
        difficulty=Difficulty.EXPERIENCED,
        tolerance=0.005,
    )


ACTIVATIONS = ("relu", "sigmoid", "tanh", "linear")


def neuron_output(rng: Rng) -> Variant:
    count = int(rng.integers(2, 5))
    inputs = rng.integers(-20, 21, size=count) / 10
    weights = rng.integers(-20, 21, size=count) / 10
    bias = float(rng.integers(-10, 11) / 10)
    activation = ACTIVATIONS[int(rng.integers(len(ACTIVATIONS)))]
    z = float(np.dot(inputs, weights) + bias)
    out = {
        "relu": float(np.maximum(z, 0.0)),
        "sigmoid": float(1 / (1 + np.exp(-z))),
        "tanh": float(np.tanh(z)),
        "linear": z,
    }[activation]
    value = round(out, 4) + 0.0
    vec = ", ".join(f"{v:g}" for v in inputs)
    wvec = ", ".join(f"{v:g}" for v in weights)
    return Variant(
        prompt=(f"A neuron has inputs x = [{vec}], weights w = [{wvec}], bias b = {bias:g} and a "
                f"{activation} activation. What is its output? Give it to 3 decimal places."),
        value=value,
        reference_answer=f"{value:.4f}: z = w.x + b = {z:.4f}, then {activation}(z) = {value:.4f}.",
        explanation="A neuron computes z = sum_i w_i x_i + b and outputs the activation of z "
                    "(relu: max(0, z); sigmoid: 1 / (1 + e^-z); tanh; linear: z itself).",
        difficulty=Difficulty.FRESHER,
        tolerance=0.005,
    )


def same_padding(rng: Rng) -> Variant:
    kernel = _pick(rng, [3, 5, 7, 9, 11])
    dilation = _pick(rng, [1, 1, 1, 2, 3])
    dilated = dilation * (kernel - 1) + 1
    size = int(rng.integers(max(8, dilated), 257))
    candidates = np.arange(dilated)
    padding = int(candidates[size + 2 * candidates - (dilated - 1) == size][0])
    return Variant(
        prompt=(f"A convolution with a {kernel}x{kernel} kernel, stride 1 and dilation {dilation} is applied "
                f"to a {size}x{size} input. How many zeros of padding are needed on each side so that the "
                "output is also "
                f"{size}x{size} ('same' padding)?"),
        value=padding,
        reference_answer=(f"{padding}: the dilated kernel spans {dilated} pixels and "
                          f"({dilated} - 1) / 2 = {padding}."),
        explanation="With stride 1 the output side is n + 2p - d(k - 1), so p = d(k - 1) / 2 keeps it at n.",
        difficulty=Difficulty.FRESHER if dilation == 1 else Difficulty.EXPERIENCED,
    )


def lstm_param_count(rng: Rng) -> Variant:
    features = int(rng.integers(1, 257))
    hidden = _pick(rng, [4, 8, 16, 32, 50, 64, 100, 128, 256])
    gates = np.zeros((4, hidden, features + hidden)).size
    total = int(gates + 4 * hidden)
    return Variant(
        prompt=(f"An LSTM layer with {hidden} units reads inputs of {features} features per time step. "
                "Counting one bias vector per gate (as Keras does), how many trainable parameters does it "
                "have?"),
        value=total,
        reference_answer=(f"{total}: 4 * ({hidden} * ({features} + {hidden}) + {hidden}) = {total}."),
        explanation="Each of the 4 gates (input, forget, cell candidate, output) has an input weight matrix, "
                    "a recurrent weight matrix and a bias: 4 * (h * (x + h) + h).",
        difficulty=Difficulty.SENIOR,
    )


def receptive_field(rng: Rng) -> Variant:
    count = int(rng.integers(2, 5))
    kernels = [_pick(rng, [1, 3, 3, 5, 7]) for _ in range(count)]
    strides = [_pick(rng, [1, 1, 2]) for _ in range(count)]
    jumps = np.cumprod([1, *strides[:-1]])
    field = int(1 + np.sum((np.array(kernels) - 1) * jumps))
    layers = ", ".join(f"{k}x{k} stride {s}" for k, s in zip(kernels, strides, strict=True))
    terms = " + ".join(f"({k}-1)*{j}" for k, j in zip(kernels, jumps, strict=True))
    return Variant(
        prompt=(f"A stack of convolution layers without dilation has, from input to output: {layers}. "
                "What is the receptive field, in input pixels along one side, of one unit of the last "
                "layer?"),
        value=field,
        reference_answer=f"{field}: 1 + {terms} = {field} (terms scaled by earlier strides).",
        explanation="r = 1 + sum_l (k_l - 1) * prod_{i<l} s_i: each layer widens the field by k - 1 steps of "
                    "the previous layers' combined stride.",
        difficulty=Difficulty.SENIOR,
    )


@dataclass(frozen=True)
class FamilySpec:
    """A family's name (the `<family>` of `gen-<family>-<seed>`), what it asks, its topics and builder."""

    name: str
    description: str
    topics: tuple[Topic, ...]
    build: Callable[[Rng], Variant]


SPECS: tuple[FamilySpec, ...] = (
    FamilySpec("conv-output-size", "output shape of a convolution layer", (Topic.CNN,), conv_output_size),
    FamilySpec("pool-output-size", "output shape of a pooling layer", (Topic.CNN,), pool_output_size),
    FamilySpec("dense-param-count", "trainable parameters of a fully connected network",
               (Topic.FUNDAMENTALS,), dense_param_count),
    FamilySpec("conv-param-count", "trainable parameters of a convolution layer", (Topic.CNN,),
               conv_param_count),
    FamilySpec("softmax", "softmax probabilities of a logit vector", (Topic.ACTIVATION_FUNCTIONS, Topic.MATH),
               softmax),
    FamilySpec("neuron-output", "output of one neuron: weighted sum, bias and activation",
               (Topic.FUNDAMENTALS, Topic.ACTIVATION_FUNCTIONS), neuron_output),
    FamilySpec("same-padding", "padding that keeps the input size ('same') at stride 1", (Topic.CNN,),
               same_padding),
    FamilySpec("lstm-param-count", "trainable parameters of an LSTM layer", (Topic.RNN_LSTM,),
               lstm_param_count),
    FamilySpec("receptive-field", "receptive field of a stack of convolution layers", (Topic.CNN,),
               receptive_field),
)
