"""Extraction alone, beside spaCy's blank English tokenizer and sentencizer, on the same texts.

    python bench/extract.py [--articles N] [--sizes 100000,1000000,5000000] [--json]

Throughput: the 500-word synthetic articles of ``bench/corpus.py`` (same seed), extracted one by one
on one core, and the same texts through ``spacy.blank("en")`` with the ``sentencizer`` pipe, in the
same run; median of 3 runs each, and the ratio (kg's time over spaCy's: the floor), in wall-clock time and in
the CPU time of the process (the steadier of the two when other jobs share the machine). Scaling: one long
article made of distinct synthetic articles, at each size, timed once (its extraction must grow
linearly with its length). Not a test: the machine is shared, so compare ratios, not absolutes.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _median_rate(run: Callable[[], None], count: int, repeats: int = 3) -> tuple[float, float]:
    """(wall-clock, CPU-time) articles per second, medians of ``repeats`` runs: on a shared machine
    the CPU time of this process is the steadier figure, since other jobs stretch the wall clock."""
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return count / statistics.median(walls), count / statistics.median(cpus)


def throughput(count: int = 300) -> dict[str, Any]:
    """Articles per second on one core for kg's extraction and for spaCy's floor, and the ratio."""
    import spacy
    from corpus import article

    from kg.extract import extract
    from kg.model import Document

    rng = random.Random(7)
    documents = [Document(id=f"b{i}", text=article(i, rng)["text"]) for i in range(count)]
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    extract(documents[0])  # load the gazetteer and compile its patterns outside the timing
    nlp(documents[0].text)

    def kg_run() -> None:
        for document in documents:
            extract(document)

    def spacy_run() -> None:
        for document in documents:
            nlp(document.text)

    kg_rate, kg_cpu = _median_rate(kg_run, count)
    spacy_rate, spacy_cpu = _median_rate(spacy_run, count)
    words = statistics.mean(len(d.text.split()) for d in documents)
    return {"articles": count, "words": round(words), "kg_articles_per_s": round(kg_rate, 1),
            "spacy_blank_sentencizer_articles_per_s": round(spacy_rate, 1),
            "kg_slower_than_floor": round(spacy_rate / kg_rate, 2),
            "cpu": {"kg_articles_per_s": round(kg_cpu, 1),
                    "spacy_blank_sentencizer_articles_per_s": round(spacy_cpu, 1),
                    "kg_slower_than_floor": round(spacy_cpu / kg_cpu, 2)}}


def long_article(chars: int, seed: int = 11) -> str:
    """One article of about ``chars`` characters: distinct synthetic articles, paragraph after paragraph."""
    from corpus import article

    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    index = 0
    while total < chars:
        text = article(index, rng)["text"]
        parts.append(text)
        total += len(text) + 2
        index += 1
    return "\n\n".join(parts)[:chars]


def scaling(sizes: list[int]) -> list[dict[str, Any]]:
    """Seconds to extract one article of each size, and microseconds per character."""
    from kg.extract import extract
    from kg.model import Document

    rows = []
    for size in sizes:
        text = long_article(size)
        started = time.perf_counter()
        extraction = extract(Document(id=f"long-{size}", text=text), max_chars=max(sizes))
        elapsed = time.perf_counter() - started
        rows.append({"chars": len(text), "seconds": round(elapsed, 2),
                     "us_per_char": round(elapsed / len(text) * 1e6, 2), "relations": len(extraction.relations)})
    return rows


def main(argv: list[str]) -> None:
    count = int(argv[argv.index("--articles") + 1]) if "--articles" in argv else 300
    sizes = [int(s) for s in argv[argv.index("--sizes") + 1].split(",")] if "--sizes" in argv \
        else [100_000, 1_000_000, 5_000_000]
    rate = throughput(count)
    print(f"extraction alone, one core, {rate['articles']} articles of ~{rate['words']} words (median of 3): "
          f"kg {rate['kg_articles_per_s']} articles/s, spaCy blank('en') + sentencizer "
          f"{rate['spacy_blank_sentencizer_articles_per_s']} articles/s: kg is {rate['kg_slower_than_floor']}x "
          f"slower than that floor", flush=True)
    cpu = rate["cpu"]
    print(f"  in CPU time of this process: kg {cpu['kg_articles_per_s']} articles/s, spaCy "
          f"{cpu['spacy_blank_sentencizer_articles_per_s']} articles/s: {cpu['kg_slower_than_floor']}x", flush=True)
    rows = scaling(sizes)
    for row in rows:
        print(f"  one article of {row['chars']:>9,} characters: {row['seconds']:>6} s "
              f"({row['us_per_char']} us/char, {row['relations']} relations)", flush=True)
    if "--json" in argv:
        print(json.dumps({"throughput": rate, "scaling": rows}))


if __name__ == "__main__":
    main(sys.argv[1:])
