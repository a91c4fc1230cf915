"""Mention family (organisations): names of units that the head-word phrases miss. Ships ("USS
Nimitz (CVN 68)": the ship, its hull number kept out of the name), numbered units with their
abbreviation in brackets ("Destroyer Squadron (DESRON) 9" = "Destroyer Squadron 9"), the short
forms an article defines and then uses ("DESRON 23", "CVW-14", "MININT"), a battalion or squadron
named with its regiment ("2nd Battalion, 5th Infantry Regiment"), and a region after a comma
("Marine Corps Forces, Pacific")."""

from __future__ import annotations

import re
from bisect import insort

from kg.extract.context import Context
from kg.extract.lexicon import table
from kg.extract.patterns import REGIONS
from kg.extract.rule import Rule, register
from kg.extract.spans import Span

_SHIP_PREFIXES = (r"USS|USNS|USCGC|HMS|HMAS|HMCS|HMNZS|JS|INS|ROKS|FS|ITS|ESPS|HNLMS|HDMS|HNoMS|HSwMS|TCG|BRP|KRI|"
                  r"PNS|NRP|SPS|RFS|ARA|BAP|KD|RSS|HTMS|BNS|SLNS|CNS")
_HULL = r"\((?P<hull>[A-Z]{1,5}(?:-[A-Z]{1,4})?[\s\-]?\d{1,4})\)"
_SHIP_WORD = r"(?:[A-Z][a-z][\w’'\-]*|[A-Z]\.)"
_NUMBER_WORD = (r"(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|Thirteen|Fourteen|Fifteen|"
                r"Sixteen|Seventeen|Eighteen|Nineteen|Twenty|Zero)")
_UNIT_WORD = r"(?:(?![\w’'\-]*-based\b)[A-Z][\w’'\-]*)"
_ORDINAL_UNIT = r"\d+(?:st|nd|rd|th)\s+(?:Battalion|Squadron)"
_REGIMENT = (r"\d+(?:st|nd|rd|th)\s+(?:[A-Z][\w\-]*\s+){0,3}?(?:Regiment|Infantry|Cavalry|Marines|Field\s+Artillery|"
             r"Air\s+Defen[cs]e\s+Artillery|Armou?r|Engineers?|Aviation)(?:\s+Regiment)?")

RULES = register(
    Rule("unit-ship", "organisations", "Organization", (
        rf"\b(?=[A-Z]{{2}})(?P<prefix>{_SHIP_PREFIXES})\s+(?P<name>{_SHIP_WORD}(?:\s+{_SHIP_WORD}){{0,3}})(?:\s+{_HULL})?",),
         1.0, "none",
         ("The destroyer [USS Halvorsen] (DDG 131) left port.", "She sailed with [HMS Larchmont] in May.",
          "The frigate refuelled from [USNS Brennan].",
          "USS Anna Wexford (DDG 140) sailed. Alongside [Anna Wexford], two frigates left."),
         ("The USS program office said [Halvorsen] would sail.",
          "USS Anna Wexford (DDG 140) sailed. Admiral [Anna Wexford] watched.",
          "USS Halvorsen (DDG 140) sailed. The [Halvorsen]-class design is old."), flags=0),
    Rule("unit-numbered-abbreviation", "organisations", "Organization", ((
        rf"(?P<name>(?![\w’'\-]*-based\b)[A-Z][\w’'\-]*(?:\s+{_UNIT_WORD}){{0,6}}?)\s+\((?P<abbr>[A-Z][A-Za-z&]{{1,7}})\)\s+"
        rf"(?P<num>\d{{1,4}}|{_NUMBER_WORD})(?![\w\-])"),), 1.0, "none",
         ("Sailors of [Destroyer Squadron (DESRON) 14] came aboard.",
          "The jets of [Patrol Squadron (VP) 41] landed."),
         ("Sailors of the destroyer squadron (DESRON) [14] came aboard.",), flags=0),
    Rule("unit-abbreviation-used", "organisations", "Organization", (
        r"(?<![\w\-])(?P<abbr>[A-Z][A-Z&]{1,7})(?:(?P<sep>[\s\-])(?P<num>\d{1,4}))?(?![\w\-])",), 1.0, "none",
         ("Patrol Squadron (VP) 41 landed. Later [VP-42] landed too.",
          "The Maritime Defence Directorate (MDD) met. [MDD] said nothing.",
          "Officers of the Maritime Defence Directorate (MDD) and of [MDD]'s harbour office met.",
          "The Halvorsen Carrier Strike Group sailed. [HALCSG] includes two destroyers."),
         ("Patrol Squadron (VP) 41 landed. The [VPN] was down.",
          "The Halvorsen Carrier Strike Group sailed. [HALCG] includes two destroyers."), flags=0),
    Rule("org-acronym-described", "organisations", "Organization", (
        (r"(?=[Tt]he\s+[A-Z]{2})\b[Tt]he\s+(?P<name>[A-Z]{2,6})\s+(?:[a-z][\w\-]*\s+){0,3}?(?:agency|service|directorate|unit|command|"
         r"ministry|militia|brigade|battalion|regiment|force)\b"),), 1.0, "none",
         ("Officers of the [HMI] military intelligence agency were present.",),
         ("Officers of the [HMI] were present.",), flags=0),
    Rule("unit-with-regiment", "organisations", "Organization",
         (rf"(?=\d)(?<![\w\-])({_ORDINAL_UNIT}),\s+({_REGIMENT})\b",),
         1.0, "none",
         ("Soldiers of the [2nd Battalion, 14th Infantry Regiment] trained.",),
         ("Soldiers of the 2nd Battalion, and [the 14th] trained.",), flags=0),
)
_SHIP, _NUMBERED, _USED, _WITH_REGIMENT, _DESCRIBED = (RULES[k].compiled[0] for k in (
    "unit-ship", "unit-numbered-abbreviation", "unit-abbreviation-used", "unit-with-regiment", "org-acronym-described"))
#: Well-known unit abbreviations ("CVW" = "Carrier Air Wing"); an article's own definition wins.
UNIT_ABBREVIATIONS = table("unit_abbreviations.tsv")
_DEFINED = re.compile(r"\s*\((?P<abbr>[A-Z][A-Za-z&]*[A-Z](?:[\s\-][A-Z\d]+)?)\)")
_NAMED_GROUP = re.compile(r"(?<![\w\-])(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?P<abbr>[A-Z]{2,5})$")
#: what a sentence needs before short forms are looked for, while the article has defined none
#: (its first capital comes before the lookarounds, so that the regex engine skips to capitals)
_MAY_USE = re.compile(r"[A-Z](?<![\w\-][A-Z])(?=[A-Z])(?:[A-Z&]{1,7}[\s\-]\d|(?:"
                      + "|".join(f"(?<={a[0]}){a[1:]}" for a, stem in UNIT_ABBREVIATIONS.items()
                                 if stem.endswith("Group")) + r")\b)")
_LEAD = re.compile(r"(?:The|A|An)\s+")
_NUMBERS = {w: str(i) for i, w in enumerate(("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven",
                                             "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen",
                                             "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen", "Twenty"))}
_SHIP_PREFIX_WORDS = tuple(p + " " for p in _SHIP_PREFIXES.split("|"))
_LONGER_NAME = re.compile(r"[\w\-]|\s+[A-Z0-9]")
_WORD_BEFORE = re.compile(r"([\w.]+)\s+$")
_DETACHMENT = re.compile(r",\s+((?:Det\.|Detachment)\s+\d+)(?![\w\-])")
#: "the U.S. Army Corps of Engineers, Detroit District": a district named after the body it belongs to
_DISTRICT_AFTER = re.compile(r",\s+((?:[A-Z][a-z]+\s+){1,2}(?:District|Field\s+Office))(?=\s*[,.;)]|\s+[a-z])")
_REGION_AFTER = re.compile(r",\s+([A-Z][a-z]+)(?=[.,;:)]|\s+[a-z(]|$)")


def unit_spans(ctx: Context, start: int, end: int, known: list[Span]) -> list[Span]:
    """Ships, bracketed-abbreviation units, defined short forms and battalion-regiment names."""
    text = ctx.text
    spans: list[Span] = []
    for m in ctx.matches("unit-with-regiment", _WITH_REGIMENT, start, end):
        spans.append(Span("MilitaryUnit", f"{m.group(1)}, {' '.join(m.group(2).split())}", m.start(), m.end()))
    for m in ctx.matches("unit-ship", _SHIP, start, end):
        name = f"{m.group('prefix')} {' '.join(m.group('name').split())}"
        if _free(spans, m.start(), m.end()):  # the hull number stays out of the name and the span
            spans.append(Span("MilitaryUnit", name, m.start(), m.end("name")))
    spans += _ship_short_names(ctx, start, end, spans + known)
    for ship in spans:
        if ship.name.startswith(_SHIP_PREFIX_WORDS):
            ctx.memory.abbreviations.setdefault("ship " + ship.name.split(" ", 1)[1], ship)
    for m in ctx.matches("org-acronym-described", _DESCRIBED, start, end):
        if _free(spans + known, m.start("name"), m.end("name")):
            described = m.group().endswith(("agency", "service", "directorate", "ministry"))
            spans.append(Span("GovernmentBody" if described else "MilitaryUnit", m.group("name"), m.start("name"),
                              m.end("name")))
    if "(" in text[start:end]:
        spans += _bracketed(ctx, start, end, spans)
    if ctx.memory.abbreviations or _MAY_USE.search(text, start, end):
        spans += _used(ctx, start, end, known, spans)
    return sorted(spans, key=lambda s: s.start)


def _ship_short_names(ctx: Context, start: int, end: int, found: list[Span]) -> list[Span]:
    """"USS Halvorsen (DDG 131) ... Alongside Halvorsen, ...": a ship named before, without its prefix."""
    spans: list[Span] = []
    text = ctx.text
    g = ctx.gazetteer
    for key, ship in ctx.memory.abbreviations.items():
        if not key.startswith("ship ") or not isinstance(ship, Span):
            continue
        bare = key[5:]
        at = text.find(bare, start, end)
        while at >= 0:
            b = at + len(bare)
            before = _WORD_BEFORE.search(text, max(start, at - 30), at)
            titled = before is not None and any(r.fullmatch(before.group(1)) for r in (g.rank_re, g.post_re,
                                                                                       g.honorific_re))
            longer = _LONGER_NAME.match(text, b) is not None  # "the Halvorsen Strike Group", "Halvorsen-class"
            if not longer and not text[at - 1:at].isalnum() and not titled and _free(found + spans, at, b):
                spans.append(Span("MilitaryUnit", bare, at, b, qualified=ship.name))
            at = text.find(bare, b, end)
    return spans


def _free(spans: list[Span], a: int, b: int) -> bool:
    return not any(t.start < b and a < t.end for t in spans)


def _bracketed(ctx: Context, start: int, end: int, found: list[Span]) -> list[Span]:
    """"Destroyer Squadron (DESRON) 9": the unit, and "DESRON" as the stem of later short forms."""
    text = ctx.text
    spans: list[Span] = []
    for m in _NUMBERED.finditer(text, start, end):
        a = m.start("name")
        lead = _LEAD.match(text, a)
        a = lead.end() if lead else a
        stem = " ".join(text[a:m.end("name")].split())
        if not _free(found + spans, a, m.end()) or not stem:
            continue
        ctx.memory.abbreviations.setdefault(m.group("abbr"), stem)
        spans.append(Span("MilitaryUnit", f"{stem} {_NUMBERS.get(m.group('num'), m.group('num'))}", a, m.end()))
    return spans


def _used(ctx: Context, start: int, end: int, known: list[Span], found: list[Span]) -> list[Span]:
    """Short forms the article defined before ("DESRON 23", "MININT"), well-known unit
    abbreviations with their number ("CVW-17"), and groups named after their ship ("Nimitz CSG")."""
    spans: list[Span] = []

    def free(m: re.Match[str]) -> bool:
        return not any(t.start < m.end() and m.start() < t.end for t in found + known + spans)

    used = ctx.matches("unit-used", _USED, start, end)
    for abbr in used:
        stem = _stem(ctx, abbr.group("abbr")) if not abbr.group("num") else None
        m = _NAMED_GROUP.search(ctx.text, max(start, abbr.start() - 40), abbr.end()) if stem else None
        if stem is not None and stem.endswith("Group") and m is not None and m.end() == abbr.end() and free(m):
            spans.append(Span("MilitaryUnit", m.group(), m.start(), m.end(), qualified=f"{m.group('name')} {stem}"))
    for m in used:
        if free(m):
            span = _short_form(ctx, m)
            if span is not None:
                spans.append(span)
    return spans


def _stem(ctx: Context, abbr: str) -> str | None:
    """The name an abbreviation of a numbered unit stands for: the article's, else the list's."""
    stem = ctx.memory.abbreviations.get(abbr)
    return stem if isinstance(stem, str) else UNIT_ABBREVIATIONS.get(abbr)


def _short_form(ctx: Context, m: re.Match[str]) -> Span | None:
    whole = ctx.memory.abbreviations.get(m.group())
    if isinstance(whole, Span):
        return Span(whole.kind, m.group(), m.start(), m.end(), known=whole.known,
                    qualified=whole.qualified or whole.name, country=whole.country)
    stem = _stem(ctx, m.group("abbr")) if m.group("num") else None
    if stem is None:
        return None
    return Span("MilitaryUnit", m.group(), m.start(), m.end(), qualified=f"{stem} {m.group('num')}")


def define_abbreviations(ctx: Context, start: int, end: int, spans: list[Span]) -> None:
    """"the Maritime Defence Directorate (MDD)": later sentences may name it "MDD", and so may the rest
    of this one (the uses found are added to ``spans``, in order). A long name also implies the acronym
    news writing forms from it without defining it: "Halvorsen Carrier Strike Group" -> "HALCSG"."""
    text = ctx.text
    defined = False
    for span in spans:
        if span.kind in ("Person", "Country") or span.known is not None:
            continue
        m = _DEFINED.match(text, span.end, end)
        if m and m.group("abbr") not in ctx.memory.abbreviations:
            ctx.memory.abbreviations[m.group("abbr")] = span
            defined = True
    for span in spans:
        for implied in _implied_acronyms(span.name) if span.kind not in ("Person", "Country") else ():
            ctx.memory.abbreviations.setdefault(implied, span)
    if defined:
        for used in _used(ctx, start, end, [], spans):
            if text[used.start - 1:used.start] != "(":  # the definition itself is no use
                insort(spans, used, key=lambda x: x.start)


def _implied_acronyms(name: str) -> tuple[str, ...]:
    """"Nimitz Carrier Strike Group" -> NIMCSG (the first word's first three letters and the initials of
    the rest); "U.S. Army Space and Missile Defense Command" -> USASMDC (the initials of four or more
    words, "U.S." giving its letters, "and" and "of" none)."""
    words = [w for w in name.split() if w not in _SMALL_WORDS]
    letters = []
    for w in words:
        if _DOTTED.fullmatch(w):
            letters.append(w.replace(".", ""))
        elif w.isalpha() and w[:1].isupper() and w[1:].islower():
            letters.append(w[0])
        else:
            return ()
    found: tuple[str, ...] = ()
    if len(words) >= 3 and words[0][1:].islower():
        found = (words[0][:3].upper() + "".join(letters[1:]),)
    return found + ("".join(letters),) if len(words) >= 4 else found


_SMALL_WORDS = frozenset({"and", "of", "the", "for"})
_DOTTED = re.compile(r"(?:[A-Z]\.){2,3}")


_DISTRICT_OWNERS = ("MilitaryUnit", "GovernmentBody", "ArmedForces")


def with_region(ctx: Context, spans: list[Span], end: int) -> None:
    """"Marine Corps Forces, Pacific": a region word after a comma belongs to the name; a district
    after a comma ("the Corps of Engineers, Detroit District") is a body of its own, added to ``spans``."""
    text = ctx.text
    for span in list(spans):
        district = _DISTRICT_AFTER.match(text, span.end, end) if span.kind in _DISTRICT_OWNERS else None
        if district and _free(spans, district.start(1), district.end(1)):
            spans.append(Span("MilitaryUnit", " ".join(district.group(1).split()), district.start(1), district.end(1)))
        if span.kind in ("Person", "Country") or span.known is not None:
            continue
        m = _DETACHMENT.match(text, span.end, end) or _REGION_AFTER.match(text, span.end, end)
        if m and (m.group(1).lower() in REGIONS or m.group(1).startswith("Det")):
            span.name = f"{span.name}, {m.group(1)}"
            span.end = m.end()
