"""Constructions that cross clauses and sentences: modality clause by clause, change of command,
reporting lines stated through command structure, and titles whose holder is named in another
sentence. The sentences are ours."""

from __future__ import annotations

from kg.extract import extract
from kg.model import Document


def facts(text: str, kind: str) -> set[tuple[str, str, str]]:
    """(subject, object or post, modality) of every relation of ``kind`` found in ``text``."""
    found = extract(Document(id="clauses", text=text, published="2024-01-01")).relations
    return {(r.subject.key.split(":", 1)[1], (r.object.key.split(":", 1)[1] if r.object else r.post.label.lower()),
             r.modality) for r in found if r.kind == kind}


def test_clauses_a_relative_clause_is_not_reached_by_the_plan_of_its_host_clause() -> None:
    text = ("General Marta Quillon arrived on Monday. In a crisis, control would pass to the Harbour Command, "
            "which Quillon now leads.")
    assert ("marta quillon", "harbour command", "asserted") in facts(text, "headOf")


def test_clauses_a_plan_inside_the_relative_clause_still_counts() -> None:
    text = "Colonel Anna Wexford arrived. Task Force Lantern, which Wexford will command from May, moved north."
    assert ("anna wexford", "task force lantern", "asserted") not in facts(text, "headOf")
