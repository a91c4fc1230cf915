"""Querying: SPARQL text, files or named queries -> rows and the standard result formats.

Named queries live in ``kg/queries/NAME.rq`` and take optional parameters (``--param name=CENTCOM``):

- ``#@name ?var``: ``name`` names an entity; it is looked up first (whole words of a label or alias)
  and the IRIs found are bound to ``?var``, so the query starts from that entity instead of
  filtering every row; ``#@name ?var per-entity`` also evaluates the rest of the group once per
  entity found (``LATERAL``, on stores that have it: the embedded Oxigraph store), where Oxigraph
  would otherwise plan an OPTIONAL as if the entity were unbound;
- ``#?name ...``: the rest of the line is part of the query only when ``name`` is given, and
  ``#!name ...`` only when it is not;
- other given values are bound by a ``VALUES`` block as escaped literals, never spliced into the
  query text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    parse_query_results,
    serialize,
)

from kg import derive
from kg.errors import ParameterError, QueryError, StoreError
from kg.ontology import PREFIXES

_T = TypeVar("_T")

SELECT_FORMATS = {"table", "csv", "tsv", "json", "xml"}
GRAPH_FORMATS = {"ttl", "nt", "jsonld", "table"}
_RESULT_FORMATS = {"csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV,
                   "json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML}
_RDF_FORMATS = {"ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD}


def named_queries() -> dict[str, str]:
    """Every named query: name -> its SPARQL text.

    >>> sorted(named_queries())[:3]
    ['articles', 'chain-of-command', 'commander-on-date']
    """
    folder = resources.files("kg").joinpath("queries")
    return {entry.name[:-3]: entry.read_text(encoding="utf-8")
            for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".rq")}


def named_query(name: str) -> str:
    """The SPARQL text of one named query.

    Raises:
        QueryError: there is no query of that name.
    """
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"no named query {name!r}", hint="known: " + ", ".join(sorted(queries)))
    return queries[name]


def describe_named_query(name: str) -> str:
    """The first comment line of a named query: what it answers."""
    first = named_query(name).splitlines()[0]
    return first.lstrip("# ").strip()


@dataclass
class Table:
    """A SELECT result as plain Python: column names and rows of strings (None when unbound)."""

    columns: list[str]
    rows: list[list[str | None]]

    def as_dicts(self) -> list[dict[str, str | None]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def to_table(result: Any) -> Table:
    """Turn pyoxigraph solutions (or a boolean) into a :class:`Table` of display strings."""
    if isinstance(result, (QueryBoolean, bool)):
        return Table(["result"], [["true" if bool(result) else "false"]])
    if isinstance(result, QueryTriples):
        return Table(["subject", "predicate", "object"],
                     [[_display(t.subject), _display(t.predicate), _display(t.object)] for t in result])
    columns = [v.value for v in result.variables]
    rows = [[_display(solution[c]) if solution[c] is not None else None for c in columns] for solution in result]
    return Table(columns, rows)


def _display(term: Any) -> str:
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return str(term)


def query_kind(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (the first such keyword after the prologue)."""
    body = re.sub(r"#[^\n]*", " ", sparql)
    body = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    match = re.match(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.I)
    return match.group(1).upper() if match else "SELECT"


def format_result(result: Any, fmt: str) -> str:
    """Serialise a pyoxigraph query result in one of the formats of ``kg query --format``.

    SELECT and ASK: ``table`` (aligned text), ``csv``, ``tsv``, ``json``, ``xml`` (the W3C SPARQL 1.1
    result formats). CONSTRUCT and DESCRIBE: ``ttl``, ``nt``, ``jsonld`` (``table`` gives N-Triples).

    Raises:
        QueryError: the format does not fit the query form.
    """
    if isinstance(result, QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"format {fmt!r} is for SELECT/ASK results", hint="use ttl, nt or jsonld for CONSTRUCT")
        rdf_format = _RDF_FORMATS.get(fmt, RdfFormat.N_TRIPLES)
        if rdf_format == RdfFormat.TURTLE:
            return _text(serialize(list(result), format=rdf_format, prefixes=PREFIXES))
        return _text(result.serialize(format=rdf_format))
    if fmt not in SELECT_FORMATS:
        raise QueryError(f"format {fmt!r} is for CONSTRUCT/DESCRIBE results", hint="use table, csv, tsv, json or xml")
    if fmt == "table":
        return render_table(to_table(result))
    if isinstance(result, QueryBoolean):
        return _text(result.serialize(format=_RESULT_FORMATS[fmt]))
    assert isinstance(result, QuerySolutions)
    return _text(result.serialize(format=_RESULT_FORMATS[fmt]))


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")


def render_table(table: Table, max_width: int = 60) -> str:
    """An aligned plain-text table; long cells are cut with an ellipsis."""
    def cell(value: str | None) -> str:
        text = "" if value is None else " ".join(value.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in table.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


_FIND_ENTITY = """SELECT DISTINCT ?e WHERE {
  ?e rdfs:label|skos:altLabel ?alias .
  FILTER(CONTAINS(CONCAT(" ", LCASE(STR(?alias)), " "), CONCAT(" ", LCASE(STR(?name)), " ")))
}"""


def find_entities(store: Any, name: str) -> list[str]:
    """The IRIs of the entities whose label or alias contains ``name`` as whole words ("Seely" finds
    "William H. Seely III"; "CENTCOM" finds US Central Command by its alias).

    >>> from kg.store import Store
    >>> find_entities(Store(), "CENTCOM")
    []
    """
    exact = [row["e"].value for row in store.query(
        "SELECT DISTINCT ?e WHERE { ?e rdfs:label|skos:altLabel ?name }", bindings={"name": name})]
    if exact:
        return sorted(exact)
    return sorted(row["e"].value for row in store.query(_FIND_ENTITY, bindings={"name": name}))


def parameterise(sparql: str, bindings: dict[str, str] | None, store: Any = None) -> tuple[str, dict[str, str]]:
    r"""Apply the parameter lines of a named query; returns the query and the values left to bind.

    >>> query, rest = parameterise("SELECT * WHERE {\n#?date ?e kgo:asOf ?date .\n}", {"date": "2020-01-01"})
    >>> print(query); rest
    SELECT * WHERE {
     ?e kgo:asOf "2020-01-01" .
    }
    {'date': '2020-01-01'}
    """
    given = dict(bindings or {})
    found: dict[str, list[str]] = {}

    def entity(match: re.Match[str]) -> str:
        name, variable = match.group(1), match.group(2)
        if name not in given and name not in found:
            return match.group(0)
        if name not in found:
            found[name] = find_entities(store, given.pop(name)) if store is not None else []
        return f"VALUES {variable} {{ {' '.join(f'<{iri}>' for iri in found[name])} }}"

    if getattr(store, "lateral", False):
        sparql = _lateral(sparql, given)
    else:
        sparql = without_lateral(sparql)
    sparql = re.sub(r"(?m)^#@(\w+)\s+(\?\w+)(?:\s+per-entity)?\s*$", entity, sparql)
    present = set(bindings or {})

    def optional_line(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in present:
            return match.group(0)
        # the value goes into the line itself as an escaped literal: the line may sit in a nested
        # group or subquery that a VALUES block at the top would not reach
        value = str(Literal((bindings or {})[name]))
        return re.sub(rf"\?{name}\b", lambda _: value, match.group(2))

    sparql = re.sub(r"(?m)^#\?(\w+)(?=\s)(.*)$", optional_line, sparql)
    sparql = re.sub(r"(?m)^#!(\w+)(?=\s)", lambda m: "" if m.group(1) not in present else m.group(0), sparql)
    return sparql, given


def page(sparql: str, limit: int | None = None, offset: int | None = None) -> str:
    """``sparql`` with ``LIMIT``/``OFFSET`` appended (a listing read page by page).

    >>> page("SELECT * WHERE { ?s ?p ?o }", 10, 20)
    'SELECT * WHERE { ?s ?p ?o }\\nLIMIT 10 OFFSET 20'
    """
    if limit is None and offset is None:
        return sparql
    if re.search(r"(?i)\b(LIMIT|OFFSET)\s+\d+\s*$", re.sub(r"#[^\n]*", "", sparql).strip()):
        raise QueryError("the query already has LIMIT or OFFSET", hint="drop --limit/--offset or edit the query")
    tail = (f" LIMIT {limit}" if limit is not None else "") + (f" OFFSET {offset}" if offset else "")
    return sparql.rstrip() + "\n" + tail.strip()


_DIRECTIVE = re.compile(r"(?m)^#@(\w+)\s+(\?\w+)\s+per-entity\s*$")


def _lateral(sparql: str, given: dict[str, str]) -> str:
    r"""Move each given ``#@name ?var per-entity`` line to the start of its group and the rest of the
    group into a ``LATERAL`` block, so the engine evaluates the group once per entity found, with the
    entity bound in every pattern (Oxigraph otherwise plans OPTIONALs as if it were unbound: 0.9 s
    against 2 ms for ``posts --param`` on 10 k articles). Same solutions: a join with VALUES is a
    lateral join.

    >>> print(_lateral("SELECT * WHERE {\n  ?s ?p ?o .\n#@name ?s per-entity\n}", {"name": "x"}))
    SELECT * WHERE {
    #@name ?s per-entity
     LATERAL {
      ?s ?p ?o .
    <BLANKLINE>
    } }
    """
    for match in reversed(list(_DIRECTIVE.finditer(sparql))):
        if match.group(1) not in given:
            continue
        start, end = match.span()
        opening = _unmatched_brace(sparql, range(start - 1, -1, -1), "{", "}")
        closing = _unmatched_brace(sparql, range(end, len(sparql)), "}", "{")
        if opening is None or closing is None:
            continue
        body = sparql[opening + 1:start] + sparql[end:closing]
        sparql = (sparql[:opening + 1] + "\n" + match.group(0) + "\n LATERAL {" + body + "} " + sparql[closing:])
    return sparql


def without_lateral(sparql: str) -> str:
    """``sparql`` with every ``LATERAL { B }`` written as ``B`` itself, for stores that lack LATERAL
    (Virtuoso). A named query writes ``LATERAL { B }`` only where ``B`` placed inline in the enclosing
    group has the same solutions (a pattern, OPTIONALs and BINDs about what is bound before it, or a
    subquery grouped by the variables it shares with the left side): the keyword only makes Oxigraph
    evaluate ``B`` once per solution on the left, with those variables bound, instead of planning it
    as if they were unbound.

    >>> without_lateral("SELECT * WHERE { ?s ?p ?o LATERAL { OPTIONAL { ?o ?q ?r } } }")
    'SELECT * WHERE { ?s ?p ?o  OPTIONAL { ?o ?q ?r }  }'
    """
    while (match := re.search(r"\bLATERAL\s*\{", sparql)) is not None:
        closing = _unmatched_brace(sparql, range(match.end(), len(sparql)), "}", "{")
        if closing is None:
            break
        sparql = sparql[:match.start()] + sparql[match.end():closing] + sparql[closing + 1:]
    return sparql


def _unmatched_brace(sparql: str, positions: range, wanted: str, nested: str) -> int | None:
    """The first ``wanted`` brace along ``positions`` that closes no ``nested`` one met on the way:
    walking left for "{" it is the block's opening, walking right for "}" its closing."""
    depth = 0
    for index in positions:
        char = sparql[index]
        if char == nested:
            depth += 1
        elif char == wanted:
            if depth == 0:
                return index
            depth -= 1
    return None


def run_query(store: Any, sparql: str, *, fmt: str = "table", bindings: dict[str, str] | None = None,
              limit: int | None = None, offset: int | None = None) -> str:
    """Run ``sparql`` on a store (local or remote) and serialise the result (``limit`` rows from
    ``offset`` on, when given).

    >>> from kg.store import Store
    >>> print(run_query(Store(), "ASK { ?s ?p ?o }"), end="")
    result
    ------
    true
    (1 row)
    """
    check_parameters(sparql, bindings)
    sparql, rest = parameterise(sparql, bindings, store)
    return _evaluated(sparql, lambda: format_result(store.query(page(sparql, limit, offset), bindings=rest or None),
                                                    fmt))


_SUMMARY_TERMS = re.compile(r"kgo:(?:degree|entityClass|headedIn|headDay)\b")
_TROOP_TERMS = re.compile(r"kgo:(?:DeploymentSummary|summarySender|summaryHost)\b")


def run_named(store: Any, name: str, *, fmt: str = "table", bindings: dict[str, str] | None = None,
              limit: int | None = None, offset: int | None = None) -> str:
    """Run a named query (``kg query --name``). ``chain-of-command`` with a ``date`` parameter walks
    the dated reporting lines of ``reporting-lines-on-date`` up from the person
    (:func:`chain_of_command`): SPARQL paths cannot follow only the lines valid on a date.
    """
    text = named_query(name)
    check_parameters(text, bindings, name=name, extra={"date"} if name == "chain-of-command" else set())
    if (((_SUMMARY_TERMS.search(text) or name == "chain-of-command") and derive.lacks_summaries(store))
            or (_TROOP_TERMS.search(text) and derive.lacks_troop_summaries(store))):
        where = getattr(store, "path", None) or getattr(store, "url", None)
        raise StoreError(f"the store was built by an older kg: the `{name}` query reads summaries it does not hold",
                         source=str(where) if where else None, hint="run `kg rederive --store DIR` once")
    if name == "chain-of-command" and bindings and "date" in bindings:
        table = chain_of_command(store, bindings.get("name", ""), bindings["date"])
        return format_result(_as_solutions(table), fmt)
    if name == "reporting-lines-on-date":
        on = bindings.get("date") if bindings else None
        if bindings and "name" in bindings:
            lines = reporting_lines_on(store, find_entities(store, bindings["name"]), on)
            start = offset or 0
            lines.rows = lines.rows[start:] if limit is None else lines.rows[start:start + limit]
        else:
            lines = reporting_lines_listing(store, on, limit=limit, offset=offset)
        return format_result(_as_solutions(lines, {"p": NamedNode, "s": NamedNode, "since": _date_literal}), fmt)
    if name == "chain-of-command":
        names = bindings.get("name") if bindings else None
        return format_result(_as_solutions(chains_above(store, names, limit=limit, offset=offset)), fmt)
    return run_query(store, text, fmt=fmt, bindings=bindings, limit=limit, offset=offset)


_CHAIN_COLUMNS = ["person", "superior", "superiorPost"]


def chains_above(store: Any, name: str | None = None, *, limit: int | None = None,
                 offset: int | None = None) -> Table:
    """The answer of the named query ``chain-of-command`` (all dates), walked breadth-first by kg.

    The same rows, in the same order, as the SPARQL text of ``kg/queries/chain-of-command.rq`` (the
    reference meaning), but the path ``(org:reportsTo|(org:headOf/org:subOrganizationOf+/^org:headOf))+``
    is followed one level at a time for the whole frontier, every node and unit visited once, over the
    chain index of :mod:`kg.derive` (each of those relations once, not once per article stating it):
    Oxigraph evaluates the nested path again under every node it reaches, over every article's copy
    of each relation (3.3 s for one person on 10 k articles). Without ``name``, every person who
    reports to someone or heads something, in label order, walked only as far as the page (``limit``
    rows from ``offset``) needs.
    """
    if name is not None:
        starts = find_entities(store, name)
        people = _persons(store, starts)
    else:
        found = store.query("SELECT DISTINCT ?p WHERE { ?p org:reportsTo|org:headOf ?any }")
        people = _persons(store, sorted({r["p"].value for r in found if isinstance(r["p"], NamedNode)}))
    by_label: dict[str, list[str]] = {}
    for iri, label in people:
        by_label.setdefault(label, []).append(iri)
    wanted = None if limit is None else (offset or 0) + limit
    rows: list[list[str | None]] = []
    labelled: dict[str, list[tuple[str, str | None]]] = {}
    for label in sorted(by_label):
        found_rows: set[tuple[str, str, str | None]] = set()
        for start in sorted(set(by_label[label])):
            above = sorted(_reachable(store, start) - {start})
            if name is not None:  # one person's chain: only its distinct (label, post) pairs are read
                found_rows.update((label, superior, post) for superior, post in _label_post_pairs(store, above))
                continue
            unread = [iri for iri in above if iri not in labelled]  # the listing reads each superior once
            labelled.update(_labelled_with_posts(store, unread) if unread else {})
            for iri in above:
                found_rows.update((label, superior, post) for superior, post in labelled[iri])
        rows += [list(r) for r in sorted(found_rows, key=lambda r: (r[1], r[2] is not None, r[2] or ""))]
        if wanted is not None and len(rows) >= wanted:
            break
    start_at = offset or 0
    return Table(list(_CHAIN_COLUMNS), rows[start_at:] if limit is None else rows[start_at:start_at + limit])


def _persons(store: Any, iris: list[str]) -> list[tuple[str, str]]:
    """(IRI, label) of the persons among ``iris`` (every label, as the query's join gives)."""
    found: list[tuple[str, str]] = []
    for chunk in _chunked(iris):
        rows = store.query(f"SELECT DISTINCT ?p ?l WHERE {{ VALUES ?p {{ {_iris(chunk)} }} ?p a foaf:Person ; "
                           "rdfs:label ?l }")
        found += [(r["p"].value, r["l"].value) for r in rows]
    return found


#: one level of the walk: from the nodes reached (?n) and the units reached through at least one
#: org:subOrganizationOf step (?u), the next nodes (?k 0) and units (?k 1), over the chain index; each
#: branch starts from its VALUES and looks its links up per IRI (LATERAL: Oxigraph would otherwise hash
#: the whole index; inlined on stores without it, same solutions)
_STEP = """SELECT DISTINCT ?k ?x WHERE {{
  {{ VALUES ?n {{ {nodes} }} LATERAL {{ ?n <{reports}> ?x BIND(0 AS ?k) }} }}
  UNION {{ VALUES ?n {{ {nodes} }} LATERAL {{ ?n <{heads}> ?h . ?h <{part}> ?x BIND(1 AS ?k) }} }}
  UNION {{ VALUES ?u {{ {units} }} LATERAL {{ ?u <{part}> ?x BIND(1 AS ?k) }} }}
  UNION {{ VALUES ?u {{ {units} }} LATERAL {{ ?x <{heads}> ?u BIND(0 AS ?k) }} }}
}}"""


def _reachable(store: Any, start: str) -> set[str]:
    """Every node ``(org:reportsTo|(org:headOf/org:subOrganizationOf+/^org:headOf))+`` reaches from
    ``start``: a breadth-first walk over nodes and over the units reached through at least one
    ``org:subOrganizationOf`` step, the whole frontier at once, one query per level (and per chunk of
    a large frontier): the links of each IRI are index lookups in either case, and one query a level
    saves the per-call cost of thousands of lookups made from Python."""
    reports, heads, part = (derive.DISTINCT[PREFIXES["org"] + n].value
                            for n in ("reportsTo", "headOf", "subOrganizationOf"))
    lateral = getattr(store, "lateral", False)
    nodes: set[str] = set()
    units: set[str] = set()
    node_frontier: list[str] = [start]
    unit_frontier: list[str] = []
    while node_frontier or unit_frontier:
        next_nodes: set[str] = set()
        next_units: set[str] = set()
        size = _STEP_CHUNK if lateral else _CHUNK
        for at in range(0, max(len(node_frontier), len(unit_frontier)), size):
            sparql = _STEP.format(nodes=_iris(node_frontier[at:at + size]), units=_iris(unit_frontier[at:at + size]),
                                  reports=reports, heads=heads, part=part)
            for row in store.query(sparql if lateral else without_lateral(sparql)):
                if isinstance(row["x"], NamedNode):
                    (next_units if row["k"].value == "1" else next_nodes).add(row["x"].value)
        node_frontier = sorted(next_nodes - nodes)
        unit_frontier = sorted(next_units - units)
        nodes |= next_nodes
        units |= next_units
    return nodes


_LABEL_POSTS = """SELECT {columns} WHERE {{ VALUES ?s {{ {iris} }}
  LATERAL {{ ?s rdfs:label ?l OPTIONAL {{ ?s <{holds}> ?held . ?held rdfs:label ?post }} }} }}"""


def _label_post_pairs(store: Any, iris: list[str]) -> set[tuple[str, str | None]]:
    """The distinct (label, post label or None) of ``iris`` taken together (what :func:`_labelled_with_posts`
    gives, without telling whose): the store keeps them distinct and sends no IRI back, a third less to
    decode on a chain of 20 k rows."""
    holds = derive.DISTINCT[PREFIXES["org"] + "holds"].value
    lateral = getattr(store, "lateral", False)
    found: set[tuple[str, str | None]] = set()
    for chunk in _chunked(iris, _STEP_CHUNK if lateral else _CHUNK):
        sparql = _LABEL_POSTS.format(columns="DISTINCT ?l ?post", iris=_iris(chunk), holds=holds)
        for row in store.query(sparql if lateral else without_lateral(sparql)):
            label, post = row["l"], row["post"]
            if isinstance(label, Literal):
                found.add((label.value, post.value if isinstance(post, Literal) else None))
    return found


def _labelled_with_posts(store: Any, iris: list[str]) -> dict[str, list[tuple[str, str | None]]]:
    """IRI -> its (label, post label or None), sorted, for ``iris``: ``?s rdfs:label ?l OPTIONAL
    { ?s org:holds/rdfs:label ?post }``, the posts read from the chain index (``org:holds`` once per
    pair); one query per chunk, every label read once however many persons' chains reach it."""
    holds = derive.DISTINCT[PREFIXES["org"] + "holds"].value
    lateral = getattr(store, "lateral", False)
    labels: dict[str, set[str]] = {}
    posts: dict[str, set[str]] = {}
    for chunk in _chunked(iris, _STEP_CHUNK if lateral else _CHUNK):
        sparql = _LABEL_POSTS.format(columns="?s ?l ?post", iris=_iris(chunk), holds=holds)
        for row in store.query(sparql if lateral else without_lateral(sparql)):
            if not isinstance(row["l"], Literal):
                continue
            iri = row["s"].value
            labels.setdefault(iri, set()).add(row["l"].value)
            post = row["post"]
            if isinstance(post, Literal):
                posts.setdefault(iri, set()).add(post.value)
    found: dict[str, list[tuple[str, str | None]]] = {}
    for iri in iris:
        held: list[str | None] = [*sorted(posts.get(iri, ()))] or [None]
        found[iri] = [(name, post) for name in sorted(labels.get(iri, ())) for post in held]
    return found


_CHUNK = 400
#: IRIs per VALUES block on the embedded store (no request size limit; fewer queries)
_STEP_CHUNK = 5000


def _chunked(iris: list[str], size: int = _CHUNK) -> list[list[str]]:
    return [iris[i:i + size] for i in range(0, len(iris), size)]


def _iris(iris: list[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def chain_of_command(store: Any, name: str, on: str | None = None) -> Table:
    """Everyone above a person on a date (today without one), from the dated evidence.

    Walks the one-step lines of the named query ``reporting-lines-on-date`` upwards
    (:func:`reporting_lines_on`), one level at a time for the people reached so far, every lookup made
    once for the whole chain: a stated reporting line counts while no later statement says it ended,
    a unit's head reports to the head of the unit above it as they were on that date.

    Returns:
        Rows of (person, level, superior, since, via), nearest superiors first.
    """
    rows: list[list[str | None]] = []
    walk = _DatedWalk(store, on)
    for start in sorted(find_entities(store, name)):
        seen = {start}
        frontier = [start]
        first_label: str | None = None
        level = 0
        while frontier:
            level += 1
            # superiors already reached are passed over: their rows (most of a level's) need no labels
            found = walk.line_rows(sorted(frontier), skip=seen if level > 1 else set())
            frontier = []
            for person, superior, since, via, _, iri in sorted(found, key=lambda r: (r[1], r[2], r[3])):
                if level == 1:
                    first_label = first_label or person
                if iri in seen:
                    continue
                seen.add(iri)
                frontier.append(iri)
                rows.append([first_label or person, str(level), superior, since,
                             via if level == 1 else f"{via} (above {person})"])
    return Table(["person", "level", "superior", "since", "via"], rows)


# ``!(?d > day)`` where ``?d <= day`` is meant, in the lookups below: Virtuoso 7 answers ``?s <p> ?d
# FILTER(?d <= day)`` with nothing when ``?s`` has one ``<p>`` date (its range lookup loses it), and
# the negation, the same for dates, is not turned into one

#: the date of the last asserted head statement of each organisation on or before a date: a MAX over
#: its kgo:headDay (the dates of its asserted headOf statements, inline values: no lookup per statement)
_HEAD_DAY_ON = """SELECT ?o (MAX(?d) AS ?since) WHERE {{ VALUES ?o {{ {iris} }}
  ?o kgo:headDay ?d FILTER(!(?d > {on})) }} GROUP BY ?o"""

#: whom the asserted head statements of an organisation's date name (the node of that date)
_HEADS_NAMED = "SELECT ?n ?s WHERE {{ VALUES ?n {{ {iris} }} LATERAL {{ ?n kgo:headNamed ?s }} }}"

#: the dated statements about each person that decide their reporting lines, from the line index of
#: :mod:`kg.derive`: the person's line days on or before the day (inline values: one scan), then the
#: nodes of those days only, and the dates they left a post or command. Where the statements themselves
#: are five lookups each, for every article naming the person
_LINE_DAYS = "SELECT ?p ?d WHERE {{ VALUES ?p {{ {iris} }} LATERAL {{ ?p kgo:lineDay ?d FILTER(!(?d > {on})) }} }}"
_LINES_NAMED = "SELECT ?n ?k ?o WHERE {{ VALUES ?n {{ {iris} }} LATERAL {{ ?n ?k ?o }} }}"
_LEFT_ON = "SELECT ?p ?d WHERE {{ VALUES ?p {{ {iris} }} LATERAL {{ ?p kgo:leftOn ?d FILTER(!(?d > {on})) }} }}"

_LABELS = "SELECT ?e ?l WHERE {{ VALUES ?e {{ {iris} }} LATERAL {{ ?e rdfs:label ?l }} }}"

_ON_DATE_COLUMNS = ["person", "superior", "since", "via", "p", "s"]


@dataclass
class _Dated:
    """What the dated walk read about one person: stated lines (superior -> dates), the lines stated
    to have ended (superior -> dates), when they left a post or command, the units they were named
    to head."""

    lines: dict[str, set[str]]
    ended: dict[str, set[str]]
    left: set[str]
    units: set[str]


class _DatedWalk:
    """The lookups of :func:`reporting_lines_on` for one date, each made once however many persons
    and levels of a chain ask for it: a chain's heads of the commands above are read once, not per
    level."""

    def __init__(self, store: Any, on: str | None) -> None:
        self.store = store
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()  # what NOW() gives the query
        self.day = check_date(on, source="date") if on else today
        self.date = str(_date_literal(self.day))
        self.statements: dict[str, _Dated] = {}
        self.heads: dict[str, tuple[str, set[str]] | None] = {}
        self.parts: dict[str, set[str]] = {}
        self.reached: dict[str, set[str]] = {}
        self.labels: dict[str, list[str]] = {}

    def lines(self, persons: list[str]) -> Table:
        """The rows of ``reporting-lines-on-date`` for ``persons`` (see :func:`reporting_lines_on`)."""
        return Table(list(_ON_DATE_COLUMNS), [list(r) for r in self.line_rows(persons)])

    def line_rows(self, persons: list[str], skip: set[str] | None = None) -> list[tuple[str, str, str, str, str, str]]:
        """The rows of :meth:`lines` as tuples (person, superior, since, via, p, s), in its order, less
        those whose superior is in ``skip``."""
        read = self.statements_of(persons)
        self.statements_of(sorted({s for p in persons for s in read[p].lines}))
        found: set[tuple[str, str, str, str | None, str | None]] = set()  # (p, s, since, unit, parent)
        for p in persons:
            facts = read[p]
            for s, stated in facts.lines.items():
                ends = facts.ended.get(s, set())
                gone = facts.left | self.statements[s].left
                found.update((p, s, since, None, None) for since in stated
                             if not any(since <= d for d in ends) and not any(since < d for d in gone))
        heads = self.heads_on(sorted({u for p in persons for u in read[p].units}))
        heading = {p: sorted(u for u in read[p].units if (h := heads.get(u)) is not None and p in h[1])
                   for p in persons}
        above = self.above({u for units in heading.values() for u in units})
        parents = self.heads_on(sorted({x for reached in above.values() for x in reached}))
        for p in persons:
            for unit in heading[p]:
                for parent in above[unit]:
                    if (head := parents.get(parent)) is not None:
                        found.update((p, s, head[0], unit, parent) for s in head[1] if s != p)
        if skip:
            found = {row for row in found if row[1] not in skip}
        labels = self.labels_of(sorted({x for row in found for x in row[:2] + row[3:] if x is not None}))
        rows: set[tuple[str, str, str, str, str, str]] = set()
        for p, s, since, headed, above_it in found:
            vias = (["reports to"] if headed is None or above_it is None else
                    [f"heads {u}, part of {a}" for u in labels.get(headed, ()) for a in labels.get(above_it, ())])
            rows.update((person, superior, since, via, p, s) for person in labels.get(p, ())
                        for superior in labels.get(s, ()) for via in vias)
        return sorted(rows, key=lambda r: (r[0], r[1], r[3], r[4], r[5], r[2]))  # the query's ORDER BY, then since

    def statements_of(self, persons: list[str]) -> dict[str, _Dated]:
        """Person -> their dated statements on or before the day (from the line index)."""
        unread = [p for p in persons if p not in self.statements]
        self.statements.update((p, _Dated({}, {}, set(), set())) for p in unread)
        nodes = {derive.line_iri((row["p"].value, day)): (row["p"].value, day)
                 for row in _rows(self.store, _LINE_DAYS, unread, on=self.date) if (day := _day(row["d"])) is not None}
        stated, ended, headed = (derive.STATED_REPORTS_TO.value, derive.ENDED_REPORTS_TO.value,
                                 derive.STATED_HEAD_OF.value)
        for row in _rows(self.store, _LINES_NAMED, sorted(nodes)):
            (person, day), kind, object_ = nodes[row["n"].value], row["k"].value, row["o"]
            if not isinstance(object_, NamedNode):
                continue
            facts = self.statements[person]
            if kind == headed:  # an asserted headOf: a unit they were named to head
                facts.units.add(object_.value)
            elif kind in (stated, ended):
                (facts.lines if kind == stated else facts.ended).setdefault(object_.value, set()).add(day)
        for row in _rows(self.store, _LEFT_ON, unread, on=self.date):
            if (day := _day(row["d"])) is not None:
                self.statements[row["p"].value].left.add(day)
        return {p: self.statements[p] for p in persons}

    def heads_on(self, organisations: list[str]) -> dict[str, tuple[str, set[str]]]:
        """Organisation -> (the date of its last asserted head statement on or before the day, whom the
        statements of that date name); organisations with none are left out."""
        unread = [o for o in organisations if o not in self.heads]
        self.heads.update((o, None) for o in unread)
        days = {row["o"].value: day for row in _rows(self.store, _HEAD_DAY_ON, unread, on=self.date)
                if (day := _day(row["since"])) is not None}
        nodes = {derive.head_day_iri(o, day): o for o, day in days.items()}
        for row in _rows(self.store, _HEADS_NAMED, sorted(nodes)):
            if isinstance(row["s"], NamedNode):
                organisation = nodes[row["n"].value]
                head = self.heads[organisation]
                if head is None:
                    head = self.heads[organisation] = (days[organisation], set())
                head[1].add(row["s"].value)
        return {o: h for o in organisations if (h := self.heads[o]) is not None}

    def above(self, units: set[str]) -> dict[str, set[str]]:
        """Unit -> every unit ``org:subOrganizationOf+`` reaches from it (itself only through a cycle),
        over the chain index (each link once): the links of each unit read once, those of one step
        for all of ``units`` together."""
        reached: dict[str, set[str]] = {u: set() for u in units if u not in self.reached}
        frontier = {u: {u} for u in reached}
        while frontier:
            self._read_parts(sorted({x for step in frontier.values() for x in step}))
            further: dict[str, set[str]] = {}
            for unit, step in frontier.items():
                if new := {x for u in step for x in self.parts[u]} - reached[unit]:
                    reached[unit] |= new
                    further[unit] = new
            frontier = further
        self.reached.update(reached)
        return {u: self.reached[u] for u in units}

    def _read_parts(self, units: list[str]) -> None:
        part = derive.DISTINCT[PREFIXES["org"] + "subOrganizationOf"].value
        unread = [u for u in units if u not in self.parts]
        self.parts.update((u, set()) for u in unread)
        template = "SELECT ?u ?x WHERE {{ VALUES ?u {{ {iris} }} LATERAL {{ ?u <" + part + "> ?x }} }}"
        for row in _rows(self.store, template, unread):
            if isinstance(row["x"], NamedNode):
                self.parts[row["u"].value].add(row["x"].value)

    def labels_of(self, iris: list[str]) -> dict[str, list[str]]:
        unread = [i for i in iris if i not in self.labels]
        self.labels.update((i, []) for i in unread)
        for row in _rows(self.store, _LABELS, unread):
            if isinstance(row["l"], Literal):
                self.labels[row["e"].value].append(row["l"].value)
        return {i: self.labels[i] for i in iris}


def reporting_lines_on(store: Any, persons: list[str], on: str | None = None) -> Table:
    """The rows of the named query ``reporting-lines-on-date`` for ``persons`` (IRIs) on ``on``
    (YYYY-MM-DD, today without it): who each reported to, one step up; the same distinct rows, in the
    same order, as that query's text (the reference meaning) with ``?p`` bound to them.

    Evaluated by kg from a few lookups instead: the query's filters compare each statement of a person
    with every other one (``FILTER NOT EXISTS`` under each line), which grows with the square of how
    often the person is named (a chain on 100 k articles ran over 40 minutes). Here each person's dated
    statements are read once, each organisation's head on the date is one MAX over its ``kgo:headDay`` and
    one read of that date's node (``kgo:headNamed``, see :mod:`kg.derive`),
    and the units above are walked over the chain index of :mod:`kg.derive`.
    """
    return _DatedWalk(store, on).lines(sorted(set(persons)))


def reporting_lines_listing(store: Any, on: str | None = None, *, limit: int | None = None,
                            offset: int | None = None) -> Table:
    """The whole answer of ``reporting-lines-on-date`` on ``on`` (no person given), ``limit`` rows from
    ``offset`` on: the persons who head something or report to someone (by the chain index), in label
    order, walked by :func:`reporting_lines_on` a few hundred labels at a time and only as far as the
    page needs. The query's text sorts every line of the store first (9 s a page at 1 k articles)."""
    walk = _DatedWalk(store, on)
    heads, reports = (derive.DISTINCT[PREFIXES["org"] + n].value for n in ("headOf", "reportsTo"))
    found = store.query(f"SELECT DISTINCT ?p WHERE {{ ?p <{heads}>|<{reports}> ?x }}")
    persons = sorted({row["p"].value for row in found if isinstance(row["p"], NamedNode)})
    by_label: dict[str, list[str]] = {}
    for person, labels in walk.labels_of(persons).items():
        for label in labels:
            by_label.setdefault(label, []).append(person)
    wanted = None if limit is None else (offset or 0) + limit
    ordered = sorted(by_label)
    rows: list[list[str | None]] = []
    for at in range(0, len(ordered), _LISTING_LABELS):
        names = set(ordered[at:at + _LISTING_LABELS])
        # a person's rows under their other labels come with those labels' turn
        rows += [row for row in walk.lines(sorted({p for n in names for p in by_label[n]})).rows if row[0] in names]
        if wanted is not None and len(rows) >= wanted:
            break
    start = offset or 0
    return Table(list(_ON_DATE_COLUMNS), rows[start:] if limit is None else rows[start:start + limit])


#: labels of persons walked at a time by :func:`reporting_lines_listing`
_LISTING_LABELS = 200


def _rows(store: Any, template: str, iris: list[str], **values: str) -> Iterator[Any]:
    """Solutions of ``template`` with ``{iris}`` filled chunk by chunk (LATERAL kept where the store
    has it)."""
    lateral = getattr(store, "lateral", False)
    for chunk in _chunked(iris, _STEP_CHUNK if lateral else _CHUNK):
        sparql = template.format(iris=_iris(chunk), **values)
        yield from store.query(sparql if lateral else without_lateral(sparql))


def _date_literal(day: str) -> Literal:
    return Literal(day, datatype=NamedNode(PREFIXES["xsd"] + "date"))


def _day(term: Any) -> str | None:
    """The YYYY-MM-DD of an ``xsd:date`` literal; None for anything else (the query's comparisons
    fail on it, and drop the statement)."""
    if isinstance(term, Literal) and term.datatype.value == PREFIXES["xsd"] + "date":
        return term.value
    return None


def _as_solutions(table: Table, terms: dict[str, Callable[[str], NamedNode | Literal]] | None = None) -> Any:
    """A computed table as real SPARQL solutions (so every result format applies): written as W3C TSV
    (each value an escaped plain literal, or the term ``terms`` makes of it in its column) and parsed
    back by pyoxigraph, twice as fast as evaluating a VALUES block of every row."""
    lines = ["\t".join(f"?{c}" for c in table.columns)]
    term = [(terms or {}).get(column, Literal) for column in table.columns]
    lines += ["\t".join("" if v is None else str(term[i](v)) for i, v in enumerate(row)) for row in table.rows]
    return parse_query_results("\n".join(lines) + "\n", QueryResultsFormat.TSV)


def select(store: Any, sparql: str, *, bindings: dict[str, str] | None = None) -> Table:
    """Run a SELECT query and return its rows as a :class:`Table` (what the notebook uses).

    Raises:
        ParameterError: a binding names no parameter of the query, or a date is malformed.
        QueryError: the query does not parse or fails.
    """
    check_parameters(sparql, bindings)
    sparql, rest = parameterise(sparql, bindings, store)
    return _evaluated(sparql, lambda: to_table(store.query(sparql, bindings=rest or None)))


def _evaluated(sparql: str, run: Callable[[], _T]) -> _T:
    """``run()``, with the errors pyoxigraph raises while it iterates the results (a SERVICE that
    cannot be reached, a value it cannot compute) as one-line :class:`QueryError`s."""
    try:
        return run()
    except (OSError, RuntimeError) as error:
        hint = "a SERVICE endpoint could not be queried" if re.search(r"(?i)\bSERVICE\b", sparql) else None
        raise QueryError(f"evaluation failed: {' '.join(str(error).split())}", hint=hint) from None


_DATE_PARAMETERS = {"date"}


def query_parameters(sparql: str) -> set[str]:
    r"""The names a query can be given with ``--param``: those of its parameter lines
    (``#@name``, ``#?name``, ``#!name``) and the variables it uses.

    >>> sorted(query_parameters("SELECT ?x WHERE {\n#@name ?x\n ?x <http://e/?a> 'b ?c' }"))
    ['name', 'x']
    """
    names = set(re.findall(r"(?m)^#[@?!](\w+)", sparql))
    body = re.sub(r"#[^\n]*", " ", sparql)
    body = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>', " ", body)
    return names | set(re.findall(r"[?$](\w+)", body))


def check_parameters(sparql: str, bindings: dict[str, str] | None, *, name: str | None = None,
                     extra: set[str] | None = None) -> None:
    """Refuse a parameter the query does not take, and a ``date`` that is not a real YYYY-MM-DD day.

    Raises:
        ParameterError: with the parameter as its source and the query's parameters as the hint.

    >>> check_parameters("SELECT ?x WHERE { ?x ?p ?name }", {"nmae": "CENTCOM"})
    Traceback (most recent call last):
    kg.errors.ParameterError: --param nmae: the query has no parameter 'nmae' (its parameters: name, p, x)
    """
    known = query_parameters(sparql) | (extra or set())
    directives = set(re.findall(r"(?m)^#[@?!](\w+)", sparql)) | (extra or set())
    for key, value in sorted((bindings or {}).items()):
        if key not in known:
            listed = ", ".join(sorted(directives or known))
            what = f"query {name}" if name else "the query"
            raise ParameterError(f"{what} has no parameter {key!r}", source=f"--param {key}",
                                 hint=f"its parameters: {listed}" if listed else "it takes no parameters")
        if key in _DATE_PARAMETERS:
            check_date(value, source=f"--param {key}")


def check_date(value: str, *, source: str = "date") -> str:
    """``value`` if it is a real day written YYYY-MM-DD.

    Raises:
        ParameterError: it is not (``2021-13-45``, ``1 May 2021``).

    >>> check_date("2021-01-31")
    '2021-01-31'
    """
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            datetime.date.fromisoformat(value)
            return value
    except ValueError:
        pass
    raise ParameterError(f"not a valid date: {value!r}", source=source, hint="use YYYY-MM-DD, e.g. 2021-01-31")


_STATS_QUERY = """
SELECT ?what (COUNT(DISTINCT ?x) AS ?count) WHERE {
  {
    VALUES (?class ?what) {
      (kgo:Article "articles") (foaf:Person "persons") (org:Organization "organisations")
      (kgo:Country "countries") (org:Post "posts") (kgo:TroopDeployment "troop deployments")
      (kgo:Assertion "assertions")
    }
    ?x a ?class .
  } UNION {
    VALUES (?p ?what) {
      (org:headOf "headOf") (org:reportsTo "reportsTo") (org:subOrganizationOf "subOrganizationOf")
      (org:holds "holds") (org:memberOf "memberOf")
    }
    ?s ?p ?o . BIND(CONCAT(STR(?s), " ", STR(?o)) AS ?x)
  }
}
GROUP BY ?what
"""


def stats(store: Any) -> dict[str, int]:
    """Counts of what the store holds: articles, entities by class, relations by kind, quads.

    >>> from kg.store import Store
    >>> stats(Store())["articles"]
    0
    """
    counts = {k: 0 for k in ("articles", "persons", "organisations", "countries", "posts", "troop deployments",
                             "headOf", "reportsTo", "subOrganizationOf", "holds", "memberOf", "assertions")}
    for row in store.query(_STATS_QUERY):
        counts[row["what"].value] = int(row["count"].value)
    counts["quads"] = len(store)
    return counts
