"""The view: the graph as a plain dict, as a networkx graph, and as a self-contained pyvis HTML page.

Convert first, render second (as spaCy's displaCy does): :func:`to_view` reads the store into a dict
of nodes and edges with their evidence; :func:`render_html` turns such a dict into one HTML file that
works offline from ``file://`` (vis-network is inlined; pyvis's Bootstrap links are removed). Article
text never reaches the page as markup: node and edge data travel as JSON with ``<``, ``>`` and ``&``
escaped, and tooltips are built in the browser with ``textContent``.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KgError
from kg.ontology import PREFIXES

CLASS_STYLE: dict[str, tuple[str, str]] = {  # class -> (colour, shape)
    "Person": ("#4e79a7", "dot"),
    "MilitaryUnit": ("#e15759", "triangle"),
    "ArmedForces": ("#f28e2b", "triangle"),
    "GovernmentBody": ("#76b7b2", "square"),
    "Organization": ("#59a14f", "square"),
    "Country": ("#edc948", "diamond"),
    "Post": ("#b07aa1", "box"),
}
RELATIONS = ("headOf", "reportsTo", "subOrganizationOf", "holds", "postIn", "memberOf", "troops")
_CLASS_IRIS = {
    PREFIXES["foaf"] + "Person": "Person", PREFIXES["kgo"] + "MilitaryUnit": "MilitaryUnit",
    PREFIXES["kgo"] + "ArmedForces": "ArmedForces", PREFIXES["kgo"] + "GovernmentBody": "GovernmentBody",
    PREFIXES["org"] + "Organization": "Organization", PREFIXES["kgo"] + "Country": "Country",
    PREFIXES["org"] + "Post": "Post",
}
_SPECIFIC = ["Person", "Country", "Post", "MilitaryUnit", "ArmedForces", "GovernmentBody", "Organization"]


def to_view(store: Any, *, focus: str | None = None, hops: int = 2, construct: str | None = None,
            relations: Iterable[str] | None = None, title: str = "kg knowledge graph") -> dict[str, Any]:
    """Read the store into a view dict: ``{"title", "nodes": [...], "edges": [...]}``.

    Args:
        store: a :class:`kg.store.Store` (or anything with its ``query``).
        focus: keep only the neighbourhood of the entity with this name or alias.
        hops: the radius of that neighbourhood.
        construct: a SPARQL CONSTRUCT query whose triples are the edges to draw.
        relations: draw only these relation kinds (see :data:`RELATIONS`).
        title: the page title.

    Raises:
        KgError: ``focus`` names no entity, or ``relations`` names an unknown kind.
    """
    wanted = set(relations) if relations else set(RELATIONS)
    unknown = wanted - set(RELATIONS)
    if unknown:
        raise KgError(f"unknown relation kind {sorted(unknown)[0]!r}", hint="known: " + ", ".join(RELATIONS))
    nodes = _nodes(store)
    edges = _construct_edges(store, construct) if construct else _edges(store, wanted)
    used = {e["from"] for e in edges} | {e["to"] for e in edges}
    for iri in used - set(nodes):
        nodes[iri] = {"id": iri, "label": _local(iri), "class": "Organization", "aliases": []}
    if not construct:
        used |= {iri for iri, n in nodes.items() if n["class"] in ("Person", "Country", "MilitaryUnit")}
    view = {"title": title, "nodes": [nodes[i] for i in sorted(used) if i in nodes], "edges": edges}
    if focus:
        view = _neighbourhood(view, focus, hops)
    degree: dict[str, int] = {}
    for edge in view["edges"]:
        degree[edge["from"]] = degree.get(edge["from"], 0) + 1
        degree[edge["to"]] = degree.get(edge["to"], 0) + 1
    for node in view["nodes"]:
        node["degree"] = degree.get(node["id"], 0)
    return view


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
                node["wikidata"] = row["w"].value
            if row["r"] is not None:
                node["rank"] = row["r"].value
    return nodes


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
            "url": row["url"].value if row["url"] is not None else "",
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
    return {"title": view["title"] + f" — {focus}, {hops} hop{'s' if hops != 1 else ''}",
            "nodes": [n for n in view["nodes"] if n["id"] in keep],
            "edges": [e for e in view["edges"] if e["from"] in keep and e["to"] in keep],
            "focus": sorted(matches)}


def to_networkx(source: Any) -> nx.MultiDiGraph:
    """The graph as a networkx MultiDiGraph: nodes carry ``label``, ``kind`` and ``aliases``, edges
    ``relation`` (and ``label``, ``evidence``). ``source`` is a view dict or a store.

    >>> graph = to_networkx({"nodes": [{"id": "a", "label": "A", "class": "Person", "aliases": []},
    ...                                {"id": "b", "label": "B", "class": "Organization", "aliases": []}],
    ...                      "edges": [{"from": "a", "to": "b", "relation": "headOf", "evidence": []}]})
    >>> list(graph.edges(data="relation"))
    [('a', 'b', 'headOf')]
    """
    view = source if isinstance(source, dict) else to_view(source)
    graph = nx.MultiDiGraph()
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

    network = Network(height=height, width="100%", directed=True, cdn_resources="in_line", bgcolor="#ffffff")
    large = len(view["nodes"]) > LARGE_VIEW
    positions = radial_layout(view) if large else {}
    for node in view["nodes"]:
        if node["id"] in positions and "x" not in node:
            node = {**node, "x": positions[node["id"]][0], "y": positions[node["id"]][1]}
        colour, shape = CLASS_STYLE.get(node["class"], ("#999999", "dot"))
        size = 10 + 5 * math.sqrt(node.get("degree", 0))
        network.add_node(node["id"], label=node["label"], color=colour, shape=shape, size=size,
                         kg={k: node.get(k) for k in ("label", "class", "aliases", "wikidata", "rank", "degree")},
                         **({"x": node["x"], "y": node["y"]} if "x" in node else {}))
    for edge in view["edges"]:
        network.add_edge(edge["from"], edge["to"], label=edge.get("label", edge["relation"]),
                         color=_EDGE_COLOURS.get(edge["relation"], "#888888"), arrows="to",
                         kg={"relation": edge["relation"], "evidence": edge.get("evidence", [])[:5],
                             "more": max(0, len(edge.get("evidence", [])) - 5)})
    network.set_options(json.dumps(_options(len(view["nodes"]), large)))
    page = network.generate_html()
    page = _strip_remote(page)
    header = _header(view)
    page = re.sub(r"<center>\s*<h1>.*?</h1>\s*</center>", "", page, flags=re.S)
    page = page.replace("<head>", "<head>\n<title>" + html.escape(view["title"]) + "</title>", 1)
    page = page.replace('<div class="card"', header + '\n<div class="card"', 1)
    page = page.replace("</body>", _SCRIPT.replace("__FOCUS__", _script_json(view.get("focus", []))) + "\n</body>", 1)
    return page


#: Views with more nodes start from :func:`radial_layout` and run a short physics pass only.
LARGE_VIEW = 1500


def radial_layout(view: dict[str, Any], spacing: float = 60.0) -> dict[str, tuple[float, float]]:
    """Starting positions for a large view, in linear time and without numpy: each connected
    component is a radial tree around its best-connected entity (rings by distance, each subtree in
    its own wedge), and components are packed in rows, largest first. Deterministic.
    """
    graph = nx.Graph()
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


def save_html(view: dict[str, Any], path: str | Path) -> Path:
    """Write :func:`render_html` of ``view`` to ``path``; returns the absolute path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(view), encoding="utf-8")
    return target.resolve()


_EDGE_COLOURS = {"headOf": "#e15759", "reportsTo": "#4e79a7", "subOrganizationOf": "#f28e2b",
                 "holds": "#b07aa1", "postIn": "#b07aa1", "memberOf": "#9c755f", "troops": "#59a14f"}


def _options(count: int, large: bool) -> dict[str, Any]:
    return {
        "layout": {"improvedLayout": count <= 150},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
        "edges": {"smooth": False if large else {"type": "dynamic"}, "font": {"size": 10, "align": "middle"},
                  "width": 1.5},
        "nodes": {"font": {"size": 14}},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 40 if large else 400, "updateInterval": 10},
            "minVelocity": 1.0,
        },
    }


def _strip_remote(page: str) -> str:
    """Remove pyvis's links to Bootstrap on a CDN and its commented-out node_modules tags."""
    page = re.sub(r"<!--\s*<link[^>]*node_modules.*?-->", "", page, flags=re.S)
    page = re.sub(r"<link\s+href=\"https://[^\"]*\"[^>]*/>", "", page, flags=re.S)
    page = re.sub(r"<script\s+src=\"https://[^\"]*\"[^>]*>\s*</script>", "", page, flags=re.S)
    return page


def _header(view: dict[str, Any]) -> str:
    legend = "".join(
        f'<span class="kg-legend-item"><span class="kg-swatch" style="background:{colour}"></span>{html.escape(name)}</span>'
        for name, (colour, _) in CLASS_STYLE.items())
    counts = f"{len(view['nodes'])} nodes, {len(view['edges'])} edges"
    return f"""<style>
  body {{ margin: 0; font-family: system-ui, sans-serif; }}
  #kg-bar {{ display: flex; gap: 1em; align-items: center; flex-wrap: wrap; padding: 6px 10px;
             border-bottom: 1px solid #ddd; background: #fafafa; font-size: 13px; }}
  #kg-bar h1 {{ font-size: 15px; margin: 0; }}
  .kg-legend-item {{ margin-right: 0.8em; white-space: nowrap; }}
  .kg-swatch {{ display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }}
  .kg-tip {{ max-width: 420px; white-space: normal; font-size: 12px; }}
  .kg-tip b {{ display: block; margin-bottom: 2px; }}
  .kg-tip .kg-ev {{ margin: 4px 0; padding-left: 6px; border-left: 3px solid #ccc; }}
  .kg-tip .kg-src {{ color: #555; font-size: 11px; }}
  #mynetwork {{ height: calc(100vh - 48px) !important; border: none !important; }}
  .card {{ border: none; }}
</style>
<div id="kg-bar">
  <h1 id="kg-title">{html.escape(view['title'])}</h1>
  <span id="kg-counts">{html.escape(counts)}</span>
  <span id="kg-legend">{legend}</span>
  <span><input id="kg-search" type="search" placeholder="Find a name" aria-label="Find a name">
  <button id="kg-search-go" type="button">Find</button> <span id="kg-search-result"></span></span>
</div>"""


# Tooltips are DOM elements filled with textContent: article text is never parsed as HTML.
_SCRIPT = """<script type="text/javascript">
(function () {
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function nodeTip(k) {
    var d = el("div", "kg-tip");
    d.appendChild(el("b", null, k.label));
    d.appendChild(el("div", null, k["class"] + (k.rank ? " · " + k.rank : "") + " · degree " + k.degree));
    if (k.aliases && k.aliases.length) d.appendChild(el("div", null, "Also: " + k.aliases.join(", ")));
    if (k.wikidata) d.appendChild(el("div", "kg-src", k.wikidata));
    return d;
  }
  function edgeTip(k, from, to) {
    var d = el("div", "kg-tip");
    d.appendChild(el("b", null, from + " — " + k.relation + " → " + to));
    (k.evidence || []).forEach(function (ev) {
      var box = el("div", "kg-ev");
      box.appendChild(el("div", null, "“" + ev.sentence + "”"));
      box.appendChild(el("div", "kg-src", [ev.title, ev.date, ev.url].filter(Boolean).join(" · ")));
      d.appendChild(box);
    });
    if (!k.evidence || !k.evidence.length) d.appendChild(el("div", "kg-src", "no sentence recorded"));
    if (k.more) d.appendChild(el("div", "kg-src", "and " + k.more + " more"));
    return d;
  }
  var nodeUpdates = nodes.get().map(function (n) { return {id: n.id, title: nodeTip(n.kg)}; });
  nodes.update(nodeUpdates);
  var edgeUpdates = edges.get().map(function (e) {
    var a = nodes.get(e.from), b = nodes.get(e.to);
    return {id: e.id, title: edgeTip(e.kg, a ? a.kg.label : e.from, b ? b.kg.label : e.to)};
  });
  edges.update(edgeUpdates);
  // Physics stops once the layout has settled, so thousands of nodes do not keep the page busy.
  // Small graphs can settle before this script runs: check the engine's flag as well as the events.
  window.kgStabilized = false;
  function settled() {
    if (window.kgStabilized) return;
    network.setOptions({physics: {enabled: false}});
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
    }
  }
  document.getElementById("kg-search-go").addEventListener("click", function () {
    find(document.getElementById("kg-search").value);
  });
  document.getElementById("kg-search").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") find(this.value);
  });
  var focus = __FOCUS__;
  if (focus.length) network.selectNodes(focus);
})();
</script>"""


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]
