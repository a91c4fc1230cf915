"""Relation family: unit hierarchy (``subOrganizationOf``), the constructions that name a unit's
place beside it rather than with a verb between two names: an apposition or predicate with the
parent's possessive ("7th Fleet, the Navy's largest numbered fleet"), a ship's flagship role
("USS X, flagship of Carrier Strike Group 3"; "the strike group, led by its flagship USS X"),
ships and units "from" a larger formation, the components a body lists in brackets ("the
Department of Defense (the Joint Staff and European Command)"), a district named after its parent
("the Corps of Engineers, Detroit District") and a list of children sharing one parent ("A, B and
C from the strike group"). Run from :func:`kg.extract.hierarchy.sentence_relations`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.context import Context
from kg.extract.lexicon import table
from kg.extract.modality import clause_modality
from kg.extract.rule import Rule, register
from kg.extract.spans import Span
from kg.model import RelationMention

_UNIT_NOUN = (r"(?:fleet|command|wing|brigade|division|unit|component|squadron|group|battalion|regiment|corps|"
              r"element|branch|office|agency|directorate|bureau|arm|formation|force|headquarters|flotilla|"
              r"detachment|subordinate|service\s+component)s?")
#: a bracketed hull number or abbreviation after a name ("USS Gravely (DDG 107)"), skipped over
_HULL = r"(?:\s*\([A-Z]{1,5}[\s\-]?\d{1,4}\))?"
_APPOS_GAP = _HULL + r"(?:,\s*(?:the\s+|a\s+|an\s+)?|\s+(?:is|was|remains|serves\s+as|" \
    r"became)\s+(?:the\s+|a\s+|an\s+|one\s+of\s+the\s+))"
_POSS_NOUN = rf"['’]s?\s+(?:[\w\-]+\s+){{0,4}}?{_UNIT_NOUN}(?![\w\-])"
_FLAGSHIP_OF = (rf"{_HULL},?\s*(?:(?:which\s+)?(?:is|was|serves\s+as|served\s+as|remains)\s+)?(?:the\s+|its\s+)?"
                r"flag\s*ship\s+(?:of|for)\s+(?:the\s+)?")
_LED_BY_FLAGSHIP = r",?\s*(?:is\s+)?led\s+by\s+(?:its|the)\s+flag\s*ship,?\s+(?:[\w\-]+\s+){0,4}?"
_FROM = r"\.?" + _HULL + r"\s*,?\s*(?:from|of)\s+(?:the\s+)?"
_BRACKET_SEP = r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)(?:the\s+)?"
_DISTRICT = r",\s+(?P<child>(?:[A-Z][a-z]+\s+){1,2}(?:District|Field\s+Office))(?=\s*[,.;)]|\s+[a-z])"
_TO_WHICH = r",\s*(?:to|under|within)\s+which\s+(?:the\s+)?"
_TO_WHICH_VERB = (r"\s+(?:(?:is|are|was|were|has\s+been|have\s+been|now|also|currently)\s+)*(?:directly\s+)?"
                  r"(?:assigned|attached|subordinated|subordinate|aligned|falls?|operates?|belongs?|sits?)\b")
_SERVES_AS = r"\s+(?:(?:also|now|currently)\s+)?(?:serves|served|acts|acted|is|was|remains)\s+as\s+(?:the|a|an|its)\s+"
_COMPONENT_FOR = r"\s+(?:for|of|to|within)\s+(?:the\s+)?"
_BOTH_OF = (r"(?:\s*\([A-Z][A-Z\d]{0,5}(?:[\s\-]\d{1,4})?\))?,\s*(?P<q>both|all|each)\s+(?:(?:now|currently)\s+)?"
            r"(?:of|from|part\s+of|assigned\s+to|attached\s+to|belonging\s+to|members\s+of|units\s+of)\s+(?:the\s+)?")
_LIST_SEP = r"\.?" + _HULL + r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?"

RULES = register(
    Rule("possessive-apposition", "hierarchy", "subOrganizationOf", (_APPOS_GAP, _POSS_NOUN), 0.75, "clause",
         ("The 4th Fleet, the Harbour Navy's oldest numbered fleet, sailed north.",
          "Task Force Lantern is the Harbour Command's newest unit.",
          "Officers of the 12th Signal Wing, Harbour Air Command's only cyber wing, met on Monday."),
         ("The 4th Fleet, the Harbour Navy's oldest rival, sailed north.",
          "Task Force Lantern is not the Harbour Command's newest unit.",
          "Task Force Lantern met the Harbour Command's newest unit.")),
    Rule("flagship-of", "hierarchy", "subOrganizationOf", (_FLAGSHIP_OF, _LED_BY_FLAGSHIP), 0.75, "clause",
         ("The carrier USS Halvorsen (CVN 81), flagship of Carrier Strike Group 14, left port.",
          "USS Brent is the flagship of the 9th Harbour Fleet.",
          "The Halvorsen Carrier Strike Group, led by its flagship USS Halvorsen, entered the strait."),
         ("The carrier USS Halvorsen (CVN 81), escorted by Carrier Strike Group 14, left port.",
          "USS Brent replaced the flagship of the 9th Harbour Fleet.")),
    Rule("from-formation", "hierarchy", "subOrganizationOf", (_FROM,), 0.7, "clause",
         ("The destroyer USS Brent (DDG 140) from the Halvorsen Carrier Strike Group reached Guam.",
          "Soldiers of the 2nd Signal Company from the 9th Harbour Brigade arrived."),
         ("The destroyer USS Brent took fuel from USNS Halvorsen.",
          "The 9th Harbour Brigade from the 2nd Signal Company arrived.")),
    Rule("bracketed-components", "hierarchy", "subOrganizationOf", (r"\s*\((?:the\s+)?", _BRACKET_SEP), 0.7, "clause",
         ("The Harbour Ministry (the Port Security Bureau, the Coast Guard Office and the Harbour Command) "
          "sent officials.",),
         ("The Harbour Ministry met the Port Security Bureau, the Coast Guard Office and the Harbour Command.",
          "The Harbour Ministry (Port Security Bureau) sent officials.")),
    Rule("district-of", "hierarchy", "subOrganizationOf", (_DISTRICT,), 0.7, "clause",
         ("The Harbour Engineer Command, Lakeside District, awarded a contract.",),
         ("The Harbour Engineer Command in Lakeside District awarded a contract.",), flags=0),
    Rule("to-which", "hierarchy", "subOrganizationOf", (_TO_WHICH, _TO_WHICH_VERB), 0.7, "clause",
         ("The 9th Harbour Brigade trained. Colonel Anna Wexford leads the Harbour Command, to which the brigade is "
          "assigned.",
          "The Harbour Command, under which Task Force Lantern falls, met on Monday."),
         ("The 9th Harbour Brigade trained. Colonel Anna Wexford leads the Harbour Command, to which the brigade "
          "sent officers.",)),
    Rule("component-command-for", "hierarchy", "subOrganizationOf", (_SERVES_AS, _COMPONENT_FOR), 0.7, "clause",
         ("The Harbour Air Command serves as the Air Component Command for USSPACECOM.",),
         ("The Harbour Air Command trained the Air Component Command for USSPACECOM.",)),
    Rule("both-of", "hierarchy", "subOrganizationOf", (_BOTH_OF,), 0.7, "clause",
         ("The 2nd Signal Company and the 4th Engineer Company, both of the 9th Harbour Brigade, left.",
          "USS Brent, USS Kell and USS Mora, all assigned to Destroyer Squadron 14, sailed."),
         ("The 2nd Signal Company and the 4th Engineer Company, both with the 9th Harbour Brigade, left.",
          "The 2nd Signal Company and the 4th Engineer Company both thanked the 9th Harbour Brigade.")),
    Rule("child-list", "hierarchy", "subOrganizationOf", (_LIST_SEP,), 0.7, "clause",
         ("The destroyers USS Brent, USS Kell and USS Mora from the Halvorsen Carrier Strike Group reached Guam.",
          "The 2nd Signal Company and the 4th Engineer Company are part of the 9th Harbour Brigade."),
         ("The Harbour Ministry and USS Mora from the Halvorsen Carrier Strike Group reached Guam.",)),
)
_APPOS = RULES["possessive-apposition"]
_FLAGSHIP = RULES["flagship-of"]
_FROM_RULE = RULES["from-formation"]
_BRACKETED = RULES["bracketed-components"]
_DISTRICT_RULE = RULES["district-of"]
_LIST_RULE = RULES["child-list"]
_BOTH = RULES["both-of"]
_COMPONENT = RULES["component-command-for"]
_SERVES_AS_RE, _COMPONENT_FOR_RE = _COMPONENT.compiled
_COMPONENT_NAME = re.compile(r"\bComponent(?:\s+Command)?$")
_WHICH = RULES["to-which"]
_TO_WHICH_RE, _TO_WHICH_VERB_RE = _WHICH.compiled
_BOTH_RE = _BOTH.compiled[0]
_APPOS_GAP_RE, _POSS_NOUN_RE = _APPOS.compiled
_FLAGSHIP_RE, _LED_BY_RE = _FLAGSHIP.compiled
_FROM_RE = _FROM_RULE.compiled[0]
_OPEN_RE, _SEP_RE = _BRACKETED.compiled
_DISTRICT_RE = _DISTRICT_RULE.compiled[0]
_LIST_RE = _LIST_RULE.compiled[0]
_NEGATED = re.compile(r"\b(?:not|never|no\s+longer)\b", re.IGNORECASE)
_SHIP = re.compile(r"(?:USS|USNS|USCGC|HMS|HMAS|HMCS|HNLMS|INS|JS|ROKS|FS|TCG|ITS|ESPS)\s")
#: pair rules whose child may be the last of a list: "A, B and C are part of Y"
_LISTED = ("part-of", "assigned-to", "from-formation", "unit-of-unit", "flagship-of")
_ORG_KINDS = ("MilitaryUnit", "GovernmentBody", "Organization", "ArmedForces")


_ECHELONS = {word: int(level) for word, level in table("echelons.tsv").items()}


def _echelon(span: Span) -> int:
    """The largest echelon word of the name or its canonical form ("ABECSG" = "... Strike Group")."""
    words = f"{span.name} {span.canonical}".replace(",", " ").split()
    return max((_ECHELONS.get(w, 0) for w in words), default=0)


def _link(ctx: Context, child: Span, parent: Span, s: int, e: int, rule: Rule, suffix: str = "") -> None:
    if child.canonical == parent.canonical or child.kind not in _ORG_KINDS or parent.kind not in _ORG_KINDS:
        return
    modality = clause_modality(ctx.text, s, min(child.start, parent.start), max(child.end, parent.end), "asserted")
    ctx.relation("subOrganizationOf", child, parent, s, e, rule.confidence, modality, rule.id + suffix)


def components(ctx: Context, s: int, e: int, orgs: list[Span]) -> None:
    """The constructions of the module's docstring over one sentence's organisations (text order)."""
    first = len(ctx.relations)
    text = ctx.text
    for i, left in enumerate(orgs):
        right = orgs[i + 1] if i + 1 < len(orgs) else None
        if right is not None:
            _adjacent_pair(ctx, left, right, s, e)
            _both_of(ctx, orgs[:i + 1], right, s, e)
            if i + 2 < len(orgs) and _COMPONENT_NAME.search(right.name):
                _component_for(ctx, left, right, orgs[i + 2], s, e)
        if text.startswith("(", left.end) or text.startswith(" (", left.end):
            _bracketed(ctx, left, orgs[i + 1:], s, e)
        district = _DISTRICT_RE.match(text, left.end, e)
        if district and right is not None and right.start == district.start("child") \
                and left.kind in ("MilitaryUnit", "GovernmentBody", "ArmedForces"):
            _link(ctx, right, left, s, e, _DISTRICT_RULE)
    _child_lists(ctx, s, e, orgs, first)


def _adjacent_pair(ctx: Context, left: Span, right: Span, s: int, e: int) -> None:
    text = ctx.text
    gap = text[left.end:right.start]
    if len(gap) > 60 or _NEGATED.search(gap):
        return
    if _APPOS_GAP_RE.fullmatch(gap) and _POSS_NOUN_RE.match(text, right.end, e):
        _link(ctx, left, right, s, e, _APPOS)
    elif _TO_WHICH_RE.fullmatch(gap) and _TO_WHICH_VERB_RE.match(text, right.end, e):
        _link(ctx, right, left, s, e, _WHICH)
    elif _FLAGSHIP_RE.fullmatch(gap) and _SHIP.match(left.name):
        _link(ctx, left, right, s, e, _FLAGSHIP)
    elif _LED_BY_RE.fullmatch(gap) and _SHIP.match(right.name):
        _link(ctx, right, left, s, e, _FLAGSHIP)
    elif _FROM_RE.fullmatch(gap) and (_SHIP.match(left.name) or _echelon(left) > 0) \
            and max(4, _echelon(left)) < _echelon(right) and not _SHIP.match(right.name):
        _link(ctx, left, right, s, e, _FROM_RULE)


def _component_for(ctx: Context, child: Span, role: Span, parent: Span, s: int, e: int) -> None:
    """"X serves as the Army Service Component Command for Y": the role's name stands between them."""
    text = ctx.text
    if _SERVES_AS_RE.fullmatch(text, child.end, role.start) \
            and _COMPONENT_FOR_RE.fullmatch(text, role.end, parent.start):
        _link(ctx, child, parent, s, e, _COMPONENT)


def _both_of(ctx: Context, before: list[Span], parent: Span, s: int, e: int) -> None:
    """"A and B, both of the 9th Brigade": the list before the comma shares the parent."""
    text = ctx.text
    last = before[-1]
    m = _BOTH_RE.fullmatch(text, last.end, parent.start)
    if m is None:
        return
    members = [last]
    for other in before[-2::-1]:
        if not _LIST_RE.fullmatch(text, other.end, members[-1].start):
            break
        members.append(other)
    if len(members) < 2 or (m.group("q").lower() == "both" and len(members) != 2):
        return
    for member in members:
        _link(ctx, member, parent, s, e, _BOTH)


def _bracketed(ctx: Context, parent: Span, after: list[Span], s: int, e: int) -> None:
    """"the Department of Defense (the Joint Staff, European Command and ...)": two or more names,
    each item of the list one whole name (an item the rules did not read whole is passed over)."""
    text = ctx.text
    m = _OPEN_RE.match(text, parent.end, e)
    close = text.find(")", parent.end, e)
    if m is None or close < 0 or close - m.end() > 300:
        return
    items, pos = [], m.end()
    for sep in _SEP_RE.finditer(text, m.end(), close):
        items.append((pos, sep.start()))
        pos = sep.end()
    items.append((pos, close))
    if len(items) < 2 or not all(text[a:a + 1].isupper() for a, _ in items):
        return  # "(the board said, and ...)": an aside, not a list of names
    whole = [o for o in after if o.end <= close and (o.start, o.end) in items]
    if len(whole) < 2:
        return
    for member in whole:
        _link(ctx, member, parent, s, e, _BRACKETED)


def _child_lists(ctx: Context, s: int, e: int, orgs: list[Span], first: int) -> None:
    """"USS A, USS B and USS C from the strike group": the children before the last share its parent."""
    text = ctx.text
    for relation in list(_sentence_relations(ctx, s, first)):
        if relation.object is None or relation.rule not in _LISTED:
            continue
        child = next((o for o in orgs if o.start == relation.subject.start), None)
        while child is not None:
            before = max((o for o in orgs if o.end <= child.start), key=lambda o: o.end, default=None)
            if before is None or not _LIST_RE.fullmatch(text, before.end, child.start) \
                    or not _alike(before, child) or before.start == relation.object.start:
                break
            parent = next((o for o in orgs if o.start == relation.object.start), None)
            if parent is None:
                break
            _link(ctx, before, parent, s, e, _LIST_RULE)
            child = before


def _sentence_relations(ctx: Context, s: int, first: int) -> Iterator[RelationMention]:
    """This sentence's hierarchy relations (the pair rules ran before this module)."""
    index = first
    while index > 0 and ctx.relations[index - 1].start == s:
        index -= 1
    yield from (r for r in ctx.relations[index:] if r.kind == "subOrganizationOf")


def _alike(a: Span, b: Span) -> bool:
    """Two names of one list: both ships, or both units of one echelon."""
    if _SHIP.match(a.name) or _SHIP.match(b.name):
        return bool(_SHIP.match(a.name) and _SHIP.match(b.name))
    return _echelon(a) == _echelon(b) > 0 or (a.kind == b.kind == "GovernmentBody")
