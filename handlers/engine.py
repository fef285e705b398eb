"""The transport-agnostic core: one call per thing a person sends, replies out.

Telegram, the terminal and the tests all drive this same object, so a flow behaves the
same everywhere."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from sqlite_utils import Database

from handlers import buttons, flows, gaps, inbox, privacy, qa, safeguarding, staff, web_sign_in
from handlers.access import SEE_GAPS, is_staff
from handlers.gap_review import LiveKnowledge
from handlers.replies import Button, Incoming, Person, Reply
from handlers.templates import render
from handlers.turn import Turn
from knowledge.audience import audience_of
from knowledge.safeguarding import suggests_child_at_risk
from knowledge.school import Knowledge
from knowledge.smalltalk import small_talk
from storage.conversations import Conversation, load_conversation
from storage.questions import record_feedback
from storage.staff import configure_office_chat

MEDIA_NAMES = {
    "photo": "photos",
    "sticker": "stickers",
    "voice": "voice messages",
    "audio": "audio",
    "video": "videos",
    "video_note": "video messages",
    "document": "files",
    "location": "locations",
    "contact": "contact cards",
    "animation": "GIFs",
    "poll": "polls",
    "edited": "edited messages",
}
# Files a report or a case can hold as evidence: sent outside a flow, the sender is told
# they were not kept and where to send them.
EVIDENCE_MEDIA = frozenset({"photo", "document", "video", "animation"})
# What a group may use: the policy and its answers. Every other command or button (concerns,
# reports, cases, the inbox, any flow's steps, a person's data) shows or collects personal
# data, so in a group it gets a pointer to a private chat (bot/telegram.py makes it a link).
GROUP_COMMANDS = frozenset({"start", "help", "policy", "privacy"})
GROUP_BUTTONS = frozenset({"menu", "policy", "ask", "sec", "contact", "fb", "as"})


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Engine:
    def __init__(
        self, knowledge: Knowledge, db: Database, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self._knowledge = LiveKnowledge(knowledge, db)
        self.db = db
        self.clock = clock  # tests pass a fixed one; due dates count from it
        prefix = re.escape(knowledge.school.reference_prefix)
        self._reference = re.compile(rf"{prefix}-\d{{4}}-\d{{1,6}}", re.IGNORECASE)
        office_chat = knowledge.school.casework.office_chat_id
        configure_office_chat(db, None if office_chat is None else f"tg:{office_chat}", clock())

    @property
    def knowledge(self) -> Knowledge:
        """The school's knowledge with the phrasings staff have accepted so far."""
        return self._knowledge.current()

    # -- entry point ------------------------------------------------------------------------
    def handle(self, person: Person, incoming: Incoming) -> list[Reply]:
        person = staff.identify(self.db, person)  # the registry decides, not the transport
        turn = Turn(self.knowledge, self.db, person, self.clock())
        if not incoming.private:
            return self._in_group(turn, incoming)
        current = safeguarding.still_attached(turn, load_conversation(self.db, person.id))
        if incoming.button is not None:
            return self._press(turn, current, incoming.button)
        text = (incoming.text or "").strip()
        if text.startswith("/"):
            return self._command(turn, current, text)
        if current is not None and text.casefold() == "cancel":
            return self._cancel(turn, current)
        if current is not None:  # part-way through a flow: it gets everything but commands
            return flows.on_message(turn, current, incoming)
        return self._message(turn, incoming)

    def _in_group(self, turn: Turn, incoming: Incoming) -> list[Reply]:
        """A group sees the policy and its answers, nothing personal. The sender's flow
        belongs to their private chat: here it is neither read nor advanced, and whatever
        would show or collect a case gets a pointer to a private chat instead."""
        if incoming.button is not None:
            press = buttons.decode(incoming.button)
            if press is not None and press.action not in GROUP_BUTTONS:
                return [Reply(render("private_chat_only", flow=press.action, link=False))]
            return self._press(turn, None, incoming.button)
        text = (incoming.text or "").strip()
        if text.startswith("/"):
            command = text.split()[0].split("@")[0].lower()
            if command[1:] not in GROUP_COMMANDS:
                return [Reply(render("private_chat_only", flow=command[1:], link=False))]
            return self._command(turn, None, command)  # no deep link or invitation code
        return self._message(turn, incoming, in_group=True)

    def _message(self, turn: Turn, incoming: Incoming, in_group: bool = False) -> list[Reply]:
        """Anything sent outside a flow: a question, or something that is not text. A file
        sent here is not kept (it belongs to no case): the sender is told so, and where to
        send it so that it is."""
        text = (incoming.text or "").strip()
        if text and suggests_child_at_risk(text):  # a caption too: its files go with it
            return safeguarding.refer_now(
                turn, None, text, incoming.attachments, in_group=in_group
            )
        if incoming.media is not None or incoming.attachments:
            media = MEDIA_NAMES.get(incoming.media or "document", "that kind of message")
            text = render(
                "not_text",
                media=media,
                edited=incoming.media == "edited",
                evidence=not in_group
                and any(file.kind in EVIDENCE_MEDIA for file in incoming.attachments),
            )
            return [Reply(text, self._menu_buttons())]
        if not text:
            return [Reply(render("empty"))]
        if not in_group and is_staff(turn.person.role) and self._reference.fullmatch(text):
            return inbox.open_typed(turn, text)  # a case reference, not a question
        if small_talk(text):  # "hi", "thanks", "help": the menu, not a policy section
            return [self._help(turn)]
        person = turn.person
        audience = person.audience or audience_of(text, "staff" if is_staff(person.role) else None)
        return qa.answer_question(self.knowledge, self.db, text, audience)

    # -- menus ------------------------------------------------------------------------------
    def _menu_buttons(self, role: str = "parent") -> tuple[Button, ...]:
        if is_staff(role):  # staff work from their inbox; the rest is the same
            return (
                Button("Inbox", buttons.encode("inbox")),
                Button("Ask a question", buttons.encode("ask")),
                Button("Browse the policy", buttons.encode("policy")),
            )
        return (
            Button("Ask a question", buttons.encode("ask")),
            Button("Raise a concern", buttons.encode("concern")),
            Button("Report an online incident", buttons.encode("report")),
            Button("Browse the policy", buttons.encode("policy")),
            Button("My cases", buttons.encode("mycases")),
        )

    def _after_feedback(self, helpful: bool) -> tuple[Button, ...]:
        """Ways on after 👍 or 👎: a person, a concern, or another question."""
        if helpful:
            return (Button("Ask another question", buttons.encode("ask")),)
        return (
            Button("Ask a person", buttons.encode("contact")),
            Button("Ask another question", buttons.encode("ask")),
            Button("Browse the policy", buttons.encode("policy")),
            Button("Raise a concern", buttons.encode("concern")),
        )

    def _school_context(self) -> dict[str, str | None]:
        school = self.knowledge.school
        return {
            "school_name": school.name,
            "policy_title": self.knowledge.policy.title,
            "contact": school.contact,
            "website": school.website,
            "phone": school.phone,
        }

    def welcome(self, person: Person) -> Reply:
        context = self._school_context()
        if is_staff(person.role):
            holder = self.knowledge.school.casework.holder(person.role)
            return Reply(
                render("staff_start", holder=holder, name=person.name, **context),
                self._menu_buttons(person.role),
            )
        return Reply(
            render(
                "welcome",
                name=person.name,
                privacy_short=render(
                    "privacy_short", retention=self.knowledge.school.casework.retention
                ),
                **context,
            ),
            self._menu_buttons(),
        )

    def _help(self, turn: Turn) -> Reply:
        role = turn.person.role
        return Reply(
            render(
                "help",
                staff=is_staff(role),
                gaps=not SEE_GAPS.isdisjoint(turn.person.roles),
                **self._school_context(),
            ),
            self._menu_buttons(role),
        )

    def opening(self, person: Person) -> list[Reply]:
        """What a new session opens with: the welcome, or, part-way through a flow, that
        flow's question again with a note saying so (nothing to answer by accident)."""
        person = staff.identify(self.db, person)
        current = load_conversation(self.db, person.id)
        if current is None:
            return [self.welcome(person)]
        return flows.resume_quietly(Turn(self.knowledge, self.db, person, self.clock()), current)

    def _cancel(self, turn: Turn, current: Conversation | None) -> list[Reply]:
        flows.cancel(turn)
        flow = current.flow if current else None
        return [Reply(render("cancelled", flow=flow), self._menu_buttons(turn.person.role))]

    # -- commands ---------------------------------------------------------------------------
    def _command(self, turn: Turn, current: Conversation | None, text: str) -> list[Reply]:
        command, *payload = text.split()
        command = command.split("@")[0].lower()
        context = self._school_context()
        if command == "/start" and payload and payload[0].lower() in flows.STARTS:
            return flows.begin(turn, current, payload[0].lower())  # a deep link
        if command == "/start" and payload:  # a staff invitation code
            return staff.redeem(turn, payload[0]) or [Reply(render("staff_invite_invalid"))]
        if command == "/start":
            return flows.part_way(current) if current else [self.welcome(turn.person)]
        if command == "/help":
            return [self._help(turn)]
        if command == "/policy":
            return [qa.policy_index(self.knowledge)]
        if command == "/privacy":
            return [Reply(render("privacy", retention=turn.casework.retention, **context))]
        if command == "/mydata":
            return privacy.my_data(turn)
        if command == "/forgetme":
            return privacy.ask_forget(turn)
        if command == "/cancel":
            return self._cancel(turn, current)
        if command == "/gaps":
            return gaps.command(turn)
        if command == "/web":
            return web_sign_in.command(turn)
        if command[1:] in flows.STARTS:
            return flows.begin(turn, current, command[1:])
        unknown = Reply(render("unknown_command", command=command[:32]))
        return [unknown, *flows.part_way(current)] if current else [unknown]

    # -- buttons ----------------------------------------------------------------------------
    def _press(self, turn: Turn, current: Conversation | None, data: str) -> list[Reply]:
        press = buttons.decode(data)
        if press is None:
            return [Reply(render("button_expired"), self._menu_buttons())]
        context = self._school_context()
        if press.action in ("menu", "ask") and current and current.flow == safeguarding.FLOW:
            flows.cancel(turn)  # the referral is filed: they chose to do something else
            current = None
        if press.action in ("menu", "ask") and current is not None:
            return flows.part_way(current)
        if press.action == "menu":
            return [self.welcome(turn.person)]
        if press.action == "policy":
            return [qa.policy_index(self.knowledge)]
        if press.action == "ask":
            return [Reply(render("ask_prompt"))]
        if press.action == "contact":
            return [Reply(render("contact", **context), self._menu_buttons())]
        if press.action == "cancel":
            return self._cancel(turn, current)
        if press.action in privacy.PRESSES:
            return privacy.on_press(turn, press.action)
        if press.action not in ("sec", "fb", "as"):
            replies = flows.on_press(turn, current, press.action, press.args)
            return replies or [Reply(render("button_expired"), self._menu_buttons())]
        if press.action == "as":
            replies = qa.answer_as(self.knowledge, self.db, press.args[1], press.args[0])
            return replies or [Reply(render("button_expired"), self._menu_buttons())]
        if press.action == "fb":
            token, verdict = press.args
            if verdict in ("up", "down") and record_feedback(
                self.db, token, helpful=verdict == "up"
            ):
                return [
                    Reply(
                        render("feedback_thanks", helpful=verdict == "up"),
                        self._after_feedback(verdict == "up"),
                    )
                ]
            return [Reply(render("button_expired"), self._menu_buttons())]
        number, page = press.args
        reply = qa.show_section(self.knowledge, number, int(page)) if page.isdigit() else None
        return [reply] if reply else [Reply(render("button_expired"), self._menu_buttons())]
