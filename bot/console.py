"""`policybot chat`: the whole bot in a terminal. Buttons print as `[1] Label`; typing the
number or the label presses it; `/attach PATH` sends a file. Works with piped stdin, one user
line per input line. Notifications queued for the person's chat (a staff reply, a new case
for their role) are shown when it starts and after each turn."""

from __future__ import annotations

import mimetypes
import os
import re
import sys
from pathlib import Path
from typing import TextIO

from handlers.engine import Engine
from handlers.replies import Attachment, Button, Incoming, Person, Reply
from handlers.templates import render
from storage.attachments import data_dir
from storage.outbox import due_notifications, mark_sent

PROMPT = "you> "
ATTACH = "/attach "
TRANSPORT = "local"  # the terminal's people are "local:<user>"; their chat is the same id


def save_file(file: Attachment, folder: Path) -> Path:
    """Keep a file the bot sent (a /mydata export) owner-only, never over another one."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = Path(file.file_name or "file").name
    path, number = folder / name, 0
    while True:
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            number += 1
            path = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
            continue
        with os.fdopen(handle, "wb") as out:
            out.write(file.data or b"")
        return path


def render_reply(reply: Reply, out: TextIO, folder: Path = Path(".")) -> None:
    """Print a reply; files it carries are saved in `folder` and their path printed."""
    lines = reply.text.splitlines() or [""]
    lines += [
        render("console_file_saved", path=str(save_file(file, folder))) for file in reply.files
    ]
    first, *rest = lines
    out.write(f"bot> {first}\n")
    for line in rest:
        out.write(f"     {line}".rstrip() + "\n")
    for number, button in enumerate(reply.buttons, 1):
        out.write(f"     [{number}] {button.label}\n")
    out.write("\n")


def _plain(label: str) -> str:
    """A label as someone would type it: any case, any dash, single spaces."""
    return " ".join(re.sub(r"[\u2012-\u2015]", "-", label).casefold().split())


def _named(number: str, offered: tuple[Button, ...]) -> Button | None:
    """The one button whose label names `number` as a word ("Year 3" for "3"), unless the
    labels are a numbered list (policy sections), where a number means its position."""
    if any(button.label[:1].isdigit() for button in offered):
        return None
    hits = [button for button in offered if number in _plain(button.label).split()]
    return hits[0] if len(hits) == 1 else None


def _pressed(line: str, offered: tuple[Button, ...]) -> Button | None:
    """The button a typed line picks, by its number or its label. A number that is also
    in one label ("3" beside "Year 3") picks that label: what the person plainly meant."""
    if line.isdigit() and (named := _named(line, offered)):
        return named
    if line.isdigit() and 1 <= int(line) <= len(offered):
        return offered[int(line) - 1]
    for button in offered:
        if _plain(button.label) == _plain(line):
            return button
    return None


def attach(path_text: str) -> Incoming | Reply:
    """The file at `path_text` as a message with its bytes, the way Telegram would send it,
    or a reply saying it cannot be read."""
    path = Path(path_text.strip()).expanduser()
    try:
        data = path.read_bytes()
    except OSError:
        return Reply(render("console_attach_missing", path=str(path)))
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    kind = {"image": "photo", "video": "video"}.get(mime.split("/")[0], "document")
    return Incoming(
        media=kind,
        attachments=(Attachment(kind, f"local:{path.name}", path.name, mime, len(data), data),),
    )


def show_notifications(engine: Engine, person: Person, out: TextIO) -> None:
    """Print what the outbox holds for this person's chat (a staff reply, a new case for
    their role) and mark it sent, as the Telegram delivery loop does for its chats."""
    transport, _, chat = person.id.partition(":")
    if transport != TRANSPORT:
        return
    now = engine.clock()
    while notifications := due_notifications(engine.db, now, transport=TRANSPORT, only_chat=chat):
        for notification in notifications:
            render_reply(Reply(render("console_notification", text=notification.text)), out)
            mark_sent(engine.db, notification.id, now)


def run_chat(
    engine: Engine, person: Person, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    interactive = stdin.isatty()
    folder = data_dir(engine.db) or Path(".")  # beside the database, like its attachments
    offered: tuple[Button, ...] = ()
    for reply in engine.opening(person):  # part-way through a flow: carries on, says so
        render_reply(reply, stdout, folder)
        offered = reply.buttons or offered
    show_notifications(engine, person, stdout)
    while True:
        if interactive:
            stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        if not line:
            break
        line = line.rstrip("\n")
        if line.strip().lower() in ("/quit", "/exit"):
            break
        button = _pressed(line.strip(), offered)
        if button:
            incoming: Incoming | Reply = Incoming(button=button.data)
        elif line.startswith(ATTACH):
            incoming = attach(line[len(ATTACH) :])
        else:
            incoming = Incoming(text=line)
        if isinstance(incoming, Reply):
            render_reply(incoming, stdout)
            continue
        replies = engine.handle(person, incoming)
        for reply in replies:
            render_reply(reply, stdout, folder)
        offered = next((r.buttons for r in reversed(replies) if r.buttons), ())
        show_notifications(engine, person, stdout)
        stdout.flush()
