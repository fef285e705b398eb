"""Turn what people type into comparable tokens: case, punctuation, emoji, text-speak,
synonyms and light stemming. Curated phrasings and policy passages go through the same
function, so "pics on fb" and "photos on Facebook" meet in the middle."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# One canonical word per idea. Multi-word targets expand to several tokens.
SYNONYMS: dict[str, str] = {
    # platforms
    "fb": "facebook", "facebooks": "facebook", "insta": "instagram", "ig": "instagram",
    "instagrams": "instagram", "twitter": "x", "tweet": "x post", "tweets": "x post",
    "tweeted": "x post", "tweeting": "x post", "retweet": "x post", "retweets": "x post",
    "wa": "whatsapp", "whatsap": "whatsapp", "watsapp": "whatsapp", "whatapp": "whatsapp",
    "whats": "whatsapp", "yt": "youtube", "snap": "snapchat", "snapchats": "snapchat",
    "tik": "tiktok", "tiktoks": "tiktok", "linked": "linkedin",
    "socials": "social media", "sm": "social media",
    # pictures and video
    "pic": "photo", "pics": "photo", "piccy": "photo", "pix": "photo", "picture": "photo",
    "pictures": "photo", "photos": "photo", "photograph": "photo", "photographs": "photo",
    "photographed": "photo", "photographing": "photo", "image": "photo", "images": "photo",
    "selfie": "photo", "selfies": "photo", "snaps": "photo", "screenshot": "screenshot",
    "screenshots": "screenshot", "screengrab": "screenshot", "screenshotting": "screenshot",
    "screenprint": "screenshot", "vid": "video", "vids": "video", "videos": "video",
    "film": "video", "filming": "video", "filmed": "video", "record": "video",
    "recording": "video", "footage": "video", "clip": "video", "clips": "video",
    "camera": "phone camera", "cameras": "phone camera",
    # devices
    "mobile": "phone", "mobiles": "phone", "phones": "phone", "iphone": "phone",
    "smartphone": "phone", "cellphone": "phone", "cell": "phone",
    # people
    "kid": "child", "kids": "child", "children": "child", "childs": "child", "son": "child",
    "sons": "child", "daughter": "child", "daughters": "child", "boy": "child",
    "girl": "child", "boys": "child", "girls": "child", "pupil": "child", "pupils": "child",
    "student": "child", "students": "child", "youngster": "child", "lo": "child",
    "mum": "parent", "mom": "parent", "mums": "parent", "dad": "parent", "dads": "parent",
    "mother": "parent", "father": "parent", "parents": "parent", "carer": "parent",
    "carers": "parent", "guardian": "parent", "guardians": "parent", "nan": "grandparent",
    "nanny": "grandparent", "grandad": "grandparent", "grandma": "grandparent",
    "grandpa": "grandparent", "granny": "grandparent",
    "head": "headteacher", "headmaster": "headteacher", "headmistress": "headteacher",
    "headteachers": "headteacher", "ht": "headteacher", "principal": "headteacher",
    "ta": "staff assistant", "tas": "staff assistant", "lsa": "staff assistant",
    "teachers": "teacher", "miss": "teacher", "sir": "teacher",
    "colleague": "staff", "colleagues": "staff", "employee": "staff", "employees": "staff",
    "governors": "governor", "gov": "governor", "govs": "governor",
    "senco": "senco", "slt": "slt", "dsl": "dsl",
    # actions
    "upload": "post", "uploaded": "post", "uploading": "post", "posting": "post",
    "posted": "post", "posts": "post", "share": "post", "shared": "post", "sharing": "post",
    "publish": "post", "published": "post", "put": "post",
    "complain": "complaint", "complaining": "complaint", "complaints": "complaint",
    "moan": "complaint", "moaning": "complaint", "concerns": "concern", "worried": "concern",
    "worry": "concern", "worries": "concern", "concerned": "concern",
    "bullied": "bully", "bullying": "bully", "bullies": "bully", "cyberbully": "cyberbullying",
    "cyberbullied": "cyberbullying", "trolling": "abuse", "troll": "abuse", "trolls": "abuse",
    "abusive": "abuse", "abused": "abuse", "nasty": "abuse", "horrible": "abuse",
    "allowed": "allow", "aloud": "allow", "allow": "allow", "permitted": "allow",
    "ok": "allow", "okay": "allow", "alright": "allow",
    "permission": "consent", "consented": "consent",
    "friend": "friend", "friends": "friend", "befriend": "friend", "follow": "follow",
    "following": "follow", "follows": "follow", "followed": "follow", "followers": "follow",
    "follower": "follow",
    "u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks",
    "coz": "because", "cos": "because", "bc": "because", "abt": "about",
    "yr": "year", "y1": "year", "y2": "year", "y3": "year", "y4": "year", "y5": "year",
    "y6": "year", "yr1": "year",
}

STOPWORDS = frozenset("""
a an the and or but if of to in on at by for from with about as into onto over under is are
was were be been being am do does did doing have has had having i me my mine myself we us our
ours you your yours he him his she her hers it its they them their theirs this that these those
there here what which who whom whose when where why how can could would should will shall may
might must just so very really actually also too not no yes any some all each every other
another such only own same than then now up down out off again further once more most much
many lot lots get got getting go going gone im ive id dont doesnt didnt isnt arent wasnt
wont cant couldnt wouldnt shouldnt thats whats theres hi hello hey thanks please ok honestly
basically like bit one ones thing things something anything someone anyone know think want
wanted need tell say said still even let lets well sure yeah oh ah um
""".split())

_EMOJI_AND_SYMBOLS = re.compile(r"[^\w\s@#'&]", re.UNICODE)
_WORD = re.compile(r"[a-z0-9]+")


def _stem(token: str) -> str:
    """Very light English suffix stripping, enough to meet plural and tense forms."""
    if len(token) <= 4 or token.isdigit():
        return token
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)] + replacement
    return token


def clean_text(text: str) -> str:
    """Lower-case, NFKC, no emoji or punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("'", "")
    text = _EMOJI_AND_SYMBOLS.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def _canonical(word: str) -> tuple[str, ...]:
    mapped = SYNONYMS.get(word)
    if mapped is None:
        stemmed = _stem(word)
        mapped = SYNONYMS.get(stemmed, stemmed)
    return tuple(mapped.split())


def tokens(text: str, keep_stopwords: bool = False) -> list[str]:
    """Canonical content tokens of `text`, in order."""
    out: list[str] = []
    for word in _WORD.findall(clean_text(text)):
        if not keep_stopwords and word in STOPWORDS:
            continue
        out.extend(_canonical(word))
    return out


def normalise(text: str) -> str:
    """Canonical content tokens joined by spaces: the form the fuzzy scorers compare."""
    return " ".join(tokens(text))
