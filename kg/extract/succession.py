"""Relation family: succession. "X took command of Z, succeeding Y", "X replaced Y as commander of Z",
"replaced Minister Y with X": the predecessor's post becomes past, the successor's present."""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.context import Context
from kg.extract.gazetteer import fold
from kg.extract.organisations import org_at
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, key_of, make_post, mention_of
from kg.model import Mention, Post

RULES = register(
    Rule("succession", "succession", "holds", (
        (r"\b(?:succeed(?:s|ed|ing)?|replac(?:es|ed|ing)|took\s+over\s+from|takes\s+over\s+from|"
        r"taking\s+over\s+from|relieved|relieving)\s+"),), 0.7, "past",
        ("Colonel Anna Wexford replaced Colonel Piet Halloran as commander of Task Force Lantern.",
         "General Marta Quillon took command of Task Force Lantern, succeeding General Tomas Reyner."),
        ("Colonel Anna Wexford met Colonel Piet Halloran at Task Force Lantern.",)),
)
_SUCCESSION = RULES["succession"]
_CUE = _SUCCESSION.compiled[0]


def succession(ctx: Context, sent_start: int, sent_end: int, persons: list[Span], first: int,
               spans: list[Span]) -> None:
    """Apply every succession cue of the sentence; ``first`` is the index of the sentence's first
    relation in ``ctx.relations``."""
    text = ctx.text
    for m in _CUE.finditer(text, sent_start, sent_end):
        after = [p for p in persons if m.end() <= p.start and (p.head_start or p.start) - m.end() < 60]
        if not after:
            continue
        predecessor = min(after, key=lambda p: p.start)
        old = mention_of(predecessor)
        _retire(ctx, m, predecessor, old, persons, first)
        post = _post_left(ctx, predecessor, sent_end, spans)
        if post is None:
            continue
        post_end, found = post
        ctx.holds(predecessor, found, sent_start, sent_end, _SUCCESSION.confidence, "past", _SUCCESSION.id)
        successor = _successor(ctx, m, predecessor, old, persons, post_end)
        if successor is not None:
            ctx.holds(successor, found, sent_start, sent_end, _SUCCESSION.confidence, "asserted", _SUCCESSION.id)


def _retire(ctx: Context, m: re.Match[str], predecessor: Span, old: Mention, persons: list[Span], first: int) -> None:
    """The predecessor's titled posts of the sentence are past; what the successor took on is also
    the predecessor's, in the past."""
    text = ctx.text
    # "replaced Defence Minister Sergei Shoigu with Andrei Belousov": the title the predecessor
    # is introduced with is the post he leaves, and the one "with" names takes it
    successor = next((p for p in persons if p.start > predecessor.end and re.fullmatch(
        r"\s*,?\s*(?:with|by)\s+(?:\S+\s+){0,3}?", text[predecessor.end:p.head_start or p.start])), None)
    relations = ctx.relations
    for index in range(first, len(relations)):
        relation = relations[index]
        if relation.subject.key == old.key and relation.rule == "title-before-name" \
                and relation.modality == "asserted":
            relations[index] = replace(relation, modality="past")
            if successor is not None and m.group().lower().startswith("replac"):
                relations.append(replace(relation, subject=mention_of(successor), rule=_SUCCESSION.id,
                                         confidence=_SUCCESSION.confidence))
    for relation in list(relations[first:]):
        if relation.kind in ("headOf", "holds") and relation.subject.key != old.key \
                and relation.modality in ("asserted", "planned") \
                and relation.rule not in ("succession", "title-before-name", "apposition"):
            # only what the sentence says the successor took on, not who the actor already is
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
