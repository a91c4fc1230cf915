"""Analysis over the stored graph: the chain of command on a date, the shortest chain of command
between two people, and the most connected entities (networkx over the store's relations).

:func:`chain_of_command` lives in :mod:`kg.query` (``kg query --name chain-of-command --param date=...``
runs it) and is re-exported here; this module uses :mod:`kg.query`, never the other way round.
"""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx

from kg.errors import QueryError
from kg.query import Table, chain_of_command, find_entities, select

__all__ = ["chain_of_command", "command_graph", "most_connected", "shortest_chain"]


def command_graph(store: Any) -> nx.DiGraph[str]:
    """Persons and units joined by asserted reportsTo, headOf and subOrganizationOf, undirected
    enough to walk: an edge both ways with the relation that links them."""
    result = select(store, """
        SELECT ?a ?la ?rel ?b ?lb WHERE {
          VALUES (?p ?rel) { (org:reportsTo "reportsTo") (org:headOf "headOf") (org:subOrganizationOf "partOf") }
          ?a ?p ?b . ?a rdfs:label ?la . ?b rdfs:label ?lb .
        }""")
    graph: nx.DiGraph[str] = nx.DiGraph()
    for a, la, rel, b, lb in result.rows:
        if a is None or b is None:  # every variable is bound by the pattern; this tells mypy
            continue
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
    steps = [(graph.nodes[n]["label"], graph.edges[n, m]["relation"]) for n, m in itertools.pairwise(best)]
    return steps + [(graph.nodes[best[-1]]["label"], "")]


def most_connected(store: Any, top: int = 10) -> Table:
    """The entities linked to the most others by asserted relations (the view's degree)."""
    from kg.view import to_networkx

    graph: nx.Graph[str] = nx.Graph(to_networkx(store))
    ranked = sorted(graph.nodes, key=lambda n: (-graph.degree(n), graph.nodes[n]["label"]))[:top]
    return Table(["entity", "class", "degree"],
                 [[graph.nodes[n]["label"], graph.nodes[n]["kind"], str(graph.degree(n))] for n in ranked])
