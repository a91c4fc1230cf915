"""Discourse: later mentions of what the article introduced. "Esper" or "Mark Esper" for the
person introduced as "Defense Secretary Mark Esper", "he"/"she" for the previous sentence's subject,
"the general" for the last general, "the division" for the last division, "the brigade, known as
Panzerbrigade 45"; and, at the end, every short form of a person keyed to the fullest name."""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.context import Context
from kg.extract.gazetteer import PostTitle, fold
from kg.extract.patterns import CAP_WORD, NOT_NAME
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, make_post
from kg.extract.text import normalise_name
from kg.model import Mention, Modality, RelationMention

_NOUNS = r"division|brigade|regiment|battalion|fleet|corps|command|force|ministry|agency|squadron|wing|mission|ship"
RULES = register(
    Rule("coref-name", "discourse", "Person", (), 1.0, "none",
         ("Gen. Anna Berg arrived on Monday. [Berg] inspected the troops.",),
         ("Gen. Anna Berg arrived on Monday. [Bergen] was quiet.",)),
    Rule("coref-pronoun", "discourse", "Person", (r"(?<![\w’'])(?:[Hh]e|[Ss]he)(?![\w’'])",), 1.0, "none",
         ("Gen. Anna Berg arrived on Monday. [She] inspected the troops.",),
         ("The ship arrived on Monday. [She] was repainted.",), flags=0),
    Rule("coref-role", "discourse", "Person", (
        (r"\b[Tt]he\s+(?:(?:four|three|two|one)-star\s+)?(?P<role>general|admiral|commander|minister|secretary|colonel|chairman|president|"
        r"prime\s+minister)\b(?![\-’'])(?!\s+(?:of|for|[A-Z]))"),), 1.0, "none",
         ("Gen. Anna Berg arrived on Monday. [The general] inspected the troops.",
          "Gen. Anna Berg arrived on Monday. [The four-star general] inspected the troops."),
         ("Gen. Anna Berg arrived on Monday. [The admiral] was absent.",), flags=0),
    Rule("unit-known-as", "discourse", "Organization", (
        (r"\b[Tt]he\s+(?:new\s+)?(?P<noun>division|brigade|regiment|battalion|fleet|corps|command|force|"
        r"mission|task\s+force|unit)\s*,?\s+(?:known|called|named)\s+(?:as\s+)?(?:the\s+)?"
        rf"(?P<name>{CAP_WORD}(?:\s+{CAP_WORD}){{0,5}})"),), 1.0, "none",
         ("The new brigade, known as [Granite Lance], moved north.",),
         ("The new brigade moved north past [Granite Lance].",), flags=0),
    Rule("unit-definite", "discourse", "Organization", (
        (r"\b[Tt]he\s+(?P<noun>division|brigade|regiment|battalion|fleet|corps|command|force|ministry|"
        r"alliance|agency|squadron|wing|mission|task\s+force|headquarters|battlegroup|(?:carrier\s+)?strike\s+group|"
        r"air\s+wing)\b(?!\s+(?:(?:of|for|in)\b|[A-Z\d]))"),), 1.0, "none",
         ("The 4th Mechanized Brigade arrived on Monday. [The brigade] moved north.",
          "Carrier Strike Group 4 sailed on Monday. [The carrier strike group] includes two destroyers.",
          "The 4th Mechanized Brigade arrived on Monday. [The brigade] inspected the port."),
         ("The 4th Mechanized Brigade arrived on Monday. [The fleet] stayed in port.",), flags=0),
    Rule("ship-bare-name", "discourse", "Organization", (
        r"\A(?:USS|USNS|USCGC|HMS|HMAS|HMCS|HMNZS|JS|INS|ROKS|FS|ITS|HNLMS|TCG|BRP)\s+(?P<bare>.+?(?P<last>\S+))\Z",),
         1.0, "none",
         ("The destroyer USS Halvorsen Reed (DDG 131) sailed on Monday. [Halvorsen Reed] reached port on Friday.",
          "The carrier USS Tomas Brandvold left Norfolk. Sailors aboard [Brandvold] trained on Monday.",
          "USS Anna Wexford sailed. Capt. Ilse Moreau, [Anna Wexford]'s commanding officer, spoke."),
         ("The destroyer USS Halvorsen Reed sailed on Monday. Senator [Halvorsen Reed] praised the crew.",
          "The destroyer USS Halvorsen Reed sailed on Monday. [Halvorsen Reed Park] was closed."), flags=0),
)
OWNED_POSTS = register(
    Rule("its-title", "discourse", "holds", (
        r"(?:^|(?<=[\s(]))(?:[Ii]ts|[Tt]heir)\s+(?:(?:new|first|current|acting|interim|top|senior|former|outgoing|incoming)\s+)*$",
        r"\s*,\s*(?:its|their)\s+"), 0.8, "title",
        ("The 4th Mechanized Brigade arrived on Monday. Its commander, Colonel Anna Wexford, said the roads were bad.",
         "The 4th Mechanized Brigade arrived on Monday. Colonel Anna Wexford, its commander, spoke."),
        ("Its commander, Colonel Anna Wexford, said the roads were bad.",
         "Germany sent tanks. Colonel Anna Wexford, its commander, spoke.")),
    Rule("unit-title", "discourse", "holds", (
        rf"\s*,\s*the\s+(?P<noun>{_NOUNS})(?:['’]s)?\s+",), 0.8, "title",
        ("The 4th Mechanized Brigade arrived on Monday. Colonel Anna Wexford, the brigade's commander, spoke.",
         ("The 4th Mechanized Brigade arrived on Monday. \"We are ready,\" said Colonel Anna Wexford, the brigade "
          "commander.")),
        ("The 4th Mechanized Brigade arrived on Monday. Colonel Anna Wexford, the division's commander, spoke.",)),
)
_PRONOUN, _THE_ROLE, _KNOWN_AS, _DEFINITE_ORG, _SHIP_NAME = (RULES[k].compiled[0] for k in (
    "coref-pronoun", "coref-role", "unit-known-as", "unit-definite", "ship-bare-name"))
_WORD_BEFORE = re.compile(r"([\w.’'\-]+)\s+$")
_WORD_AFTER = re.compile(r"\s+[A-Z]")
_ITS_BEFORE, _ITS_AFTER = OWNED_POSTS["its-title"].compiled
_UNIT_AFTER = OWNED_POSTS["unit-title"].compiled[0]
_OWNED_CUE = re.compile(rf"\b(?:[Ii]ts|[Tt]heir)\s|\bthe\s+(?:{_NOUNS})(?:['’]s)?\s")


def _inside(pos: int, spans: list[Span]) -> bool:
    return any(t.start <= pos < t.end for t in spans)


def coreferent_spans(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """Later mentions of persons already introduced: "Esper", "Mark Esper", "he", "the general"."""
    spans: list[Span] = []
    persons = ctx.memory.persons
    if not persons:
        return spans
    text = ctx.text
    blocking = list(taken)  # always ``taken + spans``, in that order, kept rather than rebuilt per match
    for a, b, person in persons.later_mentions(text, start, end):
        if any(t.start <= a < t.end or a <= t.start < b for t in blocking):
            continue
        spans.append(Span("Person", text[a:b], a, b, rank=person.rank, refers_to=person.name))
        blocking.append(spans[-1])
    subject = ctx.memory.last_subject
    for m in _PRONOUN.finditer(text, start, end):
        a = m.start()
        if _inside(a, blocking):
            continue
        # "Wexford said she reports to ...": a person named earlier in the sentence is nearer than
        # the subject of the sentence before ("... He reports to ...")
        here = min((t for t in blocking if t.kind == "Person" and t.end <= a), key=lambda t: t.start, default=None)
        if here is not None:
            spans.append(Span("Person", m.group(), a, m.end(), rank=here.rank, refers_to=here.refers_to or here.name))
            blocking.append(spans[-1])
        elif subject is not None:
            spans.append(Span("Person", m.group(), a, m.end(), rank=subject.rank, refers_to=subject.name))
            blocking.append(spans[-1])
    for m in _THE_ROLE.finditer(text[start:end]) if ctx.may_match(_THE_ROLE, start, end) else ():
        a = start + m.start()
        holder = persons.last_with_role(m.group("role").lower())
        if holder is not None and not _inside(a, blocking):
            spans.append(Span("Person", holder.name, a, start + m.end(), rank=holder.rank))
            blocking.append(spans[-1])
    return spans


def owned_posts(ctx: Context, start: int, end: int, nonperson: list[Span], persons: list[Span]) -> None:
    """"Its commander, X" and "X, its commander": the title belongs to the organisation the sentence
    before was about (its subject), or to one earlier in this sentence's subject; "X, the
    brigade's commander": to the brigade the article introduced. Then the sentence's own subject
    organisation becomes the one "its" names next."""
    memory = ctx.memory
    lead = next((o for o in nonperson if o.kind != "Country" and o.start <= start + 4), None)
    if not persons or not ctx.has_match("owned-posts", _OWNED_CUE, start, end):
        memory.subject_org = lead
        return
    for person in persons:
        head = person.head_start if person.head_start is not None else person.start
        unit = _UNIT_AFTER.match(ctx.text, person.end)
        if unit and ctx.gazetteer.post_re.match(ctx.text, unit.start("noun")):
            unit = None  # "the command sergeant major": the noun starts a title
        after = unit or _ITS_AFTER.match(ctx.text, person.end)
        owner: Span | None = None
        if unit:
            noun = unit.group("noun").lower()
            owner = memory.named_nouns.get(noun) or memory.organisations.antecedent(noun)
        elif after or _ITS_BEFORE.search(ctx.text, max(start, head - 60), head):
            owner = lead if lead is not None and lead.end <= head else memory.subject_org
        if owner is not None:
            _own(ctx, person, owner, OWNED_POSTS["unit-title" if unit else "its-title"], after.end() if after else None)
    memory.subject_org = lead


def _own(ctx: Context, person: Span, owner: Span, rule: Rule, title_at: int | None) -> None:
    """The person's titles of no organisation belong to ``owner``; ", its commander," adds the title."""
    title = _modified_title(ctx, title_at) if title_at is not None else None
    if title is not None and not any(post.org is None for post, *_ in person.posts):
        # ", its commander,": an apposition the posts family leaves to the article's context
        modality = _title_modality(ctx.text, title_at or 0)
        person.posts.append((make_post(title, None), rule.confidence, rule.id, modality))
    titles = ctx.gazetteer.posts
    person.posts[:] = [(make_post(titles[fold(post.title)], owner), rule.confidence, rule.id, modality)
                       if post.org is None and fold(post.title) in titles else (post, conf, r, modality)
                       for post, conf, r, modality in person.posts]


_MODIFIERS = re.compile(r"(?:(?P<past>former|outgoing)\s+|(?P<plan>incoming|next)\s+|"
                        r"(?:new|first|current|acting|interim|top|senior)\s+)*")


def _modified_title(ctx: Context, pos: int) -> PostTitle | None:
    mods = _MODIFIERS.match(ctx.text, pos)
    found = ctx.gazetteer.post_re.match(ctx.text, pos)  # "senior enlisted leader": a modifier inside a title
    if found is None or (mods and found.end() <= mods.end()):
        found = ctx.gazetteer.post_re.match(ctx.text, mods.end() if mods else pos)
    return ctx.gazetteer.posts.get(fold(found.group())) if found else None


def _title_modality(text: str, pos: int) -> Modality:
    mods = _MODIFIERS.match(text, pos)
    if mods and mods.group("past"):
        return "past"
    return "planned" if mods and mods.group("plan") else "asserted"


def known_as_orgs(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """"The brigade, known as Panzerbrigade 45, ...": the name is a unit's, and "the brigade"
    names it from then on."""
    spans: list[Span] = []
    for m in ctx.finditer(_KNOWN_AS, start, end):
        a, b = m.start("name"), m.end("name")
        if any(t.start < b and a < t.end for t in taken):
            continue
        noun = m.group("noun").lower()
        span = Span("GovernmentBody" if noun in ("ministry", "agency") else "MilitaryUnit", m.group("name"), a, b)
        spans.append(span)
        ctx.memory.named_nouns[noun] = span
    return spans


def coreferent_orgs(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """"The division is commanded by ...": a definite head noun names the last organisation
    of the article with that head word ("82nd Airborne Division"), or the one the article said
    it was "known as"; a unit that was a sentence's subject is the likelier antecedent than one
    named in passing."""
    spans: list[Span] = []
    memory = ctx.memory
    if memory.ships:
        spans += _ship_names(ctx, start, end, taken)
    _remember_ships(ctx, taken)
    if not memory.organisations and not memory.named_nouns:
        return spans
    for m in ctx.finditer(_DEFINITE_ORG, start, end):
        a, b = m.start("noun"), m.end("noun")
        if any(t.start < b and a < t.end for t in taken):
            continue
        noun = m.group("noun").lower()
        if noun.endswith(("strike group", "air wing")):  # "the carrier strike group": the last "... Group"
            noun = noun.split()[-1]
        named = memory.named_nouns.get(noun)
        if named is not None and named.start != a:
            spans.append(replace(named, start=m.start(), end=b, posts=[]))
            continue
        antecedent = memory.organisations.antecedent(noun)
        if antecedent is not None:
            spans.append(replace(antecedent, start=m.start(), end=b, posts=[]))
    return spans


def _remember_ships(ctx: Context, taken: list[Span]) -> None:
    """"USS Abraham Lincoln (CVN 72)": the article may call the ship "Abraham Lincoln" or "Lincoln" later."""
    for span in taken:
        if span.kind == "MilitaryUnit" and span.refers_to is None:
            m = _SHIP_NAME.match(span.name)
            if m and m.group("bare") not in ctx.memory.ships:
                ctx.memory.ships[m.group("bare")] = span
                ctx.memory.named_nouns["ship"] = span  # "the ship's commanding officer"
                if m.group("last") != m.group("bare") and m.group("last")[:1].isupper():
                    ctx.memory.ships.setdefault(m.group("last"), span)


def _ship_names(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """A ship's bare name (rule ``ship-bare-name``): not after a capitalised word ("Senator Ralph
    Johnson", "USS Ralph Johnson" itself) nor before one ("Ralph Johnson Park"), nor a known person's."""
    text = ctx.text
    spans: list[Span] = []
    for bare, ship in ctx.memory.ships.items():
        a = text.find(bare, start, end)
        while a >= 0:
            b = a + len(bare)
            if _bare_ship_at(ctx, a, b, start, end, taken + spans):
                spans.append(replace(ship, start=a, end=b, posts=[]))
            a = text.find(bare, b, end)
    return spans


def _bare_ship_at(ctx: Context, a: int, b: int, start: int, end: int, taken: list[Span]) -> bool:
    text = ctx.text
    if (a > 0 and (text[a - 1].isalnum() or text[a - 1] in "-’'")) or \
            (b < end and (text[b].isalnum() or text[b] == "-")):
        return False
    if any(t.start < b and a < t.end for t in taken) or _WORD_AFTER.match(text, b, end):
        return False
    before = _WORD_BEFORE.search(text, max(start, a - 40), a)
    if before and before.group(1)[:1].isupper() and (
            ctx.gazetteer.post_re.fullmatch(before.group(1)) or ctx.gazetteer.rank_re.fullmatch(before.group(1))
            or (before.start() > start and before.group(1).lower() not in NOT_NAME)):
        return False  # "Senator Ralph Johnson"; "Alongside Abraham Lincoln," starts the sentence
    return ctx.memory.persons.named(text[a:b]) is None


def person_key_map(ctx: Context) -> dict[str, str]:
    """Surname-only and shorter keys -> the fullest name introduced anywhere in the document."""
    mapping: dict[str, str] = {}
    persons = ctx.memory.persons
    for person in persons:
        for variant in {person.key, person.name}:
            mapping["person:" + normalise_name(variant)] = "person:" + normalise_name(person.name)
    for person in persons:
        if len(person.tokens) == 1:
            longer = persons.by_last_token(person.tokens[0])
            if len(longer) == 1:
                mapping["person:" + normalise_name(person.name)] = "person:" + normalise_name(longer[0].name)
    return mapping


def rekey_mention(mapping: dict[str, str], mention: Mention) -> Mention:
    """A person mention keyed to the fullest name of its person."""
    if mention.kind != "Person":
        return mention
    key = mapping.get(mention.key, mention.key)
    while key in mapping and mapping[key] != key:
        key = mapping[key]
    return replace(mention, key=key)


def rekey(mapping: dict[str, str], relation: RelationMention) -> RelationMention:
    """A relation whose person mentions are keyed to the fullest names."""
    subject = rekey_mention(mapping, relation.subject)
    obj = rekey_mention(mapping, relation.object) if relation.object else None
    return replace(relation, subject=subject, object=obj)
