"""Score kg on the real-article gold of tests/data/real/ (articles read from ../shared/corpora).

    python bench/real.py [--gold FOLDER] [--ner MODEL] [--parse MODEL] [--details] [--json FILE]

Each gold file lists its articles by id and corpus (``us-gov-press-2021-2022``, ``dvids-sample`` or
``re3d/<folder>``). The articles are read from ``../shared/corpora`` (never copied into the repository),
built into a fresh temporary store, and each gold file is scored on its own articles' graphs. The
totals add up the counts of every file, kind by kind; "mean F1" is the mean over the six kinds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from kg.evaluate import KINDS, Score, combine, evaluate, format_scores, load_gold, mean_f1
from kg.pipeline import build
from kg.store import Store

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent / "tests" / "data" / "real"
CORPORA = HERE.parent.parent / "shared" / "corpora"


def corpus_file(corpus: str, corpora: Path = CORPORA) -> Path:
    """The file of ``../shared/corpora`` that holds a corpus's articles."""
    if corpus.startswith("re3d/"):
        return corpora / "re3d" / corpus.split("/", 1)[1] / "documents.json"
    return corpora / corpus / "articles.jsonl"


def gold_articles(gold_files: list[Path], corpora: Path = CORPORA) -> list[dict[str, object]]:
    """The article records that the gold files name, read from the corpora."""
    wanted: dict[Path, set[str]] = {}
    for path in gold_files:
        for document in load_gold(path)["documents"]:
            wanted.setdefault(corpus_file(document["corpus"], corpora), set()).add(document["id"])
    records: list[dict[str, object]] = []
    for path, ids in sorted(wanted.items()):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("id", record.get("_id")) in ids:
                records.append(record)
    return records


def score_real(gold_files: list[Path] | None = None, ner: str | None = None, parse: str | None = None,
               corpora: Path = CORPORA) -> dict[str, dict[str, Score]]:
    """Build the gold files' articles into a fresh store and score each gold file (name -> scores)."""
    gold_files = gold_files or sorted(GOLD.glob("*.gold.json"))
    with tempfile.TemporaryDirectory() as folder:
        articles = Path(folder) / "articles.jsonl"
        records = gold_articles(gold_files, corpora)
        articles.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        store = Store(Path(folder) / "store")
        build([articles], store, ner=ner, parse=parse)
        results = {path.name.removesuffix(".gold.json"): evaluate(store, path) for path in gold_files}
        store.close()
    return results


def table(results: dict[str, dict[str, Score]]) -> str:
    """One line per gold file and a total: P/R per kind and the mean F1."""
    head = f"{'set':<12}" + "".join(f"{k:>14}" for k in KINDS) + f"{'mean F1':>9}"
    lines = [head]
    rows = list(results.items()) + [("total", combine(results.values()))]
    for name, scores in rows:
        cells = "".join(f"{f'{s.precision:.2f}/{s.recall:.2f}' if (s := scores.get(k)) and s.gold + s.fp else '-':>14}"
                        for k in KINDS)
        lines.append(f"{name:<12}{cells}{mean_f1(scores):9.3f}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner")
    parser.add_argument("--parse")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--json")
    parser.add_argument("--gold", type=Path, default=GOLD, help="folder of *.gold.json files (tests/data/real)")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"{CORPORA} is not there: the real articles stay in ../shared")
    started = time.perf_counter()
    gold_files = sorted(args.gold.glob("*.gold.json"))
    results = score_real(gold_files, ner=args.ner, parse=args.parse)
    print(table(results))
    total = combine(results.values())
    print(format_scores(total, details=args.details))
    print(f"{len(gold_files)} gold files, {time.perf_counter() - started:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({name: {k: s.as_dict() for k, s in scores.items()}
                                               for name, scores in results.items()}, indent=1))


if __name__ == "__main__":
    main()
