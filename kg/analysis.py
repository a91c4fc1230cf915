"""Analysis over the stored graph: the chain of command on a date, the shortest chain of command
between two people, and the most connected entities (networkx over the store's relations)."""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.errors import QueryError
from kg.query import Table, find_entities, named_query, select


def chain_of_command(store: Any, name: str, on: str | None = None) -> Table:
    """Everyone above a person on a date (today without one), from the dated evidence.

    Walks the one-step lines of the named query ``reporting-lines-on-date`` upwards, one query per
    level for the people reached so far: a stated reporting line counts while no later statement
    says it ended, a unit's head reports to the head of the unit above it as they were on that date.

    Returns:
        Rows of (person, level, superior, since, via), nearest superiors first.
    """
    steps = named_query("reporting-lines-on-date")
    bindings = {"date": on} if on else None
    rows: list[list[str | None]] = []
    for start in sorted(find_entities(store, name)):
        seen = {start}
        frontier = [start]
        first_label: str | None = None
        level = 0
        while frontier:
            level += 1
            values = " ".join(f"<{iri}>" for iri in sorted(frontier))
            found = select(store, steps.replace("#@name ?p", f"VALUES ?p {{ {values} }}"), bindings=bindings)
            frontier = []
            for row in sorted(found.as_dicts(), key=lambda r: (r["superior"] or "", r["since"] or "", r["via"] or "")):
                person, superior, iri = row["person"], row["superior"], row["s"] or ""
                if level == 1:
                    first_label = first_label or person
                if iri in seen:
                    continue
                seen.add(iri)
                frontier.append(iri)
                via = row["via"] if level == 1 else f"{row['via']} (above {person})"
                rows.append([first_label or person, str(level), superior, row["since"], via])
    return Table(["person", "level", "superior", "since", "via"], rows)


def command_graph(store: Any) -> nx.DiGraph:
    """Persons and units joined by asserted reportsTo, headOf and subOrganizationOf, undirected
    enough to walk: an edge both ways with the relation that links them."""
    result = select(store, """
        SELECT ?a ?la ?rel ?b ?lb WHERE {
          VALUES (?p ?rel) { (org:reportsTo "reportsTo") (org:headOf "headOf") (org:subOrganizationOf "partOf") }
          ?a ?p ?b . ?a rdfs:label ?la . ?b rdfs:label ?lb .
        }""")
    graph = nx.DiGraph()
    for a, la, rel, b, lb in result.rows:
        graph.add_node(a, label=la)
        graph.add_node(b, label=lb)
        graph.add_edge(a, b, relation=rel)
        graph.add_edge(b, a, relation=f"^{rel}")
    return graph


def shortest_chain(store: Any, first: str, second: str) -> list[tuple[str, str]]:
    """The shortest chain of command between two people: [(label, relation to the next), ...].

    Raises:
        QueryError: a name matches nobody in the store, or no chain links them.
    """
    graph = command_graph(store)
    ends = []
    for name in (first, second):
        found = [iri for iri in find_entities(store, name) if iri in graph]
        if not found:
            raise QueryError(f"no person or unit named {name!r} in the chain of command")
        ends.append(sorted(found))
    best: list[str] | None = None
    for a in ends[0]:
        for b in ends[1]:
            try:
                path = nx.shortest_path(graph, a, b)
            except nx.NetworkXNoPath:
                continue
            if best is None or (len(path), path) < (len(best), best):
                best = path
    if best is None:
        raise QueryError(f"no chain of command links {first!r} and {second!r}")
    steps = [(graph.nodes[n]["label"], graph.edges[n, m]["relation"]) for n, m in zip(best, best[1:])]
    return steps + [(graph.nodes[best[-1]]["label"], "")]


def most_connected(store: Any, top: int = 10) -> Table:
    """The entities linked to the most others by asserted relations (the view's degree)."""
    from kg.view import to_networkx

    graph = nx.Graph(to_networkx(store))
    ranked = sorted(graph.nodes, key=lambda n: (-graph.degree(n), graph.nodes[n]["label"]))[:top]
    return Table(["entity", "class", "degree"],
                 [[graph.nodes[n]["label"], graph.nodes[n]["kind"], str(graph.degree(n))] for n in ranked])
