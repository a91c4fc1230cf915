"""Relation family: unit hierarchy (``subOrganizationOf``) between organisations of one sentence.

Pairs (run by :mod:`kg.extract.pairs`): "X falls under Y", "X is part of Y", "X is assigned to Y",
"X, a subordinate command of Y", "X serves as the component command for Y", "Y's X" (the Army's
division). Over the whole sentence: membership lists ("X consists of A, B and C", "X includes A
and B", with a nested "B, which includes D and E"), and comma chains of unit titles ("2nd Company,
1st Battalion, 3rd Brigade": each belongs to the next larger one, and a trailing "attached to Y"
to the first)."""

from __future__ import annotations

import re
from itertools import pairwise

from kg.extract.components import components
from kg.extract.context import Context
from kg.extract.lexicon import table
from kg.extract.modality import clause_modality
from kg.extract.rule import Rule, register
from kg.extract.spans import Span

_MEMBER_VERB = (r"(?:consists?|consisted|consisting)\s+of|(?:is|are|was|were)\s+(?:comprised|composed|made\s+up)\s+of|"
                r"comprises|comprised|comprising|includes?|included")
_ALL_OF_PATTERN = (r",\s*(?:all|both|each)\s+(?:of\s+(?:them|which)\s+|two\s+|three\s+|four\s+|five\s+)?"
                   r"(?:components?|parts?|units?|branches|elements|arms|formations)\s+of\s+(?:the\s+)?")
_SUB_BODY_PATTERN = (r"(?P<child>(?:[A-Z][\w\-]*\s+)+"
                     r"(?:Directorate|Office|Bureau|Section|Branch|Unit|Sub-?[Cc]ommittee)|"
                     r"(?:Directorate|Office|Bureau)\s+(?:of|for)\s+(?:[A-Z][\w\-]*\s+){0,4}[A-Z][\w\-]*)"
                     r"\s+(?P<joint>of|for)\s+(?:the\s+)?"
                     r"(?P<parent>(?:[A-Z][\w\-]*\s+)*(?:Ministry|Department|Police|Army|Navy|Forces|Agency|Command|Guard|Committee|Council|Commission)"
                     r"(?:\s+of\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)?)$")
RULES = register(
    Rule("part-of", "hierarchy", "subOrganizationOf", (
        (r",?\s*(?:(?:which|that)\s+)?(?:(?:is|are|was|were|remains|now|also|itself|currently|temporarily|has\s+been|"
        r"have\s+been)\s+)*"
        r"(?:(?:falls?|fell|comes?|came|operates?|operated|sits?|placed|is\s+placed)\s+under\s+(?:the\s+)?(?:command\s+of\s+|authority\s+of\s+|control\s+of\s+|umbrella\s+of\s+)?(?:the\s+)?"
        r"|(?:reports?|reported|answers?)\s+(?:directly\s+)?to\s+(?:the\s+)?"
        r"|(?:(?:a|an|the|one)\s+)?(?:(?:\w+|of\s+the)\s+){0,2}?(?:part|component|subordinate\s+(?:command|unit|headquarters|formation)|"
        r"subordinate|unit|arm|branch|element|division|wing|command|formation|service|headquarters|subsidiary|section)\s+(?:of|within|under|to)\s+(?:the\s+)?"
        r"|belongs?\s+to\s+(?:the\s+)?|(?:is|are)\s+under\s+(?:the\s+)?)"),), 0.75, "clause",
        ("Task Force Lantern falls under the Harbour Command.",
         "Task Force Lantern is part of the Harbour Command.",
         "Task Force Lantern is commanded by Colonel Anna Wexford and falls under the Harbour Command."),
        ("Task Force Lantern is no longer part of the Harbour Command.",
         "Task Force Lantern trained with the Harbour Command.")),
    Rule("assigned-to", "hierarchy", "subOrganizationOf", (
        (r"\s*(?:(?:is|are|was|were|has\s+been|have\s+been|remains|now|currently|temporarily|permanently|also)\s+)+"
         r"(?:assigned|attached|subordinated|subordinate|aligned)\s+(?:directly\s+)?(?:to|under)\s+(?:the\s+)?"
         r"|,\s*(?:(?:now|currently|temporarily|permanently)\s+)?(?:assigned|attached|subordinated)\s+(?:directly\s+)?to\s+(?:the\s+)?"
         r"|,?\s*under\s+(?:the\s+)?"
         r"|,?\s*(?:(?:which|that)\s+)?(?:(?:was|were|is|are|has\s+been|have\s+been|newly|recently)\s+)*"
         r"(?:set\s+up|created|established|formed|stood\s+up|housed)\s+(?:within|inside|under)\s+(?:the\s+)?"
         r"|\s*(?:serves|served|acts|acted)\s+as\s+(?:the|a|an)\s+(?:[\w\-]+\s+){0,5}?(?:component|element)\s+"
         r"(?:command\s+)?(?:for|of|to|within)\s+(?:the\s+)?"),), 0.75, "clause",
         ("The 3rd Signal Company is assigned to the 9th Harbour Brigade.",
          "The Port Logistics Office under the Harbour Command awarded a contract.",
          "The Harbour Air Command serves as the air component command for the Joint Harbour Command.",
          "The frigate HNLMS Brent (F 804), assigned to the Harbour Fleet, left port.",
          "The Port Logistics Office, under the Harbour Command, awarded a contract.",
          "The Port Logistics Office was set up within the Harbour Command in May."),
         ("The 3rd Signal Company is assigned a new role by the 9th Harbour Brigade.",
          "The frigate HNLMS Brent (F 804), escorted by the Harbour Fleet, left port.",
          "The Port Logistics Office was set up beside the Harbour Command in May.",
          "The Port Logistics Office thanked the Harbour Command.")),
    Rule("possessive-unit", "hierarchy", "subOrganizationOf", (r"(?:['’]s|(?<=s)['’])\s",), 0.7, "clause",
         ("Soldiers of the Harbour Command's 9th Logistics Brigade left.",
          "Pilots of Harbour Air Group 12's Patrol Squadron 41 landed."),
         ("Soldiers of the Harbour Command and the 9th Logistics Brigade left.",)),
    Rule("unit-of-unit", "hierarchy", "subOrganizationOf", (r"\s*of\s+(?:the\s+)?",), 0.75, "clause",
         ("Soldiers of the 2nd Battalion of the 9th Harbour Brigade left.",
          "The Granite Brigade of the 3rd Harbour Division moved north."),
         ("Soldiers of the 9th Harbour Brigade of the 2nd Battalion left.",)),
    Rule("member-list", "hierarchy", "subOrganizationOf", (rf"\s+(?:{_MEMBER_VERB})\s+(?:the\s+)?",), 0.75, "clause",
         ("Task Force Lantern consists of the 3rd Signal Company, the 4th Engineer Company and USS Halvorsen "
          "(DDG 131).",
          "The Harbour Brigade includes the 3rd Signal Company and the 4th Engineer Company.",
          "Task Force Lantern consists of Patrol Squadron (VP) 41, which includes USS Halvorsen and USS Brent.",
          ("Carrier Strike Group 4 sailed. The carrier strike group includes the Navy's forward-deployed carrier "
           "USS Halvorsen and the embarked Carrier Air Wing (CVW) 8.")),
         ("Task Force Lantern met the 3rd Signal Company, the 4th Engineer Company and USS Halvorsen.",
          "The Harbour Command includes officers from the 4th Signal Battalion.",
          "Task Force Lantern does not include the 4th Signal Battalion.")),
    Rule("all-components-of", "hierarchy", "subOrganizationOf", (_ALL_OF_PATTERN,), 0.7, "clause",
         (("Officers led the Harbour Command, the Coastal Command and the Air Command, all of them components "
           "of the Joint Harbour Command."),),
         (("Officers led the Harbour Command, the Coastal Command and the Air Command, all of them visitors "
           "of the Joint Harbour Command."),)),
    Rule("sub-body-of", "hierarchy", "subOrganizationOf", (_SUB_BODY_PATTERN,), 0.7, "clause",
         ("The Political Directorate of the Harbour Ministry of Transport issued a rule.",
          "The Port Security Sub-Committee of the Harbour Consultative Committee met.",
          "She led the Bureau of Port Security for the Harbour Ministry.",
          "The Bureau of Port Security at the Harbour Ministry approved the sale."),
         ("The Ministry of Transport issued a rule.",
          "She led the Bureau of Port Security with the Harbour Ministry.",
          "The Bureau of Port Security met at the Harbour Ministry.")),
    Rule("unit-chain", "hierarchy", "subOrganizationOf", (r",\s*",), 0.7, "clause",
         ("The award went to the 2nd Signal Company, 4th Signal Battalion, 9th Harbour Brigade.",
          "Soldiers of the 2nd Signal Company, 4th Signal Battalion, attached to the 9th Harbour Brigade, left."),
         ("The award went to the 2nd Signal Battalion, 4th Signal Company and the 9th Harbour Brigade.",)),
)
_PART_OF, _ASSIGNED, _POSSESSIVE, _OF_UNIT, _MEMBERS, _CHAIN, _ALL, _SUB_BODY = (RULES[k] for k in (
    "part-of", "assigned-to", "possessive-unit", "unit-of-unit", "member-list", "unit-chain", "all-components-of",
    "sub-body-of"))
_SUB_BODY_RE = re.compile(_SUB_BODY_PATTERN)
#: rules that read a unit's place from its name alone ("the Harbour Command's 9th Brigade")
_NAMED = (_POSSESSIVE, _SUB_BODY, _OF_UNIT)
_SUB_COMMITTEE = re.compile(r"Sub-?[Cc]ommittee$")
_SUB_BODY_HEAD = re.compile(r"(?:Directorate|Office|Bureau)\b")
_PART_OF_RE, _ASSIGNED_RE, _POSSESSIVE_RE, _OF_UNIT_RE, _MEMBERS_RE, _CHAIN_RE, _ALL_RE = (
    r.compiled[0] for r in (_PART_OF, _ASSIGNED, _POSSESSIVE, _OF_UNIT, _MEMBERS, _CHAIN, _ALL))
_TAIL = re.compile(r"(?:falls?|fell|comes?|came|reports?|belongs?|is\s+part|is\s+a\s+(?:part|component|unit))\b")
_NEGATED = re.compile(r"\b(?:not|never|no\s+longer)\b", re.IGNORECASE)
ECHELONS = {word: int(level) for word, level in table("echelons.tsv").items()}
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)?\s")
#: "the HUR military intelligence agency, which falls under ...": the noun after a name is no verb
_DESCRIPTOR = re.compile(r"^(?:[a-z][\w\-]*\s+){0,3}(?:agency|service|unit|force|forces|brigade|directorate|command|"
                         r"battalion|regiment|division|group|office|bureau|department)\s*(?=,)")
#: "falls under the Lithuanian army's Iron Wolf Brigade": the army owns the brigade, it is not the verb
_NATIONAL_OWNER = re.compile(r"(?:the\s+)?(?:[A-Z]\w+\s+)?(?:army|navy|air\s+force|military)['’]s $")
_OWNER_KINDS = ("MilitaryUnit", "GovernmentBody")
#: "USS Halvorsen (DDG 131), assigned to ...", "Patrol Squadron 41 (VP-41), part of ...": the bracket is the name's
_BRACKET_AFTER = re.compile(r"^\s*\.?\s*\([A-Z][A-Z\d]{0,5}(?:[\s\-]\d{1,4})?\)\s*(?=,)")
_NOT_UNIT = re.compile(r"(?:Operation|Exercise)\b")
_SHIP = re.compile(r"[A-Z]{2,5}\s")
_ATTACHED = re.compile(r",\s*(?:(?:now|currently|temporarily)\s+)?(?:attached|assigned|subordinated|subordinate)\s+"
                       r"to\s+(?:the\s+)?")
_NESTED = re.compile(r",?\s*(?:which|that)\s+(?:also\s+)?(?:includes?|included|consists\s+of|comprises)\s+(?:the\s+)?")
_LIST_BREAK = re.compile(r"(?<![\w\-])(?:is|are|was|were|will|would|has|have|had|said|says|arrived|left|returned|"
                         r"deployed|in|at|"
                         r"to|for|during|with|under|after|before|since|while|on|who|which|that|officers|soldiers|personnel|troops|"
                         r"members|staff|staffs|sailors|airmen|marines|representatives|delegates|experts|officials|people)\b|[.:]\s")
_GROUP_NOUN = re.compile(r"\s+(?:\w+\s+)?(?:units|ships|vessels|squadrons|elements|components|formations|assets)\s*$")
_OWNS = re.compile(r"['’]s?\s")
_GROUP_GAP = re.compile(r"\s*,?(?:\s*\b(?:which|that|now|also|currently|will|would|to)\b)*\s*")


def _is_org(span: Span) -> bool:
    return span.kind not in ("Person", "Country", "Post")


def echelon(span: Span) -> int:
    """The largest echelon word of a unit's name (0 when it has none): "Brigade Combat Team" is 6."""
    return max((ECHELONS.get(w, 0) for w in span.name.replace(",", " ").split()), default=0)


def _link(ctx: Context, child: Span, parent: Span, s: int, e: int, rule: Rule) -> None:
    if child.canonical == parent.canonical or not (_is_org(child) and _is_org(parent)):
        return
    modality = clause_modality(ctx.text, s, min(child.start, parent.start), max(child.end, parent.end), "asserted")
    if modality == "planned" and rule in _NAMED:
        modality = "asserted"  # "will visit the Harbour Command's 9th Brigade": the name states it, not the verb
    ctx.relation("subOrganizationOf", child, parent, s, e, rule.confidence, modality, rule.id)


def part_of(ctx: Context, left: Span, right: Span, b: str, s: int, e: int) -> bool:
    """An organisation, then the one it belongs to (or, "Y's X", the owner, then the unit)."""
    if _adjacent(ctx, left, right, b, s, e):
        return True
    b = _DESCRIPTOR.sub("", _NATIONAL_OWNER.sub("", _BRACKET_AFTER.sub("", b)))
    if " and " in b:
        # "CJTF-OIR is commanded by Maj. Gen. Joel Vowell and falls under U.S. Central Command"
        tail = b.rsplit(" and ", 1)[1]
        if _TAIL.match(tail):
            b = " " + tail
    rule = _PART_OF if _PART_OF_RE.fullmatch(b) else _ASSIGNED if _ASSIGNED_RE.fullmatch(b) else None
    if rule is None or _NEGATED.search(b):
        return False
    if b.startswith(",") and rule is _ASSIGNED and echelon(left) > echelon(right) > 0:
        return False  # "..., 3rd Infantry Division, attached to 2nd Brigade": the chain's head is attached
    _link(ctx, left, right, s, e, rule)
    return True


def _adjacent(ctx: Context, left: Span, right: Span, b: str, s: int, e: int) -> bool:
    """Two names joined by a possessive, "of the" or "for the": "the Harbour Command's 9th Brigade",
    "the 2nd Battalion of the 9th Brigade", "the Bureau of Port Security for the Harbour Ministry"."""
    if b in ("’s ", "'s ") or (b in ("’ ", "' ") and left.name.endswith("s")):
        if _NOT_UNIT.match(right.name) or right.kind == "ArmedForces" \
                or (left.kind not in _OWNER_KINDS and not (left.kind == "Organization" and echelon(left) > 0)):
            return False  # "the Army's 101st Airborne Division": a service's unit is its member (branch)
        _link(ctx, right, left, s, e, _POSSESSIVE)
        return True
    if b.startswith("of ") and _OF_UNIT_RE.fullmatch(b) and 0 < echelon(left) < echelon(right):
        _link(ctx, left, right, s, e, _OF_UNIT)
        return True
    if b in ("for the ", "at the ") and _SUB_BODY_HEAD.match(left.name) and right.kind == "GovernmentBody" \
            and _SUB_BODY_HEAD.match(right.name) is None:
        _link(ctx, left, right, s, e, _SUB_BODY)  # "the Bureau of Overseas Operations for the State Department"
        return True
    return False


def sentence_relations(ctx: Context, s: int, e: int, spans: list[Span]) -> None:
    """Membership lists and comma chains of unit titles over the sentence's organisations."""
    orgs = [x for x in spans if _is_org(x)]
    _sub_bodies(ctx, s, e, orgs)
    if len(orgs) < 2:
        return
    _member_lists(ctx, s, e, orgs)
    _chains(ctx, s, e, orgs)
    _all_components(ctx, s, e, orgs)
    components(ctx, s, e, orgs)


def _sub_bodies(ctx: Context, s: int, e: int, orgs: list[Span]) -> None:
    """"the Political Directorate of the Cuban Ministry of the Interior": a body named within its parent."""
    for org in orgs:
        m = _SUB_BODY_RE.fullmatch(org.name) if org.known is None and " of " in org.name else None
        if m is None:
            continue
        at = org.start + ctx.text[org.start:org.end].find(m.group("parent").split()[0])
        parent = Span("GovernmentBody" if "Ministry" in m.group("parent") else org.kind, m.group("parent"), at,
                      org.end, country=org.country)
        child = org
        if m.group("joint") == "for" or _SUB_COMMITTEE.search(m.group("child")):
            # "the Bureau of Port Security for the Harbour Ministry", "the X Sub-Committee of the Y": the
            # child's name ends there
            child = Span(org.kind, m.group("child"), org.start, org.start + len(m.group("child")), country=org.country)
        _link(ctx, child, parent, s, e, _SUB_BODY)


def _all_components(ctx: Context, s: int, e: int, orgs: list[Span]) -> None:
    """"... the Joint Forces and the Air Assault Forces, all of them components of the Armed Forces"."""
    for m in ctx.matches("all-components", _ALL_RE, s, e):
        parent = next((o for o in orgs if o.start == m.end()), None)
        if parent is None:
            continue
        for member in (o for o in orgs if o.end <= m.start()):
            _link(ctx, member, parent, s, e, _ALL)


def _group_before(ctx: Context, orgs: list[Span], verb_start: int, s: int) -> Span | None:
    """The organisation a membership verb is about: "X consists of", "X deploying units include",
    "the squadrons of X include"."""
    text = ctx.text
    before = [o for o in orgs if o.end <= verb_start]
    if not before:
        return None
    group = before[-1]
    gap = text[group.end:verb_start]
    if _GROUP_GAP.fullmatch(gap) or _GROUP_NOUN.fullmatch(gap):
        return group  # "X consists of", "X, which includes", "X deploying units include", "the squadrons of X include"
    return None


def _member_lists(ctx: Context, s: int, e: int, orgs: list[Span]) -> None:
    text = ctx.text
    done = s  # a nested "which includes" was read with the list around it
    for verb in ctx.matches("member-verb", _MEMBERS_RE, s, e):
        group = _group_before(ctx, orgs, verb.start(), s) if verb.start() >= done else None
        if group is None:
            continue
        outer, inner, inner_ship = group, None, None
        pos, last = verb.end(), group
        for member in (o for o in orgs if o.start >= verb.end()):
            if _OWNS.match(text, member.end):
                continue  # "the Navy's aircraft carrier USS Harmon": the owner is no member
            gap = text[pos:member.start]
            nested = _NESTED.match(gap)
            if inner is not None and nested is None and (_SHIP.match(member.name) is not None) != inner_ship:
                inner = None  # "..., which includes USS A and USS B, and Carrier Air Wing 17": back to the group
            if nested and pos > verb.end():
                inner, inner_ship = last, None
            elif len(gap) > 120 or _LIST_BREAK.search(gap):
                break
            parent = inner if inner is not None else outer
            if inner is not None and inner_ship is None:
                inner_ship = _SHIP.match(member.name) is not None
            _link(ctx, member, parent, s, e, _MEMBERS)
            if parent is not outer:  # "X consists of A, which includes B": B is in X too
                _link(ctx, member, outer, s, e, _MEMBERS)
            last, pos = member, member.end
        done = pos


def _chains(ctx: Context, s: int, e: int, orgs: list[Span]) -> None:
    """"6th Squadron, 8th Cavalry Regiment, 4th Brigade Combat Team, 3rd Infantry Division,
    attached to 2nd Brigade Combat Team": each unit belongs to the larger one after the comma."""
    text = ctx.text
    head: Span | None = None
    for left, right in pairwise(orgs):
        gap = text[left.end:right.start]
        if (_CHAIN_RE.fullmatch(gap) and _ORDINAL.match(left.name) and 0 < echelon(left) < max(echelon(right), 1)) \
                or (_CHAIN_RE.fullmatch(gap) and _ORDINAL.match(left.name) and echelon(left) > 0
                    and echelon(right) == 0 and right.name[:1].isupper() and not _ORDINAL.match(right.name)):
            _link(ctx, left, right, s, e, _CHAIN)
            head = head or left
            continue
        attached = _ATTACHED.fullmatch(gap)
        if attached:
            _link(ctx, head or left, right, s, e, _CHAIN)
        head = None
