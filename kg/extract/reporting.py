"""Relation family: reporting lines (``reportsTo``) between two persons of one sentence: "X reports
to Y", "X answers directly to Y", "X serves under the command of Y"."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.modality import clause_modality
from kg.extract.patterns import compiled
from kg.extract.rule import Rule, register
from kg.extract.spans import Span

RULES = register(
    Rule("reports-to", "reporting", "reportsTo", (
        (r",?\s*(?:who\s+)?(?:(?:also|still|now|currently|directly|ultimately|formally)\s+)*"
        r"(?P<verb>reports|reported|report|answers|answered|answer|is\s+subordinate|was\s+subordinate|serves|served)"
        r"\s+(?:directly\s+|ultimately\s+)?(?:to|under)\s+<RANK_GAP>(?:(?:the\s+)?[\w\- ]*?,?\s+<RANK_GAP>)?"),
        (r",?\s*(?:who\s+)?(?:(?:is|was|are|were|serves|served|operates|operated)\s+)?under\s+(?:the\s+)?(?:direct\s+)?"
        r"(?:command|authority|orders)\s+of\s+<RANK_GAP>(?:[\w\- ]*?\s+)?")), 0.8, "verb+clause",
        ("Colonel Anna Wexford reports directly to General Marta Quillon.",
         "Colonel Anna Wexford serves under the command of General Marta Quillon."),
        ("Colonel Anna Wexford spoke to General Marta Quillon.",)),
)
_REPORTS = RULES["reports-to"]


def reports_to(ctx: Context, left: Span, right: Span, b: str, s: int, e: int) -> bool:
    """A person, then the person (or post) they report to."""
    rank_gap = rf"(?:the\s+)?(?:(?:{ctx.gazetteer.rank_re.pattern}|{ctx.gazetteer.honorific_re.pattern})\s+){{0,2}}"
    m = None
    for index in range(len(_REPORTS.patterns)):
        m = compiled(_REPORTS.pattern(index, RANK_GAP=rank_gap), _REPORTS.flags).fullmatch(b)
        if m:
            break
    if not m:
        return False
    past = re.search(r"\b(?:reported|answered|was|served)\b", b, re.IGNORECASE)
    modality = clause_modality(ctx.text, s, left.start, right.end, "past" if past else "asserted")
    ctx.relation("reportsTo", left, right, s, e, _REPORTS.confidence, modality, _REPORTS.id)
    return True
