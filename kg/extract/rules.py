"""The rule-based extractor: entity mentions, posts, commands, reporting lines and troop deployments.

Rules work sentence by sentence on the article text. Names come from the gazetteers (countries,
demonyms, known commands and bodies) and from patterns: a person is a capitalised name introduced by a
rank, a post title or an honorific, or by an apposition that gives a post ("Esper, the defense
secretary"); an organisation is a capitalised phrase ending in a head word ("Task Force Iraq",
"Iraqi Counter Terrorism Service"). Relations are read off fixed constructions around those mentions
and carry the modality of their clause (denied, planned, past). Later mentions by surname or by title
("the general") are resolved to the person introduced earlier in the same article.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kg.extract.gazetteer import UPPER, Gazetteer, KnownEntity, PostTitle, canonical_rank, fold, load_gazetteer
from kg.extract.text import NUMBER_PATTERN, normalise_name, parse_number, split_sentences
from kg.extract.ner import NerModel, NerSpan
from kg.model import Document, Extraction, Mention, Modality, Post, RelationMention

_LOWER = "a-zß-öø-ÿāćčđēęğıłńōőœřśşšţūűźżž"
_NAME_TOKEN = (rf"(?!(?:Jr|Sr|II|III|IV)\b)(?:(?:al|el|Al|El|ad|ash|as|bin|ibn|abu|de|van|von|der|da|di|du|del|la|le)[\-\s]+)?"
               rf"(?:[{UPPER}][{_LOWER}]+(?:[{UPPER}][{_LOWER}]+)*(?:[\-’'](?!s\b)[{UPPER}]?[{_LOWER}]+)*(?![\w])"
               rf"|[{UPPER}]\.?(?=\s)|[A-Z]{{2}}(?=\s+[{UPPER}][{_LOWER}]))")  # "JP McGee", "CQ Brown"
_SUFFIX = r"(?:,?\s+(?:Jr\.?|Sr\.?|II|III|IV)(?![\w]))"
_NAME_RE = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,4}}{_SUFFIX}?")
_SUFFIX_RE = re.compile(rf"{_SUFFIX}$")

# Capitalised words that end a name: they start a clause, date a sentence, or name a thing.
_NOT_NAME = {
    "the", "a", "an", "and", "or", "but", "on", "in", "at", "of", "for", "to", "with", "from", "by", "as",
    "he", "she", "it", "they", "we", "i", "you", "his", "her", "their", "its", "our", "this", "that",
    "these", "those", "there", "here", "who", "what", "when", "where", "which", "while", "after",
    "before", "during", "since", "until", "if", "said", "says", "told", "tells", "added", "according",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "feb", "mar", "apr", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "command", "commands", "force", "forces", "army", "navy", "corps", "division", "brigade",
    "regiment", "battalion", "fleet", "ministry", "department", "staff", "council", "office", "agency",
    "committee", "assembly", "headquarters", "group", "coalition", "alliance", "government", "parliament",
    "house", "senate", "congress", "pentagon", "kremlin", "republic", "state", "states", "kingdom",
    "union", "nations", "dynamics", "hospital", "university", "airport", "base", "airbase", "camp",
    "operation", "mission", "task", "joint", "chiefs", "affairs", "defense", "defence", "security",
    "guard", "guards", "marines", "marine", "air", "space", "national", "federal", "central", "general",
    "secretary", "minister", "president", "prime", "commander", "chief", "chairman", "director",
    "spokesman", "spokeswoman", "ambassador", "mr", "mrs", "ms", "dr", "sir", "gen", "adm", "col", "lt",
    "maj", "capt", "sgt", "also", "meanwhile", "however", "now", "then", "not", "no", "yes", "both",
    "all", "some", "many", "several", "more", "most", "former", "new", "acting", "interim",
    "caretaker", "deputy", "top", "senior", "retired", "late", "said.", "israeli", "iranian", "iraqi",
    "russian", "ukrainian", "american", "british", "french", "german", "chinese", "syrian", "sea",
    "island", "islands", "strait", "gulf", "ocean", "east", "west", "north", "south", "middle",
    "street", "square", "palace", "times", "post", "news", "press", "reuters", "agence", "ap", "afp",
    "bbc", "cnn", "media", "telegram", "twitter", "x", "facebook", "christmas", "easter", "ramadan",
    "europe", "africa", "asia", "america", "pacific", "atlantic", "arctic", "indo-pacific", "transformation",
    "levant", "balkans", "caucasus", "sahel", "eurasia", "oceania", "baltic", "baltics",
}

_ORG_HEADS = {
    "Command": "MilitaryUnit", "Division": "MilitaryUnit", "Brigade": "MilitaryUnit",
    "Regiment": "MilitaryUnit", "Battalion": "MilitaryUnit", "Fleet": "MilitaryUnit",
    "Squadron": "MilitaryUnit", "Wing": "MilitaryUnit", "Group": "Organization",
    "Headquarters": "MilitaryUnit", "Force": "MilitaryUnit", "Team": "MilitaryUnit",
    "Flotilla": "MilitaryUnit", "Corps": "ArmedForces", "Army": "ArmedForces", "Navy": "ArmedForces",
    "Forces": "ArmedForces", "Guard": "ArmedForces", "Guards": "ArmedForces", "Marines": "ArmedForces",
    "Ministry": "GovernmentBody", "Department": "GovernmentBody", "Council": "GovernmentBody",
    "Staff": "GovernmentBody", "Office": "GovernmentBody", "Agency": "GovernmentBody",
    "Directorate": "GovernmentBody", "Committee": "GovernmentBody", "Cabinet": "GovernmentBody",
    "Service": "GovernmentBody", "Coalition": "Organization", "Alliance": "Organization",
    "Mission": "MilitaryUnit", "Contingent": "MilitaryUnit", "Unit": "MilitaryUnit",
}
_GENERIC_ORGS = {"general staff", "joint forces", "ground forces", "armed forces", "air force", "navy", "army",
                 "defence force", "defense force", "defence forces", "defense forces", "self-defense forces",
                 "defence ministry", "defense ministry", "foreign ministry", "interior ministry",
                 "national guard", "special forces", "joint staff", "land forces", "naval forces",
                 "air forces", "marine corps", "military intelligence", "border guard", "coast guard"}
_ORG_STARTS = ("Task Force", "Joint Task Force", "Combined Joint Task Force", "Ministry of",
               "Department of", "Office of", "Operation")
_CAP_WORD = rf"(?:(?:[A-Z]\.){{2,}}|[{UPPER}][\w’'\-–]*|\d+(?:st|nd|rd|th)?)"  # "U.S. Naval Forces Europe"
_CAP_RUN = re.compile(rf"{_CAP_WORD}(?:(?:\s+|\s+(?:of|for|and|the|de|du|al)\s+(?:the\s+)?|-|–|\s[-–]\s){_CAP_WORD})*")

_MODIFIERS = r"(?:(?:acting|caretaker|interim|top|senior|new|newly\s+appointed|current|then|overall|regional|theater|theatre|field|de\s+facto)\s+)*"
_PAST_MODIFIERS = re.compile(r"\b(?:former|ex-|then-|outgoing|previous|late|erstwhile|onetime)\s*$", re.I)
_PLANNED_MODIFIERS = re.compile(r"\b(?:incoming|designate|nominee|nominated|would-be|future)\s*$", re.I)

TROOP_NOUNS = (r"troops|soldiers|service\s*members|servicemembers|servicemen|service\s+personnel|"
               r"military\s+personnel|personnel|forces|marines|paratroopers|sailors|airmen|troopers|"
               r"military\s+advisers|military\s+advisors|advisers|advisors|special\s+forces|commandos|"
               r"contingent|boots\s+on\s+the\s+ground|military\s+trainers|trainers")
_TROOP_NOUN_RE = re.compile(rf"\b(?:{TROOP_NOUNS})\b", re.IGNORECASE)
_HEDGES = (r"about|some|roughly|around|approximately|nearly|almost|more\s+than|over|up\s+to|at\s+least|"
           r"fewer\s+than|less\s+than|an\s+estimated|estimated|close\s+to|just\s+over|just\s+under|"
           r"as\s+many\s+as|upwards\s+of|~")
_TROOP_RE = re.compile(
    rf"(?<![\w,.])(?:(?P<hedge>{_HEDGES})\s+)?(?P<count>{NUMBER_PATTERN})"
    rf"(?:\s+(?:more|additional|extra|fresh|new|other|further))?"
    rf"(?P<np>(?:\s+[\w.’'\-]+){{0,5}}?)\s*(?:-|\s)(?:strong\s+)?(?P<noun>{TROOP_NOUNS})\b",
    re.IGNORECASE)
_NP_ALLOWED = re.compile(r"^(?:\s+(?:[A-Z][\w.’'\-]*|U\.S\.|US|more|additional|extra|combat|ground|active-duty|"
                         r"active\s+duty|military|rotational|regular|coalition|allied|NATO|elite|special|"
                         r"operations|army|navy|air|force|marine|naval|strong|and|of\s+its|of\s+their|of\s+the))*$",
                         re.IGNORECASE)

_KNOWN_AS = re.compile(r"\b[Tt]he\s+(?:new\s+)?(?P<noun>division|brigade|regiment|battalion|fleet|corps|command|force|"
                       r"mission|task\s+force|unit)\s*,?\s+(?:known|called|named)\s+(?:as\s+)?(?:the\s+)?"
                       rf"(?P<name>{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,5}})")
_DEFINITE_ORG = re.compile(r"\b[Tt]he\s+(?P<noun>division|brigade|regiment|battalion|fleet|corps|command|force|ministry|"
                           r"alliance|agency|squadron|wing|mission|task\s+force|headquarters)\b(?!\s+(?:of|for|in|[A-Z\d]))")
_UNTITLED_NAME = re.compile(rf"(?<![\w\-’'.])({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}}{_SUFFIX}?)(?![\w\-])")
_LOWER_GENERIC_ORG = re.compile(
    r"(?:(?P<owner>['’]s\s+)|\b(?:the|its|their)\s+(?:country['’]s\s+|(?P<demonym>[A-Z][a-z]+)\s+)?)"
    r"(?P<org>armed\s+forces|military(?!\s+(?:leader|leaders|ruler|rulers|government|junta|regime))|army|navy|"
    r"air\s+force|ground\s+forces|land\s+forces|general\s+staff|"
    r"defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e|marine\s+corps|national\s+guard)\b(?![\-’'])")
_TITLE_OF = re.compile(r"\b(?:chief|head|commander|commander-in-chief|chairman|director)\s+of\s+the\s+$", re.I)
_LOWER_GENERIC_KIND = {"staff": "GovernmentBody", "ministry": "GovernmentBody"}
_BASE_IN = re.compile(r"\b(?i:base|air\s*base|outpost|camp|garrison|airport|airfield)\b[^.;]{0,60}?\b(?:in|near)\s+(?:the\s+)?"
                      r"(?:(?:north|south|east|west)(?:ern|east|west|eastern|western)?\s+|central\s+)?")
_TIME_PHRASE = re.compile(r"\s(?:on|last|this|next|earlier|later)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                          r"Sunday|week|month|year|(?:January|February|March|April|May|June|July|August|September|"
                          r"October|November|December)(?:\s+\d{1,2})?)(?=[\s,])")
_LEADING_COUNT = re.compile(r"\d[\d,.]*\s+")
_CONJUNCT = re.compile(r"\s+and\s+(?:the\s+)?([\w.’'\- ]+)$")
_LEAD_ARTICLE = re.compile(r"(?:The|A|An)\s+")
_LEAD_ADJECTIVE = re.compile(r"(?:New|Former|Top|Senior|Acting|Interim|Outgoing|Incoming)\s+(?=[A-Z])")  # headlines
_OWNER = re.compile(r"([\w.\- ]+?)(?:['’]s|(?<=s)['’])\s+")
_DASH = re.compile(r"[-–]")
_THE_ROLE = re.compile(r"\b[Tt]he\s+(?P<role>general|admiral|commander|minister|secretary|colonel|chairman|president|"
                       r"prime\s+minister)\b(?![\-’'])(?!\s+(?:of|for|[A-Z]))")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])\s+")
# dots that do not end a sentence: "U.S.", "Gen.", "Col.", "Lt."
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){2,}|\b(?:Gen|Col|Lt|Maj|Brig|Adm|Capt|Cmdr|Cdr|Sgt|Cpl|Pvt|Spc|Rear|Vice|"
                           r"Mr|Mrs|Ms|Dr|St|Jr|Sr|No|Gov|Sen|Rep)\.")
_INCLUDED_TROOPS = re.compile(
    rf"[^.;]{{0,60}}?,?\s+including\s+(?:(?P<hedge>{_HEDGES})\s+)?(?P<count>{NUMBER_PATTERN})\s+(?:in|inside)\s+(?:the\s+)?", re.I)
_ELLIPTICAL_TROOPS = re.compile(
    rf"\s*,?\s+and\s+(?:(?P<hedge>{_HEDGES})\s+)?(?P<count>{NUMBER_PATTERN})\s+(?:(?:more|others?)\s+)?"
    rf"(?:(?:are|were|remain|still)\s+)?(?:(?:stationed|deployed|based)\s+)?(?:in|to|inside)\s+(?:the\s+)?"
    rf"(?:(?:neighbou?ring|nearby|northern|southern|eastern|western|north-?eastern|north-?western|south-?eastern|"
    rf"south-?western|central)\s+)?", re.I)

_NEGATION = re.compile(
    r"\b(?:no\s+plans?|no\s+intention|no\s+decision|not|n['’]t|never|denied|denies|deny|denying|rejected|"
    r"refused|refuses|dismissed|ruled\s+out|rules\s+out|no\s+longer|none)\b", re.I)
_PLANNED = re.compile(
    r"\b(?:will|would|shall|plans?\s+to|planned|planning|intends?\s+to|intention|could|may|might|"
    r"ready\s+to|prepared\s+to|expected\s+to|set\s+to|is\s+to|are\s+to|proposed|proposes|considering|"
    r"weighing|pledged|pledges|promised|promises|vowed|offered|offers|approved\s+sending|to\s+deploy|"
    r"to\s+send|going\s+to|announced\s+plans|soon|next\s+(?:year|month|week)|upcoming|nominated|nominee|"
    r"incoming|designate)\b", re.I)
_PAST = re.compile(
    r"\b(?:former|formerly|ex-|previously|had\s+(?:been|led|commanded|headed|served)|was\s+replaced|"
    r"were\s+replaced|replaced|predecessor|succeeded|succeeding|succeeds|stepped\s+down|resigned|"
    r"retired|outgoing|until|withdrew|withdrawn|pulled\s+out|left\s+(?:office|the)|was\s+fired|"
    r"was\s+dismissed|then-|in\s+(?:19|20)\d\d|commanded|headed|led|once)\b", re.I)
_SUCCESSION = re.compile(r"\b(?:succeed(?:s|ed|ing)?|replac(?:es|ed|ing)|took\s+over\s+from|takes\s+over\s+from|"
                         r"taking\s+over\s+from|relieved|relieving)\s+", re.I)
_DENIAL = re.compile(r"\b(?:denied|denies|deny|denying|dismissed|rejected|refuted|disputed)\b", re.I)
_REPORTED = re.compile(r"\b(?:reportedly|allegedly|purportedly|unconfirmed|rumou?red|is\s+said\s+to|"
                       r"are\s+said\s+to|was\s+said\s+to)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[;:]|\s[-–—]\s|,\s+(?:but|while|although|whereas|though|where|which|who)\b|\bbut\b|\bwhile\b|"
                           r"\bafter\b|\bbefore\b|\bbecause\b|\bwhen\b|\bthat\b|[“”\"]")

EXTRACTOR_NAME = "kg-rules"


@dataclass
class _Span:
    """A mention found in a sentence, before in-document resolution; offsets are in the document."""

    kind: str
    name: str
    start: int
    end: int
    known: KnownEntity | None = None
    demonym: bool = False
    rank: str | None = None
    country: str | None = None
    branch: str | None = None
    posts: list[tuple[Post, float, str, Modality]] = field(default_factory=list)
    head_start: int | None = None  # where the title/rank phrase introducing a person starts
    refers_to: str | None = None  # for a later mention ("Esper"): the name the person was introduced by
    qualified: str | None = None  # a generic name made specific: "General Staff" -> "Russian General Staff"

    @property
    def canonical(self) -> str:
        return self.known.name if self.known else (self.qualified or self.name)


@dataclass
class _Person:
    key: str
    name: str
    tokens: list[str]
    rank: str | None = None
    titles: set[str] = field(default_factory=set)


class _Reader:
    """Reads one document; holds what the earlier sentences introduced (for coreference)."""

    def __init__(self, document: Document, gazetteer: Gazetteer) -> None:
        self.document = document
        self.text = document.text
        self.gazetteer = gazetteer
        self.persons: list[_Person] = []
        self.country_counts: dict[str, tuple[int, int, KnownEntity]] = {}  # name -> (count, first seen, entity)
        self._scans: dict[str, tuple[list[re.Match[str]], list[int]]] = {}
        self._coref_cache: tuple[tuple, dict[str, _Person], re.Pattern[str]] | None = None
        self.mentions: list[Mention] = []
        self.relations: list[RelationMention] = []
        self.organisations: list[_Span] = []  # in text order, for "the division" and the like
        self.named_nouns: dict[str, _Span] = {}  # "the brigade" -> the unit it was said to be known as
        self.subject_starts: set[int] = set()  # where units that began a sentence start
        self.base_country: KnownEntity | None = None  # where the article last placed a base
        self.last_subject: _Person | None = None  # the first person named in the sentence before

    # -- mentions -------------------------------------------------------------------------------

    def _matches(self, name: str, regex: re.Pattern[str], start: int, end: int) -> list[re.Match[str]]:
        """The matches of a gazetteer pattern inside [start, end): the whole text is scanned once."""
        scan = self._scans.get(name)
        if scan is None:
            found = list(regex.finditer(self.text))
            scan = (found, [m.start() for m in found])
            self._scans[name] = scan
        found, starts = scan
        return [m for m in found[bisect_left(starts, start):bisect_left(starts, end)] if m.end() <= end]

    def known_spans(self, start: int, end: int) -> list[_Span]:
        spans = []
        for match in self._matches("surface", self.gazetteer.surface_re, start, end):
            found = self.gazetteer.lookup(match.group())
            if not found:
                continue
            entity, demonym = found
            spans.append(_Span(entity.kind, match.group(), match.start(), match.end(), known=entity,
                               demonym=demonym, country=entity.name if entity.kind == "Country" else entity.country))
        return spans

    def pattern_orgs(self, start: int, end: int, known: list[_Span]) -> list[_Span]:
        """Capitalised phrases ending in an organisation head word ("Iraqi Counter Terrorism Service")."""
        spans = []
        text = self.text
        for a, b in self._runs(start, end):
            # A rank or title inside the run starts a person phrase: cut the run there.
            for anchor in (self.gazetteer.rank_re, self.gazetteer.post_re):
                for hit in anchor.finditer(text, a, b):
                    head = re.match(r"\s+([\w\-]+)", text[hit.end():b])
                    if head and head.group(1) in _ORG_HEADS:
                        continue  # "the General Staff": a rank word naming a body, not a person
                    if hit.start() > a and text[hit.start()].isupper():
                        b = min(b, hit.start())
            title = self.gazetteer.post_re.match(text, a, b)
            if title:
                # "Chief of the Defence Staff", "Commander US Central Command": a title, not an organisation
                rest = re.match(r"\s*(?:of\s+|for\s+)?(?:the\s+)?", text[title.end():b])
                a = title.end() + (rest.end() if rest else 0)
            phrase = text[a:b].rstrip(" -–")
            b = a + len(phrase)
            if not phrase:
                continue
            lead = _LEAD_ARTICLE.match(phrase) or _LEAD_ADJECTIVE.match(phrase)
            if lead:
                a += lead.end()
                phrase = phrase[lead.end():]
            owner = _OWNER.match(phrase)
            if owner and (self.gazetteer.lookup(owner.group(1)) or owner.group(1).split()[-1] in _ORG_HEADS):
                # "Iran's Quds Force": the organisation is "Quds Force", of Iran
                a += owner.end()
                phrase = phrase[owner.end():]
            words = phrase.split()
            heads = [i for i, w in enumerate(words) if any(part in _ORG_HEADS for part in _DASH.split(w))]
            starts_like_org = any(phrase.startswith(s + " ") for s in _ORG_STARTS)
            if not heads and not starts_like_org:
                continue
            exact = self.gazetteer.lookup(phrase)
            if exact and not exact[1]:
                continue  # the gazetteer already has it
            if heads and not starts_like_org:
                last = heads[-1]
                tail = words[last + 1:]
                # keep "Ministry of Defence", drop "Command Sergeant" style trailing words
                if tail and words[last + 1] not in ("of", "for") and (not _looks_like_designation(tail)
                                                                     or tail[0] in self.gazetteer.given_names):
                    words = words[: last + 1]  # "General Staff Valery Gerasimov": the staff, then a name
            phrase = " ".join(words)
            if len(words) < 2 and not starts_like_org:
                continue
            b = a + _span_len(text, a, phrase)
            head_parts = [p for w in words for p in _DASH.split(w) if p in _ORG_HEADS]
            kind = "MilitaryUnit" if starts_like_org and phrase.startswith(("Task Force", "Joint", "Combined", "Operation")) \
                else _ORG_HEADS[head_parts[-1]] if head_parts else "GovernmentBody"
            if phrase.startswith(("Ministry", "Department", "Office")):
                kind = "GovernmentBody"
            country = None
            for k in known:
                if k.start == a and k.known and k.known.kind == "Country":
                    country = k.known.name
            if any(k.start <= a and b <= k.end for k in known if not k.demonym and k.known and k.known.kind != "Country"):
                continue
            span = _Span(kind, phrase, a, b, country=country)
            if phrase.lower() in _GENERIC_ORGS:
                self._qualify(span, known)
            spans.append(span)
        return spans

    def _runs(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """Capitalised runs, split where "and" joins two bodies ("the Ministry of Defence and GCHQ",
        "the United Nations Command and the Combined Forces Command")."""
        for run in _CAP_RUN.finditer(self.text, start, end):
            a, b = run.start(), run.end()
            count = _LEADING_COUNT.match(self.text, a, b)
            if count:  # "2,500 U.S. Marines": a count, not the start of a name ("3rd Division" keeps its ordinal)
                a = count.end()
            # "Australia's Chief of the Defence Force": a title inside the run; the body after it is its own run
            for title in self.gazetteer.post_re.finditer(self.text, a + 1, b):
                of = re.match(r"\s+(?:of|for)\s+(?:the\s+)?", self.text[title.end():b])
                if of and self.text[title.start()].isupper() and title.end() + of.end() < b:
                    yield a, title.end()
                    a = title.end() + of.end()
                    break
            conjunct = _CONJUNCT.search(self.text[a:b])
            if conjunct and self._names_a_body(self.text[a:a + conjunct.start()]) \
                    and self._names_a_body(conjunct.group(1)):
                yield a, a + conjunct.start()
                yield a + conjunct.start(1), b
            else:
                yield a, b

    def _names_a_body(self, phrase: str) -> bool:
        """Whether a phrase is a whole organisation's name on its own ("Ministry of Defence", "GCHQ",
        "the Combined Forces Command"), not the first half of one ("Training" and Doctrine Command)."""
        phrase = re.sub(r"^(?:the|The)\s+", "", phrase.strip())
        words = phrase.split()
        heads = [i for i, w in enumerate(words) if w in _ORG_HEADS]
        # a head word, perhaps with a designation after it: "Naval Forces Europe", "Task Force Iraq"
        headed = bool(heads) and (heads[-1] == len(words) - 1 or _looks_like_designation(words[heads[-1] + 1:]))
        return bool(words) and (phrase.isupper() or headed or self.gazetteer.lookup(phrase) is not None
                                or any(phrase.startswith(start + " ") for start in _ORG_STARTS))

    def generic_orgs(self, start: int, end: int, known: list[_Span], orgs: list[_Span]) -> list[_Span]:
        """Lower-case national bodies: "Ukraine's armed forces", "the country's army", "the general
        staff", kept only when the country they belong to is known (from the owner, the sentence or
        the article so far), so that two countries' armies never merge."""
        spans: list[_Span] = []
        for m in _LOWER_GENERIC_ORG.finditer(self.text, start, end):
            a, b = m.start("org"), m.end("org")
            if any(t.start < b and a < t.end for t in known + orgs):
                continue
            span = _Span(_LOWER_GENERIC_KIND.get(m.group("org").split()[-1].lower(), "ArmedForces"),
                         " ".join(w.capitalize() for w in m.group("org").split()), a, b)
            owner = [k for k in known if k.end == m.start("org") - len(m.group("owner") or "") and k.known
                     and k.known.kind == "Country"] if m.group("owner") else []
            if m.group("owner") and not owner:
                continue  # "NATO's military structure": owned by something that is not a country
            if m.group("demonym"):  # "the Iranian navy"
                owner = [k for k in known if k.start == m.start("demonym") and k.known and k.known.kind == "Country"]
                if not owner:
                    continue
            self._qualify(span, owner or known)
            if span.qualified is not None:
                span.name = m.group("org")
                spans.append(span)
            elif _TITLE_OF.search(self.text, max(start, a - 60), a):
                spans.append(span)  # "the chief of the general staff": it names the post; no headOf is drawn
        return spans

    def _qualify(self, span: _Span, known: list[_Span]) -> None:
        """"the General Staff" -> "Russian General Staff", from the country the sentence (or else the
        article so far) is about, so that two countries' general staffs never merge.

        The nearest country before it in the sentence wins, then the first after it ("... told
        attaches in Moscow"), then the country the article has named most (the first on a tie)."""
        countries = [k for k in known if k.known and k.known.kind == "Country"]
        before = [k.known for k in countries if k.end <= span.start]
        # "U.S. Army and Air Force": a national force just before names the country too
        forces = [k for k in known if k.known and k.known.kind != "Country" and k.country and k.end <= span.start]
        if forces and (not before or forces[-1].end > max(k.end for k in countries if k.end <= span.start)):
            found = self.gazetteer.lookup(forces[-1].country)
            if found:
                before.append(found[0])
        after = [k.known for k in countries if k.start >= span.end]
        country = before[-1] if before else after[0] if after else self.main_country()
        if country is None:
            return
        demonym = country.demonyms[0] if country.demonyms else country.name
        qualified = f"{demonym} {span.name}"
        # a known body under any of the country's names: "US Air Force", "Russian General Staff"
        for owner in (demonym, country.name, *country.aliases):
            found = self.gazetteer.lookup(f"{owner} {span.name}")
            if found and not found[1]:
                qualified = found[0].name
                break
        span.qualified = qualified
        span.country = country.name

    def main_country(self) -> KnownEntity | None:
        """The country the article has named most so far (the first named on a tie)."""
        if not self.country_counts:
            return None
        best = max(self.country_counts.values(), key=lambda entry: (entry[0], -entry[1]))
        return best[2]

    def person_spans(self, start: int, end: int, blocked: list[_Span]) -> list[_Span]:
        """Names introduced by a rank, a post title or an honorific, with the posts they state."""
        text = self.text
        g = self.gazetteer
        persons: list[_Span] = []
        consumed = start
        anchors = sorted(
            [(m.start(), m.end(), "rank", m) for m in self._matches("rank", g.rank_re, start, end)]
            + [(m.start(), m.end(), "post", m) for m in self._matches("post", g.post_re, start, end)]
            + [(m.start(), m.end(), "hon", m) for m in self._matches("hon", g.honorific_re, start, end)],
            key=lambda t: (t[0], -t[1]))
        for a_start, _a_end, _kind, _m in anchors:
            if a_start < consumed:
                continue
            chain, pos, of_org = self._title_chain(a_start, end, blocked)
            if not chain:
                continue
            name_match = _NAME_RE.match(text, pos)
            if not name_match or name_match.start() != pos:
                continue
            name = self._clean_name(name_match.group(), blocked, pos)
            if not name:
                continue
            span = _Span("Person", name, pos, pos + len(name), head_start=a_start)
            self._apply_chain(span, chain, of_org, a_start, blocked)
            persons.append(span)
            consumed = span.end
        return persons

    def _title_chain(self, pos: int, end: int, blocked: list[_Span]):
        """Consume "commander General", "Chairman of the Joint Chiefs of Staff Gen." starting at pos."""
        text = self.text
        g = self.gazetteer
        chain: list[tuple[str, str, int, int]] = []
        of_org: _Span | None = None
        while pos < end:
            best = None
            for kind, regex in (("rank", g.rank_re), ("post", g.post_re), ("hon", g.honorific_re)):
                m = regex.match(text, pos, end)
                if m and (best is None or m.end() > best[2]):
                    best = (kind, m.group(), m.end())
            if best is None:
                if chain and chain[-1][0] == "post":
                    of = re.match(r"\s*(?:of|for|at)\s+(?:the\s+)?", text[pos:end])
                    if of and of_org is None:
                        target = self._org_at(blocked, pos + of.end())
                        if target and target.kind != "Person":
                            of_org = target
                            pos = target.end
                            gap = re.match(r"\s*,?\s*", text[pos:end])
                            pos += gap.end() if gap else 0
                            continue
                    comma = re.match(r",\s+", text[pos:end])
                    force = _span_at(blocked, pos + comma.end()) if comma else None
                    if force is not None and force.kind == "ArmedForces" and g.rank_re.match(text, force.end + 1):
                        comma = re.match(r",\s+" + re.escape(text[force.start:force.end]) + r"\s+", text[pos:end])  # "..., U.S. Army Gen. X"
                    if comma and len(chain) == 1 and (_NAME_RE.match(text, pos + comma.end())
                                                      or g.rank_re.match(text, pos + comma.end())):
                        # "the Y commander, X" / "France's Chief of the Defence Staff, General X"
                        following = text[pos + comma.end():end]
                        if not re.match(r"\w+\s+(?:of|said|told)\b", following):
                            pos += comma.end()
                            continue
                break
            kind, form, stop = best
            if kind in ("rank", "post") and form[:1].islower() and kind == "rank" and form.lower() not in ("general", "admiral", "colonel", "major general", "brigadier general", "lieutenant general"):
                break
            chain.append((kind, form, pos, stop))
            pos = stop
            gap = re.match(r"\s+", text[pos:end])
            if gap:
                pos += gap.end()
            elif not text.startswith(",", pos):
                break
        return chain, pos, of_org

    def _clean_name(self, raw: str, blocked: list[_Span], pos: int) -> str | None:
        tokens = raw.split()
        kept: list[str] = []
        for i, token in enumerate(tokens):
            bare = token.strip(",")
            initial = re.fullmatch(rf"[{UPPER}]\.?", bare) is not None and i > 0
            if not initial and bare.lower().rstrip(".") in _NOT_NAME and not _SUFFIX_RE.fullmatch(" " + bare):
                break
            if self.gazetteer.lookup(bare) and not (i > 0 and kept):
                break
            if self.gazetteer.lookup(bare) and i > 0:
                break
            kept.append(token)
        while kept and (re.fullmatch(r"[A-Z]\.?", kept[-1]) or kept[-1].lower() in ("al", "bin", "de", "van", "von")):
            kept.pop()
        if not kept:
            return None
        name = " ".join(kept).rstrip(",")
        if any(s.start <= pos < s.end for s in blocked if s.kind != "Person"):
            return None
        return name

    def _apply_chain(self, span: _Span, chain, of_org: _Span | None, a_start: int, blocked: list[_Span]) -> None:
        text = self.text
        before = text[max(0, a_start - 80):a_start]
        pre_org = _span_ending_at(blocked, a_start, text)
        for kind, form, c_start, _c_end in chain:
            if kind == "rank":
                span.rank = canonical_rank(form)
        posts = [(form, c_start) for kind, form, c_start, _ in chain if kind == "post"]
        if pre_org is not None:
            if pre_org.known and pre_org.known.kind == "ArmedForces" and not posts:
                span.branch = pre_org.known.name
            if pre_org.country:
                span.country = pre_org.country
        if not posts:
            return
        form, c_start = posts[0]
        title = self.gazetteer.posts[fold(form)]
        if re.search(r"\b(?:[Dd]eputy|[Vv]ice|[Aa]ssistant)\s+$", text[max(0, c_start - 12):c_start]) \
                and not title.title.startswith(("Deputy", "Vice", "Assistant")):
            # "Deputy Defence Minister Hanna Maliar" is not the minister
            word = re.search(r"(\w+)\s+$", text[max(0, c_start - 12):c_start]).group(1).capitalize()
            title = PostTitle(form, f"{word} {title.title}", False)
        org = of_org or pre_org
        if org is not None and org.kind == "Person":
            org = None
        modality: Modality = "asserted"
        if _PAST_MODIFIERS.search(text[max(0, c_start - 40):c_start]) or _PAST_MODIFIERS.search(before):
            modality = "past"
        elif _PLANNED_MODIFIERS.search(text[span.end:span.end + 20]) or re.search(r"\b(?:incoming|nominee for|designate)\s*$", text[max(0, c_start - 40):c_start], re.I):
            modality = "planned"
        span.posts.append((_make_post(title, org), 0.9, "title-before-name", modality))

    def apposition_posts(self, person: _Span, end: int, spans: list[_Span]) -> None:
        """", the defense secretary," / ", commander of US Central Command," after a person's name."""
        text = self.text
        m = re.match(r"\s*(?:\(\d+\)\s*)?,\s*(?:\d+,\s*)?(?:who\s+is\s+|who\s+was\s+|now\s+)?(?P<article>the\s+|a\s+|an\s+)?", text[person.end:end])
        if not m:
            return
        pos = person.end + m.end()
        was = "who was" in m.group()
        pre_org = None
        org_here = _span_at(spans, pos)
        if org_here is not None and org_here.kind != "Person":
            pre_org = org_here
            pos = org_here.end
            poss = re.match(r"(?:['’]s)?\s+", text[pos:end])
            pos += poss.end() if poss else 0
        unit = re.match(r"(?:division|brigade|regiment|battalion|fleet|corps|command|force|mission)['’]s\s+", text[pos:end])
        if pre_org is None and unit:
            pos += unit.end()  # "the brigade's deputy commanding general": a unit the sentence does not name
        mods = re.match(rf"(?P<past>(?:former|then|outgoing|ex-)\s*-?\s*)?{_MODIFIERS}", text[pos:end], re.I)
        past = bool(mods and mods.group("past")) or was
        pos += mods.end() if mods else 0
        # an organisation between modifiers and the title: "the top US commander"
        org_here = _span_at(spans, pos)
        if pre_org is None and org_here is not None and org_here.kind != "Person":
            pre_org = org_here
            pos = org_here.end
            gap = re.match(r"\s+", text[pos:end])
            pos += gap.end() if gap else 0
        title_m = self.gazetteer.post_re.match(text, pos, end)
        if not title_m:
            return
        title = self.gazetteer.posts[fold(title_m.group())]
        pos = title_m.end()
        org = pre_org
        of = re.match(r"\s+(?:of|for|at|to|in)\s+(?:the\s+)?", text[pos:end])
        if of:
            target = self._org_at(spans, pos + of.end())
            if target and target.kind != "Person":
                org = target
        modality: Modality = "past" if past else "asserted"
        person.posts.append((_make_post(title, org), 0.85, "apposition", modality))
        if org is not None and org is not pre_org:
            # "commander of U.S. Naval Forces Europe and the U.S. 6th Fleet": both commands
            joined = re.match(r"\s+and\s+(?:the\s+)?", text[org.end:end])
            other = self._org_at(spans, org.end + joined.end()) if joined else None
            if other is not None and other.kind not in ("Person", "Country"):
                person.posts.append((_make_post(title, other), 0.8, "apposition", modality))

    def _org_at(self, spans: list[_Span], pos: int) -> _Span | None:
        """The organisation (or country) named at ``pos``; "Iran's Quds Force" gives the Quds Force."""
        target = _span_at(spans, pos)
        if target is not None and target.kind == "Country" and target.demonym:
            # "the Egyptian navy": the demonym qualifies the body after it
            gap = re.match(r"\s+", self.text[target.end:target.end + 3])
            owned = _span_at(spans, target.end + gap.end()) if gap else None
            if owned is not None and owned.kind not in ("Person", "Country"):
                return owned
        if target is not None and target.kind == "Country":
            owner = re.match(r"['’]s\s+", self.text[target.end:target.end + 4])
            if owner:
                owned = _span_at(spans, target.end + owner.end())
                if owned is not None and owned.kind not in ("Person", "Country"):
                    country = target.known.name if target.known else None
                    if owned.known is not None and owned.known.country and country and owned.known.country != country:
                        # "South Korea's Joint Chiefs of Staff" is not the US one the gazetteer knows
                        demonym = target.known.demonyms[0] if target.known and target.known.demonyms else country
                        return replace(owned, known=None, qualified=f"{demonym} {owned.name}", country=country)
                    return owned
        return target

    def _title_at(self, pos: int, end: int, spans: list[_Span], *, modifiers: bool = False
                  ) -> tuple[PostTitle, _Span | None, bool] | None:
        """A post title at ``pos``, with its organisation before ("NATO Secretary General") or after
        it ("commander of US Central Command"), and whether the organisation was named at all."""
        text = self.text
        org = None
        org_here = _span_at(spans, pos)
        if org_here is not None and org_here.kind != "Person":
            org = org_here
            poss = re.match(r"(?:['’]s)?\s+", text[org_here.end:end])
            pos = org_here.end + (poss.end() if poss else 0)
        elif org_here is None:
            unknown = re.match(r"[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)?['’]s\s+", text[pos:end])
            pos += unknown.end() if unknown else 0  # "the Army's chief of staff": an owner kg does not know
        if modifiers:
            pos += len(re.match(_MODIFIERS, text[pos:end], re.I).group())
        title_m = self.gazetteer.post_re.match(text, pos, end)
        if not title_m:
            return None
        of = re.match(r"\s+(?:of|for|at)\s+(?:the\s+)?", text[title_m.end():end])
        target = self._org_at(spans, title_m.end() + of.end()) if of else None
        if target is not None and target.kind != "Person":
            org = target
        return self.gazetteer.posts[fold(title_m.group())], org, org is not None or of is not None

    def predicate_posts(self, person: _Span, end: int, spans: list[_Span]) -> None:
        """"X took over as Supreme Allied Commander Europe", "X became chairman of the Joint Chiefs",
        "X, who heads EUCOM, is also NATO's Supreme Allied Commander Europe"."""
        text = self.text
        named = re.search(r"\b(?:named|appointed|nominated|picked|chose|chosen|tapped|installed|promoted|confirmed|elected)\s+$",
                          text[max(0, (person.head_start or person.start) - 30):person.head_start or person.start])
        if named:
            # "China named Admiral Dong Jun, a former navy commander, as defence minister"
            as_title = re.match(r"\s*(?:,\s*(?:the|a|an)\s+[^,]{1,80},)?\s+as\s+(?:the\s+)?(?:(?:new|next|acting|its|country's)\s+)?",
                                _TIME_PHRASE.sub(lambda t: " " * len(t.group()), text[person.end:end]))
            found = self._title_at(person.end + as_title.end(), end, spans) if as_title else None
            if found:
                title, org, _ = found
                modality: Modality = "planned" if re.search(r"\bnominated\b", named.group()) else "asserted"
                person.posts.append((_make_post(title, org), 0.8, "named-as", modality))
                return
        rest = text[person.end:end]
        clause = re.match(r"\s*,\s*(?:(?:who|which)\b[^,]*|(?:the|a|an)\s+[^,]{1,60}),", rest)
        offset = person.end + (clause.end() if clause else 0)
        # "was confirmed on Thursday as chairman": a time phrase is blanked out, offsets kept
        clean = _TIME_PHRASE.sub(lambda t: " " * len(t.group()), text[offset:end])
        m = re.match(
            r"\s+(?:(?:on\s+\w+|has|had|have|will|would|is\s+to|also|now|formally|officially|then|later)\s+)*"
            r"(?P<verb>took\s+over\s+as|takes\s+over\s+as|take\s+over\s+as|took\s+office\s+as|takes\s+office\s+as|"
            r"became|becomes|become|was\s+named(?:\s+as)?|"
            r"is\s+named(?:\s+as)?|was\s+appointed(?:\s+as)?|been\s+appointed(?:\s+as)?|was\s+sworn\s+in\s+as|"
            r"was\s+confirmed\s+as|is|was|remains|remained|served\s+as|serves\s+as|been|has\s+been)"
            r"\s+(?:(?:also|still|now)\s+)?(?P<article>the\s+|a\s+|an\s+)?(?:new\s+|acting\s+|interim\s+)?", clean, re.I)
        if not m:
            return
        found = self._title_at(offset + m.end(), end, spans, modifiers=True)
        if found is None:
            return
        title, org, placed = found
        verb = m.group("verb").lower()
        if verb in ("is", "was", "been", "remains", "remained") and not m.group("article") and not placed:
            return  # "X is head" without anything else is rarely a post statement
        modality: Modality = "past" if re.search(r"\b(?:was|served|had|been|remained)\b", verb + " " + m.group(), re.I) \
            and not re.search(r"named|appointed|sworn|confirmed", verb) else "asserted"
        if re.search(r"\b(?:will|would|is\s+to)\b", m.group(), re.I):
            modality = "planned"
        person.posts.append((_make_post(title, org), 0.8, "predicate-post", modality))

    def verb_relations(self, sent_start: int, sent_end: int, spans: list[_Span]) -> None:
        """Relations stated by a verb between two mentions of one sentence."""
        text = self.text
        ordered = sorted(spans, key=lambda s: s.start)
        # "the U.S. Marine Corps' III Marine Expeditionary Force": the owned organisation is the one meant
        owner: dict[int, _Span] = {}
        for span in ordered:
            poss = _POSSESSIVE.match(text, span.end)
            owned = _span_at(ordered, poss.end()) if poss and span.kind != "Person" else None
            if owned is not None and owned.kind not in ("Person", "Country"):
                owner[id(owned)] = span
        first = len(self.relations)
        self._pairs(ordered, owner, sent_start, sent_end)
        # "leads the United Nations Command and the Combined Forces Command": both are led
        for relation in self.relations[first:]:
            if relation.kind in ("headOf", "subOrganizationOf") and relation.object is not None:
                joined = re.match(r"\s*,?\s+and\s+(?:the\s+)?", text[relation.object.end:sent_end])
                other = _span_at(ordered, relation.object.end + joined.end()) if joined else None
                if other is not None and other.kind not in ("Person", "Country"):
                    self.relations.append(replace(relation, object=self._mention(other), rule=relation.rule + "+and"))

    def _pairs(self, ordered: list[_Span], owner: dict[int, _Span], sent_start: int, sent_end: int) -> None:
        text = self.text
        for i, left in enumerate(ordered):
            for right in ordered[i + 1:]:
                if any(id(o) in owner and owner[id(o)] is right for o in ordered):
                    continue
                head = owner.get(id(right))
                between = text[left.end:(head.start if head is not None and head.start >= left.end else right.start)]
                if len(between) > 90 or "." in _ABBREVIATION.sub("", between):
                    continue
                self._pair(left, right, between, sent_start, sent_end)

    def _pair(self, left: _Span, right: _Span, between: str, sent_start: int, sent_end: int) -> None:
        lp, rp = left.kind == "Person", right.kind == "Person"
        lo = left.kind not in ("Person", "Country")
        ro = right.kind not in ("Person", "Country")
        b = " ".join(between.split()) + " "  # patterns end in whitespace before the right mention
        whole = b  # before a "who/which" clause is set aside: it may be the relation itself
        if ro:
            # "commands the Army's Training and Doctrine Command": the owner is not part of the verb phrase
            b = re.sub(r"\b[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,3}['’]s $", "", b)
        if lp or lo:
            # "Kurilla, who previously commanded the XVIII Airborne Corps, reports to Austin"
            b = re.sub(r"^,(?!\s*(?:whose|its)\b)\s*(?:(?:who|which)\b[^,]*|(?:the\s+|a\s+|an\s+)?[^,]{1,80}?)\s*,\s*", "", b)
        rank_gap = r"(?:the\s+)?(?:(?:{}|{})\s+){{0,2}}".format(self.gazetteer.rank_re.pattern, self.gazetteer.honorific_re.pattern)
        if lp and ro:
            m = _fullmatch(
                r",?\s*(?:who\s+|which\s+)?(?:(?:now|currently|also|still|formerly|previously|once|then|had|has|have|will|would|is\s+to|was|is|to)\s+)*"
                r"(?P<verb>commands?|commanded|commanding|leads?|led|leading|heads?|headed|heading|oversees|oversaw|"
                r"runs|ran|chairs|chaired|took\s+(?:over\s+)?command\s+of|takes\s+command\s+of|assumed\s+command\s+of|"
                r"assumes\s+command\s+of|took\s+over|takes\s+over|take\s+over|took\s+charge\s+of|is\s+in\s+charge\s+of|"
                r"was\s+in\s+charge\s+of|in\s+charge\s+of|lead|head|command|been\s+(?:leading|commanding|heading)|"
                r"(?:was\s+|has\s+been\s+|been\s+)?(?:appointed|named|picked|chosen|tapped|nominated|selected)\s+to\s+(?:head|lead|command|run))"
                r"\s+(?:the\s+)?", b, re.I)
            if m:
                verb = m.group("verb").lower()
                cue = b.lower()
                modality: Modality = "asserted"
                if re.search(r"\b(?:commanded|led|headed|oversaw|ran|chaired|formerly|previously|once|had|was\s+in\s+charge)\b", cue) and "took" not in cue and "assumed" not in cue and not re.search(r"\bwas\s+(?:appointed|named)", cue):
                    modality = "past"
                if re.search(r"\b(?:has|have)\s+(?:led|commanded|headed|run|chaired)\b", cue):
                    modality = "asserted"  # the present perfect: "who has led the IDF since 2019" still does
                if re.search(r"\b(?:will|would|is\s+to|nominated)\b", cue):
                    modality = "planned"
                modality = self._clause_modality(sent_start, left.start, right.end, modality)
                self._relation("headOf", left, right, sent_start, sent_end, 0.8, modality, f"verb:{verb.split()[0]}")
                if "command" in verb and right.kind == "MilitaryUnit" or re.search(r"\bcommand\s+of$", verb):
                    # "took command of SOCOM": the post is the unit's commander
                    post = _make_post(self.gazetteer.posts["commander"], right)
                    self.relations.append(RelationMention(
                        kind="holds", subject=self._mention(left), object=None, sentence=self._sentence(sent_start, sent_end),
                        start=sent_start, end=sent_end, confidence=0.75, modality=modality, post=post, rule="command-verb"))
                return
            m = _fullmatch(
                r",?\s*(?:who\s+)?(?:(?:has|had|will|would|was|is)\s+)?(?:been\s+)?(?:\w+\s+)?(?:took\s+over|takes\s+over|was\s+appointed|is\s+appointed|"
                r"has\s+been\s+appointed|appointed|named|became|becomes|become|serves|served|serving|remains|installed|"
                r"confirmed|promoted|nominated|chosen|selected|tapped)\s+(?:\w+\s+)?as\s+(?:the\s+)?(?:new\s+|acting\s+|interim\s+)?"
                r"(?P<title>[\w\- ]+?)\s+(?:of|for|at)\s+(?:the\s+)?", b, re.I)
            if m:
                title_form = fold(m.group("title"))
                title = self.gazetteer.posts.get(title_form)
                if title:
                    modality = "planned" if re.search(r"\b(?:will|would|nominated)\b", b, re.I) else "asserted"
                    if re.search(r"\b(?:served|had)\b", b, re.I):
                        modality = "past"
                    modality = self._clause_modality(sent_start, left.start, right.end, modality)
                    self._post_relation(left, _make_post(title, right), sent_start, sent_end, 0.8, modality, "took-over-as")
                    return
        if lo and rp and _fullmatch(r",?\s*(?:which|that)\s+", b, re.I):
            # "Allied Command Operations, which Cavoli leads, ..."
            verb = re.match(r"\s+(?:(?:now|currently|also|still)\s+)?(?P<verb>leads|commands|heads|runs|led|commanded|headed|ran|"
                            r"has\s+led|has\s+commanded|has\s+headed)\b", self.text[right.end:sent_end], re.I)
            if verb:
                past = verb.group("verb").lower() in ("led", "commanded", "headed", "ran")
                modality = self._clause_modality(sent_start, left.start, right.end + verb.end(),
                                                  "past" if past else "asserted")
                self._relation("headOf", right, left, sent_start, sent_end, 0.8, modality, "which-x-leads")
                return
        if lo and rp:
            passive = (r",?\s*(?:(?:a|an|the)\s+(?:[\w\-]+\s+){0,3}?)?(?:(?:which|that|who)\s+(?:is|was|are|were|has\s+been|had\s+been)\s+|(?:is|was|are|were|now|currently)\s+)?"
                       r"(?P<verb>led|commanded|headed|run|chaired|overseen)\s+(?:in\s+(?:peacetime|practice|the\s+field)\s+)?by\s+"
                       r"(?:(?:a|an|the|its|their)\s+(?:[\w'’\-]+\s+){0,2}?(?:officer|general|admiral|commander|diplomat|"
                       r"chief\s+of\s+staff|chief|head|leader)(?:\s+of\s+[\w\- ]{1,30}?)?\s*,\s+"
                       r"|(?:[\w'’\-]+\s+){0,2}?)" + rank_gap)
            m = _fullmatch(passive, whole, re.I) or _fullmatch(passive, b, re.I)
            if m is None:
                m = _fullmatch(r",?\s*(?:whose|its)\s+(?:current\s+|new\s+)?(?P<verb>commander|head|chief|leader|director|chairman)\s*,?\s+(?:is\s+)?"
                                 + rank_gap, b, re.I)
                if m and not re.search(r"\b(?:was|former)\b", b, re.I):
                    title = self.gazetteer.posts.get(fold(m.group("verb")))
                    if title:
                        modality = self._clause_modality(sent_start, left.start, right.end, "asserted")
                        self._post_relation(right, _make_post(title, left), sent_start, sent_end, 0.8, modality, "whose-title-is")
                    return
            if m:
                past = bool(re.search(r"\b(?:was|were|had)\b", b, re.I))
                modality = self._clause_modality(sent_start, left.start, right.end, "past" if past else "asserted")
                self._relation("headOf", right, left, sent_start, sent_end, 0.8, modality, "passive-led-by")
                if m.group("verb").lower() == "commanded":
                    self.relations.append(RelationMention(
                        kind="holds", subject=self._mention(right), object=None, sentence=self._sentence(sent_start, sent_end),
                        start=sent_start, end=sent_end, confidence=0.75, modality=modality,
                        post=_make_post(self.gazetteer.posts["commander"], left), rule="commanded-by"))
                return
        if lp and (rp or right.kind == "Post"):
            m = _fullmatch(
                r",?\s*(?:who\s+)?(?:(?:also|still|now|currently|directly|ultimately|formally)\s+)*"
                r"(?P<verb>reports|reported|report|answers|answered|answer|is\s+subordinate|was\s+subordinate|serves|served)"
                r"\s+(?:directly\s+|ultimately\s+)?(?:to|under)\s+" + rank_gap + r"(?:(?:the\s+)?[\w\- ]*?,?\s+" + rank_gap + r")?", b, re.I)
            if m is None:
                m = _fullmatch(r",?\s*(?:who\s+)?(?:(?:is|was|are|were|serves|served|operates|operated)\s+)?under\s+(?:the\s+)?(?:direct\s+)?(?:command|authority|orders)\s+of\s+" + rank_gap + r"(?:[\w\- ]*?\s+)?", b, re.I)
            if m:
                modality = self._clause_modality(sent_start, left.start, right.end,
                                                  "past" if re.search(r"\b(?:reported|answered|was|served)\b", b, re.I) else "asserted")
                self._relation("reportsTo", left, right, sent_start, sent_end, 0.8, modality, "reports-to")
                return
        if lo and ro and " and " in b:
            # "CJTF-OIR is commanded by Maj. Gen. Joel Vowell and falls under U.S. Central Command"
            tail = b.rsplit(" and ", 1)[1]
            if re.match(r"(?:falls?|fell|comes?|came|reports?|belongs?|is\s+part|is\s+a\s+(?:part|component|unit))\b", tail):
                b = " " + tail
        if lo and ro:
            m = _fullmatch(
                r",?\s*(?:(?:which|that)\s+)?(?:(?:is|are|was|were|remains|now|also|itself)\s+)*"
                r"(?:(?:falls?|fell|comes?|came|operates?|operated|sits?|placed|is\s+placed)\s+under\s+(?:the\s+)?(?:command\s+of\s+|authority\s+of\s+|control\s+of\s+|umbrella\s+of\s+)?(?:the\s+)?"
                r"|(?:reports?|reported|answers?)\s+(?:directly\s+)?to\s+(?:the\s+)?"
                r"|(?:(?:a|an|the|one)\s+)?(?:(?:\w+|of\s+the)\s+){0,2}?(?:part|component|subordinate\s+(?:command|unit|headquarters|formation)|"
                r"subordinate|unit|arm|branch|element|division|wing|command|formation|service|headquarters|subsidiary|section)\s+(?:of|within|under|to)\s+(?:the\s+)?"
                r"|belongs?\s+to\s+(?:the\s+)?|(?:is|are)\s+under\s+(?:the\s+)?)", b, re.I)
            if m and not re.search(r"\b(?:not|never|no\s+longer)\b", b, re.I):
                modality = self._clause_modality(sent_start, left.start, right.end, "asserted")
                self._relation("subOrganizationOf", left, right, sent_start, sent_end, 0.75, modality, "part-of")
                return

    def succession(self, sent_start: int, sent_end: int, persons: list[_Span], first: int,
                   spans: list[_Span] | None = None) -> None:
        """"X took command of Z, succeeding Y" / "X replaced Y as commander of Z": Y's post is past.

        ``first`` is the index of the sentence's first relation in ``self.relations``.
        """
        text = self.text
        spans = spans or []
        for m in _SUCCESSION.finditer(text, sent_start, sent_end):
            after = [p for p in persons if m.end() <= p.start and (p.head_start or p.start) - m.end() < 60]
            if not after:
                continue
            predecessor = min(after, key=lambda p: p.start)
            old = self._mention(predecessor)
            # "replaced Defence Minister Sergei Shoigu with Andrei Belousov": the title the predecessor
            # is introduced with is the post he leaves, and the one "with" names takes it
            successor = next((p for p in persons if p.start > predecessor.end and re.fullmatch(
                r"\s*,?\s*(?:with|by)\s+(?:\S+\s+){0,3}?", text[predecessor.end:p.head_start or p.start])), None)
            for index in range(first, len(self.relations)):
                relation = self.relations[index]
                if relation.subject.key == old.key and relation.rule == "title-before-name" \
                        and relation.modality == "asserted":
                    self.relations[index] = replace(relation, modality="past")
                    if successor is not None and m.group().lower().startswith("replac"):
                        self.relations.append(replace(relation, subject=self._mention(successor), rule="succession",
                                                      confidence=0.7))
            for relation in list(self.relations[first:]):
                if relation.kind in ("headOf", "holds") and relation.subject.key != old.key \
                        and relation.modality in ("asserted", "planned") \
                        and relation.rule not in ("succession", "title-before-name", "apposition"):
                    # only what the sentence says the successor took on, not who the actor already is
                    self.relations.append(replace(relation, subject=old, modality="past", rule="succession",
                                                  confidence=0.7))
            title = re.match(r"\s*,?\s+as\s+(?:the\s+)?(?:country's\s+|army's\s+)?", text[predecessor.end:sent_end])
            post_m = None
            if title:
                # "as the professional head of the British Army": up to two words before the title
                pos = predecessor.end + title.end()
                for _ in range(3):
                    post_m = self.gazetteer.post_re.match(text, pos, sent_end)
                    word = re.match(r"[a-z]+\s+", text[pos:sent_end])
                    if post_m or not word:
                        break
                    pos += word.end()
            if post_m is None:
                continue
            org = None
            of = re.match(r"\s+(?:of|for)\s+(?:the\s+)?", text[post_m.end():sent_end])
            if of:
                org = self._org_at(spans, post_m.end() + of.end())
                if org is not None and org.kind == "Person":
                    org = None
            post = _make_post(self.gazetteer.posts[fold(post_m.group())], org)
            self._post_relation(predecessor, post, sent_start, sent_end, 0.7, "past", "succession")
            # "..., appointing X" / "with X": the successor named after the predecessor; otherwise
            # the sentence's subject ("X took over ..., succeeding Y as head of Z")
            successor = next((p for p in persons if p.start > post_m.end() and re.search(
                r"\b(?:appointing|naming|with|by)\s+(?:\S+\s+){0,3}$", text[post_m.end():p.head_start or p.start])), None)
            if successor is None:
                subject = min(persons, key=lambda p: p.start)
                if subject.end <= m.start() and self._key(subject) != old.key:
                    successor = subject
            if successor is not None:
                self._post_relation(successor, post, sent_start, sent_end, 0.7, "asserted", "succession")

    def _clause_modality(self, sent_start: int, start: int, end: int, base: Modality) -> Modality:
        """The modality a relation spanning [start, end) takes from the words of its clause."""
        text = self.text
        clause_start = sent_start
        for brk in _CLAUSE_BREAK.finditer(text, sent_start, start):
            clause_start = brk.end()
        window = text[clause_start:end]
        if base == "past":
            return "past"
        if _NEGATION.search(window) or _DENIAL.search(text[sent_start:start]):
            return "negated"
        if _REPORTED.search(window):
            return "reported"
        if base == "planned" or _PLANNED.search(window):
            return "planned"
        return base

    # -- troop deployments ----------------------------------------------------------------------

    def troop_relations(self, sent_start: int, sent_end: int, spans: list[_Span]) -> None:
        text = self.text
        countries = [s for s in spans if s.known is not None and s.known.kind == "Country"]
        national = countries or [s for s in spans if s.country]
        if not national or not _TROOP_NOUN_RE.search(text, sent_start, sent_end):
            return  # most sentences: no troops, or no country to send or host them
        for m in _TROOP_RE.finditer(text, sent_start, sent_end):
            np = m.group("np") or ""
            if not _NP_ALLOWED.match(np):
                continue
            count = parse_number(m.group("count"))
            if not count or count < 2 or count > 2_000_000:
                continue
            if re.match(r"(?:19|20)\d\d$", m.group("count")) and "," not in m.group("count"):
                continue  # a year, not a count
            before = text[max(sent_start, m.start() - 25):m.start()]
            if re.search(r"(?:\$|€|£|per\s*cent|%)\s*$", before) or re.match(r"\s*(?:%|per\s*cent|percent)", text[m.end("count"):]):
                continue
            in_np = [c for c in countries if m.start("count") <= c.start and c.end <= m.start("noun") + 1]
            sender = in_np[-1] if in_np else self._sender_of_force(spans, m.start("count"), m.end("noun"))
            after = text[m.end():sent_end]
            host = None
            host_match = re.match(
                r"(?:\s+(?:\w+ly\s+)?(?:are|were|is|remain|remained|will\s+remain|stay|stayed|are\s+still|still|currently|now|"
                r"based|stationed|deployed|serving|positioned|posted|permanently|rotating|rotate|already|present|"
                r"be|been|being|sent|moved|dispatched|heading|headed|go|going|to\s+be|would\s+be|will\s+be|"
                r"which\s+are|that\s+are|who\s+are|in\s+total|in\s+all|there|it\s+has|it\s+keeps|back))*"
                r"\s+(?:in|to|into|inside|at|across|throughout|on\s+the\s+ground\s+in|within|on)\s+(?:the\s+)?", after, re.I)
            if host_match:
                pos = m.end() + host_match.end()
                host = _span_at(countries, pos)
                if host is None:
                    # "in northeastern Syria", "at Hamid Karzai International Airport in Kabul"
                    skip = re.match(r"(?:(?:north|south|east|west|northern|southern|eastern|western|north-?eastern|"
                                    r"north-?western|south-?eastern|south-?western|central)\s+"
                                    r"|(?:[A-Z][\w’'\-]*\s+){1,6}(?:in|near|outside)\s+(?:the\s+)?"
                                    r"|(?:its|their|the|a|an)\s+(?:[\w\-]+\s+){0,3}?(?:base|bases|air\s*base|garrison|camp|"
                                    r"facility|outpost|headquarters)\s+(?:in|near|at|outside)\s+(?:the\s+)?)", text[pos:sent_end])
                    if skip:
                        host = _span_at(countries, pos + skip.end())
                        town = re.match(r"[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)?,\s+", text[pos + skip.end():sent_end])
                        if host is None and town:  # "in Gyumri, Armenia"
                            host = _span_at(countries, pos + skip.end() + town.end())
            rule = "count-in-host"
            if host is None:
                host = self._host_from_context(after, m.end(), spans, sender)
                rule = "host-from-context"
            if host is None:
                rule = "count-in-host"
                # "Germany hosts some 35,000 U.S. service members" / "Poland has 10,000 troops on its soil"
                clause = text[sent_start:m.start()]
                subject = [c for c in countries if c.end <= m.start() and not c.demonym]
                if subject:
                    verb = text[subject[-1].end:m.start()]
                    if re.search(r"\b(?:hosts?|hosted|hosting|is\s+home\s+to|houses)\b", verb, re.I) or \
                            (re.search(r"^\s+(?:has|had|now\s+has)\b", verb, re.I) and re.match(r"[^.]*?\bon\s+(?:its|their)\s+(?:soil|territory)", after)):
                        host = subject[-1]
                        rule = "host-hosts"
                if host is None and re.match(r"\s+(?:are|were|is)?\s*(?:deployed|based|stationed)", after) and re.search(r",?\s*where\s+$", clause):
                    region = [c for c in countries if c.end <= m.start()]
                    host = region[-1] if region else None
                    rule = "where-deployed"
                where = re.search(r"\bwhere\s+(?:[\w.’'\-]+\s+){0,5}$", text[max(sent_start, m.start() - 60):m.start()])
                if host is None and where:
                    # "Camp Lemonnier in Djibouti, where the United States keeps about 4,000 troops"
                    at = max(sent_start, m.start() - 60) + where.start()
                    region = [c for c in countries if c.end <= at]
                    host = region[-1] if region else None
                    rule = "where-deployed"
            if host is None:
                # "about 40,000 American troops across the Middle East, including roughly 2,500 in Iraq and 900 in Syria"
                if sender is not None:
                    self._included_troops(sender, m, countries, sent_start, sent_end)
                continue
            if sender is None:
                # "X keeps/has/sent about 1,500 troops in Y": the country that is the clause's subject
                subject = [c for c in countries if c.end <= m.start() and c is not host and c.known is not host.known]
                if subject:
                    verb = text[subject[-1].end:m.start()]
                    if re.search(r"\b(?:keeps?|kept|has|had|have|maintains?|maintained|sent|sends?|send|deployed|deploys?|deploy|"
                                 r"stations?|stationed|bases?|contributes?|contributed|will\s+send|pledged|dispatched|"
                                 r"moved|rotates?|withdr[ae]w|pull|pulled|cut|reduce|reduced|plans?\s+to|would|announced)\b", verb, re.I) \
                            and len(verb) < 80:
                        sender = subject[-1]
            if sender is None or sender.known is host.known:
                continue
            modality = self._troop_modality(sent_start, m, after)
            hedge = m.group("hedge")
            self._troops(sender, host, count, hedge, sent_start, sent_end, 0.8, modality, rule)
            # "roughly 2,500 troops in Iraq and about 900 in Syria": the same sender, a second host
            more = _ELLIPTICAL_TROOPS.match(text, host.end, sent_end)
            if more and rule == "count-in-host":
                second = _span_at(countries, more.end())
                extra = parse_number(more.group("count"))
                if second is not None and extra and extra >= 2 and second.known is not sender.known:
                    self._troops(sender, second, extra, more.group("hedge"), sent_start, sent_end, 0.75, modality,
                                 "count-in-host-elliptical")

    def _included_troops(self, sender: _Span, m: re.Match[str], countries: list[_Span], sent_start: int,
                         sent_end: int) -> None:
        text = self.text
        included = _INCLUDED_TROOPS.match(text, m.end(), sent_end)
        if included is None:
            return
        modality = self._troop_modality(sent_start, m, text[m.end():sent_end])
        pos = included.end()
        hedge, count = included.group("hedge"), parse_number(included.group("count"))
        while True:
            host = _span_at(countries, pos)
            if host is None or not count or count < 2 or host.known is sender.known:
                return
            self._troops(sender, host, count, hedge, sent_start, sent_end, 0.75, modality, "included-count")
            more = _ELLIPTICAL_TROOPS.match(text, host.end, sent_end)
            if more is None:
                return
            pos, hedge, count = more.end(), more.group("hedge"), parse_number(more.group("count"))

    def _host_from_context(self, after: str, pos: int, spans: list[_Span] | None = None,
                           sender: _Span | None = None) -> _Span | None:
        """The host named elsewhere: "contributes 600 soldiers to the mission" (the country in the
        name of the last mission or force: "Kosovo Force"), "serve with NATO Mission Iraq", "has
        1,000 soldiers in the country" (the last other country of the sentence), "are deployed at
        the base" (the country the article last placed a base in)."""
        spans = spans or []
        unit = re.match(r"\s+(?:\w+\s+){0,2}?(?:with|in|as\s+part\s+of)\s+(?:the\s+)?", after)
        named = _span_at(spans, pos + unit.end()) if unit else None
        if named is not None and named.kind not in ("Person", "Country") and self._country_in_name(named):
            return self._country_span(self._country_in_name(named) or "", pos)
        if re.match(r"\s+(?:\w+\s+){0,3}?(?:in|inside|across)\s+the\s+country\b", after):
            before = [c for c in spans if c.end <= pos and c.known is not None and c.known.kind == "Country"]
            # the sending country is the sender, or else the clause's first country ("France keeps ...")
            senders = {sender.known if sender is not None else before[0].known} if before else set()
            others = [c for c in before if c.known not in senders]
            if others:
                return others[-1]
            # else the first country the article named that is not the sender: the one it is about
            return self._first_other_country(sender or (before[0] if before else None), pos)
        mission = re.match(r"\s+(?:\w+\s+){0,3}?(?:to|in|with|for)\s+the\s+(?P<noun>mission|force|operation|contingent|"
                           r"battle\s*group|multinational\s+battle\s*group)\b", after)
        if mission:
            for org in reversed(self.organisations):
                if org.kind in ("MilitaryUnit", "Organization") and (org.country or self._country_in_name(org)):
                    country = self._country_in_name(org) or org.country
                    return self._country_span(country, pos)
            # else where the article placed it: its first country that is not the sender
            return self._first_other_country(sender, pos)
        if sender is not None:
            # "NATO's battlegroup in Romania, led by France, has grown to about 1,000 French troops"
            placed = [c for c in spans if c.end <= pos and c.known is not None and c.known.kind == "Country"
                      and c.known is not sender.known and re.search(r"\bin\s+(?:the\s+)?$", self.text[max(0, c.start - 8):c.start])
                      and pos - c.end < 80]
            if placed and not re.match(r"\s+(?:\w+\s+){0,4}?(?:to|into)\s", after):
                return placed[-1]
        if re.match(r"\s+(?:\w+\s+){0,3}?(?:at|on|to)\s+the\s+(?:base|outpost|air\s*base|camp|garrison|facility|airport|airfield)\b", after) \
                and self.base_country is not None:
            return self._country_span(self.base_country.name, pos)
        return None

    def _first_other_country(self, sender: _Span | None, pos: int) -> _Span | None:
        """The first country the article named that is not the sender: the one it is about."""
        named = sorted((seen, entity.name, entity) for _, seen, entity in self.country_counts.values())
        first = next((entity for _, _, entity in named if sender is None or entity is not sender.known), None)
        return self._country_span(first.name, pos) if first is not None else None

    def _country_in_name(self, org: _Span) -> str | None:
        for word in re.split(r"[\s\-–]+", org.canonical):
            found = self.gazetteer.lookup(word)
            if found and found[0].kind == "Country" and not found[1]:
                return found[0].name
        return None

    def _country_span(self, name: str, pos: int) -> _Span | None:
        found = self.gazetteer.lookup(name)
        if not found or found[0].kind != "Country":
            return None
        return _Span("Country", found[0].name, pos, pos, known=found[0], country=found[0].name)

    def remember_bases(self, start: int, end: int, spans: list[_Span]) -> None:
        """"a small outpost in northeastern Jordan": where "the base" of a later sentence is."""
        for m in _BASE_IN.finditer(self.text, start, end):
            town = re.match(r"[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)?,\s+", self.text[m.end():end])  # "in Tripoli, Libya"
            country = _span_at(spans, m.end()) or (_span_at(spans, m.end() + town.end()) if town else None)
            if country is not None and country.known is not None and country.known.kind == "Country":
                self.base_country = country.known

    def _sender_of_force(self, spans: list[_Span], start: int, end: int) -> _Span | None:
        """"2,500 U.S. Marines": the country of a national force named in the troop phrase."""
        for span in spans:
            if start <= span.start and span.end <= end and span.kind != "Country" and span.country:
                found = self.gazetteer.lookup(span.country)
                if found and found[0].kind == "Country":
                    return _Span("Country", span.name, span.start, span.end, known=found[0], demonym=True,
                                 country=found[0].name)
        return None

    def _troop_modality(self, sent_start: int, m: re.Match[str], after: str) -> Modality:
        text = self.text
        clause_start = sent_start
        for brk in _CLAUSE_BREAK.finditer(text, sent_start, m.start()):
            clause_start = brk.end()
        before = text[clause_start:m.start()]
        tail = re.split(r"[,;.]", after, maxsplit=1)[0]
        window = before + " " + m.group() + " " + tail
        if _NEGATION.search(before) or re.search(r"\bno\b|\bnot\b", m.group()) or _DENIAL.search(text[sent_start:m.start()]):
            return "negated"
        if re.search(r"\b(?:its|their|the)\s+$", before) and not re.search(r"\b(?:more|additional|extra)\b", m.group(), re.I):
            # "move some of its roughly 500 soldiers in Iraq": the troops are there now, whatever happens next
            return "asserted"
        if re.search(r"\b(?:withdr[ae]w|withdrawn|withdrawing|pulled\s+out|left|departed|had\s+been|used\s+to|"
                     r"was\s+home\s+to|once|previously|formerly|at\s+its\s+peak|in\s+(?:19|20)\d\d)\b", window, re.I):
            return "past"
        if _REPORTED.search(window):
            return "reported"
        added = m.group()[m.end("hedge") - m.start():] if m.group("hedge") else m.group()  # "more than" is a hedge
        if re.search(r"\b(?:more|additional|extra|further|fresh|another)\b", added, re.I) or _PLANNED.search(window) \
                or re.search(r"\b(?:to\s+send|to\s+deploy|sending|deploying|will|would|could)\b", window, re.I):
            return "planned"
        return "asserted"

    # -- emitting -------------------------------------------------------------------------------

    def _mention(self, span: _Span) -> Mention:
        known = span.known
        return Mention(kind=span.kind, name=span.name, start=span.start, end=span.end,  # type: ignore[arg-type]
                       key=self._key(span), canonical=known.name if known else span.qualified,
                       wikidata=known.wikidata if known else None, rank=span.rank, country=span.country,
                       branch=span.branch)

    def _key(self, span: _Span) -> str:
        if span.kind == "Person":
            return "person:" + normalise_name(span.refers_to or span.name)
        return ("country:" if span.kind == "Country" else "org:") + normalise_name(span.canonical)

    def _sentence(self, start: int, end: int) -> str:
        return self.text[start:end]

    def _relation(self, kind: str, subject: _Span, obj: _Span, s: int, e: int, conf: float,
                  modality: Modality, rule: str) -> None:
        if kind == "headOf" and obj.kind == "Country":
            return
        self.relations.append(RelationMention(kind=kind, subject=self._mention(subject), object=self._mention(obj),  # type: ignore[arg-type]
                                              sentence=self._sentence(s, e), start=s, end=e, confidence=conf,
                                              modality=modality, rule=rule))

    def _post_relation(self, person: _Span, post: Post, s: int, e: int, conf: float, modality: Modality, rule: str) -> None:
        org_span = post.org
        self.relations.append(RelationMention(kind="holds", subject=self._mention(person), object=None,
                                              sentence=self._sentence(s, e), start=s, end=e, confidence=conf,
                                              modality=modality, post=post, rule=rule))
        title = self.gazetteer.posts.get(fold(post.title))
        leads = any(p.leads for p in self.gazetteer.posts.values() if p.title == post.title)
        if org_span is not None and org_span.kind == "Country" and post.title == "Commander-in-Chief":
            # "Ukraine's commander-in-chief": the head of the country's armed forces
            forces = self._armed_forces_of(org_span.canonical or org_span.name)
            if forces is not None:
                org_span = forces
        generic = org_span is not None and org_span.canonical is None and org_span.name.lower() in _GENERIC_ORGS
        if (title and title.leads or leads) and org_span is not None and org_span.kind not in ("Country", "Person") \
                and not generic:  # "Chief of the General Staff" of no named country: which staff is unknown
            self.relations.append(RelationMention(kind="headOf", subject=self._mention(person), object=org_span,
                                                  sentence=self._sentence(s, e), start=s, end=e, confidence=conf,
                                                  modality=modality, rule=rule))

    def _armed_forces_of(self, country: str) -> Mention | None:
        """The gazetteer's armed forces of a country ("Armed Forces of Ukraine"), as a mention."""
        found = self.gazetteer.lookup(country)
        if not found or found[0].kind != "Country":
            return None
        entity = found[0]
        for owner in (*entity.demonyms[:1], entity.name):
            known = self.gazetteer.lookup(f"{owner} Armed Forces") or self.gazetteer.lookup(f"{owner} military")
            if known and not known[1] and known[0].kind == "ArmedForces":
                return Mention(kind="ArmedForces", name=known[0].name, start=0, end=0,
                               key="org:" + normalise_name(known[0].name), canonical=known[0].name,
                               wikidata=known[0].wikidata, country=entity.name)
        return None

    def _troops(self, sender: _Span, host: _Span, count: int, hedge: str | None, s: int, e: int,
                conf: float, modality: Modality, rule: str) -> None:
        self.relations.append(RelationMention(kind="troops", subject=self._mention(sender), object=self._mention(host),
                                              sentence=self._sentence(s, e), start=s, end=e, confidence=conf,
                                              modality=modality, count=count,
                                              hedge=" ".join(hedge.lower().split()) if hedge else None, rule=rule))

    # -- coreference ----------------------------------------------------------------------------

    def coreferent_spans(self, start: int, end: int, taken: list[_Span]) -> list[_Span]:
        """Later mentions of persons already introduced: "Esper", "Mark Esper", "the general"."""
        spans: list[_Span] = []
        text = self.text
        if not self.persons:
            return spans
        by_token, pattern = self._coreference_pattern()
        for m in pattern.finditer(text, start, end):
            if any(t.start <= m.start() < t.end or m.start() <= t.start < m.end() for t in taken + spans):
                continue
            person = by_token[m.group()]
            spans.append(_Span("Person", m.group(), m.start(), m.end(), rank=person.rank, refers_to=person.name))
        if self.last_subject is not None:
            # "... He reports to ...": the subject of the sentence before
            for m in re.finditer(r"(?<![\w’'])(?:[Hh]e|[Ss]he)(?![\w’'])", text[start:end]):
                a = start + m.start()
                if not any(t.start <= a < t.end for t in taken + spans):
                    person = self.last_subject
                    spans.append(_Span("Person", m.group(), a, start + m.end(), rank=person.rank, refers_to=person.name))
        for m in _THE_ROLE.finditer(text[start:end]):
            role = m.group("role").lower()
            candidates = [p for p in self.persons if (p.rank and role in p.rank.lower()) or any(role in t.lower() for t in p.titles)]
            a = start + m.start()
            if candidates and not any(t.start <= a < t.end for t in taken + spans):
                person = candidates[-1]
                spans.append(_Span("Person", person.name, a, start + m.end(), rank=person.rank))
        return spans

    def known_as_orgs(self, start: int, end: int, taken: list[_Span]) -> list[_Span]:
        """"The brigade, known as Panzerbrigade 45, ...": the name is a unit's, and "the brigade"
        names it from then on."""
        spans: list[_Span] = []
        for m in _KNOWN_AS.finditer(self.text, start, end):
            a, b = m.start("name"), m.end("name")
            if any(t.start < b and a < t.end for t in taken):
                continue
            noun = m.group("noun").lower()
            span = _Span("GovernmentBody" if noun in ("ministry", "agency") else "MilitaryUnit", m.group("name"), a, b)
            spans.append(span)
            self.named_nouns[noun] = span
        return spans

    def coreferent_orgs(self, start: int, end: int, taken: list[_Span]) -> list[_Span]:
        """"The division is commanded by ...": a definite head noun names the last organisation
        of the article with that head word ("82nd Airborne Division"), or the one the article said
        it was "known as"."""
        spans: list[_Span] = []
        if not self.organisations and not self.named_nouns:
            return spans
        for m in _DEFINITE_ORG.finditer(self.text, start, end):
            a, b = m.start("noun"), m.end("noun")
            if any(t.start < b and a < t.end for t in taken):
                continue
            noun = m.group("noun").lower()
            named = self.named_nouns.get(noun)
            if named is not None and named.start != a:
                spans.append(replace(named, start=m.start(), end=b, posts=[]))
                continue
            # a unit that was a sentence's subject is the likelier antecedent than one named in passing
            ranked = sorted(self.organisations, key=lambda o: (o.start in self.subject_starts, o.start))
            for antecedent in reversed(ranked):
                words = [w.lower() for w in re.split(r"[\s\-–]+", antecedent.canonical)]
                if noun in words[1:] or (noun == "force" and "forces" in words[1:]):
                    spans.append(replace(antecedent, start=m.start(), end=b, posts=[]))
                    break
        return spans

    def _coreference_pattern(self) -> tuple[dict[str, _Person], re.Pattern[str]]:
        """The names of the persons introduced so far, as one pattern (rebuilt only when they change)."""
        signature = tuple((p.name, p.tokens[-1]) for p in self.persons)
        if self._coref_cache is None or self._coref_cache[0] != signature:
            by_token: dict[str, _Person] = {}
            for person in self.persons:
                by_token.setdefault(person.tokens[-1], person)
                by_token.setdefault(person.name, person)
                if len(person.tokens) >= 2 and person.tokens[0] in self.gazetteer.family_first:
                    by_token.setdefault(person.tokens[0], person)  # "Kim Myung-soo" is "Kim" later
            names = sorted(by_token, key=len, reverse=True)
            pattern = re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w\-])")
            self._coref_cache = (signature, by_token, pattern)
        return self._coref_cache[1], self._coref_cache[2]

    def person_named(self, name: str) -> _Person | None:
        """The person introduced under ``name`` (or now known by it)."""
        return next((p for p in self.persons if p.name == name or p.key == name), None)

    def remember(self, span: _Span) -> None:
        tokens = [t for t in span.name.replace(",", "").split() if not _SUFFIX_RE.fullmatch(" " + t)]
        if not tokens:
            return
        for person in self.persons:
            if person.name == span.name or (len(tokens) == 1 and person.tokens[-1] == tokens[0]):
                span.name = person.name
                if span.rank:
                    person.rank = span.rank
                person.titles.update(p.title for p, *_ in span.posts)
                return
            if len(tokens) >= 2 and len(person.tokens) >= 2 and tokens[0] == person.tokens[0] and tokens[-1] == person.tokens[-1]:
                if len(span.name) > len(person.name):
                    person.name = span.name
                span.name = person.name
                return
        self.persons.append(_Person(key=span.name, name=span.name, tokens=tokens, rank=span.rank,
                                    titles={p.title for p, *_ in span.posts}))


_REGIONS = {"europe", "africa", "asia", "america", "pacific", "atlantic", "arctic", "indo-pacific", "levant", "balkans",
            "caucasus", "sahel", "eurasia", "oceania", "baltic", "baltics", "middle", "east", "west", "north", "south",
            "central", "gulf"}


def _looks_like_designation(words: list[str]) -> bool:
    """Words after a head that still belong to the name: "Task Force Iraq", "Army Europe"."""
    return len(words) <= 2 and all((w[:1].isupper() or w.isdigit()) and (w.lower() not in _NOT_NAME or w.lower() in _REGIONS)
                                   for w in words)


def _span_len(text: str, start: int, phrase: str) -> int:
    """Length in the text of a phrase whose whitespace may have been normalised."""
    pos = start
    for word in phrase.split():
        found = text.find(word, pos)
        if found < 0:
            return len(phrase)
        pos = found + len(word)
    return pos - start


def _span_at(spans: list[_Span], pos: int) -> _Span | None:
    for span in spans:
        if span.start == pos:
            return span
    return None


def _span_ending_at(spans: list[_Span], pos: int, text: str) -> _Span | None:
    """The organisation or country right before a title: "US Central Command commander", "Iraq's"."""
    head = text[:pos]
    m = re.search(rf"(?:['’]s)?\s+{_MODIFIERS}$", head, re.I)
    cut = m.start() if m else pos
    best = None
    for span in spans:
        if span.end == cut and span.kind != "Person":
            best = span
    return best


def _make_post(title: PostTitle, org: _Span | None) -> Post:
    if org is None:
        return Post(title=title.title)
    known = org.known
    mention = Mention(kind=org.kind, name=org.name, start=org.start, end=org.end,  # type: ignore[arg-type]
                      key=("country:" if org.kind == "Country" else "org:") + normalise_name(org.canonical),
                      canonical=known.name if known else org.qualified, wikidata=known.wikidata if known else None,
                      country=org.country)
    return Post(title=title.title, org=mention)


def extract(document: Document, gazetteer: Gazetteer | None = None, ner: NerModel | None = None) -> Extraction:
    """Extract mentions and relations from one document with the rules.

    Args:
        document: the article.
        gazetteer: the tables to use; the shipped ones by default.
        ner: an optional statistical model (:func:`kg.extract.ner.load_ner`) whose person and
            organisation names are added where the rules found none; the rules still decide relations.

    Returns:
        The mentions (entities keyed inside the document) and the relation mentions, in text order.

    >>> from kg.model import Document
    >>> doc = Document(id="d1", text="US Central Command commander General Frank McKenzie spoke.")
    >>> [(r.kind, r.subject.name, r.object.canonical if r.object else r.post.label)
    ...  for r in extract(doc).relations]
    [('holds', 'Frank McKenzie', 'Commander of US Central Command'), ('headOf', 'Frank McKenzie', 'US Central Command')]
    """
    reader = _Reader(document, gazetteer or load_gazetteer())
    statistical = ner.spans(document.text) if ner is not None else []
    for s_start, s_end in split_sentences(document.text):
        known = reader.known_spans(s_start, s_end)
        orgs = reader.pattern_orgs(s_start, s_end, known)
        orgs += reader.generic_orgs(s_start, s_end, known, orgs)
        nonperson = _merge(orgs, known)
        persons = reader.person_spans(s_start, s_end, nonperson)
        persons += _apposition_persons(reader, s_start, s_end, nonperson + persons)
        persons += _untitled_persons(reader, s_start, s_end, nonperson + persons)
        if statistical:
            added = _ner_spans(reader, statistical, s_start, s_end, nonperson + persons)
            nonperson = sorted(nonperson + [a for a in added if a.kind != "Person"], key=lambda x: x.start)
            persons += [a for a in added if a.kind == "Person"]
        nonperson = sorted(nonperson + reader.known_as_orgs(s_start, s_end, nonperson + persons), key=lambda x: x.start)
        nonperson = sorted(nonperson + reader.coreferent_orgs(s_start, s_end, nonperson + persons), key=lambda x: x.start)
        reader.organisations += [o for o in nonperson if o.kind not in ("Country", "Person")]
        lead = re.match(r"\s*(?:The\s+)?", document.text[s_start:s_end])
        reader.subject_starts.add(s_start + (lead.end() if lead else 0))
        for person in persons:
            reader.apposition_posts(person, s_end, nonperson + persons)
            reader.remember(person)
        persons += reader.coreferent_spans(s_start, s_end, nonperson + persons)
        for person in persons:
            reader.predicate_posts(person, s_end, nonperson + persons)
        spans = sorted(nonperson + persons, key=lambda s: s.start)
        for span in spans:
            reader.mentions.append(reader._mention(span))
        first = len(reader.relations)
        for person in persons:
            for post, conf, rule, modality in person.posts:
                # A title is the article's own description of the person: the clause's negation or
                # plan ("has no plans", "will visit") does not reach it.
                reader._post_relation(person, post, s_start, s_end, conf, modality, rule)
        reader.verb_relations(s_start, s_end, spans)
        reader.troop_relations(s_start, s_end, spans)
        reader.remember_bases(s_start, s_end, spans)
        first_person = min(persons, key=lambda p: p.start) if persons else None
        reader.last_subject = reader.person_named(first_person.refers_to or first_person.name) if first_person else None
        reader.succession(s_start, s_end, persons, first, spans)
        countries = [k for k in known if k.known and k.known.kind == "Country"]
        if countries:
            for country in countries:
                count, seen, entity = reader.country_counts.get(country.known.name, (0, country.start, country.known))
                reader.country_counts[country.known.name] = (count + 1, seen, entity)
    mapping = _person_key_map(reader)
    return Extraction(document=document,
                      mentions=[_rekey_mention(mapping, m) for m in reader.mentions],
                      relations=[_rekey(mapping, r) for r in reader.relations])


@lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    """The relation patterns, compiled once: they embed the large rank and title alternations, and
    the ``re`` module's own cache is flushed by every article's coreference pattern."""
    return re.compile(pattern, flags)


def _fullmatch(pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
    return _compiled(pattern, flags).fullmatch(text)


@lru_cache(maxsize=4)
def _apposition_patterns(posts: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compiled once per gazetteer: too large to leave to the ``re`` module's small cache."""
    full = re.compile(rf"(?<![\w\-’'])({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}}{_SUFFIX}?)"
                      rf"(?=\s*,\s*(?:\d+,\s*)?(?:who\s+is\s+|now\s+)?(?:the\s+|a\s+|an\s+)?(?:former\s+)?(?:[\w'’\-]+\s+){{0,4}}?(?:{posts})"
                      rf"|\s+(?:said|says|told|added|announced|wrote|tweeted)\b)")
    lone = re.compile(rf"(?<![\w\-’'.])({_NAME_TOKEN})(?=\s*,\s*the\s+(?:(?:former|current|new)\s+)?"
                      rf"(?:{posts})(?![\w\-]))")
    return full, lone


def _apposition_persons(reader: _Reader, start: int, end: int, taken: list[_Span]) -> list[_Span]:
    """Untitled full names that an apposition or a reporting verb marks as persons."""
    text = reader.text
    found: list[_Span] = []
    pattern, lone = _apposition_patterns(reader.gazetteer.post_re.pattern)
    for m in pattern.finditer(text, start, end):
        a, b = m.start(1), m.end(1)
        if any(t.start < b and a < t.end for t in taken + found):
            continue
        name = reader._clean_name(m.group(1), taken, a)
        if not name or len(name.split()) < 2 or name != m.group(1):
            continue
        if any(w.lower() in _NOT_NAME for w in name.split()):
            continue
        found.append(_Span("Person", name, a, a + len(name)))
    # "Esper, the defense secretary, said": a lone family name, when the apposition is a post title
    for m in lone.finditer(text, start, end):
        a, b = m.start(1), m.end(1)
        word = m.group(1)
        if any(t.start < b and a < t.end for t in taken + found) or word.lower() in _NOT_NAME \
                or reader.gazetteer.lookup(word) or word in _ORG_HEADS or len(word) < 3:
            continue
        found.append(_Span("Person", word, a, b))
    return found


def _untitled_persons(reader: _Reader, start: int, end: int, taken: list[_Span]) -> list[_Span]:
    """Untitled names that start with a known given name ("Kathleen Hicks", "Li Shangfu"): two to
    four name words, none of them a place, an organisation or a word that ends names."""
    found: list[_Span] = []
    given = reader.gazetteer.given_names
    for m in _UNTITLED_NAME.finditer(reader.text, start, end):
        words = m.group(1).split()
        # "Yesterday Heather Wilson": the name starts at the given name; "with Rustem Umerov" after a
        # replacement names the successor whatever the given name
        lead = next((i for i, w in enumerate(words[:-1]) if w in given), None)
        successor = re.search(r"\b(?:replac(?:ed|es|ing)\b[^.;]{1,80}?\bwith|(?:replaced|succeeded)\s+by|"
                              r"replac(?:ed|es|ing)|succeed(?:ed|s|ing)|took\s+over\s+from|takes\s+over\s+from|"
                              r"(?:predecessor|successor|counterpart),)\s+$",
                              reader.text[max(start, m.start() - 120):m.start()])
        if lead is None and not successor:
            continue
        a = m.start(1) + sum(len(w) + 1 for w in words[:lead or 0])  # the name from the given name on
        b = m.end(1)
        if any(t.start < b and a < t.end for t in taken + found):
            continue
        raw = reader.text[a:b]
        name = reader._clean_name(raw, taken, a)
        if not name or len(name.split()) < 2 or name != raw:
            continue  # "Hamid Karzai International Airport": the name of a place, not a person
        words = name.replace(",", "").split()
        if any(w.lower().rstrip(".") in _NOT_NAME or w in _ORG_HEADS for w in words):
            continue
        if any(reader.gazetteer.lookup(w) for w in words[1:]):
            continue
        found.append(_Span("Person", name, a, a + len(name)))
    return found


def _ner_spans(reader: _Reader, found: list[NerSpan], start: int, end: int, taken: list[_Span]) -> list[_Span]:
    """The statistical model's names inside [start, end) that overlap nothing the rules found.

    Persons need two name words (a lone "Hicks" is left to coreference) and are cleaned like rule
    names; an organisation the gazetteer knows is never re-proposed under another name.
    """
    spans: list[_Span] = []
    for ner in found:
        if ner.start < start or ner.end > end or any(t.start < ner.end and ner.start < t.end for t in taken):
            continue
        text = re.sub(r"['’]s$", "", ner.text.strip())
        if ner.kind == "Person":
            name = reader._clean_name(text, taken, ner.start)
            if not name or len(name.split()) < 2 or not all(w[:1].isupper() for w in name.split()[:1]):
                continue
            spans.append(_Span("Person", name, ner.start, ner.start + len(name)))
        else:
            name = re.sub(r"^(?:the|The)\s+", "", text)
            known_tokens = {t for p in reader.persons for t in p.tokens}
            if not name[:1].isupper() or reader.gazetteer.lookup(name) or len(name.split()) < 2 \
                    or known_tokens & set(name.split()) or reader.gazetteer.post_re.match(name) \
                    or reader.gazetteer.rank_re.match(name):
                continue  # one word ("Defense") or a person's name ("White") is too often a wrong label
            a = ner.start + text.index(name)
            spans.append(_Span("Organization", name, a, a + len(name)))
    return spans


def _merge(orgs: list[_Span], known: list[_Span]) -> list[_Span]:
    """Pattern organisations win over the gazetteer spans they contain ("Iraqi Army" over "Iraqi")."""
    kept = [k for k in known if not any(o.start <= k.start and k.end <= o.end for o in orgs)]
    return sorted(kept + orgs, key=lambda s: s.start)


def _person_key_map(reader: _Reader) -> dict[str, str]:
    """Surname-only and shorter keys -> the fullest name introduced anywhere in the document."""
    mapping: dict[str, str] = {}
    for person in reader.persons:
        for variant in {person.key, person.name}:
            mapping["person:" + normalise_name(variant)] = "person:" + normalise_name(person.name)
    for person in reader.persons:
        if len(person.tokens) == 1:
            longer = [p for p in reader.persons if len(p.tokens) > 1 and p.tokens[-1] == person.tokens[0]]
            if len(longer) == 1:
                mapping["person:" + normalise_name(person.name)] = "person:" + normalise_name(longer[0].name)
    return mapping


def _rekey_mention(mapping: dict[str, str], mention: Mention) -> Mention:
    if mention.kind != "Person":
        return mention
    key = mapping.get(mention.key, mention.key)
    while key in mapping and mapping[key] != key:
        key = mapping[key]
    return replace(mention, key=key)


def _rekey(mapping: dict[str, str], relation: RelationMention) -> RelationMention:
    subject = _rekey_mention(mapping, relation.subject)
    obj = _rekey_mention(mapping, relation.object) if relation.object else None
    return replace(relation, subject=subject, object=obj)
