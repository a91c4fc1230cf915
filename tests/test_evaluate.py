"""kg eval: scoring against gold files, and the quality floors the project keeps."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES, UNSEEN
from kg.errors import GoldError
from kg.evaluate import evaluate, load_gold
from kg.pipeline import build
from kg.store import Store


def test_evaluate_examples_gold(examples_store):
    scores = evaluate(examples_store, EXAMPLES / "gold.json")
    for kind, score in scores.items():
        assert score.precision >= 0.9, (kind, score.false_positives)
        assert score.recall >= 0.9, (kind, score.false_negatives)


def test_evaluate_seed_article(shared_dev, tmp_path):
    store = Store(tmp_path / "store")
    build([shared_dev / "seed-article.txt"], store)
    scores = evaluate(store, shared_dev / "seed-gold.json")
    assert set(scores) == {"persons", "posts", "headOf", "reportsTo", "partOf", "troops"}
    for kind, score in scores.items():
        assert score.f1 >= 0.9, (kind, score.false_positives, score.false_negatives)


# Floors measured on the held-back articles of tests/data/unseen (written before the rules were tuned);
# they may only go up.
UNSEEN_FLOORS = {"persons": (0.95, 0.95), "posts": (0.9, 0.95), "headOf": (0.95, 0.95), "reportsTo": (0.95, 0.95),
                 "partOf": (0.95, 0.95), "troops": (0.95, 0.95)}
# tests/data/blind: 8 articles written after that tuning and scored once before any rule changed
# (persons 1.0/0.94, posts 1.0/0.77, headOf 0.83/0.63, reportsTo -/0.0, partOf 1.0/1.0, troops 1.0/0.86),
# then fixed by general rules; the floors keep what the fixes reached. tests/data/blind2: 6 more
# articles, the same way (first run: persons 0.92/1.0, posts 1.0/0.9, every other kind 1.0/1.0).
# tests/data/blind3: 6 more (first run: headOf 0.75/0.6, partOf 0/0, every other kind 1.0/1.0).
# tests/data/blind4: 6 more (first run: posts 1.0/0.89, headOf 1.0/0.67, every other kind 1.0/1.0).
# tests/data/blind5: 4 longer ones (first run: posts 1.0/0.89, headOf 1.0/0.5, partOf 1.0/0.5, troops 1.0/0.2);
# "about 150 are in Vilnius now" (no troop noun, the sender two sentences back) is still missed.
# tests/data/blind6: 4 longer ones (first run: posts 1.0/0.82, headOf 1.0/0.25, troops 1.0/0.33, others 1.0/1.0);
# "the head of U.S. Central Command said. Gen. Kenneth McKenzie told ..." (across sentences) is still missed.
# tests/data/blind7: 4 longer ones (first run: persons 1.0/0.93, headOf 1.0/0.5, every other kind 1.0/1.0).
# tests/data/blind8: 4 longer ones (first run: partOf 1.0/0.5, troops 1.0/0.33, every other kind 1.0/1.0).
# tests/data/blind9: 4 longer ones (first run: persons 1.0/0.89, posts 0.83/0.71, headOf 1.0/0.67, partOf -/0.0,
# troops 1.0/0.4); "2,100 of them are at ... air base" and "Camp Lemonnier ... is home to 4,000" are still missed.
# tests/data/blind10: 4 longer ones (first run: posts 0.89/0.8, headOf 1.0/0.8, troops -/0.0, others 1.0/1.0).
# tests/data/blind11: 4 wire-style ones (first run: posts 0.88/0.78, headOf 1.0/0.5, reportsTo 0.5/0.5, others 1.0/1.0).
# tests/data/blind12: 4 more (first run: persons 1.0/0.9, every other kind 1.0/1.0).
# tests/data/blind13: 4 more (first run: persons 1.0/0.88, headOf 0.67/1.0, troops 1.0/0.4, others 1.0/1.0).
# tests/data/blind14: 4 more (first run: posts 1.0/0.71, headOf 0.67/0.5, others 1.0/1.0).
BLIND_FLOORS = {"persons": (0.95, 0.95), "posts": (0.95, 0.95), "headOf": (0.95, 0.95), "reportsTo": (0.95, 0.95),
                "partOf": (0.95, 0.95), "troops": (0.95, 0.95)}


@pytest.mark.parametrize("folder, floors", [(UNSEEN, UNSEEN_FLOORS), (UNSEEN.parent / "blind", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind2", BLIND_FLOORS), (UNSEEN.parent / "blind3", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind4", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind5", {**BLIND_FLOORS, "troops": (0.95, 0.75)}),
                                            (UNSEEN.parent / "blind6", {**BLIND_FLOORS, "posts": (0.95, 0.9),
                                                                        "headOf": (0.95, 0.75)}),
                                            (UNSEEN.parent / "blind7", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind8", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind9", {**BLIND_FLOORS, "troops": (0.95, 0.55)}),
                                            (UNSEEN.parent / "blind10", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind11", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind12", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind13", BLIND_FLOORS),
                                            (UNSEEN.parent / "blind14", BLIND_FLOORS),
                                            (UNSEEN.parent / "wire2", BLIND_FLOORS)],
                         ids=["unseen", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8",
                              "blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "wire2"])
def test_evaluate_regression_floor(tmp_path, folder, floors):
    store = Store(tmp_path / "store")
    build([folder], store)
    scores = evaluate(store, folder / "gold.json")
    for kind, (precision, recall) in floors.items():
        assert scores[kind].precision >= precision, (kind, scores[kind].false_positives)
        assert scores[kind].recall >= recall, (kind, scores[kind].false_negatives)


def test_evaluate_counts_optional_neither_way(memory_store, tmp_path):
    (tmp_path / "a.txt").write_text("Gen. Frank McKenzie, commander of US Central Command, spoke.")
    build([tmp_path], memory_store)
    gold = {"persons": [], "persons_optional": ["Frank McKenzie"], "headOf": [],
            "headOf_optional": [["Frank McKenzie", "US Central Command"]]}
    scores = evaluate(memory_store, gold)
    assert (scores["persons"].tp, scores["persons"].fp) == (0, 0)
    assert (scores["headOf"].tp, scores["headOf"].fp) == (0, 0)


def test_evaluate_wrong_prediction_is_a_false_positive(memory_store, tmp_path):
    (tmp_path / "a.txt").write_text("Gen. Frank McKenzie, commander of US Central Command, spoke.")
    build([tmp_path], memory_store)
    scores = evaluate(memory_store, {"headOf": [["Frank McKenzie", "US European Command"]]})
    assert (scores["headOf"].tp, scores["headOf"].fp, scores["headOf"].fn) == (0, 1, 1)
    assert scores["headOf"].f1 == 0.0


@pytest.mark.parametrize("content, message", [
    ("{not json", "malformed JSON"),
    ("[1, 2]", "a gold file is a JSON object"),
    (json.dumps({"headOf": [["only one"]]}), "pairs"),
    (json.dumps({"troops": [["US", "Iraq", "5000"]]}), "[sender, host, count]"),
])
def test_evaluate_bad_gold_file(tmp_path, content, message):
    path = tmp_path / "gold.json"
    path.write_text(content)
    with pytest.raises(GoldError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_gold(path)
