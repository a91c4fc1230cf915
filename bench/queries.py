"""Named-query latency on a built store (not a test): every named query with ``--param`` and the first and a
middle page of every full listing, timed in process (median of up to 5 runs, fewer past 3 s).

    python bench/queries.py STORE [STORE ...]

``bench/run.py`` calls :func:`time_queries` on the store of each size it builds. The parameters are taken
from the store itself (the first article's commander, its unit and the unit's parent, its host country),
so the same synthetic corpus gives the same lookups at every size.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

LISTINGS = ("articles", "entities", "evidence", "posts", "troops-by-country", "who-commands", "chain-of-command",
            "commander-on-date", "reporting-lines-on-date")
PAGE = 50
DATE = "2023-06-30"  # when the first article has no date


def _timed(run: Callable[[], Any], budget: float = 3.0) -> tuple[float, Any]:
    runs: list[float] = []
    result: Any = None
    while len(runs) < 5 and sum(runs) < budget:  # a slow query is timed fewer times
        started = time.perf_counter()
        result = run()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def subjects(store: Any) -> dict[str, dict[str, str]]:
    """The ``--param`` values of each named query, read from the store's first article; the dated
    queries ask about that article's own day (a later one would often find its commander replaced,
    and time an empty answer)."""
    from kg.query import select

    rows = select(store, """SELECT ?person ?unit ?parent ?host ?date WHERE {
      ?doc dcterms:identifier ?id . FILTER(?id = "bench-000000") OPTIONAL { ?doc dcterms:date ?date }
      GRAPH ?doc { ?p org:headOf ?u . ?u org:subOrganizationOf ?up . ?d kgo:hostCountry ?h }
      ?p rdfs:label ?person . ?u rdfs:label ?unit . ?up rdfs:label ?parent . ?h rdfs:label ?host }""").as_dicts()
    first = rows[0] if rows else {"person": "Carlos Dunbardel", "unit": "Falcon Command", "parent": "Falcon Command",
                                  "host": "Iraq"}
    person, unit, parent, host = (str(first[k]) for k in ("person", "unit", "parent", "host"))
    day = str(first.get("date") or DATE)[:10]
    busiest = busiest_subjects(store)
    return {"articles": {"name": person}, "entities": {"name": person}, "posts": {"name": person},
            "evidence": {"name": person}, "chain-of-command": {"name": person},
            "who-commands": {"name": unit}, "troops-by-country": {"name": host},
            "commander-on-date": {"name": parent, "date": day},
            "reporting-lines-on-date": {"name": person, "date": day},
            "chain-of-command on a date": {"name": person, "date": day},
            **{f"{name} on the busiest": {"name": label} for name, label in busiest.items()}}


def busiest_subjects(store: Any) -> dict[str, str]:
    """The worst cases of the queries whose answers grow with the store: the organisation with the most
    headOf statements (``who-commands``) and the country in the most troop statements
    (``troops-by-country``); counted once, not timed."""
    from kg.query import select

    found: dict[str, str] = {}
    for name, sparql in (
            ("who-commands", "SELECT ?l WHERE { { SELECT ?o (COUNT(*) AS ?n) WHERE { ?o kgo:headedIn ?a } "
                             "GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1 } ?o rdfs:label ?l }"),
            ("troops-by-country", "SELECT ?l WHERE { { SELECT ?c (COUNT(*) AS ?n) WHERE { "
                                  "{ ?d kgo:hostCountry ?c } UNION { ?d kgo:sendingCountry ?c } } "
                                  "GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1 } ?c rdfs:label ?l }")):
        rows = select(store, sparql).rows
        if rows and rows[0][0]:
            found[name] = str(sorted(r[0] for r in rows if r[0])[0])
    return found


def time_queries(store_path: str | Path, *, listings: bool = True) -> dict[str, Any]:
    """Latency of every named query on the store at ``store_path``: ``{"query_ms": {label: ms},
    "rows": {label: rows}, "params": {query: bindings}}``; medians of up to 5 runs in process."""
    from kg.query import run_named
    from kg.store import Store

    latencies: dict[str, float] = {}
    rows: dict[str, int] = {}
    with Store(store_path, read_only=True) as store:
        params = subjects(store)
        total = len(store.document_hashes())
        for label, bindings in params.items():
            name = label.removesuffix(" on a date").removesuffix(" on the busiest")
            seconds, text = _timed(lambda n=name, b=bindings: run_named(store, n, fmt="tsv", bindings=b))
            key = f"{label} --param " + " ".join(f"{k}=..." for k in sorted(bindings))
            latencies[key] = seconds
            rows[key] = max(0, text.count("\n") - 1)
        for name in LISTINGS if listings else ():
            # counted once, not timed; the chain-of-command listing (every person's whole chain: persons x
            # chain rows, 4,728 rows for one person at 10 k) cannot be counted, so a later page stands in
            later = (("page at offset 500", 500) if name == "chain-of-command"
                     else ("middle page", _count(store, name) // 2))
            for what, offset in (("first page", 0), later):
                seconds, text = _timed(lambda n=name, o=offset: run_named(store, n, fmt="tsv", limit=PAGE, offset=o),
                                       budget=10.0)
                key = f"{name} --limit {PAGE} ({what})"
                latencies[key] = seconds
                rows[key] = max(0, text.count("\n") - 1)
    return {"articles": total, "query_ms": {k: round(v * 1000, 1) for k, v in latencies.items()},
            "rows": rows, "params": params}


def _count(store: Any, name: str) -> int:
    """The rows of a listing, counted by SPARQL (without sorting or serialising them)."""
    from kg.query import named_query, parameterise

    sparql, _ = parameterise(named_query(name), None, store)
    prologue, _, rest = sparql.partition("SELECT")
    body = re.sub(r"(?s)\bORDER BY\b[^}]*$", "", "SELECT" + rest)
    rows = store.query(f"{prologue}SELECT (COUNT(*) AS ?n) WHERE {{ {{ {body} }} }}")
    return int(next(iter(rows))["n"].value)


def main(argv: list[str]) -> None:
    results = []
    for path in argv:
        result = time_queries(path)
        results.append(result)
        print(f"{path}: {result['articles']:,} articles")
        for label, ms in result["query_ms"].items():
            print(f"  {label:<62} {ms:>10.1f} ms  {result['rows'][label]:>7} rows", flush=True)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "queries.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
