"""Patterns shared by several rule families: name tokens, capitalised runs, modifiers, word lists.

Each family keeps its own rules; what lives here is the vocabulary they all read names with.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.gazetteer import UPPER
from kg.extract.lexicon import alternation, table, words

LOWER = "a-zß-öø-ÿāćčđēęğıłńōőœřśşšţūűźżž"
NAME_TOKEN = (rf"(?!(?:Jr|Sr|II|III|IV)\b)(?:(?:al|el|Al|El|ad|ash|as|bin|bint|ibn|abu|de|van|von|der|den|da|di|du|"
              rf"del|dos|das|la|le)[\-\s]+){{0,2}}"
              rf"(?:[{UPPER}][{LOWER}]+(?:[{UPPER}][{LOWER}]+)*(?:[\-’'](?!s\b)[{UPPER}]?[{LOWER}]+)*(?![\w])"
              rf"|(?:[{UPPER}]\.){{2,3}}(?=\s+[{UPPER}][{LOWER}])"  # "J.D. Vance"
              rf"|[{UPPER}]\.?(?=\s)|[A-Z]{{2}}(?=\s+[{UPPER}][{LOWER}]))")  # "JP McGee", "CQ Brown"
SUFFIX = r"(?:,?\s+(?:Jr\.?|Sr\.?|II|III|IV)(?![\w]))"
#: A nickname in quotes or brackets after the first name: John “J.D.” Doe, Phillip (Phil) A. Doe.
NICKNAME = (rf"(?:[“\"‘][{UPPER}][\w.\-]{{0,14}}(?:\s[{UPPER}][\w.\-]{{0,14}})?[”\"’]"
            rf"|\([{UPPER}][{LOWER}]{{1,14}}\))(?=\s)")
NAME_RE = re.compile(rf"{NAME_TOKEN}(?:\s+{NICKNAME})?(?:\s+{NAME_TOKEN}){{0,4}}{SUFFIX}?")
SUFFIX_RE = re.compile(rf"{SUFFIX}$")

#: Capitalised words that end a name: they start a clause, date a sentence, or name a thing.
NOT_NAME = words("not_name.txt")
#: Region words that may follow an organisation's head word ("Army Europe").
REGIONS = words("regions.txt")
#: The head words that end an organisation's name, and the kind of organisation each makes.
ORG_HEADS = table("org_heads.tsv")
#: Bodies every country has ("general staff"): their owner must be found to name one.
GENERIC_ORGS = words("generic_orgs.txt")
ORG_STARTS = ("Task Force", "Joint Task Force", "Combined Joint Task Force", "Ministry of",
              "Department of", "Office of", "Operation")

CAP_WORD = rf"(?:(?:[A-Z]\.){{2,}}|[{UPPER}][\w’'\-–]*|\d+(?:st|nd|rd|th)?)"  # "U.S. Naval Forces Europe"
#: CAP_WORD as the first word of a run: the same alternatives behind one leading class, which lets
#: the regex engine skip to the next capital or digit instead of trying each alternative everywhere
_CAP_FIRST = rf"[{UPPER}\d](?:(?<=[A-Z])\.(?:[A-Z]\.)+|(?<=[{UPPER}])[\w’'\-–]*|(?<=\d)\d*(?:st|nd|rd|th)?)"
CAP_RUN = re.compile(rf"{_CAP_FIRST}(?:(?:\s+|\s+(?:of|for|and|the|de|du|al)\s+(?:the\s+)?|-|–|\s[-–]\s){CAP_WORD})*")

MODIFIERS = (r"(?:(?:acting|caretaker|interim|top|senior|new|newly\s+appointed|current|then|overall|regional|theater|"
             r"theatre|field|de\s+facto)\s+)*")
PAST_MODIFIERS = re.compile(r"\b(?:former|ex-|then-|outgoing|previous|late|erstwhile|onetime)\s*$", re.IGNORECASE)
PLANNED_MODIFIERS = re.compile(r"\b(?:incoming|designate|nominee|nominated|would-be|future)\s*$", re.IGNORECASE)

TROOP_NOUNS = alternation("troop_nouns.txt")
HEDGES = alternation("hedges.txt")

DASH = re.compile(r"[-–]")
POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])\s+")
#: dots that do not end a sentence: "U.S.", "Gen.", "Col.", "Lt."
ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){2,}|\b(?:Gen|Col|Lt|Maj|Brig|Adm|Capt|Cmdr|Cdr|Sgt|Cpl|Pvt|Spc|Rear|Vice|"
                          r"Mr|Mrs|Ms|Dr|St|Jr|Sr|No|Gov|Sen|Rep)\.")
TIME_PHRASE = re.compile(r"\s(?:on|last|this|next|earlier|later)\s+"
                         r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                         r"Sunday|week|month|year|(?:January|February|March|April|May|June|July|August|September|"
                         r"October|November|December)(?:\s+\d{1,2})?)(?=[\s,])")


def blank_time_phrases(text: str) -> str:
    """``text`` with its time phrases ("on Thursday") blanked out, offsets kept."""
    return TIME_PHRASE.sub(lambda t: " " * len(t.group()), text)


def looks_like_designation(words: list[str]) -> bool:
    """Words after a head that still belong to the name: "Task Force Iraq", "Army Europe"."""
    return len(words) <= 2 and all((w[:1].isupper() or w.isdigit())
                                   and (w.lower() not in NOT_NAME or w.lower() in REGIONS)
                                   for w in words)


@lru_cache(maxsize=512)
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern compiled once: rule patterns embed the large rank and title alternations, and the
    ``re`` module's own cache is too small for them."""
    return re.compile(pattern, flags)


def fullmatch(pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
    """``re.fullmatch`` through :func:`compiled`."""
    return compiled(pattern, flags).fullmatch(text)
