"""Charts of the stored graph: troop counts over time, one line per sending and host country.

Convert first, render second, as in :mod:`kg.view`: :func:`troop_series` reads the store into plain
:class:`Series`; :func:`render_svg` and :func:`save_chart` draw them with matplotlib (its object API,
no pyplot state and no display needed). The SVG is deterministic (fixed ids, no date), so the same
store always gives the same bytes, and it is what the view embeds as its second panel.
"""

from __future__ import annotations

import datetime
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.storedir import output_file

CHART_FORMATS = (".html", ".svg", ".png")
#: At most this many lines are drawn (the pairs with the most counts); the rest are named in a note.
MAX_SERIES = 12

_TROOPS = """
SELECT DISTINCT ?sender ?host ?count ?asOf ?qualifier WHERE {
  ?d a kgo:TroopDeployment ; kgo:sendingCountry ?s ; kgo:hostCountry ?h ; kgo:troopCount ?count ; kgo:asOf ?asOf .
  ?s rdfs:label ?sender . ?h rdfs:label ?host .
  OPTIONAL { ?d kgo:countQualifier ?qualifier }
}"""


@dataclass
class Series:
    """The dated troop counts of one sending country in one host country, oldest first."""

    sender: str
    host: str
    points: list[tuple[str, int, str]] = field(default_factory=list)  # (YYYY-MM-DD, count, qualifier)

    @property
    def label(self) -> str:
        return f"{self.sender} in {self.host}"


def troop_series(store: Any) -> list[Series]:
    """Every dated troop count in the store, grouped by (sender, host), sorted by host then sender.

    >>> from kg.store import Store
    >>> troop_series(Store())
    []
    """
    found: dict[tuple[str, str], Series] = {}
    for row in store.query(_TROOPS):
        day = row["asOf"].value[:10]
        try:
            datetime.date.fromisoformat(day)
        except ValueError:  # a count without a usable date cannot be placed on a time axis
            continue
        key = (row["sender"].value, row["host"].value)
        series = found.setdefault(key, Series(*key))
        qualifier = row["qualifier"].value if row["qualifier"] is not None else ""
        series.points.append((day, int(row["count"].value), qualifier))
    for series in found.values():
        series.points.sort()
    return [found[key] for key in sorted(found, key=lambda k: (k[1], k[0]))]


def _drawn(series: list[Series]) -> tuple[list[Series], list[Series]]:
    ranked = sorted(series, key=lambda s: (-len(s.points), -max(p[1] for p in s.points), s.host, s.sender))
    kept = {id(s) for s in ranked[:MAX_SERIES]}
    return [s for s in series if id(s) in kept], [s for s in series if id(s) not in kept]


def _figure(series: list[Series]) -> Any:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    drawn, rest = _drawn(series)
    figure = Figure(figsize=(9.5, 4.8), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    for index, line in enumerate(drawn):
        days: Any = [datetime.date.fromisoformat(p[0]) for p in line.points]  # matplotlib's date units
        counts = [p[1] for p in line.points]
        # matplotlib reads $...$ as mathematics: names from articles are plain text
        axes.plot(days, counts, marker="o", linewidth=2, markersize=6, color=f"C{index % 10}",
                  linestyle="-" if index < 10 else "--", label=line.label.replace("$", r"\$"))
    axes.set_title("Troop counts over time, by sending and host country", loc="left", fontsize=12)
    axes.set_ylabel("troops")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}"))
    axes.grid(True, color="#e5e5e5")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if drawn:
        locator = AutoDateLocator()  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    else:
        axes.text(0.5, 0.5, "no dated troop counts in the store", ha="center", va="center",
                  transform=axes.transAxes, color="#666666")
    if rest:
        figure.text(0.01, 0.005, f"and {len(rest)} more pairs of countries not drawn", fontsize=8, color="#666666")
    return figure


def render_svg(series: list[Series]) -> str:
    """The chart as an SVG document (text as text, deterministic ids, no timestamp)."""
    from matplotlib import rc_context

    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": "kg-chart", "svg.fonttype": "none", "svg.id": "kg-chart-svg"}):
        _figure(series).savefig(buffer, format="svg", metadata={"Date": None, "Creator": "kg"})
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # no XML prologue or doctype: the same text can sit inside HTML


def render_png(series: list[Series]) -> bytes:
    """The chart as a PNG image (100 dpi, twice that for sharp screens)."""
    buffer = io.BytesIO()
    _figure(series).savefig(buffer, format="png", dpi=200, metadata={"Software": None})
    return buffer.getvalue()


def render_chart_html(series: list[Series], *, title: str = "Troop counts over time") -> str:
    """A self-contained page: the SVG chart and the same numbers as a table (nothing fetched)."""
    rows = "".join(
        f"<tr><td>{html.escape(s.sender)}</td><td>{html.escape(s.host)}</td><td>{html.escape(day)}</td>"
        f"<td class=n>{html.escape(qualifier)} {count:,}</td></tr>"
        for s in series for day, count, qualifier in s.points)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }}
  table {{ border-collapse: collapse; font-size: 13px; margin-top: 1em; }}
  td, th {{ padding: 3px 10px; border-bottom: 1px solid #e5e5e5; text-align: left; }}
  td.n {{ text-align: right; }}
  svg {{ max-width: 100%; height: auto; }}
</style></head>
<body>
<h1 style="font-size:18px">{html.escape(title)}</h1>
{render_svg(series)}
<table><thead><tr><th>sender</th><th>host</th><th>as of</th><th>troops</th></tr></thead>
<tbody>{rows}</tbody></table>
</body></html>
"""


def save_chart(series: list[Series], path: str | Path) -> Path:
    """Write the chart to ``path``, as .html, .svg or .png by its suffix; returns the absolute path.

    Raises:
        KgError: another suffix, or the folder of ``path`` does not exist.
    """
    target = output_file(path)
    suffix = target.suffix.lower()
    if suffix == ".png":
        target.write_bytes(render_png(series))
    elif suffix == ".svg":
        target.write_text(render_svg(series), encoding="utf-8")
    elif suffix == ".html":
        target.write_text(render_chart_html(series), encoding="utf-8")
    else:
        raise KgError(f"cannot tell the chart format from {target.suffix or 'no suffix'!r}", source=str(target),
                      hint="name the file .html, .svg or .png")
    return target.resolve()
