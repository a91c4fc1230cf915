"""Real inputs: web pages with boilerplate, web archives, feeds, languages, near copies, bad records.

Every page, feed and archive here is written by us (tests/data/inputs/); the WARC files are written
by the tests with warcio from those pages.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import ROOT
from kg.cli import main
from kg.dedup import DEFAULT_THRESHOLD, NearDuplicates
from kg.extract import extract
from kg.model import Document
from kg.pipeline import build
from kg.resolve import resolve_entities
from kg.sources import ReadLog, ReadOptions, read_documents
from kg.store import Store

INPUTS = ROOT / "tests" / "data" / "inputs"
PAGES = INPUTS / "pages"
FEEDS = INPUTS / "feeds"
DEDUP = INPUTS / "dedup"
LANGUAGES = INPUTS / "languages"

# per page: where its article is, and the people only its boilerplate names
BOILERPLATE = {
    "sixth-fleet-change-of-command.html": (
        "//article//h1 | //article//p",
        {"Thomas Brandt", "Marcus Webb", "Sara Okafor", "Hugh Barton", "Ann Whitfield", "Peter Lindqvist",
         "Ruth Calloway"}),
    "baltic-battlegroup-rotation.html": (
        "//h1[@class='entry-title'] | //div[@class='entry-content']/p",
        {"Lars Ekholm", "Henrik Vale", "Fiona Grant", "Kristjan Saar", "Colin Dunbar", "Helen Frost",
         "John Keel"}),
}


def facts(document: Document) -> tuple[set[tuple[str, str]], set[tuple[str, str, str, int | None]]]:
    """The entities (kind, label) and relations (kind, subject, object, count) of one article."""
    resolved = resolve_entities(extract(document))
    entities = {(e.kind, e.label) for e in resolved.entities.values()}
    relations = {(r.kind, r.subject.name, r.object.name if r.object else r.post.label if r.post else "", r.count)
                 for r in resolved.relations}
    return entities, relations


def values(store: Store, sparql: str) -> list[tuple[str, ...]]:
    """A SELECT's rows as tuples of plain strings."""
    return [tuple(term.value if term is not None else "" for term in row) for row in store.query(sparql)]


def text_of(path: Path, xpath: str) -> str:
    tree = lxml.html.fromstring(path.read_bytes())
    return "\n\n".join(" ".join(node.text_content().split()) for node in tree.xpath(xpath))


@pytest.mark.parametrize("name", sorted(BOILERPLATE))
def test_inputs_no_entity_or_relation_from_boilerplate(name):
    path = PAGES / name
    xpath, boilerplate_people = BOILERPLATE[name]
    [document] = read_documents([path])
    page_entities, page_relations = facts(document)
    # what the article itself states, read from its own elements
    body_entities, body_relations = facts(Document(id="body", text=text_of(path, xpath)))
    assert page_entities == body_entities
    assert page_relations == body_relations
    assert not {label for _, label in page_entities} & boilerplate_people
    # the boilerplate is not harmless: read as text, it states people and relations of its own
    everything = Document(id="all", text=text_of(path, "//body//*[not(*)] | //body//p"))
    all_entities, all_relations = facts(everything)
    assert boilerplate_people <= {label for _, label in all_entities}
    assert len(all_relations) > len(page_relations)


def test_inputs_page_metadata_through_trafilatura():
    by_id = {d.id: d for d in read_documents([PAGES])}
    fleet = by_id["sixth-fleet-change-of-command"]
    assert fleet.title == "Vice Admiral Karen Holt takes command of US Sixth Fleet"
    assert fleet.published == "2024-03-08"
    assert fleet.url == "https://news.example.org/navy/2024/03/sixth-fleet-change-of-command"
    assert fleet.language == "en"
    assert (fleet.author, fleet.publisher) == ("Dana Whitcombe", "Harbour Defence Daily")
    assert fleet.text.startswith(fleet.title + "\n\nVice Admiral Karen Holt took command")
    for noise in ("cookies", "Sign up", "Trending", "Related stories", "seadog1988", "All rights reserved"):
        assert noise not in fleet.text
    baltic = by_id["baltic-battlegroup-rotation"]
    assert baltic.published == "2023-10-02" and baltic.title == "British battlegroup in Estonia rotates"
    assert baltic.url == "https://flank.example.net/2023/10/02/estonia-battlegroup-rotation/"


def test_inputs_page_without_article_is_skipped_and_counted(tmp_path):
    store = Store(tmp_path / "store")
    report = build([PAGES], store)
    assert sorted(report.added) == ["baltic-battlegroup-rotation", "sixth-fleet-change-of-command"]
    assert report.reading.no_body == 1
    assert report.reading.warnings == [f"{PAGES / 'section-front-page.html'}: no article text found in the page, skipped"]
    assert "1 without article text skipped" in report.summary()
    labels = {row[0] for row in values(store,
        "SELECT ?l WHERE { ?p a foaf:Person ; skos:altLabel ?l }")}
    assert {"Karen Holt", "Owen Pritchard"} <= labels
    assert not labels & set().union(*(people for _, people in BOILERPLATE.values()))


def write_warc(path: Path, records: list[tuple[str, str, str, bytes]], date: str = "2024-03-09T06:00:00Z") -> None:
    """A WARC (gzipped per record when the name ends in .gz) of (uri, status, content type, body)."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "kg tests"}))
        for uri, status, kind, body in records:
            http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          http_headers=http, warc_headers_dict={"WARC-Date": date}))
            writer.write_record(writer.create_warc_record(uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


def archive_records() -> list[tuple[str, str, str, bytes]]:
    fleet = (PAGES / "sixth-fleet-change-of-command.html").read_bytes()
    baltic = (PAGES / "baltic-battlegroup-rotation.html").read_bytes()
    # without a canonical link or a date of its own, the capture's URI and WARC-Date are the article's
    undated = baltic.replace(b'<link rel="canonical" href="https://flank.example.net/2023/10/02/estonia-battlegroup-rotation/">', b"")
    undated = undated.replace(b"2023-10-02", b"").replace(b"2023/10/02", b"")
    undated = undated.replace(b"Posted on 2 October 2023 by", b"Posted by").replace(b"Monday 2 October 2023", b"")
    return [
        ("https://news.example.org/navy/2024/03/sixth-fleet-change-of-command", "200 OK", "text/html; charset=utf-8", fleet),
        ("https://news.example.org/missing", "404 Not Found", "text/html", b"<html><body><p>Not found</p></body></html>"),
        ("https://news.example.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        ("https://flank.example.net/estonia", "200 OK", "text/html", undated),
        ("https://news.example.org/navy", "200 OK", "text/html", (PAGES / "section-front-page.html").read_bytes()),
    ]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_inputs_warc_reads_html_200_responses_with_uri_and_date(tmp_path, name):
    path = tmp_path / name
    write_warc(path, archive_records())
    log = ReadLog()
    documents = list(read_documents([path], log=log))
    assert [d.url for d in documents] == ["https://news.example.org/navy/2024/03/sixth-fleet-change-of-command",
                                          "https://flank.example.net/estonia"]
    assert [d.published for d in documents] == ["2024-03-08", "2024-03-09"]  # the page's date, else the capture's
    assert documents[1].title == "British battlegroup in Estonia rotates"
    assert all(d.source and d.source.startswith(f"{path}@") for d in documents)
    assert log.no_body == 1 and "https://news.example.org/navy" in log.warnings[0]
    assert facts(documents[0]) == facts(next(read_documents([PAGES / "sixth-fleet-change-of-command.html"])))


@pytest.mark.parametrize("name", ["cut.warc.gz", "cut.warc"])
def test_inputs_truncated_warc_record_is_skipped_with_its_offset(tmp_path, name):
    whole = tmp_path / ("whole" + name[3:])
    write_warc(whole, archive_records()[:1] * 3)
    data = whole.read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[:len(data) - 900])
    log = ReadLog()
    documents = list(read_documents([cut], log=log, options=ReadOptions(dedup_threshold=None)))
    assert len(documents) == 2
    [warning] = log.warnings
    offset = int(documents[1].source.rsplit("@", 1)[1])
    assert warning.startswith(f"{cut}: record at offset ")
    assert int(warning.split("offset ")[1].split()[0]) > offset
    assert "truncated or corrupt" in warning


def test_inputs_corrupt_warc_member_is_skipped_with_a_warning(tmp_path):
    path = tmp_path / "bad.warc.gz"
    write_warc(path, archive_records()[:1] * 3)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    log = ReadLog()
    documents = list(read_documents([path], log=log, options=ReadOptions(dedup_threshold=None)))
    assert 1 <= len(documents) < 3
    assert len(log.warnings) == 1 and "truncated or corrupt" in log.warnings[0]
    assert str(path) in log.warnings[0] and "\\x" not in log.warnings[0]


def test_inputs_warc_build_through_the_cli(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, archive_records())
    result = CliRunner().invoke(main, ["build", str(path), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 added, 0 replaced, 0 unchanged;")
    assert "1 without article text skipped" in result.stdout
    assert result.stderr.startswith(f"warning: {path}: record at offset ")


def test_inputs_feeds_rss_atom_and_rss1_as_one_corpus():
    log = ReadLog()
    by_title = {d.title: d for d in read_documents([FEEDS], log=log)}
    assert set(by_title) == {"Air Marshal Kate Rowley appointed Chief of Joint Operations", "Minehunters return to Rosyth",
                             "New commander for US Forces Japan", "Exercise ends in Guam", "Italy to lead KFOR again"}
    rowley = by_title["Air Marshal Kate Rowley appointed Chief of Joint Operations"]
    assert rowley.url == "https://mod.example.gov/news/2024/05/chief-of-joint-operations"
    assert rowley.published == "2024-05-02"
    assert (rowley.author, rowley.publisher) == ("Press Office", "Ministry of Defence (example) - News")
    assert "Permanent Joint Headquarters" in rowley.text  # content:encoded, not the one-line description
    japan = by_title["New commander for US Forces Japan"]
    assert japan.published == "2024-06-19" and "Share" not in japan.text and "<p>" not in japan.text
    assert by_title["Exercise ends in Guam"].published == "2024-06-12"  # Atom's updated, without published
    assert by_title["Italy to lead KFOR again"].url == "https://briefings.example.org/2024/03/kfor"
    assert log.warnings == [f"{FEEDS / 'ministry-news.rss'}: entry 3 (Statement) has no text, skipped"]
    entities, relations = facts(japan)
    assert ("troops", "Japan", "Japan", 54000) not in relations
    assert ("Person", "Noah Keller") in entities


def test_inputs_not_a_feed_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_text("<urlset><url><loc>https://example.org/</loc></url></urlset>")
    with pytest.raises(Exception) as caught:
        list(read_documents([path]))
    assert str(caught.value).startswith(f"{path}: not an RSS or Atom feed")


def test_inputs_languages_are_identified_skipped_and_recorded(tmp_path):
    store = Store(tmp_path / "store")
    report = build([LANGUAGES], store)
    assert report.added == ["english-short-note"]
    assert report.languages == {"fr": 1, "ru": 1}
    assert "2 not in English skipped (fr 1, ru 1)" in report.summary()
    kept = Store(tmp_path / "kept")
    build([LANGUAGES], kept, any_language=True)
    rows = sorted(values(kept,
        "SELECT ?id ?lang WHERE { GRAPH ?g { ?g dcterms:identifier ?id ; dcterms:language ?lang } }"))
    assert rows == [("brigade-franco-allemande", "fr"), ("english-short-note", "und"), ("flot-kaspiy", "ru")]


def pairs() -> list[tuple[str, str, bool]]:
    lines = (DEDUP / "pairs.tsv").read_text().splitlines()
    return [(a, b, label == "1") for a, b, label in (line.split("\t") for line in lines if not line.startswith("#"))]


def test_inputs_dedup_precision_and_recall_on_our_pairs():
    articles = {record["id"]: record for record in map(json.loads, (DEDUP / "articles.jsonl").read_text().splitlines())}
    found = []
    for first, second, is_copy in pairs():
        finder = NearDuplicates(DEFAULT_THRESHOLD)
        finder.original_of(first, articles[first]["text"], articles[first]["title"])
        found.append((finder.original_of(second, articles[second]["text"], articles[second]["title"]) == first, is_copy))
    true_positive = sum(f and c for f, c in found)
    precision = true_positive / max(1, sum(f for f, _ in found))
    recall = true_positive / sum(c for _, c in found)
    assert (precision, recall) == (1.0, 1.0)
    assert sum(not c for _, c in found) >= 5  # template stories and a same-event follow-up among them


def test_inputs_copies_are_linked_not_extracted(tmp_path):
    store = Store(tmp_path / "store")
    report = build([DEDUP / "articles.jsonl"], store)
    assert report.duplicates == 4
    assert "4 near-duplicates linked to their original" in report.summary()
    links = sorted(values(store,
        "SELECT ?copy ?original ?url ?date WHERE { GRAPH ?g { ?g dcterms:isVersionOf ?o ; dcterms:identifier ?copy ;"
        " dcterms:source ?url ; dcterms:date ?date } GRAPH ?o { ?o dcterms:identifier ?original } }"))
    assert [(c, o) for c, o, _, _ in links] == [("wire-a-copy-1", "wire-a"), ("wire-a-copy-2", "wire-a"),
                                                 ("wire-b-copy-1", "wire-b"), ("wire-c-copy-1", "wire-c")]
    assert links[1][3] == "2023-09-14"  # each copy keeps its own date and URL as a source
    assert len({url for _, _, url, _ in links}) == 4
    copies_say = values(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g dcterms:isVersionOf ?o . ?a kgo:statedIn ?g } }")
    assert int(copies_say[0][0]) == 0
    # evidence and confidence do not grow with copies: the same as from the originals alone
    originals = tmp_path / "originals.jsonl"
    originals.write_text("".join(line + "\n" for line in (DEDUP / "articles.jsonl").read_text().splitlines()
                                 if "-copy-" not in json.loads(line)["id"]))
    alone = Store(tmp_path / "alone")
    build([originals], alone)
    evidence = ("SELECT ?s ?p ?o (COUNT(?a) AS ?n) (MAX(?c) AS ?conf) WHERE { ?a a kgo:Assertion ; rdf:subject ?s ;"
                " rdf:predicate ?p ; rdf:object ?o ; kgo:confidence ?c } GROUP BY ?s ?p ?o ORDER BY ?s ?p ?o")
    assert values(store, evidence) == values(alone, evidence)
    assert values(store, evidence)
    # and with detection off, each copy counts again
    independent = Store(tmp_path / "independent")
    build([DEDUP / "articles.jsonl"], independent, reading=ReadOptions(dedup_threshold=None))
    assert len(values(independent, evidence)) >= len(values(store, evidence))
    assert sum(int(r[3]) for r in values(independent, evidence)) > sum(int(r[3]) for r in values(store, evidence))


def test_inputs_skip_invalid_lists_each_record_and_exits_1(tmp_path):
    good = {"id": "ok1", "text": "About 5,000 US troops are in Iraq, the ministry said on Monday."}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(json.dumps(good) + "\n{broken\n" + json.dumps({"title": "no text"}) + "\n")
    (tmp_path / "in" / "b.txt").write_bytes(b"\x00\x01binary")
    store = tmp_path / "store"
    refused = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--store", str(store)])
    assert refused.exit_code == 1 and "a.jsonl:2: malformed JSON line" in refused.output
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--store", str(store), "--skip-invalid"])
    assert result.exit_code == 1
    summary = result.stdout.splitlines()
    assert len(summary) == 1 and summary[0].startswith("1 added, 0 replaced, 0 unchanged;")
    assert "3 invalid records skipped" in summary[0]
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines if line.startswith("skipped: ")] == [
        f"{tmp_path / 'in' / 'a.jsonl'}:2", f"{tmp_path / 'in' / 'a.jsonl'}:3", f"{tmp_path / 'in' / 'b.txt'}"]
    assert lines[-1] == "Error: 3 invalid record(s) skipped (listed above); the rest is stored"
    assert list(Store(store, read_only=True).document_hashes()) == ["ok1"]


def test_inputs_only_http_urls_are_stored(tmp_path):
    records = [{"id": f"u{n}", "url": url, "text": f"Gen. Mark Milley spoke to troops in Iraq on day {n}."}
               for n, url in enumerate(["javascript:alert(1)", "ftp://files.example.org/a", "file:///etc/passwd",
                                        "https://example.org/ok", "example.org/no-scheme"])]
    path = tmp_path / "urls.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    store = Store(tmp_path / "store")
    report = build([path], store, reading=ReadOptions(dedup_threshold=None))
    sources = [row[0] for row in values(store, "SELECT ?s WHERE { GRAPH ?g { ?g dcterms:source ?s } }")]
    assert sources == ["https://example.org/ok"]
    assert len(report.reading.warnings) == 4
    assert report.reading.warnings[0] == f"{path}:1: URL 'javascript:alert(1)' dropped: only http(s) URLs are stored"


@pytest.fixture()
def local_site():
    """A web server on 127.0.0.1 serving our page and feed, and a few faults; yields (base URL, agents seen)."""
    import threading
    import time as clock
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    agents: list[str] = []
    routes = {"/navy/sixth-fleet": ("text/html; charset=utf-8", (PAGES / "sixth-fleet-change-of-command.html").read_bytes()),
              "/feed": ("application/rss+xml", (FEEDS / "ministry-news.rss").read_bytes()),
              "/front": ("text/html", (PAGES / "section-front-page.html").read_bytes()),
              "/logo.png": ("image/png", b"\x89PNG\r\n\x1a\n" + bytes(32))}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            agents.append(self.headers.get("User-Agent", ""))
            if self.path == "/slow":
                clock.sleep(1.5)
            if self.path == "/elsewhere":
                self.send_response(302)
                self.send_header("Location", "ftp://files.example.org/page")
                self.end_headers()
                return
            if self.path not in routes:
                self.send_error(404, "Not Found")
                return
            kind, body = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", agents
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_inputs_build_fetches_pages_and_feeds_from_urls(tmp_path, local_site):
    base, agents = local_site
    store = Store(tmp_path / "store")
    report = build([f"{base}/navy/sixth-fleet", f"{base}/feed", f"{base}/front"], store)
    assert len(report.added) == 3  # the page and the feed's two entries with text
    assert report.reading.no_body == 2  # the section front and the empty feed entry
    sources = {row[0] for row in values(store, "SELECT ?s WHERE { GRAPH ?g { ?g dcterms:source ?s } }")}
    assert f"{base}/navy/sixth-fleet" in sources
    assert "https://mod.example.gov/news/2024/05/chief-of-joint-operations" in sources
    assert agents and all(agent.startswith("kg-news/") for agent in agents)


@pytest.mark.parametrize("path, message", [
    ("/missing", "HTTP 404 Not Found"),
    ("/logo.png", "neither a web page nor a feed (image/png)"),
    ("/elsewhere", "redirected to a non-http(s) URL"),
])
def test_inputs_url_faults_are_one_line(tmp_path, local_site, path, message):
    base, _ = local_site
    result = CliRunner().invoke(main, ["build", base + path, "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"Error: {base}{path}: {message}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_inputs_fetch_timeout_and_size_limit(local_site):
    from kg.sources.fetch import FetchError, fetch

    base, _ = local_site
    with pytest.raises(FetchError, match=r"no answer within 0\.3 s"):
        fetch(base + "/slow", timeout=0.3)
    with pytest.raises(FetchError, match="larger than"):
        fetch(base + "/navy/sixth-fleet", max_bytes=1024 * 1024 // 1024)
    assert fetch(base + "/feed").kind == "feed"


def nquads(store: Store) -> bytes:
    """The store's sorted N-Quads, as ``kg export --format nq`` writes them."""
    from kg.export import export

    buffer = io.BytesIO()
    export(store, "nq", buffer)
    return buffer.getvalue()


def test_inputs_same_quads_whatever_the_order_or_workers(tmp_path):
    archive = tmp_path / "crawl.warc.gz"
    write_warc(archive, archive_records())
    inputs = [PAGES, FEEDS, DEDUP / "articles.jsonl", LANGUAGES, archive]
    forward, backward = Store(tmp_path / "forward"), Store(tmp_path / "backward")
    build(inputs, forward)
    build(list(reversed(inputs)), backward, workers=2)
    assert nquads(forward) == nquads(backward)
    assert b"isVersionOf" in nquads(forward) and b'"en"' in nquads(forward)


def test_inputs_the_original_is_the_earliest_whatever_the_builds(tmp_path):
    lines = (DEDUP / "articles.jsonl").read_text().splitlines()
    late, early = tmp_path / "late.jsonl", tmp_path / "early.jsonl"
    late.write_text("".join(line + "\n" for line in lines if json.loads(line)["id"] == "wire-a-copy-2"))
    early.write_text("".join(line + "\n" for line in lines if json.loads(line)["id"] == "wire-a"))
    query = "SELECT ?copy WHERE { GRAPH ?g { ?g dcterms:isVersionOf ?o ; dcterms:identifier ?copy } }"
    alone = Store(tmp_path / "alone")
    build([late], alone)
    assert values(alone, query) == []  # alone, the later copy is an article of its own
    report = build([late, early], alone)
    assert report.replaced == ["wire-a-copy-2"] and report.added == ["wire-a"]
    assert values(alone, query) == [("wire-a-copy-2",)]  # the 13 September story is the original
    fresh = Store(tmp_path / "fresh")
    build([early, late], fresh)
    assert nquads(fresh) == nquads(alone)


def write_arc(path: Path, records: list[tuple[str, bytes]], date: str = "20240309060000") -> None:
    """An ARC (version 1) file of (uri, HTML body) responses; gzipped per record for .arc.gz."""
    import gzip

    description = b"1 0 kg tests\nURL IP-address Archive-date Content-type Archive-length\n"
    parts = [f"filedesc://{path.name} 0.0.0.0 {date} text/plain {len(description)}\n".encode() + description + b"\n"]
    for uri, body in records:
        http = (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + str(len(body)).encode()
                + b"\r\n\r\n" + body)
        parts.append(f"{uri} 127.0.0.1 {date} text/html {len(http)}\n".encode() + http + b"\n")
    zipped = path.name.endswith(".gz")
    path.write_bytes(b"".join(gzip.compress(part) if zipped else part for part in parts))


@pytest.mark.parametrize("name", ["old-crawl.arc", "old-crawl.arc.gz"])
def test_inputs_arc_files_are_read_like_warc(tmp_path, name):
    records = archive_records()
    path = tmp_path / name
    write_arc(path, [(records[0][0], records[0][3]), (records[3][0], records[3][3])], date="20240310120000")
    documents = list(read_documents([path]))
    assert [d.url for d in documents] == [records[0][0], records[3][0]]
    assert [d.published for d in documents] == ["2024-03-08", "2024-03-10"]


def test_inputs_page_in_another_encoding(tmp_path):
    page = (PAGES / "baltic-battlegroup-rotation.html").read_text(encoding="utf-8")
    page = page.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    page = page.replace("Lieutenant Colonel Owen Pritchard", "Lieutenant Colonel Owen Prítchard")
    path = tmp_path / "cp1252.html"
    path.write_bytes(page.encode("cp1252"))
    [document] = read_documents([path])
    assert "Owen Prítchard commands" in document.text


@pytest.mark.parametrize("options", [["--no-dedup", "--dedup-threshold", "0.6"], ["--dedup-threshold", "1.5"],
                                     ["--dedup-threshold", "0"]])
def test_inputs_dedup_options_are_checked(tmp_path, options):
    result = CliRunner().invoke(main, ["build", str(DEDUP / "articles.jsonl"), "--store", str(tmp_path / "s"), *options])
    assert result.exit_code == 2
    assert not (tmp_path / "s").exists()


def test_inputs_dedup_threshold_option_changes_what_is_a_copy(tmp_path):
    strict = CliRunner().invoke(main, ["build", str(DEDUP / "articles.jsonl"), "--store", str(tmp_path / "a"),
                                       "--dedup-threshold", "0.7"])
    assert strict.exit_code == 0 and "3 near-duplicates linked" in strict.stdout  # the trimmed copy is not one
    off = CliRunner().invoke(main, ["build", str(DEDUP / "articles.jsonl"), "--store", str(tmp_path / "b"), "--no-dedup"])
    assert off.exit_code == 0 and "near-duplicate" not in off.stdout


def test_inputs_copy_index_forgets_beyond_its_window():
    text = "The ministry said on Monday that 300 soldiers would leave the base at Tapa by June. " * 3
    finder = NearDuplicates(capacity=2)
    assert finder.original_of("a", text) is None
    for n, other in enumerate(["Two frigates left Portsmouth for the Gulf on a seven-month deployment.",
                               "A new radar station opened in the north after three years of building work."]):
        assert finder.original_of(f"other-{n}", other * 3) is None
    assert finder.original_of("b", text) is None  # "a" has left the window: memory stays bounded
    assert finder.original_of("c", text) == "b"
