"""Relation family: reporting lines (``reportsTo``) between two persons of one sentence: "X reports
to Y", "X answers directly to Y", "X serves under the command of Y", "X works for Y", and lines
stated through a subordinate post: "Y's deputy, X", "X, deputy to Y", "His chief of staff is X"."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.gazetteer import PostTitle, fold
from kg.extract.lexicon import alternation
from kg.extract.modality import clause_modality
from kg.extract.patterns import compiled
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, key_of, make_post
from kg.model import Modality

#: A post whose holder works for a person ("deputy", "chief of staff"), from ``data/subordinate_posts.txt``.
SUBORDINATE = rf"(?:{alternation('subordinate_posts.txt')})"
_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
# "took up the post in August and reports to ...": a verb phrase of lower-case words joined to it
_JOINED_VP = rf",?\s*(?-i:(?:[a-z][\w\-]*|\d[\w]*|{_MONTHS})\s+){{1,8}}?and\s+"
# "named Quillon's deputy, Wexford, to succeed her": the deputy moves up, the line is over
_MOVES_UP = re.compile(r"\b(?:succeed(?:s|ed|ing)?|replac(?:e|es|ed|ing)|t(?:ake|akes|ook)\s+over)\b", re.IGNORECASE)
_SUB_MODIFIERS = r"(?:(?:new|first|principal|senior|top|chief|[\w\-]+)\s+){0,2}?"

RULES = register(
    Rule("reports-to", "reporting", "reportsTo", (
        (rf"(?:{_JOINED_VP})?,?\s*(?:who\s+)?(?:(?:also|still|now|currently|directly|ultimately|formally|in\s+turn)\s+)*"
        r"(?:(?P<verb>reports|reported|report|answers|answered|answer|is\s+subordinate|was\s+subordinate|serves|served)"
        r"\s+(?:directly\s+|ultimately\s+)?(?:to|under)|(?:serves|served|serving)\s+as\s+(?:the\s+|a\s+)?[\w\- ]{1,60}?"
        r"\s+under|(?P<works>works|worked)\s+(?:directly\s+)?for)"
        r"\s+<RANK_GAP>(?:(?:the\s+)?[\w\- ]*?,?\s+<RANK_GAP>)?"),
        (r",?\s*(?:who\s+)?(?:(?:is|was|are|were|serves|served|operates|operated)\s+)?under\s+(?:the\s+)?(?:direct\s+)?"
        r"(?:command|authority|orders)\s+of\s+<RANK_GAP>(?:[\w\- ]*?\s+)?")), 0.8, "verb+clause",
        ("Colonel Anna Wexford reports directly to General Marta Quillon.",
         "Colonel Anna Wexford serves under the command of General Marta Quillon.",
         "Colonel Anna Wexford in turn reports to General Marta Quillon.",
         "Colonel Anna Wexford works for General Marta Quillon.",
         "Colonel Anna Wexford served as press secretary under General Marta Quillon.",
         "Colonel Anna Wexford took up the post in May and reports to General Marta Quillon."),
        ("Colonel Anna Wexford spoke to General Marta Quillon.",
         "Colonel Anna Wexford met Colonel Piet Halloran and reports to General Marta Quillon.")),
    Rule("deputy-to", "reporting", "reportsTo", (
        (r",?\s*(?:who\s+(?:is|was|serves\s+as|served\s+as)\s+|(?:is|was|serves\s+as|served\s+as)\s+)?(?:the\s+|a\s+)?"
        rf"{_SUB_MODIFIERS}{SUBORDINATE}\s+(?:to|for)\s+<RANK_GAP>"),), 0.8, "verb+clause",
        ("Colonel Anna Wexford, deputy to General Marta Quillon, spoke first.",
         "Colonel Anna Wexford serves as chief of staff to General Marta Quillon."),
        ("Colonel Anna Wexford, a guest of General Marta Quillon, spoke first.",)),
    Rule("possessive-deputy", "reporting", "reportsTo", (
        rf"(?:['’]s?|\s*and\s+(?:his|her))\s+{_SUB_MODIFIERS}{SUBORDINATE}\s*(?:,\s*|\s+(?:is|was|,)\s+)<RANK_GAP>",
        r"(?:,\s*(?:who\s+is\s+|now\s+)?|\s*(?:is|was|remains)\s+(?:also\s+|now\s+)?)<RANK_GAP>",
        rf"['’]s?\s+{_SUB_MODIFIERS}{SUBORDINATE}\b"), 0.8, "verb+clause",
        ("General Marta Quillon's deputy, Colonel Anna Wexford, spoke first.",
         "General Marta Quillon's chief of staff is Colonel Anna Wexford.",
         "Colonel Anna Wexford, General Marta Quillon's deputy, spoke first.",
         "Colonel Anna Wexford is General Marta Quillon's deputy.",
         "General Marta Quillon and her deputy, Colonel Anna Wexford, toured the port."),
        ("General Marta Quillon's guest, Colonel Anna Wexford, spoke first.",
         "Colonel Anna Wexford, General Marta Quillon's rival, spoke first.",
         "Colonel Anna Wexford is General Marta Quillon's rival.",
         "General Marta Quillon and her guest, Colonel Anna Wexford, toured the port.")),
    Rule("pronoun-deputy", "reporting", "reportsTo", (
        rf"\b(?:[Hh]is|[Hh]er)\s+{_SUB_MODIFIERS}(?P<sub>{SUBORDINATE})\s*(?:,\s*|\s+(?:is|was)\s+)",),
        0.75, "verb+clause",
        ("General Marta Quillon arrived on Monday. Her deputy is Colonel Anna Wexford.",
         "General Marta Quillon leads the corps. Her chief of staff, Colonel Anna Wexford, met the press."),
        ("General Marta Quillon arrived on Monday. Her guest is Colonel Anna Wexford.",)),
)
TO_HOLDER = register(
    Rule("deputies-of-holder", "reporting", "reportsTo", (
        r"\b(?:deput(?:y|ies)|(?:chiefs?\s+of\s+staff))\s+(?:for|to)\s+the\s+(?:(?:new|current|incoming)\s+)?",
        r"\s*(?::|,)\s*"), 0.7, "verb+clause",
        (("General Marta Quillon became commander of the Harbour Command. The minister approved two deputies for the "
         "new commander: Colonel Anna Wexford and Colonel Piet Halloran."),),
        (("General Marta Quillon became commander of the Harbour Command. The minister approved two budgets for the "
         "new commander: Colonel Anna Wexford and Colonel Piet Halloran."),)),
)
SUPERIOR = register(
    Rule("possessive-superior", "reporting", "reportsTo", (
        r",\s*(?:who\s+is\s+)?<RANK_GAP>",
        r"['’]s\s+(?:direct\s+|immediate\s+)?(?:commanding\s+officer|commanding\s+general|commander|boss|superior)\b",
        r"['’]s\s+(?:direct\s+|immediate\s+)?(?:commanding\s+officer|commanding\s+general|commander|boss|superior)"
        r"\s*,\s*<RANK_GAP>"), 0.75, "verb+clause",
        ("Colonel Anna Wexford, Major Piet Halloran's commanding officer, spoke first.",
         "Major Piet Halloran's commander, Colonel Anna Wexford, spoke first."),
        ("Colonel Anna Wexford, Major Piet Halloran's friend, spoke first.",
         "Major Piet Halloran's friend, Colonel Anna Wexford, spoke first.")),
)
_SUPERIOR = SUPERIOR["possessive-superior"]
_REPORTS, _DEPUTY_TO, _POSSESSIVE, _PRONOUN = (RULES[k] for k in ("reports-to", "deputy-to", "possessive-deputy",
                                                                  "pronoun-deputy"))
CEREMONY = register(
    Rule("presided-ceremony", "reporting", "reportsTo", (
        (r"\b(?:presided\s+over|hosted|officiated(?:\s+at)?)\s+(?:the\s+|a\s+)?(?:change[\s\-]+of[\s\-]+command\s+)?"
         r"ceremony\b"),
        r"\bceremony\s+(?:was\s+)?(?:presided\s+over|hosted|officiated)\s+by\s+"), 0.7, "verb+clause",
        (("Colonel Anna Wexford assumed command of the 4th Mechanized Brigade on Friday. General Marta Quillon, "
         "commander of the 2nd Corps, presided over the ceremony."),
         ("Colonel Anna Wexford took command of the 4th Mechanized Brigade on Friday. The ceremony was hosted by "
         "General Marta Quillon, commander of the 2nd Corps.")),
        (("Colonel Anna Wexford assumed command of the 4th Mechanized Brigade on Friday. General Marta Quillon, "
         "commander of the 2nd Corps, missed the ceremony."),)),
)
_HOLDER_OPENING, _HOLDER_LIST = TO_HOLDER["deputies-of-holder"].compiled
_PRESIDED, _HOSTED_BY = CEREMONY["presided-ceremony"].compiled
#: The rules by which a change-of-command article says who took the command.
_TOOK_COMMAND = ("verb:assumed", "verb:took", "verb:takes", "verb:assumes", "hands-over", "succession", "took-over-as")
_OWNED = _POSSESSIVE.compiled[2]
_SUB_HINT = re.compile(SUBORDINATE, re.IGNORECASE)  # the subordinate post the rules below need


def _rank_gap(ctx: Context) -> str:
    return rf"(?:the\s+)?(?:(?:{ctx.gazetteer.rank_re.pattern}|{ctx.gazetteer.honorific_re.pattern})\s+){{0,2}}"


def reports_to(ctx: Context, left: Span, right: Span, b: str, s: int, e: int) -> bool:
    """A person, then the person (or post) they report to; or a person, then their deputy."""
    rank_gap = _rank_gap(ctx)
    if right.kind == "Person" and (_SUB_HINT.search(b) or _OWNED.match(ctx.text, right.end)) \
            and _subordinate(ctx, left, right, b, s, e, rank_gap):
        return True
    if right.kind == "Person" and _superior(ctx, left, right, b, s, e, rank_gap):
        return True
    m = None
    for index in range(len(_REPORTS.patterns)):
        m = compiled(_REPORTS.pattern(index, RANK_GAP=rank_gap), _REPORTS.flags).fullmatch(b)
        if m:
            break
    if not m:
        return False
    past = re.search(r"\b(?:reported|answered|was|served|worked)\b", b, re.IGNORECASE)
    modality = clause_modality(ctx.text, s, left.start, right.end, "past" if past else "asserted")
    ctx.relation("reportsTo", left, right, s, e, _REPORTS.confidence, modality, _REPORTS.id)
    return True


def _subordinate(ctx: Context, left: Span, right: Span, b: str, s: int, e: int, rank_gap: str) -> bool:
    """"X, deputy to Y" and "X, Y's deputy" (X reports to Y); "Y's deputy, X" (X reports to Y)."""
    past = re.search(r"\bwas\b|\bserved\b|\bformer\b", b, re.IGNORECASE) or _MOVES_UP.search(ctx.text, right.end, e)
    base: Modality = "past" if past else "asserted"
    apposed = compiled(_POSSESSIVE.pattern(1, RANK_GAP=rank_gap), _POSSESSIVE.flags).fullmatch(b) \
        and _OWNED.match(ctx.text, right.end)
    if apposed or compiled(_DEPUTY_TO.pattern(0, RANK_GAP=rank_gap), _DEPUTY_TO.flags).fullmatch(b):
        rule = _POSSESSIVE if apposed else _DEPUTY_TO
        modality = clause_modality(ctx.text, s, left.start, right.end, base)
        ctx.relation("reportsTo", left, right, s, e, rule.confidence, modality, rule.id)
        return True
    if compiled(_POSSESSIVE.pattern(0, RANK_GAP=rank_gap), _POSSESSIVE.flags).fullmatch(b):
        modality = clause_modality(ctx.text, s, left.start, right.end, base)
        ctx.relation("reportsTo", right, left, s, e, _POSSESSIVE.confidence, modality, _POSSESSIVE.id)
        return True
    return False


def _superior(ctx: Context, left: Span, right: Span, b: str, s: int, e: int, rank_gap: str) -> bool:
    """"X, Y's commanding officer" and "Y's commander, X": Y reports to X."""
    before, owned, after = (compiled(_SUPERIOR.pattern(i, RANK_GAP=rank_gap), _SUPERIOR.flags) for i in range(3))
    if before.fullmatch(b) and owned.match(ctx.text, right.end):
        boss, worker = left, right
    elif after.fullmatch(b):
        boss, worker = right, left
    else:
        return False
    modality = clause_modality(ctx.text, s, left.start, right.end, "asserted")
    ctx.relation("reportsTo", worker, boss, s, e, _SUPERIOR.confidence, modality, _SUPERIOR.id)
    return True


# a sentence without one of these words holds none of the sentence-level reporting rules below
_SENTENCE_CUES = re.compile(r"\b(?:his|her|deput(?:y|ies)|chiefs?\s+of\s+staff|ceremony)\b", re.IGNORECASE)


def sentence_lines(ctx: Context, start: int, end: int, persons: list[Span], first: int) -> None:
    """The reporting rules read over a whole sentence rather than a pair of mentions."""
    if not persons or not ctx.has_match("reporting-cues", _SENTENCE_CUES, start, end):
        return
    pronoun_deputies(ctx, start, end, persons)
    deputies_of_holder(ctx, start, end, persons)
    presided_ceremony(ctx, start, end, persons, first)


def pronoun_deputies(ctx: Context, start: int, end: int, persons: list[Span]) -> None:
    """"His chief of staff is X", "Her deputy, X": X reports to the subject of the sentence before
    (the one "he"/"she" would name), unless the sentence names a person before the pronoun."""
    subject = ctx.memory.last_subject
    if subject is None:
        return
    text = ctx.text
    pronoun = _PRONOUN.compiled[0]
    named: set[int] = set()  # "His deputy is X, and his chief of staff is Y": X is no antecedent
    for m in ctx.matches("pronoun-deputy", pronoun, start, end):
        if any(p.start < m.start() and id(p) not in named for p in persons):
            return  # "Quillon said her deputy ...": the nearer antecedent is in the sentence
        gap = compiled(_rank_gap(ctx), re.IGNORECASE).match(text, m.end())
        after = gap.end() if gap else m.end()
        held = next((p for p in persons if m.start() <= (p.head_start if p.head_start is not None else p.start)
                     and p.start <= after), None)
        if held is None or (held.refers_to or held.name) == subject.name:
            continue
        named.add(id(held))
        boss_span = Span("Person", subject.name, m.start(), m.start() + 3, rank=subject.rank)
        modality = clause_modality(text, start, m.start(), held.end, "past" if " was " in m.group() else "asserted")
        ctx.relation("reportsTo", held, boss_span, start, end, _PRONOUN.confidence, modality, _PRONOUN.id)


def deputies_of_holder(ctx: Context, start: int, end: int, persons: list[Span]) -> None:
    """"two deputies for the new commander-in-chief: X and Y": X and Y report to whoever the
    article last said holds that post (as a present fact)."""
    text = ctx.text
    rule = TO_HOLDER["deputies-of-holder"]
    for m in ctx.matches("deputies-of-holder", _HOLDER_OPENING, start, end):
        title = ctx.gazetteer.post_re.match(text, m.end(), end)
        listed = _HOLDER_LIST.match(text, title.end(), end) if title else None
        if title is None or listed is None:
            continue
        wanted = ctx.gazetteer.posts.get(fold(title.group()))
        holder = next((r.subject for r in reversed(ctx.relations) if r.kind == "holds" and r.post is not None
                       and r.modality == "asserted" and r.post.title == wanted.title), None) if wanted else None
        if holder is None or wanted is None:
            continue
        boss = Span("Person", holder.name, m.start(), title.end(), rank=holder.rank)
        deputy = PostTitle(wanted.form, f"Deputy {wanted.title}", False)  # "deputies for the commander-in-chief"
        for person in persons:
            if person.start > listed.end() - 1 and key_of(person) != holder.key:
                modality = clause_modality(text, start, m.start(), person.end, "asserted")
                ctx.relation("reportsTo", person, boss, start, end, rule.confidence, modality, rule.id)
                ctx.holds(person, make_post(deputy, None), start, end, rule.confidence, modality, rule.id)


def presided_ceremony(ctx: Context, start: int, end: int, persons: list[Span], first: int) -> None:
    """"General Y, commander of the parent command, presided over the ceremony": in a change-of-command
    article, the officer who took the command reports to the one who presided."""
    text = ctx.text
    m = next(iter(ctx.matches("presided-ceremony", _PRESIDED, start, end)), None)
    cue = m or next(iter(ctx.matches("hosted-ceremony", _HOSTED_BY, start, end)), None)
    if cue is None:
        return
    presider = next((p for p in persons if (p.end <= cue.start() if m else p.start >= cue.end())), None)
    if presider is None or not any(r.kind == "headOf" and r.subject.key == key_of(presider) and r.modality == "asserted"
                                   for r in ctx.relations[first:]):
        return  # only an officer this sentence says commands something: the parent command
    taker = next((r for r in reversed(ctx.relations) if r.kind == "headOf" and r.modality == "asserted"
                  and r.rule in _TOOK_COMMAND and r.subject.key != key_of(presider)), None)
    if taker is None:
        return
    rule = CEREMONY["presided-ceremony"]
    new = Span("Person", taker.subject.name, taker.subject.start, taker.subject.end, rank=taker.subject.rank,
               refers_to=taker.subject.key.split(":", 1)[1])  # keyed as the mention was
    modality = clause_modality(text, start, min(presider.start, cue.start()), max(presider.end, cue.end()), "asserted")
    ctx.relation("reportsTo", new, presider, start, end, rule.confidence, modality, rule.id)
