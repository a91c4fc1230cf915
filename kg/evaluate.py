"""Evaluation: precision, recall and F1 of a store's facts against a gold annotation file.

The gold format (README, "Gold files"; ``examples/gold.json`` is an example): ``aliases``
(canonical name -> other names), ``persons``, pairs for ``headOf``, ``reportsTo`` and ``partOf``,
``[sender, host, count]`` for ``troops``, ``[person, [[keyword, ...], ...]]`` for ``posts`` (a keyword
may be ``a|b``), and ``*_optional`` lists that count neither for nor against. A predicted entity
matches a gold name when one of its labels, normalised (case, punctuation, "U.S." = "US"), equals the
gold canonical name or one of its aliases. Only asserted facts are predictions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import GoldError
from kg.extract.text import normalise_name
from kg.rdfmap import document_iri
from kg.sources import document_id

KINDS = ("persons", "posts", "headOf", "reportsTo", "partOf", "troops")
_GOLD_HINT = "see the README section Gold files; examples/gold.json is one"


@dataclass
class Score:
    """The score of one kind of fact."""

    kind: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "false_positives": self.false_positives, "false_negatives": self.false_negatives}


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a gold file.

    Raises:
        GoldError: the file is missing, not JSON, or not in the gold format.
    """
    path = Path(path)
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldError("no such gold file", source=str(path)) from None
    except json.JSONDecodeError as error:
        raise GoldError(f"malformed JSON: {error.msg}", source=str(path), line=error.lineno) from None
    if not isinstance(gold, dict):
        raise GoldError("a gold file is a JSON object", source=str(path), hint=_GOLD_HINT)
    if not any(key in gold for key in KINDS):
        raise GoldError("no annotations: none of " + ", ".join(KINDS) + " is given", source=str(path),
                        hint=_GOLD_HINT)
    for key in ("persons", "headOf", "reportsTo", "partOf", "troops", "posts"):
        if key in gold and not isinstance(gold[key], list):
            raise GoldError(f'"{key}" must be a list', source=str(path))
    for pair_kind in ("headOf", "reportsTo", "partOf"):
        for item in gold.get(pair_kind, []) + gold.get(pair_kind + "_optional", []):
            if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
                raise GoldError(f'"{pair_kind}" entries are [name, name] pairs, not {item!r}', source=str(path))
    for item in gold.get("troops", []) + gold.get("troops_optional", []):
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[2], int)):
            raise GoldError(f'"troops" entries are [sender, host, count], not {item!r}', source=str(path))
    return gold


class _Names:
    """Gold names: every canonical name with its aliases, normalised."""

    def __init__(self, gold: dict[str, Any]) -> None:
        self.forms: dict[str, set[str]] = {}
        for canonical, aliases in (gold.get("aliases") or {}).items():
            self.forms[canonical] = {normalise_name(canonical)} | {normalise_name(a) for a in aliases}

    def of(self, canonical: str) -> set[str]:
        return self.forms.get(canonical, {normalise_name(canonical)})

    def matches(self, canonical: str, labels: set[str]) -> bool:
        return bool(self.of(canonical) & labels)


def _predictions(store: Any, graphs: list[str] | None) -> dict[str, Any]:
    """The asserted facts of the store (in the given article graphs), each entity as its label set."""
    graph_filter = ""
    if graphs:
        graph_filter = "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " }"
    names: dict[str, set[str]] = {}
    for row in store.query("SELECT ?e ?n WHERE { ?e rdfs:label|skos:altLabel ?n }"):
        names.setdefault(row["e"].value, set()).add(normalise_name(row["n"].value))

    def rows(pattern: str, variables: list[str]) -> list[list[str]]:
        projection = " ".join("?" + v for v in variables)
        query = f"SELECT DISTINCT {projection} WHERE {{ {graph_filter} GRAPH ?g {{ {pattern} }} }}"
        return [[row[v].value for v in variables] for row in store.query(query)]

    return {
        "names": names,
        "persons": [r[0] for r in rows("?p a foaf:Person . ?g kgo:mentions ?p", ["p"])],
        "headOf": rows("?a org:headOf ?b", ["a", "b"]),
        "reportsTo": rows("?a org:reportsTo ?b", ["a", "b"]),
        "partOf": rows("?a org:subOrganizationOf ?b", ["a", "b"]),
        "troops": rows("?d a kgo:TroopDeployment ; kgo:sendingCountry ?a ; kgo:hostCountry ?b ; kgo:troopCount ?n",
                        ["a", "b", "n"]),
        "posts": rows("?p org:holds ?post", ["p", "post"]),
    }


def evaluate(store: Any, gold: dict[str, Any] | str | Path) -> dict[str, Score]:
    """Score the store's asserted facts against a gold annotation.

    When the gold lists ``documents`` whose ids are in the store, only those articles' graphs are
    scored; otherwise the whole store is.

    Returns:
        One :class:`Score` per kind that the gold file annotates.
    """
    if not isinstance(gold, dict):
        gold = load_gold(gold)
    graphs = None
    ids = [d["id"] for d in gold.get("documents", []) if isinstance(d, dict) and "id" in d]
    if ids:
        present = set(store.document_graphs()) if hasattr(store, "document_graphs") else set()
        wanted = [document_iri(store.base, document_id(i)).value for i in ids]
        if all(w in present for w in wanted):
            graphs = wanted
    predicted = _predictions(store, graphs)
    names = _Names(gold)
    labels = predicted["names"]
    scores: dict[str, Score] = {}

    def label_text(iri: str) -> str:
        return str(sorted(labels.get(iri, {iri}), key=lambda n: (-len(n), n))[0])

    if "persons" in gold:
        scores["persons"] = _score_items(
            "persons", gold["persons"], gold.get("persons_optional", []), predicted["persons"],
            lambda g, p: names.matches(g, labels.get(p, set())), lambda p: label_text(p), str)
    for kind in ("headOf", "reportsTo", "partOf"):
        if kind in gold:
            scores[kind] = _score_items(
                kind, gold[kind], gold.get(kind + "_optional", []), predicted[kind],
                lambda g, p: names.matches(g[0], labels.get(p[0], set()))
                and names.matches(g[1], labels.get(p[1], set())),
                lambda p: f"{label_text(p[0])} -> {label_text(p[1])}", lambda g: f"{g[0]} -> {g[1]}")
    if "troops" in gold:
        scores["troops"] = _score_items(
            "troops", gold["troops"], gold.get("troops_optional", []), predicted["troops"],
            lambda g, p: names.matches(g[0], labels.get(p[0], set()))
            and names.matches(g[1], labels.get(p[1], set()))
            and int(g[2]) == int(p[2]),
            lambda p: f"{label_text(p[0])} -> {label_text(p[1])}: {p[2]}", lambda g: f"{g[0]} -> {g[1]}: {g[2]}")
    if "posts" in gold:
        gold_posts = [(person, sets) for person, sets in gold["posts"]]
        optional_posts = [(person, sets) for person, sets in gold.get("posts_optional", [])]
        scores["posts"] = _score_items(
            "posts", gold_posts, optional_posts, predicted["posts"],
            lambda g, p: names.matches(g[0], labels.get(p[0], set()))
            and _keywords_match(g[1], labels.get(p[1], set())),
            lambda p: f"{label_text(p[0])}: {label_text(p[1])}", lambda g: f"{g[0]}: {g[1]}")
    return scores


def _keywords_match(keyword_sets: list[list[str]], post_labels: set[str]) -> bool:
    for label in post_labels:
        words = set(label.split())
        for keywords in keyword_sets:
            if all(any(normalise_name(alt) in words or (" " in alt and normalise_name(alt) in label)
                       for alt in keyword.split("|")) for keyword in keywords):
                return True
    return False


def _score_items(kind: str, gold_items: list[Any], optional_items: list[Any], predicted_items: list[Any],
                 match: Callable[[Any, Any], bool], show_predicted: Callable[[Any], str],
                 show_gold: Callable[[Any], str]) -> Score:
    score = Score(kind)
    matched_gold: set[int] = set()
    seen_fp: set[str] = set()
    for item in predicted_items:
        hits = [i for i, g in enumerate(gold_items) if match(g, item)]
        if hits:
            # each gold fact is matched once; a second prediction of it is neither right nor wrong
            unmatched = [i for i in hits if i not in matched_gold]
            matched_gold.add(unmatched[0] if unmatched else hits[0])
            continue
        if any(match(g, item) for g in optional_items):
            continue
        text = show_predicted(item)
        if text not in seen_fp:
            seen_fp.add(text)
            score.false_positives.append(text)
    score.tp = len(matched_gold)
    score.fp = len(score.false_positives)
    score.false_negatives = [show_gold(g) for i, g in enumerate(gold_items) if i not in matched_gold]
    score.fn = len(score.false_negatives)
    score.false_positives.sort()
    return score


def format_scores(scores: dict[str, Score], details: bool = False) -> str:
    """A plain-text table of the scores (and the misses, with ``details``)."""
    lines = [f"{'kind':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for kind in KINDS:
        if kind in scores:
            s = scores[kind]
            lines.append(f"{kind:<10} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:4d} {s.fp:4d} {s.fn:4d}")
    if details:
        for kind in KINDS:
            if kind in scores:
                for text in scores[kind].false_positives:
                    lines.append(f"  FP {kind}: {text}")
                for text in scores[kind].false_negatives:
                    lines.append(f"  FN {kind}: {text}")
    return "\n".join(lines) + "\n"


def combine(score_sets: Iterable[dict[str, Score]]) -> dict[str, Score]:
    """Add up the counts of several evaluations, kind by kind (micro-averaged scores).

    >>> a, b = {"persons": Score("persons", tp=3, fn=1)}, {"persons": Score("persons", tp=1, fp=1)}
    >>> round(combine([a, b])["persons"].f1, 3)
    0.8
    """
    total: dict[str, Score] = {}
    for scores in score_sets:
        for kind, score in scores.items():
            into = total.setdefault(kind, Score(kind))
            into.tp += score.tp
            into.fp += score.fp
            into.fn += score.fn
            into.false_positives.extend(score.false_positives)
            into.false_negatives.extend(score.false_negatives)
    return total


def mean_f1(scores: dict[str, Score]) -> float:
    """The mean F1 over the kinds that were scored."""
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0
