"""Every extraction rule's own examples: each must find the rule's relation, under the rule's id,
and none of its not-examples may (the sentences are ours; see docs/rules.md)."""

from __future__ import annotations

import re

import pytest

from kg.extract import extract
from kg.extract.rule import Rule, RuleError, all_rules, register
from kg.model import Document, RelationMention

RULES = all_rules()


def by_rule(rule: Rule, text: str) -> list[RelationMention]:
    """The relations of ``text`` that ``rule`` found (its id, or its id with a suffix)."""
    relations = extract(Document(id="rule-example", text=text, published="2024-01-01")).relations
    return [r for r in relations if r.rule == rule.id or r.rule.startswith((rule.id + ":", rule.id + "+"))]


@pytest.mark.parametrize("rule, text", [(r, t) for r in RULES for t in r.examples],
                         ids=[f"{r.id}-{i}" for r in RULES for i in range(len(r.examples))])
def test_rules_example_finds_the_rules_relation(rule: Rule, text: str) -> None:
    found = by_rule(rule, text)
    assert any(r.kind == rule.kind for r in found), f"{rule.id} found nothing in {text!r}"
    assert all(r.confidence <= rule.confidence for r in found if r.kind == rule.kind)


@pytest.mark.parametrize("rule, text", [(r, t) for r in RULES for t in r.not_examples],
                         ids=[f"{r.id}-not-{i}" for r in RULES for i in range(len(r.not_examples))])
def test_rules_not_example_finds_nothing(rule: Rule, text: str) -> None:
    assert by_rule(rule, text) == []


def test_rules_every_rule_has_an_example_and_a_known_family() -> None:
    families = {"posts", "command", "reporting", "hierarchy", "troops", "succession"}
    assert {r.family for r in RULES} == families
    assert all(r.examples for r in RULES)
    assert len({r.id for r in RULES}) == len(RULES)


def test_rules_provenance_ids_are_registered_rule_ids() -> None:
    # every rule string the extractor writes is a rule id, or one with a ":verb" / "+and" suffix
    ids = {r.id for r in RULES}
    text = ("Colonel Anna Wexford commands Task Force Lantern and the Harbour Command. "
            "About 3,200 Danish troops are stationed in Latvia and about 150 in Estonia.")
    written = {r.rule for r in extract(Document(id="p", text=text)).relations}
    assert written and all(re.split(r"[:+]", rule)[0] in ids for rule in written), written


@pytest.mark.parametrize("kwargs, message", [
    ({"patterns": ("(unclosed",)}, "does not compile"),
    ({"examples": ()}, "no example"),
    ({"kind": "likes"}, "unknown relation kind"),
    ({"modality": "maybe"}, "unknown modality policy"),
    ({"confidence": 1.5}, "confidence"),
    ({"id": "Bad Id"}, "lower-case"),
])
def test_rules_a_bad_rule_is_refused_when_built(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"id": "demo-rule", "family": "command", "kind": "headOf", "patterns": (r"leads\s+",),
                                 "confidence": 0.8, "modality": "clause", "examples": ("X leads Y.",)}
    fields.update(kwargs)
    with pytest.raises(RuleError, match=message):
        Rule(**fields)  # type: ignore[arg-type]


def test_rules_an_id_cannot_be_registered_twice() -> None:
    taken = RULES[0]
    twin = Rule(taken.id, "other", taken.kind, taken.patterns, taken.confidence, taken.modality, taken.examples)
    with pytest.raises(RuleError, match="id is taken"):
        register(twin)
