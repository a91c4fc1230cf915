"""kg.derive: labels, aliases and current holders kept up to date from what changed, for both stores."""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES
from kg import derive
from kg.derive import GraphStore
from kg.endpoint import RemoteStore
from kg.export import export
from kg.model import Document
from kg.pipeline import article_graph, build
from kg.query import find_entities, reporting_lines_on
from kg.rdfmap import entities_graph
from kg.sources import read_documents
from kg.store import BATCH_FILE, PENDING_FILE, Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus


def nq(store: Store) -> bytes:
    buffer = io.BytesIO()
    export(store, "nq", buffer)
    return buffer.getvalue()


def entity_lines(store: Store) -> list[str]:
    graph = str(entities_graph(store.base))
    return [line for line in nq(store).decode().splitlines() if line.endswith(f"{graph} .")]


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


ESPER = {"id": "e1", "published": "2020-01-06", "text": "Defense Secretary Mark T. Esper spoke. Esper left."}
ESPER_AGAIN = {"id": "e2", "published": "2020-02-01",
               "text": "Mark Esper, the Secretary of Defense, visited Gen. Frank McKenzie, commander of CENTCOM."}


def test_derive_both_stores_implement_the_protocol():
    assert isinstance(Store(), GraphStore)
    assert isinstance(RemoteStore("http://127.0.0.1:9/query"), GraphStore)


def test_derive_incremental_add_and_remove_equal_a_fresh_build(tmp_path):
    files = sorted(p for p in EXAMPLES.iterdir() if p.name != "gold.json")
    step = Store(tmp_path / "step")
    build(files[:5], step)
    for file in files[5:]:
        build([file], step)  # one article at a time: only what it touches is derived again
    whole = Store(tmp_path / "whole")
    build(files, whole)
    assert nq(step) == nq(whole)
    removed = ["germany-drawdown-2020-07-29", "kabul-evacuation-2021-08-24", "nato-cavoli-2022-07-01"]
    assert step.remove(removed) == removed
    folder = tmp_path / "rest-input"  # the same inputs, byte for byte, without the removed articles
    folder.mkdir()
    for file in files:
        if file.suffix == ".jsonl":
            lines = [line for line in file.read_text(encoding="utf-8").splitlines(keepends=True)
                     if json.loads(line)["id"] not in removed]
            (folder / file.name).write_text("".join(lines), encoding="utf-8")
        else:
            (folder / file.name).write_bytes(file.read_bytes())
    rest = Store(tmp_path / "rest")
    build([folder], rest)
    assert sorted(rest.document_hashes()) == sorted(step.document_hashes())
    assert nq(step) == nq(rest)


def test_derive_full_rederivation_changes_nothing(examples_store):
    before = entity_lines(examples_store)
    examples_store.rederive_all()
    assert entity_lines(examples_store) == before
    assert any("rdf-schema#label" in line for line in before)


def test_derive_one_article_touches_only_its_entities():
    graph = article_graph(Document(id="e2", text=ESPER_AGAIN["text"], published="2020-02-01"), "http://x/")
    assert {"http://x/person/mark-esper", "http://x/person/frank-mckenzie"} <= graph.entities
    assert len(graph.entities) < 10 and graph.posts
    store = Store()
    store.write([graph])
    quads = derive.derive(store, derive.Touched({"http://x/person/mark-esper"}, set()), entities_graph("http://x/"))
    assert {(q.subject.value, q.predicate.value.rsplit("#")[-1], q.object.value) for q in quads} == {
        ("http://x/person/mark-esper", "label", "Mark Esper"),
        ("http://x/person/mark-esper", "seenAs", "Mark Esper"),  # the one name this article gives him
        ("http://x/person/mark-esper", "entityClass", "http://xmlns.com/foaf/0.1/Person"),
        ("http://x/person/mark-esper", "degree", "1"),  # he holds one post
        ("http://x/person/mark-esper", "distinctHolds", "http://x/post/secretary-of-defense--mark-esper")}


def test_derive_listing_summary_follows_adds_and_removals(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [ESPER, ESPER_AGAIN])], store)

    def degree(iri: str) -> int | None:
        rows = list(store.query(f"SELECT ?n WHERE {{ <{iri}> kgo:degree ?n }}"))
        return int(rows[0]["n"].value) if rows else None

    mckenzie = store.base + "person/frank-mckenzie"
    assert degree(mckenzie) is not None and degree(mckenzie) >= 2  # heads CENTCOM, holds its command post
    before = degree(store.base + "person/mark-esper")
    store.remove(["e2"])
    assert degree(mckenzie) is None  # no article names him any more
    assert degree(store.base + "person/mark-esper") == 1 and before is not None and before >= 1


def test_derive_label_follows_what_remains(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [ESPER, ESPER_AGAIN])], store)
    labels = {r["l"].value for r in store.query("SELECT ?l WHERE { ?e rdfs:label ?l }")}
    assert "Mark Esper" in labels and "Frank McKenzie" in labels
    holders = list(store.query("SELECT ?p WHERE { ?post kgo:currentHolder ?p }"))
    assert holders
    store.remove(["e2"])
    labels = {r["l"].value for r in store.query("SELECT ?l WHERE { ?e rdfs:label ?l }")}
    assert "Mark Esper" in labels and "Frank McKenzie" not in labels
    assert not any("mckenzie" in r["p"].value for r in store.query("SELECT ?p WHERE { ?post kgo:currentHolder ?p }"))


@pytest.mark.parametrize(("replacing", "kill_at"), [(False, 1), (True, 1), (True, 2)],
                         ids=["new articles", "replaced, in the subtraction", "replaced, once the new are in"])
def test_derive_interrupted_upkeep_is_completed_by_the_next_writer(tmp_path, monkeypatch, replacing, kill_at):
    records = write_jsonl(tmp_path / "a.jsonl", [ESPER, ESPER_AGAIN])
    clean = Store(tmp_path / "clean")
    build([records], clean)
    expected = nq(clean)
    clean.close()

    store = Store(tmp_path / "store")
    if replacing:  # the same ids stored with other texts first: what they stated is subtracted first
        build([write_jsonl(tmp_path / "old.jsonl", [{**ESPER, "text": "Gen. Mark Milley spoke."},
                                                    {**ESPER_AGAIN, "text": "Adm. John Aquilino spoke."}])], store)
    merges: list[int] = []
    merge = Store._merge

    def killed(self: Store, plan: derive.Plan) -> None:
        merges.append(1)
        if len(merges) == kill_at:
            raise KeyboardInterrupt  # as if the process died after the articles went in or out
        merge(self, plan)

    monkeypatch.setattr(Store, "_merge", killed)
    with pytest.raises(KeyboardInterrupt):
        build([records], store)
    monkeypatch.undo()
    note = tmp_path / "store" / (PENDING_FILE if kill_at == 1 and replacing else BATCH_FILE)
    assert note.exists()
    store.close()
    with Store(tmp_path / "store") as reopened:  # the next writer finishes the upkeep
        assert not note.exists()
        held, rederived = derived_lines(reopened)
        assert held == rederived
        if kill_at == 1 and replacing:  # killed before the new versions went in: the next build writes them
            build([records], reopened)
        assert nq(reopened) == expected


def test_derive_many_articles_in_batches_equal_one_batch(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl", 120)
    small = Store(tmp_path / "small")
    build([corpus], small, batch=7, workers=1)
    large = Store(tmp_path / "large")
    build([corpus], large, batch=1000, workers=2)
    assert nq(small) == nq(large)


def test_derive_added_articles_merged_in_equal_a_rederivation_from_the_store(tmp_path):
    # every batch of new articles is merged into what the entities graph holds (names seen, classes,
    # degree); reading it all back from the article graphs must give the same quads
    corpus = write_corpus(tmp_path / "c.jsonl", 150, varied=True)
    store = Store(tmp_path / "store")
    build([corpus], store, batch=9, workers=1)
    build(sorted(p for p in EXAMPLES.iterdir() if p.name != "gold.json"), store, batch=3, workers=1)
    merged = entity_lines(store)
    assert any("#seenAs>" in line for line in merged) and any("#degree>" in line for line in merged)
    store.rederive_all()
    assert entity_lines(store) == merged


def test_derive_a_store_without_names_seen_is_derived_from_the_store(tmp_path):
    # a store written before kgo:seenAs: an added article's entities are derived from the article
    # graphs instead, so a label is never chosen from the new article's names alone
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [ESPER])], store)
    for quad in list(store.oxigraph.quads_for_pattern(None, derive.SEEN_AS, None, entities_graph(store.base))):
        store.oxigraph.remove(quad)
    store.close()
    store = Store(tmp_path / "store")  # a later kg opens it
    build([write_jsonl(tmp_path / "b.jsonl", [ESPER_AGAIN])], store)
    merged = entity_lines(store)
    store.rederive_all()
    assert entity_lines(store) == merged


def test_derive_additions_count_only_new_neighbours():
    first = article_graph(Document(id="a", text=ESPER_AGAIN["text"], published="2020-02-01"), "http://x/")
    again = article_graph(Document(id="b", text=ESPER_AGAIN["text"], published="2020-02-03"), "http://x/")
    store = Store()
    store.write([first])
    graph = entities_graph(store.base)
    mckenzie = "http://x/person/frank-mckenzie"
    plan = derive.additions(store, [again], graph)
    assert (mckenzie, derive.DEGREE) not in plan.clear  # the same relations again: no new neighbour
    assert not any(q.subject.value == mckenzie and q.predicate == derive.SEEN_AS for q in plan.quads)
    assert not plan.rest


def test_derive_a_memo_that_overflows_changes_nothing(tmp_path):
    # the writer's memo is emptied whenever it outgrows its limit: what is merged must not depend on it
    corpus = write_corpus(tmp_path / "c.jsonl", 60, varied=True)
    small = Store(tmp_path / "small")
    small._memo.limit = 40  # emptied after most batches
    build([corpus], small, batch=7, workers=1)
    large = Store(tmp_path / "large")
    build([corpus], large, batch=7, workers=1)
    assert len(large._memo.known) > 0 and len(small._memo.known) <= 40
    assert nq(small) == nq(large)
    small.rederive_all()
    assert nq(small) == nq(large)


def test_derive_a_writer_that_began_on_an_empty_store_asks_only_about_pairs_it_wrote(tmp_path, monkeypatch):
    # a fresh store: every relation is one this writer wrote, so a pair its filter has not met is not
    # related and is not asked about; a writer of a store that held articles asks about every pair
    corpus = write_corpus(tmp_path / "c.jsonl", 60, varied=True)
    asked: list[int] = []
    real = derive.related_already

    def counted(store: GraphStore, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
        asked.append(len(pairs))
        return real(store, pairs)

    monkeypatch.setattr(derive, "related_already", counted)
    fresh = Store(tmp_path / "fresh")
    assert fresh._memo.written is not None
    fresh._memo.limit = 40  # emptied after most batches: pairs related before are asked again
    build([corpus], fresh, batch=7, workers=1)
    filtered = sum(asked)
    fresh.close()
    asked.clear()
    unfiltered = Store(tmp_path / "unfiltered")
    unfiltered._memo.written = None
    unfiltered._memo.limit = 40
    build([corpus], unfiltered, batch=7, workers=1)
    assert 0 < filtered < sum(asked)
    with Store(tmp_path / "fresh") as again:
        assert nq(unfiltered) == nq(again)
    unfiltered.close()
    # more articles into a store that holds some: no filter, the store is asked
    reopened = Store(tmp_path / "unfiltered")
    assert reopened._memo.written is None
    examples = sorted(p for p in EXAMPLES.iterdir() if p.name != "gold.json")
    build(examples, reopened, batch=3, workers=1)
    merged = entity_lines(reopened)
    reopened.rederive_all()
    assert entity_lines(reopened) == merged


def test_derive_the_written_pairs_filter_never_forgets_a_pair():
    memo = derive.Memo()
    assert memo.maybe_related({("http://x/a", "http://x/b")}) == {("http://x/a", "http://x/b")}  # no filter: ask
    memo.start_fresh(capacity=1000)
    links = [(f"http://x/s{i}", "http://www.w3.org/ns/org#headOf", f"http://x/o{i % 37}") for i in range(5000)]
    memo.wrote(links)  # five times its capacity: more wrong yeses, never a wrong no
    written = {(s, o) for s, _, o in links}
    assert memo.maybe_related(written) == written
    assert memo.maybe_related({(o, s) for s, o in written}) == {(o, s) for s, o in written}  # either way
    memo.start_fresh(capacity=10_000)  # within its size, most pairs never met are answered no
    memo.wrote(links[:1000])
    unmet = {(f"http://x/never{i}", f"http://x/met{i}") for i in range(1000)}
    assert len(memo.maybe_related(unmet)) < 100  # 2 % expected


def derived_lines(store: Store) -> tuple[list[str], list[str]]:
    """The entities graph as it is, and as :meth:`Store.rederive_all` would make it from the article graphs."""
    graph = entities_graph(store.base)
    held = sorted(str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, graph))
    return held, sorted(str(q) for q in derive.derive(store, derive.everything(store), graph))


def versions(tmp_path: Path) -> list[Document]:
    """Synthetic articles (shared units, countries and surnames), the examples, and two naming one man two ways."""
    corpus = write_corpus(tmp_path / "pool.jsonl", 36, seed=11, varied=True)
    records = [json.loads(line) for line in corpus.read_text().splitlines()] + [ESPER, ESPER_AGAIN]
    files = sorted(p for p in EXAMPLES.iterdir() if p.name != "gold.json")
    return ([Document(id=r["id"], text=r["text"], published=r.get("published")) for r in records]
            + list(read_documents(files, languages=False)))


@pytest.mark.parametrize("seed", [1, 2])
def test_derive_random_adds_removals_and_replacements_equal_a_rederivation(tmp_path, seed):
    # removals and replacements subtract what the dropped articles stated (point questions of what
    # remains); after every step the entities graph must be what a rederivation from the store gives
    rng = random.Random(seed)
    pool = versions(tmp_path)
    texts = [(d.text, d.published) for d in pool]
    store = Store(tmp_path / "store")
    stored: set[str] = set()
    steps = {"add": 0, "remove": 0, "replace": 0}
    for _ in range(24):
        absent = [d for d in pool if d.id not in stored]
        kind = rng.choice(["add", "add", "remove", "replace"] if stored else ["add"])
        if kind == "add" and absent:
            batch = rng.sample(absent, min(len(absent), rng.randint(1, 6)))
            store.write([article_graph(d, store.base) for d in batch])
            stored |= {d.id for d in batch}
        elif kind == "remove":
            gone = rng.sample(sorted(stored), min(len(stored), rng.randint(1, 4)))
            assert sorted(store.remove(gone)) == sorted(gone)
            stored -= set(gone)
        else:  # a new version of stored articles (another article's text), with new ones in the same batch
            kind = "replace"
            again = rng.sample(sorted(stored), min(len(stored), rng.randint(1, 3)))
            batch = [Document(id=i, text=t, published=p) for i, (t, p) in zip(again, rng.sample(texts, len(again)))]
            batch += rng.sample(absent, min(len(absent), rng.randint(0, 2)))
            store.write([article_graph(d, store.base) for d in batch])
            stored |= {d.id for d in batch}
        steps[kind] += 1
        held, rederived = derived_lines(store)
        assert held == rederived, f"after {steps}"
    assert steps["remove"] and steps["replace"]
    assert not (tmp_path / "store" / PENDING_FILE).exists()
    assert any("seenAs" in line for line in held) and any("currentHolder" in line for line in held)
    assert any("headDay" in line for line in held)


HEAD_MARCH = {"id": "h1", "published": "2021-03-01", "text": "Gen. Frank McKenzie, commander of CENTCOM, spoke."}
HEAD_MARCH_AGAIN = {"id": "h2", "published": "2021-03-01",
                    "text": "Gen. Michael Kurilla, commander of CENTCOM, visited the base."}
HEAD_JUNE = {"id": "h3", "published": "2021-06-01",
             "text": "Gen. Frank McKenzie, commander of CENTCOM, met the press."}


def head_days(store: Store) -> set[str]:
    graph = entities_graph(store.base)
    return {q.object.value for q in store.oxigraph.quads_for_pattern(None, derive.HEAD_DAY, None, graph)}


def heads_named(store: Store) -> set[tuple[str, str]]:
    """(the head day's node, less the organisation; the person's IRI, last part) of each kgo:headNamed."""
    graph = entities_graph(store.base)
    return {(q.subject.value.rsplit("/heads/", 1)[1], q.object.value.rsplit("/", 1)[1])
            for q in store.oxigraph.quads_for_pattern(None, derive.HEAD_NAMED, None, graph)}


def test_derive_head_days_follow_additions_and_removals(tmp_path):
    # an organisation's head days are the dates of its asserted headOf statements: a date stays while
    # one article still states a head on it, and the dated queries read their MAX from them
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [HEAD_MARCH, HEAD_MARCH_AGAIN, HEAD_JUNE])], store)
    assert head_days(store) == {"2021-03-01", "2021-06-01"}
    assert heads_named(store) == {("2021-03-01", "frank-mckenzie"), ("2021-03-01", "michael-kurilla"),
                                  ("2021-06-01", "frank-mckenzie")}
    for gone, days, named in (("h3", {"2021-03-01"}, {("2021-03-01", "frank-mckenzie"), ("2021-03-01", "michael-kurilla")}),
                              ("h1", {"2021-03-01"}, {("2021-03-01", "michael-kurilla")}),
                              ("h2", set(), set())):
        store.remove([gone])
        assert (head_days(store), heads_named(store)) == (days, named), f"after removing {gone}"
        held, rederived = derived_lines(store)
        assert held == rederived, f"after removing {gone}"
    store.write([article_graph(Document(id="h3", text=HEAD_JUNE["text"], published="2021-06-01"), store.base)])
    assert (head_days(store), heads_named(store)) == ({"2021-06-01"}, {("2021-06-01", "frank-mckenzie")})


def test_derive_a_store_without_head_days_is_told_to_rederive(tmp_path):
    # a store written by a kg of before kgo:headDay: the dated queries would find no head, so they ask
    # for a rederivation, which adds the days
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [HEAD_MARCH])], store)
    assert not derive.lacks_summaries(store)
    graph = entities_graph(store.base)
    for quad in list(store.oxigraph.quads_for_pattern(None, derive.HEAD_DAY, None, graph)):
        store.oxigraph.remove(quad)
    assert derive.lacks_summaries(store)
    store.rederive_all()
    assert head_days(store) == {"2021-03-01"} and not derive.lacks_summaries(store)


LINE_MAY = {"id": "l1", "published": "2022-05-01",
            "text": "Gen. Ada Brennan, who leads Falcon Command, reports to Defense Secretary Omar Castell."}
LINE_MAY_AGAIN = {"id": "l2", "published": "2022-05-01",
                  "text": "Gen. Ada Brennan reports to Defense Secretary Omar Castell, officials said."}
LINE_ENDED = {"id": "l3", "published": "2023-02-01",
              "text": "Until last year Gen. Ada Brennan reported to Defense Secretary Omar Castell."}
LINE_LEFT = {"id": "l4", "published": "2023-03-01",
             "text": "Gen. Ada Brennan, the former commander of Falcon Command, retired."}


def line_index(store: Store) -> set[tuple[str, str, str]]:
    """(kind, object, date) of each statement on Ada Brennan's line nodes, and ("left", "", date) of her
    leave dates, as the entities graph holds them; the dates of the nodes must be her line days."""
    graph = entities_graph(store.base)
    nodes = {(q.predicate.value.split("#")[-1], q.object.value.rsplit("/", 1)[1], q.subject.value.rsplit("/lines/", 1)[1])
             for kind in (derive.STATED_REPORTS_TO, derive.ENDED_REPORTS_TO, derive.STATED_HEAD_OF)
             for q in store.oxigraph.quads_for_pattern(None, kind, None, graph)}
    days = {q.object.value for q in store.oxigraph.quads_for_pattern(None, derive.LINE_DAY, None, graph)}
    assert days == {day for _, _, day in nodes}
    return nodes | {("left", "", q.object.value) for q in store.oxigraph.quads_for_pattern(None, derive.LEFT_ON, None, graph)}


def test_derive_line_index_follows_additions_and_removals(tmp_path):
    # the dated walk reads each person's lines from their line nodes, one per date: an object stays on a
    # node while one article still states that line on that date, the person's day goes with the node's
    # last object, and a leave date with its statement
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [LINE_MAY, LINE_MAY_AGAIN, LINE_ENDED, LINE_LEFT])], store)
    stated = ("statedReportsTo", "omar-castell", "2022-05-01")
    ended = ("endedReportsTo", "omar-castell", "2023-02-01")
    headed = ("statedHeadOf", "falcon-command", "2022-05-01")
    left = ("left", "", "2023-03-01")
    assert line_index(store) == {stated, ended, headed, left}
    brennan = sorted(find_entities(store, "Ada Brennan"))
    assert [r[1] for r in reporting_lines_on(store, brennan, "2022-06-01").rows] == ["Omar Castell"]
    assert reporting_lines_on(store, brennan, "2023-06-01").rows == []  # ended, then she left
    for gone, index in (("l2", {stated, ended, headed, left}), ("l1", {ended, left}), ("l3", {left}), ("l4", set())):
        store.remove([gone])
        assert line_index(store) == index, f"after removing {gone}"
        held, rederived = derived_lines(store)
        assert held == rederived, f"after removing {gone}"
    store.write([article_graph(Document(id="l1", text=LINE_MAY["text"], published="2022-05-01"), store.base)])
    assert line_index(store) == {stated, headed}
    assert [r[1] for r in reporting_lines_on(store, brennan, "2023-06-01").rows] == ["Omar Castell"]
    store.write([article_graph(Document(id="l2", text=LINE_MAY_AGAIN["text"], published="2022-05-01"), store.base)])
    store.remove(["l1"])  # the node of 1 May keeps the line l2 states, and loses the command only l1 states
    assert line_index(store) == {stated}
    assert derived_lines(store)[0] == derived_lines(store)[1]


def test_derive_a_store_without_the_line_index_is_told_to_rederive(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [LINE_MAY])], store)
    assert not derive.lacks_summaries(store)
    graph = entities_graph(store.base)
    for predicate in (derive.LINE_DAY, derive.STATED_REPORTS_TO, derive.STATED_HEAD_OF):
        for quad in list(store.oxigraph.quads_for_pattern(None, predicate, None, graph)):
            store.oxigraph.remove(quad)
    assert derive.lacks_summaries(store)
    store.rederive_all()
    assert line_index(store) == {("statedReportsTo", "omar-castell", "2022-05-01"),
                                 ("statedHeadOf", "falcon-command", "2022-05-01")}
    assert not derive.lacks_summaries(store)


def test_derive_removing_every_article_leaves_no_derived_fact(tmp_path):
    store = Store(tmp_path / "store")
    pool = versions(tmp_path)
    store.write([article_graph(d, store.base) for d in pool])
    store.remove([d.id for d in pool[::2]])
    held, rederived = derived_lines(store)
    assert held == rederived and held
    store.remove([d.id for d in pool[1::2]])
    assert derived_lines(store) == ([], [])


def test_derive_a_removal_reads_no_entity_back_from_the_store(tmp_path, monkeypatch):
    # what a removal subtracts is asked of the store point by point: the full derivation (every alias,
    # relation and holds statement of each entity touched) is never run for a store with names seen
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [ESPER, ESPER_AGAIN])], store)

    def refused(*args: object) -> object:
        raise AssertionError("read back from the store")

    for name in ("derive", "aliases", "summaries", "head_statements", "stated_lines"):
        monkeypatch.setattr(derive, name, refused)
    store.remove(["e2"])
    monkeypatch.undo()
    held, rederived = derived_lines(store)
    assert held == rederived
    assert "Frank McKenzie" not in " ".join(held) and "Mark Esper" in " ".join(held)


def test_derive_a_removal_from_a_store_without_names_seen_is_derived_from_the_store(tmp_path):
    # a store written before kgo:seenAs: what the removed article touched is derived from the store
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [ESPER, ESPER_AGAIN])], store)
    for quad in list(store.oxigraph.quads_for_pattern(None, derive.SEEN_AS, None, entities_graph(store.base))):
        store.oxigraph.remove(quad)
    store.close()
    store = Store(tmp_path / "store")  # a later kg opens it
    graph = article_graph(Document(id="e2", text=ESPER_AGAIN["text"], published="2020-02-01"), store.base)
    touched = {f"<{iri}>" for iri in graph.entities | graph.posts}
    store.remove(["e2"])
    held, rederived = derived_lines(store)
    assert [line for line in held if line.split(" ")[0] in touched] == [
        line for line in rederived if line.split(" ")[0] in touched]
    assert any("mark-esper> <https://w3id.org/kg-news/ontology#seenAs>" in line for line in held)


def troop_record(doc_id: str, published: str | None, count: int, demonym: str = "American",
                 host: str = "Iraq") -> dict[str, str]:
    record = {"id": doc_id, "title": f"Briefing {doc_id}",
              "text": f"There are about {count:,} {demonym} troops in {host}, officials said."}
    return {**record, "published": published} if published else record


def summaries(store: Store) -> dict[tuple[str, str, str], tuple[int, int, int, str]]:
    """(sender, host, date) -> (fewest, most, sources, first article id), read from the entities graph."""
    rows = store.query("""SELECT ?s ?h ?asOf ?few ?most ?n ?id WHERE { ?t a kgo:DeploymentSummary ;
        kgo:summarySender ?s ; kgo:summaryHost ?h ; kgo:fewestTroops ?few ; kgo:mostTroops ?most ; kgo:sourceCount ?n ;
        kgo:firstSource ?first . ?first dcterms:identifier ?id OPTIONAL { ?t kgo:asOf ?asOf } }""")
    return {(r["s"].value.rsplit("/")[-1], r["h"].value.rsplit("/")[-1], r["asOf"].value if r["asOf"] else ""):
            (int(r["few"].value), int(r["most"].value), int(r["n"].value), r["id"].value) for r in rows}


def assert_derived_from_the_store(store: Store) -> None:
    # what rederive_all() would make of the store now, without rewriting it: every entity's, post's
    # and deployment's quads derived again from the article graphs
    graph = entities_graph(store.base)
    expected = sorted(str(q) for q in derive.derive(store, derive.everything(store), graph))
    assert sorted(str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, graph)) == expected


def test_derive_deployment_summaries_follow_additions_replacements_and_removals(tmp_path):
    store = Store(tmp_path / "store")
    write = [0]

    def add(*records: dict[str, str]) -> None:
        write[0] += 1
        build([write_jsonl(tmp_path / f"batch{write[0]}.jsonl", list(records))], store, batch=2, workers=1)
        assert_derived_from_the_store(store)

    march, may = "2023-03-01", "2023-05-02"
    add(troop_record("a1", march, 2500), troop_record("a2", march, 3000), troop_record("u1", None, 1200),
        troop_record("f1", march, 400, "French", "Mali"))
    assert summaries(store) == {("united-states", "iraq", march): (2500, 3000, 2, "a1"),
                                ("united-states", "iraq", ""): (1200, 1200, 1, "u1"),
                                ("france", "mali", march): (400, 400, 1, "f1")}
    # new articles merged with what is stored: a new lowest figure and a new first source, a new date
    # and a second undated statement; the same figure in two articles counts both
    add(troop_record("a0", march, 2000), troop_record("a3", may, 4000), troop_record("u2", None, 1500),
        troop_record("a4", march, 3000))
    assert summaries(store)[("united-states", "iraq", march)] == (2000, 3000, 4, "a0")
    assert summaries(store)[("united-states", "iraq", "")] == (1200, 1500, 2, "u1")
    assert summaries(store)[("united-states", "iraq", may)] == (4000, 4000, 1, "a3")
    # the article that held the lowest figure and the first source is replaced: still the first, no
    # longer the lowest; then it states nothing of the kind and another is first
    add(troop_record("a0", march, 2700))
    assert summaries(store)[("united-states", "iraq", march)] == (2500, 3000, 4, "a0")
    add({"id": "a0", "published": march, "text": "Officials said nothing about troops."})
    assert summaries(store)[("united-states", "iraq", march)] == (2500, 3000, 3, "a1")
    add(troop_record("a3", march, 5000))  # replaced with another date: its key moves
    assert ("united-states", "iraq", may) not in summaries(store)
    assert summaries(store)[("united-states", "iraq", march)] == (2500, 5000, 4, "a1")
    assert store.remove(["a1", "f1", "u1"]) == ["a1", "f1", "u1"]
    assert_derived_from_the_store(store)
    assert summaries(store) == {("united-states", "iraq", march): (3000, 5000, 3, "a2"),
                                ("united-states", "iraq", ""): (1500, 1500, 1, "u2")}
    add(troop_record("a5", march, 100), troop_record("f2", may, 700, "French", "Mali"))  # after a rewrite
    assert summaries(store)[("united-states", "iraq", march)] == (100, 5000, 4, "a2")
    merged = entity_lines(store)
    store.rederive_all()
    assert entity_lines(store) == merged


def test_derive_deployment_summaries_of_one_batch_equal_those_of_many(tmp_path):
    records = [troop_record(f"d{i:02d}", f"2023-0{1 + i % 3}-01" if i % 4 else None, 100 * (1 + i % 7),
                            ("American", "French", "British")[i % 3], ("Iraq", "Mali", "Estonia")[i % 2])
               for i in range(24)]
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    one = Store(tmp_path / "one")
    build([corpus], one, batch=100, workers=1)
    many = Store(tmp_path / "many")
    many._memo.limit = 3  # the memo's summaries emptied again and again
    build([corpus], many, batch=3, workers=1)
    assert len(summaries(one)) >= 8
    assert nq(one) == nq(many)
    assert_derived_from_the_store(many)


def test_derive_a_store_without_deployment_summaries_gets_them_from_its_next_writer(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [troop_record("a1", "2023-03-01", 2500),
                                               troop_record("a2", None, 900)])], store)
    expected = nq(store)
    graph = entities_graph(store.base)
    for node in {q.subject for q in store.oxigraph.quads_for_pattern(None, None, derive.DEPLOYMENT_SUMMARY, graph)}:
        for quad in list(store.oxigraph.quads_for_pattern(node, None, None, graph)):
            store.oxigraph.remove(quad)  # as a kg older than the summaries wrote it
    assert derive.lacks_troop_summaries(store)
    store.close()
    with Store(tmp_path / "store") as reopened:  # a later kg opens it to write
        assert not derive.lacks_troop_summaries(reopened)
        assert nq(reopened) == expected
        build([write_jsonl(tmp_path / "b.jsonl", [troop_record("a3", "2023-03-01", 2000)])], reopened)
        assert summaries(reopened)[("united-states", "iraq", "2023-03-01")] == (2000, 2500, 2, "a1")


def test_derive_summaries_that_name_no_sources_get_them_before_a_removal_counts_from_them(tmp_path):
    store = Store(tmp_path / "store")
    march = "2023-03-01"
    build([write_jsonl(tmp_path / "a.jsonl", [troop_record("a1", march, 2500), troop_record("a2", march, 900),
                                               troop_record("a3", march, 4000)])], store)
    expected = nq(store)
    graph = entities_graph(store.base)
    for quad in list(store.oxigraph.quads_for_pattern(None, derive.SUMMARY_SOURCE, None, graph)):
        store.oxigraph.remove(quad)  # as a kg that kept no sources wrote it
    assert derive.lacks_troop_summaries(store)
    store.close()
    with Store(tmp_path / "store") as reopened:
        assert not derive.lacks_troop_summaries(reopened)
        assert nq(reopened) == expected
        assert reopened.remove(["a2"]) == ["a2"]  # the lowest figure goes: counted again from a1 and a3
        assert summaries(reopened)[("united-states", "iraq", march)] == (2500, 4000, 2, "a1")
        assert_derived_from_the_store(reopened)


def test_derive_a_removal_counts_a_summary_again_from_its_own_sources_only(tmp_path, monkeypatch):
    store = Store(tmp_path / "store")
    march = "2023-03-01"
    build([write_jsonl(tmp_path / "a.jsonl", [troop_record(f"a{i}", march, 100 * (i + 1)) for i in range(6)]
                       + [troop_record("u1", None, 50), troop_record("f1", march, 70, "French", "Mali")])], store)
    asked: list[str] = []
    query = Store.query

    def spy(self: Store, sparql: str, **kwargs: object) -> object:
        asked.append(sparql)
        return query(self, sparql, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "query", spy)
    assert store.remove(["a0", "a5"]) == ["a0", "a5"]
    monkeypatch.undo()
    assert summaries(store)[("united-states", "iraq", march)] == (200, 500, 4, "a1")
    assert_derived_from_the_store(store)
    # no pass over the store's deployments of a date or a sender: only the graphs the summary names
    assert not [q for q in asked if "kgo:troopCount ?n" in q and "VALUES ?doc" not in q]


@pytest.mark.parametrize("replacing", [False, True], ids=["new articles", "replaced articles"])
def test_derive_interrupted_deployment_upkeep_is_completed_by_the_next_writer(tmp_path, monkeypatch, replacing):
    first = write_jsonl(tmp_path / "a.jsonl", [troop_record("a1", "2023-03-01", 2500), troop_record("u1", None, 900)])
    second = write_jsonl(tmp_path / "b.jsonl", [troop_record("a1", "2023-05-02", 2000), troop_record("u1", None, 1)])
    clean = Store(tmp_path / "clean")
    build([second], clean)
    expected = nq(clean)
    clean.close()
    store = Store(tmp_path / "store")
    if replacing:
        build([first], store)

    merges = []
    merge = Store._merge

    def killed(self: Store, *args: object) -> None:
        merges.append(args)
        if len(merges) == (2 if replacing else 1):  # a replacement's subtraction is merged first
            raise KeyboardInterrupt  # as if the process died after the articles went in
        merge(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_merge", killed)
    with pytest.raises(KeyboardInterrupt):
        build([second], store)
    monkeypatch.undo()
    note = (tmp_path / "store" / BATCH_FILE).read_text()  # the subtraction of a replacement was done
    assert "\nd " in "\n" + note  # the deployments it touched are in the note, dated and undated
    store._pending = derive.Touched()  # what the killed process knew dies with it: only the note is left
    store.close()
    with Store(tmp_path / "store") as reopened:
        assert nq(reopened) == expected
