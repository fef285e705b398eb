"""The transport-agnostic core: one call per thing a person sends, replies out.

Telegram, the terminal and the tests all drive this same object, so a flow behaves the
same everywhere."""

from __future__ import annotations

from knowledge.school import Knowledge
from sqlite_utils import Database
from storage.questions import record_feedback

from handlers import buttons, qa
from handlers.replies import Button, Incoming, Person, Reply
from handlers.templates import render

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
    "edited": "edited messages",  # the not_text template words this case itself
}


class Engine:
    def __init__(self, knowledge: Knowledge, db: Database) -> None:
        self.knowledge = knowledge
        self.db = db

    # -- entry point ------------------------------------------------------------------------
    def handle(self, person: Person, incoming: Incoming) -> list[Reply]:
        if incoming.button is not None:
            return self._press(person, incoming.button)
        if incoming.media is not None:
            media = MEDIA_NAMES.get(incoming.media, "that kind of message")
            return [Reply(render("not_text", media=media), self._menu_buttons())]
        text = (incoming.text or "").strip()
        if not text:
            return [Reply(render("empty"))]
        if text.startswith("/"):
            return self._command(person, text)
        return qa.answer_question(self.knowledge, self.db, text)

    # -- menus ------------------------------------------------------------------------------
    def _menu_buttons(self) -> tuple[Button, ...]:
        return (
            Button("Ask a question", buttons.encode("ask")),
            Button("Raise a concern", buttons.encode("concern")),
            Button("Report an online incident", buttons.encode("report")),
            Button("Browse the policy", buttons.encode("policy")),
        )

    def _school_context(self) -> dict[str, str | None]:
        school = self.knowledge.school
        return {
            "school_name": school.name,
            "policy_title": self.knowledge.policy.title,
            "contact": school.contact,
            "website": school.website,
        }

    def welcome(self, person: Person) -> Reply:
        context = self._school_context()
        return Reply(
            render("welcome", name=person.name, privacy_short=render("privacy_short"), **context),
            self._menu_buttons(),
        )

    # -- commands ---------------------------------------------------------------------------
    def _command(self, person: Person, text: str) -> list[Reply]:
        command = text.split()[0].split("@")[0].lower()
        context = self._school_context()
        if command == "/start":
            return [self.welcome(person)]
        if command == "/help":
            return [Reply(render("help", **context), self._menu_buttons())]
        if command == "/policy":
            return [qa.policy_index(self.knowledge)]
        if command == "/privacy":
            return [Reply(render("privacy", **context))]
        if command == "/cancel":
            return [Reply(render("cancelled"), self._menu_buttons())]
        if command in ("/concern", "/report"):
            return [Reply(render("coming_soon", flow=command[1:], **context))]
        return [Reply(render("unknown_command", command=command[:32]))]

    # -- buttons ----------------------------------------------------------------------------
    def _press(self, person: Person, data: str) -> list[Reply]:
        press = buttons.decode(data)
        if press is None:
            return [Reply(render("button_expired"), self._menu_buttons())]
        context = self._school_context()
        if press.action == "menu":
            return [self.welcome(person)]
        if press.action == "policy":
            return [qa.policy_index(self.knowledge)]
        if press.action == "ask":
            return [Reply(render("ask_prompt"))]
        if press.action == "contact":
            return [Reply(render("contact", **context), self._menu_buttons())]
        if press.action in ("concern", "report"):
            return [Reply(render("coming_soon", flow=press.action, **context))]
        if press.action == "fb":
            question_id, verdict = press.args
            if question_id.isdigit() and verdict in ("up", "down") and record_feedback(
                self.db, int(question_id), helpful=verdict == "up"
            ):
                return [Reply(render("feedback_thanks", helpful=verdict == "up"))]
            return [Reply(render("button_expired"), self._menu_buttons())]
        number, page = press.args
        reply = qa.show_section(self.knowledge, number, int(page)) if page.isdigit() else None
        return [reply] if reply else [Reply(render("button_expired"), self._menu_buttons())]
