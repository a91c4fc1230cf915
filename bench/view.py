"""How long a large view takes to settle in headless Chromium (part of ``make bench``, not a test).

    python bench/view.py [NODES...]        (default 5000)

Builds a synthetic view of NODES entities (a chain-of-command-like tree plus cross links, about 1.2
edges per node), writes it with :func:`kg.view.save_html`, opens it three times in Debian's
chromium through Playwright and prints the median time from navigation until the page marks itself
settled (``data-kg-stabilized``: physics done and switched off).
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.view import save_html

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def synthetic_view(count: int, seed: int = 7) -> dict:
    """A view dict of ``count`` nodes: each links to one of the 200 before it, plus random links."""
    rnd = random.Random(seed)
    kinds = ["Person"] * 5 + ["MilitaryUnit"] * 3 + ["Organization", "Country", "Post"]
    nodes = [{"id": f"n{i}", "label": f"Entity {i}", "class": rnd.choice(kinds), "aliases": [], "degree": 0}
             for i in range(count)]
    edges = [{"from": f"n{i}", "to": f"n{rnd.randrange(max(0, i - 200), i)}", "evidence": [],
              "relation": rnd.choice(["headOf", "reportsTo", "subOrganizationOf", "holds"])} for i in range(1, count)]
    for _ in range(count // 5):
        a, b = rnd.randrange(count), rnd.randrange(count)
        if a != b:
            edges.append({"from": f"n{a}", "to": f"n{b}", "relation": "troops", "evidence": []})
    degree: dict[str, int] = {}
    for edge in edges:
        for end in (edge["from"], edge["to"]):
            degree[end] = degree.get(end, 0) + 1
    for node in nodes:
        node["degree"] = degree.get(node["id"], 0)
    return {"title": f"{count} nodes", "nodes": nodes, "edges": edges}


def settle_seconds(path: Path, chromium: str, runs: int = 3) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("document.body.getAttribute('data-kg-stabilized') === 'true'", timeout=300_000)
            times.append(time.perf_counter() - started)
            page.close()
        browser.close()
    return times


def main(sizes: list[int]) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("view settle time: skipped, no chromium (apt-get install chromium)")
        return
    folder = Path(tempfile.mkdtemp(prefix="kg-view-"))
    for size in sizes:
        path = save_html(synthetic_view(size), folder / f"view-{size}.html")
        times = settle_seconds(path, chromium)
        print(f"  view of {size:,} nodes: settles in {statistics.median(times):.2f} s in headless Chromium "
              f"(median of {len(times)}; page {path.stat().st_size // 1024:,} KB)", flush=True)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5000])
