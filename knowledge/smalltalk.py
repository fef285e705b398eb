"""Messages that are not questions: greetings, thanks, "ok", "help", "menu". They bring
the menu and help, never a policy section chosen because one word matched."""

from __future__ import annotations

import re

from knowledge.normalise import clean_text

_SMALL_TALK = re.compile(
    r"(hi+|hello+|hey+|hiya|yo|good (morning|afternoon|evening)|morning|afternoon|"
    r"thanks?( you)?( very much| so much| a lot)?|thank u|thx|ty|cheers|ta|"
    r"ok(ay)?|k|kk|okey|great|cool|nice|lovely|perfect|brilliant|fine|got it|understood|"
    r"yes|no|yep|nope|sure|bye|goodbye|see you|"
    r"help|help me|menu|main menu|start|options|what can you do|what do you do|"
    r"who are you|are you a bot|test|testing)"
    r"( (please|pls|thanks|thank you|there|bot|again|mate))*"
)


def small_talk(text: str) -> bool:
    """True for a message that is only a greeting, thanks, assent or a call for help."""
    return bool(_SMALL_TALK.fullmatch(clean_text(text).strip()))
