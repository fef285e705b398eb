"""Spot what someone wants to *do*, independent of which section answers them: raise a
concern or complaint, or report an online incident that has happened; a message suggesting
a child is at risk is a safeguarding referral before anything else."""

from __future__ import annotations

import re

from knowledge.normalise import clean_text
from knowledge.safeguarding import suggests_child_at_risk

_CONCERN = re.compile(
    r"\b(complain\w*|complaint|raise (a |an |my )?(concern|issue|worry)|make a complaint|"
    r"not happy|unhappy|fed up|disappointed|(who|where) (do|should|can) i (go|speak|talk|turn|"
    r"tell|complain|raise|report)|speak to (the |someone|somebody)|i am worried|im worried|"
    r"i'm worried|worried about|concerned about|have a concern|got a concern|escalate|"
    r"appeal|chair of governors)\b"
)

_INCIDENT_VERB = re.compile(
    r"\b(posted|posting|put up|putting up|shared|sharing|uploaded|uploading|sent|sending|"
    r"keeps? (posting|sending|saying|putting|leaving|commenting|messaging|slagging)|"
    r"has been|have been|is being|are being|getting|received|made a fake|set up a fake|"
    r"commented|saying|said|spreading|slagging|threaten\w*|harass\w*|impersonat\w*)\b"
)
_INCIDENT_OBJECT = re.compile(
    r"\b(photo\w*|pic\w*|picture\w*|video\w*|vid\w*|image\w*|lies|rumou?rs?|comments?|"
    r"messages?|posts?|abuse|abusive|nasty|horrible|threats?|fake (account|profile|page|"
    r"instagram|facebook|tiktok)|account|screenshots?|about me|about my|of my)\b"
)
_INCIDENT_PLACE = re.compile(
    r"\b(online|facebook|fb|instagram|insta|tiktok|snapchat|whatsapp|twitter|x|youtube|"
    r"group chat|social media|internet|messenger|discord|roblox|website|page)\b"
)
# Someone it is happening to: "my son is being cyberbullied", "she keeps trolling me".
_INCIDENT_DIRECT = re.compile(
    r"\b((is|are|am|was|were|been|being|getting|keeps?|keep on) (\w+ )?(cyber ?bull\w*|"
    r"bullied online|bullying \w+ online|trolled|trolling|harass\w*|impersonat\w*)|"
    r"(made|set up|created|started) a fake (account|profile|page)|fake (account|profile) "
    r"(of|pretending|in the name)|pretending to be (me|my)|"
    r"report (an |a |this )?(incident|post|photo|video|account|abuse|comment))\b"
)
_BULLIED = re.compile(r"\b(is|are|am|was|were|been|being|getting) (\w+ )?bullied\b")
# Asking about a rule, not telling what happened.
_HYPOTHETICAL = re.compile(
    r"\b(can i|am i allowed|is it ok|could i|may i|should i post)\b|"
    r"^(will|would|does|do|can|could|should|may|what is|what are|what counts|how are|how is)\b"
)


def detect_action(text: str) -> str | None:
    """'safeguarding' when a child may be at risk, 'report' for a described online incident,
    'concern' for a wish to raise a concern or complaint, else None. The more urgent wins."""
    if suggests_child_at_risk(text):
        return "safeguarding"
    clean = clean_text(text)
    if not _HYPOTHETICAL.search(clean) and (
        _INCIDENT_DIRECT.search(clean)
        or (_BULLIED.search(clean) and _INCIDENT_PLACE.search(clean))
        or (
            _INCIDENT_VERB.search(clean)
            and _INCIDENT_OBJECT.search(clean)
            and _INCIDENT_PLACE.search(clean)
        )
    ):
        return "report"
    if _CONCERN.search(clean):
        return "concern"
    return None


_PROMISE = {
    "report": re.compile(r"\breport (it|this|them|that)\b[^.]*\bhere\b"),
    "concern": re.compile(r"\b(raise|complain|make a complaint)\b[^.]*\bhere\b"),
}


def promised_action(answer: str) -> str | None:
    """The flow an answer's own words promise ("you can report it to the school here"):
    such an answer must come with that button."""
    clean = clean_text(answer)
    return next((action for action, promise in _PROMISE.items() if promise.search(clean)), None)
