# ruff: noqa: E501  (lexicon tables: one entry per line, word lists as literals)
"""The PLOVER trigger lexicon: verbs and nominalisations with their PLOVER type, mode and context.

Written from the PLOVER manual's type definitions (openeventdata/PLOVER, `PLOVER_MANUAL.md`, and its
CAMEO2PLOVER-2021 conversion table, CC BY-SA 4.0) and general English; never from gold sentences.

Each line of a table is `lemma[ +particle][ obj=a|b][ mod=a|b] : TYPE/mode/context[;context]`:
- `+particle`: a child particle or preposition the verb must govern ("call +for", "pull +out");
- `obj=`: lemmas one of which must be the verb's object (or its object's compound/modifier);
- `subj=`: lemmas one of which must be the verb's subject;
- `mod=`: for nouns, lemmas one of which must modify the noun ("strike mod=hunger");
- `TYPE` may be `-`: the pattern is known and means no event (so a more general line does not fire).
Lines are tried in order, the first that matches wins, so specific lines come before general ones.
The tables are parsed once per process (`lexicon()`), not at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

VERB_LINES = """
# AGREE: agree to, offer, promise, or otherwise commit to cooperate (PLOVER AGREE)
agree : AGREE//diplomatic
accept obj=demand|condition|term : CONCEDE//
accept obj=proposal|offer|plan|mediation|ceasefire|truce|deal|agreement|formula|invitation|resolution : AGREE//diplomatic
accept obj=refugee|migrant|asylum|people : AID//humanitarian
accept : AGREE//
allow : CONCEDE//
permit : CONCEDE//
consent : AGREE//diplomatic
promise : AGREE//
pledge : AGREE//
offer : AGREE//
commit +to : AGREE//
undertake : AGREE//
volunteer : AGREE//
reach obj=agreement|deal|accord|ceasefire|truce|settlement|compromise|understanding : AGREE//diplomatic
broker : AGREE//diplomatic
conclude obj=agreement|deal|accord|treaty : AGREE//diplomatic
ratify : AGREE//diplomatic
# CONSULT: meet, talk, negotiate, visit, mediate
meet : CONSULT//diplomatic
negotiate : CONSULT//diplomatic
discuss : CONSULT//diplomatic
confer : CONSULT//diplomatic
consult : CONSULT//diplomatic
mediate : CONSULT//diplomatic
visit : CONSULT/visit/diplomatic
host obj=talk|negotiation|meeting|summit|conference|delegation|visit|visitor|leader|president|minister|counterpart|envoy|king|queen|chancellor|premier|secretary|official|delegate|guest|head : CONSULT/visit/diplomatic
receive obj=delegation|mission|visit|visitor|envoy|counterpart|delegate|emissary|ambassador : CONSULT/visit/diplomatic
phone : CONSULT/phone/diplomatic
telephone : CONSULT/phone/diplomatic
talk +with : CONSULT//diplomatic
hold obj=talk|negotiation|meeting|summit|consultation|discussion|dialogue : CONSULT//diplomatic
# SUPPORT: praise, endorse, defend, apologise, recognise, sign formal agreements
praise : SUPPORT//diplomatic
endorse : SUPPORT//diplomatic
commend : SUPPORT//diplomatic
applaud : SUPPORT//diplomatic
hail : SUPPORT//diplomatic
welcome : SUPPORT//diplomatic
congratulate : SUPPORT//diplomatic
thank : SUPPORT//diplomatic
apologize : SUPPORT//diplomatic
apologise : SUPPORT//diplomatic
forgive : SUPPORT//diplomatic
recognize : SUPPORT//diplomatic
recognise : SUPPORT//diplomatic
back : SUPPORT//diplomatic
support : SUPPORT//diplomatic
sign obj=treaty|agreement|accord|pact|deal|memorandum|protocol|declaration : SUPPORT//diplomatic
establish obj=tie|relation : SUPPORT//diplomatic
restore obj=tie|relation : SUPPORT//diplomatic
upgrade obj=tie|relation : SUPPORT//diplomatic
normalize obj=tie|relation : SUPPORT//diplomatic
# COOPERATE: material cooperation
cooperate : COOPERATE//
collaborate : COOPERATE//
share obj=intelligence|information|expertise|data|technology : COOPERATE//intelligence
extradite : COOPERATE//legal
# AID: economic, military, humanitarian aid; asylum; evacuation
aid : AID//
assist : AID//
donate : AID//economic
fund : AID//economic
finance : AID//economic
supply : AID//
contribute : AID//
open obj=border|door|corridor|crossing|airspace|port : AID//humanitarian
provide : AID//
deliver obj=aid|food|medicine|supply|assistance|good|water|relief : AID//humanitarian
send obj=aid|food|medicine|supply|assistance|relief|convoy : AID//humanitarian
grant obj=asylum : AID//asylum
grant obj=aid|loan|credit|assistance : AID//economic
evacuate obj=civilian|people|resident|wounded|wound|injured|citizen|national|child|patient|family|refugee : AID//humanitarian
evacuate obj=settlement|base|position|area|town|city|village|territory|outpost|post : RETREAT/withdraw/military
rescue : AID//humanitarian
airlift : AID//humanitarian
# CONCEDE: yield, ease restrictions, release, accede to demands
concede : CONCEDE//
yield : CONCEDE//
accede : CONCEDE//
comply : CONCEDE//
relent : CONCEDE//
lift obj=ban|curfew|sanction|embargo|restriction|blockade|emergency|siege|measure|law|rule : CONCEDE//
ease obj=ban|curfew|sanction|embargo|restriction|blockade|emergency|measure|pressure|tension|rule : CONCEDE//
relax obj=ban|curfew|sanction|embargo|restriction|blockade|rule|measure : CONCEDE//
shorten obj=curfew : CONCEDE//
release obj=prisoner|hostage|detainee|captive|activist|journalist|dissident|prisoners|people|soldier : CONCEDE//rights_freedoms
free obj=prisoner|hostage|detainee|captive|activist|journalist|dissident|people|soldier : CONCEDE//rights_freedoms
pardon : CONCEDE//legal
call +off : CONCEDE//
back +down : CONCEDE//
give +in : CONCEDE//
# RETREAT: withdraw, demobilise, resign, de-escalate
withdraw obj=peacekeeping|peacekeeper|inspector|observer|monitor|worker|mission|ambassador|envoy|diplomat|staff|aid|support|recognition : SANCTION/withdraw/diplomatic
withdraw : RETREAT/withdraw/military
retreat : RETREAT/withdraw/military
pull +out : RETREAT/withdraw/military
pull +back : RETREAT/withdraw/military
leave obj=country|city|area|region|territory|base|position|district : RETREAT/withdraw/military
leave subj=troop|soldier|force|army|unit|fighter|militant|rebel : RETREAT/withdraw/military
demobilize : RETREAT/demobilize/military
demobilise : RETREAT/demobilize/military
disarm : RETREAT/demobilize/military
disband : RETREAT/demobilize/military
surrender : RETREAT/surrender/military
resign : RETREAT//political
step +down : RETREAT//political
abdicate : RETREAT//political
reduce obj=combat|fighting|attack|operation|activity|presence|force|troop|hostility|violence : RETREAT/de-escalate/military
scale +back : RETREAT/de-escalate/military
restrict obj=activity|operation|combat : RETREAT/de-escalate/military
de-escalate : RETREAT/de-escalate/military
deescalate : RETREAT/de-escalate/military
vacate : RETREAT/withdraw/military
relinquish : RETREAT//
# REQUEST: ask, demand, urge, appeal (PLOVER REQUEST, 0.5b1 DEMAND)
demand : REQUEST//
request : REQUEST//
ask : REQUEST//
urge : REQUEST//
appeal : REQUEST//
plead : REQUEST//
implore : REQUEST//
beg : REQUEST//
petition : REQUEST//
press +for : REQUEST//
push +for : REQUEST//
press : REQUEST//
pressure : REQUEST//
pressurize : REQUEST//
encourage : REQUEST//
exhort : REQUEST//
invite : REQUEST/meet/diplomatic
call +for : REQUEST//
call +on : REQUEST//
call +upon : REQUEST//
seek : REQUEST//
# ACCUSE: criticise, denounce, allege, investigate (0.5b1 DISAPPROVE and INVESTIGATE)
accuse : ACCUSE/allege/
blame : ACCUSE/allege/
charge +with : ACCUSE/allege/legal
allege : ACCUSE/allege/
criticize : ACCUSE/disapprove/
criticise : ACCUSE/disapprove/
condemn : ACCUSE/disapprove/
denounce : ACCUSE/disapprove/
decry : ACCUSE/disapprove/
deplore : ACCUSE/disapprove/
slam : ACCUSE/disapprove/
censure : ACCUSE/disapprove/
rebuke : ACCUSE/disapprove/
reprimand : ACCUSE/disapprove/
lambaste : ACCUSE/disapprove/
castigate : ACCUSE/disapprove/
chastise : ACCUSE/disapprove/
fault : ACCUSE/disapprove/
complain : ACCUSE/allege/diplomatic
lodge obj=protest|complaint : ACCUSE/allege/diplomatic
file obj=complaint|lawsuit|suit|charge : ACCUSE/allege/legal
summon obj=ambassador|envoy|diplomat|charge : ACCUSE/disapprove/diplomatic
investigate : ACCUSE/investigate/legal
probe : ACCUSE/investigate/legal
indict : ACCUSE/allege/legal
sue : ACCUSE/allege/legal
prosecute : ACCUSE/allege/legal
convict : ACCUSE/disapprove/legal
open obj=investigation|inquiry|probe : ACCUSE/investigate/legal
launch obj=investigation|inquiry|probe : ACCUSE/investigate/legal
question obj=claim|account|version|figure|statement|report|assertion|intention|commitment : ACCUSE/disapprove/
doubt : ACCUSE/disapprove/
dispute obj=claim|account|version|figure|statement|report|assertion : ACCUSE/disapprove/
put obj=doubt : ACCUSE/disapprove/
cast obj=doubt : ACCUSE/disapprove/
throw obj=doubt : ACCUSE/disapprove/
express obj=reservation|concern|doubt|skepticism|scepticism|outrage|dismay|regret|disappointment : ACCUSE/disapprove/
# REJECT: reject, refuse, decline, veto, defy
reject : REJECT//
refuse : REJECT//
decline : REJECT//
deny obj=access|entry|request|permission|visa|allocation|land : REJECT//
rebuff : REJECT//
spurn : REJECT//
dismiss obj=appeal|call|demand|offer|proposal|plan|request|claim|allegation|accusation|report|charge : REJECT//
veto : REJECT/veto/diplomatic
oppose : REJECT//
renege : REJECT//
defy : REJECT/defy/legal
violate obj=ceasefire|truce : ASSAULT//military
violate : REJECT/defy/legal
flout : REJECT/defy/legal
rule +out : REJECT//
turn +down : REJECT//
# THREATEN
threaten : THREATEN//
warn : THREATEN//
menace : THREATEN//
issue obj=ultimatum|threat|warning : THREATEN//
# PROTEST: demonstrate, strike, obstruct, riot
protest : PROTEST/demo/
demonstrate : PROTEST/demo/
rally : PROTEST/demo/
march : PROTEST/demo/
picket : PROTEST/demo/
riot : PROTEST/riot/
boycott obj=contact|relation|tie|product|good|trade : SANCTION/boycott/diplomatic
boycott obj=talk|negotiation|meeting|session|summit|conference : REJECT/boycott/diplomatic
boycott : PROTEST/boycott/
strike : -//
block obj=road|street|highway|bridge|roadway|traffic|entrance|route|access|railway|transport|border|crossing : PROTEST/obstruct/
barricade : PROTEST/obstruct/
occupy obj=square|building|office|campus|parliament|street|university : PROTEST/obstruct/
stage obj=protest|demonstration|rally|march|strike|sit-in|walkout|riot : PROTEST/demo/
# SANCTION: reduce relations, expel diplomats, stop aid, impose sanctions
sanction : SANCTION/restrict/
expel obj=diplomat|ambassador|envoy|attache|attaché|consul|official|inspector|observer|peacekeeper|staff|monitor|mission|delegation|journalist|correspondent|agency : SANCTION/expel/diplomatic
expel obj=migrant|refugee|people|resident|family|worker|national|citizen|foreigner|civilian|asylum : COERCE/deport/legal
expel : SANCTION/expel/diplomatic
recall obj=ambassador|envoy|diplomat : SANCTION/withdraw/diplomatic
sever obj=tie|relation|link|contact : SANCTION/withdraw/diplomatic
break obj=tie|relation|link|contact : SANCTION/withdraw/diplomatic
cut obj=tie|relation|link|contact : SANCTION/withdraw/diplomatic
cut obj=aid|assistance|funding|supply|support|export|import|gas|oil : SANCTION/discontinue/economic
downgrade obj=tie|relation : SANCTION/withdraw/diplomatic
suspend obj=aid|assistance|funding|delivery|deliveries|supply|program|programme|cooperation|tie|relation|talk|negotiation|membership|flight|trade|export|import : SANCTION/discontinue/
halt obj=aid|assistance|funding|delivery|supply|program|programme|cooperation|talk|negotiation|trade|export|import : SANCTION/discontinue/
stop obj=aid|assistance|funding|delivery|supply|cooperation|talk|negotiation|trade|export|import : SANCTION/discontinue/
freeze obj=asset|account|fund|aid|tie|relation|cooperation : SANCTION/restrict/economic
withhold obj=aid|assistance|funding|payment|support : SANCTION/discontinue/economic
impose obj=sanction|embargo|tariff|penalty|boycott : SANCTION/restrict/economic
impose obj=curfew : COERCE/curfew/
impose obj=law|emergency|rule : COERCE/martial-law/
impose obj=restriction|ban|limit|control|blockade|siege : COERCE/restrict/
extend obj=curfew : COERCE/curfew/
extend obj=ban|restriction|sanction|blockade|siege|detention|emergency|law : COERCE/restrict/
tighten obj=sanction|blockade|restriction|siege|control|security|embargo|grip : COERCE/restrict/
embargo : SANCTION/restrict/economic
increase obj=price|cost|sanction|penalty|tariff : SANCTION/restrict/economic
raise obj=price|cost|sanction|penalty|tariff : SANCTION/restrict/economic
close obj=embassy|consulate|mission : SANCTION/withdraw/diplomatic
reduce obj=supply|aid|assistance|funding|ration : SANCTION/discontinue/economic
# MOBILIZE: demonstrate military or police power
mobilize : MOBILIZE/troops/military
mobilise : MOBILIZE/troops/military
deploy : MOBILIZE/troops/military
amass : MOBILIZE/troops/military
mass obj=troop|force|soldier|tank : MOBILIZE/troops/military
reinforce : MOBILIZE/troops/military
strengthen obj=force|troop|presence|defense|defence|position : MOBILIZE/troops/military
build +up : MOBILIZE/troops/military
station : MOBILIZE/troops/military
send obj=troop|soldier|force|warship|tank|jet|reinforcement|battalion|brigade : MOBILIZE/troops/military
dispatch obj=troop|soldier|force|warship|tank|jet|reinforcement|police : MOBILIZE/troops/military
put obj=alert : MOBILIZE/alert/military
remain obj=alert : MOBILIZE/alert/military
stay obj=alert : MOBILIZE/alert/military
put obj=investigation|inquiry|probe : ACCUSE/investigate/legal
put obj=arrest|detention|custody : COERCE/arrest/legal
set +up obj=base|post|camp|checkpoint|headquarters|outpost|barrack|point|position|militia|unit|brigade|battalion|entity|branch : MOBILIZE/troops/military
establish obj=base|post|camp|checkpoint|headquarters|outpost|barrack|point|position : MOBILIZE/troops/military
form obj=group|unit|militia|force|brigade|battalion|organisation|organization|division|regiment : MOBILIZE/troops/military
enter subj=troop|force|fighter|soldier|militant|army|jet|plane|aircraft|unit|tank|convoy|warship : MOBILIZE/troops/military
conscript : MOBILIZE/troops/military
# COERCE: seize, restrict, ban, arrest, deport, censor, destroy property
arrest : COERCE/arrest/legal
detain : COERCE/arrest/legal
jail : COERCE/arrest/legal
imprison : COERCE/arrest/legal
apprehend : COERCE/arrest/legal
round +up : COERCE/arrest/legal
sentence : COERCE/arrest/legal
deport : COERCE/deport/legal
ban : COERCE/ban/
outlaw : COERCE/ban/
prohibit : COERCE/ban/
bar : COERCE/ban/
censor : COERCE/censor/
shut +down : COERCE/restrict/
block obj=website|site|access|internet|publication|newspaper|account : COERCE/censor/
restrict : COERCE/restrict/
curb : COERCE/restrict/
prevent : COERCE/restrict/
confiscate : COERCE/seize/
find obj=weapon|arm|ammunition|explosive|firearm|cache|stash|bomb|device|ied|grenade|rifle|gun|mine : COERCE/seize/military
discover obj=weapon|arm|ammunition|explosive|firearm|cache|stash|bomb|device|ied|grenade|rifle|gun|mine : COERCE/seize/military
recover obj=weapon|arm|ammunition|explosive|firearm|cache|stash|bomb|device|ied|grenade|rifle|gun|mine : COERCE/seize/military
uncover obj=weapon|arm|ammunition|explosive|firearm|cache|stash|bomb|device|ied|grenade|rifle|gun|mine : COERCE/seize/military
seize obj=weapon|arm|ammunition|explosive|drug|asset|property|land|vessel|ship|cargo|good|document|firearm|rifle|gun|cache : COERCE/seize/
seize : ASSAULT/occupy/military
expropriate : COERCE/seize/economic
nationalize : COERCE/seize/economic
raid : COERCE/raid/
demolish : COERCE/destroy/
bulldoze : COERCE/destroy/
raze : COERCE/destroy/
torch : COERCE/destroy/
loot : COERCE/destroy/
vandalize : COERCE/destroy/
vandalise : COERCE/destroy/
deface : COERCE/destroy/
burn obj=shop|house|home|vehicle|car|building|church|mosque|office|property|store|village|tyre|tire|bus|school : COERCE/destroy/
set +ablaze : COERCE/destroy/
set +afire : COERCE/destroy/
set +alight : COERCE/destroy/
intercept obj=gun|weapon|package|device|explosive|shipment|arm|ammunition|firearm|rifle|cache : COERCE/seize/military
hack : COERCE/cyber/
defuse : COERCE/seize/military
clear obj=mine|landmine|explosive|device|ied|ordnance|munition : COERCE/seize/military
intercept obj=member|suspect|militant|fighter|smuggler|migrant|people|man|woman|person|trafficker : COERCE/arrest/legal
suppress : COERCE/restrict/
disperse : COERCE/restrict/
crack +down : COERCE/restrict/
besiege : ASSAULT/siege/military
encircle : ASSAULT/siege/military
surround : ASSAULT/siege/military
ring obj=city|town|village|capital|area|building|port|base : ASSAULT/siege/military
blockade : COERCE/restrict/military
force +out obj=agency|mission|diplomat|ambassador|inspector|observer|peacekeeper|monitor|staff|organization|organisation : SANCTION/expel/diplomatic
force +out : COERCE/deport/
# ASSAULT: use of force (0.5b1 FIGHT and ASSAULT)
attack : ASSAULT//military
assault : ASSAULT//military
strike obj=target|position|base|city|town|village|convoy|area|camp|depot|headquarters : ASSAULT/aerial/military
bomb : ASSAULT/aerial/military
airstrike : ASSAULT/aerial/military
shell : ASSAULT/heavy-weapons/military
bombard : ASSAULT/heavy-weapons/military
pound : ASSAULT/heavy-weapons/military
shoot : ASSAULT/firearms/military
gun : ASSAULT/firearms/military
fire +on : ASSAULT/firearms/military
fire +at : ASSAULT/firearms/military
fire obj=missile|rocket|shell|mortar|artillery : ASSAULT/heavy-weapons/military
fire obj=shot|bullet|gun : ASSAULT/firearms/military
launch obj=missile|rocket|artillery|mortar|strike|airstrike|raid : ASSAULT/heavy-weapons/military
launch obj=attack|offensive|assault|operation|war|invasion|incursion : ASSAULT//military
open obj=fire : ASSAULT/firearms/military
kill : ASSAULT//military
murder : ASSAULT//
slay : ASSAULT//
massacre : ASSAULT/massacre/military
slaughter : ASSAULT/massacre/military
wound : ASSAULT//military
injure : ASSAULT//military
maim : ASSAULT//military
ambush : ASSAULT/firearms/military
assassinate : ASSAULT/assassinate/
execute : ASSAULT/assassinate/
behead : ASSAULT/assassinate/
stab : ASSAULT/primitive/
hack +to : ASSAULT/primitive/
torture : ASSAULT/torture/
beat : ASSAULT/beat/
rape : ASSAULT/sexual/
abduct : ASSAULT/abduct/
kidnap : ASSAULT/abduct/
hijack : ASSAULT/abduct/
invade : ASSAULT//military
storm : ASSAULT//military
capture obj=town|city|village|territory|area|base|position|stronghold|district|province|region|airport|hill|bridge|crossing|port|camp : ASSAULT/occupy/military
capture : COERCE/arrest/military
retake : ASSAULT/occupy/military
recapture : ASSAULT/occupy/military
overrun : ASSAULT/occupy/military
occupy : ASSAULT/occupy/military
clash : ASSAULT/firearms/military
fight obj=deportation|extradition|charge|case|lawsuit|conviction|ruling|decision|order|ban|eviction|law|bill|corruption|poverty|crime|disease|virus|pandemic|outbreak|cancer|fire|blaze|wildfire|flame|hunger|inflation|illness|addiction : -//
battle obj=fire|blaze|wildfire|flame|disease|virus|pandemic|outbreak|cancer|illness|addiction|inflation|poverty|hunger|corruption : -//
fight : ASSAULT//military
battle : ASSAULT//military
detonate : ASSAULT/explosives/
drop obj=bomb|barrel|container|munition|shell|explosive|gas|chlorine|leaflet|missile : ASSAULT/aerial/military
plant obj=mine|landmine|bomb|explosive|ied|device : ASSAULT/explosives/
pelt : ASSAULT/primitive/
lynch : ASSAULT/beat/
throw obj=stone|rock|bottle|brick|petrol|molotov|firebomb|grenade|firecracker|projectile|egg : ASSAULT/primitive/
hurl obj=stone|rock|bottle|brick|petrol|molotov|firebomb|grenade|firecracker|projectile|egg : ASSAULT/primitive/
stone : ASSAULT/primitive/
use obj=gas|chlorine|sarin|chemical|nerve|poison : ASSAULT/cbrn/military
free obj=village|town|city|area|territory|district|province|region|neighbourhood|neighborhood : ASSAULT/occupy/military
liberate obj=village|town|city|area|territory|district|province|region|neighbourhood|neighborhood : ASSAULT/occupy/military
take obj=control : ASSAULT/occupy/military
gain obj=control|ground : ASSAULT/occupy/military
control obj=area|town|city|village|territory|region|province|district|neighbourhood|neighborhood : ASSAULT/occupy/military
take obj=hostage : ASSAULT/abduct/
blow +up : ASSAULT/explosives/
target : ASSAULT//military
hit obj=target|position|base|city|town|village|convoy|area|building|hospital|school : ASSAULT//military
destroy subj=jet|plane|aircraft|warplane|drone|helicopter|bomber|chopper|airstrike|strike : ASSAULT/aerial/military
destroy obj=depot|warehouse|facility|factory|plant|base|position|hideout|camp|bridge|building|house|home|vehicle|tank|headquarters : ASSAULT/destroy/military
destroy obj=mine|landmine|explosive|device|ied|weapon|ammunition|munition|stockpile|cache|arm|bomb|stash|drug : COERCE/seize/military
destroy : ASSAULT/destroy/military
gas : ASSAULT/cbrn/military
"""

NOUN_LINES = """
agreement : AGREE//diplomatic
deal : AGREE//diplomatic
accord : AGREE//diplomatic
ceasefire : AGREE//military
cease-fire : AGREE//military
truce : AGREE//military
pact : AGREE//diplomatic
promise : AGREE//
pledge : AGREE//
talk : CONSULT//diplomatic
negotiation : CONSULT//diplomatic
meeting : CONSULT//diplomatic
summit : CONSULT//diplomatic
visit : CONSULT/visit/diplomatic
consultation : CONSULT//diplomatic
mediation : CONSULT//diplomatic
dialogue : CONSULT//diplomatic
aid mod=military : AID//military
aid : AID//humanitarian
assistance : AID//
evacuation : AID//humanitarian
asylum : AID//asylum
airlift : AID//humanitarian
release : CONCEDE//rights_freedoms
concession : CONCEDE//
amnesty : CONCEDE//legal
withdrawal : RETREAT/withdraw/military
pullout : RETREAT/withdraw/military
retreat : RETREAT/withdraw/military
resignation : RETREAT//political
demobilization : RETREAT/demobilize/military
disarmament : RETREAT/demobilize/military
demand : REQUEST//
appeal : REQUEST//
request : REQUEST//
plea : REQUEST//
accusation : ACCUSE/allege/
allegation : ACCUSE/allege/
condemnation : ACCUSE/disapprove/
criticism : ACCUSE/disapprove/
investigation : ACCUSE/investigate/legal
inquiry : ACCUSE/investigate/legal
probe : ACCUSE/investigate/legal
indictment : ACCUSE/allege/legal
lawsuit : ACCUSE/allege/legal
complaint : ACCUSE/allege/
rejection : REJECT//
refusal : REJECT//
veto : REJECT/veto/diplomatic
threat : THREATEN//
ultimatum : THREATEN//diplomatic
warning : THREATEN//
strike mod=hunger : PROTEST/hunger/
strike mod=air|drone|missile|rocket|military|precision|aerial : ASSAULT/aerial/military
strike mod=general|labor|labour|worker|teacher|nationwide|national|union|doctor|nurse|miner|driver|transport : PROTEST/strike/economic
protest : PROTEST/demo/
demonstration : PROTEST/demo/
rally : PROTEST/demo/
march : PROTEST/demo/
sit-in : PROTEST/demo/
riot : PROTEST/riot/
unrest : PROTEST/riot/
boycott : PROTEST/boycott/
blockade mod=naval|military|economic : COERCE/restrict/military
sanction : SANCTION/restrict/economic
expulsion : SANCTION/expel/diplomatic
embargo : SANCTION/restrict/economic
mobilization : MOBILIZE/troops/military
mobilisation : MOBILIZE/troops/military
deployment mod=peacekeeping|peace-keeping|peacekeeper : AID/peacekeeping/military
deployment : MOBILIZE/troops/military
game mod=war : COOPERATE//military
exercise mod=joint|military|naval|war : COOPERATE//military
manoeuvre mod=joint|military|naval : COOPERATE//military
maneuver mod=joint|military|naval : COOPERATE//military
buildup : MOBILIZE/troops/military
build-up : MOBILIZE/troops/military
reinforcement : MOBILIZE/troops/military
arrest : COERCE/arrest/legal
detention : COERCE/arrest/legal
crackdown : COERCE/restrict/
raid mod=air|aerial|drone|helicopter|jet : ASSAULT/aerial/military
raid : COERCE/raid/
curfew : COERCE/curfew/
ban : COERCE/ban/
blockade : COERCE/restrict/military
siege : ASSAULT/siege/military
seizure : COERCE/seize/
demolition : COERCE/destroy/
attack : ASSAULT//military
assault : ASSAULT//military
offensive : ASSAULT//military
invasion : ASSAULT//military
incursion : ASSAULT//military
airstrike : ASSAULT/aerial/military
air-strike : ASSAULT/aerial/military
bombing mod=suicide : ASSAULT/suicide-attack/
bombing : ASSAULT/explosives/
bombardment : ASSAULT/heavy-weapons/military
shelling : ASSAULT/heavy-weapons/military
shootout : ASSAULT/firearms/military
gunfire : ASSAULT/firearms/military
gunbattle : ASSAULT/firearms/military
firefight : ASSAULT/firearms/military
ambush : ASSAULT/firearms/military
clash : ASSAULT/firearms/military
fighting : ASSAULT//military
battle : ASSAULT//military
combat : ASSAULT//military
war : ASSAULT//military
hostility : ASSAULT//military
massacre : ASSAULT/massacre/military
killing : ASSAULT//
murder : ASSAULT//
atrocity : ASSAULT//
assassination : ASSAULT/assassinate/
kidnapping : ASSAULT/abduct/
abduction : ASSAULT/abduct/
torture : ASSAULT/torture/
rape : ASSAULT/sexual/
explosion : ASSAULT/explosives/
landmine : ASSAULT/explosives/
violence mod=sexual : ASSAULT/sexual/
violence : ASSAULT//
looting : COERCE/destroy/
arson : COERCE/destroy/
blast : ASSAULT/explosives/
bomber mod=suicide : ASSAULT/suicide-attack/
"""

# Verbs that take an event nominalisation as object and lend it their arguments ("staged a protest",
# "held talks", "launched an offensive").
LIGHT_VERBS = frozenset(["stage", "hold", "launch", "conduct", "carry", "begin", "start", "continue", "resume", "make", "issue", "lodge", "impose", "reach", "sign", "announce", "mount", "wage", "unleash", "open", "initiate", "undertake", "organize", "organise", "join", "lead", "stop", "end", "complete", "declare", "give", "commit", "perpetrate"])

# Generic heads that make a compound modifier the event: "a mediation effort", "the aid programme".
GENERIC_EVENT_HEADS = frozenset(["effort", "process", "operation", "campaign", "programme", "program", "plan", "mission", "initiative", "drive", "bid", "round", "package"])

# Governors of an infinitive (xcomp) that turn the inner action into an intention.
INTENT_GOVERNORS = frozenset(["agree", "promise", "pledge", "vow", "offer", "commit", "undertake", "volunteer", "swear", "consent", "decide", "resolve", "plan", "intend", "hope", "aim", "expect", "prepare", "seek", "want", "wish", "try", "attempt", "propose", "mean"])
INTENT_ADJECTIVES = frozenset(["ready", "willing", "prepared", "set", "poised", "eager", "keen", "determined", "due", "able"])
# Of those, the ones that commit the speaker to the act (PLOVER AGREE "agree to, offer, promise", or
# THREATEN for a hostile act). The others ("hoped to", "plans to", "decided to", "is due to") only make the
# act `planned`: hoping or planning to evacuate is not an agreement with anyone.
COMMITMENT_GOVERNORS = frozenset(["agree", "promise", "pledge", "vow", "offer", "commit", "undertake", "volunteer", "swear", "consent", "propose", "ready", "willing", "prepared"])
REFUSAL_GOVERNORS = frozenset(["refuse", "decline", "reject"])
REQUEST_GOVERNORS = frozenset(["urge", "ask", "demand", "request", "call", "encourage", "press", "pressure", "appeal", "implore", "beg", "invite", "push"])
THREAT_GOVERNORS = frozenset(["threaten", "warn"])
PHASE_GOVERNORS = frozenset(["begin", "start", "continue", "resume", "keep", "stop", "cease", "finish", "manage", "fail"])

# Verbs whose clausal complement is what someone said; the complement's events are attributed to them.
REPORTING_VERBS = frozenset(["say", "tell", "announce", "state", "report", "confirm", "add", "note", "stress", "declare", "disclose", "reveal", "write", "explain", "indicate", "believe", "think", "reiterate", "acknowledge", "admit", "estimate", "suggest", "show", "predict", "describe", "conclude", "assert", "inform"])
CLAIM_VERBS = frozenset(["claim", "allege", "insist", "maintain", "contend", "purport"])
DENIAL_VERBS = frozenset(["deny", "refute", "dispute"])
# Speech verbs with a secondary predicate: "called the siege a crime", "termed it unacceptable".
NAMING_VERBS = frozenset(["call", "term", "brand", "label", "describe", "deem", "consider", "characterize", "characterise", "dub"])

NEGATIVE_PREDICATES = frozenset(["crime", "genocide", "terrorism", "terrorist", "aggression", "massacre", "atrocity", "violation", "illegal", "illegitimate", "unlawful", "unacceptable", "outrageous", "barbaric", "criminal", "provocation", "provocative", "act_of_war", "blackmail", "lie", "lies", "propaganda", "war_crime", "murder", "murderer", "butcher", "invasion", "occupation", "shameful", "disgraceful", "irresponsible", "dangerous", "reckless", "unjustified", "unjustifiable", "absurd", "hostile", "cynical", "brutal", "inhumane", "ruthless", "violation"])
REJECTION_PREDICATES = frozenset(["unacceptable", "unjustified", "unjustifiable", "absurd", "illegitimate", "null", "void", "invalid"])

HEDGE_WORDS = frozenset(["reportedly", "allegedly", "apparently", "possibly", "probably", "likely", "perhaps", "purportedly", "supposedly", "seemingly"])
HEDGE_MODALS = frozenset(["may", "might", "could"])
FUTURE_MODALS = frozenset(["will", "shall", "'ll", "wo", "would"])
OBLIGATION_MODALS = frozenset(["must", "should"])
DISPUTE_CUES = frozenset(["doubt", "mislead", "misleading", "false", "untrue", "propaganda", "ruse", "deception", "deceive", "deny", "denial", "dispute", "disputed", "skeptical", "sceptical", "fabricated", "fake", "bogus", "baseless", "unfounded", "lie"])

# Person nouns that carry a nationality only through context ("42 diplomats").
PERSON_NOUNS = frozenset(["diplomat", "ambassador", "envoy", "official", "minister", "soldier", "troop", "force", "civilian", "people", "worker", "journalist", "national", "citizen", "leader", "negotiator", "partner", "ally", "representative", "delegation", "staff"])

# Crowd nouns: violence or demands by them are PROTEST (riot, demonstrate), not ASSAULT or REQUEST.
PROTESTER_NOUNS = frozenset(["protester", "protestor", "demonstrator", "rioter", "crowd", "marcher", "picketer", "striker", "activist", "mob"])

# Natural and accidental causes: a death or injury they cause is not an ASSAULT ("killed in a flood").
HAZARD_NOUNS = frozenset(["flood", "flooding", "earthquake", "quake", "storm", "cyclone", "hurricane", "typhoon", "tornado", "landslide", "mudslide", "avalanche", "fire", "blaze", "wildfire", "bushfire", "crash", "accident", "collision", "derailment", "collapse", "leak", "spill", "drought", "heatwave", "heat", "lightning", "virus", "disease", "epidemic", "pandemic", "outbreak", "covid", "cholera", "famine", "tsunami", "eruption", "stampede"])

# Accidents told by a verb ("the bus plunged off a bridge", "a volcano erupted"), and what makes a death in
# the same sentence violence after all (a weapon or an armed party is named).
HAZARD_EVENTS = frozenset(["erupt", "eruption", "volcano", "plunge", "overturn", "capsize", "derail", "sink", "downpour", "rain", "rainfall", "tremor", "drown", "electrocute", "furnace", "boiler"])
VIOLENCE_CUES = frozenset(["bomb", "bomber", "bombing", "shell", "shelling", "missile", "rocket", "gunman", "gunmen", "militant", "rebel", "insurgent", "attack", "attacker", "airstrike", "strike", "shoot", "shooting", "gunfire", "mortar", "artillery", "grenade", "ied", "explosive", "soldier", "troop", "police", "army", "militia", "fighter", "terrorist", "jihadist", "assailant", "raid", "clash", "fighting"])

# People whose expulsion is a diplomatic sanction rather than a deportation.
PERSON_NOUNS_DIPLOMATIC = frozenset(["diplomat", "ambassador", "envoy", "attache", "consul", "inspector", "observer", "peacekeeper", "monitor", "mission", "delegation", "staff"])

CONTEXT_WORDS: dict[str, str] = {
    **dict.fromkeys(["troop", "army", "military", "soldier", "force", "weapon", "combat", "ceasefire", "truce", "peacekeeping", "peacekeeper", "artillery", "missile", "tank", "war", "warship", "offensive", "battle"], "military"),
    **dict.fromkeys(["diplomat", "ambassador", "embassy", "consulate", "envoy", "talk", "negotiation", "relation", "tie", "summit", "diplomatic"], "diplomatic"),
    **dict.fromkeys(["trade", "economic", "economy", "gas", "oil", "payment", "export", "import", "tariff", "currency", "ruble", "rouble", "bank", "asset", "loan", "debt"], "economic"),
    **dict.fromkeys(["humanitarian", "civilian", "evacuation", "refugee", "food", "medicine", "shelter", "relief"],
                    "humanitarian"),
    **dict.fromkeys(["court", "law", "trial", "judge", "crime", "criminal", "prosecutor", "legal", "lawsuit"], "legal"),
    **dict.fromkeys(["election", "vote", "ballot", "party", "parliament", "reform", "constitution"], "political"),
    **dict.fromkeys(["nuclear", "chemical", "biological", "radiological"], "cbrn"),
    **dict.fromkeys(["terror", "terrorist", "terrorism"], "terrorism"),
}

# What an intent to do something means in PLOVER: cooperative intents are AGREE, hostile ones THREATEN.
HOSTILE_TYPES = frozenset({"SANCTION", "COERCE", "ASSAULT", "THREATEN", "MOBILIZE", "ACCUSE", "REJECT", "PROTEST"})
COOPERATIVE_TYPES = frozenset({"AID", "COOPERATE", "CONSULT", "CONCEDE", "RETREAT", "SUPPORT", "AGREE"})


@dataclass(frozen=True)
class Rule:
    """One lexicon line: the conditions a trigger must meet, and what it means."""

    lemma: str
    type: str | None  # None: a known pattern that is not an event
    mode: str | None
    context: tuple[str, ...]
    particle: str | None = None
    objects: frozenset[str] = frozenset()
    modifiers: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[Rule, ...]]
    nouns: dict[str, tuple[Rule, ...]]


def _parse(lines: str) -> dict[str, tuple[Rule, ...]]:
    table: dict[str, list[Rule]] = {}
    for raw in lines.strip().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        left, right = (part.strip() for part in line.split(":", 1))
        words = left.split()
        lemma, particle, objects, modifiers, subjects = words[0], None, frozenset(), frozenset(), frozenset()
        for word in words[1:]:
            if word.startswith("+"):
                particle = word[1:]
            elif word.startswith("obj="):
                objects = frozenset(word[4:].split("|"))
            elif word.startswith("mod="):
                modifiers = frozenset(word[4:].split("|"))
            elif word.startswith("subj="):
                subjects = frozenset(word[5:].split("|"))
        type_, mode, context = ([*right.split("/"), "", ""])[:3]
        table.setdefault(lemma, []).append(Rule(
            lemma=lemma,
            type=None if type_ == "-" else type_,
            mode=mode or None,
            context=tuple(c for c in context.split(";") if c),
            particle=particle,
            objects=objects,
            modifiers=modifiers,
            subjects=subjects,
        ))
    return {lemma: tuple(rules) for lemma, rules in table.items()}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The parsed trigger tables (once per process)."""
    return Lexicon(verbs=_parse(VERB_LINES), nouns=_parse(NOUN_LINES))


@lru_cache(maxsize=1)
def known_lemmas() -> frozenset[str]:
    """Every lemma the tables and word lists name (to repair the lemmatiser's misses)."""
    lex = lexicon()
    words = set(lex.verbs) | set(lex.nouns) | LIGHT_VERBS | INTENT_GOVERNORS | INTENT_ADJECTIVES
    words |= REFUSAL_GOVERNORS | REQUEST_GOVERNORS | THREAT_GOVERNORS | PHASE_GOVERNORS | REPORTING_VERBS
    words |= CLAIM_VERBS | DENIAL_VERBS | NAMING_VERBS
    return frozenset(words)
