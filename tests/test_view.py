"""The view: the view dict, networkx conversion, and a page that needs no network and escapes text."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from conftest import HOSTILE_TITLE
from kg.errors import KgError
from kg.view import render_html, to_networkx, to_view


def test_view_dict_has_nodes_edges_and_evidence(examples_store):
    view = to_view(examples_store)
    labels = {n["label"] for n in view["nodes"]}
    assert {"Frank McKenzie", "US Central Command", "Iraq"} <= labels
    head = [e for e in view["edges"] if e["relation"] == "headOf"]
    assert head and all(e["evidence"] for e in head)
    troops = [e for e in view["edges"] if e["relation"] == "troops"]
    assert any(e["label"].startswith("about 5,000 troops") for e in troops)


def test_view_focus_and_relations(examples_store):
    view = to_view(examples_store, focus="CENTCOM", hops=1, relations=["headOf"])
    assert {e["relation"] for e in view["edges"]} == {"headOf"}
    assert {n["label"] for n in view["nodes"]} == {"US Central Command", "Frank McKenzie", "Michael Kurilla"}
    with pytest.raises(KgError, match="no entity named"):
        to_view(examples_store, focus="Atlantis")
    with pytest.raises(KgError, match="unknown relation kind"):
        to_view(examples_store, relations=["likes"])


def test_view_construct_drives_edges(examples_store):
    view = to_view(examples_store, construct="CONSTRUCT { ?a org:reportsTo ?b } WHERE { ?a org:reportsTo ?b }")
    assert view["edges"] and {e["relation"] for e in view["edges"]} == {"reportsTo"}


def test_view_networkx_graph(examples_store):
    graph = to_networkx(examples_store)
    assert isinstance(graph, nx.MultiDiGraph)
    labels = nx.get_node_attributes(graph, "label")
    white = next(n for n, label in labels.items() if label == "Pat White")
    assert any(d["relation"] == "reportsTo" for _, _, d in graph.out_edges(white, data=True))


def test_view_page_is_offline(examples_store):
    page = render_html(to_view(examples_store))
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page)
    assert not [r for r in references if re.match(r"(?:https?:)?//", r)], references
    assert "cdn.jsdelivr" not in page and "node_modules" not in page
    assert "vis.Network" in page


def test_view_page_escapes_article_text(hostile_store):
    page = render_html(to_view(hostile_store, title=HOSTILE_TITLE))
    assert "<script>window.kgPwned" not in page
    assert "<img src=x" not in page
    assert "\\u003cscript\\u003e" in page  # the text is there, as escaped JSON data


def test_view_radial_layout_places_every_node_deterministically():
    from kg.view import radial_layout

    view = {"nodes": [{"id": n} for n in "abcdef"],
            "edges": [{"from": "a", "to": "b"}, {"from": "a", "to": "c"}, {"from": "d", "to": "e"}]}
    first = radial_layout(view)
    assert set(first) == set("abcdef") and first == radial_layout(view)
    assert len(set(first.values())) == 6  # nobody on top of anybody
