"""make bench: throughput, memory and query latency of kg on synthetic corpora (not a test).

For each size (1k and 10k articles of about 500 words), in a fresh process: build a store on disk
(``kg.pipeline.build``), then time every named query. Extraction alone is also timed on one core.
Prints medians; the machines are shared, so compare ratios rather than absolute numbers.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZES = [int(s) for s in os.environ.get("KG_BENCH_SIZES", "1000,10000").split(",")]


def measure(size: int, workers: int) -> dict:
    """Runs in a child process so that peak memory is this build's alone."""
    from corpus import write_corpus

    from kg.extract import extract
    from kg.pipeline import build
    from kg.query import named_queries, select
    from kg.sources import read_documents
    from kg.store import Store

    folder = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    corpus = write_corpus(folder / "corpus.jsonl", size)
    documents = list(read_documents([corpus]))
    words = statistics.mean(len(d.text.split()) for d in documents)
    sample = documents[: min(500, len(documents))]
    started = time.perf_counter()
    for document in sample:
        extract(document)
    extract_rate = len(sample) / (time.perf_counter() - started)

    store = Store(folder / "store")
    started = time.perf_counter()
    report = build([corpus], store, workers=workers)
    elapsed = time.perf_counter() - started
    # each named query as a user runs it: about one entity (and, where cheap enough, over everything)
    someone = " ".join(documents[0].text.split(",")[0].split()[-2:])
    subject = {"who-commands": {"name": "Falcon Command"}, "chain-of-command": {"name": someone},
               "troops-by-country": {"name": "Iraq"}, "evidence": {"name": someone},
               "commander-on-date": {"name": "Falcon Command", "date": "2021-06-30"},
               "reporting-lines-on-date": {"name": someone, "date": "2021-06-30"}}
    latencies = {}
    for name, sparql in named_queries().items():
        for label, bindings in ((name, None), (f"{name} --param name=...", subject.get(name))):
            if label == name and name in ("chain-of-command", "reporting-lines-on-date") and size > 1000:
                continue  # every person's lines at once: quadratic, and not how they are used
            if label != name and not bindings:
                continue
            runs = []
            for _ in range(5 if size <= 1000 else 3):
                t = time.perf_counter()
                select(store, sparql, bindings=bindings)
                runs.append(time.perf_counter() - t)
            latencies[label] = statistics.median(runs) * 1000
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {"size": size, "workers": workers, "words": round(words), "extract_per_s_1core": round(extract_rate, 1),
            "build_s": round(elapsed, 2), "articles_per_s": round(size / elapsed, 1),
            "quads": report.quads, "quads_per_s": round(report.quads / elapsed),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "query_ms": {k: round(v, 1) for k, v in latencies.items()}}


def main() -> None:
    if len(sys.argv) == 3:
        print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))))
        return
    workers = min(2, os.cpu_count() or 1)
    results = []
    for size in SIZES:
        for w in sorted({1, workers}):
            if size > 1000 and w == 1 and workers > 1:
                continue  # the big corpus is built once, with all cores
            out = subprocess.run([sys.executable, __file__, str(size), str(w)], capture_output=True, text=True,
                                 check=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(f"{r['size']:>6} articles (~{r['words']} words), {r['workers']} worker(s): "
                  f"build {r['build_s']} s = {r['articles_per_s']} articles/s, {r['quads_per_s']:,} quads/s "
                  f"({r['quads']:,} quads); extraction alone {r['extract_per_s_1core']} articles/s on one core; "
                  f"peak RSS {r['peak_rss_mb']} MB", flush=True)
            for name, ms in r["query_ms"].items():
                print(f"         {name:<42} {ms:>9.1f} ms (median of {5 if r['size'] <= 1000 else 3})")
    from view import main as view_bench
    view_bench([5000])
    from extract import main as extract_bench
    extract_bench([])
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
