"""The Telegram adapter's pure parts: escaping, splitting, keyboards, token checks, the
per-chat limit and the log redaction."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flood_limit import ChatRateLimit
from bot.redaction import TokenRedactor, install_token_redaction
from bot.telegram_app import TelegramConfigError, api_urls, bot_commands, check_token
from bot.telegram_render import (
    MESSAGE_LIMIT,
    is_section_page,
    keyboard,
    split_text,
    to_html,
    utf16_len,
)
from handlers import buttons
from handlers.replies import Button

TOKEN = "123456789:AAE_test-token-abcdefghijklmnopqrstuvwxyz"


def test_html_is_escaped_but_quotes_and_emoji_are_left_alone():
    assert to_html('<b>Tom & "Jerry"</b> 👍') == '&lt;b&gt;Tom &amp; "Jerry"&lt;/b&gt; 👍'


def test_short_text_is_one_chunk():
    assert split_text("Hello.\n\nBye.") == ["Hello.\n\nBye."]
    assert split_text("") == []


def test_long_text_splits_at_paragraphs():
    paragraphs = [f"{n} " + "x" * 1500 for n in range(6)]
    chunks = split_text("\n\n".join(paragraphs))
    assert chunks == [
        "\n\n".join(paragraphs[0:2]),
        "\n\n".join(paragraphs[2:4]),
        "\n\n".join(paragraphs[4:6]),
    ]


def test_an_overlong_paragraph_splits_at_lines_then_words_then_anywhere():
    lines = "\n".join(["word " * 300] * 4)
    assert all(utf16_len(c) <= MESSAGE_LIMIT for c in split_text(lines))
    assert split_text("y" * 5000) == ["y" * 4096, "y" * 904]
    emoji = split_text("👍" * 3000)  # two UTF-16 units each: Telegram counts those
    assert [len(c) for c in emoji] == [2048, 952]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from("ab 👍\n<&"), max_size=900), max_size=12),
    st.integers(min_value=8, max_value=400),
)
def test_chunks_fit_and_keep_every_word(parts, limit):
    text = "\n\n".join(parts)
    chunks = split_text(text, limit)
    assert all(0 < utf16_len(c) <= limit for c in chunks)
    assert "".join(text.split()) == "".join("".join(chunks).split())


def test_keyboard_one_button_a_row_but_pairs_short_ones_of_a_kind():
    offered = (
        Button("Read section 6 in full", buttons.encode("sec", "6", 1)),
        Button("Ask a person", buttons.encode("contact")),
        Button("👍 Helpful", buttons.encode("fb", 7, "up")),
        Button("👎 Not helpful", buttons.encode("fb", 7, "down")),
        Button("Continue in a private chat", "", url="https://t.me/bot?start=concern"),
    )
    rows = keyboard(offered).inline_keyboard
    assert [[b.text for b in row] for row in rows] == [
        ["Read section 6 in full"],
        ["Ask a person"],
        ["👍 Helpful", "👎 Not helpful"],
        ["Continue in a private chat"],
    ]
    assert rows[-1][0].url == "https://t.me/bot?start=concern"
    assert rows[-1][0].callback_data is None
    assert keyboard(()) is None


def test_section_page_keyboards_are_recognised():
    page = keyboard(
        (
            Button("◀ Previous part", buttons.encode("sec", "4", 1)),
            Button("Next part ▶", buttons.encode("sec", "4", 3)),
            Button("Ask a question", buttons.encode("ask")),
            Button("All sections", buttons.encode("policy")),
        )
    )
    answer = keyboard(
        (
            Button("Read section 4 in full", buttons.encode("sec", "4", 1)),
            Button("👍 Helpful", buttons.encode("fb", 7, "up")),
        )
    )
    index = keyboard(
        (
            Button("3 Official", buttons.encode("sec", "3", 1)),
            Button("4 Staff", buttons.encode("sec", "4", 1)),
        )
    )
    assert is_section_page(page, "4")
    assert not is_section_page(page, "3")
    assert not is_section_page(answer, "4")
    assert not is_section_page(index, "4")
    assert not is_section_page(None, "4")


@pytest.mark.parametrize(
    ("token", "says"),
    [
        (None, "not set"),
        ("   ", "not set"),
        ("123456 no:colon secret", "does not look like a bot token"),
        ("123456:has spaces in it", "does not look like a bot token"),
        ("abc:" + "x" * 35, "does not look like a bot token"),
        ("123456789:" + "x" * 30 + "/..", "does not look like a bot token"),
    ],
)
def test_bad_tokens_are_one_line_errors_that_do_not_repeat_the_token(token, says):
    with pytest.raises(TelegramConfigError, match=says) as caught:
        check_token(token)
    assert "\n" not in str(caught.value)
    if token and token.strip():
        assert token.split(":")[1] not in str(caught.value)


def test_good_token_passes():
    assert check_token(f" {TOKEN}\n") == TOKEN
    assert check_token("123:TEST") == "123:TEST"  # a test server's short token is fine


def test_api_urls_follow_the_local_bot_api_server_layout():
    assert api_urls("http://127.0.0.1:8081/") == (
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/file/bot",
    )
    with pytest.raises(TelegramConfigError, match="TELEGRAM_API_BASE_URL"):
        api_urls("127.0.0.1:8081")


def test_rate_limit_allows_a_burst_then_warns_once_then_recovers():
    limit = ChatRateLimit(per_second=1.0, burst=2)
    verdicts = [limit.check(1, now=100.0) for _ in range(5)]
    assert verdicts == ["ok", "ok", "warn", "drop", "drop"]
    assert limit.check(2, now=100.0) == "ok"  # per chat
    assert limit.check(1, now=101.5) == "ok"  # a second later there is room again
    assert limit.check(1, now=101.5) == "warn"  # and a new flood is told again, once


def test_redactor_cleans_message_arguments_and_tracebacks():
    redactor = TokenRedactor()
    redactor.secrets.add(TOKEN)
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError as error:
        record = logging.LogRecord(
            "httpx",
            logging.INFO,
            __file__,
            1,
            "HTTP Request: %s %s",
            ("POST", f"https://x/bot{TOKEN}/getMe"),
            (type(error), error, error.__traceback__),
        )
    redactor.filter(record)
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted
    assert "bot[REDACTED]/getMe" in formatted


def test_installed_redaction_covers_every_logger(caplog):
    install_token_redaction(TOKEN)
    caplog.set_level(logging.INFO)
    logging.getLogger("some.library").info("token is %s", TOKEN)
    assert TOKEN not in caplog.text
    assert logging.getLogger("httpx").level == logging.WARNING


def test_command_menu_follows_telegram_rules():
    commands = bot_commands()
    assert [c.command for c in commands][0] == "start"
    for command in commands:
        assert command.command.islower()
        assert 1 <= len(command.command) <= 32
        assert 1 <= len(command.description) <= 256
