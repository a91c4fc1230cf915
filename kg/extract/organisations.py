"""Mention family: organisations and countries. The gazetteer's known names and capitalised phrases
ending in a head word ("Iraqi Counter Terrorism Service"); the lower-case national bodies ("the
country's army") tied to their country are :mod:`kg.extract.national`'s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from kg.extract.context import Context
from kg.extract.national import qualify
from kg.extract.patterns import (
    CAP_RUN,
    DASH,
    GENERIC_ORGS,
    ORG_HEADS,
    ORG_STARTS,
    looks_like_designation,
)
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, span_at, span_len

RULES = register(
    Rule("org-known", "organisations", "Organization", (), 1.0, "none",
         ("A spokesman for [US Central Command] declined to comment.", "[CENTCOM] declined to comment."),
         ("The [central command post] was quiet.",)),
    Rule("org-head-word", "organisations", "Organization", (CAP_RUN.pattern,), 1.0, "none",
         ("The [Harbour Defence Command] issued a statement.", "Soldiers from [Task Force Lantern] left.",
          "PORT ELLIS – The [Harbour Defence Command] awarded a contract.",
          "PORT ELLIS, Ore. – One of the [Harbour Defence Command]'s officers spoke.",
          "As [Harbour Defence Command] grows, it hires more staff."),
         ("The [Harbour] was quiet.",), flags=0),
)
_HEAD_WORD_RUN = RULES["org-head-word"].compiled[0]
_LEADING_COUNT = re.compile(r"\d[\d,.]*\s+")
#: "DETROIT – The U.S. Army Corps of Engineers": a dateline in capitals before a dash is no part of a name
_NATIONAL_MINISTRY = re.compile(r"(?:[A-Z][\w\-]*\s+){1,2}Ministry\s+of\s")
_DATELINE, _DASHES = re.compile(r"(?:[A-Z][A-Z.'’\-]+,?\s+)+[-–—]\s+"), ("-", "–", "—")
_CONJUNCT = re.compile(r"\s+and\s+(?:the\s+)?([\w.’'\- ]+)$")
_LEAD_ARTICLE = re.compile(r"(?:The|A|An)\s+")
_LEAD_ADJECTIVE = re.compile(r"(?:New|Former|Top|Senior|Acting|Interim|Outgoing|Incoming)\s+(?=[A-Z])")  # headlines
_OWNER = re.compile(r"([\w.\- ]+?)(?:['’]s|(?<=s)['’])\s+")
_UNIT_OF_UNIT = re.compile(r"((?:\d+(?:st|nd|rd|th)|[A-Z][\w\-]*)\s+(?:[A-Z][\w\-]*\s+){0,3}?"
                           r"(?:Battalion|Squadron|Company|Platoon|Battery|"
                           r"Regiment|Brigade|Group|Wing|Division|Detachment|Flight))\s+of\s+(?:the\s+)?(?=\d|(?:[A-Z][\w\-]*\s+){0,3}"
                           r"(?:Division|Corps|Army|Fleet|Command|Brigade|Regiment|Wing|Forces|Force)\b)")
# "the Department of the Treasury's Office of ...": the owner is a body though its last word is no head word
_HEADED_OWNER = re.compile(r"(?:U\.S\.\s+|US\s+)?(?:Department|Ministry|Office|Bureau)\s+of\s+")
_BASED = re.compile(r"(?:[A-Z][\w’'.]*\s+)*[A-Z][\w’'.]*-based\s+(?=[A-Z])")  # "Norfolk-based Strike Fighter Squadron"
_FOR_ACRONYM = re.compile(r"\s+(?:for|of)\s+([A-Z]{4,})$")
_PERSON_OF = re.compile(r"((?:[A-Z][\w.’'\-]*\s+){2,5}?)of\s+(?:the\s+)?(?=[A-Z\d])")
#: "the 4th Infantry Division's commander"; "Military Staff of the" (cut before "President")
_TRAILING_ENDS = ("'s", "’s", "s'", "s’", " of", " for", " and", " the")
_TRAILING_POSSESSIVE = re.compile(r"(?:(?<=[a-z])['’]s|(?<=s)['’])$|(?:\s+(?:of|for|and|the))+$")
#: "REDSTONE ARSENAL, Ala. – One of the ...": the sentence's words start after the dateline's dash
_AFTER_DATELINE = re.compile(r"[A-Z]{2,}[^a-z]{0,40}(?:,\s+[A-Z][a-z]+\.?)?\s+[-–—]\s+$")
#: "As SPACECOM grows, ...": a conjunction that opens the sentence is no part of a name
_LEAD_CONJUNCTION = re.compile(r"(As|When|While|If|After|Before|Since|Although|Though|But|And|Because|Once|Until|"
                               r"Unlike|Like|Despite|Alongside)\s+(?=[A-Z])")
_LEAD_OF = re.compile(r"(?:The\s+)?([A-Z][a-z]+)\s+of\s+(?:the\s+)?(?=\S)")
# the small patterns of the per-run loops, compiled once rather than looked up in ``re``'s cache per run
_NEXT_WORD = re.compile(r"\s+([\w\-]+)")
_SPACE = re.compile(r"\s")
_AFTER_TITLE = re.compile(r"\s*(?:of\s+|for\s+)?(?:the\s+)?")
_OF_AFTER_TITLE = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?")
#: ORG_STARTS as whole words, for one ``startswith`` call rather than one per start
_ORG_START_WORDS = tuple(start + " " for start in ORG_STARTS)


def known_spans(ctx: Context, start: int, end: int) -> list[Span]:
    """The gazetteer's countries, demonyms and organisations in [start, end)."""
    spans = []
    for match in ctx.matches("surface", ctx.gazetteer.surface_re, start, end):
        found = ctx.gazetteer.lookup(match.group())
        if not found:
            continue
        entity, demonym = found
        spans.append(Span(entity.kind, match.group(), match.start(), match.end(), known=entity,
                          demonym=demonym, country=entity.name if entity.kind == "Country" else entity.country))
    return spans


def pattern_orgs(ctx: Context, start: int, end: int, known: list[Span]) -> list[Span]:
    """Capitalised phrases ending in an organisation head word ("Iraqi Counter Terrorism Service")."""
    spans = []
    for a, b in _runs(ctx, start, end):
        b = _cut_at_person(ctx, a, b)
        a = _after_person_of(ctx, a, b)
        a = _after_title(ctx, a, b)
        found = _org_phrase(ctx, a, b)
        if found is None:
            continue
        owner = _owner_span(ctx, a, found[0], known)
        if owner is not None:
            spans.append(owner)
        a, phrase, words, starts_like_org = found
        b = a + span_len(ctx.text, a, phrase)
        country = None
        for k in known:
            if k.start == a and k.known and k.known.kind == "Country":
                country = k.known.name
        if any(k.start <= a and b <= k.end for k in known if not k.demonym and k.known and k.known.kind != "Country"):
            continue
        span = Span(_org_kind(phrase, words, starts_like_org), phrase, a, b, country=country)
        if phrase.lower() in GENERIC_ORGS:
            qualify(ctx, span, known)
        spans.append(span)
    return spans


def _owner_span(ctx: Context, a: int, org_start: int, known: list[Span]) -> Span | None:
    """"the Harbour Command's 9th Brigade": the owner is an organisation of its own."""
    owner = _OWNER.fullmatch(ctx.text, a, org_start)
    if owner is None or any(k.start < org_start and a < k.end for k in known if k.kind != "Country"):
        return None
    found = _org_phrase(ctx, a, owner.end(1))
    if found is None:
        return None
    start, phrase, words, starts_like_org = found
    return Span(_org_kind(phrase, words, starts_like_org), phrase, start, start + span_len(ctx.text, start, phrase))


def _cut_at_person(ctx: Context, a: int, b: int) -> int:
    """A rank or title inside the run starts a person phrase: the run ends there."""
    text = ctx.text
    for anchor in (ctx.gazetteer.rank_re, ctx.gazetteer.post_re, ctx.gazetteer.honorific_re):
        for hit in ctx.finditer(anchor, a, b):
            head = _NEXT_WORD.match(text[hit.end():b])
            if head and head.group(1) in ORG_HEADS and not (anchor is ctx.gazetteer.post_re and " " in hit.group()):
                continue  # "the General Staff": a rank word naming a body, not a person ("Press Secretary Navy" is)
            # "Director-General", "Secretary General": a rank word inside a title is no person
            if hit.start() > a and text[hit.start()].isupper() and text[hit.start() - 1] not in "-–" \
                    and not (anchor is ctx.gazetteer.rank_re and _inside_title(ctx, a, hit.start())):
                b = min(b, hit.start())
    return b


def _inside_title(ctx: Context, a: int, pos: int) -> bool:
    title = ctx.gazetteer.post_re.match(ctx.text, a)
    return title is not None and title.start() < pos < title.end()


def _after_person_of(ctx: Context, a: int, b: int) -> int:
    """"Gen. Mark Pell of the 4th Infantry Division": a ranked or known-named person before "of" is no
    part of the body's name; the body starts after "of the"."""
    m = _PERSON_OF.match(ctx.text, a, b)
    if m is None or any(_holds_head(w) for w in m.group(1).split()):
        return a
    lead = ctx.gazetteer.rank_re.match(ctx.text, a, b) or ctx.gazetteer.post_re.match(ctx.text, a, b)
    first = m.group(1).split()[1 if lead else 0:][:1]
    if lead or (first and first[0] in ctx.gazetteer.given_names):
        return m.end()
    return a


def _after_title(ctx: Context, a: int, b: int) -> int:
    """"Chief of the Defence Staff", "Commander US Central Command": the body starts after the title."""
    title = ctx.gazetteer.post_re.match(ctx.text, a, b)
    if title:
        rest = _AFTER_TITLE.match(ctx.text[title.end():b])
        a = title.end() + (rest.end() if rest else 0)
    return a


def _org_phrase(ctx: Context, a: int, b: int) -> tuple[int, str, list[str], bool] | None:
    """(start, phrase, words, starts like an organisation) of the organisation in a run, if any."""
    phrase = ctx.text[a:b].rstrip(" -–")
    if phrase.endswith(_TRAILING_ENDS):  # "the 4th Infantry Division's commander", "Military Staff of the"
        phrase = _TRAILING_POSSESSIVE.sub("", phrase)
    if not phrase:
        return None
    a, phrase = _strip_owner(ctx, a, phrase)
    words = phrase.split()
    heads = [i for i, w in enumerate(words) if _holds_head(w)]
    starts_like_org = phrase.startswith(_ORG_START_WORDS)
    if not heads and not starts_like_org:
        return None
    exact = ctx.gazetteer.lookup(phrase)
    if exact and not exact[1]:
        return None  # the gazetteer already has it
    if heads and not starts_like_org:
        words = _trim_tail(ctx, words, heads[-1])
    if len(words) < 2 and not starts_like_org:
        return None
    return a, " ".join(words), words, starts_like_org


@lru_cache(maxsize=4096)
def _holds_head(word: str) -> bool:
    """Whether a word, or a part of it between dashes, is an organisation's head word ("Army-Navy"):
    asked of every capitalised word of every run, so remembered."""
    return any(part in ORG_HEADS for part in DASH.split(word))


#: Heads no designation follows: "the X Party Kem Sokha" is the party, then a name.
_UNDESIGNATED = frozenset({"Party", "Foundation", "Center", "Centre"})


def _trim_tail(ctx: Context, words: list[str], last: int) -> list[str]:
    """Keep "Ministry of Defence" and "Army Europe", drop "Command Sergeant" style trailing words."""
    tail = words[last + 1:]
    if len(tail) == 3 and tail[1] == "and" and words[last] == "Office" and all(w[:1].isupper() for w in tail[::2]) \
            and tail[0] not in ctx.gazetteer.given_names:
        return words  # "Program Executive Office Missiles and Space": a portfolio named after the head
    if tail and words[last + 1] not in ("of", "for") and (not looks_like_designation(tail)
                                                         or words[last] in _UNDESIGNATED
                                                         or tail[0] in ctx.gazetteer.given_names):
        return words[: last + 1]  # "General Staff Valery Gerasimov": the staff, then a name
    return words


def _strip_owner(ctx: Context, a: int, phrase: str) -> tuple[int, str]:
    """"The ...", "New ...", "Iran's Quds Force": the organisation starts after them."""
    lead = _LEAD_ARTICLE.match(phrase) or _LEAD_ADJECTIVE.match(phrase) \
        or (_BASED.match(phrase) if "-based" in phrase else None)
    if lead:
        a += lead.end()
        phrase = phrase[lead.end():]
    owner = _OWNER.match(phrase) if "'" in phrase or "’" in phrase else None  # a possessive needs one
    if owner and (ctx.gazetteer.lookup(owner.group(1)) or owner.group(1).split()[-1] in ORG_HEADS
                  or _HEADED_OWNER.match(owner.group(1)) or owner.group(1) in ctx.memory.abbreviations):
        # "Iran's Quds Force": the organisation is "Quds Force", of Iran
        a += owner.end()
        phrase = phrase[owner.end():]
    return a, phrase


def _org_kind(phrase: str, words: list[str], starts_like_org: bool) -> str:
    head_parts = [p for w in words for p in DASH.split(w) if p in ORG_HEADS]
    if phrase.startswith(("Ministry", "Department", "Office")) or _NATIONAL_MINISTRY.match(phrase):
        return "GovernmentBody"  # "the Cuban Ministry of Revolutionary Armed Forces" is a ministry
    if starts_like_org and phrase.startswith(("Task Force", "Joint", "Combined", "Operation")):
        return "MilitaryUnit"
    return ORG_HEADS[head_parts[-1]] if head_parts else "GovernmentBody"


def _runs(ctx: Context, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Capitalised runs, split where "and" joins two bodies ("the Ministry of Defence and GCHQ",
    "the United Nations Command and the Combined Forces Command")."""
    text = ctx.text
    for a, b in _multiword_runs(text, start, end):
        count = _LEADING_COUNT.match(text, a, b)
        if count:  # "2,500 U.S. Marines": a count, not the start of a name ("3rd Division" keeps its ordinal)
            a = count.end()
        dateline = _DATELINE.match(text, a, b)
        if dateline:
            a = dateline.end()
        # "Australia's Chief of the Defence Force": a title inside the run; the body after it is its own run
        for title in ctx.finditer(ctx.gazetteer.post_re, a + 1, b):
            of = _OF_AFTER_TITLE.match(text[title.end():b])
            if of and text[title.start()].isupper() and title.end() + of.end() < b:
                yield a, title.end()
                a = title.end() + of.end()
                break
        opening = not text[start:a].strip(" \"“'‘(") or bool(_gated(_AFTER_DATELINE, text, start, a, _DASHES))
        lead = _LEAD_OF.match(text, a, b) or (_LEAD_CONJUNCTION.match(text, a, b) if opening else None)
        if lead and lead.group(1) not in ORG_HEADS and opening:
            a = lead.end()  # "Soldiers of the 2nd Battalion ...": a capital only because it starts the sentence
        of = _UNIT_OF_UNIT.match(text, a, b)
        if of:  # "the 2nd Battalion of the 34th Armored Regiment": two units
            yield a, of.end(1)
            a = of.end()
        acronym = _gated(_FOR_ACRONYM, text, a, b, ("of", "for"))
        if acronym and ctx.gazetteer.lookup(acronym.group(1)):  # "Component Command for USSPACECOM": two bodies
            yield a, acronym.start()
            a = acronym.start(1)
        conjunct = _gated(_CONJUNCT, text[a:b], 0, b - a, ("and",))
        if conjunct and _names_a_body(ctx, text[a:a + conjunct.start()]) and _names_a_body(ctx, conjunct.group(1)):
            yield a, a + conjunct.start()
            yield a + conjunct.start(1), b
        else:
            yield a, b


def _multiword_runs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The capitalised runs of two words or more: one word ("The", "Pell", "Army") names no
    organisation (:func:`_org_phrase` needs two), and most runs are one word."""
    for run in _HEAD_WORD_RUN.finditer(text, start, end):
        if _SPACE.search(text, run.start(), run.end()) is not None:
            yield run.start(), run.end()


def _gated(regex: re.Pattern[str], text: str, a: int, b: int, words: tuple[str, ...]) -> re.Match[str] | None:
    """``regex.search`` in [a, b), not tried (a ``find`` is cheaper) if none of ``words`` is there."""
    for word in words:
        if text.find(word, a, b) >= 0:
            return regex.search(text, a, b)
    return None


def _names_a_body(ctx: Context, phrase: str) -> bool:
    """Whether a phrase is a whole organisation's name on its own ("Ministry of Defence", "GCHQ",
    "the Combined Forces Command"), not the first half of one ("Training" and Doctrine Command)."""
    phrase = re.sub(r"^(?:the|The)\s+", "", phrase.strip())
    words = phrase.split()
    heads = [i for i, w in enumerate(words) if w in ORG_HEADS]
    # a head word, perhaps with a designation after it: "Naval Forces Europe", "Task Force Iraq"
    headed = bool(heads) and (heads[-1] == len(words) - 1 or looks_like_designation(words[heads[-1] + 1:]))
    return bool(words) and (phrase.isupper() or headed or ctx.gazetteer.lookup(phrase) is not None
                            or phrase.startswith(_ORG_START_WORDS))


_THE = re.compile(r"[Tt]he\s+")


def _definite_at(ctx: Context, spans: list[Span], pos: int) -> Span | None:
    """"commander of the brigade": a definite description's span holds its "the"."""
    return next((s for s in spans if s.start < pos < s.end and _THE.fullmatch(ctx.text, s.start, pos)), None)


def org_at(ctx: Context, spans: list[Span], pos: int) -> Span | None:
    """The organisation (or country) named at ``pos``; "Iran's Quds Force" gives the Quds Force."""
    target = span_at(spans, pos) or _definite_at(ctx, spans, pos)
    if target is None or target.kind != "Country":
        return target
    if target.demonym:
        # "the Egyptian navy": the demonym qualifies the body after it
        gap = re.match(r"\s+", ctx.text[target.end:target.end + 3])
        owned = span_at(spans, target.end + gap.end()) if gap else None
        if owned is not None and owned.kind not in ("Person", "Country"):
            return owned
    owner = re.match(r"['’]s\s+", ctx.text[target.end:target.end + 4])
    owned = span_at(spans, target.end + owner.end()) if owner else None
    if owned is None or owned.kind in ("Person", "Country"):
        return target
    country = target.known.name if target.known else None
    if owned.known is not None and owned.known.country and country and owned.known.country != country:
        # "South Korea's Joint Chiefs of Staff" is not the US one the gazetteer knows
        demonym = target.known.demonyms[0] if target.known and target.known.demonyms else country
        return replace(owned, known=None, qualified=f"{demonym} {owned.name}", country=country)
    return owned


def merge(orgs: list[Span], known: list[Span]) -> list[Span]:
    """Pattern organisations win over the gazetteer spans they contain ("Iraqi Army" over "Iraqi")."""
    kept = [k for k in known if not any(o.start <= k.start and k.end <= o.end for o in orgs)]
    return sorted(kept + orgs, key=lambda s: s.start)
