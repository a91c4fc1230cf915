"""The view: the graph as a plain dict, as a networkx graph, and as a self-contained pyvis HTML page.

Convert first, render second (as spaCy's displaCy does): :func:`to_view` reads the store into a dict
of nodes and edges with their evidence; :func:`render_html` turns such a dict into one HTML file that
works offline from ``file://`` (vis-network is inlined; pyvis's Bootstrap links are removed). Article
text never reaches the page as markup: node and edge data travel as JSON with ``<``, ``>`` and ``&``
escaped, tooltips and the details panel are built in the browser with ``textContent``, and only
http(s) article URLs become links (``rel="noopener noreferrer"``).

What the page shows by default, and the options that change it:

- posts are listed in their holder's tooltip (``posts=True`` draws them as nodes);
- entities that no drawn relation links are left out (``isolated=True`` keeps them);
- ``layout="hierarchy"`` draws the chain of command (headOf, reportsTo, subOrganizationOf) as an org
  chart, superiors at the top;
- a second panel charts the troop counts over time (:mod:`kg.chart`) when the store has any.
"""

from __future__ import annotations

import html
import json
import math
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KgError
from kg.ontology import PREFIXES
from kg.storedir import output_file

CLASS_STYLE: dict[str, tuple[str, str]] = {  # class -> (colour, vis-network shape)
    "Person": ("#4e79a7", "dot"),
    "MilitaryUnit": ("#e15759", "triangle"),
    "ArmedForces": ("#f28e2b", "triangleDown"),
    "GovernmentBody": ("#76b7b2", "square"),
    "Organization": ("#59a14f", "hexagon"),
    "Country": ("#edc948", "diamond"),
    "Post": ("#b07aa1", "star"),
}
CLASS_NAMES = {"Person": "person", "MilitaryUnit": "military unit", "ArmedForces": "armed forces",
               "GovernmentBody": "government body", "Organization": "organisation", "Country": "country",
               "Post": "post"}
RELATIONS = ("headOf", "reportsTo", "subOrganizationOf", "holds", "postIn", "memberOf", "troops")
RELATION_COLOURS = {"headOf": "#e15759", "reportsTo": "#4e79a7", "subOrganizationOf": "#f28e2b",
                    "holds": "#b07aa1", "postIn": "#8c6d8c", "memberOf": "#9c755f", "troops": "#59a14f"}
#: What ``layout="hierarchy"`` draws unless ``relations`` says otherwise: the chain of command.
HIERARCHY_RELATIONS = ("headOf", "reportsTo", "subOrganizationOf")
# relations whose object stands above their subject in an org chart (drawn reversed, arrow kept)
_UPWARD = {"reportsTo", "subOrganizationOf", "memberOf", "postIn"}
LAYOUTS = ("network", "hierarchy")
_CLASS_IRIS = {
    PREFIXES["foaf"] + "Person": "Person", PREFIXES["kgo"] + "MilitaryUnit": "MilitaryUnit",
    PREFIXES["kgo"] + "ArmedForces": "ArmedForces", PREFIXES["kgo"] + "GovernmentBody": "GovernmentBody",
    PREFIXES["org"] + "Organization": "Organization", PREFIXES["kgo"] + "Country": "Country",
    PREFIXES["org"] + "Post": "Post",
}
_SPECIFIC = ["Person", "Country", "Post", "MilitaryUnit", "ArmedForces", "GovernmentBody", "Organization"]


def to_view(store: Any, *, focus: str | None = None, hops: int = 2, construct: str | None = None,
            relations: Iterable[str] | None = None, title: str = "kg knowledge graph", layout: str = "network",
            posts: bool = False, isolated: bool = False, chart: bool = True) -> dict[str, Any]:
    """Read the store into a view dict: ``{"title", "nodes": [...], "edges": [...], "layout", "troops"}``.

    Args:
        store: a :class:`kg.store.Store` (or anything with its ``query``).
        focus: keep only the neighbourhood of the entity with this name or alias.
        hops: the radius of that neighbourhood.
        construct: a SPARQL CONSTRUCT query whose triples are the edges to draw.
        relations: draw only these relation kinds (see :data:`RELATIONS`).
        title: the page title.
        layout: ``network`` (force-directed) or ``hierarchy`` (an org chart of the chain of command).
        posts: draw posts as nodes, linked by ``holds`` and ``postIn``, instead of in tooltips.
        isolated: keep the entities that no drawn relation links.
        chart: add the dated troop counts (the page's chart panel).

    Raises:
        KgError: ``focus`` names no entity, ``relations`` names an unknown kind, or an unknown layout.
    """
    if layout not in LAYOUTS:
        raise KgError(f"unknown layout {layout!r}", hint="use " + " or ".join(LAYOUTS))
    if relations:
        wanted = set(relations)
    elif layout == "hierarchy":
        wanted = set(HIERARCHY_RELATIONS)
    else:
        wanted = set(RELATIONS)
    unknown = wanted - set(RELATIONS)
    if unknown:
        raise KgError(f"unknown relation kind {sorted(unknown)[0]!r}", hint="known: " + ", ".join(RELATIONS))
    if not posts and not relations:
        wanted -= {"holds", "postIn"}
    nodes = _nodes(store)
    edges = _construct_edges(store, construct) if construct else _edges(store, wanted)
    if not posts:
        _fold_posts(store, nodes)
        edges = [e for e in edges if nodes.get(e["from"], {}).get("class") != "Post"
                 and nodes.get(e["to"], {}).get("class") != "Post"]
    used = {e["from"] for e in edges} | {e["to"] for e in edges}
    for iri in used - set(nodes):
        nodes[iri] = {"id": iri, "label": _local(iri), "class": "Organization", "aliases": []}
    if isolated and not construct:
        used |= {iri for iri, n in nodes.items() if posts or n["class"] != "Post"}
    view: dict[str, Any] = {"title": title, "layout": layout, "nodes": [nodes[i] for i in sorted(used) if i in nodes],
                            "edges": edges}
    if focus:
        view = _neighbourhood(view, focus, hops)
    degree: dict[str, int] = {}
    for edge in view["edges"]:
        degree[edge["from"]] = degree.get(edge["from"], 0) + 1
        degree[edge["to"]] = degree.get(edge["to"], 0) + 1
    for node in view["nodes"]:
        node["degree"] = degree.get(node["id"], 0)
    if chart and not construct:
        from kg.chart import troop_series
        view["troops"] = [{"sender": s.sender, "host": s.host, "points": [list(p) for p in s.points]}
                          for s in troop_series(store)]
    return view


def safe_url(url: str | None) -> str:
    """``url`` if it is an http(s) URL a page may link to, else ``""``.

    >>> safe_url("https://example.org/a"), safe_url("javascript:alert(1)"), safe_url(" HTTP://x.org ")
    ('https://example.org/a', '', 'HTTP://x.org')
    """
    text = (url or "").strip()
    return text if re.match(r"(?i)https?://[^\s/]", text) else ""


def _nodes(store: Any) -> dict[str, dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    classes: dict[str, set[str]] = {}
    for row in store.query("SELECT ?e ?c ?l WHERE { ?e a ?c ; rdfs:label ?l . "
                           "FILTER(?c IN (" + ", ".join(f"<{c}>" for c in _CLASS_IRIS) + ")) }"):
        iri = row["e"].value
        classes.setdefault(iri, set()).add(_CLASS_IRIS[row["c"].value])
        nodes[iri] = {"id": iri, "label": row["l"].value, "aliases": []}
    for iri, found in classes.items():
        nodes[iri]["class"] = next(c for c in _SPECIFIC if c in found)
    for row in store.query("SELECT DISTINCT ?e ?a WHERE { ?e skos:altLabel ?a } ORDER BY ?e ?a"):
        node = nodes.get(row["e"].value)
        if node is not None and row["a"].value != node["label"]:
            node["aliases"].append(row["a"].value)
    for row in store.query("SELECT ?e ?w ?r WHERE { ?e rdfs:label ?l . OPTIONAL { ?e owl:sameAs ?w } "
                           "OPTIONAL { ?e kgo:rank ?r } FILTER(BOUND(?w) || BOUND(?r)) }"):
        node = nodes.get(row["e"].value)
        if node is not None:
            if row["w"] is not None:
                node["wikidata"] = safe_url(row["w"].value)
            if row["r"] is not None:
                node["rank"] = row["r"].value
    return nodes


def _fold_posts(store: Any, nodes: dict[str, dict[str, Any]]) -> None:
    """Each holder's posts (asserted ``org:holds``) as a list of labels on the holder's node."""
    rows = store.query("SELECT DISTINCT ?p ?post WHERE { ?p org:holds ?x . ?x rdfs:label ?post } ORDER BY ?p ?post")
    for row in rows:
        node = nodes.get(row["p"].value)
        if node is not None:
            node.setdefault("posts", []).append(row["post"].value)


def _evidence(store: Any) -> dict[tuple[str, str, str], list[dict[str, str]]]:
    found: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    rows = store.query("""
        SELECT ?s ?p ?o ?sentence ?title ?date ?url WHERE {
          ?a a kgo:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
             kgo:modality kgo:asserted ; kgo:evidence ?sentence ; kgo:statedIn ?doc .
          OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc dcterms:date ?date }
          OPTIONAL { ?doc dcterms:source ?url }
        } ORDER BY ?date ?title ?sentence""")
    for row in rows:
        key = (row["s"].value, row["p"].value, row["o"].value)
        found.setdefault(key, []).append({
            "sentence": row["sentence"].value,
            "title": row["title"].value if row["title"] is not None else "",
            "date": row["date"].value if row["date"] is not None else "",
            "url": safe_url(row["url"].value if row["url"] is not None else ""),
        })
    return found


def _edges(store: Any, wanted: set[str]) -> list[dict[str, Any]]:
    evidence = _evidence(store)
    kinds = ("headOf", "reportsTo", "subOrganizationOf", "holds", "postIn", "memberOf")
    predicates = {k: PREFIXES["org"] + k for k in kinds}
    edges: list[dict[str, Any]] = []
    chosen = [p for k, p in predicates.items() if k in wanted]
    if chosen:
        rows = store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o . FILTER(?p IN ("
                           + ", ".join(f"<{p}>" for p in chosen) + ")) FILTER(isIRI(?o)) } ORDER BY ?s ?p ?o")
        for row in rows:
            s, p, o = row["s"].value, row["p"].value, row["o"].value
            edges.append({"from": s, "to": o, "relation": _local(p), "evidence": evidence.get((s, p, o), [])})
    if "troops" in wanted:
        rows = store.query("""
            SELECT ?d ?s ?h ?n ?asOf ?q WHERE {
              ?d a kgo:TroopDeployment ; kgo:sendingCountry ?s ; kgo:hostCountry ?h ; kgo:troopCount ?n .
              OPTIONAL { ?d kgo:asOf ?asOf } OPTIONAL { ?d kgo:countQualifier ?q }
            } ORDER BY ?s ?h ?asOf ?n""")
        type_iri = PREFIXES["rdf"] + "type"
        for row in rows:
            d = row["d"].value
            count = int(row["n"].value)
            label = f"{row['q'].value + ' ' if row['q'] is not None else ''}{count:,} troops"
            if row["asOf"] is not None:
                label += f" ({row['asOf'].value})"
            edges.append({"from": row["s"].value, "to": row["h"].value, "relation": "troops", "label": label,
                          "evidence": evidence.get((d, type_iri, PREFIXES["kgo"] + "TroopDeployment"), [])})
    return edges


def _construct_edges(store: Any, construct: str) -> list[dict[str, Any]]:
    from pyoxigraph import NamedNode, QueryTriples
    result = store.query(construct)
    if not isinstance(result, QueryTriples):
        raise KgError("--construct needs a CONSTRUCT query", hint="SELECT and ASK results are not graphs")
    evidence = _evidence(store)
    edges = []
    for triple in result:
        if isinstance(triple.subject, NamedNode) and isinstance(triple.object, NamedNode):
            s, p, o = triple.subject.value, triple.predicate.value, triple.object.value
            if p == PREFIXES["rdf"] + "type":
                continue
            edges.append({"from": s, "to": o, "relation": _local(p), "evidence": evidence.get((s, p, o), [])})
    return sorted(edges, key=lambda e: (e["from"], e["relation"], e["to"]))


def _neighbourhood(view: dict[str, Any], focus: str, hops: int) -> dict[str, Any]:
    wanted = focus.casefold()
    matches = [n["id"] for n in view["nodes"]
               if n["label"].casefold() == wanted or any(a.casefold() == wanted for a in n["aliases"])]
    if not matches:
        matches = [n["id"] for n in view["nodes"] if wanted in n["label"].casefold()]
    if not matches:
        raise KgError(f"no entity named {focus!r} in the graph", hint="try `kg query --name entities`")
    graph = to_networkx(view).to_undirected(as_view=True)
    keep: set[str] = set()
    for node in matches:
        keep |= set(nx.ego_graph(graph, node, radius=hops))
    return {**view, "title": view["title"] + f" — {focus}, {hops} hop{'s' if hops != 1 else ''}",
            "nodes": [n for n in view["nodes"] if n["id"] in keep],
            "edges": [e for e in view["edges"] if e["from"] in keep and e["to"] in keep],
            "focus": sorted(matches)}


def to_networkx(source: Any) -> nx.MultiDiGraph[str]:
    """The graph as a networkx MultiDiGraph: nodes carry ``label``, ``kind`` and ``aliases``, edges
    ``relation`` (and ``label``, ``evidence``). ``source`` is a view dict or a store (then every
    entity, posts as nodes, isolated ones too).

    >>> graph = to_networkx({"nodes": [{"id": "a", "label": "A", "class": "Person", "aliases": []},
    ...                                {"id": "b", "label": "B", "class": "Organization", "aliases": []}],
    ...                      "edges": [{"from": "a", "to": "b", "relation": "headOf", "evidence": []}]})
    >>> list(graph.edges(data="relation"))
    [('a', 'b', 'headOf')]
    """
    view = source if isinstance(source, dict) else to_view(source, posts=True, isolated=True, chart=False)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in view["nodes"]:
        graph.add_node(node["id"], label=node["label"], kind=node["class"], aliases="|".join(node["aliases"]))
    for edge in view["edges"]:
        sentences = " | ".join(e["sentence"] for e in edge.get("evidence", []))
        graph.add_edge(edge["from"], edge["to"], key=edge["relation"], relation=edge["relation"],
                       label=edge.get("label", edge["relation"]), evidence=sentences)
    return graph


# -- rendering ------------------------------------------------------------------------------------

def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no "</script>", no HTML-significant characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(view: dict[str, Any], *, height: str = "100vh") -> str:
    """One self-contained HTML page drawing a view dict (no request to any host when opened).

    >>> page = render_html({"title": "<b>t</b>", "nodes": [], "edges": []})
    >>> "<b>t</b>" in page, "cdn.jsdelivr" in page
    (False, False)
    """
    from pyvis.network import Network

    hierarchy = view.get("layout") == "hierarchy"
    network = Network(height=height, width="100%", directed=True, cdn_resources="in_line", bgcolor="#ffffff")
    large = len(view["nodes"]) > LARGE_VIEW
    if hierarchy:
        positions = hierarchy_layout(view)
    else:
        positions = radial_layout(view) if large else {}
    for node in view["nodes"]:
        if node["id"] in positions and "x" not in node:
            node = {**node, "x": positions[node["id"]][0], "y": positions[node["id"]][1]}
        colour, shape = CLASS_STYLE.get(node["class"], ("#999999", "dot"))
        size = 10 + 4 * math.sqrt(node.get("degree", 0))
        keys = ("label", "class", "aliases", "wikidata", "rank", "degree", "posts")
        network.add_node(node["id"], label=_wrapped(node["label"]), color=colour, shape=shape, size=size,
                         kg={k: node.get(k) for k in keys},
                         **({"x": node["x"], "y": node["y"]} if "x" in node else {}))
    for edge in view["edges"]:
        relation = edge["relation"]
        reverse = hierarchy and relation in _UPWARD
        # an org chart puts the from-node above: reversed edges keep their arrow on the real object
        ends = (edge["to"], edge["from"]) if reverse else (edge["from"], edge["to"])
        network.add_edge(*ends, label=edge.get("label", relation),
                         color=RELATION_COLOURS.get(relation, "#888888"), arrows="from" if reverse else "to",
                         kg={"relation": relation, "evidence": edge.get("evidence", [])[:5],
                             "from": edge["from"], "to": edge["to"],
                             "more": max(0, len(edge.get("evidence", [])) - 5)})
    network.set_options(json.dumps(_options(len(view["nodes"]), large, hierarchy)))
    page = network.generate_html()
    page = _strip_remote(page)
    header = _header(view)
    page = re.sub(r"<center>\s*<h1>.*?</h1>\s*</center>", "", page, flags=re.S)
    page = page.replace("<head>", "<head>\n<title>" + html.escape(view["title"]) + "</title>", 1)
    page = page.replace('<div class="card"', header + '\n<div class="card"', 1)
    page = page.replace("</body>", _chart_panel(view) + _details_panel() + "\n</body>", 1)
    script = _SCRIPT.replace("__FOCUS__", _script_json(view.get("focus", []))) \
        .replace("__LARGE__", "true" if large else "false")
    page = page.replace("</body>", script + "\n</body>", 1)
    return page


#: Views with more nodes start from :func:`radial_layout` and run a short physics pass only.
LARGE_VIEW = 1500


def radial_layout(view: dict[str, Any], spacing: float = 60.0) -> dict[str, tuple[float, float]]:
    """Starting positions for a large view, in linear time and without numpy: each connected
    component is a radial tree around its best-connected entity (rings by distance, each subtree in
    its own wedge), and components are packed in rows, largest first. Deterministic.
    """
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(node["id"] for node in view["nodes"])
    graph.add_edges_from((edge["from"], edge["to"]) for edge in view["edges"] if edge["from"] != edge["to"])
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    row_width = spacing * 4 * math.sqrt(graph.number_of_nodes())
    for members in components:
        root = max(members, key=lambda n: (graph.degree(n), n))
        tree = nx.bfs_tree(graph, root, sort_neighbors=sorted)
        leaves: dict[str, int] = {}
        for node in reversed(list(nx.topological_sort(tree))):
            leaves[node] = sum(leaves[child] for child in tree.successors(node)) or 1
        local: dict[str, tuple[float, float]] = {}
        wedges = [(root, 0.0, 2 * math.pi, 0)]
        while wedges:
            node, start, width, depth = wedges.pop()
            angle = start + width / 2
            local[node] = (depth * spacing * math.cos(angle), depth * spacing * math.sin(angle))
            children = sorted(tree.successors(node))
            total = sum(leaves[c] for c in children) or 1
            for child in children:
                share = width * leaves[child] / total
                wedges.append((child, start, share, depth + 1))
                start += share
        radius = max((math.hypot(px, py) for px, py in local.values()), default=0.0) + spacing
        if x + 2 * radius > row_width and x > 0:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in local.items():
            positions[node] = (round(x + radius + px, 1), round(y + radius + py, 1))
        x += 2 * radius
        row_height = max(row_height, 2 * radius)
    return positions


def hierarchy_layout(view: dict[str, Any], dx: float = 220.0, dy: float = 150.0) -> dict[str, tuple[float, float]]:
    """Org-chart positions: superiors above (a unit above its sub-units, the person someone reports
    to above them, a commander above the unit), one row per level; each connected chart is laid out
    on its own and the charts are packed in rows, largest first, so a whole store stays readable.
    Deterministic.

    >>> hierarchy_layout({"nodes": [{"id": "a"}, {"id": "b"}],
    ...                   "edges": [{"from": "b", "to": "a", "relation": "reportsTo"}]})
    {'a': (0.0, 0.0), 'b': (0.0, 150.0)}
    """
    below: nx.DiGraph[str] = nx.DiGraph()
    below.add_nodes_from(node["id"] for node in view["nodes"])
    for edge in view["edges"]:
        if edge["from"] == edge["to"]:
            continue
        up = edge["relation"] in _UPWARD
        below.add_edge(*((edge["to"], edge["from"]) if up else (edge["from"], edge["to"])))
    labels = {node["id"]: str(node.get("label", node["id"])) for node in view["nodes"]}
    components = sorted((sorted(c) for c in nx.weakly_connected_components(below)), key=lambda c: (-len(c), c[0]))
    positions: dict[str, tuple[float, float]] = {}
    x0 = y0 = row_height = 0.0
    row_width = dx * max(6.0, 1.8 * math.sqrt(below.number_of_nodes()))
    for members in components:
        part = below.subgraph(members)
        # longest-path layering: each node one row below its lowest superior; a cycle (the sources
        # disagree) is one strongly connected group and shares a row
        groups = nx.condensation(part)
        depth_of: dict[int, int] = {}
        for group in nx.topological_sort(groups):
            depth_of[group] = max((depth_of[g] + 1 for g in groups.predecessors(group)), default=0)
        level = {node: depth_of[groups.graph["mapping"][node]] for node in members}
        rows: dict[int, list[str]] = {}
        for node in members:
            rows.setdefault(level[node], []).append(node)
        slot: dict[str, float] = {}
        for depth in sorted(rows):
            # under the middle of its superiors, so lines do not cross more than they must
            centre = {n: _mean([slot[p] for p in part.predecessors(n) if p in slot]) for n in rows[depth]}
            rows[depth].sort(key=lambda n: (centre[n], labels[n], n))
            for index, node in enumerate(rows[depth]):
                slot[node] = float(index)
        width = max(len(r) for r in rows.values())
        height = len(rows)
        if x0 > 0 and x0 + width * dx > row_width:
            x0, y0, row_height = 0.0, y0 + row_height + dy, 0.0
        for depth, row in rows.items():
            offset = (width - len(row)) / 2
            for index, node in enumerate(row):
                positions[node] = (round(x0 + (offset + index) * dx, 1), round(y0 + depth * dy, 1))
        x0 += (width + 0.6) * dx
        row_height = max(row_height, (height - 1) * dy)
    return positions


def save_html(view: dict[str, Any], path: str | Path) -> Path:
    """Write :func:`render_html` of ``view`` to ``path``; returns the absolute path.

    Raises:
        KgError: the folder of ``path`` does not exist (it is not created).
    """
    target = output_file(path)
    target.write_text(render_html(view), encoding="utf-8")
    return target.resolve()


def _options(count: int, large: bool, hierarchy: bool = False) -> dict[str, Any]:
    options: dict[str, Any] = {
        "layout": {"improvedLayout": count <= 150},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
        "edges": {"smooth": False if large else {"type": "dynamic"},
                  "font": {"size": 10, "align": "middle", "color": "#555555", "strokeWidth": 3,
                           "strokeColor": "#ffffff"},
                  "width": 1.5, "selectionWidth": 2},
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 4,
                           "strokeColor": "#ffffff"}},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 40 if large else 400, "updateInterval": 10},
            "minVelocity": 1.0,
        },
    }
    if hierarchy:  # positions come from hierarchy_layout: no physics to undo them
        options["edges"]["smooth"] = {"type": "cubicBezier", "forceDirection": "vertical", "roundness": 0.5}
        options["physics"] = {"enabled": False}
    return options


def _strip_remote(page: str) -> str:
    """Remove pyvis's links to Bootstrap on a CDN and its commented-out node_modules tags."""
    page = re.sub(r"<!--\s*<link[^>]*node_modules.*?-->", "", page, flags=re.S)
    page = re.sub(r"<link\s+href=\"https://[^\"]*\"[^>]*/>", "", page, flags=re.S)
    page = re.sub(r"<script\s+src=\"https://[^\"]*\"[^>]*>\s*</script>", "", page, flags=re.S)
    return page


_SHAPE_SVG = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "triangle": '<polygon points="8,1.5 14.5,14 1.5,14"/>',
    "triangleDown": '<polygon points="1.5,2 14.5,2 8,14.5"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "hexagon": '<polygon points="4.5,2 11.5,2 15,8 11.5,14 4.5,14 1,8"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "star": '<polygon points="8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6"/>',
}


def _legend(view: dict[str, Any]) -> str:
    classes = [c for c in CLASS_STYLE if any(n["class"] == c for n in view["nodes"])]
    relations = [r for r in RELATION_COLOURS if any(e["relation"] == r for e in view["edges"])]
    items = []
    for name in classes:
        colour, shape = CLASS_STYLE[name]
        items.append(f'<span class="kg-legend-item" data-kg-class="{name}"><svg width="16" height="16" '
                     f'viewBox="0 0 16 16" fill="{colour}" aria-hidden="true">{_SHAPE_SVG[shape]}</svg>'
                     f"{html.escape(CLASS_NAMES[name])}</span>")
    classes_html = "".join(items)
    relations_html = "".join(
        f'<span class="kg-legend-item" data-kg-relation="{name}"><svg width="22" height="10" aria-hidden="true">'
        f'<line x1="1" y1="5" x2="21" y2="5" stroke="{RELATION_COLOURS[name]}" stroke-width="3"/></svg>'
        f"{html.escape(name)}</span>" for name in relations)
    return (f'<span id="kg-legend-classes" class="kg-legend">{classes_html}</span>'
            f'<span id="kg-legend-relations" class="kg-legend">{relations_html}</span>')


def _header(view: dict[str, Any]) -> str:
    counts = f"{len(view['nodes'])} nodes, {len(view['edges'])} edges"
    tabs = ""
    if view.get("troops"):
        tabs = ('<span class="kg-tabs"><button id="kg-tab-network" type="button" class="kg-tab kg-on">Network'
                '</button><button id="kg-tab-chart" type="button" class="kg-tab">Troops over time</button></span>')
    return f"""<style>
  body {{ margin: 0; font-family: system-ui, sans-serif; color: #222; }}
  #kg-bar {{ display: flex; gap: 0.4em 1.2em; align-items: center; flex-wrap: wrap; padding: 6px 12px;
             border-bottom: 1px solid #ddd; background: #fafafa; font-size: 13px; }}
  #kg-bar h1 {{ font-size: 15px; margin: 0; }}
  #kg-counts {{ color: #666; }}
  .kg-legend {{ display: inline-flex; flex-wrap: wrap; gap: 0.2em 0.9em; }}
  #kg-legend-relations {{ margin-left: 0.9em; padding-left: 0.9em; border-left: 1px solid #ddd; }}
  .kg-legend-item {{ white-space: nowrap; display: inline-flex; align-items: center; gap: 4px; }}
  .kg-tab {{ border: 1px solid #ccc; background: #fff; padding: 3px 10px; cursor: pointer; font: inherit; }}
  .kg-tab.kg-on {{ background: #4e79a7; color: #fff; border-color: #4e79a7; }}
  .kg-tip {{ max-width: 420px; white-space: normal; font-size: 12px; }}
  .kg-tip b {{ display: block; margin-bottom: 2px; }}
  .kg-tip .kg-ev {{ margin: 4px 0; padding-left: 6px; border-left: 3px solid #ccc; }}
  .kg-tip .kg-src {{ color: #555; font-size: 11px; }}
  .kg-tip ul {{ margin: 2px 0 2px 1.1em; padding: 0; }}
  #mynetwork {{ height: calc(100vh - var(--kg-bar, 48px)) !important; border: none !important; }}
  .card {{ border: none; }}
  #kg-details {{ position: fixed; right: 10px; top: 56px; width: 360px; max-height: calc(100vh - 80px);
                 overflow: auto; background: #fff; border: 1px solid #ccc; border-radius: 4px; padding: 8px 10px;
                 box-shadow: 0 2px 8px rgba(0,0,0,.15); display: none; z-index: 5; }}
  #kg-details .kg-tip {{ max-width: none; }}
  #kg-details-close {{ float: right; border: none; background: none; font-size: 16px; cursor: pointer; }}
  #kg-chart {{ display: none; padding: 12px 16px; }}
  #kg-chart svg {{ width: 100%; max-width: 1200px; height: auto; }}
</style>
<div id="kg-bar">
  <h1 id="kg-title">{html.escape(view['title'])}</h1>
  <span id="kg-counts">{html.escape(counts)}</span>
  {tabs}
  <span id="kg-legend">{_legend(view)}</span>
  <span><input id="kg-search" type="search" placeholder="Find a name" aria-label="Find a name">
  <button id="kg-search-go" type="button">Find</button> <span id="kg-search-result"></span></span>
</div>"""


def _chart_panel(view: dict[str, Any]) -> str:
    if not view.get("troops"):
        return ""
    from kg.chart import Series, render_svg

    series = [Series(s["sender"], s["host"], [(p[0], int(p[1]), p[2]) for p in s["points"]]) for s in view["troops"]]
    return f'\n<div id="kg-chart" role="region" aria-label="Troop counts over time">{render_svg(series)}</div>'


def _details_panel() -> str:
    return ('\n<div id="kg-details" role="region" aria-label="Details"><button id="kg-details-close" type="button" '
            'aria-label="Close">×</button><div id="kg-details-body"></div></div>')


# Tooltips and the details panel are DOM elements filled with textContent: article text is never
# parsed as HTML, and only http(s) URLs become links.
_SCRIPT = """<script type="text/javascript">
(function () {
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function link(url, text) {
    if (!/^https?:\\/\\/[^\\s\\/]/i.test(url || "")) return el("span", null, text);
    var a = el("a", null, text || url);
    a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  function nodeTip(k) {
    var d = el("div", "kg-tip");
    d.appendChild(el("b", null, k.label));
    d.appendChild(el("div", null, k["class"] + (k.rank ? " · " + k.rank : "") + " · degree " + k.degree));
    if (k.aliases && k.aliases.length) d.appendChild(el("div", null, "Also: " + k.aliases.join(", ")));
    if (k.posts && k.posts.length) {
      d.appendChild(el("div", null, "Posts:"));
      var list = el("ul");
      k.posts.forEach(function (p) { list.appendChild(el("li", null, p)); });
      d.appendChild(list);
    }
    if (k.wikidata) { var w = el("div", "kg-src"); w.appendChild(link(k.wikidata, k.wikidata)); d.appendChild(w); }
    return d;
  }
  function edgeTip(k, from, to) {
    var d = el("div", "kg-tip");
    d.appendChild(el("b", null, from + " — " + k.relation + " → " + to));
    (k.evidence || []).forEach(function (ev) {
      var box = el("div", "kg-ev");
      box.appendChild(el("div", null, "“" + ev.sentence + "”"));
      var src = el("div", "kg-src");
      src.appendChild(link(ev.url, ev.title || ev.url || "untitled article"));
      if (ev.date) src.appendChild(document.createTextNode(" · " + ev.date));
      box.appendChild(src);
      d.appendChild(box);
    });
    if (!k.evidence || !k.evidence.length) d.appendChild(el("div", "kg-src", "no sentence recorded"));
    if (k.more) d.appendChild(el("div", "kg-src", "and " + k.more + " more"));
    return d;
  }
  function labelOf(id) { var n = nodes.get(id); return n ? n.kg.label : id; }
  nodes.update(nodes.get().map(function (n) { return {id: n.id, title: nodeTip(n.kg)}; }));
  edges.update(edges.get().map(function (e) {
    return {id: e.id, title: edgeTip(e.kg, labelOf(e.kg.from), labelOf(e.kg.to))};
  }));
  // A click keeps the details open in a panel, where the article links can be followed.
  var details = document.getElementById("kg-details"), body = document.getElementById("kg-details-body");
  function show(content) {
    body.textContent = "";
    if (!content) { details.style.display = "none"; return; }
    body.appendChild(content);
    details.style.display = "block";
  }
  document.getElementById("kg-details-close").addEventListener("click", function () { show(null); });
  network.on("click", function (params) {
    if (params.nodes.length) show(nodeTip(nodes.get(params.nodes[0]).kg));
    else if (params.edges.length) {
      var e = edges.get(params.edges[0]);
      show(edgeTip(e.kg, labelOf(e.kg.from), labelOf(e.kg.to)));
    } else show(null);
  });
  window.kgShowDetails = function (kind, id) {
    if (kind === "node") show(nodeTip(nodes.get(id).kg));
    else { var e = edges.get(id); show(edgeTip(e.kg, labelOf(e.kg.from), labelOf(e.kg.to))); }
  };
  // Labels keep a readable size on screen as the view zooms out (vis-network draws them in graph
  // units, so a fitted large graph would show 6-pixel text); edge labels wait until there is room.
  var large = __LARGE__, lastSize = 0;
  function fitBar() {
    var bar = document.getElementById("kg-bar");
    document.documentElement.style.setProperty("--kg-bar", bar.offsetHeight + "px");
    network.redraw();
  }
  fitBar();
  window.addEventListener("resize", fitBar);
  function scaleLabels() {
    var scale = network.getScale();
    var size = Math.round(Math.min(60, Math.max(14, 13 / scale)));
    var edgeSize = scale < 0.55 ? 0 : Math.round(Math.max(10, 10 / scale));
    if (size === lastSize && !large) return;
    lastSize = size;
    network.setOptions({nodes: {font: {size: size}}, edges: {font: {size: edgeSize}}});
    document.body.setAttribute("data-kg-label-size", String(size));
  }
  // after every frame, not only on the zoom event: fit(), moveTo() and focus zoom without one
  var lastScale = 0;
  network.on("afterDrawing", function () {
    var scale = network.getScale();
    if (large || Math.abs(scale - lastScale) <= 0.01 * scale) return;
    lastScale = scale;
    window.requestAnimationFrame(scaleLabels);
  });
  // Physics stops once the layout has settled, so thousands of nodes do not keep the page busy.
  // Small graphs can settle before this script runs: check the engine's flag as well as the events.
  window.kgStabilized = false;
  function settled() {
    if (window.kgStabilized) return;
    network.setOptions({physics: {enabled: false}});
    network.fit({animation: false});
    if (!large) scaleLabels();
    window.kgStabilized = true;
    document.body.setAttribute("data-kg-stabilized", "true");
  }
  network.once("stabilizationIterationsDone", settled);
  network.once("stabilized", settled);
  if (network.physics && network.physics.stabilized) settled();
  function find(query) {
    var q = query.trim().toLowerCase();
    var out = document.getElementById("kg-search-result");
    if (!q) { out.textContent = ""; return; }
    var hits = nodes.get({filter: function (n) {
      var k = n.kg;
      return k.label.toLowerCase().indexOf(q) >= 0 ||
        (k.aliases || []).some(function (a) { return a.toLowerCase().indexOf(q) >= 0; });
    }});
    out.textContent = hits.length ? hits.length + " found" : "not found";
    if (hits.length) {
      var ids = hits.map(function (n) { return n.id; });
      network.selectNodes(ids);
      network.fit({nodes: ids, animation: false});
      if (!large) scaleLabels();
    }
  }
  document.getElementById("kg-search-go").addEventListener("click", function () {
    find(document.getElementById("kg-search").value);
  });
  document.getElementById("kg-search").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") find(this.value);
  });
  // The troop chart is the page's second panel.
  var chart = document.getElementById("kg-chart"), graphCard = document.querySelector(".card");
  function tab(which) {
    var onChart = which === "chart";
    chart.style.display = onChart ? "block" : "none";
    graphCard.style.display = onChart ? "none" : "";
    if (onChart) show(null);
    document.getElementById("kg-tab-chart").classList.toggle("kg-on", onChart);
    document.getElementById("kg-tab-network").classList.toggle("kg-on", !onChart);
  }
  if (chart) {
    document.getElementById("kg-tab-chart").addEventListener("click", function () { tab("chart"); });
    document.getElementById("kg-tab-network").addEventListener("click", function () { tab("network"); });
  }
  var focus = __FOCUS__;
  if (focus.length) network.selectNodes(focus);
})();
</script>"""


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _wrapped(label: str, width: int = 20) -> str:
    """A long label on two or three lines, so neighbours' labels do not run into each other."""
    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) or label


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]
