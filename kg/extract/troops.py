"""Relation family: troop deployments (``troops``): a count of troops, the country that sends them
and the country that hosts them. "About 2,500 US troops are in Iraq", "Germany hosts 35,000 U.S.
service members", "... where the United States keeps 4,000 troops", "... including 900 in Syria".
Where the sentence does not name the host, :mod:`kg.extract.hosts` looks for it in the article."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.hosts import BASE_HOSTS, HOST_FROM_CONTEXT, base_subject_host, host_from_context, sender_of_force
from kg.extract.modality import clause_modality, troop_modality
from kg.extract.patterns import HEDGES, TROOP_NOUNS
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, span_at
from kg.extract.text import NUMBER_PATTERN, parse_number
from kg.model import Modality

#: "an 800-strong battalion": after "-strong" a unit counts its troops
_STRONG_UNIT = (r"(?<=\d-strong\s)(?:[\w\-]+\s+){0,2}?"
                r"(?:battalion|battlegroup|battle\s+group|brigade|company|force|unit|"
                r"task\s+force|mission|detachment|regiment)")
_TROOPS = (rf"(?<![\w,.])(?:(?P<hedge>{HEDGES})\s+)?(?P<count>{NUMBER_PATTERN})"
           rf"(?:\s+(?:more|additional|extra|fresh|new|other|further))?"
           rf"(?P<np>(?:\s+(?!\d)[\w.’'\-]+){{0,5}}?)\s*(?:-|\s)(?:strong\s+)?(?P<noun>{TROOP_NOUNS}|{_STRONG_UNIT})\b")
_IN_HOST = (r"(?:\s+(?:\w+ly\s+)?(?:are|were|is|remain|remained|will\s+remain|stay|stayed|are\s+still|still|"
            r"currently|now|"
            r"based|stationed|deployed|serving|serve|served|positioned|posted|permanently|rotating|rotate|already|present|"
            r"be|been|being|sent|moved|dispatched|heading|headed|go|going|to\s+be|would\s+be|will\s+be|"
            r"arrived|arrive|arrives|arriving|begun\s+arriving|began\s+arriving|landed|have|has|"
            r"which\s+are|that\s+are|who\s+are|in\s+total|in\s+all|there|it\s+has|it\s+keeps|back))*"
            r"\s+(?:in|to|into|inside|at|across|throughout|on\s+the\s+ground\s+in|within|on)\s+(?:the\s+)?")
_ELLIPTICAL = (rf"(?:\s*,\s*(?:its|their|the|a|an)\s+[^,.;()]{{1,60}}?(?=,))?(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
               rf"(?:(?P<hedge>{HEDGES})\s+)?(?P<count>{NUMBER_PATTERN})\s+(?:(?:more|others?)\s+)?"
               rf"(?:(?:are|were|remain|still)\s+)?(?:(?:stationed|deployed|based)\s+)?(?:in|to|inside)\s+(?:the\s+)?"
               rf"(?:(?:neighbou?ring|nearby|northern|southern|eastern|western|north-?eastern|north-?western|south-?eastern|"
               rf"south-?western|central)\s+)?")
_INCLUDED = (rf"[^.;]{{0,60}}?,?\s+including\s+(?:(?P<hedge>{HEDGES})\s+)?(?P<count>{NUMBER_PATTERN})\s+"
             r"(?:in|inside)\s+(?:the\s+)?")

#: "... 700 soldiers in Latvia. About 150 are in Estonia": a count with no noun continues the last one
_CONTINUED = (rf"(?:(?P<hedge>{HEDGES})\s+)?(?P<count>{NUMBER_PATTERN})\s+(?:more\s+|others?\s+|of\s+them\s+)?"
              r"(?:are|were|remain|remained|will\s+be|stay|are\s+still)\s+(?:(?:now|currently|still|permanently)\s+)?"
              r"(?:(?:stationed|deployed|based|serving|posted)\s+)?(?:in|at|inside)\s+(?:the\s+)?")

RULES = register(
    Rule("count-in-host", "troops", "troops", (_TROOPS, _IN_HOST), 0.8, "troops",
         ("About 3,200 Danish troops are stationed in Latvia.",
          "Some 800 Canadian soldiers remain in Kuwait, officials said.",
          "Denmark has sent an 800-strong mechanised battalion to Latvia.",
          "About 300 Danish peacekeepers serve in Kosovo.",
          "Nearly 900 Danish soldiers arrived in Latvia on Monday.",
          "About 400 Danish troops have begun arriving in Latvia."),
         ("About 3,200 Danish tourists are in Latvia.", "In 2019 Danish troops visited Latvia.",
          "About 900 Danish soldiers arrived home from Latvia on Monday.")),
    Rule("count-in-host-elliptical", "troops", "troops", (_ELLIPTICAL,), 0.75, "troops",
         ("Norway keeps roughly 700 soldiers in Latvia and about 150 in Estonia.",
          ("Norway keeps roughly 700 soldiers in Latvia, its largest base abroad, about 150 in Estonia and 90 "
           "in Poland.")),
         ("Norway keeps roughly 700 soldiers in Latvia and visits Estonia.",)),
    Rule("included-count", "troops", "troops", (_INCLUDED,), 0.75, "troops",
         ("Norway keeps about 2,000 Norwegian troops across the Baltic region, including 700 in Latvia.",),
         ("Norway keeps about 2,000 Norwegian troops across the Baltic region.",)),
    Rule("count-continued", "troops", "troops", (_CONTINUED,), 0.7, "troops",
         ("Denmark keeps about 700 soldiers in Latvia. About 150 are in Estonia, officials said.",),
         ("Denmark keeps about 700 soldiers in Latvia. About 150 visited Estonia, officials said.",
          "About 150 are in Estonia, officials said.")),
    Rule("sender-from-article", "troops", "troops", (r".",), 0.6, "troops",
         ("Denmark's defence minister spoke on Monday. About 700 soldiers are stationed in Latvia, officials said.",),
         ("About 700 soldiers are stationed in Latvia, officials said.",), flags=0),
    Rule("host-hosts", "troops", "troops", (r"\b(?:hosts?|hosted|hosting|is\s+home\s+to|houses)\b",), 0.8, "troops",
         ("Latvia hosts about 1,200 Danish troops.",),
         ("Latvia thanked about 1,200 Danish troops.",)),
    Rule("where-deployed", "troops", "troops", (r"\bwhere\s+(?:[\w.’'\-]+\s+){0,5}$",), 0.8, "troops",
         ("The talks were held in Latvia, where Denmark keeps about 1,200 troops.",),
         ("The talks were held in Latvia, and Denmark praised its 1,200 troops.",), flags=0),
)
_COUNT_IN_HOST, _ELLIPTICAL_RULE, _INCLUDED_RULE, _HOSTS, _WHERE = (
    RULES[k] for k in ("count-in-host", "count-in-host-elliptical", "included-count", "host-hosts", "where-deployed"))
_TROOP_RE, _HOST_RE = _COUNT_IN_HOST.compiled
_CONTINUED_RULE = RULES["count-continued"]
_FROM_ARTICLE = RULES["sender-from-article"]
_CONFIDENCE = {r.id: r.confidence for r in (*RULES.values(), HOST_FROM_CONTEXT, BASE_HOSTS)}
_CONTINUED_RE = _CONTINUED_RULE.compiled[0]
_ELLIPTICAL_RE = _ELLIPTICAL_RULE.compiled[0]
_INCLUDED_RE = _INCLUDED_RULE.compiled[0]
_TROOP_NOUN_RE = re.compile(rf"\b(?:{TROOP_NOUNS})\b|-strong\b", re.IGNORECASE)
_NP_ALLOWED = re.compile(r"^(?:\s+(?:[A-Z][\w.’'\-]*|U\.S\.|US|more|additional|extra|combat|ground|active-duty|"
                         r"active\s+duty|military|rotational|regular|coalition|allied|NATO|elite|special|"
                         r"operations|army|navy|air|force|marine|naval|strong|and|of\s+its|of\s+their|of\s+the))*$",
                         re.IGNORECASE)
_PLACE_BEFORE_HOST = re.compile(
    r"(?:(?:north|south|east|west|northern|southern|eastern|western|north-?eastern|"
    r"north-?western|south-?eastern|south-?western|central)\s+"
    r"|(?:[A-Z][\w’'\-]*\s+){1,6}(?:in|near|outside)\s+(?:the\s+)?"
    r"|(?:its|their|the|a|an)\s+(?:[\w\-]+\s+){0,3}?(?:base|bases|air\s*base|garrison|camp|"
    r"facility|outpost|headquarters)\s+(?:in|near|at|outside)\s+(?:the\s+)?)")
_MONEY_BEFORE = re.compile(r"(?:\$|€|£|per\s*cent|%)\s*$")
_SHARE_AFTER = re.compile(r"\s*(?:%|per\s*cent|percent)")
_TOWN = re.compile(r"[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)?,\s+")
_SENDS = re.compile(r"\b(?:keeps?|kept|has|had|have|maintains?|maintained|sent|sends?|send|deployed|deploys?|deploy|"
                    r"stations?|stationed|bases?|contributes?|contributed|will\s+send|pledged|dispatched|"
                    r"moved|rotates?|withdr[ae]w|pull|pulled|cut|reduce|reduced|plans?\s+to|would|announced)\b",
                    re.IGNORECASE)


def troop_relations(ctx: Context, sent_start: int, sent_end: int, spans: list[Span]) -> None:
    """Every troop count of the sentence with a sender and a host."""
    text = ctx.text
    countries = [s for s in spans if s.known is not None and s.known.kind == "Country"]
    national = countries or [s for s in spans if s.country]
    if countries:
        _continued(ctx, countries, sent_start, sent_end)
    if not national or not _TROOP_NOUN_RE.search(text, sent_start, sent_end):
        return  # most sentences: no troops, or no country to send or host them
    for m in _TROOP_RE.finditer(text, sent_start, sent_end):
        count = _count(text, m, sent_start)
        if count is None:
            continue
        sender = _sender_in_phrase(ctx, m, countries, spans)
        after = text[m.end():sent_end]
        host, rule = _host(ctx, m, after, countries, spans, sender, sent_start, sent_end)
        if host is None:
            # "about 40,000 American troops across the Middle East, including roughly 2,500 in Iraq and 900 in Syria"
            if sender is not None:
                _included_troops(ctx, sender, m, countries, sent_start, sent_end)
            continue
        sender = sender or _subject_sender(text, m, countries, host)
        if sender is None:
            sender, rule = _article_sender(ctx, m, countries, host), _FROM_ARTICLE.id
        if sender is None or sender.known is host.known:
            continue
        modality = troop_modality(text, sent_start, m, after)
        ctx.troops(sender, host, count, m.group("hedge"), sent_start, sent_end, _CONFIDENCE.get(rule, 0.8), modality,
                   rule)
        if rule == _COUNT_IN_HOST.id:
            _elliptical(ctx, sender, host, countries, modality, sent_start, sent_end)


def _continued(ctx: Context, countries: list[Span], sent_start: int, sent_end: int) -> None:
    """"Denmark keeps 700 soldiers in Latvia. About 150 are in Estonia": the sender of the
    article's last troop count (in the sentence before), a new host."""
    m = _CONTINUED_RE.match(ctx.text, sent_start, sent_end)
    host = span_at(countries, m.end()) if m else None
    count = parse_number(m.group("count")) if m else None
    if m is None or host is None or not count or count < 2:
        return
    last = next((r for r in reversed(ctx.relations) if r.kind == "troops"), None)
    host_name = host.known.name if host.known else None
    if last is None or last.end < sent_start - 400 or last.subject.canonical == host_name:
        return
    sender = ctx.country_span(last.subject.canonical or last.subject.name, sent_start)
    if sender is not None:
        # "150 more are in Estonia": "more" adds to the count before, it plans nothing
        modality = clause_modality(ctx.text, sent_start, m.start(), m.end(), "asserted")
        ctx.troops(sender, host, count, m.group("hedge"), sent_start, sent_end, _CONTINUED_RULE.confidence, modality,
                   _CONTINUED_RULE.id)


def _article_sender(ctx: Context, m: re.Match[str], countries: list[Span], host: Span) -> Span | None:
    """"About 700 soldiers are stationed in Latvia": no sender in the sentence, so the country the
    article is about, when that is not the host and the sentence names no other country."""
    if any(c.known is not host.known for c in countries):
        return None
    main = ctx.memory.main_country()
    if main is None or main is host.known:
        return None
    return ctx.country_span(main.name, m.start())


def _elliptical(ctx: Context, sender: Span, host: Span, countries: list[Span], modality: Modality,
                sent_start: int, sent_end: int) -> None:
    """"roughly 2,500 troops in Iraq and about 900 in Syria": the same sender, a second host."""
    more = _ELLIPTICAL_RE.match(ctx.text, host.end, sent_end)
    if not more:
        return
    second = span_at(countries, more.end())
    extra = parse_number(more.group("count"))
    if second is not None and extra and extra >= 2 and second.known is not sender.known:
        ctx.troops(sender, second, extra, more.group("hedge"), sent_start, sent_end,
                   _ELLIPTICAL_RULE.confidence, modality, _ELLIPTICAL_RULE.id)
        _elliptical(ctx, sender, second, countries, modality, sent_start, sent_end)  # "..., 600 in A and 350 in B"


def _sender_in_phrase(ctx: Context, m: re.Match[str], countries: list[Span], spans: list[Span]) -> Span | None:
    """The sending country named inside the troop phrase: "2,500 US troops", "2,500 U.S. Marines"."""
    in_np = [c for c in countries if m.start("count") <= c.start and c.end <= m.start("noun") + 1]
    return in_np[-1] if in_np else sender_of_force(ctx, spans, m.start("count"), m.end("noun"))


def _count(text: str, m: re.Match[str], sent_start: int) -> int | None:
    """The count of a troop phrase, or None when it is no count of troops (a year, money, a share)."""
    if not _NP_ALLOWED.match(m.group("np") or ""):
        return None
    count = parse_number(m.group("count"))
    if not count or count < 2 or count > 2_000_000:
        return None
    if re.match(r"(?:19|20)\d\d$", m.group("count")) and "," not in m.group("count"):
        return None  # a year, not a count
    before = text[max(sent_start, m.start() - 25):m.start()]
    if _MONEY_BEFORE.search(before) or _SHARE_AFTER.match(text, m.end("count")):
        return None
    return count


def _host(ctx: Context, m: re.Match[str], after: str, countries: list[Span], spans: list[Span], sender: Span | None,
          sent_start: int, sent_end: int) -> tuple[Span | None, str]:
    """The host of a troop count and the rule that found it."""
    host = None
    host_match = _HOST_RE.match(after)
    if host_match:
        host = _host_at(ctx.text, m.end() + host_match.end(), countries, sent_end)
    if host is not None:
        return host, _COUNT_IN_HOST.id
    host = host_from_context(ctx, after, m.end(), spans, sender)
    if host is not None:
        return host, HOST_FROM_CONTEXT.id
    host = base_subject_host(ctx, sent_start, m.start())
    if host is not None:
        return host, BASE_HOSTS.id
    return _host_in_clause(ctx.text, m, after, countries, sent_start)


def _host_at(text: str, pos: int, countries: list[Span], sent_end: int) -> Span | None:
    """The country at ``pos``, or a little after: "in northeastern Syria", "at an airport in Kabul"."""
    host = span_at(countries, pos)
    if host is not None:
        return host
    skip = _PLACE_BEFORE_HOST.match(text[pos:sent_end])
    if not skip:
        return None
    host = span_at(countries, pos + skip.end())
    town = _TOWN.match(text[pos + skip.end():sent_end])
    if host is None and town:  # "in Gyumri, Armenia"
        host = span_at(countries, pos + skip.end() + town.end())
    return host


def _host_in_clause(text: str, m: re.Match[str], after: str, countries: list[Span],
                    sent_start: int) -> tuple[Span | None, str]:
    """"Germany hosts some 35,000 U.S. service members", "..., where the United States keeps 4,000"."""
    clause = text[sent_start:m.start()]
    subject = [c for c in countries if c.end <= m.start() and not c.demonym]
    if subject:
        verb = text[subject[-1].end:m.start()]
        if _HOSTS.compiled[0].search(verb) or \
                (re.search(r"^\s+(?:has|had|now\s+has)\b", verb, re.IGNORECASE)
                 and re.match(r"[^.]*?\bon\s+(?:its|their)\s+(?:soil|territory)", after)):
            return subject[-1], _HOSTS.id
    if re.match(r"\s+(?:are|were|is)?\s*(?:deployed|based|stationed)", after) and re.search(r",?\s*where\s+$", clause):
        region = [c for c in countries if c.end <= m.start()]
        if region:
            return region[-1], _WHERE.id
    where = _WHERE.compiled[0].search(text[max(sent_start, m.start() - 60):m.start()])
    if where:
        # "Camp Lemonnier in Djibouti, where the United States keeps about 4,000 troops"
        at = max(sent_start, m.start() - 60) + where.start()
        region = [c for c in countries if c.end <= at]
        if region:
            return region[-1], _WHERE.id
    return None, _COUNT_IN_HOST.id


def _subject_sender(text: str, m: re.Match[str], countries: list[Span], host: Span) -> Span | None:
    """"X keeps/has/sent about 1,500 troops in Y": the country that is the clause's subject."""
    subject = [c for c in countries if c.end <= m.start() and c is not host and c.known is not host.known]
    if subject:
        verb = text[subject[-1].end:m.start()]
        if _SENDS.search(verb) and len(verb) < 80:
            return subject[-1]
    return None


def _included_troops(ctx: Context, sender: Span, m: re.Match[str], countries: list[Span], sent_start: int,
                     sent_end: int) -> None:
    text = ctx.text
    included = _INCLUDED_RE.match(text, m.end(), sent_end)
    if included is None:
        return
    modality = troop_modality(text, sent_start, m, text[m.end():sent_end])
    pos = included.end()
    hedge, count = included.group("hedge"), parse_number(included.group("count"))
    while True:
        host = span_at(countries, pos)
        if host is None or not count or count < 2 or sender.known is host.known:
            return
        ctx.troops(sender, host, count, hedge, sent_start, sent_end, _INCLUDED_RULE.confidence, modality,
                   _INCLUDED_RULE.id)
        more = _ELLIPTICAL_RE.match(text, host.end, sent_end)
        if more is None:
            return
        pos, hedge, count = more.end(), more.group("hedge"), parse_number(more.group("count"))
