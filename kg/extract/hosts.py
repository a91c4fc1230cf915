"""Troop hosts and senders the sentence does not name: "contributes 600 soldiers to the mission"
(the country in the name of the last mission named), "1,000 soldiers in the country" (the other
country of the sentence or article), "deployed at the base" (where the article last placed a base)."""

from __future__ import annotations

import re

from kg.extract.context import Context, country_in_name
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, span_at

RULES = register(
    Rule("host-from-context", "troops", "troops", (
        r"\s+(?:\w+\s+){0,3}?(?:in|inside|across)\s+the\s+country\b",
        (r"\s+(?:\w+\s+){0,3}?(?:to|in|with|for)\s+the\s+(?P<noun>mission|force|operation|contingent|"
        r"battle\s*group|multinational\s+battle\s*group)\b"),
        r"\s+(?:\w+\s+){0,3}?(?:at|on|to)\s+the\s+(?:base|outpost|air\s*base|camp|garrison|facility|airport|airfield)\b"),
        0.8, "troops",
        ("Denmark and Latvia signed a pact. Denmark has 1,200 soldiers in the country.",
         "A patrol was attacked at an outpost in eastern Latvia. About 40 Danish soldiers were at the base."),
        ("Denmark and Latvia signed a pact. Denmark has 1,200 soldiers at home.",), flags=0),
    Rule("base-hosts", "troops", "troops", (
        r"\b[Tt]he\s+(?:[\w\-]+\s+)?(?:base|air\s*base|camp|garrison|outpost|facility)\s*,?\s+(?:[\w\-]+\s+){0,6}?"
        r"(?:is\s+home\s+to|hosts|houses|holds|has)\s+(?:[\w\-]+\s+){0,2}?$",), 0.75, "troops",
        ("A drone struck Camp Halvard in eastern Latvia. The camp is home to about 400 Danish soldiers.",),
        ("A drone struck Camp Halvard in eastern Latvia. The patrol met about 400 Danish soldiers.",), flags=0),
)
HOST_FROM_CONTEXT = RULES["host-from-context"]
BASE_HOSTS = RULES["base-hosts"]
_BASE_SUBJECT = BASE_HOSTS.compiled[0]
_IN_COUNTRY, _MISSION, _AT_BASE = HOST_FROM_CONTEXT.compiled
_WITH_UNIT = re.compile(r"\s+(?:\w+\s+){0,2}?(?:with|in|as\s+part\s+of)\s+(?:the\s+)?")
_BASE_IN = re.compile(r"\b(?i:base|air\s*base|outpost|camp|garrison|airport|airfield)\b[^.;]{0,60}?\b(?:in|near)\s+"
                      r"(?:the\s+)?"
                      r"(?:(?:north|south|east|west)(?:ern|east|west|eastern|western)?\s+|central\s+)?")
_IN_BEFORE = re.compile(r"\bin\s+(?:the\s+)?$")
_TO_AFTER = re.compile(r"\s+(?:\w+\s+){0,4}?(?:to|into)\s")
_TOWN = re.compile(r"[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)?,\s+")


def host_from_context(ctx: Context, after: str, pos: int, spans: list[Span], sender: Span | None) -> Span | None:
    """The host named elsewhere: "contributes 600 soldiers to the mission" (the country in the
    name of the last mission or force: "Kosovo Force"), "serve with NATO Mission Iraq", "has
    1,000 soldiers in the country" (the last other country of the sentence), "are deployed at
    the base" (the country the article last placed a base in)."""
    unit = _WITH_UNIT.match(after)
    named = span_at(spans, pos + unit.end()) if unit else None
    if named is not None and named.kind not in ("Person", "Country") and country_in_name(ctx.gazetteer, named):
        return ctx.country_span(country_in_name(ctx.gazetteer, named) or "", pos)
    if _IN_COUNTRY.match(after):
        return _other_country(ctx, spans, pos, sender)
    if _MISSION.match(after):
        org = ctx.memory.organisations.national
        if org is not None:
            return ctx.country_span(country_in_name(ctx.gazetteer, org) or org.country or "", pos)
        # else where the article placed it: its first country that is not the sender
        return ctx.first_other_country(sender, pos)
    placed = _placed_host(ctx, after, pos, spans, sender) if sender is not None else None
    if placed is not None:
        return placed
    if _AT_BASE.match(after) and ctx.memory.base_country is not None:
        return ctx.country_span(ctx.memory.base_country.name, pos)
    return None


def base_subject_host(ctx: Context, sent_start: int, count_start: int) -> Span | None:
    """"The camp is home to about 4,000 American personnel": the country the article placed the base in."""
    if ctx.memory.base_country is None or not _BASE_SUBJECT.search(ctx.text, max(sent_start, count_start - 120),
                                                                 count_start):
        return None
    return ctx.country_span(ctx.memory.base_country.name, count_start)


def _placed_host(ctx: Context, after: str, pos: int, spans: list[Span], sender: Span) -> Span | None:
    """"NATO's battlegroup in Romania, led by France, has grown to about 1,000 French troops"."""
    placed = [c for c in spans if c.end <= pos and c.known is not None and c.known.kind == "Country"
              and c.known is not sender.known and _IN_BEFORE.search(ctx.text[max(0, c.start - 8):c.start])
              and pos - c.end < 80]
    if placed and not _TO_AFTER.match(after):
        return placed[-1]
    return None


def _other_country(ctx: Context, spans: list[Span], pos: int, sender: Span | None) -> Span | None:
    """"... in the country": the last country of the sentence that is not the sender, else the
    first the article named."""
    before = [c for c in spans if c.end <= pos and c.known is not None and c.known.kind == "Country"]
    # the sending country is the sender, or else the clause's first country ("France keeps ...")
    senders = {sender.known if sender is not None else before[0].known} if before else set()
    others = [c for c in before if c.known not in senders]
    if others:
        return others[-1]
    # else the first country the article named that is not the sender: the one it is about
    return ctx.first_other_country(sender or (before[0] if before else None), pos)


def remember_bases(ctx: Context, start: int, end: int, spans: list[Span]) -> None:
    """"a small outpost in northeastern Jordan": where "the base" of a later sentence is."""
    for m in ctx.finditer(_BASE_IN, start, end):
        town = _TOWN.match(ctx.text[m.end():end])  # "in Tripoli, Libya"
        country = span_at(spans, m.end()) or (span_at(spans, m.end() + town.end()) if town else None)
        if country is not None and country.known is not None and country.known.kind == "Country":
            ctx.memory.base_country = country.known


def sender_of_force(ctx: Context, spans: list[Span], start: int, end: int) -> Span | None:
    """"2,500 U.S. Marines": the country of a national force named in the troop phrase."""
    for span in spans:
        if start <= span.start and span.end <= end and span.kind != "Person" and span.country:
            found = ctx.gazetteer.lookup(span.country)
            if found and found[0].kind == "Country":
                return Span("Country", span.name, span.start, span.end, known=found[0], demonym=True,
                            country=found[0].name)
    return None
