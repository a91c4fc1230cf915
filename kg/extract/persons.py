"""Mention family: persons. A capitalised name introduced by a rank, a post title or an honorific
("Defense Secretary Mark Esper"), by an apposition or a reporting verb ("Hicks, the deputy
secretary,"; found in :mod:`kg.extract.appositions`), by a known given name ("Kathleen Hicks"), or
proposed by an optional NER model."""

from __future__ import annotations

import re
from bisect import bisect_left

from kg.extract.context import Context
from kg.extract.gazetteer import UPPER
from kg.extract.ner import NerSpan
from kg.extract.organisations import org_at
from kg.extract.patterns import (
    NAME_RE,
    NAME_TOKEN,
    NICKNAME,
    NOT_NAME,
    ORG_HEADS,
    SUFFIX,
    SUFFIX_RE,
)
from kg.extract.person_stops import (
    NOT_PERSON,
    PLACES,
    in_quotes,
    not_a_person,
    place_follows,
    run_goes_on,
)
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, span_at, span_len

#: A title chain: (kind "rank" | "post" | "hon", form as written, start, end) per element.
Chain = list[tuple[str, str, int, int]]

RULES = register(
    Rule("person-titled", "persons", "Person", (NAME_RE.pattern,), 1.0, "none",
         ("Defence Minister [Ilse Brandvold] met the delegation.",
          "Lt. Gen. [Piet J. Halloran Jr.] spoke.", "Sir [Tomas Reyner] arrived.",
          "Prime Minister\u200e [Tomas Reyner] arrived."),
         ("The [Defence Ministry] met the delegation.",
          "The team won the Secretary of Defense [Harbour Logistics] (HLA) Award.",
          # a name never runs across a line break: a list of "State Governor Name" lines
          "Ohio Governor Mara Lind\n[Idaho] Governor Tom Reese",
          # words that are names of nothing but titles or things after a title or rank
          "He became Chairman [Emeritus] in 2019.", "The deal names it a Major [Non]-NATO Ally.",
          "As Press Secretary, [John] knows the press corps well."), flags=0),
    Rule("person-apposed", "persons", "Person", (
        (rf"(?<![\w\-’'])({NAME_TOKEN}(?:\s+{NAME_TOKEN}){{1,3}}{SUFFIX}?)"
         rf"(?=\s*,\s*(?:\d+,\s*)?(?:who\s+is\s+|now\s+)?(?:currently\s+)?(?:the\s+|a\s+|an\s+)?(?:former\s+)?(?:[\w.'’\-]+\s+){{0,4}}?(?:<POSTS>)"
         rf"|\s+(?:said|says|told|added|announced|wrote|tweeted)\b"
         rf"|\s+(?:is|was)\s+(?:currently\s+|now\s+)?(?:the\s+)?(?:<POSTS>)\s+(?:and|of|for)\s)"),
        (rf"(?<![\w\-’'.])({NAME_TOKEN})(?=\s*,\s*the\s+(?:(?:former|current|new)\s+)?"
         rf"(?:<POSTS>)(?![\w\-]))"),
        # a capitalised title right after the comma: "Orla Fenwick, Minister for Trade, said"
        (rf"(?<![\w\-’'])({NAME_TOKEN}(?:\s+{NAME_TOKEN}){{1,3}}{SUFFIX}?)"
         rf"(?=\s*,\s*(?:the\s+)?(?:[A-Z][\w\-]*\s+){{0,3}}?(?i:<POSTS>)(?![\w\-]))")), 1.0, "none",
        ("[Orla Fenwick], the defence minister, arrived.", "[Orla Fenwick] told reporters it was over.",
         "[Fenwick], the defence minister, arrived.", "[Orla Fenwick], Minister for Trade, arrived.",
         "[Tomas Brede], the UK Special Representative for the region, spoke.",
         "The president will nominate [Orla Fenwick], currently the U.S. Ambassador to Norway, to the post.",
         "The delegation includes Deputy Envoy for the Northern Region [Kathleen Morrow], Harbour Director.",
         "[Orla Fenwick] is President and Chief Executive Officer of the Harbour Foundation."),
        ("[Orla Fenwick] arrived with the defence minister.",
         "She worked in the [Northern Bureau], and as Director of the office."), flags=0),
    Rule("person-given-name", "persons", "Person",
         (rf"(?<![\w\-’'.])({NAME_TOKEN}(?:\s+{NICKNAME})?(?:\s+{NAME_TOKEN}){{1,3}}{SUFFIX}?)(?![\w\-])",),
         1.0, "none",
         ("Yesterday [Kathleen Morrow] visited the port.", "[Robert “Bo” Lindgren] visited the port.",
          "[Thomas (Tom) B. Harlow], Nominee for Member of the Board"),
         ("Flights left [Kathleen Morrow International Airport] late.",), flags=0),
)
_TITLED, _APPOSED, _GIVEN = RULES["person-titled"], RULES["person-apposed"], RULES["person-given-name"]
_UNTITLED_NAME = _GIVEN.compiled[0]
#: every name of two words or more (a name token holds a capital) holds two capitals
_TWO_CAPITALS = re.compile(rf"[{UPPER}][^{UPPER}]*[{UPPER}]")
_TITLED_NAME = _TITLED.compiled[0]
_PLACE_ITEM, _SITED = re.compile(r"[A-Z][\w’'\-]+,"), ("Embassy", "Consulate", "Mission", "Office", "Station")
_SERVICE = re.compile(r"(?:U\.S\.\s|US\s)?(?:Army|Navy|Air\sForce|Marine\sCorps|Space\sForce|Coast\sGuard|Marines)\s")
#: Space between a title and a name, with the invisible marks some pages carry ("Minister\u200e X").
_GAP = re.compile(r"\]?[\s\u200b\u200e\u200f\u2060]+")  # "[United Nations envoy] X": an editor's brackets
#: "the Secretary of Defense Performance-Based Logistics (PBL) Award": a name with an acronym is a thing's
_ACRONYM_AFTER = re.compile(r"\s*\([A-Z]{2,}\)")
_LOWER_RANKS = ("general", "admiral", "colonel", "major general", "brigadier general", "lieutenant general",
                "lieutenant colonel", "lieutenant", "captain", "sergeant", "staff sergeant", "corporal", "vice admiral",
                "rear admiral")
_PREPOSITION = re.compile(r"\b(?:of|for|and|in|on|at|to|the|with|from|by|as)\s+$")
_SUCCESSOR_BEFORE = re.compile(r"\b(?:replac(?:ed|es|ing)\b[^.;]{1,80}?\bwith|(?:replaced|succeeded)\s+by|"
                               r"replac(?:ed|es|ing)|succeed(?:ed|s|ing)|took\s+over\s+from|takes\s+over\s+from|"
                               r"(?:predecessor|successor|counterpart),)\s+$")


def titled_persons(ctx: Context, start: int, end: int, blocked: list[Span]) -> list[tuple[Span, Chain, Span | None]]:
    """Names introduced by a rank, a post title or an honorific: (person, title chain, "of" body)."""
    text = ctx.text
    g = ctx.gazetteer
    found: list[tuple[Span, Chain, Span | None]] = []
    consumed = start
    anchors = sorted(
        [(m.start(), m.end()) for m in ctx.matches("rank", g.rank_re, start, end)]
        + [(m.start(), m.end()) for m in ctx.matches("post", g.post_re, start, end)]
        + [(m.start(), m.end()) for m in ctx.matches("hon", g.honorific_re, start, end)],
        key=lambda t: (t[0], -t[1]))
    for a_start, _a_end in anchors:
        if a_start < consumed:
            continue
        if text.startswith("under ", a_start):
            a_start += 6  # "served under Secretary of Defense X": a preposition; X's title follows it
        chain, pos, of_org = title_chain(ctx, a_start, end, blocked)
        if not chain:
            continue
        name_match = _TITLED_NAME.match(text, pos, end)  # a name never runs past its sentence
        if not name_match or name_match.start() != pos:
            continue
        name = clean_name(ctx, name_match.group(), blocked, pos)
        if not name or _ACRONYM_AFTER.match(text, pos + len(name)):
            continue
        if " " not in name and name in g.given_names and text[a_start:pos].rstrip().endswith(","):
            continue  # "Press Secretary, John understands ...": a first name alone is no introduction
        stop = pos + span_len(text, pos, name)
        if not_a_person(ctx, pos, stop, name.replace(",", "").split()):
            continue  # "Chairman Emeritus", "Major Non-NATO Ally", "director, Technical Center"
        span = Span("Person", name, pos, stop, head_start=a_start)
        found.append((span, chain, of_org))
        consumed = span.end
    return found


def title_chain(ctx: Context, pos: int, end: int, blocked: list[Span]) -> tuple[Chain, int, Span | None]:
    """Consume "commander General", "Chairman of the Joint Chiefs of Staff Gen." starting at pos."""
    text = ctx.text
    chain: Chain = []
    of_org: Span | None = None
    while pos < end:
        best = _longest_title(ctx, pos, end)
        if best is None:
            if not chain or chain[-1][0] != "post":
                break
            step = _after_post(ctx, pos, end, blocked, chain, of_org is None)
            if step is None:
                break
            pos, target = step
            of_org = target or of_org
            continue
        kind, form, stop = best
        if kind == "rank" and form[:1].islower() and form.lower() not in _LOWER_RANKS:
            break
        if kind == "post" and chain and form.startswith("under "):
            break  # "the Press Secretary under Secretary of Defense X": a preposition, not a second title
        chain.append((kind, form, pos, stop))
        pos = stop
        gap = _GAP.match(text, pos, end)
        if gap:
            pos = gap.end()
        elif not text.startswith(",", pos):
            break
    return chain, pos, of_org


def _longest_title(ctx: Context, pos: int, end: int) -> tuple[str, str, int] | None:
    g = ctx.gazetteer
    best = None
    for kind, regex in (("rank", g.rank_re), ("post", g.post_re), ("hon", g.honorific_re)):
        m = regex.match(ctx.text, pos, end)
        if m and (best is None or m.end() > best[2]):
            best = (kind, m.group(), m.end())
    return best


def _after_post(ctx: Context, pos: int, end: int, blocked: list[Span], chain: Chain,
                may_own: bool) -> tuple[int, Span | None] | None:
    """After a post title: "of the X" (the body the post is of), or ", " before the name ("the Y
    commander, X"). The new position and the body, or None when the chain ends here."""
    text = ctx.text
    of = re.match(r"\s*(?:of|for|at)\s+(?:the\s+)?", text[pos:end])
    target = org_at(ctx, blocked, pos + of.end()) if of and may_own else None
    if target and target.kind != "Person":
        gap = re.match(r"\s*,?\s*", text[(pos := target.end):end])
        if gap and "," in gap.group() and target.name.endswith(_SITED) and _PLACE_ITEM.match(text, gap.end() + pos):
            return None  # "Deputy Chief of Mission of the U.S. Embassy, Kathmandu,": a place follows
        return pos + (gap.end() if gap else 0), target
    service = _SERVICE.match(text, pos, end)
    if service is not None and ctx.gazetteer.rank_re.match(text, service.end(), end):
        return service.end(), None  # "Pentagon Press Secretary Navy Rear Adm. X": the service, then the rank
    after = _comma_before_name(ctx, pos, end, blocked) if len(chain) == 1 else None
    return (after, None) if after is not None else None


def _comma_before_name(ctx: Context, pos: int, end: int, blocked: list[Span]) -> int | None:
    """"the Y commander, X" / "France's Chief of the Defence Staff, General X" (not "..., John": a
    given name alone): where the name starts after the comma."""
    text = ctx.text
    comma = re.match(r",\s+", text[pos:end])
    if not comma:
        return None
    force = span_at(blocked, pos + comma.end())
    if force is not None and force.kind == "ArmedForces" and ctx.gazetteer.rank_re.match(text, force.end + 1):
        # "..., U.S. Army Gen. X"
        comma = re.match(r",\s+" + re.escape(text[force.start:force.end]) + r"\s+", text[pos:end]) or comma
    name = NAME_RE.match(text, pos + comma.end(), end)
    named = (name is not None and (len(name.group().split()) > 1 or name.group() not in ctx.gazetteer.given_names)) \
        or ctx.gazetteer.rank_re.match(text, pos + comma.end())
    return pos + comma.end() if named and not re.match(r"\w+\s+(?:of|said|told)\b", text[pos + comma.end():end]) \
        else None


def clean_name(ctx: Context, raw: str, blocked: list[Span], pos: int) -> str | None:
    """The name in ``raw`` up to the first word that ends names ("Smith said" -> "Smith")."""
    kept: list[str] = []
    for i, token in enumerate(raw.split()):
        if i > 0 and token[:1] in "“\"‘(":
            continue  # a nickname is not part of the name: John “J.D.” Doe is John Doe
        bare = token.strip(",")
        initial = re.fullmatch(rf"[{UPPER}]\.?", bare) is not None and i > 0
        if not initial and bare.lower().rstrip(".") in NOT_NAME and not SUFFIX_RE.fullmatch(" " + bare):
            break
        if ctx.gazetteer.lookup(bare):
            break  # a place or a known body ends the name
        kept.append(token)
    while kept and (re.fullmatch(r"[A-Z]\.?", kept[-1]) or kept[-1].lower() in ("al", "bin", "de", "van", "von")):
        kept.pop()
    if not kept:
        return None
    name = " ".join(kept).rstrip(",")
    if any(s.start <= pos < s.end for s in blocked if s.kind != "Person"):
        return None
    return name


def _overlaps(a: int, b: int, spans: list[Span]) -> bool:
    return any(t.start < b and a < t.end for t in spans)


def untitled_persons(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """Untitled names that start with a known given name ("Kathleen Hicks", "Li Shangfu"): two to
    four name words, none of them a place, an organisation or a word that ends names."""
    found: list[Span] = []
    if _TWO_CAPITALS.search(ctx.text, start, end) is None:
        return found
    for m in _UNTITLED_NAME.finditer(ctx.text, start, end):
        m, words, lead = _given_lead(ctx, m, end)
        if lead is None and not _SUCCESSOR_BEFORE.search(ctx.text[max(start, m.start() - 120):m.start()]):
            continue
        first = lead or 0
        # the run's first word, when the sentence starts with it or a preposition stands before it
        # ("for Climate John Kerry"), is no part of the name
        at_start = (not re.search(r"\w", ctx.text[start:m.start(1)])
                    or bool(_PREPOSITION.search(ctx.text, start, m.start(1))))
        while first > 0 and _may_join(ctx, words[first - 1], first == 1 and at_start):
            first -= 1  # "Sein Htut Maung", "Cheryl Marie Stanton": the unknown given name before it too
        a = m.start(1) + sum(len(w) + 1 for w in words[:first])  # the name from the given name on
        b = m.end(1)
        if _overlaps(a, b, taken + found) or _not_untitled(ctx, a, b, end, words[first:]):
            continue
        name = _untitled_name(ctx, ctx.text[a:b], taken, a)
        if name is not None:
            found.append(Span("Person", name, a, a + span_len(ctx.text, a, name)))
    return found


def _given_lead(ctx: Context, m: re.Match[str], end: int) -> tuple[re.Match[str], list[str], int | None]:
    """The run's words and the index of its first known given name ("Yesterday Heather Wilson": the
    name starts there); "for Indo-Pacific Security Affairs Rachel | Dunmore": the run is read again
    from a given name that ends it."""
    given = ctx.gazetteer.given_names
    words = m.group(1).split()
    lead = next((i for i, w in enumerate(words[:-1]) if w in given), None)
    if lead is None and words[-1] in given and len(words) > 1:
        m = _UNTITLED_NAME.match(ctx.text, m.end() - len(words[-1]), end) or m
        words = m.group(1).split()
        lead = 0 if len(words) > 1 and words[0] in given else None
    return m, words, lead


def _may_join(ctx: Context, word: str, first: bool) -> bool:
    """Whether a capitalised word before a known given name may be part of the name: not the
    sentence's first word ("Yesterday"), nor a word that ends names, a place, body or title word."""
    g = ctx.gazetteer
    low = word.lower().rstrip(".,")
    return not (first or re.search(r"-[a-z]", word) or low in NOT_NAME or low in NOT_PERSON or low in PLACES
                or g.lookup(word) is not None
                or g.rank_re.fullmatch(word) is not None or g.post_re.fullmatch(word) is not None
                or g.honorific_re.fullmatch(word) is not None or word in ORG_HEADS)


def _not_untitled(ctx: Context, a: int, b: int, end: int, words: list[str]) -> bool:
    """An untitled run that is a ship, a place, a nickname in quotes, or part of a longer name."""
    text = ctx.text
    return (not_a_person(ctx, a, b, words) or in_quotes(text, a, b) or run_goes_on(text, b, end)
            or place_follows(ctx, b, end))


def _untitled_name(ctx: Context, raw: str, taken: list[Span], a: int) -> str | None:
    name = clean_name(ctx, raw, taken, a)
    if not name or len(name.split()) < 2 or name != " ".join(t for t in raw.split() if t[:1] not in "“\"‘("):
        return None  # "Hamid Karzai International Airport": the name of a place, not a person
    words = name.replace(",", "").split()
    if any(w.lower().rstrip(".") in NOT_NAME or w in ORG_HEADS for w in words):
        return None
    if any(ctx.gazetteer.lookup(w) for w in words[1:]):
        return None
    return name


def ner_spans(ctx: Context, found: list[NerSpan], starts: list[int], start: int, end: int,
              taken: list[Span]) -> list[Span]:
    """The statistical model's names inside [start, end) that overlap nothing the rules found.

    Persons need two name words (a lone "Hicks" is left to coreference) and are cleaned like rule
    names; an organisation the gazetteer knows is never re-proposed under another name. ``starts``
    are the spans' start offsets (they come in text order), to look up a sentence's spans at once.
    """
    spans: list[Span] = []
    for ner in found[bisect_left(starts, start):bisect_left(starts, end)]:
        if ner.end > end or _overlaps(ner.start, ner.end, taken):
            continue
        text = re.sub(r"['’]s$", "", ner.text.strip())
        if ner.kind == "Person":
            name = clean_name(ctx, text, taken, ner.start)
            if not name or len(name.split()) < 2 or not all(w[:1].isupper() for w in name.split()[:1]):
                continue
            spans.append(Span("Person", name, ner.start, ner.start + len(name)))
        elif _ner_org_ok(ctx, re.sub(r"^(?:the|The)\s+", "", text)):
            name = re.sub(r"^(?:the|The)\s+", "", text)
            a = ner.start + text.index(name)
            spans.append(Span("Organization", name, a, a + len(name)))
    return spans


def _ner_org_ok(ctx: Context, name: str) -> bool:
    """One word ("Defense") or a person's name ("White") is too often a wrong organisation label."""
    known_tokens = {t for p in ctx.memory.persons for t in p.tokens}
    return not (not name[:1].isupper() or ctx.gazetteer.lookup(name) or len(name.split()) < 2
                or known_tokens & set(name.split()) or ctx.gazetteer.post_re.match(name)
                or ctx.gazetteer.rank_re.match(name))
