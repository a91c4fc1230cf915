"""The view in a real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import pytest

from conftest import HOSTILE_TITLE
from kg.view import save_html, to_view

pytestmark = pytest.mark.browser

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        yield instance
        instance.close()


def open_page(browser, path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(path.as_uri())
    page.wait_for_function("document.body.getAttribute('data-kg-stabilized') === 'true'", timeout=60_000)
    return page, problems, outside


def test_browser_demo_view_renders(browser, examples_store, tmp_path, artifacts):
    view = to_view(examples_store)
    path = save_html(view, tmp_path / "view.html")
    page, problems, outside = open_page(browser, path)
    assert page.evaluate("nodes.length") == len(view["nodes"])
    assert page.evaluate("edges.length") == len(view["edges"])
    drawn = page.evaluate("Object.keys(network.getPositions()).length")
    assert drawn == len(view["nodes"])
    assert page.evaluate("document.querySelector('#mynetwork canvas') !== null")
    # the whole network fits below the bar, nothing hidden under it or cut off at the bottom
    box = page.evaluate("(() => { const r = document.getElementById('mynetwork').getBoundingClientRect();"
                        " return [r.top, r.bottom, document.getElementById('kg-bar').getBoundingClientRect().bottom];"
                        " })()")
    assert box[0] >= box[2] - 1 and box[1] <= 900 + 1
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "demo-view.png"))
    page.fill("#kg-search", "CENTCOM")
    page.click("#kg-search-go")
    assert page.inner_text("#kg-search-result") == "1 found"
    assert page.evaluate("network.getSelectedNodes().length") == 1
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "demo-view-search.png"))
    assert problems == [] and outside == []


def test_browser_labels_keep_their_size_on_screen_as_the_view_zooms_out(browser, examples_store, tmp_path, artifacts):
    path = save_html(to_view(examples_store), tmp_path / "view.html")
    page, problems, outside = open_page(browser, path)

    def label_px() -> float:  # a node label's height on screen: its font size in graph units times the scale
        return page.evaluate("network.body.nodes[nodes.getIds()[0]].options.font.size * network.getScale()")

    fitted = label_px()
    assert fitted >= 12, fitted
    page.evaluate("network.moveTo({scale: 0.25})")
    page.wait_for_function("document.body.getAttribute('data-kg-label-size') === '52'")
    assert 12 <= label_px() <= 15
    assert page.evaluate("network.body.edges[edges.getIds()[0]].options.font.size") == 0  # edge labels wait
    page.evaluate("network.moveTo({scale: 2.0})")
    page.wait_for_function("document.body.getAttribute('data-kg-label-size') === '14'")
    assert label_px() == 28  # zooming in enlarges them as usual
    assert page.evaluate("network.body.edges[edges.getIds()[0]].options.font.size") >= 10
    page.evaluate("network.moveTo({scale: 0.25})")
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / "zoomed-out-view.png"))
    assert problems == [] and outside == []


def test_browser_details_panel_has_real_article_links(browser, examples_store, tmp_path, artifacts):
    view = to_view(examples_store, focus="CENTCOM", hops=1)
    path = save_html(view, tmp_path / "centcom.html")
    page, problems, outside = open_page(browser, path)
    edge = page.evaluate("edges.get().find(e => e.kg.relation === 'headOf' && e.kg.evidence.some(v => v.url)).id")
    page.evaluate(f"kgShowDetails('edge', {edge!r})")
    links = page.evaluate("[...document.querySelectorAll('#kg-details a')].map(a => [a.href, a.rel, a.target, "
                          "a.textContent])")
    assert links and all(href.startswith("https://example.org/kg-examples/") for href, *_ in links)
    assert all(rel == "noopener noreferrer" and target == "_blank" for _, rel, target, _ in links)
    assert page.is_visible("#kg-details")
    holder = page.evaluate("nodes.get().find(n => n.kg.label === 'Michael Kurilla').id")
    page.evaluate(f"kgShowDetails('node', {holder!r})")
    assert "Commander of US Central Command" in page.inner_text("#kg-details")
    page.evaluate(f"kgShowDetails('edge', {edge!r})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "details-panel.png"))
    page.click("#kg-details-close")
    assert not page.is_visible("#kg-details")
    assert problems == [] and outside == []


@pytest.mark.parametrize(("name", "options"), [
    ("hierarchy-view", {"layout": "hierarchy"}),
    ("posts-view", {"posts": True, "focus": "US Central Command", "hops": 2}),
    ("isolated-view", {"relations": ["headOf", "reportsTo"], "isolated": True}),
])
def test_browser_view_variants_render(browser, examples_store, tmp_path, artifacts, name, options):
    view = to_view(examples_store, **options)
    path = save_html(view, tmp_path / f"{name}.html")
    page, problems, outside = open_page(browser, path)
    assert page.evaluate("Object.keys(network.getPositions()).length") == len(view["nodes"])
    if options.get("layout") == "hierarchy":
        positions = page.evaluate("network.getPositions()")
        esper = next(n["id"] for n in view["nodes"] if n["label"] == "Mark Esper")
        white = next(n["id"] for n in view["nodes"] if n["label"] == "Pat White")
        assert positions[esper]["y"] < positions[white]["y"]  # the superior is drawn above
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / f"{name}.png"))
    assert problems == [] and outside == []


def test_browser_chart_panel_and_chart_page(browser, examples_store, tmp_path, artifacts):
    from kg.chart import save_chart, troop_series

    path = save_html(to_view(examples_store), tmp_path / "view.html")
    page, problems, outside = open_page(browser, path)
    assert not page.is_visible("#kg-chart")
    page.click("#kg-tab-chart")
    assert page.is_visible("#kg-chart svg") and not page.is_visible("#mynetwork")
    width = page.evaluate("document.querySelector('#kg-chart svg').getBoundingClientRect().width")
    assert width > 600
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "chart-panel.png"))
    page.click("#kg-tab-network")
    assert page.is_visible("#mynetwork") and not page.is_visible("#kg-chart")
    assert problems == [] and outside == []
    chart = save_chart(troop_series(examples_store), tmp_path / "troops.html")
    standalone = browser.new_page(viewport={"width": 1100, "height": 900})
    fetched: list[str] = []
    standalone.on("request", lambda r: fetched.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    standalone.goto(chart.as_uri())
    assert standalone.locator("svg").count() == 1 and standalone.locator("tbody tr").count() == 13
    standalone.screenshot(path=str(artifacts / "chart-page.png"), full_page=True)
    assert fetched == []


def test_browser_hostile_text_shows_literally_and_never_runs(browser, hostile_store, tmp_path, artifacts):
    view = to_view(hostile_store, title=HOSTILE_TITLE)
    path = save_html(view, tmp_path / "hostile.html")
    page, problems, outside = open_page(browser, path)
    assert page.evaluate("window.kgPwned === undefined")
    assert page.inner_text("#kg-title") == view["title"]
    assert "<script>" in page.title()
    tooltip = page.evaluate("""(() => { const e = edges.get().find(e => e.kg.relation === 'troops');
                                       return e.title.textContent; })()""")
    assert "<script>window.kgPwned=3</script>" in tooltip and HOSTILE_TITLE in tooltip
    troops = page.evaluate("edges.get().find(e => e.kg.relation === 'troops').id")
    page.evaluate(f"kgShowDetails('edge', {troops!r})")
    assert "<script>window.kgPwned=3</script>" in page.inner_text("#kg-details")
    # the article's javascript: URL is not a link anywhere
    assert page.evaluate("[...document.querySelectorAll('a')].filter(a => !/^https?:/.test(a.href)).length") == 0
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("window.kgPwned === undefined")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "hostile-view.png"))
    assert problems == [] and outside == []


def test_browser_five_thousand_nodes_settle_and_draw(browser, tmp_path):
    # the time is measured by `make bench` (bench/view.py); here: it settles at all, and draws every node
    import sys

    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "bench"))
    from view import synthetic_view

    view = synthetic_view(5000)
    path = save_html(view, tmp_path / "big.html")
    page, problems, outside = open_page(browser, path)
    assert page.evaluate("Object.keys(network.getPositions()).length") == 5000
    assert page.evaluate("network.physics.physicsEnabled") is False
    assert problems == [] and outside == []
