"""The seed importer: the four real scraped pages, small synthetic pages of each layout, and bad input."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from questions.seed_formats import ParsedPage
from questions.seed_layouts import detect_layout
from questions.seeds import (
    MAX_SEED_BYTES,
    DraftItem,
    SeedImportError,
    group_duplicates,
    import_seeds,
    parse_page,
    parse_seed,
)

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds"
KNOWLEDGEHUT = "000_bab35837ab9e8311.txt"
INTERVIEWBIT = "001_22eb0f6a6019296a.txt"
HEADINGS = "002_ca822ca1b4489d85.txt"
TOP100 = "003_d5fb90dcbc761904.txt"

# Text that belongs to the sites' menus, promotions and footers, never to an answer.
NAVIGATION = (
    "view all courses",
    "rating",
    "question(s)",
    "reader(s)",
    "mins of read",
    "filter by",
    "click here",
    "copyright",
    "©",
    "interview",
    "knowledgehut",
    "intellipaat",
    "bootcamp",
    "certification",
    "mentorship",
    "salary",
    "privacy policy",
    "may 5, 2021",
    "become an artificial intelligence engineer",
    "next set of",
    "detecthand",
)


@pytest.fixture(scope="module")
def seed_dir() -> Path:
    if not SEEDS.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"seed pages missing at {SEEDS}")
        pytest.skip(f"seed pages not available at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="module")
def pages(seed_dir: Path) -> dict[str, ParsedPage]:
    return {name: parse_page(seed_dir / name) for name in (KNOWLEDGEHUT, INTERVIEWBIT, HEADINGS, TOP100)}


@pytest.fixture(scope="module")
def items(pages: dict[str, ParsedPage]) -> dict[str, list[DraftItem]]:
    return {name: list(page.items) for name, page in pages.items()}


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def item_asking(items: list[DraftItem], question: str) -> DraftItem:
    matches = [item for item in items if item.question == question]
    assert len(matches) == 1, f"{question!r}: {len(matches)} items"
    return matches[0]


def group_of(groups: list[list[DraftItem]], item: DraftItem) -> list[DraftItem] | None:
    return next((group for group in groups if item in group), None)


# --- the real pages ------------------------------------------------------------------------------------


def test_each_page_layout_is_recognised_from_its_content(pages: dict[str, ParsedPage]) -> None:
    layouts = {name: page.layout for name, page in pages.items()}
    assert layouts == {
        KNOWLEDGEHUT: "answers-only",
        INTERVIEWBIT: "markdown-numbered",
        HEADINGS: "heading-lines",
        TOP100: "numbered",
    }


def test_top100_has_every_numbered_question_in_order(
    seed_dir: Path, items: dict[str, list[DraftItem]]
) -> None:
    numbered = [
        m.group(2) for line in lines_of(seed_dir / TOP100) if (m := re.match(r"^(\d{1,3})[).] (.+)$", line))
    ]
    assert len(numbered) == 100
    assert [item.question for item in items[TOP100]] == numbered


def test_interviewbit_has_every_question_of_its_index(
    seed_dir: Path, items: dict[str, list[DraftItem]]
) -> None:
    lines = lines_of(seed_dir / INTERVIEWBIT)
    first_section = next(i for i, line in enumerate(lines) if line.startswith("# Let's get Started"))
    index = [m.group(1) for line in lines[:first_section] if (m := re.match(r"^\d{1,2}\. (.+)$", line))]
    assert len(index) == 36
    questions = {item.question for item in items[INTERVIEWBIT]}
    assert set(index) <= questions
    # Plus the unnumbered "What is Deep Learning?" section that opens the page.
    assert 36 <= len(items[INTERVIEWBIT]) <= 37


def test_heading_page_has_one_item_per_topic(items: dict[str, list[DraftItem]]) -> None:
    page = items[HEADINGS]
    assert 48 <= len(page) <= 53
    assert all(item.question and item.answer for item in page)
    update_rule = item_asking(page, "Gradient Descent Update Rule")
    assert "θ := θ - α * ∇J(θ)" in update_rule.answer  # a formula line is an answer, not a heading


def test_knowledgehut_items_come_close_to_the_40_questions_it_claims(
    items: dict[str, list[DraftItem]],
) -> None:
    page = items[KNOWLEDGEHUT]
    assert 36 <= len(page) <= 44
    assert sum(item.question is None for item in page) >= len(page) - 3
    assert all("question-lost" in item.flags for item in page if item.question is None)
    # Markers between answers and answer openers put these at the start of an item.
    starts = {item.answer.splitlines()[0] for item in page}
    for opener in (
        "**Answer:** [5]",
        "**Answer:** 0, 1, 2",
        "Correct answer option is D.",
        "No, CNNs cannot.",
    ):
        assert opener in starts


def test_knowledgehut_repeated_block_is_collapsed(
    seed_dir: Path, pages: dict[str, ParsedPage], items: dict[str, list[DraftItem]]
) -> None:
    lines = lines_of(seed_dir / KNOWLEDGEHUT)
    first_answer = lines[197]
    assert first_answer.startswith("Deep Learning is a branch of machine learning")
    second_copy = lines.index(first_answer, 198) + 1  # 1-based line of the repeat
    page = items[KNOWLEDGEHUT]
    assert all(item.lines[1] < second_copy for item in page)
    answers = [item.answer for item in page]
    assert len(set(answers)) == len(answers)
    assert pages[KNOWLEDGEHUT].collapsed_items >= 35


def test_knowledgehut_count_equals_one_copy_of_the_block(
    seed_dir: Path, items: dict[str, list[DraftItem]], tmp_path: Path
) -> None:
    lines = lines_of(seed_dir / KNOWLEDGEHUT)
    second_copy = lines.index(lines[197], 198)
    footer = next(i for i, line in enumerate(lines) if line.startswith("Deep Learning is a subfield"))
    single = tmp_path / "single_copy.txt"
    # Blank lines keep the line numbers of the kept part and the footer unchanged.
    single.write_text("\n".join(lines[:second_copy] + [""] * (footer - second_copy) + lines[footer:]))
    once = parse_page(single)
    assert once.collapsed_items == 0
    assert [i.lines for i in once.items] == [i.lines for i in items[KNOWLEDGEHUT]]


def test_no_navigation_or_marketing_text_in_any_item(items: dict[str, list[DraftItem]]) -> None:
    for page in items.values():
        for item in page:
            text = f"{item.question or ''}\n{item.answer}".lower()
            found = [snippet for snippet in NAVIGATION if snippet in text]
            assert not found, f"{item.file}:{item.lines} contains {found}"


def test_line_ranges_are_inside_the_file_and_do_not_overlap(
    seed_dir: Path, items: dict[str, list[DraftItem]]
) -> None:
    for name, page in items.items():
        total = len(lines_of(seed_dir / name))
        previous_end = 0
        for item in page:
            start, end = item.lines
            assert previous_end < start <= end <= total, f"{name}: {item.lines} after {previous_end}"
            previous_end = end


def test_item_text_comes_from_its_line_range(seed_dir: Path, items: dict[str, list[DraftItem]]) -> None:
    for name, page in items.items():
        lines = lines_of(seed_dir / name)
        for item in page:
            start, end = item.lines
            source = "\n".join(lines[start - 1 : end])
            first_words = " ".join(item.answer.split()[:4]) if item.answer else ""
            assert first_words.replace("**", "") in " ".join(source.split()).replace("**", "")


def test_known_duplicates_across_pages_are_grouped(items: dict[str, list[DraftItem]]) -> None:
    everything = [item for page in items.values() for item in page]
    groups = group_duplicates(everything)
    pairs = [
        ((TOP100, "What is deep learning?"), (HEADINGS, "What is Deep Learning?")),
        ((TOP100, "What is deep learning?"), (INTERVIEWBIT, "What is Deep Learning?")),
        (
            (TOP100, "Differentiate supervised and unsupervised deep learning procedures."),
            (HEADINGS, "Supervised vs. Unsupervised Deep Learning"),
        ),
        ((INTERVIEWBIT, "What is a tensor in deep learning?"), (TOP100, "What are tensors?")),
        ((HEADINGS, "Backpropagation"), (TOP100, "What is Backpropagation?")),
    ]
    for (file_a, question_a), (file_b, question_b) in pairs:
        a, b = item_asking(items[file_a], question_a), item_asking(items[file_b], question_b)
        group = group_of(groups, a)
        assert group is not None and b in group, f"{question_a!r} and {question_b!r} not grouped"


def test_unrelated_questions_stay_apart(items: dict[str, list[DraftItem]]) -> None:
    everything = [item for page in items.values() for item in page]
    groups = group_duplicates(everything)
    top100 = items[TOP100]
    apart = [
        ("What is deep learning?", "What are the applications of deep learning?"),
        ("What is the sigmoid function?", "What is Tanh function?"),
        (
            "What are the supervised learning algorithms in Deep learning?",
            "What are the unsupervised learning algorithms in Deep learning?",
        ),
        ("What is ReLU function?", "What is the use of leaky ReLU function?"),
        ("What is a Boltzmann machine?", "What is a Restricted Boltzmann Machine?"),
    ]
    for question_a, question_b in apart:
        a, b = item_asking(top100, question_a), item_asking(top100, question_b)
        group = group_of(groups, a) or []
        assert b not in group, f"{question_a!r} grouped with {question_b!r}"
    # End-to-end learning is asked on one page only, so it has nothing to be a duplicate of.
    end_to_end = item_asking(items[INTERVIEWBIT], "What do you mean by end-to-end learning?")
    assert group_of(groups, end_to_end) is None
    assert max(len(group) for group in groups) <= 5  # no topic-wide chains


def test_import_writes_drafts_and_groups(seed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    summary = import_seeds(seed_dir, out)
    seeds = sorted(p.name for p in seed_dir.glob("*.txt"))
    drafts = sorted(out.glob("*.draft.yaml"))
    assert [d.name for d in drafts] == [f"{Path(n).stem}.draft.yaml" for n in seeds]
    grouped_in_drafts: set[str] = set()
    for draft, file_summary in zip(drafts, summary.files, strict=True):
        text = draft.read_text(encoding="utf-8")
        assert text.startswith("# DRAFT") and "NOT a question pack" in text
        data = yaml.load(text, Loader=LOADER)
        assert data["source"] == file_summary.file
        assert len(data["items"]) == file_summary.items > 0
        assert {"file", "lines", "question", "answer", "flags", "group"} <= set(data["items"][0])
        grouped_in_drafts |= {item["group"] for item in data["items"] if item["group"]}
    groups = yaml.load((out / "groups.yaml").read_text(encoding="utf-8"), Loader=LOADER)["groups"]
    assert len(groups) == summary.groups > 0
    assert all(len(g["members"]) >= 2 and all(m["text"] for m in g["members"]) for g in groups)
    assert grouped_in_drafts == {g["group"] for g in groups}
    report = str(summary)
    assert all(name in report for name in seeds)
    assert "collapsed" in report and "navigation lines dropped" in report


# --- synthetic pages of each layout --------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MARKDOWN_PAGE = """SiteName

# Machine Learning Interview Questions

To read more, [click here](#).

1. What is a kernel?
2. What is a margin?
3. Explain pooling.

# Let's get Started

## Interview Questions for Freshers

### 1. What is a kernel?

A kernel is a small matrix slid over the input.

```
{"detectHand":false}
```

SiteName

## **2. What is a margin?**

The margin is the distance to the closest point.

### Margin in detail

Wider margins generalise better.

#### 3. Explain pooling.

Pooling downsamples a feature map.

# Links to More Interview Questions

[C Interview Questions](#)
"""


def test_markdown_numbered_page(tmp_path: Path) -> None:
    page = parse_page(write(tmp_path, "fifth.md", MARKDOWN_PAGE))
    assert page.layout == "markdown-numbered"
    assert [i.question for i in page.items] == ["What is a kernel?", "What is a margin?", "Explain pooling."]
    kernel, margin, pooling = page.items
    assert kernel.answer == "A kernel is a small matrix slid over the input.\n\n[formula image]"
    assert "formula-lost" in kernel.flags
    assert "### Margin in detail" in margin.answer and "Wider margins" in margin.answer
    assert pooling.answer == "Pooling downsamples a feature map."
    assert page.nav_lines >= 8


NUMBERED_PAGE = """Top 3 Vision Interview Questions 2024

1) What is a stride?

The step of the filter.

2) What are the training steps?

There are two steps:

1. Initialise the weights.
2. Repeat updates.

Become a Vision Engineer

3. Why pad images?

To keep the output size.
Related Post Title
June 1, 2024

Teaser of another article.
"""


def test_numbered_page(tmp_path: Path) -> None:
    page = parse_page(write(tmp_path, "fifth.txt", NUMBERED_PAGE))
    assert page.layout == "numbered"
    assert [i.question for i in page.items] == [
        "What is a stride?",
        "What are the training steps?",
        "Why pad images?",
    ]
    steps = page.items[1]
    assert "1. Initialise the weights." in steps.answer and "2. Repeat updates." in steps.answer
    assert "Become" not in steps.answer
    assert page.items[2].answer == "To keep the output size."
    assert page.items[2].lines == (16, 18)


HEADING_PAGE = """Top Vision Interview Questions and Answers
What is a stride?
The step the filter moves between positions.
Padding Types
- Valid: no padding.
- Same: output keeps the input size.
Stride Formula
out = (n - f) / s + 1
Pooling vs. Striding
Pooling | Striding |
---|---|
Fixed reduction. | Learned filters. |
"""


def test_heading_lines_page(tmp_path: Path) -> None:
    page = parse_page(write(tmp_path, "fifth.txt", HEADING_PAGE))
    assert page.layout == "heading-lines"
    assert [i.question for i in page.items] == [
        "What is a stride?",
        "Padding Types",
        "Stride Formula",
        "Pooling vs. Striding",
    ]
    assert page.items[2].answer == "out = (n - f) / s + 1"
    assert "topic-heading" in page.items[1].flags and "topic-heading" not in page.items[0].flags
    assert "table-flattened" in page.items[3].flags
    assert page.nav_lines == 1


ANSWERS_ONLY_PAGE = """- Vision Courses
- View All Courses

- 4.5 Rating
- 3 Question(s)

Stride is the number of pixels the convolution filter moves between two positions on the input image.

It also shrinks the output feature map, so a larger stride reduces the computation of the layer.

*This is one of the most frequently asked vision interview questions for freshers.*

Option c is the correct answer.

The output size of a convolution is given by the formula below, where n is the input size and f the filter.

**Answer:** 7.0

The program multiplies the placeholder by two and prints the value that was fed into the session.

Stride is the number of pixels the convolution filter moves between two positions on the input image.

It also shrinks the output feature map, so a larger stride reduces the computation of the layer.

Option c is the correct answer.

The output size of a convolution is given by the formula below, where n is the input size and f the filter.

**Answer:** 7.0

The program multiplies the placeholder by two and prints the value that was fed into the session.

Prepare with these vision interview questions to land your dream job.

- Privacy Policy
"""


def test_answers_only_page(tmp_path: Path) -> None:
    page = parse_page(write(tmp_path, "fifth.txt", ANSWERS_ONLY_PAGE))
    assert page.layout == "answers-only"
    assert [i.lines for i in page.items] == [(7, 9), (13, 15), (17, 19)]
    stride, option, code = page.items
    assert all(i.question is None and "question-lost" in i.flags for i in page.items)
    assert "options-lost" in option.flags and "options-lost" not in stride.flags
    assert "code-lost" in code.flags
    assert page.collapsed_items == 3
    assert page.nav_lines >= 7


def test_a_change_of_subject_starts_a_new_answer(tmp_path: Path) -> None:
    text = (
        "Dropout randomly switches off units during training so that the network cannot rely on any one.\n\n"
        "Dropout can be seen as training an ensemble of thinned networks that share their weights.\n\n"
        "Batch normalisation rescales the activations of every layer to zero mean and unit variance.\n"
    )
    page = parse_page(write(tmp_path, "fifth.txt", text))
    assert [i.lines for i in page.items] == [(1, 3), (5, 5)]


def test_layout_detection_needs_a_signature() -> None:
    assert detect_layout([]) == "empty"
    assert detect_layout([(1, ""), (2, "   ")]) == "empty"
    assert detect_layout(
        [(1, "Just one paragraph of prose about convolutions and strides, nothing else.")]
    ) == ("answers-only")


# --- duplicates on small inputs ------------------------------------------------------------------------


def draft(question: str | None, answer: str = "an answer", line: int = 1) -> DraftItem:
    return DraftItem(file="x.txt", lines=(line, line), question=question, answer=answer)


def test_group_duplicates_on_rephrasings() -> None:
    dropout_a = draft("What do you mean by Dropout?", line=1)
    dropout_b = draft("Dropout", line=2)
    tensor = draft("What is a tensor?", line=3)
    lost = draft(None, "Dropout is a regularisation technique that randomly drops units.", line=4)
    groups = group_duplicates([dropout_a, dropout_b, tensor, lost])
    assert groups == [[dropout_a, dropout_b]]


def test_group_duplicates_is_transitive_and_validates_threshold() -> None:
    a, b, c = (
        draft("gradient descent variants", line=1),
        draft("gradient descent", line=2),
        draft("descent", line=3),
    )
    assert group_duplicates([a, b, c], threshold=0.3) == [[a, b, c]]
    assert group_duplicates([]) == [] and group_duplicates([a]) == []
    for bad in (0.0, -1.0, 1.5):
        with pytest.raises(ValueError, match="threshold"):
            group_duplicates([a, b], threshold=bad)


# --- bad input ------------------------------------------------------------------------------------------


def test_empty_and_blank_pages_give_no_items(tmp_path: Path) -> None:
    assert parse_seed(write(tmp_path, "empty.txt", "")) == []
    assert parse_seed(write(tmp_path, "blank.txt", "\n\n   \n")) == []


def test_binary_and_oversized_pages_are_refused_with_a_reason(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00binary")
    with pytest.raises(SeedImportError, match="binary"):
        parse_seed(binary)
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"x" * (MAX_SEED_BYTES + 1))
    with pytest.raises(SeedImportError, match=r"^huge\.txt: \d+ bytes, over the \d+-byte limit"):
        parse_seed(huge)
    with pytest.raises(SeedImportError, match="cannot read"):
        parse_seed(tmp_path / "missing.txt")


def test_unicode_and_malformed_text_do_not_crash(tmp_path: Path) -> None:
    messy = (
        "1) Qu'est-ce qu'un réseau 🤖?\n\nRéponse: ∑ wᵢxᵢ + b\n\n2) Warum?\n\n```\nunclosed fence\n\n"
        "3) Σ?\n\n" + "é" * 200_000 + "\n\n4)\n\n| | |\n---|\n"
    )
    items = parse_seed(write(tmp_path, "messy.txt", messy))
    assert [i.question for i in items] == ["Qu'est-ce qu'un réseau 🤖?", "Warum?", "Σ?"]
    assert "```" in items[1].answer and len(items[2].answer) > 100_000
    invalid_utf8 = tmp_path / "latin1.txt"
    invalid_utf8.write_bytes(
        "1) Qu\xe9?\n\nR\xe9ponse.\n\n2) Why?\n\nBecause.\n\n3) How?\n".encode("latin-1")
    )
    assert [i.question for i in parse_seed(invalid_utf8)] == ["Qu\ufffd?", "Why?", "How?"]


def test_import_reports_unreadable_pages_and_bad_directories(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write(seeds, "good.txt", NUMBERED_PAGE)
    (seeds / "bad.txt").write_bytes(b"\x00\x01")
    summary = import_seeds(seeds, tmp_path / "out")
    assert "bad.txt: skipped" in str(summary) and "binary" in str(summary)
    assert (tmp_path / "out" / "good.draft.yaml").is_file()
    with pytest.raises(SeedImportError, match="does not exist"):
        import_seeds(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(SeedImportError, match="no seed pages"):
        import_seeds(tmp_path / "out", tmp_path / "out2")
