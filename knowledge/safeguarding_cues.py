"""A second signal for safeguarding triage, beside the category rules: weighted cue words.

The rules look for the shape of a disclosure and miss what nobody wrote a shape for ("turned
up with a split lip", "writing goodbye letters", "keeps asking if she can live with us").
Here a sentence scores by the cues it holds: a strong cue (an injury, nakedness, an overdose,
a refuge, a gang) counts 1, a weaker one (a harm verb, fear, secrecy, hunger) 0.5, and a
context cue (an older man, gaming online, cash, a car) 0.5 but only beside a harm cue.
Score 1 or more reads as a disclosure. Sentences that explain themselves (an accident seen
to, a comforting hug, thanks, a pet, a game or a film) score nothing."""

from __future__ import annotations

import re


def _words(*alternatives: str) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(alternatives) + r")\b")


_STRONG = _words(
    # injuries that someone caused, or that are hidden
    r"split lip|bloody nose|black eye|bite marks?|burn marks?|finger ?marks|belt marks|"
    r"hand ?prints?|covered in bruises|bruises (all )?(over|on|up|down)|broken (arm|wrist|rib)s?|"
    r"welts?|weals?|wooden spoon|with a (belt|slipper|stick|cane|hairbrush|wire|cable)",
    # sexual harm
    r"naked|nude|nudes|porn\w*|sex|sexual\w*|private parts?|privates|willy|vagina|penis|"
    r"undress\w*|molest\w*|rape\w*|paedo\w*|forced to (do|have|touch|watch|send|kiss)|"
    r"(hand|hands|fingers?) (in|down|inside|up|under) (her|his|my|their) (knickers|pants|"
    r"underwear|skirt|shorts|trousers|top|nightie|pyjamas|dress)|no clothes( on)?|"
    r"without (any )?clothes|in bed with (him|her|a|the|them|me|my)|sleep with|"
    r"send (a |some )?(picture|photo|pic|selfie|video)s? (in|of) (her|his|your|their|my)|"
    r"swimming costume|in (her|his|your) (underwear|pants|knickers|pyjamas)|"
    r"(have|having|get|getting|take|taking) a (bath|shower) with|"
    r"(photos|pictures|pics|selfies|videos) (in|of) (a|her|his|their) (swimsuit|underwear|"
    r"pants|bikini|swimwear)|"
    r"convicted|conviction|sex offender|offences against children|child offences",
    # self-harm and suicide
    r"paracetamol|overdose\w*|suicid\w*|self ?harm\w*|goodbye (letters?|notes?)|"
    r"giving (his|her|their|my) (things|stuff|toys|belongings) away|"
    r"point in (living|life|being alive|going on)|(want|wants) to live|"
    r"kill(ing)? (my|him|her|them)sel(f|ves)|hang(ing)? (my|him|her)self",
    # domestic abuse, drugs, gangs, extremism
    r"refuge|violence|violent|abuse[ds]?|abusing|abuser|neglect\w*|groom(ed|ing)|"
    r"cocaine|crack|heroin|county lines|gangs?|drug dealers?|"
    r"preacher|non ?believers|infidels?|superior|got rid of|extremis\w*|isis|nazi\w*|"
    r"swastikas?|jihad\w*",
    # a child not where they should be
    r"sneaked out|snuck out|(isnt|not|hasnt come|hasnt been|never came) (back|home)|"
    r"(no one|nobody|noone) (has|have) (heard|seen)|ran away|run away|ran off|missing|"
    r"never turned up|(didnt|did not) turn up|(cant|cannot|can t) (reach|find|contact|"
    r"get hold of) (her|him|them|my)|out looking|search\w* for (her|him|them)",
    r"fgm|cutting ceremony|forced marriage|married off|the cut|have (her|the) cut",
    r"blades|razors?|long sleeves in (the heat|summer|the summer)|"
    r"hates? (himself|herself|myself|themselves)|(happier|better off|better) if (he|she|i|"
    r"they) (was|were|wasnt|werent) (gone|here|around|dead|alive)",
    r"tied (him|her|them|me|my \w+) (to|up)|with a (bottle|knife|hammer|bat|brick|chair)",
    r"toothache|teeth are (black|rotten|rotting)|nobody (has )?(taken|takes|took) (him|her|"
    r"them)|wandering .{0,30}(at night|at \d+|midnight|\d+ ?pm)|(with )?no adult (with|"
    r"around|about)?|rubbish everywhere|sleeps? on the floor|no bed",
    r"never arrived|(didnt|hasnt|has not|did not) arrive|where is (she|he)",
    r"invad\w+|by force|wipe (them )?out|exterminat\w+|martyr\w*|traitors|purge|"
    r"blackmail\w*|sextort\w*",
    r"(not|isnt|is not|never) safe (at|in) (his|her|their|my|the) (house|home|flat|place)",
    r"(dont|do not|please dont) make me go (back )?home",
    r"walk(s|ing|ed)? in on (her|him|me|them)|(biting|bites|bit|hitting|punching|scratching|"
    r"cutting|burning|hurting) (his|her|my|their) (own )?(arms?|legs?|hands?|wrists?|face|"
    r"head)|until (it|they) bleeds?|rope in (her|his|their|my)|found a rope|noose|ligature|"
    r"(made|make|makes|forced|forcing) (him|her|me|them) (strip|undress|get naked)|cornered|"
    r"never got there|(didnt|did not|never) (make it|get|arrive) (to|there)|"
    r"(pays|paid|paying) (him|her|them|my \w+) to|look after (bags|packages|parcels)|"
    r"hold (bags|packages|parcels|stuff) for|lets (himself|herself) in|"
    r"on (his|her|their) own till|(through|in|from) the bins|bins for food|"
    r"(took|taken|taking|swallowed|swallowing) .{0,20}(tablets|pills|paracetamol|medicine|"
    r"bleach)|(want|wanted|wants) (it all|everything|the pain) to stop|"
    r"jump (out of|off|from) (the|a|his|her) (window|bridge|roof|building|balcony)|"
    r"(made|makes|making|forced) (him|her|me|them|my \w+) (lick|eat .{0,15}off the floor)|"
    r"never got (there|to (class|school))|hotels? with|with (men|a man|adults) (she|he) met|"
    r"(held|holds|holding|put|puts) (his|her|my|their) hand (over|on|in) (the )?(hob|fire|"
    r"iron|cooker|stove|candle|kettle|boiling)|(said|says|told \w+) (that )?(she|he|they) "
    r"fell but|rubbed (himself|herself|his \w+) (against|on)|(exposed|flashed) (himself|"
    r"herself)|showed (her|him|me|them) his (privates|willy|penis|private parts)|"
    r"unless (he|she|they|you|i) sends?|send (them|it) to everyone|share (them|it) with "
    r"everyone|ending (my|his|her|their) life|(private|intimate|rude) (pictures|photos|pics|"
    r"images|videos)|bed (hasnt|has not|wasnt|was not) been slept in|(none of|nobody|no one)"
    r" .{0,20}knows? where (he|she|they) (is|are)|(boyfriend|girlfriend) is (1[89]|[2-9][0-9])"
    r"|has to be nice to (them|him|his mates)|(his|their) mates flats?|behead\w*|"
    r"terroris\w+|(are|were) heroes|came back married|home is (scary|horrible|not safe|"
    r"frightening)|sleep at school|"
    r"(comes|came|walks|walked) (in|into) the (bathroom|toilet|shower)|while (she|he)s? (is )?"
    r"(on the toilet|in the (bath|shower))|(hasnt|havent|not|hadnt) eaten (since|for|all)|"
    r"nothing in the (fridge|cupboards?)|left with (their|his|her) (\d+ year old|older|big|"
    r"\d+) (sister|brother)|the baby is only|asking if (his|her|their) (mum|dad|parents|mum "
    r"and dad) (are|is) (home|in|around|out)|what time (he|she) goes to bed|if (she|he) "
    r"(sends?|sent) (him|them|her) (some )?(pics|photos|pictures|videos)|wants? to go to "
    r"heaven|go to syria|(right|holy) war|(isnt|not|never) allowed (in|home) (until|till)|"
    r"special (cuddles|hugs|games?|secrets?|tickles|time|touch\w*)|(special|little) "
    r"operation|operation .{0,20}(married|marry|pure|woman)|(make|makes|making) her pure|"
    r"take up arms|armed (struggle|uprising)|(doesnt|dont|didnt) want to go (back )?home|"
    r"(doesnt|dont|didnt) want to go back( to (his|her|their|my) (dads?|mums?|fathers?|"
    r"mothers?|house|home|place|step ?\w+))?$",
    r"not allowed to (talk|tell|say|speak) about (it|what)|(licked|licks|licking) (her|him|me)|"
    r"touch\w* (my|her|his) (private|privates|bum|bottom|willy|boobs|chest)|"
    r"(photos|pictures|videos|pics) of (her|him|me|them) (in the bath|naked|in bed|undressed|"
    r"getting changed)|no tops? on|tops? off|(what|which) colour (knickers|pants|underwear)|"
    r"about (her|his|my) body|get out of the house|(took|taken|packed) (her|his) passport|"
    r"left in (his|her|their) (cot|room|pram|buggy) all day|"
    r"(jews|muslims|immigrants|black people|foreigners) (control|are taking|are invading|"
    r"should be|need to be)|(should|need to|must) be dealt with|"
    r"engaged to (a|an|her|his) (man|older|cousin)",
    r"(wont|will not|refuses? to|doesnt|never) take (her|him|them) to (the )?(doctor|dentist|"
    r"hospital|gp)|(no|without|hasnt had (her|his|their)) (medicine|medication|inhaler|"
    r"glasses)",
    r"(go|going|travel|travelling) (abroad|over there|to \w+) (and|to) fight|"
    r"should (go and )?fight|wants to (go and )?fight|race war",
    r"(couldnt|cant|could not|cannot) face going home|slept (in|at) (our|the|a) (shed|park|"
    r"garage|car|street|bus stop)|(sleep|sleeping|stay|staying) (rough|outside|on the street)",
)
_HARM = _words(
    r"hit|hits|hitting|punch\w*|kick\w*|slap\w*|smack\w*|beat|beats|beaten|beating|hurt\w*|"
    r"strangl\w*|chok(e|es|ed|ing)|whack\w*|thump\w*|shook|shakes|shaking|pushed|shoved|"
    r"threw|thrown|throws|throwing|grabbed|dragged|pinch\w*|bites|bit (him|her|me)|"
    r"burn(s|ed|t)?|scream\w*|smash\w*|broke|broken|weapon|knife|knives",
    r"bruise\w*|blood\w*|bleed\w*|marks|sling|injur\w*|cuts|scratch\w*|stitches|"
    r"wet (him|her|my)self|pulling (her|his|my) hair",
    r"scared|terrified|frightened|afraid|petrified|hides|hiding|flinch\w*|nightmares|"
    r"uncomfortable|upset every|crying every|cries every|(doesnt|didnt|dont) like (it|him|"
    r"her|going)|shaking|woke up screaming",
    r"(shut|shuts|locked|locks|locking|puts|put) (him|her|them|me|my \w+|the \w+|his \w+|"
    r"her \w+)( \w+)? (in|out|outside)\b|for hours|"
    r"in the cold|plays doctors|knickers|underwear|earn (money|cash)|easy money|"
    r"(meet|meets|meeting) (him|her|them) (at|in|after)|loves (her|him)|"
    r"doesnt love (him|her|me)|(its|it is|was) (his|her|my) fault|mice|rats|"
    r"claiming to be|turn (the|his|her|your) camera on|(found|left|wrote|writing) a note|"
    r"saying sorry|goodbye|threw stones|lots of (cash|money)|comes? (back|home) with|"
    r"(message|talk to|chat with|chat to|dm|call) (him|her|me|them) privately|privately|"
    r"private chat|(telling|tells|told|says) (her|him) (she|he)s? (is )?(so )?(pretty|"
    r"beautiful|gorgeous|sexy|hot|special|mature)|between (them|us|you and me|the two of)|"
    r"or (she|he|they)(ll| will) (tell|share|post|send)|"
    r"(giving|give|gave|gives|offering|offered) .{0,25}\b(vapes|alcohol|drugs|weed|"
    r"cigarettes|lifts)|(will|would) be angry|"
    r"(scared|afraid|frightened|worried) (of )?(what|that) .{0,25}(will|would) (do|happen)|"
    r"bleed|bleeding|cry and|mocks?|mocking|ridicul\w+|"
    r"calls (him|her|me) (a |an )?(freak|loser|monster|animal|pig|mistake|retard)|"
    r"(more )?grown up than|(see|meet) (her|him|up) in person|in the snow|"
    r"(frightens|scares) (her|him|me|them)|twisted (it|her|his)",
    r"swollen|sworn at|swearing at|bastards?|little shits?|nits crawling|no hot water|"
    r"crawling|cant talk yet|lets (himself|herself) in|till (1[0-2]|[7-9]) ?pm|"
    r"(grab|grabs|grabbing|grabbed|pinching|pinched|slapping|slapped|touching|touched) (her|his|"
    r"my) (bum|bottom|chest|boobs|crotch|privates|private)|(she|he) likes it|made (her|him|me) "
    r"feel (sick|dirty|weird|scared|uncomfortable)|down there|privates|"
    r"voicemail|its (now )?dark|left no note|no note|picked up (from|at|by)|in a car|"
    r"group chat where|share pictures of|control the world|(her|his) body",
    r"(pulls|pulled|pulling|yanked|yanks|twisted|twists) (his|her|their|my \w+s) (ear|ears|"
    r"hair|arm|arms)",
    r"secret|secrets|not to tell|dont tell|wont say|wouldnt say|changing (her|his) story|"
    r"(story|explanation|excuse) .{0,40}chang\w*|delete (the|their|our)|"
    r"(if (i|you|she|he|they)|not|not to|dont|never|mustnt|wont|cant) tells? (anyone|"
    r"anybody|someone|a teacher|the teacher|school|mum|dad|you|(his|her|their|your|my) "
    r"(mum|dad|parents|mummy|daddy|teacher))|never see",
    r"(asking|asked|asks) (him|her|them|my \w+ )?(to )?(where|what school|how old|for (his|"
    r"her|their) (address|number|snapchat)|to (video|meet|send|keep|delete|come))|"
    r"wants to (meet|video)|says (he|she) is (1[0-9]|[0-9])|"
    r"pretend\w* to be ((a|an) (\w+ )?(girl|boy|kid|child|teen)|1[0-7]|[0-9])\b|"
    r"lying about (his|her) age|when (his|her|their|my) (parents|mum|dad) (are|is) (asleep|out)|"
    r"video (going round|being shared)|going round (the|school|the school)",
    r"hungry|starving|bins|unwashed|filthy|smells|smelling|no food|without (dinner|food|tea)|"
    r"bath in (weeks|days)|on (his|her|their) own|alone|till midnight|out all night|"
    r"goes out for days|whoever (she|he|they) can|drunk|drinks|drinking|drugs|weed",
    r"touch\w*|thigh|lap|kiss\w*|chest|top up|changing room|watched (her|him) (get|getting)|"
    r"filming (her|him|them|it)|filmed (her|him|them|it)",
    r"forced|forcing|(making|made|makes) (him|her|me|them|my \w+) (do|eat|go|watch|touch|"
    r"keep|carry|sell|send|take|stand|sleep|hold)|owes?|favour|"
    r"pathetic|disappointment|worthless|useless|stupid|waste of",
    r"die|dead|anymore|searching how|live with us|stay with us|sleep at ours",
    r"cut|cutting|ceremony|punished|fight for|sent back",
)
_CONTEXT = _words(
    r"the baby|little ones|toddler|daddy|mummy|van|parties|after we go to bed|late at night|"
    r"friend is (1[89]|[2-9][0-9])|(a |an )?(1[89]|[2-9][0-9]) (year old|yo)|"
    r"(he|she|they) (said|says|told)|told (me|us|her|him|his|my)|says (that )?(his|her)|"
    r"(my|her|his) (brothers|sisters|dads|mums) (friend|freind|mate)|cousin|neighbours?|"
    r"(her|his|their) (fathers|mothers|dads|mums)|"
    r"older (man|men|woman|women|boy|boys|lad|lads|guy|guys|girl|girls)|a man|a woman|men|"
    r"stranger|adult|grown ups?|fella|new fella|boyfriend|in (his|her) (twenties|20s|thirties)",
    r"gaming|discord|instagram|tiktok|snapchat|online|video (chat|call)\w*|gift card|"
    r"v ?bucks|robux|where (we|she|he|they) live|what school|mature|asleep|his age",
    r"cash|money|car|picked up|bags|parcels|packages|older",
    r"at home|home time|go back|goes back|when (her|his|my) (dad|mum|mother|father) (drinks|"
    r"comes|gets)",
    r"only (1[0-7]|[0-9])|(1[0-7]|[0-9]) (year old|years old)|back home|abroad|marry|"
    r"married|husband",
    r"(his|her|my|their) (dad|mum|mother|father|step ?dad|step ?mum|uncle|partner|husband|"
    r"ex|boyfriend|nan|grandad)|mums (new )?(fella|boyfriend|partner|friend)",
    r"every (day|night|time)|again|keeps|always",
)
# Sentences that explain their own alarming words.
_EXPLAINED = _words(
    r"fell|falling|fall|tripped|slipped|accident\w*|first aid\w*|hospital (put|said|checked)|"
    r"in a cast|plaster|ice pack|checked (him|her) over|(he|she|they|it)s (fine|ok|okay)|"
    r"(he|she|they|it) (is|was|were) (fine|ok|okay)|all fine|sorted it",
    r"(?<!special )(hug\w*|cuddl\w*)|calmed|comfort\w*|reassur\w*|thank you|thanks|"
    r"grateful|lovely|brilliant",
    r"cat|dog|puppy|kitten|hamster|rabbit|pet|goldfish",
    r"cooking|baking|scissors|craft|diy|trapped|caught (his|her|my) (finger|hand|foot)|"
    r"ball|told (him|her|them|me|us|my \w+) off|"
    r"friends again|said sorry|apologised|walk(ed|ing)? into (a|the)|bumped|banged|"
    r"watching (a|the) (film|movie|programme|video)|monsters?|scary (film|movie|story)|"
    r"in (the|a) (game|film|movie|book|story|play|show|programme)|fortnite battle|zombies?",
    r"(football|rugby|netball|pe|match|training|tackle|gymnastics|trampoline|swimming lesson)",
    r"going to die if|die if (she|he|i|they) (doesnt|dont|cant|dont)|died laughing|"
    r"killed (my|him|her)self laughing|die of (embarrassment|shame)|dead funny|dead good",
    r"fire alarm|fire drill|ghost train|horror film|scary film|halloween|nativity|"
    r"book fair|parents evening|spelling test|sats",
)


# Ordinary reasons for weaker cues ("always hungry after school"): they excuse those alone.
_ORDINARY = _words(
    r"after (school|swimming|football|pe|training|clubs?|practice)|at (pick ?up|home time)|"
    r"bigger (lunch|snack|portions?|breakfast)|(can|could) (he|she|they) have"
)


def cue_score(sentence: str) -> float:
    """How much a cleaned sentence reads like a disclosure by its cue words, 0 to 1
    (0.5 and above: refer)."""
    if _EXPLAINED.search(sentence):
        return 0.0
    strong = len({m.group(0) for m in _STRONG.finditer(sentence)})
    harm = len({m.group(0) for m in _HARM.finditer(sentence)})
    if not strong and (not harm or _ORDINARY.search(sentence)):
        return 0.0
    context = len({m.group(0) for m in _CONTEXT.finditer(sentence)})
    total = strong + 0.5 * harm + 0.5 * context
    return min(total, 2.0) / 2
