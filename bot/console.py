"""`policybot chat`: the whole bot in a terminal. Buttons print as `[1] Label`; typing the
number or the label presses it. Works with piped stdin, one user line per input line."""

from __future__ import annotations

import sys
from typing import TextIO

from handlers.engine import Engine
from handlers.replies import Button, Incoming, Person, Reply

PROMPT = "you> "


def render_reply(reply: Reply, out: TextIO) -> None:
    first, *rest = reply.text.splitlines() or [""]
    out.write(f"bot> {first}\n")
    for line in rest:
        out.write(f"     {line}".rstrip() + "\n")
    for number, button in enumerate(reply.buttons, 1):
        out.write(f"     [{number}] {button.label}\n")
    out.write("\n")


def _pressed(line: str, offered: tuple[Button, ...]) -> Button | None:
    """The button a typed line picks, by its number or its label."""
    if line.isdigit() and 1 <= int(line) <= len(offered):
        return offered[int(line) - 1]
    for button in offered:
        if button.label.casefold() == line.casefold():
            return button
    return None


def run_chat(engine: Engine, person: Person, stdin: TextIO = sys.stdin,
             stdout: TextIO = sys.stdout) -> None:
    interactive = stdin.isatty()
    offered: tuple[Button, ...] = ()
    for reply in engine.handle(person, Incoming(text="/start")):
        render_reply(reply, stdout)
        offered = reply.buttons or offered
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
        incoming = Incoming(button=button.data) if button else Incoming(text=line)
        replies = engine.handle(person, incoming)
        for reply in replies:
            render_reply(reply, stdout)
        offered = next((r.buttons for r in reversed(replies) if r.buttons), ())
        stdout.flush()
