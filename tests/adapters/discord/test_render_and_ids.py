"""Pure parts of the adapter under arbitrary input: custom ids, escaping, Discord's size limits, settings."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import InvalidInput
from bot.discord_adapter import custom_ids as ids
from bot.discord_adapter.components import submitted_values
from bot.discord_adapter.render import EMBED_TOTAL, FIELD_LIMIT, add_field, fit, safe, truncate
from bot.discord_adapter.render_reports import lines_within
from bot.discord_adapter.settings import DiscordSettings

QUESTION_IDS = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+){0,12}", fullmatch=True)


@given(st.text(max_size=300))
def test_parse_never_raises(text: str) -> None:
    parsed = ids.parse(text)
    assert parsed is None or parsed.action


@given(QUESTION_IDS, st.integers(min_value=0, max_value=2**64))
def test_button_ids_round_trip_and_fit(question_id: str, user_id: int) -> None:
    ref = ids.question_ref(question_id)
    custom_id = ids.button_id("pick", user_id, ref, "b")
    assert len(custom_id) <= ids.MAX_CUSTOM_ID
    parsed = ids.parse(custom_id)
    assert parsed is not None and parsed.action == "pick"
    assert parsed.arg(0) == str(user_id) and ids.refers_to(parsed.arg(1), question_id)
    assert parsed.arg(2) == "b"


def test_long_question_ids_travel_as_a_hash() -> None:
    long_id = "a" + "-b" * 80
    ref = ids.question_ref(long_id)
    assert ref.startswith("#") and len(ref) == 17
    assert ids.refers_to(ref, long_id) and not ids.refers_to(ref, long_id + "-c")


def test_unsafe_parts_are_refused() -> None:
    with pytest.raises(ValueError):
        ids.button_id("pick", "a:b")
    with pytest.raises(ValueError):
        ids.button_id("pick", "x" * 120)


@given(st.text(max_size=3000))
def test_safe_text_cannot_mention(text: str) -> None:
    out = safe(text, FIELD_LIMIT)
    assert len(out) <= FIELD_LIMIT
    assert "@everyone" not in out and "@here" not in out


@given(st.text(max_size=5000), st.integers(min_value=1, max_value=4096))
def test_truncate_fits(text: str, limit: int) -> None:
    out = truncate(text, limit)
    assert len(out) <= limit
    assert out == text or out.endswith("…")


@settings(max_examples=50)
@given(st.text(max_size=4096), st.lists(st.text(min_size=1, max_size=1100), max_size=30))
def test_fit_keeps_embeds_within_discord_limits(description: str, values: list[str]) -> None:
    embed = discord.Embed(title="t", description=description or None)
    for index, value in enumerate(values):
        add_field(embed, f"field {index}", value)
    fit(embed)
    assert len(embed) <= EMBED_TOTAL
    assert len(embed.fields) <= 25
    assert all(len(f.value or "") <= FIELD_LIMIT for f in embed.fields)


@given(st.lists(st.text(max_size=200), max_size=80), st.integers(min_value=20, max_value=4096))
def test_lines_within_fits(lines: list[str], limit: int) -> None:
    assert len(lines_within(lines, limit)) <= limit


def test_modal_values_in_rows_and_labels() -> None:
    data = {
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "x"}]},
            {"type": 18, "component": {"type": 4, "custom_id": "reason", "value": "y"}},
            {"type": 1, "components": [{"type": 4, "custom_id": 3, "value": None}]},
        ]
    }
    assert submitted_values(data) == {"answer": "x", "reason": "y"}
    assert submitted_values(None) == {} and submitted_values({"components": "junk"}) == {}


def test_settings_from_env_and_bad_values() -> None:
    env = {
        "INTERVIEW_BOT_DISCORD__TOKEN": "t0k",
        "INTERVIEW_BOT_DISCORD__SHARDED": "yes",
        "INTERVIEW_BOT_DISCORD__SHARD_IDS": "0,2",
        "INTERVIEW_BOT_DISCORD__SHARD_COUNT": "4",
    }
    chosen = DiscordSettings.from_env(env)
    assert chosen.sharded and chosen.shard_ids == (0, 2) and chosen.shard_count == 4
    assert "t0k" not in repr(chosen)
    with pytest.raises(InvalidInput, match="TOKEN"):
        DiscordSettings.from_env({})
    with pytest.raises(InvalidInput, match="APPLICATION_ID"):
        DiscordSettings.from_env(
            {"INTERVIEW_BOT_DISCORD__TOKEN": "t", "INTERVIEW_BOT_DISCORD__APPLICATION_ID": "x"}
        )
    with pytest.raises(InvalidInput, match="below"):
        DiscordSettings(token="t", shard_ids=(5,), shard_count=2)
