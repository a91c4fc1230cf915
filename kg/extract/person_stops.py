"""What a capitalised run that looks like a person's name may really be: a ship ("USS Ralph
Johnson"), a place ("Abu Dhabi", "Brandon, Fla."), a body or a thing ("Technical Center",
"Lockheed Martin Missiles"), a nickname in quotes ("Sun Kings"), a word cut off before a hyphen
("Major Non-NATO Ally"). The person rules ask these checks before they keep a name."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.gazetteer import UPPER, fold
from kg.extract.lexicon import words
from kg.extract.patterns import NOT_NAME

#: Words no person's name holds ("Center", "Emeritus", "Manager").
NOT_PERSON = words("not_person.txt")
#: Places that read like a person's name, and the US states with their abbreviations (lower case).
PLACES = words("places.txt")
#: The word right before a ship's name: a navy's prefix ("USS") or a kind of ship ("the carrier").
_SHIP_WORDS = frozenset((
    "USS", "USNS", "USCGC", "HMS", "HMCS", "HMAS", "HMNZS", "INS", "FS", "ROKS", "JS", "TCG", "ARA", "BNS", "PNS",
    "KRI", "RSS", "HNLMS", "HDMS", "HNoMS", "HSwMS", "ORP", "ITS", "ESPS", "NRP", "FGS", "RFS", "MV", "carrier",
    "destroyer", "cruiser", "frigate", "corvette", "submarine", "warship", "ship", "vessel", "tanker", "freighter"))
_HULL_AFTER = re.compile(r"\s*\((?:[A-Z]{1,5}[\s\-]?\d{1,4})\)")
_QUOTE_BEFORE = re.compile(r"[“\"‘]$")
_QUOTE_AFTER = re.compile(r"[”\"’](?!s\b)")
_NEXT_WORD = re.compile(rf"\s+([{UPPER}][\w’'\-]*)")
_PLACE_AFTER = re.compile(rf",\s+((?:[{UPPER}][\w.’'\-]*\s?){{1,4}})(?=\s*(?:[,;:)]|\.(?:\s|$)|$))")
_WINDOW = 40


def not_a_person(ctx: Context, a: int, b: int, tokens: list[str]) -> bool:
    """Whether the name ``tokens`` at [a, b) is shown by its words or its neighbours to be no person.

    A ship's name is remembered, so that "Ralph Johnson" alone later in the article is no person either.
    """
    text = ctx.text
    if any(t.lower().strip(",.") in NOT_PERSON for t in tokens) or is_place(tokens):
        return True
    if " ".join(tokens) in ctx.memory.not_persons:
        return True
    if b < len(text) and (text[b] == "-" or text[b].isalnum()):
        return True  # "Major Non-NATO Ally": the run is cut inside a word
    before = text[max(0, a - _WINDOW):a].split()[-1:]
    if (before and before[0] in _SHIP_WORDS) or _HULL_AFTER.match(text, b):
        ctx.memory.not_persons.update((" ".join(tokens), tokens[-1]))
        return True
    return False


def is_place(tokens: list[str]) -> bool:
    """Whether the name is, or begins with, a place that reads like a name ("Abu Dhabi Airport")."""
    low = [t.lower().strip(",") for t in tokens]
    return any(" ".join(low[:n]) in PLACES for n in range(1, len(low) + 1))


def in_quotes(text: str, a: int, b: int) -> bool:
    """“Sun Kings”: a quoted capitalised run is a nickname or a title, not a person introduced."""
    return bool(_QUOTE_BEFORE.search(text, max(0, a - 1), a)) and bool(_QUOTE_AFTER.match(text, b))


def run_goes_on(text: str, b: int, end: int) -> bool:
    """The capitalised run goes on past the name ("Ronald Reagan Ballistic Missile Defense Test
    Site"): the name is part of a longer one, a place's or a body's."""
    m = _NEXT_WORD.match(text, b, end)
    return m is not None and m.group(1).lower().rstrip(".") not in NOT_NAME


def place_follows(ctx: Context, b: int, end: int) -> bool:
    """"Manama, Bahrain;" / "Brandon, Fla.,": a name followed by a country or a US state is a place."""
    m = _PLACE_AFTER.match(ctx.text, b, end)
    if m is None:
        return False
    place = m.group(1).strip()
    found = ctx.gazetteer.lookup(place)
    return (found is not None and found[0].kind == "Country" and not found[1]) or fold(place) in PLACES
