"""kg chart troops: the dated troop counts as series, drawn by matplotlib as SVG, PNG or an HTML page."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.chart import Series, render_svg, save_chart, troop_series
from kg.cli import main
from kg.errors import KgError


def test_chart_series_are_the_dated_counts(examples_store):
    series = {(s.sender, s.host): s.points for s in troop_series(examples_store)}
    assert series[("United States", "Germany")] == [("2020-07-29", 36000, "some"), ("2022-07-01", 35000, "some")]
    assert series[("France", "Sahel")] == [("2021-06-10", 5100, "about")]
    assert all(points == sorted(points) for points in series.values())


def test_chart_svg_is_deterministic_and_labelled(examples_store):
    series = troop_series(examples_store)
    first = render_svg(series)
    assert first == render_svg(series) and first.startswith("<svg")
    assert "United States in Germany" in first and "Troop counts over time" in first
    assert "<script" not in first


def test_chart_names_are_text_not_markup_or_mathematics():
    hostile = [Series("<script>x</script>", "A $b$ & c", [("2020-01-01", 10, "")])]
    svg = render_svg(hostile)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "$b$" in svg


@pytest.mark.parametrize("suffix", [".svg", ".png", ".html"])
def test_chart_cli_writes_each_format(examples_store, tmp_path, suffix):
    out = tmp_path / f"troops{suffix}"
    path = save_chart(troop_series(examples_store), out)
    data = out.read_bytes()
    assert path == out.resolve() and len(data) > 5000
    assert data.startswith({".svg": b"<svg", ".png": b"\x89PNG", ".html": b"<!DOCTYPE html>"}[suffix])


def test_chart_cli(tmp_path):
    from conftest import EXAMPLES

    store = tmp_path / "s"
    CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(store)], catch_exceptions=False)
    result = CliRunner().invoke(main, ["chart", "troops", "--store", str(store), "-o", str(tmp_path / "t.html")],
                                catch_exceptions=False)
    assert result.exit_code == 0 and result.stdout.startswith("11 series, 13 counts -> ")
    page = (tmp_path / "t.html").read_text()
    assert "<td>France</td><td>Sahel</td><td>2021-06-10</td>" in page and "src=" not in page


def test_chart_empty_store_and_bad_suffix(tmp_path):
    from kg.store import Store

    svg = render_svg(troop_series(Store()))
    assert "no dated troop counts" in svg
    with pytest.raises(KgError, match="cannot tell the chart format"):
        save_chart([], tmp_path / "t.pdf")
