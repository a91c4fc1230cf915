"""Every extraction rule's own examples: each must find the rule's relation, under the rule's id (a
mention rule: the bracketed name, of the rule's kind), and none of its not-examples may (the
sentences are ours; see docs/rules.md)."""

from __future__ import annotations

import re

import pytest

from kg.extract import extract
from kg.extract.rule import Rule, RuleError, all_rules, register
from kg.model import Document, Mention, RelationMention

RULES = all_rules()
RELATION_RULES = [r for r in RULES if not r.is_mention]
MENTION_RULES = [r for r in RULES if r.is_mention]


def by_rule(rule: Rule, text: str) -> list[RelationMention]:
    """The relations of ``text`` that ``rule`` found (its id, or its id with a suffix)."""
    relations = extract(Document(id="rule-example", text=text, published="2024-01-01")).relations
    return [r for r in relations if r.rule == rule.id or r.rule.startswith((rule.id + ":", rule.id + "+"))]


def _cases(rules: list[Rule], attribute: str) -> list[tuple[Rule, str]]:
    return [(r, t) for r in rules for t in getattr(r, attribute)]


def _ids(rules: list[Rule], attribute: str, tag: str = "") -> list[str]:
    return [f"{r.id}{tag}-{i}" for r in rules for i in range(len(getattr(r, attribute)))]


@pytest.mark.parametrize("rule, text", _cases(RELATION_RULES, "examples"), ids=_ids(RELATION_RULES, "examples"))
def test_rules_example_finds_the_rules_relation(rule: Rule, text: str) -> None:
    found = by_rule(rule, text)
    assert any(r.kind == rule.kind for r in found), f"{rule.id} found nothing in {text!r}"
    assert all(r.confidence <= rule.confidence for r in found if r.kind == rule.kind)


@pytest.mark.parametrize("rule, text", _cases(RELATION_RULES, "not_examples"),
                         ids=_ids(RELATION_RULES, "not_examples", "-not"))
def test_rules_not_example_finds_nothing(rule: Rule, text: str) -> None:
    assert by_rule(rule, text) == []


def mentions_in(text: str) -> tuple[list[Mention], int, int]:
    """The mentions of a sentence with one name in [brackets], and where the brackets were."""
    start = text.index("[")
    end = text.index("]") - 1
    plain = text.replace("[", "", 1).replace("]", "", 1)
    return extract(Document(id="rule-example", text=plain, published="2024-01-01")).mentions, start, end


def kind_class(mention: Mention) -> str:
    return mention.kind if mention.kind in ("Person", "Country") else "Organization"


@pytest.mark.parametrize("rule, text", _cases(MENTION_RULES, "examples"), ids=_ids(MENTION_RULES, "examples"))
def test_rules_mention_example_finds_the_bracketed_name(rule: Rule, text: str) -> None:
    mentions, start, end = mentions_in(text)
    assert any(m.start == start and m.end == end and kind_class(m) == rule.kind for m in mentions), \
        (text, [(m.name, m.kind, m.start, m.end) for m in mentions])


@pytest.mark.parametrize("rule, text", _cases(MENTION_RULES, "not_examples"),
                         ids=_ids(MENTION_RULES, "not_examples", "-not"))
def test_rules_mention_not_example_finds_no_such_name_there(rule: Rule, text: str) -> None:
    mentions, start, end = mentions_in(text)
    assert not any(m.start < end and start < m.end and kind_class(m) == rule.kind for m in mentions), text


def test_rules_every_rule_has_an_example_and_a_known_family() -> None:
    families = {"persons", "organisations", "discourse", "posts", "command", "reporting", "hierarchy", "troops",
                "succession"}
    assert {r.family for r in RULES} == families
    assert all(r.examples for r in RULES)
    assert len({r.id for r in RULES}) == len(RULES)


def test_rules_provenance_ids_are_registered_rule_ids() -> None:
    # every rule string the extractor writes is a rule id, or one with a ":verb" / "+and" suffix
    ids = {r.id for r in RELATION_RULES}
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
    ({"kind": "Person", "examples": ("No brackets here.",)}, "brackets"),
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
