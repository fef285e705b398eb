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
    "fb": "facebook",
    "facebooks": "facebook",
    "insta": "instagram",
    "ig": "instagram",
    "instagrams": "instagram",
    "twitter": "x",
    "tweet": "x post",
    "tweets": "x post",
    "tweeted": "x post",
    "tweeting": "x post",
    "retweet": "x post",
    "retweets": "x post",
    "wa": "whatsapp",
    "whatsap": "whatsapp",
    "watsapp": "whatsapp",
    "whatapp": "whatsapp",
    "whats": "whatsapp",
    "yt": "youtube",
    "snap": "snapchat",
    "snapchats": "snapchat",
    "tik": "tiktok",
    "tiktoks": "tiktok",
    "socials": "social media",
    "sm": "social media",
    # pictures and video
    "pic": "photo",
    "pics": "photo",
    "piccy": "photo",
    "pix": "photo",
    "picture": "photo",
    "pictures": "photo",
    "photos": "photo",
    "photograph": "photo",
    "photographs": "photo",
    "photographed": "photo",
    "photographing": "photo",
    "image": "photo",
    "images": "photo",
    "selfie": "photo",
    "selfies": "photo",
    "snaps": "photo",
    "screenshot": "screenshot",
    "screenshots": "screenshot",
    "screengrab": "screenshot",
    "screenshotting": "screenshot",
    "screenprint": "screenshot",
    "vid": "video",
    "vids": "video",
    "videos": "video",
    "film": "video",
    "filming": "video",
    "filmed": "video",
    "record": "video",
    "recording": "video",
    "footage": "video",
    "clip": "video",
    "clips": "video",
    "camera": "phone camera",
    "cameras": "phone camera",
    # devices
    "mobile": "phone",
    "mobiles": "phone",
    "phones": "phone",
    "iphone": "phone",
    "smartphone": "phone",
    "cellphone": "phone",
    "cell": "phone",
    # people
    "kid": "child",
    "kids": "child",
    "children": "child",
    "childs": "child",
    "son": "child",
    "sons": "child",
    "daughter": "child",
    "daughters": "child",
    "boy": "child",
    "girl": "child",
    "boys": "child",
    "girls": "child",
    "pupil": "child",
    "pupils": "child",
    "student": "child",
    "students": "child",
    "youngster": "child",
    "lo": "child",
    "mum": "parent",
    "mom": "parent",
    "mums": "parent",
    "dad": "parent",
    "dads": "parent",
    "mother": "parent",
    "father": "parent",
    "parents": "parent",
    "carer": "parent",
    "carers": "parent",
    "guardian": "parent",
    "guardians": "parent",
    "nan": "grandparent",
    "nanny": "grandparent",
    "grandad": "grandparent",
    "grandma": "grandparent",
    "grandpa": "grandparent",
    "granny": "grandparent",
    "head": "headteacher",
    "headmaster": "headteacher",
    "headmistress": "headteacher",
    "headteachers": "headteacher",
    "ht": "headteacher",
    "principal": "headteacher",
    "ta": "staff assistant",
    "tas": "staff assistant",
    "lsa": "staff assistant",
    "teachers": "teacher",
    "miss": "teacher",
    "sir": "teacher",
    "colleague": "staff",
    "colleagues": "staff",
    "employee": "staff",
    "employees": "staff",
    "governors": "governor",
    "gov": "governor",
    "govs": "governor",
    "senco": "senco",
    "slt": "slt",
    "dsl": "dsl",
    # actions
    "upload": "post",
    "uploaded": "post",
    "uploading": "post",
    "posting": "post",
    "posted": "post",
    "posts": "post",
    "share": "post",
    "shared": "post",
    "sharing": "post",
    "publish": "post",
    "published": "post",
    "put": "post",
    "complain": "complaint",
    "complaining": "complaint",
    "complaints": "complaint",
    "moan": "complaint",
    "moaning": "complaint",
    "concerns": "concern",
    "worried": "concern",
    "worry": "concern",
    "worries": "concern",
    "concerned": "concern",
    "bullied": "bully",
    "bullying": "bully",
    "bullies": "bully",
    "cyberbully": "cyberbullying",
    "cyberbullied": "cyberbullying",
    "trolling": "abuse",
    "troll": "abuse",
    "trolls": "abuse",
    "abusive": "abuse",
    "abused": "abuse",
    "nasty": "abuse",
    "horrible": "abuse",
    "allowed": "allow",
    "aloud": "allow",
    "allow": "allow",
    "permitted": "allow",
    "ok": "allow",
    "okay": "allow",
    "alright": "allow",
    "permission": "consent",
    "consented": "consent",
    "friend": "friend",
    "friends": "friend",
    "befriend": "friend",
    "follow": "follow",
    "following": "follow",
    "follows": "follow",
    "followed": "follow",
    "followers": "follow",
    "follower": "follow",
    "achievements": "achievement",
    "win": "achievement",
    "won": "achievement",
    "winning": "achievement",
    "trophy": "achievement",
    "cup": "achievement",
    "medal": "achievement",
    "medals": "achievement",
    "award": "achievement",
    "awards": "achievement",
    "champion": "achievement",
    "champions": "achievement",
    "certificate": "achievement",
    "linked": "link",
    "links": "link",
    "related": "link",
    "connected": "link",
    "tie": "link",
    "tied": "link",
    "ties": "link",
    "delete": "remove",
    "deleted": "remove",
    "deleting": "remove",
    "removed": "remove",
    "removing": "remove",
    "reply": "comment",
    "replies": "comment",
    "replied": "comment",
    "comments": "comment",
    "commented": "comment",
    "anon": "anonymous",
    "anonymously": "anonymous",
    "alias": "anonymous",
    "pseudonym": "anonymous",
    "username": "name",
    "locked": "private",
    "privately": "private",
    "mate": "friend",
    "mates": "friend",
    "pal": "friend",
    "pals": "friend",
    "sponsor": "donation",
    "sponsored": "donation",
    "sponsorship": "donation",
    "fundraising": "donation",
    "fundraiser": "donation",
    "donate": "donation",
    "donations": "donation",
    "justgiving": "donation",
    "gofundme": "donation",
    "dm": "message",
    "dms": "message",
    "pm": "message",
    "messaging": "message",
    "messages": "message",
    "messaged": "message",
    "texting": "message",
    "text": "message",
    "texts": "message",
    "messenger": "message",
    "chat": "message",
    "chatting": "message",
    "lies": "false",
    "lying": "false",
    "untrue": "false",
    "rumour": "false",
    "rumours": "false",
    "rumor": "false",
    "rumors": "false",
    "fictitious": "false",
    "purpose": "aim",
    "aims": "aim",
    "objective": "aim",
    "objectives": "aim",
    "goal": "aim",
    "goals": "aim",
    "rationale": "aim",
    "upset": "unhappy",
    "annoyed": "unhappy",
    "disappointed": "unhappy",
    "angry": "unhappy",
    "furious": "unhappy",
    "dissatisfied": "unhappy",
    "livid": "unhappy",
    "talk": "speak",
    "speaking": "speak",
    "contact": "speak",
    "contacting": "speak",
    "approach": "speak",
    "sacked": "dismiss",
    "fired": "dismiss",
    "sack": "dismiss",
    "dismissal": "dismiss",
    "dismissed": "dismiss",
    "yr": "year",
    "y1": "year",
    "y2": "year",
    "y3": "year",
    "y4": "year",
    "y5": "year",
    "y6": "year",
    "yr1": "year",
}

# fmt: off
STOPWORDS = frozenset(
    [
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for",
        "from", "with", "about", "as", "into", "onto", "over", "under", "is", "are", "was",
        "were", "be", "been", "being", "am", "do", "does", "did", "doing", "have", "has", "had",
        "having", "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your",
        "yours", "he", "him", "his", "she", "her", "hers", "it", "its", "they", "them", "their",
        "theirs", "this", "that", "these", "those", "there", "here", "what", "which", "who",
        "whom", "whose", "when", "where", "why", "how", "can", "could", "would", "should", "will",
        "shall", "may", "might", "must", "just", "so", "very", "really", "actually", "also",
        "too", "not", "no", "yes", "any", "some", "all", "each", "every", "other", "another",
        "such", "only", "own", "same", "than", "then", "now", "up", "down", "out", "off", "again",
        "further", "once", "more", "most", "much", "many", "lot", "lots", "get", "got", "getting",
        "go", "going", "gone", "im", "ive", "id", "dont", "doesnt", "didnt", "isnt", "arent",
        "wasnt", "wont", "cant", "couldnt", "wouldnt", "shouldnt", "thats", "whats", "theres",
        "hi", "hello", "hey", "thanks", "please", "ok", "honestly", "basically", "like", "bit",
        "one", "ones", "thing", "things", "something", "anything", "someone", "anyone", "know",
        "think", "want", "wanted", "need", "tell", "say", "said", "still", "even", "let", "lets",
        "well", "sure", "yeah", "oh", "ah", "um", "someones", "everyones", "find", "mean",
        "means", "place", "keep", "keeps", "goes", "way", "start", "starting", "problem",
        "become", "try", "trying", "next", "before", "left", "right", "totally", "quick",
        "quicker", "last", "week", "today", "yesterday", "tomorrow", "fine", "happen", "happens",
        "happened", "come", "came", "comes", "back", "big", "little", "new", "old", "great",
        "lovely", "ask", "asked", "asking", "quite", "probably", "maybe", "guess", "wondering",
        "wonder", "awkward", "ever", "u", "ur", "pls", "plz", "thx", "coz", "cos", "bc", "abt",
    ]
)
# fmt: on

# Multi-word spellings and idioms that would otherwise mislead word matching.
PHRASES: dict[str, str] = {
    "whats app": "whatsapp",
    "face book": "facebook",
    "you tube": "youtube",
    "tik tok": "tiktok",
    "snap chat": "snapchat",
    "head teacher": "headteacher",
    "head of school": "headteacher",
    "made up name": "alias",
    "fake name": "alias",
    "different name": "alias",
    "set the record straight": "engage",
    "get involved": "engage",
    "not happy": "unhappy",
    "fed up": "unhappy",
    "head round": "understand",
    "head around": "understand",
    "group chat": "groupchat",
    "group chats": "groupchat",
    "screen shot": "screenshot",
    "screen shots": "screenshot",
    "screen print": "screenshot",
    "screen prints": "screenshot",
    "e safety": "esafety",
    "online safety": "esafety",
    "follow request": "friend request",
    "follow requests": "friend request",
}
_PHRASE = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b"
)

_EMOJI_AND_SYMBOLS = re.compile(r"[^\w\s@#'&]", re.UNICODE)
_WORD = re.compile(r"[a-z0-9]+")


def _stem(token: str) -> str:
    """Very light English suffix stripping, enough to meet plural and tense forms
    ("putting" -> "put", "policies" -> "policy"); "class" and "anonymous" stay whole."""
    if len(token) <= 4 or token.isdigit() or token.endswith(("ss", "us", "is")):
        return token
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            stem = token[: -len(suffix)] + replacement
            if suffix in ("ing", "ed") and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # doubled consonant: "putting" -> "put"
            return stem
    return token


def clean_text(text: str) -> str:
    """Lower-case, NFKC, no emoji or punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("'", "")
    text = _EMOJI_AND_SYMBOLS.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def canonical(word: str) -> tuple[str, ...]:
    """The canonical token(s) one typed word stands for."""
    mapped = SYNONYMS.get(word)
    if mapped is None:
        stemmed = _stem(word)
        mapped = SYNONYMS.get(stemmed, stemmed)
    return tuple(mapped.split())


def words(text: str) -> list[str]:
    """The content words of `text` as typed (cleaned, idioms rewritten, no stopwords)."""
    text = _PHRASE.sub(lambda found: PHRASES[found.group(1)], clean_text(text))
    return [word for word in _WORD.findall(text) if word not in STOPWORDS]


def tokens(text: str) -> list[str]:
    """Canonical content tokens of `text`, in order."""
    return [token for word in words(text) for token in canonical(word)]


def normalise(text: str) -> str:
    """Canonical content tokens joined by spaces: the form the fuzzy scorers compare."""
    return " ".join(tokens(text))
