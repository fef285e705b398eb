"""Button data: short, versioned, validated. Telegram allows 64 bytes of callback data and
anyone can forge it, so every press is parsed back against a strict grammar."""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "1"
_SAFE_ARG = re.compile(r"^[A-Za-z0-9._-]{1,24}$")
# action -> how many arguments it takes
ACTIONS: dict[str, int] = {
    "menu": 0,
    "policy": 0,
    "ask": 0,
    "concern": 0,
    "report": 0,
    "sec": 2,  # section number, page
    "contact": 0,
    "fb": 2,  # the logged question's feedback token, "up" | "down"
    "as": 2,  # audience ("staff" | "parent"), logged question id: ask it again as them
    # guided flows (handlers/conversation.py)
    "pick": 2,  # step, option value
    "done": 0,  # finished sending files or information
    "edit": 0,  # from the summary: which part to change
    "change": 1,  # step to answer again
    "review": 0,  # back to the summary
    "submit": 1,  # draft id: a second press of the same Submit stores nothing new
    "cancel": 0,
    "carry": 0,  # carry on where the flow stood
    "sgimage": 0,  # a report involves a sexual image of a child
    "skip": 0,  # after a safeguarding referral: leave a question unanswered
    # my cases (handlers/mycases.py): each takes a case reference
    "mycases": 0,
    "case": 1,
    "addinfo": 1,
    "escalate": 1,  # ask for the next stage: shows what it means, changes nothing
    "escalateok": 1,  # confirmed: the case moves to the next stage
    "withdraw": 1,
    "withdrawok": 1,
    # staff inbox (handlers/inbox.py): each but "inbox" takes a case reference
    "inbox": 0,
    "sc": 1,  # show the case card
    "sack": 1,  # acknowledge
    "srep": 1,  # reply to the parent
    "snote": 1,  # internal note
    "sesc": 1,  # escalate to the next person up: asks to confirm
    "sescok": 1,  # confirmed: the case passes up
    "sres": 1,  # resolve, with an outcome
    # privacy (handlers/privacy.py): confirm or refuse /forgetme
    "forgetok": 0,
    "forgetno": 0,
}


@dataclass(frozen=True)
class Press:
    action: str
    args: tuple[str, ...]


def encode(action: str, *args: str | int) -> str:
    """Build button data; raises ValueError for anything decode() would refuse."""
    data = ":".join((VERSION, action, *map(str, args)))
    if decode(data) is None:
        raise ValueError(f"invalid button data {data!r}")
    return data


def decode(data: str | None) -> Press | None:
    """The press the data stands for, or None when it is stale, unknown or forged."""
    if not data or len(data.encode("utf-8")) > 64:
        return None
    version, _, rest = data.partition(":")
    if version != VERSION:
        return None
    action, *args = rest.split(":")
    if ACTIONS.get(action) != len(args) or not all(_SAFE_ARG.match(a) for a in args):
        return None
    return Press(action, tuple(args))
