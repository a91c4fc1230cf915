"""Relation family: succession. "X took command of Z, succeeding Y", "X replaced Y as commander of Z",
"replaced Minister Y with X": the predecessor's post becomes past, the successor's present."""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.context import Context
from kg.extract.gazetteer import fold
from kg.extract.modality import clause_modality
from kg.extract.organisations import org_at
from kg.extract.posts import title_at
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, key_of, make_post, mention_of
from kg.model import Mention, Modality, Post

RULES = register(
    Rule("succession", "succession", "holds", (
        (r"\b(?:succeed(?:s|ed|ing)?|replac(?:es|ed|ing)|took\s+over\s+from|takes\s+over\s+from|"
        r"taking\s+over\s+from|relieved|relieving)\s+"),), 0.7, "past",
        ("Colonel Anna Wexford replaced Colonel Piet Halloran as commander of Task Force Lantern.",
         "General Marta Quillon took command of Task Force Lantern, succeeding General Tomas Reyner.",
         "Colonel Piet Halloran was replaced by Colonel Anna Wexford as commander of Task Force Lantern."),
        ("Colonel Anna Wexford met Colonel Piet Halloran at Task Force Lantern.",)),
)
_RANKS = r"(?:(?:the\s+)?(?:[A-Z][\w.\-]*\s+){0,3})"  # "General", "Lt. Gen.": a person span starts at the name
CHANGE = register(
    Rule("removed", "succession", "holds", (
        r"\b(?:removed|fired|dismissed|sacked|ousted|relieved)\s+",), 0.7, "past",
        ("The president removed General Marta Quillon, the commander of Task Force Lantern, on Friday.",
         "The army fired Colonel Anna Wexford, commander of the 4th Mechanized Brigade, on Tuesday."),
        ("The president praised General Marta Quillon, the commander of Task Force Lantern, on Friday.",)),
    Rule("relieved-of", "succession", "holds", (
        (r"\s*,?\s+(?:(?:was|were|has\s+been|had\s+been|is\s+being|is|will\s+be)\s+)(?:formally\s+|abruptly\s+)?"
        r"(?P<verb>removed|relieved|fired|dismissed|sacked|ousted)\s+(?:on\s+\w+\s+)?(?P<as>of\s+(?:his\s+|her\s+|their\s+)?"
        r"command\s+(?:of\s+)?|as\s+|from\s+(?:(?:his|her|the)\s+)?(?:post|job|role|position)\s+(?:as\s+)?(?:of\s+)?)"
        r"(?:the\s+)?"),), 0.7, "past",
        ("Colonel Anna Wexford was relieved of command of the 4th Mechanized Brigade on Tuesday.",
         "Colonel Anna Wexford was removed as commander of the 4th Mechanized Brigade on Tuesday."),
        ("Colonel Anna Wexford was praised as commander of the 4th Mechanized Brigade on Tuesday.",)),
    Rule("hands-over", "succession", "holds", (
        (r"\s*,?\s+(?:(?:has|had|will|would|is\s+to|formally|officially|then)\s+)*(?P<verb>relinquish(?:ed|es)?|"
        r"hand(?:ed|s)?\s+over|pass(?:ed|es)?|turn(?:ed|s)?\s+over|cede[ds]?)\s+(?:the\s+)?command\s+of\s+(?:the\s+)?"),
        r"\s+to\s+(?:(?:his|her)\s+successor,?\s+)?"), 0.75, "verb+clause",
        ("Colonel Piet Halloran relinquished command of the 4th Mechanized Brigade to Colonel Anna Wexford on Friday.",
         "Colonel Piet Halloran handed over command of Task Force Lantern to Colonel Anna Wexford."),
        ("Colonel Piet Halloran showed the 4th Mechanized Brigade to Colonel Anna Wexford on Friday.",)),
)
_SUCCESSION = RULES["succession"]
_PASSIVE_CUE = re.compile(r"\b(?:was|were|is|are|be|been|being)\s+$")
_PLANNED_CUE = re.compile(r"\b(?:will|would|expected\s+to|set\s+to|due\s+to|poised\s+to|likely\s+to|is\s+to|"
                          r"nominated\s+to|chosen\s+to|picked\s+to|tapped\s+to|named\s+to|plans?\s+to)\s+(?:be\s+)?$")
_CUE = _SUCCESSION.compiled[0]
_REMOVED, _RELIEVED_OF, _HANDS_OVER = (CHANGE[k] for k in ("removed", "relieved-of", "hands-over"))
_GAP = re.compile(_RANKS)
# a sentence without one of these words holds no removal or handover: the rules are not tried
_CHANGE_CUE = re.compile(r"\b(?:removed|fired|dismissed|sacked|ousted|relieved|relinquish\w*|hand(?:ed|s)?\s+over|"
                         r"pass(?:ed|es)?|turn(?:ed|s)?\s+over|cede[ds]?)\b", re.IGNORECASE)


def changes_of_command(ctx: Context, sent_start: int, sent_end: int, persons: list[Span], first: int,
                       spans: list[Span]) -> None:
    """Removals ("removed X, the commander of Y"; "X was relieved of command of Y") and handovers
    ("X relinquished command of Y to Z"): who held the post before holds it in the past."""
    text = ctx.text
    if not persons or not ctx.has_match("change-of-command", _CHANGE_CUE, sent_start, sent_end):
        return
    for m in ctx.matches("removed", _REMOVED.compiled[0], sent_start, sent_end):
        gap = _GAP.match(text, m.end())
        removed = next((p for p in persons if m.end() <= (p.head_start if p.head_start is not None else p.start)
                        <= (gap.end() if gap else m.end())), None)
        if removed is not None:
            _retire(ctx, m, removed, mention_of(removed), persons, first, succeeded=False)
    for person in persons:
        _relieved_of(ctx, person, sent_start, sent_end, spans)
        _hands_over(ctx, person, sent_start, sent_end, persons, spans)


def _relieved_of(ctx: Context, person: Span, sent_start: int, sent_end: int, spans: list[Span]) -> None:
    m = _RELIEVED_OF.compiled[0].match(ctx.text, person.end, sent_end)
    if m is None:
        return
    post: Post | None = None
    if m.group("as").lower().startswith("of"):
        org = org_at(ctx, spans, m.end())
        if org is not None and org.kind not in ("Person", "Country"):
            post = make_post(ctx.gazetteer.posts["commander"], org)
    else:
        at = title_at(ctx, m.end(), sent_end, spans)
        post = make_post(at[0][0], at[1]) if at is not None and at[0] else None
    if post is not None:
        ctx.holds(person, post, sent_start, sent_end, _RELIEVED_OF.confidence, "past", _RELIEVED_OF.id)


def _hands_over(ctx: Context, person: Span, sent_start: int, sent_end: int, persons: list[Span],
                spans: list[Span]) -> None:
    m = _HANDS_OVER.compiled[0].match(ctx.text, person.end, sent_end)
    org = org_at(ctx, spans, m.end()) if m else None
    if m is None or org is None or org.kind in ("Person", "Country"):
        return
    to = _HANDS_OVER.compiled[1].match(ctx.text, org.end, sent_end)
    gap = _GAP.match(ctx.text, to.end()) if to else None
    successor = next((p for p in persons if gap and to and to.end() <= p.start <= gap.end()), None)
    if successor is None:
        return
    post = make_post(ctx.gazetteer.posts["commander"], org)
    modality = clause_modality(ctx.text, sent_start, person.start, successor.end, "asserted")
    ctx.holds(successor, post, sent_start, sent_end, _HANDS_OVER.confidence, modality, _HANDS_OVER.id)
    ctx.holds(person, post, sent_start, sent_end, _HANDS_OVER.confidence,
              "past" if modality == "asserted" else modality, _HANDS_OVER.id)


def succession(ctx: Context, sent_start: int, sent_end: int, persons: list[Span], first: int,
               spans: list[Span]) -> None:
    """Apply every succession cue of the sentence; ``first`` is the index of the sentence's first
    relation in ``ctx.relations``."""
    text = ctx.text
    for m in ctx.finditer(_CUE, sent_start, sent_end):
        after = [p for p in persons if m.end() <= p.start and (p.head_start or p.start) - m.end() < 60]
        if not after:
            continue
        planned = _PLANNED_CUE.search(text, max(sent_start, m.start() - 40), m.start()) is not None
        if _PASSIVE_CUE.search(text, max(sent_start, m.start() - 12), m.start()):
            _replaced_by(ctx, m, min(after, key=lambda p: p.start), persons, first, spans, planned, sent_end)
            continue
        predecessor = min(after, key=lambda p: p.start)
        old = mention_of(predecessor)
        # "would succeed Ambassador Y": Y's title is no present fact either way (a retirement, a planned change)
        _retire(ctx, m, predecessor, old, persons, first)
        post = _post_left(ctx, predecessor, sent_end, spans)
        if post is None:
            continue
        post_end, found = post
        if not planned:  # "is expected to succeed Y as commander": Y still holds the post
            ctx.holds(predecessor, found, sent_start, sent_end, _SUCCESSION.confidence, "past", _SUCCESSION.id)
        successor = _successor(ctx, m, predecessor, old, persons, post_end)
        if successor is not None:
            ctx.holds(successor, found, sent_start, sent_end, _SUCCESSION.confidence,
                      "planned" if planned else "asserted", _SUCCESSION.id)


def _replaced_by(ctx: Context, m: re.Match[str], successor: Span, persons: list[Span], first: int,
                 spans: list[Span], planned: bool, sent_end: int) -> None:
    """"Y was replaced by X (as commander of Z)", "Y, who will be replaced by X": the person before
    the cue leaves the post (unless the change is planned); the one after "by" takes it."""
    predecessor = max((p for p in persons if p.end <= m.start()), key=lambda p: p.start, default=None)
    if predecessor is None or key_of(predecessor) == key_of(successor) or \
            not re.match(r"\s*by\s", ctx.text[m.end() - 1:successor.start]):
        return
    old = mention_of(predecessor)
    modality: Modality = "planned" if planned else "asserted"
    post = _post_left(ctx, successor, sent_end, spans)
    if post is not None:
        if not planned:
            ctx.holds(predecessor, post[1], m.start(), sent_end, _SUCCESSION.confidence, "past", _SUCCESSION.id)
        ctx.holds(successor, post[1], m.start(), sent_end, _SUCCESSION.confidence, modality, _SUCCESSION.id)
        return
    relations = ctx.relations
    for index in range(first, len(relations)):
        relation = relations[index]
        if relation.subject.key == old.key and relation.rule in ("title-before-name", "apposition") \
                and relation.modality == "asserted":
            if not planned:
                relations[index] = replace(relation, modality="past")
            relations.append(replace(relation, subject=mention_of(successor), modality=modality,
                                     rule=_SUCCESSION.id, confidence=_SUCCESSION.confidence))


def _retire(ctx: Context, m: re.Match[str], predecessor: Span, old: Mention, persons: list[Span], first: int,
            succeeded: bool = True) -> None:
    """The predecessor's titled posts of the sentence are past; what the successor took on is also
    the predecessor's, in the past (``succeeded``: a successor is named, not only a removal)."""
    text = ctx.text
    # "replaced Defence Minister Sergei Shoigu with Andrei Belousov": the title the predecessor
    # is introduced with is the post he leaves, and the one "with" names takes it
    successor = next((p for p in persons if p.start > predecessor.end and re.fullmatch(
        r"\s*,?\s*(?:with|by)\s+(?:\S+\s+){0,3}?", text[predecessor.end:p.head_start or p.start])), None)
    # "Kacher, who succeeded Thomas, ...": the successor is the person just before the cue
    actor = successor or max((p for p in persons if p.end <= m.start()), key=lambda p: p.start, default=None)
    if (actor is not None and key_of(actor) == old.key) or not succeeded:
        actor = None
    replaced = m.group().lower().startswith("replac")
    relations = ctx.relations
    for index in range(first, len(relations)):
        relation = relations[index]
        if relation.subject.key == old.key and relation.rule in ("title-before-name", "apposition") \
                and relation.modality == "asserted":
            relations[index] = replace(relation, modality="past") if succeeded else \
                replace(relation, modality="past", rule=_REMOVED.id, confidence=_REMOVED.confidence)
            if actor is not None and (replaced if successor is not None else relation.rule == "apposition"):
                # "X replaced Y, the commander of Z": X holds what Y held
                relations.append(replace(relation, subject=mention_of(actor), rule=_SUCCESSION.id,
                                         confidence=_SUCCESSION.confidence))
    if actor is not None:
        _taken_on(ctx, first, key_of(actor), old)


def _taken_on(ctx: Context, first: int, actor_key: str, old: Mention) -> None:
    """What the sentence says the successor took on was the predecessor's, in the past (not who the
    actor already is: titles and appositions stay theirs)."""
    relations = ctx.relations
    for relation in list(relations[first:]):
        if relation.kind in ("headOf", "holds") and relation.subject.key == actor_key \
                and relation.modality in ("asserted", "planned") \
                and relation.rule not in ("succession", "title-before-name", "apposition"):
            relations.append(replace(relation, subject=old, modality="past", rule=_SUCCESSION.id,
                                     confidence=_SUCCESSION.confidence))


def _post_left(ctx: Context, predecessor: Span, sent_end: int, spans: list[Span]) -> tuple[int, Post] | None:
    """"..., as the professional head of the British Army": the post the predecessor left."""
    text = ctx.text
    title = re.match(r"\s*,?\s+as\s+(?:the\s+)?(?:country's\s+|army's\s+)?", text[predecessor.end:sent_end])
    if not title:
        return None
    # up to two words before the title
    pos = predecessor.end + title.end()
    post_m = None
    for _ in range(3):
        post_m = ctx.gazetteer.post_re.match(text, pos, sent_end)
        word = re.match(r"[a-z]+\s+", text[pos:sent_end])
        if post_m or not word:
            break
        pos += word.end()
    if post_m is None:
        return None
    org = None
    of = re.match(r"\s+(?:of|for)\s+(?:the\s+)?", text[post_m.end():sent_end])
    if of:
        org = org_at(ctx, spans, post_m.end() + of.end())
        if org is not None and org.kind == "Person":
            org = None
    return post_m.end(), make_post(ctx.gazetteer.posts[fold(post_m.group())], org)


def _successor(ctx: Context, m: re.Match[str], predecessor: Span, old: Mention, persons: list[Span],
               post_end: int) -> Span | None:
    """"..., appointing X" / "with X": the successor named after the predecessor; otherwise the
    sentence's subject ("X took over ..., succeeding Y as head of Z")."""
    text = ctx.text
    successor = next((p for p in persons if p.start > post_end and re.search(
        r"\b(?:appointing|naming|with|by)\s+(?:\S+\s+){0,3}$", text[post_end:p.head_start or p.start])), None)
    if successor is None:
        subject = min(persons, key=lambda p: p.start)
        if subject.end <= m.start() and key_of(subject) != old.key:
            successor = subject
    return successor
