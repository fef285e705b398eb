"""Spot messages suggesting a child may be at risk, wherever they are typed, so the bot can
stop and send them to the designated safeguarding lead at once.

Each sentence is read on its own (a worrying sentence buried in a long message about a
recorder still counts, and an idiom in one sentence does not excuse the next one). A sentence
is cleaned (case, punctuation, common misspellings and text-speak), figures of speech are
struck out ("killing me", "dying to"), and then category rules look for the shape of a
disclosure: a child (or "me", when a child is typing) with something harmful done to them,
by whom. Injuries with an ordinary explanation ("hit his head at football", "the first aider
sorted it") and general questions about policy or lessons ("are teachers allowed to follow
pupils?") do not count. Allegations against staff (teacher, TA, dinner lady, coach,
volunteer...) are a category of their own, with who it is about, because they are routed
differently.

The balance leans to referring: a wrong referral costs the DSL a minute; a missed one
leaves a child waiting. `Detector` takes further sentence scorers (for instance a sentence
encoder's similarity to known disclosures) beside the rules; `policybot eval` measures the
whole on labelled files (knowledge/safeguarding_eval.py)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.normalise import clean_text
from knowledge.safeguarding_cues import cue_score
from knowledge.safeguarding_model import TriageModel, shared_encoder, shipped_model, texts_to_embed

# A sentence scorer: how much one cleaned sentence reads like a disclosure, 0 to 1.
SentenceScorer = Callable[[str], float]
REFER_AT = 0.5  # a sentence scoring this or more (rules score 1) is referred


@dataclass(frozen=True)
class Assessment:
    """The decision on one message, and why (for tests, `eval` and routing)."""

    at_risk: bool
    category: str | None = None  # e.g. "physical", "allegation_against_staff"
    sentence: str | None = None  # the cleaned sentence that raised it
    about: str | None = None  # allegations: "head" when about the headteacher, else "staff"
    score: float = 0.0


# -- cleaning ---------------------------------------------------------------------------------
_SPELLING = {
    "abbused": "abused",
    "abuesd": "abused",
    "abussed": "abused",
    "beated": "beat",
    "beatin": "beating",
    "boyfrend": "boyfriend",
    "bf": "boyfriend",
    "bfs": "boyfriends",
    "bruses": "bruises",
    "brusies": "bruises",
    "daugter": "daughter",
    "daugther": "daughter",
    "dauhgter": "daughter",
    "doesnt": "doesnt",
    "didnt": "didnt",
    "dont": "dont",
    "groomd": "groomed",
    "hitted": "hit",
    "hurted": "hurt",
    "inapropriate": "inappropriate",
    "inapropriately": "inappropriately",
    "innapropriately": "inappropriately",
    "kiled": "killed",
    "kil": "kill",
    "mom": "mum",
    "mommy": "mummy",
    "nite": "night",
    "pls": "please",
    "plz": "please",
    "privates": "private parts",
    "punchd": "punched",
    "sayin": "saying",
    "scard": "scared",
    "slaped": "slapped",
    "slapt": "slapped",
    "smackd": "smacked",
    "sucide": "suicide",
    "sucidal": "suicidal",
    "suicidle": "suicidal",
    "suacide": "suicide",
    "teecher": "teacher",
    "techer": "teacher",
    "tuched": "touched",
    "touchd": "touched",
    "tuches": "touches",
    "tutches": "touches",
    "u": "you",
    "ur": "your",
    "wont": "wont",
    "yo": "year old",
    "yr": "year",
    "yrs": "years",
}
_SPELLING_WORD = re.compile(r"\b(" + "|".join(map(re.escape, _SPELLING)) + r")\b")

# Figures of speech that use alarming words harmlessly: struck out before the rules run.
_IDIOMS = re.compile(
    r"\b("
    r"(is|are|was|were|its|it s|you re|youre|theyre|hes|shes) (\w+ )?killing (me|us)|"
    r"killing (me|us) with|"
    r"(dying|desperate) (to|for)|(id|i d|would|to) die for|die for it|"
    r"(could|gonna|going to|will|would|wants? to|want to|ll|hed|shed|id|d) "
    r"(kill|murder|strangle|throttle) "
    r"(him|her|them|you|my (son|daughter|husband|wife|kids|children|brother|sister)|"
    r"(his|her|my|their) (little |big |baby )?(brother|sister)s?|"
    r"his (brother|sister)|her (brother|sister)|each other)"
    r"( (if|for|when|he|she|they)\b[^.]*)?|"
    r"(nearly |almost )?(killed|kill|killing) (my|him|her|them)sel(f|ves) laughing|"
    r"going to die if|my (son|daughter|kids?|boy|girl) (said|says) (hed|shed|he would|she "
    r"would|theyd|he will|she will|hell|shell) (kill|murder) me|"
    r"die if (she|he|i|they) (doesnt|dont|cant|does not)|"
    r"bored to death|scared (stiff|of the dark|of spiders|of dogs)|"
    r"terrified on the|fight like cat and dog|like cat and dog|"
    r"die (her|his|my|their) hair|"
    r"nightmare (at|morning|day|week)|"
    r"killer (app|question)|drop (him|her|them) off|touch(ed|es|ing)? on|touch base|"
    r"(keep|get|getting|got|be|stay) in touch"
    r")\b"
)

# -- vocabulary --------------------------------------------------------------------------------
_AGE = r"(\d+ ?(year old|years old|month old)|\d+ ?yrs? old)"
_KIN = (
    r"(son|daughter|child|kid|boy|girl|children|kids|boys|girls|grandson|granddaughter|"
    r"nephew|niece|brother|sister|pupil|student|baby|toddler|little one|friend|classmate|"
    r"step ?son|step ?daughter|stepson|stepdaughter|grandchild|grandchildren)"
)
_CHILD = (
    rf"((my|our|his|her|their|a|the|this|that|another|other|one|some|an|older|younger) "
    rf"(little |older |younger |eldest |youngest |{_AGE} |\w+s )?{_KIN}s?|{_AGE}|"
    r"him|her|them|me|us|my little one|my lo|the baby)"
)
_FAMILY_ADULT = (
    r"(dad|daddy|father|mum|mummy|mother|mam|step ?dad|step ?mum|stepfather|stepmother|"
    r"step ?father|step ?mother|mums boyfriend|mums partner|dads girlfriend|dads partner|"
    r"boyfriend|girlfriend|partner|husband|wife|ex|uncle|auntie|aunt|grandad|grandpa|"
    r"granddad|grandfather|nan|nanny|grandma|gran|cousin|lodger|neighbour|childminder|"
    r"babysitter|man|men|woman|adult|grown ?up|stranger|guy|bloke|older man)"
)
_STAFF = (
    r"(teacher|teachers|ta|teaching assistant|learning support assistant|lsa|dinner lady|"
    r"dinner ladies|dinner man|lunchtime supervisor|midday supervisor|midday|supply teacher|"
    r"supply|coach|football coach|sports coach|swimming teacher|volunteer|volunteers|tutor|"
    r"head ?teacher|headteacher|the head|headmaster|headmistress|deputy head|deputy|caretaker|"
    r"(learning |peer )?mentor|classroom assistant|helper|club leader|(scout|cub|brownie|"
    r"guide|beaver|youth|church) leader|youth worker|priest|vicar|imam|"
    r"(pe|music|swimming|dance|drama|football|karate|piano) (teacher|instructor|coach)|"
    r"after school club (man|woman|leader|staff|worker|lady)|after school club|"
    r"breakfast club (man|woman|leader|staff|worker|lady)|breakfast club|senco|instructor|"
    r"(minibus|bus) driver|member of staff|staff member|staff|"
    r"(mr|mrs|miss|ms|mx) \w+|sir|miss)"
)
_HEAD = re.compile(r"\b(head ?teacher|headteacher|the head|headmaster|headmistress)\b")
_HIT = (
    r"(hit|hits|hitting|punch|punched|punches|punching|kick|kicked|kicks|kicking|slap|"
    r"slapped|slaps|slapping|smack|smacked|smacks|smacking|beat|beats|beaten|beating|hurt|"
    r"hurts|hurting|strangled|strangles|strangling|choked|chokes|choking|throttled|shook|"
    r"shakes|shaking|burned|burnt|burns|whipped|belted|attacked|attacks|assaulted|"
    r"bites|bruised|pinched|pinches|grabbed|grabs|dragged|drags|shoved|shoves|pushed|"
    r"pushes|threw|throws|thrown|stamped on|battered|thumped|thumps|squeezed|twisted|"
    r"throwing|pinned|pins|restrained|held down|whacked|whacks|walloped|clipped|cuffed)"
)
_HARD_HIT = (  # serious whoever does it
    r"(punch|punched|punches|punching|beat (him|her|me|them) up|beaten up|beats (him|her|"
    r"me|them) up|beating (him|her|me|them) up|strangled|strangles|strangling|choked|chokes|"
    r"choking|throttled|whipped|belted|stabbed|battered|(burned|burnt) (him|her|me|them|my \w+))"
)
_ACCIDENT = re.compile(
    r"\b(fell|fall|falls|falling|tripped|trip|slipped|accident|accidentally|football|rugby|"
    r"pe|netball|gymnastics|tackle|climbing frame|playground|bike|trampoline|first aid|"
    r"first aider|nurse|office rang|plaster|ice pack|ice|cooking|scissors|cat|dog|candle|"
    r"ball|play fighting|playfighting|wrestling|friends again|sorted it|he is fine|"
    r"she is fine|hes fine|shes fine|its fine|to stop (him|her|them)|out of the road|"
    r"into the road|from the road|safe|thank you|thanks)\b"
)
# Staff taking hold of a child for the child's safety, or an accident they saw to.
_STAFF_EXCUSE = re.compile(
    r"\b(to stop (him|her|them)|out of the road|into the road|from the road|safe|fell|"
    r"tripped|slipped|accident|accidentally|first aid|first aider|plaster|ice|he is fine|"
    r"she is fine|hes fine|shes fine|thank you|thanks|sorted it|comfort\w*|cuddle|hug)\b"
)
# A general question about rules or lessons, not about anyone in particular.
_GENERAL_QUESTION = re.compile(
    r"^(can|could|is|are|should|do|does|will|would|may|am i|is it|whats|"
    r"(what|how|why|when|where|who|which) (\w+ ){0,2}(is|are|do|does|did|can|could|should|"
    r"would|will|happens|counts|if))\b"
)
_CONCRETE = re.compile(
    r"\b(my|our|told me|told us|said|says|saying|i think|i found|im worried|i am worried|"
    r"me|yesterday|today|last night|again|check on|keep an eye on|look out for|worried|"
    r"concerned|noticed|saw|heard)\b"
)
_TOPIC = re.compile(
    r"\b((lesson|lessons|talks|assembly|workshop|training|documentary|policy|topic|"
    r"course) (about|on|in|for)|(a|the|this|next|that) talk (about|on|in|for)|"
    r"learning about|(teach|taught|teaching) (them|the children|kids) about|"
    r"safeguarding (talk|lead|policy|training)|stranger danger|pants rule|"
    r"online safety)\b"
)


def _rule(category: str, *patterns: str) -> tuple[str, re.Pattern]:
    """A category and the shapes of sentence that disclose it."""
    return category, re.compile(r"\b(" + "|".join(f"(?:{p})" for p in patterns) + r")\b")


_SECRET = (
    r"(keep (it|this|them|that|the \w+|everything) (a |our )?secret|our (little )?secret|"
    r"(a|our|their|his|her) special (game|secret)|(not|never) to tell|dont tell (anyone|"
    r"mum|mummy|dad|daddy|your|us|me|nobody)|wont tell (anyone|mum|dad)|"
    r"delete the (chats|messages|photos)|hide (it|the chats|the messages) from)"
)
_RULES = (
    _rule(
        "self_harm",
        r"self ?harm\w*",
        r"suicid\w*",
        r"wants? to die|wanted to die|want(s|ed)? to be dead|wish (i|he|she) (was|were) dead",
        r"(kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning|starve|starving) "
        r"(my|him|her|them|your)sel(f|ves)",
        r"(cutting|cuts|cut|burning|scratching|scratches) (her|his|their|my) "
        r"(arms?|wrists?|legs?|thighs?|skin)",
        r"(scratches|cuts|marks|burns) (all )?(on|up|over) (her|his|their|my) (\w+ ){0,4}"
        r"(arms?|wrists?|legs?|thighs?|tummy)",
        r"(dont|doesnt|not|no longer|never) want(s)? to (be alive|live|be here|wake up)",
        r"better off without (me|him|her|them)",
        r"end (it all|(my|his|her|their) (own )?life)|take (my|his|her|their) own life",
        r"(taking|take|took|swallowed) (all )?(of )?(my|the|her|his|mums|dads|some) "
        r"(tablets|pills|paracetamol)|overdose\w*",
        r"jump (off|in front of)",
        r"(want|wants|wanted|wish|wishes|wished) to disappear|(not|never) (to )?wake up",
        r"better (off )?dead|rather be dead|wants? to be dead|"
        r"stopped eating|(starving|starve) (him|her)self",
        r"(should|go|to) (just )?(die|kill (your|her|him|them)sel(f|ves))|\bkys\b",
    ),
    _rule(
        "sexual",
        r"sexual(ly)? (abus\w*|assault\w*|touch\w*|things|stuff)",
        r"rap(e|ed|ing|ist)|molest\w*|paedophile|pedophile|paedo|nonce",
        r"touch(ed|es|ing)? .{0,40}(private parts?|pants|knickers|bottom|bum|willy|penis|"
        r"vagina|fanny|chest|boobs|breasts?|down there|inappropriate\w*|under (her|his|my))",
        r"inappropriate(ly)? touch\w*|touch\w* inappropriate\w*",
        r"made (her|him|me|them) touch",
        r"secret tickl\w*|tickles? .{0,20}(pants|knickers|under)",
        r"(take|took|taking|takes) (his|her|my|their) clothes off",
        r"(in|into) the (bath|shower|bed) with (her|him|me|my)",
        r"(comes|came|coming|gets|got) (in|into) (my|her|his|their) (room|bed) at night",
        r"(rude|dirty|adult|sex) (videos|films|pictures|photos|things)|porn\w*",
        r"kiss(es|ed|ing)? (her|him|me|my \w+) on the (lips|mouth)",
        r"acting out sexual|sexualised",
        r"(sit|sits|sat|sitting) on (his|her|their) (lap|knee)",
        r"touch\w* .{0,40}((doesnt|dont|didnt) like it|uncomfortable)",
        r"(photo|pic|picture|video|selfie|image)s? of (his|her|their|your) (body|bum|chest|"
        r"private parts)|(send|sent|sends|sending|asked for|wants) .{0,20}(photo|pic|picture|"
        r"video|selfie|image)s? of (himself|herself|themselves)",
        r"private (area|areas|bits|parts?)",
        r"(make|makes|made|making|force|forces|forced|forcing|get|gets|got) (her|him|me|them) "
        r"(to )?do (things|stuff|something)|(do|did|doing) (things|stuff) (she|he|i|they) "
        r"(doesnt|dont|didnt) want",
        r"(pretending|pretended|pretends|pretend) to be (a|an) (\w+ )?(girl|boy|kid|child|teen)",
    ),
    _rule(
        "child_on_child",
        r"(nude|naked|indecent|topless|explicit) (photo|picture|pic|image|video|selfie)s?",
        r"\bnudes\b|sext\w*|sextort\w*",
        r"held (him|her|me|them|my \w+) down",
        r"pulled (his|her|my|their) (trousers|pants|knickers|skirt) (off|down)",
        r"(knife|blade|machete|gun)",
        r"stabbed|stabbing",
        r"(beat|beaten|beats|beating) (\w+ )?up",
        r"stitches|hospital",
        r"filmed (her|him|a girl|a boy|them|my \w+) .{0,20}(toilet|changing|shower)",
        r"upskirt\w*",
        r"forc(ing|es|ed) (her|him|me|my \w+) to",
        r"strangl\w+|chok(ing|ed|es) (him|her|me|other|them)|pass out",
        r"will (hurt|kill|stab|get) (her|him|me|them) if",
        r"(threat\w*|going|gonna|said (hed|shed|they d|theyd)) (to )?(kill|stab|shoot)",
        r"death threats?",
    ),
    _rule(
        "emotional",
        r"calls? (him|her|me|them) (a |an )?(worthless|stupid|useless|ugly|fat|retard\w*|"
        r"waste|idiot|thick|disgusting|little shit|mistake)",
        r"waste of space|(wish|wishes|wished) (he|she|they|i) (had )?never (been born|had)",
        r"nobody (wants|loves|likes) (me|him|her)",
        r"locks? (him|her|me|them) (in|out)|locked (him|her|me|them) (in|out)",
        r"(wont|doesnt|dont|never) let (him|her|me|them) eat",
        r"screamed at constantly|screams at (him|her|me|them) (every|all)",
        r"humiliat\w+",
        r"threat(ens|ened|ening) to (kill|hurt|send|put|leave|throw)",
        r"send (him|her|me|them) away (to|into)|(childrens|kids) home|into care",
        r"stand in the corner all",
        r"(put|puts|putting|locked|locks|locking|shut|shuts|tied|ties|tie|keeps) (him|her|them|"
        r"me|my \w+) (\w+ )?(in|into|up|to) (the |a |his |her |their )?(\w+ )?(cage|cupboard|"
        r"shed|dark|chair|bed|garden|bath|kennel|boot)",
    ),
    _rule(
        "neglect",
        r"no food (at|in) (home|the house|our house)|never any food|nothing to eat",
        r"(doesnt|dont|isnt|not|never) (get |being |getting )?fed",
        r"hungry (every|all the|each) (day|time|morning)|comes? (in|to school) hungry",
        r"taking food (out of|from)|steals? food|stealing food",
        r"(on (his|her|their) own|alone|by (himself|herself|themselves)) (overnight|all "
        r"(night|day|weekend)|for (hours|days)|while (they|she|he|mum|dad))",
        r"left (alone|on (his|her|their) own|home alone)",
        r"same (dirty |smelly )?(clothes|uniform) for|clothes smell|smells (really )?bad|"
        r"teeth are rotting|rotten teeth",
        r"nobody (picks|collects) (him|her|them) up|no one (picks|collects)",
        r"no (heating|electric|electricity|gas|water|beds?)",
        r"always (drunk|high|off (her|his) face)|passed out|(because of|on) (the )?drugs",
        r"sleeps all day",
        r"(always|constantly|often|usually) (starving|hungry|dirty|smelly|filthy|unwashed)",
        r"no (coat|shoes|socks) (in|and|for)",
        r"fend for (them|him|her|my)sel\w+|look after (themselves|himself|herself|the baby|"
        r"the little ones)",
        r"(urine|wee|poo|pee) (soaked|stained|smelling)|soiled|(dirty|smelly|filthy|wet) "
        r"(clothes|uniform|nappy|nappies)|forgets? to (feed|wash|collect|pick|give)",
        r"i (make|cook) (my )?(little )?(brothers|sisters|brother|sister) (tea|dinner|food)",
        r"get (myself|ourselves) (and my \w+ )?to school",
        r"(neglect|neglected|neglecting|neglects) ",
    ),
    _rule(
        "online_grooming",
        r"groom(ed|ing|s)",
        r"(asking|asked|asks|ask) (my \w+|her|him|them|my \w+ \w+)( \w+)? (for|to send) "
        r"((him|her|them|me) )?(photos|pictures|pics|a photo|a picture|nudes|videos)",
        r"(what (she|he|they) (is|are|was|were|s) wearing)|in (her|his) (pyjamas|underwear)",
        r"(sending|sent|sends|giving|gave|buying|bought|buys) (him|her|them|my \w+) "
        r"(robux|v ?bucks|money|gifts|presents|skins|credit)",
        r"(meet|meeting) (her|him|them|up with (her|him|them)|my \w+) (at|in|after|on)|"
        r"wants to meet",
        r"video call\w*.{0,40}(bedroom|camera)",
        r"move (to|onto) (snapchat|whatsapp|a private)",
        r"(offered|offering|gave|give|giving) (him|her|them|my \w+) (sweets|money|a lift|lifts|"
        r"presents|a present) (to|if)|get (in|into) (the|his|her|their|a|an) (car|van)",
        r"(told|telling|tells|dared|daring|asked|asking) (him|her|them|my \w+) to (hurt|harm|"
        r"cut|film|send|kill|touch|strip|undress)",
        r"(his girlfriend|her boyfriend|mature for (her|his) age)",
    ),
    _rule(
        "domestic_abuse",
        r"domestic (violence|abuse)",
        r"(hits|hurts|hurt|beats|punches|punched|pushes|pushed|strangles|strangled|chokes|"
        r"choked|attacked|attacks|grabbed|kicks|kicked|throws things at|hitting|punching|"
        r"beating|kicking|strangling|choking|hurting) "
        r"(me|mum|mummy|my mum|her mum|his mum|their mum|my wife|my partner|mam)",
        r"(grabbed|had|got) me by the throat",
        r"police (were |was )?(called|came|come) (to ours|round|to the house|to our)",
        r"smash(ed|es|ing) (the house|everything|things|the place) up",
        r"threat\w* (me|us) and the (kids|children)",
        r"(scared|afraid|frightened|terrified) of (my|her|his) (partner|husband|ex|boyfriend|"
        r"wife|girlfriend)",
        r"not allowed near (him|her|them|us)",
        r"(hides|hid|hiding) under the bed",
        r"(he|she) will take (them|the kids|the children)",
    ),
    _rule(
        "missing",
        r"(hasnt|has not|havent|didnt|never|not) (come|came|been) (home|back)",
        r"missing (since|for|overnight)|(gone|going|went|goes|is|has been) missing",
        r"(run|ran|runs|running) away",
        r"cant find (my|her|him|them)",
        r"(not|hasnt|havent) been seen",
        r"(dont|doesnt|nobody|no one) knows? where (he|she|they) (is|are)",
    ),
    _rule(
        "exploitation",
        r"county lines|(criminal|sexual) exploitation|exploit\w*",
        r"(drop|dropping|deliver|delivering|carry|carrying|moving|take|taking) "
        r"(off )?(parcels|packages|bags|stuff|drugs)",
        r"older (lads|boys|men|guys|kids) (pay|paying|paid|give|giving|gave|make|making|made)",
        r"(expensive|new) (trainers|clothes|phone|phones).{0,40}(wont|doesnt|cant) say",
        r"two phones|second phone|burner",
        r"owes .{0,30}money",
        r"(giving|give|gave|gives) (them|her|him|the girls|the kids|the boys|my \w+) "
        r"(vapes|alcohol|drink|drugs|weed|cigarettes)",
        r"older boyfriend|parties with (older )?men",
        r"work for them",
        r"(sell|selling|deal|dealing|hold|holding|stash|stashing) (\w+ )?(weed|drugs|cannabis|"
        r"coke|cocaine|ket|pills)|approached by (older|men|a man|adults|a group)",
        r"(disappearing|disappears|disappeared|vanishes|vanishing) (at night|for (hours|days)|"
        r"overnight)|comes? (back|home) with .{0,15}(cash|money|gifts|new|expensive)",
        r"(makes?|making|made|forc\w+) (him|her|them|my \w+) (give|hand over|steal)",
    ),
    _rule(
        "radicalisation",
        r"radicali[sz]\w*|extremis\w*|far right|isis|jihad\w*|swastika\w*|nazi\w*|"
        r"white power",
        r"(join|fight for) (their|the|a) (cause|gang|movement)|fight for (their|the|a) group",
        r"blow up",
        r"(deserve|deserves) to die",
        r"hate (muslims|jews|christians|black people|immigrants|foreigners)",
    ),
    _rule(
        "fgm_forced_marriage",
        r"\bfgm\b|female genital|forced marriage",
        r"(cut|cutting|circumcis\w*).{0,40}(girl|girls|woman|women|ceremony|down there)",
        r"(girl|girls|woman|ceremony).{0,40}(cut|cutting|circumcis\w*)",
        r"circumcised",
        r"(will|going to|gonna|has to|have to|must|is to|are to) (be|get) cut\b|cut like",
        r"(made|forced|forcing|force|making) (her |him |me )?to (marry|get married)|"
        r"marry (her|his|my) cousin|married off|promised (her|him|my .{0,30}) to",
        r"engaged at (1[0-7]|[0-9])",
        r"((is|aged|age|only|shes|hes) (1[0-7]|[0-9])|(1[0-7]|[0-9]) (year old|years old))\b"
        r".{0,60}"
        r"\b(married|marry|marrying|husband|wedding to)\b|"
        r"\b(married|marry|marrying)\b.{0,60}\b((is|aged|age|only|shes|hes) (1[0-7]|[0-9])\b|"
        r"(1[0-7]|[0-9]) (year old|years old))",
    ),
    _rule(
        "fear_of_home",
        r"(scared|afraid|frightened|terrified|doesnt want|dont want|didnt want|refuses|"
        r"refused|wont|begged (me )?not|too scared) to go (back )?home",
        r"(unsafe|not safe) (at|to go) home",
        r"(scared|afraid|frightened|terrified) of (his|her|their|my) (mum|dad|mother|father|"
        r"step ?dad|step ?mum|stepfather|stepmother|parents?|mums boyfriend|uncle|mummy|"
        r"daddy)",
        r"(hides|hid|hiding) (behind|from|when)",
        r"cries every time (her|his|their) (dad|mum|father|mother) (comes|collects|picks)",
        r"rather than go home|sleeps (at|in) the park",
    ),
)

# Harm by an adult in the family or around it, or a disclosure of being hurt.
_ADULT_HARM = re.compile(
    rf"\b({_FAMILY_ADULT}|he|she|they)\b.{{0,40}}\b{_HIT}\b.{{0,15}}\b{_CHILD}\b|"
    rf"\b{_HIT} by (his|her|their|my|a|an|the|our|mums|dads) (\w+ )?{_FAMILY_ADULT}\b|"
    rf"\b(is|was|being|been|getting|got|gets) (hurt|hit|beaten|abused|smacked|slapped|"
    rf"punched|kicked|neglected)\b|"
    rf"\bchild abuse|abuse at home|(abused|abusing) (him|her|them|me|my|a|the)\b|"
    rf"\b(bruises|bruising|marks|finger marks|hand marks|belt marks|black eye|burns?)\b.{{0,60}}"
    rf"\b(did it|did this|because|said|says|told|wont say|wouldnt say|every)\b|"
    rf"\b{_HARD_HIT}\b.{{0,10}}\b{_CHILD}\b|"
    rf"\bflinch\w*"
)
_HARD = re.compile(rf"\b{_HARD_HIT}\b")
_STAFF_ACTOR = re.compile(rf"\b(the |a |one of the |his |her |my |our )?{_STAFF}s?\b")
_STAFF_ACT = re.compile(
    rf"\b{_HIT}\b|\b(touch(es|ed|ing)?|kiss(es|ed|ing)?|fondl\w*|stroke[sd]?|sat (her|him) "
    r"on|sit on (his|her) lap)\b|"
    r"\b(adding|added|adds|follow\w*|messag\w*|texting|dming) (the |my )?(children|kids|"
    r"pupils|girls|boys|her|him|them|my \w+)\b|"
    r"\bfriends with (my|her|him|a|the|them) .{0,25}\bon (snapchat|instagram|insta|tiktok|"
    r"facebook|whatsapp)\b|"
    r"\b(send|sending|sent|sends) (them|her|him|the (children|kids|pupils)|my \w+) (messages|"
    r"texts|pictures|photos|pics|dms|videos)\b|"
    r"\b(messag\w+|texts?|texted|texting|dms?|dmed|follows|followed|following|friend request|"
    r"added (her|him|my)|snapchat|whatsapp)\b.{0,60}\b(her|him|my \w+|them|pupils?|"
    r"children|kids|me (on|at night|late))\b|"
    r"\b(lifts? home|presents|gifts|sweets|on (her|his) own|room on (her|his) own|alone with)\b|"
    r"\bthrew .{0,20}at\b|\bcalled (him|her|me) a\b|"
    r"\b(asked|asking|asks|wanted|wants) (for )?(her|his|my \w+s|their) (number|snapchat|"
    r"instagram|insta|tiktok|phone|address)\b|"
    r"\b(tells|telling|told|says) (her|him|my \w+) (she|he) (is|looks) (beautiful|gorgeous|"
    r"sexy|pretty|fit|special|(his|her) favourite)\b|"
    r"\b(kept|keeps|keeping) (her|him|my \w+) behind\b|"
    r"\b(get|getting|gets) changed in front of (him|her)\b|"
    r"\b(comments?|remarks?) about (her|his|my \w+s|their) (figure|body|chest|legs|bum|"
    r"looks|boobs)\b|\b(letting|lets|let|allowing|allows) .{0,25}\b(vape|vapes|smoke|drink|"
    r"watch)\b|"
    r"\b(pulled|pulls|dragged|drags|grabbed|grabs|yanked|lifted) (him|her|my \w+|them) "
    r"(up )?by (the|his|her|their) (hair|ponytail|ear|ears|arm|arms|hood|collar|neck|"
    r"jumper|coat|wrist)\b|"
    r"\b(pulls|pulled|pulling|yanked|yanks|twisted|twists) (his|her|their|my \w+s) (ear|ears|"
    r"hair|arm|arms)\b|"
    r"\b(alone|on (her|his|their) own) (with (her|him|them|my \w+)|in (a|the|his|her) (room|"
    r"changing rooms?|office|car|cupboard|toilets?|van))\b"
)
# Asking whether something is allowed (following a pupil online, say) is asking about a rule.
_PERMISSION = re.compile(
    r"^(is it (ok|okay|alright|appropriate|normal|acceptable|allowed)|(are|is) (\w+ ){1,3}"
    r"allowed|can (a|the|my|his|her) (\w+ )?(teacher|coach|ta|staff)|should (a|the) )"
)
# Staff telling a parent something is not staff doing something.
_STAFF_REPORTING = re.compile(
    rf"\b(the |a |his |her |my |our )?{_STAFF} (said|says|told (me|us)|rang|phoned|called me|"
    r"emailed|messaged me|texted me|reported|explained|mentioned) (that )?|"
    rf"\b(the |a |his |her |my |our )?{_STAFF} told (him|her|them|my \w+) off\b"
)
_STAFF_PASSIVE = re.compile(
    rf"\b{_HIT}\b.{{0,40}}\bby (the|a|an|his|her|my|our|their|one of the) (\w+ )?{_STAFF}\b"
)
_NOT_HARM = re.compile(
    r"\b(abusive (comments|messages|posts|language)|verbal abuse|online abuse|abuse online|"
    r"abuse (of|at|towards|aimed at|under|on) (staff|teachers|parents|the school|a|the|my)|"
    r"social media abuse|(posted|posting|posts|sends? me|sent me|receiving|received|report|"
    r"reporting|records of|evidence of|keep) (\w+ ){0,2}abuse)\b"
)
# A member of staff asking about their own conduct, or anyone asking whether something
# is allowed without a particular child in it, asks about a rule.
_ASKING_A_RULE = re.compile(
    r"\b(is (that|it|this) (ok|okay|alright|allowed|appropriate)|am i allowed|"
    r"is that allowed|can i)\b"
)
_STAFF_SELF = re.compile(
    r"\b(i (teach|coach|work)|im a (ta|teacher|member of staff|tutor|coach)|i am a (ta|"
    r"teacher|member of staff)|as a (teacher|ta|member of staff|governor|coach))\b"
)
_A_CHILD = re.compile(
    r"\bmy (\w+ )?(son|daughter|child|kid|kids|boy|girl|\d+ year old)s?\b|\b(him|her)\b"
)
# What makes a category's words harmless in a sentence: an explained injury, a lost pet.
_EXCUSES = {
    "neglect": re.compile(
        r"\b(football|swimming|training|pe|club|after school|snack|growth spurt|growing|"
        r"comes home from|gets home from|pick ?up|home time|bigger (lunch|snack|portions?|"
        r"breakfast)|(can|could) (he|she|they) have)\b"
    ),
    "missing": re.compile(
        r"\b(cat|dog|pet|hamster|rabbit|puppy|kitten|coat|bag|shoe|shoes|jumper|lunchbox|kit|"
        r"book|homework|tooth|teeth)\b"
    ),
    "online_grooming": re.compile(
        r"\b(dog|pet|hair|horse|pony) grooming|grooming (parlour|salon)"
    ),
    "child_on_child": re.compile(
        rf"{_ACCIDENT.pattern}|\b(knife and fork|knives and forks|nerf|toy|water pistol|"
        r"cap gun|show and tell)\b"
    ),
    "physical": _ACCIDENT,
}


def _excused(category: str, sentence: str) -> bool:
    """An ordinary explanation for the words that matched, unless the harm is serious."""
    excuse = _EXCUSES.get(category)
    return bool(excuse and excuse.search(sentence)) and not _HARD.search(sentence)


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?:but|also|and also|anyway|ps)\s+")


def _clean(sentence: str) -> str:
    text = _SPELLING_WORD.sub(lambda found: _SPELLING[found.group(1)], clean_text(sentence))
    return " ".join(_IDIOMS.sub(" ", text).split())


def sentences(text: str) -> list[str]:
    """The message cut into sentences, cleaned, idioms struck out; empty ones dropped."""
    return [clean for part in _SENTENCE_END.split(text or "") if (clean := _clean(part))]


def _general(sentence: str) -> bool:
    """A question about rules or a lesson, not a report about someone."""
    question = bool(_GENERAL_QUESTION.match(sentence)) and not _CONCRETE.search(sentence)
    return question or bool(_TOPIC.search(sentence))


def _allegation(sentence: str) -> bool:
    sentence = _STAFF_REPORTING.sub(" ", sentence)
    physical = re.search(rf"\b{_HIT}\b", sentence)
    if not physical and (
        _PERMISSION.match(sentence)
        or _STAFF_SELF.search(sentence)
        or (_ASKING_A_RULE.search(sentence) and not _A_CHILD.search(sentence))
    ):
        return False  # "is it ok for a teacher to follow my son?" asks about a rule
    passive = _STAFF_PASSIVE.search(sentence)
    if passive and not _STAFF_EXCUSE.search(sentence):
        return True
    actor = _STAFF_ACTOR.search(sentence)
    if actor is None:
        return False
    after = sentence[actor.start() :]
    if not _STAFF_ACT.search(after) and not re.search(_SECRET, after):
        return False
    return not _STAFF_EXCUSE.search(sentence) or bool(_HARD.search(sentence))


def _rules(sentence: str) -> Assessment | None:
    """The first category whose pattern describes harm in this sentence, if any."""
    if _general(sentence):
        return None
    sentence = _NOT_HARM.sub(" ", sentence)
    if _allegation(sentence):
        about = "head" if _HEAD.search(sentence) else "staff"
        return Assessment(True, "allegation_against_staff", sentence, about, 1.0)
    for category, pattern in _RULES:
        if pattern.search(sentence):
            if _excused(category, sentence):
                continue
            return Assessment(True, category, sentence, score=1.0)
    if re.search(_SECRET, sentence) and not re.search(
        r"\b(surprise|present|birthday)\b", sentence
    ):
        return Assessment(True, "online_grooming", sentence, score=1.0)
    if _ADULT_HARM.search(sentence) and not _excused("physical", sentence):
        return Assessment(True, "physical", sentence, score=1.0)
    return None


def message_parts(text: str) -> list[str]:
    """The cleaned sentences the detector reads, abuse-of-staff phrases struck out."""
    return [" ".join(_NOT_HARM.sub(" ", part).split()) for part in sentences(text)]


def semantic_texts(parts: Sequence[str], text: str) -> list[str]:
    """What the sentence encoder reads: the sentences that are not general questions about
    rules or lessons (as for every scorer), and the whole message when it has several."""
    reports = [part for part in parts if not _general(part)]
    return texts_to_embed(reports, text) if reports else []


class Detector:
    """Rules first; each extra scorer (cue words, say) may refer a sentence the rules passed
    over, never excuse one they caught. With a `model` (knowledge/safeguarding_model.py),
    the rules' verdict becomes one input beside the sentence encoder's, and the fitted
    combination decides: the encoder catches what no rule was written for, and its doubt
    can overrule a rule that fired on a harmless sentence."""

    def __init__(
        self,
        scorers: Sequence[tuple[str, SentenceScorer]] = (),
        model: Callable[[], TriageModel] | None = None,
    ) -> None:
        self.scorers = tuple(scorers)
        self.model = model

    def rules_assess(self, parts: Sequence[str]) -> Assessment | None:
        """What the rules and scorers alone make of a message's cleaned sentences."""
        for sentence in parts:
            if found := _rules(sentence):
                return found
        for name, scorer in self.scorers:
            for sentence in parts:
                if not _general(sentence) and (score := scorer(sentence)) >= REFER_AT:
                    return Assessment(True, name, sentence, score=score)
        return None

    def assess(self, text: str) -> Assessment:
        parts = message_parts(text)
        found = self.rules_assess(parts)
        texts = semantic_texts(parts, text)
        if self.model is None or not texts:
            return found or Assessment(False)
        model = self.model()
        logits = model.sentence_logits(shared_encoder().encode(texts))
        best = int(np.argmax(logits))
        combined = model.combine(float(logits[best]), found is not None)
        score = float(1 / (1 + np.exp(-combined)))
        if combined < model.threshold:
            return Assessment(False, score=score)
        if found:
            return found
        return Assessment(True, "semantic", texts[best], score=score)


DETECTOR = Detector((("cues", cue_score),), model=shipped_model)


@functools.lru_cache(maxsize=256)
def assess(text: str) -> Assessment:
    """The shipped detector's verdict. One message is checked by the engine, by the
    matcher and for its action, for each audience: the sentence encoder runs once."""
    return DETECTOR.assess(text)


def suggests_child_at_risk(text: str) -> bool:
    """True when the message suggests a child may be at risk of harm."""
    return assess(text).at_risk
