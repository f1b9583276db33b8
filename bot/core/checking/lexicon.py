"""A deep-learning synonym lexicon: different words and phrases for the same idea map to one concept.

Interview answers say the same thing many ways ("labelled data", "annotated examples", "ground truth";
"backprop", "back-propagation"; "S-shaped", "logistic"), so comparing words alone punishes a correct answer
for its wording. Each group below is one concept; its first phrase names it. Abbreviations are expanded
into words first, so "DNN" meets "deep neural net" through the groups. Phrases are normalised through the
same pipeline as answers (`normalize.words` + `lemmatize.lemma`) the first time the lexicon is used, never at
import time.
"""

from __future__ import annotations

from functools import cache

from bot.core.checking.lemmatize import lemma
from bot.core.checking.normalize import words

# Single-token abbreviations expanded into words before lemmatising.
# fmt: off
EXPANSIONS: dict[str, str] = {
    "nn": "neural network", "nns": "neural networks", "ann": "artificial neural network",
    "anns": "artificial neural networks", "dnn": "deep neural network", "dnns": "deep neural networks",
    "cnn": "convolutional neural network", "cnns": "convolutional neural networks",
    "convnet": "convolutional neural network", "convnets": "convolutional neural networks",
    "rnn": "recurrent neural network", "rnns": "recurrent neural networks", "dl": "deep learning",
    "ml": "machine learning", "ai": "artificial intelligence", "mlp": "multilayer perceptron",
    "mlps": "multilayer perceptrons", "slp": "single layer perceptron", "lr": "learning rate",
    "sgd": "stochastic gradient descent", "gd": "gradient descent", "bn": "batch normalization",
    "batchnorm": "batch normalization", "ae": "autoencoder", "aes": "autoencoders",
    "vae": "variational autoencoder", "vaes": "variational autoencoders",
    "rbm": "restricted boltzmann machine", "rbms": "restricted boltzmann machines",
    "dbn": "deep belief network", "dbns": "deep belief networks", "nlp": "natural language processing",
    "cv": "computer vision", "fc": "fully connected", "mse": "mean squared error",
    "asr": "speech recognition", "tts": "text to speech", "rl": "reinforcement learning",
    "drl": "deep reinforcement learning", "e2e": "end to end", "val": "validation", "acc": "accuracy",
    "gan": "generative adversarial network", "gans": "generative adversarial networks",
    "backprop": "backpropagation", "autograd": "automatic differentiation",
    "autodiff": "automatic differentiation", "hyperparams": "hyperparameters",
    "hyperparam": "hyperparameter", "gpus": "gpu", "tpus": "tpu", "maxpool": "max pooling",
    "matmul": "matrix multiplication", "xor": "xor", "relu": "relu", "nonlinear": "non linear",
    "nonlinearity": "non linearity", "nonlinearities": "non linearities", "pretrained": "pre trained",
    "pretraining": "pre training", "pretrain": "pre train", "finetune": "fine tune",
    "finetuning": "fine tuning", "finetuned": "fine tuned", "multilayer": "multi layer",
    "feedforward": "feed forward", "elementwise": "element wise", "entrywise": "element wise",
    "autoencoder": "autoencoder", "dataset": "data", "datasets": "data", "overfit": "overfit",
}
# fmt: on

# Each tuple is one concept; the first phrase names it.
# fmt: off
GROUPS: tuple[tuple[str, ...], ...] = (
    ("neural network", "neural net", "artificial neural network", "artificial neural net", "network",
        "net", "neural model",),
    ("convolutional neural network", "convolutional network", "convolutional net", "conv net"),
    ("recurrent neural network", "recurrent network", "recurrent net"),
    ("lstm", "long short term memory"),
    ("gru", "gated recurrent unit"),
    ("transformer", "transformers"),
    ("generative adversarial network", "generative adversarial net", "adversarial network"),
    ("autoencoder", "auto encoder"),
    ("restricted boltzmann machine", "rbm"),
    ("deep belief network", "deep belief net"),
    ("multi layer perceptron", "multi layer network", "multi layer neural network"),
    ("single layer perceptron", "single layer network", "one layer perceptron", "single perceptron"),
    ("feed forward", "fully connected network"),
    ("fully connected", "dense", "dense layer", "fully connected layer", "linear layer"),
    ("deep learning", "deep neural learning"),
    ("machine learning", "statistical learning"),
    ("artificial intelligence",),
    ("input layer", "first layer"),
    ("hidden layer", "middle layer", "intermediate layer", "inner layer"),
    ("output layer", "last layer", "final layer", "top layer", "classification layer"),
    ("kernel", "filter", "convolution filter", "convolution kernel"),
    ("feature map", "activation map", "response map"),
    ("pooling", "pool"),
    ("downsample", "downsampling", "subsampling", "subsample", "reduce spatial size"),
    ("max pooling", "max pool"),
    ("flatten", "flattening"),
    ("parameter", "weight", "param", "coefficient"),
    ("bias", "offset", "intercept"),
    ("weighted sum", "linear combination", "weighted combination", "weighted total"),
    ("neuron", "unit", "node", "perceptron unit", "cell"),
    ("encoder", "encoding network"),
    ("decoder", "decoding network"),
    ("latent code", "latent space", "latent representation", "latent vector", "code", "bottleneck",
        "compressed representation", "embedding", "latent",),
    ("feature", "representation", "learned feature"),
    ("hierarchical", "hierarchy", "layer by layer", "increasingly abstract", "progressively abstract"),
    ("abstract", "high level"),
    ("activation function", "activation", "transfer function", "squashing function"),
    ("non linear", "non linearity", "nonlinear", "non linearly"),
    ("sigmoid", "logistic", "logistic function", "logistic sigmoid", "logistic curve",
        "sigmoid function", "sigmoid curve",),
    ("tanh", "hyperbolic tangent"),
    ("relu", "rectified linear unit", "rectifier", "rectified linear"),
    ("leaky relu", "leaky rectified linear unit", "leaky rectifier"),
    ("prelu", "parametric relu", "parametric rectified linear unit", "parametric rectifier"),
    ("swish", "silu", "sigmoid linear unit"),
    ("step function", "binary step", "unit step", "heaviside", "threshold function"),
    ("dead relu", "dying relu", "dead neuron", "dead unit", "dying neuron", "dying unit",
        "stuck at zero", "stuck at 0",),
    ("saturate", "saturation", "flat region", "flat regions"),
    ("zero centered", "centered on zero", "centered around zero", "centered at zero", "zero mean",
        "mean zero", "symmetric around zero", "centered around 0", "centered at 0", "0 centered",
        "balanced around zero", "balanced around 0",),
    ("s shaped", "s curve", "s shape", "sigmoidal"),
    ("sum to one", "sum to 1", "sums to one", "sums to 1", "add up to 1", "add up to one",
        "adds up to 1", "adds up to one", "add to 1", "add to one", "normalized to 1",),
    ("probability distribution", "distribution over class", "probability vector"),
    ("probability", "probabilities", "likelihood", "confidence score"),
    ("multi class", "multiclass", "multiple class", "many class", "several class", "more than two class"),
    ("mutually exclusive", "mutually exclusive class", "exclusive class"),
    ("binary", "two class", "yes no", "2 class"),
    ("backpropagation", "back propagation", "backward pass", "backpropagate"),
    ("gradient descent", "gradient based optimization", "steepest descent"),
    ("gradient", "derivative", "slope"),
    ("vanish", "fade", "disappear", "diminish", "shrink to zero", "die out"),
    ("explode", "blow up", "blows up", "explosion"),
    ("vanishing gradient", "vanishing gradient problem", "gradient vanish", "gradient vanishing"),
    ("exploding gradient", "exploding gradient problem", "gradient explode", "gradient explosion"),
    ("learning rate", "step size"),
    ("loss", "loss function", "cost", "cost function", "objective", "objective function", "error function"),
    ("mean squared error", "squared error", "l2 loss"),
    ("cross entropy", "log loss", "cross entropy loss"),
    ("train", "fit", "learn", "optimize"),
    ("converge", "convergence", "converges"),
    ("overfit", "overfitting", "memorize", "memorization", "memorise", "high variance"),
    ("underfit", "underfitting"),
    ("generalize", "generalization", "generalise"),
    ("dropout", "drop out"),
    ("weight decay", "l2 regularization", "l2 penalty", "ridge penalty", "l2"),
    ("regularization", "regularize", "regularizer"),
    ("batch normalization", "batch norm"),
    ("data augmentation", "augmentation", "augment", "augmented data"),
    ("early stopping", "stop early", "stopping early", "stop training early"),
    ("normalize", "normalization", "rescale", "scale input"),
    ("standardize", "standardization", "z score", "zero mean unit variance", "zero mean and unit variance"),
    ("initialization", "initialize", "init", "initial value", "starting value", "starting weight",
        "initial weight", "start value",),
    ("xavier", "glorot"),
    ("kaiming", "he initialization", "he init", "he normal", "he uniform"),
    ("break symmetry", "symmetry breaking", "break the symmetry", "breaking symmetry"),
    ("hyperparameter", "hyper parameter"),
    ("optimizer", "optimiser"),
    ("epoch",),
    ("pre train", "pre training", "pre trained"),
    ("fine tune", "fine tuning", "fine tuned"),
    ("transfer learning",),
    ("end to end", "end 2 end"),
    ("jointly", "simultaneously", "all at once", "at the same time", "together"),
    ("directly", "straight", "straight from", "direct"),
    ("pipeline", "multi stage", "multistage", "separate stage", "separate module", "chain of step"),
    ("automatic differentiation", "automatic gradient"),
    ("label", "labeled", "labelled", "annotated", "annotation", "ground truth", "target", "tagged",
        "tag", "correct answer", "desired output",),
    ("unlabeled", "unlabelled", "without label", "no label", "unannotated", "without target",
        "no target", "without any label", "no labels at all",),
    ("data", "example", "sample", "training example", "training data", "observation", "instance"),
    ("raw", "unprocessed", "raw input", "raw data"),
    ("much data", "lot of data", "large amount of data", "large data", "big data", "data hungry",
        "massive data", "huge data", "more data", "ton of data", "large volume of data", "vast data",),
    ("image", "picture", "photo", "photograph", "pixel"),
    ("audio", "sound", "speech", "voice"),
    ("text", "language", "word", "sentence"),
    ("tabular", "structured data", "spreadsheet", "table", "tabular data"),
    ("unstructured", "unstructured data"),
    ("sequence", "sequential", "time series"),
    ("validation", "held out", "holdout", "dev set", "validation set", "validation data"),
    ("accuracy",),
    ("feature engineering", "hand engineered feature", "handcrafted feature", "hand crafted feature",
        "hand designed feature", "manual feature", "manually engineered", "hand engineer", "hand craft",
        "handcraft", "feature extraction by hand", "manual feature extraction", "engineered feature",),
    ("rule", "rule based", "hand written rule", "hard coded", "hand coded", "explicitly programmed",
        "explicit programming", "if else", "expert system", "handwritten rule",),
    ("classification", "classify", "classifier", "categorize", "categorization"),
    ("regression", "predict a number", "continuous output"),
    ("cluster", "clustering", "grouping"),
    ("dimensionality reduction", "dimension reduction", "reduce dimensionality", "reduce dimension",
        "reducing dimension", "fewer dimension", "low dimensional", "lower dimensional",),
    ("compress", "compression", "squeeze", "squeeze down"),
    ("reconstruct", "reconstruction", "rebuild", "recreate", "reproduce"),
    ("denoise", "denoising", "remove noise", "noise removal", "clean up noise"),
    ("anomaly", "outlier", "abnormal", "anomaly detection", "outlier detection", "novelty detection"),
    ("object detection", "detect object", "detecting object"),
    ("speech recognition", "speech to text", "voice recognition", "transcription", "transcribe"),
    ("machine translation", "translation", "translate"),
    ("recommendation", "recommender", "recommend", "recommender system", "recommendation system"),
    ("self driving", "autonomous driving", "autonomous vehicle", "driverless", "self driving car"),
    ("face recognition", "facial recognition", "face id", "face unlock"),
    ("chatbot", "chat bot", "conversational agent", "virtual assistant", "voice assistant"),
    ("generate", "generation", "generative", "synthesize", "synthesis", "create new"),
    ("predict", "prediction", "forecast"),
    ("pytorch", "torch"),
    ("tensorflow", "tf"),
    ("meta", "facebook"),
    ("dynamic graph", "define by run", "eager execution", "eager mode", "dynamic computation graph"),
    ("static graph", "define and run", "static computation graph"),
    ("deploy", "deployment", "in production", "serving", "serve"),
    ("gpu", "graphics card", "graphics processing unit", "cuda"),
    ("compute", "computation", "computational", "computing power", "computational resource",
        "processing power", "computational cost", "compute resource",),
    ("expensive", "costly", "pricey", "high cost", "resource intensive", "resource hungry"),
    ("cheap", "inexpensive", "efficient", "low cost", "lightweight"),
    ("interpretable", "interpretability", "explainable", "explainability", "transparent", "transparency"),
    ("black box", "opaque", "hard to interpret", "difficult to interpret", "hard to explain",
        "difficult to explain", "uninterpretable", "not interpretable", "less interpretable",
        "lower interpretability", "lack of interpretability", "poor interpretability",
        "harder to interpret", "hard to understand why", "not explainable", "unexplainable",),
    ("fast", "quick", "quickly", "rapid", "speed up", "faster"),
    ("slow", "slowly", "slower", "long time", "take long", "time consuming"),
    ("large", "big", "huge", "massive", "enormous", "vast", "larger", "bigger"),
    ("small", "tiny", "little", "smaller"),
    ("hard", "difficult", "tricky", "challenging", "harder"),
    ("easy", "straightforward", "easier"),
    ("many", "lot", "lots", "numerous", "multiple", "several", "plenty", "bunch"),
    ("only", "just", "solely", "merely", "purely"),
    ("need", "must", "require", "have to", "has to", "necessary", "needed", "required"),
    ("stochastic", "random", "randomly", "randomness", "randomized"),
    ("mirror", "mirror image", "symmetric", "symmetrical"),
    ("identical", "same", "equal", "clone"),
    ("same shape", "same size", "same dimension", "identical shape", "equal size", "equal shape",
        "matching shape", "matching dimension",),
    ("element wise", "hadamard", "entry wise", "point wise", "schur product", "element by element"),
    ("matrix multiplication", "matrix product", "dot product of matrices"),
    ("capacity", "expressive power", "expressiveness", "representational power",
        "representational capacity", "representation power", "expressivity",),
    ("universal approximation", "universal approximator", "approximate any function",
        "approximate any continuous function",),
    ("linearly separable", "linear separable", "separable by a line", "separable by a hyperplane",
        "separable by a straight line",),
    ("hyperplane", "straight line", "linear boundary", "linear decision boundary", "flat plane"),
    ("subset", "subfield", "sub field", "subcategory", "branch", "part of", "nested",
        "special case", "type of", "form of",),
    ("intelligent", "intelligence", "act smart", "smart", "intelligently"),
    ("human", "people", "person"),
    ("brain", "biological neuron"),
    ("energy", "energy function", "energy based"),
    ("difference", "differ", "distinguish", "contrast", "versus", "compared"),
)
# fmt: on


@cache
def _normal(phrase: str) -> tuple[str, ...]:
    out: list[str] = []
    for word in words(phrase.lower()):
        for part in expand(word):
            if part not in ARTICLES:
                out.append(lemma(part))
    return tuple(out)


ARTICLES = frozenset({"a", "an", "the"})


@cache
def phrase_table() -> dict[str, dict[tuple[str, ...], str]]:
    """First lemma → {lemma sequence → concept id}; built once, on first use, never at import time."""
    table: dict[str, dict[tuple[str, ...], str]] = {}
    for group in GROUPS:
        concept = "_".join(_normal(group[0]))
        for phrase in group:
            key = _normal(phrase)
            if key:
                table.setdefault(key[0], {}).setdefault(key, concept)
    return table


@cache
def expand(word: str) -> tuple[str, ...]:
    """An abbreviation's words ("mlp" → multi, layer, perceptron), or the word itself."""
    expanded = EXPANSIONS.get(word)
    if not expanded or expanded == word:
        return (word,)
    return tuple(part for piece in expanded.split() for part in (EXPANSIONS.get(piece, piece).split()))


def concepts(lemmas: list[str]) -> list[tuple[str, int, int]]:
    """Greedy longest-match of lexicon phrases over a lemma sequence.

    Returns (concept or lemma, start index, end index) triples covering the sequence, so callers can keep
    per-token attributes such as negation.
    """
    table = phrase_table()
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(lemmas)
    while i < n:
        candidates = table.get(lemmas[i])
        match: tuple[str, int] | None = None
        if candidates:
            for key, concept in candidates.items():
                if (
                    len(key) <= n - i
                    and (match is None or len(key) > match[1])
                    and (len(key) == 1 or tuple(lemmas[i : i + len(key)]) == key)
                ):
                    match = (concept, len(key))
        if match is None:
            out.append((lemmas[i], i, i + 1))
            i += 1
        else:
            out.append((match[0], i, i + match[1]))
            i += match[1]
    return out


# Everyday concepts among the groups above: not evidence of a technical claim.
# fmt: off
_GENERAL_GROUPS = frozenset(
    {
        "fast", "slow", "large", "small", "hard", "easy", "many", "only", "identical", "difference",
        "human", "jointly", "directly", "intelligent", "abstract", "brain",
    }
)
# fmt: on

# Technical words outside the synonym groups (lemmatised on first use).
DOMAIN_TERMS = """
    sklearn scikit pandas numpy scipy keras jax mxnet caffe theano cntk chainer onnx cuda tpu cpu svm
    forest tree kmeans xgboost lightgbm boosting bagging bayes bayesian lasso ridge pca tsne umap knn
    markov hmm dataframe tensor tensors batch minibatch adam adagrad rmsprop momentum nesterov softmax
    softplus softsign elu gelu selu hinge entropy logit logits epoch neuron perceptron gradient jacobian
    hessian optimizer matrix vector scalar convolution stride padding embedding attention token
    tokenizer vocabulary encoder decoder latent bottleneck residual skip resnet vgg alexnet inception
    mobilenet efficientnet unet yolo bert gpt transformer lstm gru rnn cnn gan vae rbm dbn autoencoder
    backpropagation overfit underfit regularization dropout normalization augmentation precision recall
    accuracy f1 auc roc loss cost objective variance bias hyperparameter parameter weight layer node
    kernel filter pooling flatten dense sigmoid tanh relu swish xavier glorot kaiming he init
    initialization convergence divergence saddle minimum minima maximum optimum plateau learning rate
    schedule decay warmup clipping exploding vanishing saturation activation logistic regression
    classification clustering supervised unsupervised reinforcement reward policy agent q-learning
    markov pixel channel rgb grayscale feature label annotation dataset validation test train inference
    deployment quantization pruning distillation transfer finetune pretrain freeze backbone head
    """


@cache
def domain_concepts() -> frozenset[str]:
    """Concepts that name technical things: an answer's claims are made of these."""
    table = phrase_table()
    grouped = {c for entries in table.values() for c in entries.values()} - set(_GENERAL_GROUPS)
    extra = set()
    for term in DOMAIN_TERMS.split():
        key = _normal(term)
        if len(key) == 1:
            extra.add(table.get(key[0], {}).get(key, key[0]))
    return frozenset(grouped | extra)


@cache
def components() -> dict[str, tuple[str, ...]]:
    """Multi-word concept → the single-word concepts of its naming phrase ("vanish_gradient" → vanish,
    gradient), so an answer that says "the gradients vanish" still states "vanishing gradient"."""
    table = phrase_table()
    out: dict[str, tuple[str, ...]] = {}
    for group in GROUPS:
        key = _normal(group[0])
        if len(key) < 2:
            continue
        concept = "_".join(key)
        parts = tuple(dict.fromkeys(table.get(part, {}).get((part,), part) for part in key))
        if len(parts) >= 2 and concept not in parts:
            out[concept] = parts
    return out


def concept_of(phrase: str) -> str:
    """The concepts a phrase normalises to, space-separated (for tests, feedback and debugging)."""
    return " ".join(concept for concept, _, _ in concepts(list(_normal(phrase))))
