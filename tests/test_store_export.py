"""The store on disk and the exports: locking, atomic replacement, every format round-trips."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.errors import QueryError, StoreError
from kg.export import FORMATS, export, format_named
from kg.store import GraphStore
from kg.vocab import KG_NAMESPACE

BASE = "http://kg.example.org/"
G = "http://kg.example.org/graph/t"
S, P = URIRef("http://example.org/s"), URIRef("http://example.org/p")


def test_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "s"), pytest.raises(StoreError, match=str(tmp_path / "s")):
        GraphStore(tmp_path / "s")


def test_replace_graph_swaps_content(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "s") as store:
        store.replace_graph(G, [(S, P, URIRef("http://example.org/old"))])
        store.replace_graph(G, [(S, P, URIRef("http://example.org/new"))])
        rows = list(store.query(f"SELECT ?o WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"))  # type: ignore[arg-type]
        assert [r["o"].value for r in rows] == ["http://example.org/new"]


def test_failed_update_leaves_graph_unchanged(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "s") as store:
        store.replace_graph(G, [(S, P, URIRef("http://example.org/kept"))])
        with pytest.raises(StoreError):
            store.replace_graph(G, [(S, P, URIRef("not-an-absolute-iri"))])
        rows = list(store.query(f"SELECT ?o WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"))  # type: ignore[arg-type]
        assert [r["o"].value for r in rows] == ["http://example.org/kept"]


def _objects(store: GraphStore, graph: str) -> list[str]:
    rows = store.query(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ORDER BY ?o")
    return [r["o"].value for r in rows]  # type: ignore[union-attr]


def test_replace_graph_text_loads_new_graphs_and_replaces_existing_ones(tmp_path: Path) -> None:
    """What `kg build` writes with: a new graph is loaded, an existing one replaced, not merged
    (also one that kg did not write, e.g. a Graph Store Protocol PUT)."""
    line = "<http://example.org/s> <http://example.org/p> <http://example.org/{}> .\n"
    other = "http://kg.example.org/graph/other"
    with GraphStore(tmp_path / "s") as store:
        store.replace_graph_text(G, line.format("a") + line.format("b"))
        store.update(f"INSERT DATA {{ GRAPH <{other}> {{ <http://x.org/s> <http://x.org/p> 1 }} }}")
        assert _objects(store, G) == ["http://example.org/a", "http://example.org/b"]
        store.replace_graph_text(G, line.format("c"))
        store.replace_graph_text(other, line.format("d"))
        assert _objects(store, G) == ["http://example.org/c"]
        assert _objects(store, other) == ["http://example.org/d"]


@pytest.mark.parametrize("exists", [False, True], ids=["new graph", "existing graph"])
def test_failed_graph_text_writes_nothing(tmp_path: Path, exists: bool) -> None:
    """A bad line anywhere in a graph's text leaves the store as it was, on both write paths."""
    good = "<http://example.org/s> <http://example.org/p> <http://example.org/{}> .\n"
    with GraphStore(tmp_path / "s") as store:
        if exists:
            store.replace_graph_text(G, good.format("kept"))
        text = good.format("new") + '<http://example.org/s> <not an iri> "x" .\n'
        with pytest.raises(StoreError, match=G):
            store.replace_graph_text(G, text)
        assert _objects(store, G) == (["http://example.org/kept"] if exists else [])
        assert store.has_graph(G) is exists


def _triples_by_graph(store: GraphStore) -> dict[str, set[str]]:
    graphs: dict[str, set[str]] = {}
    for quad in store.native.quads_for_pattern(None, None, None, None):
        graphs.setdefault(str(quad.graph_name), set()).add(str(quad.triple))
    return graphs


def test_add_graphs_writes_what_one_graph_at_a_time_writes(tmp_path: Path) -> None:
    """A batch with new graphs (bulk-loaded), an existing one (replaced, not merged), a repeated
    one (the last text wins), blank nodes (kept apart per graph) and text in another layout
    ends as the same store as writing each graph in turn with replace_graph_text."""
    line = "<http://example.org/s> <http://example.org/p> <http://example.org/{}> .\n"
    graph = "http://kg.example.org/graph/{}"
    existing = (graph.format("old"), line.format("before"))
    batch = [
        (graph.format("a"), line.format("a1") + line.format("a2")),
        (graph.format("old"), line.format("after")),
        (graph.format("b"), '<http://example.org/s> <http://example.org/q> "t .\\n x"@en .\n'),
        (graph.format("c"), line.format("c1")),
        (graph.format("c"), line.format("c2")),
        (graph.format("d"), "_:x <http://example.org/p> _:y .\n"),
        (graph.format("e"), "_:x <http://example.org/p> _:y .\n"),
        (graph.format("f"), line.format("f").replace(" .\n", ".\n") + "# a comment\n"),
    ]
    stores = {}
    for name in ("batch", "one by one"):
        with GraphStore(tmp_path / name) as store:
            store.replace_graph_text(*existing)
            if name == "batch":
                store.add_graphs(batch)
            else:
                for graph_iri, text in batch:
                    store.replace_graph_text(graph_iri, text)
            stores[name] = _triples_by_graph(store)
    assert stores["batch"][f"<{graph.format('old')}>"] == {line.format("after")[:-3]}
    assert stores["batch"][f"<{graph.format('c')}>"] == {line.format("c2")[:-3]}
    blank = {g: stores["batch"][f"<{graph.format(g)}>"] for g in "de"}
    assert blank["d"] != blank["e"]  # fresh blank nodes per graph
    for store_graphs in stores.values():  # blank node labels differ between the two stores
        del store_graphs[f"<{graph.format('d')}>"], store_graphs[f"<{graph.format('e')}>"]
    assert stores["batch"] == stores["one by one"]
    assert len(stores["batch"]) == 5


def test_add_graphs_splits_large_batches_into_atomic_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls to the bulk loader stay under ATOMIC_BULK_TRIPLES; a graph larger than that is
    written in a transaction of its own. All graphs end complete."""
    monkeypatch.setattr("kg.store.ATOMIC_BULK_TRIPLES", 5)
    calls: list[int] = []
    line = "<http://example.org/s{}> <http://example.org/p> <http://example.org/o> .\n"
    sizes = [2, 3, 1, 4, 9, 2]
    batch = [
        (f"http://kg.example.org/graph/{n}", "".join(line.format(k) for k in range(size)))
        for n, size in enumerate(sizes)
    ]
    with GraphStore(tmp_path / "s") as store:
        native = store.native

        class Counting:
            def __getattr__(self, name: str) -> object:
                return getattr(native, name)

            def bulk_load(self, data: bytes, fmt: ox.RdfFormat) -> None:
                calls.append(data.count(b"\n"))
                native.bulk_load(data, fmt)

        store._store = Counting()  # type: ignore[assignment]
        store.add_graphs(batch)
        store._store = native
        counts = {g: len(t) for g, t in _triples_by_graph(store).items()}
    assert calls == [5, 5, 2]  # 2+3 | 1+4 | 2; the 9-triple graph alone, in a transaction
    assert counts == {f"<http://kg.example.org/graph/{n}>": s for n, s in enumerate(sizes)}


def test_add_graphs_names_the_bad_graph_and_keeps_those_before_it(tmp_path: Path) -> None:
    """A bad line in one new graph of a batch: the bulk call fails whole, the graphs are then
    written one at a time, and the error names the bad graph; later graphs are not written."""
    good = "<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
    bad = '<http://example.org/s> <not an iri> "x" .\n'
    graph = "http://kg.example.org/graph/{}"
    with GraphStore(tmp_path / "s") as store:
        batch = [(graph.format(1), good), (graph.format(2), good + bad), (graph.format(3), good)]
        with pytest.raises(StoreError, match=graph.format(2)):
            store.add_graphs(batch)
        assert store.named_graphs() == [graph.format(1)]


def test_content_hash_reads_the_recorded_hash(tmp_path: Path) -> None:
    hashed = f'<http://kg.example.org/article/t> <{KG_NAMESPACE}contentHash> "abc" .\n'
    with GraphStore(tmp_path / "s") as store:
        assert store.content_hash(G) is None
        store.replace_graph_text(G, hashed)
        assert store.content_hash(G) == "abc"
        assert store.content_hash("http://kg.example.org/graph/none") is None


def test_malformed_query_raises_query_error(demo_store: GraphStore) -> None:
    with pytest.raises(QueryError, match="malformed SPARQL"):
        demo_store.query("SELEC ?x WHERE { ?x ?p ?o }")


def test_store_persists_across_reopen(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "s") as store:
        store.replace_graph(G, [(S, P, URIRef("http://example.org/o"))])
    with GraphStore(tmp_path / "s", read_only=True) as store:
        assert store.named_graphs() == [G]


def test_read_only_without_store_is_clear(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kg build"):
        GraphStore(tmp_path / "nothing", read_only=True)


def _dataset(data: bytes, rdflib_format: str) -> Dataset:
    return Dataset().parse(data=data, format=rdflib_format)


@pytest.mark.parametrize("spec", FORMATS, ids=lambda s: s.name)
def test_every_export_format_parses_back_isomorphic(demo_store: GraphStore, spec) -> None:  # type: ignore[no-untyped-def]
    rdflib_format = {
        "turtle": "turtle",
        "ntriples": "nt",
        "nquads": "nquads",
        "trig": "trig",
        "jsonld": "json-ld",
        "rdfxml": "xml",
    }[spec.name]
    reference = io.BytesIO()
    export(demo_store, reference, format_named("ntriples"), BASE)
    expected = Graph().parse(data=reference.getvalue(), format="nt")
    out = io.BytesIO()
    export(demo_store, out, spec, BASE)
    parsed = _dataset(out.getvalue(), rdflib_format)
    union = Graph()
    for quad in parsed.quads((None, None, None, None)):
        union.add(quad[:3])
    assert len(union) == len(expected)
    assert isomorphic(union, expected)


def test_turtle_export_uses_kg_prefixes(demo_store: GraphStore) -> None:
    out = io.BytesIO()
    from kg.iri import graph_iri

    export(demo_store, out, format_named("turtle"), BASE, graph_iri(BASE, "mattis-resignation"))
    text = out.getvalue().decode()
    assert "@prefix kg: <https://w3id.org/kg-news/ontology#>" in text
    assert "kg:holdsPost" in text and "person:james-mattis-" in text


def test_export_unknown_graph_is_an_error(demo_store: GraphStore) -> None:
    with pytest.raises(StoreError, match="no graph"):
        export(demo_store, io.BytesIO(), format_named("turtle"), BASE, "http://nope.org/g")


def test_rdflib_sees_the_same_data_through_oxrdflib(demo_store: GraphStore) -> None:
    dataset = demo_store.rdflib_dataset()
    rows = list(dataset.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert int(rows[0][0]) == len(demo_store)  # type: ignore[index]


def test_resource_prefixes_never_shadow_vocabulary_prefixes() -> None:
    from kg.iri import resource_prefixes
    from kg.vocab import PREFIXES

    assert not set(resource_prefixes(BASE)) & set(PREFIXES)


def test_every_write_moves_the_generation(tmp_path: Path) -> None:
    """The key of what is cached from the content (VoID): each kind of write moves it."""
    line = "<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
    shard = tmp_path / "shard.nq"
    shard.write_text(line.replace(" .\n", f" <{G}> .\n"))
    triple = ox.Triple(ox.NamedNode(str(S)), ox.NamedNode(str(P)), ox.Literal("x"))
    with GraphStore(tmp_path / "s") as store:
        writes = [
            lambda: store.replace_graph_text(G, line),  # a new graph
            lambda: store.replace_graph_text(G, line),  # an existing one
            lambda: store.replace_graph(G, [(S, P, URIRef("http://example.org/x"))]),
            lambda: store.write_triples(G, [triple], replace=True),
            lambda: store.update(f"INSERT DATA {{ GRAPH <{G}> {{ {line} }} }}"),
            lambda: store.drop_graph(G),
            lambda: store.bulk_load([shard]),
        ]
        generations = [store.generation]
        for write in writes:
            write()
            generations.append(store.generation)
        assert generations == sorted(set(generations)) and len(generations) == len(writes) + 1
        assert store.query(f"ASK {{ GRAPH <{G}> {{ ?s ?p ?o }} }}")


def test_readers_see_a_batch_of_new_graphs_whole_or_not_at_all(tmp_path: Path) -> None:
    """Queries running while add_graphs ingests batches (one thread writing, this one reading)
    never see part of a graph, and two indexes read in one query agree."""
    comment = "<http://www.w3.org/2000/01/rdf-schema#comment>"

    def batch(number: int) -> list[tuple[str, str]]:
        graphs = []
        for n in range(32):
            graph = f"http://kg.example.org/graph/b{number}-{n}"
            lines = (f'<{graph}#t{k}> {comment} "{k}" .\n' for k in range(100))
            graphs.append((graph, "".join(lines)))
        return graphs

    per_graph = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s {comment} ?o }} }} GROUP BY ?g"
    two_indexes = (
        "SELECT ?a ?b WHERE { "
        f"{{ SELECT (COUNT(*) AS ?a) WHERE {{ GRAPH ?g {{ ?s {comment} ?o }} }} }} "
        "{ SELECT (COUNT(*) AS ?b) WHERE { GRAPH ?g { ?s ?p ?o } } } }"
    )
    seen: list[int] = []
    with GraphStore(tmp_path / "s") as store:
        writer = threading.Thread(target=lambda: [store.add_graphs(batch(b)) for b in range(30)])
        writer.start()
        while writer.is_alive():
            counts = [int(row["n"].value) for row in store.query(per_graph)]  # type: ignore[union-attr]
            assert set(counts) <= {100}
            (row,) = store.query(two_indexes)  # type: ignore[misc]
            assert row["a"] == row["b"]
            seen.append(len(counts))
        writer.join()
        assert len(store.named_graphs()) == 30 * 32
    assert len(set(seen)) > 1  # the reads did overlap the writes
