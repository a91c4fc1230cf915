"""make bench: build throughput against a floor, peak memory, incremental upkeep and query latency on
synthetic corpora (not a test; the machine is shared, so compare the ratios measured in one run).

For each size (``KG_BENCH_SIZES``, default 1k, 10k and 100k articles of about 500 words), each step in a
fresh process so that its peak memory is its own:

- ``build``: ``kg.pipeline.build`` into a fresh on-disk store, workers by default (one per core);
- ``floor``: the same work done plainly: read every article once, then bulk-load the N-Quads kg itself
  produced into a fresh on-disk store (Oxigraph's bulk loader), in one process. Reading is timed two
  ways: kg's own reader (normalising, and identifying each article's language, which costs about
  1.6 ms an article and is most of it) and a plain JSON parse of each line. The ratio is given against
  both: the plain one is the floor the issue defined, the other says what is left beside reading;
- ``upkeep``: add one new article to the built store, then remove it (in process, and ``kg build`` as a
  command, start-up included); then the median of 5 removals of corpus articles and of 5 replacements
  by another article's text, each put back as it was;
- ``queries``: every named query with ``--param`` (median of up to 5 runs, fewer past 3 s, in
  process) and pages of the full listings, through ``bench/queries.py``'s :func:`time_queries`.

``KG_BENCH_QUERY_MAX=N`` skips the queries above N articles; ``KG_BENCH_KEEP=1`` keeps each size's
folder (corpus and store) and prints where. Results go to ``bench/out/results.json``;
each step's progress (the build's every 30 s, with the writer's resident memory) to
``bench/out/SIZE-STEP.log``, so a long run can be followed and a cut-short one still says how far it got.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZES = [int(s) for s in os.environ.get("KG_BENCH_SIZES", "1000,10000,100000").split(",")]
LISTINGS = ("entities", "evidence", "posts", "troops-by-country", "who-commands")
LISTING_LIMIT = 1_000  # above it, the first page of a sorted full listing still sorts everything: not run


def _peak_mb(who: int) -> int:
    return round(resource.getrusage(who).ru_maxrss / 1024)


def _rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024)
    return 0


def step_build(folder: Path, workers: int | None) -> dict[str, Any]:
    from kg.pipeline import Progress, ProgressPrinter, build, default_workers
    from kg.store import Store

    corpus = folder / "corpus.jsonl"
    printer = ProgressPrinter(sys.stderr, interval=30.0, tty=False)
    trace: list[tuple[int, int]] = []  # (articles done, the writer's resident MB) after each batch

    moments: list[tuple[bool, float]] = []  # (reading, seconds since the start) of each progress call

    def progress(state: Progress) -> None:
        moments.append((state.reading, time.perf_counter() - started))
        if state.reading:
            printer(state)
            return
        trace.append((state.done, _rss_mb()))
        printer(state)
        if trace[-1] == max(trace, key=lambda t: t[1]) or len(trace) % 25 == 0:
            print(f"  rss {trace[-1][1]} MB at {state.done:,} articles", file=sys.stderr, flush=True)

    started = time.perf_counter()
    with Store(folder / "store") as store:
        report = build([corpus], store, workers=workers, progress=progress)
        compact_s = store.compact_seconds
    elapsed = time.perf_counter() - started
    every = max(1, len(trace) // 20)
    # the first pass ends with its last progress call; the last call follows the final rewrite of the
    # derived facts and the compaction, which the one before it (the last batch written) does not include
    batches = [t for reading, t in moments if not reading]
    timing = {"first_pass_s": max((t for reading, t in moments if reading), default=0.0),
              "final_derive_s": (batches[-1] - batches[-2] - compact_s) if len(batches) >= 2 else 0.0,
              "compact_s": compact_s}
    return {"build_s": elapsed, **timing, "articles": report.articles, "quads": report.quads,
            "workers": workers or default_workers(), "peak_rss_mb": _peak_mb(resource.RUSAGE_SELF),
            "worker_peak_rss_mb": _peak_mb(resource.RUSAGE_CHILDREN), "rss_trace": trace[::every] + trace[-1:]}


def step_floor(folder: Path) -> dict[str, Any]:
    from pyoxigraph import RdfFormat
    from pyoxigraph import Store as OxStore

    from kg.sources import read_documents
    from kg.store import Store

    dump = folder / "kg.nq"
    with Store(folder / "store", read_only=True) as store:
        store.oxigraph.dump(str(dump), RdfFormat.N_QUADS)
    started = time.perf_counter()
    articles = sum(1 for _ in read_documents([folder / "corpus.jsonl"]))
    read = time.perf_counter() - started
    started = time.perf_counter()
    with (folder / "corpus.jsonl").open(encoding="utf-8") as lines:
        plain = sum(1 for line in lines if json.loads(line))
    plain_read = time.perf_counter() - started
    assert plain == articles
    fresh = OxStore(str(folder / "floor-store"))
    started = time.perf_counter()
    fresh.bulk_load(path=str(dump), format=RdfFormat.N_QUADS)
    fresh.flush()
    load = time.perf_counter() - started
    quads = len(fresh)
    del fresh
    shutil.rmtree(folder / "floor-store", ignore_errors=True)
    dump.unlink()
    return {"read_s": read, "load_s": load, "floor_s": read + load, "floor_articles": articles,
            "plain_read_s": plain_read, "plain_floor_s": plain_read + load,
            "floor_quads": quads, "floor_peak_rss_mb": _peak_mb(resource.RUSAGE_SELF)}


def step_upkeep(folder: Path) -> dict[str, Any]:
    from kg.pipeline import build
    from kg.store import Store

    record = json.loads((folder / "corpus.jsonl").open().readline())
    record["id"] = "bench-extra"
    record["text"] = record["text"].replace("spoke to reporters", "briefed reporters")
    one = folder / "one.jsonl"
    one.write_text(json.dumps(record) + "\n")
    from kg.model import Document
    from kg.pipeline import article_graph
    from kg.sources import read_documents

    next(iter(read_documents([one])))  # start-up: the language model
    article_graph(Document(id="warm-up", text="Gen. Mark Milley spoke."), "http://x/")  # start-up: word lists
    with Store(folder / "store") as store:
        started = time.perf_counter()
        build([one], store, workers=1)
        add = time.perf_counter() - started
        started = time.perf_counter()
        store.remove(["bench-extra"])
        remove = time.perf_counter() - started
    started = time.perf_counter()
    command = [sys.executable, "-m", "kg", "build", str(one), "--store", str(folder / "store"), "--quiet"]
    subprocess.run(command, check=True, capture_output=True)
    cli = time.perf_counter() - started
    with Store(folder / "store") as store:
        store.remove(["bench-extra"])
        removals, replacements = _remove_and_replace(folder, store)
    return {"add_one_s": add, "remove_one_s": remove, "add_one_cli_s": cli,
            "remove_median_s": statistics.median(removals), "replace_median_s": statistics.median(replacements)}


def _remove_and_replace(folder: Path, store: Any, runs: int = 5) -> tuple[list[float], list[float]]:
    """Seconds to remove each of ``runs`` articles spread over the corpus, and to replace each by another
    article's text; every one is put back as it was stored, so the later steps see the built store."""
    from pyoxigraph import RdfFormat, serialize

    from kg.derive import ArticleGraph
    from kg.model import Document
    from kg.pipeline import article_graph
    from kg.rdfmap import document_iri

    with (folder / "corpus.jsonl").open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    step = max(1, len(records) // runs)
    picked = [records[(k * step + step // 2) % len(records)] for k in range(runs)]
    others = [records[(k * step + step // 2 + 1) % len(records)] for k in range(runs)]
    removals, replacements = [], []
    for record, other in zip(picked, others):
        quads = list(store.oxigraph.quads_for_pattern(None, None, None, document_iri(store.base, record["id"])))
        original = ArticleGraph(record["id"], serialize(quads, format=RdfFormat.N_QUADS) or b"", len(quads))
        started = time.perf_counter()
        store.remove([record["id"]])
        removals.append(time.perf_counter() - started)
        store.write([original])
        new = article_graph(Document(id=record["id"], text=other["text"], published=other.get("published")),
                            store.base)
        started = time.perf_counter()
        store.write([new])
        replacements.append(time.perf_counter() - started)
        store.write([original])
    return removals, replacements


def step_queries(folder: Path) -> dict[str, Any]:
    try:
        from queries import time_queries  # bench/queries.py
    except ImportError:
        return _step_queries_here(folder)
    with (folder / "corpus.jsonl").open(encoding="utf-8") as lines:
        size = sum(1 for _ in lines)
    # above LISTING_LIMIT the pages of the full listings are not timed: counting a listing's rows to find
    # its middle page runs it whole (the chain-of-command listing took 38 s a page at 1 k)
    result: dict[str, Any] = time_queries(folder / "store", listings=size <= LISTING_LIMIT)
    return {"query_ms": {k: round(v, 1) for k, v in result["query_ms"].items()},
            "query_rows": result.get("rows", {})}


def _step_queries_here(folder: Path) -> dict[str, Any]:
    from kg.query import named_queries, page, select
    from kg.sources import read_documents
    from kg.store import Store

    document = next(iter(read_documents([folder / "corpus.jsonl"])))
    found = re.search(r"(\w+ \w+), the commander of", document.text)  # "Gen. Maria Novak, the commander..."
    someone = found.group(1) if found else "Maria Novak"
    subject = {"who-commands": {"name": "Falcon Command"}, "chain-of-command": {"name": someone},
               "troops-by-country": {"name": "Iraq"}, "evidence": {"name": someone},
               "entities": {"name": someone}, "posts": {"name": someone},
               "commander-on-date": {"name": "Falcon Command", "date": "2023-06-30"},
               "reporting-lines-on-date": {"name": someone, "date": "2023-06-30"}}
    latencies: dict[str, float] = {}
    with Store(folder / "store", read_only=True) as store:
        for name, sparql in named_queries().items():
            bindings = subject.get(name)
            runs: list[float] = []
            while len(runs) < 5 and sum(runs) < 3.0:  # a slow query is timed fewer times
                started = time.perf_counter()
                select(store, sparql, bindings=bindings)
                runs.append(time.perf_counter() - started)
            label = f"{name} --param " + " ".join(f"{k}=..." for k in sorted(bindings or {}))
            latencies[label] = statistics.median(runs)
        for name in LISTINGS if len(store.document_hashes()) <= LISTING_LIMIT else ():
            started = time.perf_counter()
            select(store, page(named_queries()[name], 50, 0))
            latencies[f"{name} --limit 50"] = time.perf_counter() - started
    return {"query_ms": {k: round(v * 1000, 1) for k, v in latencies.items()}}


STEPS = {"build": step_build, "floor": step_floor, "upkeep": step_upkeep, "queries": step_queries}


def run_step(step: str, folder: Path, size: int) -> dict[str, Any]:
    (HERE / "out").mkdir(exist_ok=True)
    log = HERE / "out" / f"{size}-{step}.log"
    with log.open("w") as errors:
        errors.write(f"{time.strftime('%H:%M:%S')} {step} of {size:,} articles, load average "
                     f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        errors.flush()
        out = subprocess.run([sys.executable, __file__, step, str(folder)], stdout=subprocess.PIPE, stderr=errors,
                             text=True)
        errors.write(f"{time.strftime('%H:%M:%S')} done, exit {out.returncode}, load average "
                     f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    if out.returncode != 0:
        raise SystemExit(f"bench step {step} failed:\n{log.read_text()[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(size: int) -> dict[str, Any]:
    from corpus import write_corpus

    folder = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        write_corpus(folder / "corpus.jsonl", size, varied=True)
        result: dict[str, Any] = {"size": size, "load_average_before": os.getloadavg()[1]}
        result.update(run_step("build", folder, size))
        result["load_average_build"] = os.getloadavg()[1]  # over the last 5 minutes
        result.update(run_step("floor", folder, size))
        result.update(run_step("upkeep", folder, size))
        if size <= int(os.environ.get("KG_BENCH_QUERY_MAX", "1000000")):
            result.update(run_step("queries", folder, size))
        else:
            result["query_ms"] = {}
        result["load_average_after"] = os.getloadavg()[1]
        result["articles_per_s"] = size / result["build_s"]
        result["floor_articles_per_s"] = size / result["floor_s"]
        result["ratio"] = result["build_s"] / result["floor_s"]
        result["plain_ratio"] = result["build_s"] / result["plain_floor_s"]
        files = [f for f in (folder / "store").rglob("*") if f.is_file()]
        result["store_mb"] = round(sum(f.stat().st_size for f in files) / 2**20)
        return result
    finally:
        if os.environ.get("KG_BENCH_KEEP") == "1":  # to time queries on it again later
            print(f"         kept {folder}", flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def show(r: dict[str, Any]) -> None:
    print(f"{r['size']:>7,} articles, {r['quads']:,} quads, {r['workers']} workers: build {r['build_s']:.1f} s = "
          f"{r['articles_per_s']:.0f} articles/s; floor {r['floor_s']:.1f} s = "
          f"{r['floor_articles_per_s']:.0f} articles/s (kg's reader {r['read_s']:.1f} s + bulk load "
          f"{r['load_s']:.1f} s): ratio {r['ratio']:.2f}; against a plain JSON read ({r['plain_read_s']:.2f} s) "
          f"+ bulk load: ratio {r['plain_ratio']:.2f}", flush=True)
    print(f"         of the build: first pass (read, language, copies) {r.get('first_pass_s', 0):.1f} s, "
          f"final rewrite of derived facts {r.get('final_derive_s', 0):.1f} s, "
          f"compaction of the store's files {r.get('compact_s', 0):.1f} s")
    print(f"         peak RSS {r['peak_rss_mb']} MB (writer) + {r['worker_peak_rss_mb']} MB (largest worker); "
          f"store {r['store_mb']} MB on disk; add one article {r['add_one_s'] * 1000:.0f} ms "
          f"({r['add_one_cli_s']:.2f} s as `kg build`, start-up included), "
          f"remove one {r['remove_one_s'] * 1000:.0f} ms (median of 5 corpus articles "
          f"{r.get('remove_median_s', 0) * 1000:.0f} ms; replace one by another text "
          f"{r.get('replace_median_s', 0) * 1000:.0f} ms)")
    print(f"         writer's resident MB after batches: "
          f"{', '.join(f'{done:,}: {mb}' for done, mb in r['rss_trace'][::max(1, len(r['rss_trace']) // 8)])}; "
          f"load average (5 min) {r['load_average_before']:.1f} before, {r['load_average_build']:.1f} "
          f"after the build, {r['load_average_after']:.1f} at the end")
    for name, ms in r["query_ms"].items():
        print(f"         {name:<52} {ms:>9.1f} ms")


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] in STEPS:
        step, folder = sys.argv[1], Path(sys.argv[2])
        args: list[Any] = [int(a) if a.isdigit() else a for a in sys.argv[3:]]
        print(json.dumps(STEPS[step](folder, *args) if step == "build" and args else
                         STEPS[step](folder) if step != "build" else step_build(folder, None)))
        return
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    results = []
    for size in SIZES:
        results.append(measure(size))
        show(results[-1])
        (HERE / "out").mkdir(exist_ok=True)
        (HERE / "out" / "results.json").write_text(json.dumps(results, indent=2))
    first, last = results[0], results[-1]
    if len(results) > 1:
        print(f"peak RSS at {last['size']:,} / at {first['size']:,}: {last['peak_rss_mb'] / first['peak_rss_mb']:.2f}x")
    if os.environ.get("KG_BENCH_VIEW", "1") == "1":
        from view import main as view_bench
        view_bench([5000])
        from extract import main as extract_bench
        extract_bench([])
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
