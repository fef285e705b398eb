"""End to end over real HTTP: the Application `policybot run` builds, polling a fake Bot API
server (tests/fake_bot_api.py) through TELEGRAM_API_BASE_URL, with users played by the test.
Assertions are on what the server received; nothing inside PTB is mocked."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace

import pytest

from bot.flood_limit import ChatRateLimit
from bot.telegram import DEEP_LINKS, GROUP_BUTTONS
from bot.telegram_send import download_file
from handlers import buttons, qa
from handlers.replies import Attachment, Button, Reply
from storage.db import open_database
from tests.conftest import NOW
from tests.fake_bot_api import utf16_len
from tests.telegram_driver import (
    BOT_NAME,
    GROUP,
    PARENT,
    TOKEN,
    button,
    labels,
    press,
    running_bot,
    say,
)


async def test_start_shows_welcome_privacy_and_menu(server, bot):
    [welcome] = await say(server, "/start")
    assert welcome.params["chat_id"] == PARENT
    assert welcome.params["parse_mode"] == "HTML"
    assert "Hello Sam" in welcome.text
    assert "Privacy" in welcome.text
    assert {"Ask a question", "Raise a concern", "Browse the policy"} <= set(labels(welcome))
    commands = server.calls("setMyCommands")[0].params["commands"]
    assert {"start", "help", "policy", "privacy", "cancel", "concern", "report", "mycases"} <= {
        c["command"] for c in commands
    }
    assert server.calls("deleteWebhook"), "polling starts by clearing any webhook"


async def test_start_deep_link_payload_reaches_the_core(server, bot):
    [reply] = await say(server, f"/start@{BOT_NAME} concern")
    assert reply.text  # the core interprets the payload; the adapter only passes it on


async def test_confident_answer_with_section_and_feedback_buttons(server, bot):
    [answer] = await say(server, "whatsapp rules?")
    assert "section 6" in answer.text
    assert "Read section 6 in full" in labels(answer)
    feedback_row = next(row for row in answer.rows if "👍" in row[0]["text"])
    assert [b["text"][0] for b in feedback_row] == ["👍", "👎"]  # two short ones share a row
    [thanks] = await press(server, answer, button(answer, "👍")["callback_data"])
    assert "Thanks" in thanks.text


async def test_did_you_mean_buttons_open_a_section(server, bot, knowledge, monkeypatch):
    # Which words the matcher is unsure of moves with the curated data: make it unsure.
    question = "staff"
    match = replace(knowledge.matcher.match(question, "parent"), outcome="clarify")
    monkeypatch.setattr(knowledge.matcher, "match", lambda text, audience=None: match)
    [clarify] = await say(server, question)
    section_data = [
        b["callback_data"]
        for b in clarify.buttons
        if buttons.decode(b.get("callback_data", "")).action == "sec"
    ]
    assert len(section_data) == len(match.alternatives) >= 1
    [section] = await press(server, clarify, section_data[0])
    number = buttons.decode(section_data[0]).args[0]
    assert section.text.startswith(f"Section {number}")


async def test_paging_through_a_section_edits_the_message_in_place(server, bot, knowledge):
    paged = next(
        (s for s in knowledge.policy.sections if qa.show_section(knowledge, s.number, 2)), None
    )
    if paged is None:
        pytest.skip("no section is long enough to page")
    [index] = await say(server, "/policy")
    [first] = await press(server, index, buttons.encode("sec", paged.number, 1))
    assert "part 1 of" in first.text
    [second] = await press(
        server, first, button(first, "Next")["callback_data"], method="editMessageText"
    )
    assert second.params["message_id"] == first.response["message_id"]
    assert "part 2 of" in second.text
    sent_before = len(server.calls("sendMessage"))
    [back] = await press(
        server, first, button(second, "Previous")["callback_data"], method="editMessageText"
    )
    assert "part 1 of" in back.text
    assert len(server.calls("sendMessage")) == sent_before


@pytest.mark.parametrize(
    ("kind", "payload", "said"),
    [
        ("location", {"latitude": 51.31, "longitude": 0.03}, "locations"),
        ("voice", {"file_id": "AwACvoice", "file_unique_id": "v1", "duration": 3}, "voice"),
        ("contact", {"phone_number": "+440000", "first_name": "Jo"}, "contact"),
        (
            "poll",
            {
                "id": "1",
                "question": "Q?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            },
            "polls",
        ),
    ],
)
async def test_other_kinds_of_message_get_a_helpful_reply(server, bot, kind, payload, said):
    server.push_media(PARENT, kind, payload)
    [reply] = await server.wait_for_calls("sendMessage", 1)
    assert said in reply.text
    assert "type your question" in reply.text.lower()


async def test_sticker_gets_a_helpful_reply(server, bot):
    server.push_sticker(PARENT)
    [reply] = await server.wait_for_calls("sendMessage", 1)
    assert "stickers" in reply.text


async def test_edited_message_is_asked_for_again(server, bot):
    await say(server, "whatsapp rules?")  # the user's message 1 in this chat
    server.push_edited(PARENT, 1, "whatsapp rules, please?")
    [reply] = (await server.wait_for_calls("sendMessage", 2))[1:]
    assert "edited" in reply.text


async def test_forwarded_text_is_treated_as_a_question(server, bot):
    [answer] = await say(server, "whatsapp rules?", forwarded=True)
    assert "section 6" in answer.text


async def test_forged_and_stale_buttons_are_refused_politely(server, bot):
    [welcome] = await say(server, "/start")
    for forged in ["1:sec:99:1", "1:sec:<b>:1", "9:menu", "garbage", "1:fb:1:sideways"]:
        [reply] = await press(server, welcome, forged)
        assert "expired" in reply.text, forged
    assert all(server.queries.values())


async def test_html_in_what_users_send_is_escaped(server, bot):
    [welcome] = await say(server, "/start", first_name="<b>Sam</b> & co")
    assert "&lt;b&gt;Sam&lt;/b&gt; &amp; co" in welcome.text
    [reply] = await say(server, "/<b>bold</b>")
    assert "&lt;b&gt;" in reply.text
    assert "<b>" not in reply.text


async def test_a_5000_character_message_is_answered(server, bot):
    replies = await say(server, "whatsapp " * 555, expect=2)
    assert "long message" in replies[0].text
    assert all(utf16_len(r.response["text"]) <= 4096 for r in replies)


class ScriptedEngine:
    """Stands in for the core where a test needs a reply the real one never gives."""

    def __init__(self, *replies) -> None:
        self.replies = list(replies)
        self.received = []
        self.knowledge = SimpleNamespace(school=SimpleNamespace(contact="the school office"))
        self.db = open_database(":memory:")  # the adapter's own bookkeeping lives here

    @staticmethod
    def clock() -> datetime:
        return NOW

    def handle(self, person, incoming):
        self.received.append((person, incoming))
        if isinstance(self.replies[0], Exception):
            raise self.replies[0]
        return self.replies


async def test_long_replies_are_split_at_paragraphs_with_the_keyboard_last(server):
    paragraphs = [f"Paragraph {n}. " + "word " * 150 for n in range(12)]  # ~9,000 characters
    reply = Reply("\n\n".join(paragraphs), (Button("Ask a question", buttons.encode("ask")),))
    async with running_bot(server, ScriptedEngine(reply)):
        server.push_message(PARENT, "tell me everything")
        await server.wait_for_calls("sendMessage", 3)
        sent = server.calls("sendMessage")
    assert len(sent) == 3
    assert [bool(c.buttons) for c in sent] == [False, False, True]
    assert all(c.text.startswith("Paragraph") for c in sent)
    assert "\n\n".join(c.text for c in sent) == reply.text


async def test_files_in_a_reply_are_sent(server):
    reply = SimpleNamespace(
        text="Here is your copy.",
        buttons=(),
        files=(Attachment("document", "", "report.txt", "text/plain", 5, b"hello"),),
    )
    async with running_bot(server, ScriptedEngine(reply)):
        server.push_message(PARENT, "send me a copy")
        [document] = await server.wait_for_calls("sendDocument", 1)
    assert document.files["document"] == ("report.txt", b"hello")


async def test_sent_files_reach_the_core_and_can_be_downloaded(server):
    engine = ScriptedEngine(Reply("Got it."))
    async with running_bot(server, engine, download_attachments=True) as application:
        server.push_document(
            PARENT, b"%PDF-1.4 screenshot", "evidence.pdf", "application/pdf", caption="the post"
        )
        await server.wait_for_calls("sendMessage", 1)
        server.push_photo(PARENT, b"\x89PNG photo")
        await server.wait_for_calls("sendMessage", 2)
        file_id = engine.received[0][1].attachments[0].file_id
        assert await download_file(application.bot, file_id) == b"%PDF-1.4 screenshot"
    (person, document), (_, photo) = engine.received
    assert person.id == f"tg:{PARENT}"
    assert person.name == "Sam"
    assert document.media == "document"
    assert document.text == "the post"
    assert document.attachments[0].file_name == "evidence.pdf"
    assert document.attachments[0].mime_type == "application/pdf"
    assert document.attachments[0].data == b"%PDF-1.4 screenshot"
    assert photo.media == "photo"
    assert photo.attachments[0].data == b"\x89PNG photo"


async def test_files_are_not_downloaded_by_default(server):
    engine = ScriptedEngine(Reply("Got it."))
    async with running_bot(server, engine):
        server.push_document(PARENT, b"data", "notes.txt", "text/plain")
        await server.wait_for_calls("sendMessage", 1)
    [(_, incoming)] = engine.received
    assert incoming.attachments[0].data is None
    assert not server.calls("getFile")


# -- groups -----------------------------------------------------------------------------------
async def test_group_messages_need_a_mention_a_command_or_a_reply(server, bot):
    group = {"chat_type": "group", "chat_id": GROUP}
    server.push_message(PARENT, "whatsapp rules?", **group)  # chat between parents: ignored
    server.push_message(PARENT, "/help@another_bot", **group)  # for another bot: ignored
    [answer] = await say(server, f"@{BOT_NAME} whatsapp rules?", **group)
    assert answer.params["chat_id"] == GROUP
    assert "section 6" in answer.text
    asked = server.messages[(GROUP, 3)]
    assert answer.params["reply_parameters"]["message_id"] == asked["message_id"]
    [follow_up] = await say(
        server, "and photos of the nativity?", reply_to=answer.response["message_id"], **group
    )
    assert follow_up.params["chat_id"] == GROUP
    [help_reply] = await say(server, f"/help@{BOT_NAME}", **group)
    assert "/policy" in help_reply.text
    assert len(server.calls("sendMessage")) == 3


async def test_group_concern_links_to_a_private_chat(server, bot):
    group = {"chat_type": "supergroup", "chat_id": GROUP}
    for flow in ("concern", "report", "mycases"):
        [reply] = await say(server, f"/{flow}", **group)
        [link] = reply.buttons
        assert link == {"text": link["text"], "url": f"https://t.me/{BOT_NAME}?start={flow}"}
    [menu] = await say(server, "/start", **group)
    [reply] = await press(
        server, menu, button(menu, "Raise a concern")["callback_data"], chat=GROUP
    )
    assert reply.buttons[0]["url"] == f"https://t.me/{BOT_NAME}?start=concern"
    flow_steps = [
        buttons.encode(action, *["1"] * arity)
        for action, arity in buttons.ACTIONS.items()
        if action not in GROUP_BUTTONS | DEEP_LINKS
    ]
    for step in flow_steps[:3]:  # e.g. a button from someone's case, forged in the group
        [reply] = await press(server, menu, step, chat=GROUP)
        assert reply.buttons[0]["url"] == f"https://t.me/{BOT_NAME}"
    [reply] = await say(server, "/cancel", **group)
    assert reply.buttons[0]["url"] == f"https://t.me/{BOT_NAME}"


async def test_group_commands_reach_the_core_without_deep_link_payloads(server):
    engine = ScriptedEngine(Reply("Hello."))
    async with running_bot(server, engine):
        await say(server, f"/start@{BOT_NAME} concern", chat_type="group", chat_id=GROUP)
        await say(server, f"@{BOT_NAME}: can I post photos?", chat_type="group", chat_id=GROUP)
        await say(server, "/start concern")
    texts = [incoming.text for _, incoming in engine.received]
    assert texts == ["/start", "can I post photos?", "/start concern"]
    assert [incoming.extra["chat_type"] for _, incoming in engine.received] == [
        "group",
        "group",
        "private",
    ]


# -- running: limits, failures, logs ----------------------------------------------------------
async def test_a_flood_gets_one_slow_down_not_one_per_message(server, engine):
    async with running_bot(server, engine, rate_limit=ChatRateLimit(per_second=0.01, burst=2)):
        for n in range(6):
            server.push_message(PARENT, f"whatsapp rules {n}?")
        sent = await server.wait_for_calls("sendMessage", 3)
        [marker] = await say(server, "/help", user=PARENT + 1)  # another chat is not limited
    sent = [c for c in server.calls("sendMessage") if c.params["chat_id"] == PARENT]
    assert len(sent) == 3
    assert "faster than I can answer" in sent[2].text
    assert marker.params["chat_id"] == PARENT + 1


@pytest.mark.parametrize("drop", [False, True], ids=["error-answer", "unreachable"])
async def test_failing_set_my_commands_does_not_stop_the_bot(server, engine, caplog, drop):
    server.fail("setMyCommands", 500, "Internal Server Error", drop=drop)
    async with running_bot(server, engine):
        [welcome] = await say(server, "/start")
    assert "Hello" in welcome.text
    assert "could not set the command menu" in caplog.text


async def test_errors_are_logged_with_the_update_id_and_the_user_is_told(server, caplog):
    async with running_bot(server, ScriptedEngine(RuntimeError("core broke"))):
        update = server.push_message(PARENT, "whatsapp rules?")
        [reply] = await server.wait_for_calls("sendMessage", 1)
    assert "went wrong" in reply.text
    failed = [
        r for r in caplog.records if r.getMessage() == f"update {update['update_id']} failed"
    ]
    assert failed
    assert failed[0].exc_info


async def test_the_token_never_reaches_the_logs(server, engine, caplog):
    caplog.set_level(logging.DEBUG)
    async with running_bot(server, engine) as application:
        logging.getLogger("httpx").setLevel(logging.DEBUG)  # httpx logs each URL
        try:
            await say(server, "/start")
            await application.bot.send_message(123, "no such chat")
        except Exception as error:  # BadRequest from the server, logged with its traceback
            logging.getLogger("test").exception("expected failure: %s", error)
        finally:
            logging.getLogger("httpx").setLevel(logging.WARNING)
    assert caplog.records
    assert "[REDACTED]" in caplog.text  # the URLs were logged, without the token
    secret = TOKEN.split(":")[1]
    assert secret not in caplog.text
    assert all(secret not in r.getMessage() for r in caplog.records)
