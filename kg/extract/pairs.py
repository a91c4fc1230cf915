"""Relations stated by the words between two mentions of one sentence: every ordered pair of
mentions close enough, the words between them normalised, then the relation families' rules in a
fixed order (command, reporting, hierarchy); the first rule that reads the pair wins."""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract import command, hierarchy, reporting
from kg.extract.context import Context
from kg.extract.patterns import ABBREVIATION, POSSESSIVE
from kg.extract.spans import Span, mention_of, span_at

_OWNER_BEFORE = re.compile(r"\b[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,3}['’]s $")
_ASIDE = re.compile(r"^,(?!\s*(?:whose|its)\b)\s*(?:(?:who|which)\b[^,]*|(?:the\s+|a\s+|an\s+)?[^,]{1,80}?)\s*,\s*")
_JOINED = re.compile(r"\s*,?\s+and\s+(?:of\s+)?(?:the\s+)?")


def verb_relations(ctx: Context, sent_start: int, sent_end: int, spans: list[Span]) -> None:
    """Relations stated by a verb between two mentions of one sentence."""
    text = ctx.text
    ordered = sorted(spans, key=lambda s: s.start)
    # "the U.S. Marine Corps' III Marine Expeditionary Force": the owned organisation is the one meant
    owner: dict[int, Span] = {}
    for span in ordered:
        poss = POSSESSIVE.match(text, span.end)
        owned = span_at(ordered, poss.end()) if poss and span.kind != "Person" else None
        if owned is not None and owned.kind not in ("Person", "Country"):
            owner[id(owned)] = span
    first = len(ctx.relations)
    owners = {id(o) for o in owner.values()}
    for i, left in enumerate(ordered):
        for right in ordered[i + 1:]:
            if id(right) in owners:
                continue
            head = owner.get(id(right))
            between = text[left.end:(head.start if head is not None and head.start >= left.end else right.start)]
            # the abbreviations are blanked only to find a full stop: without one there is none to find
            if (len(between) > 90 and not _short_past_aside(between)) \
                    or ("." in between and "." in ABBREVIATION.sub("", between)):
                continue
            pair(ctx, left, right, between, sent_start, sent_end)
    _joined_objects(ctx, first, ordered, sent_end)


def _short_past_aside(between: str) -> bool:
    """"Brunson, who most recently led the I Corps at ..., also took charge of": a long aside set
    between commas leaves a short verb phrase."""
    if not between.startswith(","):
        return False
    close = between.find(",", 1)  # found, not matched: far pairs are many
    return 0 < close <= 130 and len(between) - close <= 90


def _joined_objects(ctx: Context, first: int, ordered: list[Span], sent_end: int) -> None:
    """"leads the United Nations Command and the Combined Forces Command": both are led."""
    text = ctx.text
    for relation in ctx.relations[first:]:
        if relation.kind in ("headOf", "subOrganizationOf") and relation.object is not None:
            joined = _JOINED.match(text[relation.object.end:sent_end])
            other = span_at(ordered, relation.object.end + joined.end()) if joined else None
            if other is not None and other.kind not in ("Person", "Country"):
                ctx.relations.append(replace(relation, object=mention_of(other), rule=relation.rule + "+and"))


def pair(ctx: Context, left: Span, right: Span, between: str, s: int, e: int) -> None:
    """Run the relation rules, in order, over one pair of mentions and the words between them."""
    lp, rp = left.kind == "Person", right.kind == "Person"
    lo = left.kind not in ("Person", "Country")
    ro = right.kind not in ("Person", "Country")
    b = " ".join(between.split()) + " "  # patterns end in whitespace before the right mention
    whole = b  # before a "who/which" clause is set aside: it may be the relation itself
    if ro:
        # "commands the Army's Training and Doctrine Command": the owner is not part of the verb phrase
        b = _OWNER_BEFORE.sub("", b)
    if lp or lo:
        # "Kurilla, who previously commanded the XVIII Airborne Corps, reports to Austin"
        b = _ASIDE.sub("", b)
    if lp and ro and (command.person_heads(ctx, left, right, b, s, e) or right.kind != "Post"):
        return
    if lo and rp and (command.which_person_leads(ctx, left, right, b, s, e)
                      or command.led_by(ctx, left, right, b, whole, s, e)):
        return
    if lp and (rp or right.kind == "Post"):
        # "Ianni, took up the post in May and reports to ...": what looked like an aside is the verb phrase
        if not reporting.reports_to(ctx, left, right, b, s, e) and whole != b and " and " in whole:
            reporting.reports_to(ctx, left, right, whole, s, e)
        return
    if lo and ro:
        hierarchy.part_of(ctx, left, right, b, s, e)
