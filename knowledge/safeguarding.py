"""Spot messages suggesting a child may be at risk, wherever they are typed, so the bot can
stop and send them to the designated safeguarding lead at once.

Conservative on purpose: each pattern needs words that describe harm happening to someone
(being abused, touched inappropriately, self-harm, unsafe at home, grooming, sexual images,
threats to kill), not a topic word alone, so "can I post photos of my child" or "who is
the safeguarding lead" do not trigger it. When it does trigger wrongly, the cost is a
referral the DSL closes; when it misses, a child waits: the balance leans to triggering."""

from __future__ import annotations

import re

from knowledge.normalise import clean_text

_CHILD = (
    r"(him|her|them|me|us|my (son|daughter|child|kid|boy|girl|children|kids)|"
    r"(a|the|another|other) (child|pupil|kid|boy|girl)|children|pupils|kids)"
)
_ADULT = (
    r"(dad|father|mum|mother|step ?dad|step ?mum|stepfather|stepmother|parent|uncle|"
    r"aunt|grandad|grandfather|adult|man|woman|teacher|member of staff|staff member|"
    r"carer|boyfriend|girlfriend|partner|brother|sister|cousin|neighbour)"
)

_PATTERNS = [
    # self-harm and suicide
    r"self ?harm\w*",
    r"suicid\w*",
    r"(kill|hurt|cut|cutting|harm|harming) (him|her|my|them)"
    r"sel(f|ves)",
    r"wants? to die",
    r"(end|take) (his|her|their|my) (own )?life",
    # abuse and neglect
    r"child abuse",
    r"(sexual|sexually) (abus\w*|assault\w*|touch\w*)",
    r"rap(e|ed|ing)",
    rf"abus(ed|ing|es) {_CHILD}",
    r"(is|was|being|been|getting|got) (abused|neglected)",
    rf"neglect(s|ing) {_CHILD}",
    r"molest\w*",
    r"paedophile|pedophile",
    r"(no|not enough) food at home|(is|isnt|not) being fed|goes hungry",
    # inappropriate touching
    r"touch(ed|ing|es)? .{0,30}(inappropriate(ly)?|private parts?|privates)",
    r"inappropriate(ly)? touch\w*",
    # physical harm by someone
    rf"(hits|hitting|beats|beating|beaten|hurting|hurts|kicks|kicking|punches|punching|"
    rf"slaps|slapping|burns|burned|burnt|strangl\w*|chok(es|ed|ing)) {_CHILD}",
    rf"(hit|hurt|beaten|attacked|assaulted|kicked|punched|slapped|bruised) by (his|her|their|"
    rf"my|a|an|the|our) {_ADULT}",
    r"(bruises|marks|injuries) (on|all over) (him|her|his|her|their|my)",
    # unsafe at home
    r"(unsafe|not safe|scared|afraid|frightened|terrified) (at|to go|of going) home",
    r"(scared|afraid|frightened|terrified) of (his|her|their|my) (dad|mum|father|mother|"
    r"step ?dad|step ?mum|stepfather|stepmother|parents?)",
    r"domestic (violence|abuse)",
    # online exploitation
    r"groom(ed|ing)",
    r"(sexual|sexually) (messages?|exploit\w*)",
    r"sextort\w*",
    r"(nude|naked|indecent|sexual|explicit|topless) (photo|picture|pic|image|selfie|video|"
    r"vid)s?",
    r"\bnudes\b",
    r"(asked|asking|asks|pressur\w*) (him|her|them|my \w+) (for|to "
    r"send) (photos|pictures|pics)",
    # threats to kill, weapons, exploitation
    r"(threat\w*|going|gonna|will|wants?|said hed|said shed) (to )?(kill|stab|shoot)",
    r"death threats?",
    r"(knife|gun|weapon) (at|in) (school|home)",
    r"forced marriage|\bfgm\b|female genital|radicali[sz]\w*|county lines",
    r"(sexual|criminal) exploitation",
]
_DETECT = re.compile(r"\b(" + "|".join(f"(?:{p})" for p in _PATTERNS) + r")\b")


def suggests_child_at_risk(text: str) -> bool:
    """True when the message suggests a child may be at risk of harm."""
    return bool(_DETECT.search(clean_text(text or "")))
