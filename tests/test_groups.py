"""A group sees the policy and nothing personal. Flow state belongs to a person in their
private chat: a message they send in a group never reads or advances it, and nothing from
a case (a summary, a case card, an inbox) is rendered into a group."""

from __future__ import annotations

from handlers import buttons
from handlers.replies import Person
from handlers.staff import invite
from storage.cases import all_cases, case_by_reference, timeline_of
from storage.conversations import load_conversation
from tests.conftest import Chat
from tests.journeys import raise_concern
from tests.staffing import register
from tests.telegram_driver import BOT_NAME, GROUP, PARENT, say

IN_GROUP = {"extra": {"chat_type": "supergroup"}}
PHONE = "07700 900123"
REF = "BH-2026-0001"


def parent_notices(db) -> list[str]:
    return [
        row["text"]
        for row in db.query("SELECT text FROM outbox WHERE recipient_person IS NOT NULL")
    ]


def at_the_summary(chat) -> None:
    raise_concern(chat, contact="Phone", submit=False)
    chat.send(PHONE)
    assert "Submit" in chat.labels, chat.text


def test_a_question_in_a_group_mid_concern_neither_advances_nor_shows_the_draft(chat, db):
    at_the_summary(chat)
    before = load_conversation(db, chat.person.id)
    chat.send("can I post photos of the nativity?", **IN_GROUP)
    assert "section" in chat.text.lower()  # answered as a question about the policy
    assert PHONE not in chat.text
    assert "WhatsApp group has become unkind" not in chat.text
    assert load_conversation(db, chat.person.id) == before
    chat.send("/start")  # back in the private chat, the draft is where it was
    chat.press("Carry on")
    assert PHONE in chat.text
    chat.press("Submit")
    assert [case.contact_detail for case in all_cases(db)] == [PHONE]


def test_a_group_cannot_cancel_or_carry_on_a_private_flow(chat, db):
    at_the_summary(chat)
    before = load_conversation(db, chat.person.id)
    for text in ("/cancel", "cancel", "/concern", "/start concern", "Submit", "/mydata"):
        chat.send(text, **IN_GROUP)
        assert PHONE not in chat.text, text
        assert "unkind" not in chat.text, text
        assert not any(reply.files for reply in chat.last), text
    for action in ("submit", "carry", "review", "cancel", "done"):
        arguments = [before.draft_id] if action == "submit" else []
        chat.send(button=buttons.encode(action, *arguments), **IN_GROUP)
        assert PHONE not in chat.text, action
    assert load_conversation(db, chat.person.id) == before
    assert all_cases(db) == []


def test_a_staff_reply_half_written_is_not_taken_from_a_group(engine, chat, db):
    raise_concern(chat)
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send(button=buttons.encode("srep", REF))
    assert "Type your reply" in teacher.text
    teacher.send("what does the policy say about class WhatsApp groups?", **IN_GROUP)
    assert REF not in teacher.text
    assert "What they told us" not in teacher.text
    assert not [
        e for e in timeline_of(db, case_by_reference(db, REF).id) if e.event != "submitted"
    ]
    assert parent_notices(db) == []
    teacher.send("We have spoken to the class.")  # in private, the reply is still awaited
    assert "Reply recorded and sent to the parent" in teacher.text


def test_no_case_card_inbox_or_case_list_is_shown_in_a_group(engine, chat, db):
    raise_concern(chat)
    teacher = register(engine, "class_teacher:Year 3")
    for press in ("sc", "sack", "srep", "sres"):
        teacher.send(button=buttons.encode(press, REF), **IN_GROUP)
        assert "What they told us" not in teacher.text, press
        assert "private" in teacher.text, press
    teacher.send("/inbox", **IN_GROUP)
    assert REF not in teacher.text
    chat.send("/mycases", **IN_GROUP)
    assert REF not in chat.text
    chat.send(button=buttons.encode("case", REF), **IN_GROUP)
    assert "unkind" not in chat.text
    assert case_by_reference(db, REF).status == "open"
    assert load_conversation(db, teacher.person.id) is None


def test_an_invitation_code_posted_in_a_group_does_not_register_anyone(engine, chat, db):
    code, _ = invite(db, "headteacher", "Mrs Example", engine.clock())
    chat.send(f"/start {code}", **IN_GROUP)
    assert "registered" not in chat.text
    chat.send(f"/start {code}")  # still unused: the right person redeems it in private
    assert "You're registered" in chat.text


def test_a_child_at_risk_in_a_group_goes_to_the_dsl_without_showing_the_case(chat, db):
    at_the_summary(chat)
    before = load_conversation(db, chat.person.id)
    chat.send("I think a child is being abused at home", **IN_GROUP)
    assert "999" in chat.text
    [referral] = all_cases(db)
    assert referral.kind == "safeguarding"
    assert referral.route == "dsl"
    assert referral.reference not in chat.text
    assert "My cases" not in chat.labels  # no button into the person's cases in a group
    assert load_conversation(db, chat.person.id) == before  # the private draft is untouched


async def test_over_telegram_a_mention_in_the_class_group_gets_an_answer_not_the_draft(
    server, bot, engine, db
):
    parent = Chat(engine, Person(id=f"tg:{PARENT}"))
    at_the_summary(parent)
    before = load_conversation(db, parent.person.id)
    [reply] = await say(
        server,
        f"@{BOT_NAME} can I post photos of the nativity?",
        chat_type="group",
        chat_id=GROUP,
    )
    assert reply.params["chat_id"] == GROUP
    assert "section" in reply.text.lower()
    assert PHONE not in reply.text
    assert load_conversation(db, parent.person.id) == before
