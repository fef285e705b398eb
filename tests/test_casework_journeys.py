"""The concern, report and inbox journeys of issue 14 rechecked end to end: in the terminal
(`policybot chat` with piped stdin, staff registered with `policybot staff invite`) and in
Telegram over real HTTP (the fake Bot API)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from handlers.staff import invite
from storage.cases import case_by_reference
from tests.fake_bot_api import FakeBotApi
from tests.journeys import DETAILS, run_policybot
from tests.telegram_driver import button, labels, press, running_bot, say, wait_until

REF = "BH-2026-0001"
TEACHER = 5001


def policybot(tmp_path: Path, *args: str, stdin: str = "") -> str:
    result = run_policybot(tmp_path, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


def invited(tmp_path: Path, *role: str) -> str:
    out = policybot(tmp_path, "staff", "invite", *role, "--name", "Test")
    return re.search(r"One-time code: (\w+)", out).group(1)


def lines(*typed: str) -> str:
    return "\n".join(typed) + "\n"


def test_concern_report_and_inbox_in_the_terminal(tmp_path):
    parent = policybot(
        tmp_path,
        "chat",
        stdin=lines(
            "/concern",
            "1",  # Something in my child's class
            "3",  # Year 3, never the third of "Reception, Year 1, Year 2"
            "A concern",
            "Tom Smith",
            "Skip",
            DETAILS,
            "A word with the class, please.",
            "Reply here in the chat",
            "Submit",
            "/concern",
            "Something else",  # pointers, and still in the form
            "A whole-school matter",
            "/cancel",
            "/report",
            "Cyberbullying",
            "Instagram",
            "Saturday evening",
            "A pupil",
            "Done",
            "No, the school can reply to me",
            "Ella Smith",
            "Skip",
            "Submit",
        ),
    )
    assert "Your concern has been sent" in parent
    assert "phone the school office on 01632 960 000" in parent
    assert "Your online-incident report has been sent" in parent

    teacher = policybot(
        tmp_path,
        "chat",
        "--user",
        "local:teacher",
        stdin=lines(
            f"/start {invited(tmp_path, '--role', 'class_teacher', '--class', 'Year 3')}",
            "/start",
            "Inbox",
            "1",
            "Acknowledge",
            "/inbox",
            REF.lower(),  # a typed reference opens the case
            "Reply to parent",
            "We have spoken to the class about the group.",
        ),
    )
    assert "You're registered with the Biggin Hill Primary School policy helper" in teacher
    assert "[1] Inbox" in teacher
    assert f"• {REF} — concern, Year 3" in teacher
    assert "Child: Tom Smith" in teacher
    assert "Acknowledged; the parent has been told" in teacher
    assert "Reply recorded and sent to the parent" in teacher
    assert "audit:" not in teacher

    parent = policybot(
        tmp_path,
        "chat",
        stdin=lines(
            "/mycases",
            f"{REF} (concern)",
            "Not resolved — ask for the next stage",
            "Yes, move it on",
        ),
    )
    assert "Move BH-2026-0001 on to the next stage: formal complaint, stage 1?" in parent
    assert "is now at the next stage (formal complaint, stage 1)" in parent

    head = policybot(
        tmp_path,
        "chat",
        "--user",
        "local:head",
        stdin=lines(
            f"/start {invited(tmp_path, '--role', 'headteacher')}",
            REF,
            "Escalate",
            "Yes, pass it to the Chair of Governors",
            "/inbox",
        ),
    )
    assert "Pass BH-2026-0001 to the Chair of Governors?" in head
    assert "Passed to the Chair of Governors" in head
    assert head.rsplit("bot>", 1)[-1].count(REF) == 0  # out of the head's inbox
    listed = json.loads(policybot(tmp_path, "cases", "list", "--json"))
    assert [(c["reference"], c["kind"], c["route"]) for c in listed] == [
        (REF, "concern", "headteacher+chair_of_governors"),
        ("BH-2026-0002", "report", "headteacher+dsl"),
    ]


def outbox_waiting(db) -> int:
    return next(db.query("SELECT count(*) AS n FROM outbox WHERE status != 'sent'"))["n"]


async def test_concern_and_inbox_over_the_bot_api(server: FakeBotApi, engine, db):
    code, _ = invite(db, "class_teacher:Year 3", "Test teacher", engine.clock())
    async with running_bot(server, engine):
        (message,) = await say(server, f"/start {code}", user=TEACHER)
        (message,) = await say(server, "/start", user=TEACHER)
        assert labels(message)[0] == "Inbox"

        (message,) = await say(server, "/concern")
        (message,) = await press(server, message, button(message, "class")["callback_data"])
        (message,) = await say(server, "y3")  # typed, loosely
        (message,) = await press(server, message, button(message, "A concern")["callback_data"])
        (message,) = await say(server, "Tom Smith")
        (message,) = await say(server, "Sam Smith")
        (message,) = await say(server, DETAILS)
        (message,) = await say(server, "A word with the class, please.")
        (message,) = await press(server, message, button(message, "Reply here")["callback_data"])
        (message,) = await press(server, message, button(message, "Submit")["callback_data"])
        assert REF in message.params["text"]
        # the teacher's "new case" notice goes out first, so it is not read as a reply below
        await wait_until(lambda: not outbox_waiting(db), seconds=30)

        (listing,) = await say(server, "/inbox", user=TEACHER)
        assert "The class WhatsApp group has become unkind" in listing.params["text"]
        (card,) = await press(server, listing, button(listing, REF)["callback_data"], user=TEACHER)
        assert "Child: Tom Smith" in card.params["text"]
        assert "From: Sam Smith" in card.params["text"]
        (card,) = await press(
            server, card, button(card, "Escalate")["callback_data"], user=TEACHER
        )
        assert case_by_reference(db, REF).assignee_role == "class_teacher:Year 3"
        (card,) = await press(
            server, card, button(card, "Yes, pass it")["callback_data"], user=TEACHER
        )
        assert "Passed to the Headteacher" in card.params["text"]
        assert labels(card) == ["Add internal note", "Inbox"]
        (listing,) = await say(server, "/inbox", user=TEACHER)
        assert REF not in listing.params["text"]
    assert case_by_reference(db, REF).assignee_role == "headteacher"
    assert case_by_reference(db, REF).child_name == "Tom Smith"
