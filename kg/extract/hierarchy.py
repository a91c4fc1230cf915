"""Relation family: unit hierarchy (``subOrganizationOf``) between two organisations of one
sentence: "X falls under Y", "X is part of Y", "X, a subordinate command of Y", "X belongs to Y"."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.modality import clause_modality
from kg.extract.rule import Rule, register
from kg.extract.spans import Span

RULES = register(
    Rule("part-of", "hierarchy", "subOrganizationOf", (
        (r",?\s*(?:(?:which|that)\s+)?(?:(?:is|are|was|were|remains|now|also|itself)\s+)*"
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
)
_PART_OF = RULES["part-of"]
_TAIL = re.compile(r"(?:falls?|fell|comes?|came|reports?|belongs?|is\s+part|is\s+a\s+(?:part|component|unit))\b")


def part_of(ctx: Context, left: Span, right: Span, b: str, s: int, e: int) -> bool:
    """An organisation, then the one it belongs to."""
    if " and " in b:
        # "CJTF-OIR is commanded by Maj. Gen. Joel Vowell and falls under U.S. Central Command"
        tail = b.rsplit(" and ", 1)[1]
        if _TAIL.match(tail):
            b = " " + tail
    m = _PART_OF.compiled[0].fullmatch(b)
    if not m or re.search(r"\b(?:not|never|no\s+longer)\b", b, re.IGNORECASE):
        return False
    modality = clause_modality(ctx.text, s, left.start, right.end, "asserted")
    ctx.relation("subOrganizationOf", left, right, s, e, _PART_OF.confidence, modality, _PART_OF.id)
    return True
