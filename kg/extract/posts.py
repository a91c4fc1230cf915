"""Relation family: posts (``holds``). A title before the name ("Defense Secretary Mark Esper"), an
apposition after it ("Esper, the defense secretary,"), "named ... as", and a predicate ("X became
chairman of the Joint Chiefs"). A post that leads a named body also gives ``headOf``."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.gazetteer import PostTitle, canonical_rank, fold
from kg.extract.organisations import org_at
from kg.extract.patterns import (
    MODIFIERS,
    PAST_MODIFIERS,
    PLANNED_MODIFIERS,
    blank_time_phrases,
)
from kg.extract.persons import Chain
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, make_post, span_at, span_ending_at
from kg.model import Modality

RULES = register(
    Rule("title-before-name", "posts", "holds",
         (r"\b(?:[Dd]eputy|[Vv]ice|[Aa]ssistant)\s+$",), 0.9, "title",
         ("Brigade commander Colonel Anna Wexford inspected the depot.",
          "Former Defence Minister Paulo Reyes gave a lecture.",
          "Deputy Defence Minister Ilse Brandvold met the delegation."),
         ("Colonel Anna Wexford inspected the depot.",), flags=0),
    Rule("apposition", "posts", "holds",
         (r"\s*(?:\(\d+\)\s*)?,\s*(?:\d+,\s*)?(?:who\s+is\s+|who\s+was\s+|now\s+)?(?P<article>the\s+|a\s+|an\s+)?",),
         0.85, "title",
         ("Colonel Anna Wexford, the commander of Task Force Lantern, spoke.",
          "Marta Quillon, the defense secretary, arrived on Monday."),
         ("Colonel Anna Wexford, who arrived on Monday, spoke.",), flags=0),
    Rule("named-as", "posts", "holds",
         (r"\b(?:named|appointed|nominated|picked|chose|chosen|tapped|installed|promoted|confirmed|elected)\s+$",
          r"\s*(?:,\s*(?:the|a|an)\s+[^,]{1,80},)?\s+as\s+(?:the\s+)?(?:(?:new|next|acting|its|country's)\s+)?"),
         0.8, "verb+clause",
         ("The president named General Tomas Reyner as defence minister.",),
         ("The president praised General Tomas Reyner as a leader.",), flags=0),
    Rule("predicate-post", "posts", "holds",
         ((r"\s+(?:(?:on\s+\w+|has|had|have|will|would|is\s+to|also|now|formally|officially|then|later)\s+)*"
          r"(?P<verb>took\s+over\s+as|takes\s+over\s+as|take\s+over\s+as|took\s+office\s+as|takes\s+office\s+as|"
          r"became|becomes|become|was\s+named(?:\s+as)?|"
          r"is\s+named(?:\s+as)?|was\s+appointed(?:\s+as)?|been\s+appointed(?:\s+as)?|was\s+sworn\s+in\s+as|"
          r"was\s+confirmed\s+as|is|was|remains(?:\s+as)?|remained(?:\s+as)?|remain(?:\s+as)?|served\s+as|serves\s+as|"
          r"been|has\s+been)"
          r"\s+(?:(?:also|still|now)\s+)?(?P<article>the\s+|a\s+|an\s+)?(?:new\s+|acting\s+|interim\s+)?"),),
         0.8, "verb+clause",
         ("Admiral Kerstin Vale became chairman of the Joint Chiefs of Staff in May.",
          "General Tomas Reyner took over as commander of Task Force Lantern.",
          "General Tomas Reyner will remain as commander of Task Force Lantern."),
         ("General Tomas Reyner spoke with the commander of Task Force Lantern.",)),
)
_TITLE_BEFORE, _APPOSITION, _NAMED_AS, _PREDICATE = (RULES[k] for k in ("title-before-name", "apposition", "named-as",
                                                                         "predicate-post"))
_DEPUTY = _TITLE_BEFORE.compiled[0]
_OPENING = _APPOSITION.compiled[0]
_NAMED_VERB, _AS_TITLE = _NAMED_AS.compiled
_PREDICATE_VERB = _PREDICATE.compiled[0]


def title_posts(ctx: Context, span: Span, chain: Chain, of_org: Span | None, a_start: int, blocked: list[Span]) -> None:
    """The rank and posts a title chain before a name gives the person (rule ``title-before-name``)."""
    text = ctx.text
    pre_org = span_ending_at(blocked, a_start, text)
    for kind, form, _c_start, _c_end in chain:
        if kind == "rank":
            span.rank = canonical_rank(form)
    posts = [(form, c_start) for kind, form, c_start, _ in chain if kind == "post"]
    if pre_org is not None:
        if pre_org.known and pre_org.known.kind == "ArmedForces" and not posts:
            span.branch = pre_org.known.name
        if pre_org.country:
            span.country = pre_org.country
    if not posts:
        return
    form, c_start = posts[0]
    title = _deputy(text, c_start, form, ctx.gazetteer.posts[fold(form)])
    org = of_org or pre_org
    if org is not None and org.kind == "Person":
        org = None
    span.posts.append((make_post(title, org), _TITLE_BEFORE.confidence, _TITLE_BEFORE.id,
                       _title_modality(text, span, c_start, a_start)))


def _deputy(text: str, c_start: int, form: str, title: PostTitle) -> PostTitle:
    """"Deputy Defence Minister Hanna Maliar" is not the minister."""
    before = text[max(0, c_start - 12):c_start]
    word = _DEPUTY.search(before)
    if word is None or title.title.startswith(("Deputy", "Vice", "Assistant")):
        return title
    lead = re.search(r"(\w+)\s+$", before)
    return PostTitle(form, f"{lead.group(1).capitalize() if lead else ''} {title.title}", False)


def _title_modality(text: str, span: Span, c_start: int, a_start: int) -> Modality:
    before = text[max(0, a_start - 80):a_start]
    if PAST_MODIFIERS.search(text[max(0, c_start - 40):c_start]) or PAST_MODIFIERS.search(before):
        return "past"
    if PLANNED_MODIFIERS.search(text[span.end:span.end + 20]) or \
            re.search(r"\b(?:incoming|nominee for|designate)\s*$", text[max(0, c_start - 40):c_start], re.IGNORECASE):
        return "planned"
    return "asserted"


def apposition_posts(ctx: Context, person: Span, end: int, spans: list[Span]) -> None:
    """", the defense secretary," / ", commander of US Central Command," after a person's name."""
    text = ctx.text
    m = _OPENING.match(text[person.end:end])
    if not m:
        return
    pos = person.end + m.end()
    past = "who was" in m.group()
    pre_org = org_here = span_at(spans, pos)
    if org_here is not None and org_here.kind != "Person":
        pos = org_here.end
        poss = re.match(r"(?:['’]s)?\s+", text[pos:end])
        pos += poss.end() if poss else 0
    else:
        pre_org = None
        unit = re.match(r"(?:division|brigade|regiment|battalion|fleet|corps|command|force|mission)['’]s\s+", text[pos:end])
        pos += unit.end() if unit else 0  # "the brigade's deputy commanding general": a unit the sentence does not name
    mods = re.match(rf"(?P<past>(?:former|then|outgoing|ex-)\s*-?\s*)?{MODIFIERS}", text[pos:end], re.IGNORECASE)
    past = bool(mods and mods.group("past")) or past
    pos += mods.end() if mods else 0
    # an organisation between modifiers and the title: "the top US commander"
    org_here = span_at(spans, pos)
    if pre_org is None and org_here is not None and org_here.kind != "Person":
        pre_org = org_here
        pos = org_here.end
        gap = re.match(r"\s+", text[pos:end])
        pos += gap.end() if gap else 0
    _apposed_title(ctx, person, pos, end, spans, pre_org, "past" if past else "asserted")


def _apposed_title(ctx: Context, person: Span, pos: int, end: int, spans: list[Span], pre_org: Span | None,
                   modality: Modality) -> None:
    text = ctx.text
    title_m = ctx.gazetteer.post_re.match(text, pos, end)
    if not title_m:
        return
    title = ctx.gazetteer.posts[fold(title_m.group())]
    pos = title_m.end()
    org = pre_org
    of = re.match(r"\s+(?:of|for|at|to|in)\s+(?:the\s+)?", text[pos:end])
    if of:
        target = org_at(ctx, spans, pos + of.end())
        if target and target.kind != "Person":
            org = target
    person.posts.append((make_post(title, org), _APPOSITION.confidence, _APPOSITION.id, modality))
    if org is not None and org is not pre_org:
        # "commander of U.S. Naval Forces Europe and the U.S. 6th Fleet": both commands
        joined = re.match(r"\s+and\s+(?:the\s+)?", text[org.end:end])
        other = org_at(ctx, spans, org.end + joined.end()) if joined else None
        if other is not None and other.kind not in ("Person", "Country"):
            person.posts.append((make_post(title, other), 0.8, _APPOSITION.id, modality))


def title_at(ctx: Context, pos: int, end: int, spans: list[Span], *, modifiers: bool = False
             ) -> tuple[PostTitle, Span | None, bool] | None:
    """A post title at ``pos``, with its organisation before ("NATO Secretary General") or after
    it ("commander of US Central Command"), and whether the organisation was named at all."""
    text = ctx.text
    org = None
    org_here = span_at(spans, pos)
    if org_here is not None and org_here.kind != "Person":
        org = org_here
        poss = re.match(r"(?:['’]s)?\s+", text[org_here.end:end])
        pos = org_here.end + (poss.end() if poss else 0)
    elif org_here is None:
        unknown = re.match(r"[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)?['’]s\s+", text[pos:end])
        pos += unknown.end() if unknown else 0  # "the Army's chief of staff": an owner kg does not know
    if modifiers:
        pos += len(re.match(MODIFIERS, text[pos:end], re.IGNORECASE).group())  # type: ignore[union-attr]  # it matches ""
    title_m = ctx.gazetteer.post_re.match(text, pos, end)
    if not title_m:
        return None
    of = re.match(r"\s+(?:of|for|at)\s+(?:the\s+)?", text[title_m.end():end])
    target = org_at(ctx, spans, title_m.end() + of.end()) if of else None
    if target is not None and target.kind != "Person":
        org = target
    return ctx.gazetteer.posts[fold(title_m.group())], org, org is not None or of is not None


def predicate_posts(ctx: Context, person: Span, end: int, spans: list[Span]) -> None:
    """"X took over as Supreme Allied Commander Europe", "X became chairman of the Joint Chiefs",
    "X, who heads EUCOM, is also NATO's Supreme Allied Commander Europe"."""
    if _named_as(ctx, person, end, spans):
        return
    text = ctx.text
    rest = text[person.end:end]
    clause = re.match(r"\s*,\s*(?:(?:who|which)\b[^,]*|(?:the|a|an)\s+[^,]{1,60}),", rest)
    offset = person.end + (clause.end() if clause else 0)
    # "was confirmed on Thursday as chairman": a time phrase is blanked out, offsets kept
    m = _PREDICATE_VERB.match(blank_time_phrases(text[offset:end]))
    if not m:
        return
    found = title_at(ctx, offset + m.end(), end, spans, modifiers=True)
    if found is None:
        return
    title, org, placed = found
    verb = m.group("verb").lower()
    if verb in ("is", "was", "been", "remains", "remained") and not m.group("article") and not placed:
        return  # "X is head" without anything else is rarely a post statement
    modality: Modality = "past" if re.search(r"\b(?:was|served|had|been|remained)\b", verb + " " + m.group(), re.IGNORECASE) \
        and not re.search(r"named|appointed|sworn|confirmed", verb) else "asserted"
    if re.search(r"\b(?:will|would|is\s+to)\b", m.group(), re.IGNORECASE) and verb != "remain as":
        modality = "planned"  # but "will remain as director": a post held now and kept
    person.posts.append((make_post(title, org), _PREDICATE.confidence, _PREDICATE.id, modality))


def _named_as(ctx: Context, person: Span, end: int, spans: list[Span]) -> bool:
    """"China named Admiral Dong Jun, a former navy commander, as defence minister"."""
    text = ctx.text
    head = person.head_start or person.start
    named = _NAMED_VERB.search(text[max(0, head - 30):head])
    if not named:
        return False
    as_title = _AS_TITLE.match(blank_time_phrases(text[person.end:end]))
    found = title_at(ctx, person.end + as_title.end(), end, spans) if as_title else None
    if not found:
        return False
    title, org, _ = found
    modality: Modality = "planned" if re.search(r"\bnominated\b", named.group()) else "asserted"
    person.posts.append((make_post(title, org), _NAMED_AS.confidence, _NAMED_AS.id, modality))
    return True
