"""Relation family: command (``headOf``, and the commander's post). "X commands Y", "X took command
of Y", "X took over as commander of Y", "Y, which X leads", "Y is led by X", "Y, whose commander is X".
Each rule gets the words between a person and an organisation of one sentence (see
:mod:`kg.extract.pairs`)."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.gazetteer import fold
from kg.extract.modality import clause_modality
from kg.extract.patterns import compiled
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, make_post, mention_of
from kg.model import Modality, RelationMention

RULES = register(
    Rule("verb", "command", "headOf", (
        (r",?\s*(?:who\s+|which\s+)?(?:(?:now|currently|also|still|formerly|previously|once|then|had|has|have|will|would|is\s+to|was|is|expected|to)\s+)*"
        r"(?P<verb>commands?|commanded|commanding|leads?|led|leading|heads?|headed|heading|oversees|oversaw|"
        r"runs|ran|chairs|chaired|took\s+(?:over\s+)?command\s+of|takes\s+command\s+of|assumed\s+command\s+of|"
        r"assumes\s+command\s+of|take\s+command\s+of|assume\s+command\s+of|took\s+over|takes\s+over|take\s+over|took\s+charge\s+of|is\s+in\s+charge\s+of|"
        r"was\s+in\s+charge\s+of|in\s+charge\s+of|lead|head|command|been\s+(?:leading|commanding|heading)|"
        r"(?:was\s+|has\s+been\s+|been\s+)?(?:appointed|named|picked|chosen|tapped|nominated|selected)\s+to\s+(?:head|lead|command|run))"
        r"\s+(?:the\s+)?"),), 0.8, "verb+clause",
        ("Colonel Anna Wexford commands Task Force Lantern.",
         "Brigadier Tomas Reyner, who previously led the 4th Mechanized Brigade, retired."),
        ("Colonel Anna Wexford visited Task Force Lantern.",
         "Colonel Anna Wexford heads the Harbour Command's logistics directorate.")),
    Rule("command-verb", "command", "holds", (r"\bcommand\s+of$",), 0.75, "verb+clause",
         ("General Marta Quillon took command of Task Force Lantern on Friday.",),
         ("General Marta Quillon praised Task Force Lantern on Friday.",)),
    Rule("took-over-as", "command", "holds", (
        (r",?\s*(?:who\s+)?(?:(?:has|had|will|would|was|is)\s+)?(?:been\s+)?(?:\w+\s+)?(?:took\s+over|takes\s+over|was\s+appointed|is\s+appointed|"
        r"has\s+been\s+appointed|appointed|named|became|becomes|become|serves|served|serving|remains|installed|"
        r"confirmed|promoted|nominated|chosen|selected|tapped)\s+(?:on\s+\w+\s+|\w+\s+)?as\s+(?:the\s+)?(?:new\s+|acting\s+|interim\s+)?"
        r"(?P<title>[\w\- ]+?)\s+(?:of|for|at)\s+(?:the\s+)?"),), 0.8, "verb+clause",
        ("General Kerstin Vale was appointed as commander of Task Force Lantern.",),
        ("General Kerstin Vale was seen near Task Force Lantern.",)),
    Rule("which-x-leads", "command", "headOf", (
        r",?\s*(?:which|that)\s+",
        (r"\s+(?:(?:now|currently|also|still)\s+)?(?P<verb>leads|commands|heads|runs|chairs|oversees|led|commanded|headed|ran|"
        r"chaired|oversaw|has\s+led|has\s+commanded|has\s+headed|has\s+chaired)\b")), 0.8, "verb+clause",
        ("Colonel Anna Wexford arrived. The Harbour Command, which Wexford now leads, grew.",
         "Colonel Anna Wexford spoke. Task Force Lantern, which Wexford commands, moved north.",
         "Colonel Anna Wexford spoke. The Harbour Command, which Wexford chairs, met."),
        ("Colonel Anna Wexford spoke. Task Force Lantern, which Wexford visited, moved north.",)),
    Rule("passive-led-by", "command", "headOf", (
        (r",?\s*(?:(?:a|an|the)\s+(?:[\w\-]+\s+){0,3}?)?(?:(?:which|that|who)\s+(?:is|was|are|were|has\s+been|had\s+been)\s+|(?:is|was|are|were|now|currently)\s+)?"
        r"(?P<verb>led|commanded|headed|run|chaired|overseen)\s+(?:in\s+(?:peacetime|practice|the\s+field)\s+|since\s+\w+(?:\s+\d{4})?\s+)?by\s+"
        r"(?:(?:a|an|the|its|their)\s+(?:[\w'’\-]+\s+){0,2}?(?:officer|general|admiral|commander|diplomat|"
        r"chief\s+of\s+staff|chief|head|leader)(?:\s+of\s+[\w\- ]{1,30}?)?\s*,\s+"
        r"|(?:[\w'’\-]+\s+){0,2}?)<RANK_GAP>"),), 0.8, "verb+clause",
        ("Task Force Lantern is led by Colonel Anna Wexford.",
         "The Harbour Command, an agency headed by Admiral Kerstin Vale, grew.",
         "The Harbour Command, commanded since March by Admiral Kerstin Vale, grew."),
        ("Task Force Lantern was visited by Colonel Anna Wexford.",)),
    Rule("commanded-by", "command", "holds", (r"commanded",), 0.75, "verb+clause",
         ("Task Force Lantern is commanded by Colonel Anna Wexford.",),
         ("Task Force Lantern is led by Colonel Anna Wexford.",)),
    Rule("whose-title-is", "command", "holds", (
        (r",?\s*(?:whose|its)\s+(?:current\s+|new\s+)?(?P<verb>commander|head|chief|leader|director|chairman)\s*,?\s+(?:is\s+)?"
        r"<RANK_GAP>"),), 0.8, "verb+clause",
        ("The Harbour Command, whose commander is Admiral Kerstin Vale, grew.",),
        ("The Harbour Command, whose budget grew, hired Admiral Kerstin Vale.",)),
)
_VERB, _COMMAND_OF, _TOOK_OVER_AS, _WHICH, _PASSIVE, _COMMANDED_BY, _WHOSE = (
    RULES[k] for k in ("verb", "command-verb", "took-over-as", "which-x-leads", "passive-led-by", "commanded-by",
                       "whose-title-is"))
_WHICH_OPENING, _WHICH_VERB = _WHICH.compiled
_PAST_VERB = re.compile(r"\b(?:commanded|led|headed|oversaw|ran|chaired|formerly|previously|once|had|"
                        r"was\s+in\s+charge)\b")
_PERFECT = re.compile(r"\b(?:has|have)\s+(?:led|commanded|headed|run|chaired)\b")
# "was named to lead", "is expected to take command of": an appointment still to take effect
_PLANNED_VERB = re.compile(r"\b(?:will|would|is\s+to|nominated|(?:appointed|named|picked|chosen|tapped|selected)\s+to|"
                           r"expected\s+to)\b")


_OWNS_NEXT = re.compile(r"['’]s\s+[a-z]")


def person_heads(ctx: Context, left: Span, right: Span, b: str, s: int, e: int) -> bool:
    """A person, then an organisation: "X commands Y", "X took over as commander of Y"."""
    m = _VERB.compiled[0].fullmatch(b)
    if m and _OWNS_NEXT.match(ctx.text, right.end):
        return True  # "who heads the Harbour Command's logistics directorate": not the command itself
    if m:
        verb = m.group("verb").lower()
        modality = clause_modality(ctx.text, s, left.start, right.end, _verb_modality(b.lower()))
        ctx.relation("headOf", left, right, s, e, _VERB.confidence, modality, f"{_VERB.id}:{verb.split()[0]}")
        if ("command" in verb and right.kind == "MilitaryUnit") or _COMMAND_OF.compiled[0].search(verb):
            # "took command of SOCOM": the post is the unit's commander
            post = make_post(ctx.gazetteer.posts["commander"], right)
            ctx.relations.append(RelationMention(
                kind="holds", subject=mention_of(left), object=None, sentence=ctx.text[s:e],
                start=s, end=e, confidence=_COMMAND_OF.confidence, modality=modality, post=post, rule=_COMMAND_OF.id))
        return True
    m = _TOOK_OVER_AS.compiled[0].fullmatch(b)
    title = ctx.gazetteer.posts.get(fold(m.group("title"))) if m else None
    if title is None:
        return False
    modality = "planned" if re.search(r"\b(?:will|would|nominated)\b", b, re.IGNORECASE) else "asserted"
    if re.search(r"\b(?:served|had)\b", b, re.IGNORECASE):
        modality = "past"
    modality = clause_modality(ctx.text, s, left.start, right.end, modality)
    ctx.holds(left, make_post(title, right), s, e, _TOOK_OVER_AS.confidence, modality, _TOOK_OVER_AS.id)
    return True


def _verb_modality(cue: str) -> Modality:
    modality: Modality = "asserted"
    appointed = re.search(r"\bwas\s+(?:appointed|named)", cue)
    if _PAST_VERB.search(cue) and "took" not in cue and "assumed" not in cue and not appointed:
        modality = "past"
    if _PERFECT.search(cue):
        modality = "asserted"  # the present perfect: "who has led the IDF since 2019" still does
    if _PLANNED_VERB.search(cue):
        modality = "planned"
    return modality


def which_person_leads(ctx: Context, left: Span, right: Span, b: str, s: int, e: int) -> bool:
    """"Allied Command Operations, which Cavoli leads, ..." (an organisation, then a person)."""
    if not _WHICH_OPENING.fullmatch(b):
        return False
    verb = _WHICH_VERB.match(ctx.text[right.end:e])
    if not verb:
        return False
    past = verb.group("verb").lower() in ("led", "commanded", "headed", "ran", "chaired", "oversaw")
    modality = clause_modality(ctx.text, s, left.start, right.end + verb.end(), "past" if past else "asserted")
    ctx.relation("headOf", right, left, s, e, _WHICH.confidence, modality, _WHICH.id)
    return True


def led_by(ctx: Context, left: Span, right: Span, b: str, whole: str, s: int, e: int) -> bool:
    """"Y is led by X", "Y, an alliance led by X", "Y, whose commander is X"."""
    rank_gap = rf"(?:the\s+)?(?:(?:{ctx.gazetteer.rank_re.pattern}|{ctx.gazetteer.honorific_re.pattern})\s+){{0,2}}"
    passive = compiled(_PASSIVE.pattern(0, RANK_GAP=rank_gap), _PASSIVE.flags)
    m = passive.fullmatch(whole) or passive.fullmatch(b)
    if m is None:
        m = compiled(_WHOSE.pattern(0, RANK_GAP=rank_gap), _WHOSE.flags).fullmatch(b)
        if m and not re.search(r"\b(?:was|former)\b", b, re.IGNORECASE):
            title = ctx.gazetteer.posts.get(fold(m.group("verb")))
            if title:
                modality = clause_modality(ctx.text, s, left.start, right.end, "asserted")
                ctx.holds(right, make_post(title, left), s, e, _WHOSE.confidence, modality, _WHOSE.id)
            return True
    if not m:
        return False
    past = bool(re.search(r"\b(?:was|were|had)\b", b, re.IGNORECASE))
    modality = clause_modality(ctx.text, s, left.start, right.end, "past" if past else "asserted")
    ctx.relation("headOf", right, left, s, e, _PASSIVE.confidence, modality, _PASSIVE.id)
    if m.group("verb").lower() == "commanded":  # rule commanded-by: the post is the commander
        ctx.relations.append(RelationMention(
            kind="holds", subject=mention_of(right), object=None, sentence=ctx.text[s:e],
            start=s, end=e, confidence=_COMMANDED_BY.confidence, modality=modality,
            post=make_post(ctx.gazetteer.posts["commander"], left), rule=_COMMANDED_BY.id))
    return True
