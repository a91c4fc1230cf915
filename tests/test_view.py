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


def test_view_posts_fold_into_the_holders_tooltip(examples_store):
    view = to_view(examples_store)
    assert not [n for n in view["nodes"] if n["class"] == "Post"]
    assert not [e for e in view["edges"] if e["relation"] in ("holds", "postIn")]
    esper = next(n for n in view["nodes"] if n["label"] == "Mark Esper")
    assert "Secretary of Defense" in esper["posts"]
    with_posts = to_view(examples_store, posts=True)
    assert [n for n in with_posts["nodes"] if n["class"] == "Post"]
    assert {"holds", "postIn"} <= {e["relation"] for e in with_posts["edges"]}


def test_view_isolated_nodes_hidden_unless_asked(examples_store):
    for relations in (None, ["headOf", "reportsTo"]):
        view = to_view(examples_store, relations=relations)
        linked = {e["from"] for e in view["edges"]} | {e["to"] for e in view["edges"]}
        assert {n["id"] for n in view["nodes"]} == linked, relations
    narrow = to_view(examples_store, relations=["headOf", "reportsTo"], isolated=True)
    assert len(narrow["nodes"]) > len(to_view(examples_store, relations=["headOf", "reportsTo"])["nodes"])
    assert any(n["degree"] == 0 for n in narrow["nodes"])


def test_view_hierarchy_puts_superiors_above(examples_store):
    from kg.view import hierarchy_layout

    view = to_view(examples_store, layout="hierarchy")
    assert {e["relation"] for e in view["edges"]} == {"headOf", "reportsTo", "subOrganizationOf"}
    positions = hierarchy_layout(view)
    assert set(positions) == {n["id"] for n in view["nodes"]} and positions == hierarchy_layout(view)
    assert len(set(positions.values())) == len(positions)  # nobody on top of anybody
    label = {n["id"]: n["label"] for n in view["nodes"]}
    pairs = [(e["to"], e["from"], e["relation"]) if e["relation"] != "headOf" else (e["from"], e["to"], "headOf")
             for e in view["edges"]]
    cycles = [c for c in nx.strongly_connected_components(nx.DiGraph([(u, v) for u, v, _ in pairs])) if len(c) > 1]
    assert any(r == "subOrganizationOf" for _, _, r in pairs)
    for upper, lower, relation in pairs:
        if any(upper in c and lower in c for c in cycles):
            continue  # where the sources make a cycle, both share a row
        assert positions[upper][1] < positions[lower][1], f"{label[upper]} is not above {label[lower]} ({relation})"
    with pytest.raises(KgError, match="unknown layout"):
        to_view(examples_store, layout="circle")


def test_view_legend_shows_shape_and_colour_per_class_and_colour_per_relation(examples_store):
    from kg.view import CLASS_STYLE, RELATION_COLOURS

    view = to_view(examples_store)
    page = render_html(view)
    legend = page[page.index('id="kg-legend"'):page.index('id="kg-search"')]
    classes = {n["class"] for n in view["nodes"]}
    for name in classes:
        colour, _ = CLASS_STYLE[name]
        item = re.search(rf'data-kg-class="{name}"><svg[^>]*fill="{colour}"[^>]*>(<[^>]+>)</svg>', legend)
        assert item, name
    shapes = re.findall(r'data-kg-class="\w+"><svg[^>]*>(<[^>]+>)</svg>', legend)
    assert len(set(shapes)) == len(shapes) == len(classes)  # each class its own shape
    for relation in {e["relation"] for e in view["edges"]}:
        assert f'data-kg-relation="{relation}"><svg width="22" height="10" aria-hidden="true"><line x1="1" y1="5" ' \
               f'x2="21" y2="5" stroke="{RELATION_COLOURS[relation]}"' in legend, relation
    assert "Post" not in legend and 'data-kg-relation="holds"' not in legend  # only what is drawn


def test_view_links_are_http_only(examples_store, hostile_store):
    from kg.view import safe_url

    assert safe_url("javascript:alert(1)") == "" and safe_url("data:text/html,x") == ""
    assert safe_url("https://example.org/kg-examples/x") == "https://example.org/kg-examples/x"
    urls = {ev["url"] for e in to_view(examples_store)["edges"] for ev in e["evidence"]}
    assert urls and all(u == "" or u.startswith("https://") for u in urls)
    hostile = to_view(hostile_store)
    assert {ev["url"] for e in hostile["edges"] for ev in e["evidence"]} == {""}
    assert "javascript:alert" not in render_html(hostile)


def test_view_page_has_the_chart_panel(examples_store):
    view = to_view(examples_store)
    assert {(s["sender"], s["host"]) for s in view["troops"]} >= {("United States", "Iraq"), ("France", "Sahel")}
    page = render_html(view)
    assert 'id="kg-chart"' in page and 'id="kg-tab-chart"' in page and "<svg" in page
    bare = render_html(to_view(examples_store, chart=False))
    assert 'id="kg-chart"' not in bare and 'id="kg-tab-chart"' not in bare


def test_view_save_html_creates_no_folder(examples_store, tmp_path):
    from kg.view import save_html

    with pytest.raises(KgError, match="does not exist"):
        save_html(to_view(examples_store), tmp_path / "missing" / "v.html")
    assert not (tmp_path / "missing").exists()
