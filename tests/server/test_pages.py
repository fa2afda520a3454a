"""The query page and the linked-data pages through Flask's test client: HTML, prefixes, examples,
nothing from other origins, content negotiation, concise bounded descriptions, 404s."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import PROV, RDF, RDFS, SKOS
from werkzeug.test import TestResponse

from kg import iri as mint
from kg.config import Settings
from kg.export import prefixes_for
from kg.queries import load_queries
from kg.server import create_app, services
from kg.server.pages import CONTENT_SECURITY_POLICY
from kg.server.pages.describe import Statement
from kg.server.pages.links import PAGE_KINDS, Linker, Term
from kg.server.pages.picture import HEIGHT, MAX_SPOKES, WIDTH, neighbourhood
from kg.store import GraphStore
from kg.vocab import KG, SCHEMA

BASE = Settings().base_iri
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
STATIC = Path(__file__).resolve().parents[2] / "kg" / "server" / "static"
HOLDER = """
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?entity ?label ?post ?sentence WHERE {
  ?entity kg:holdsPost ?post ; rdfs:label ?label .
  ?fact rdf:subject ?entity ; rdf:predicate kg:holdsPost ; rdf:object ?post ;
        kg:sentence ?sentence .
} ORDER BY ?entity ?sentence LIMIT 1
"""
CBD = """
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?s ?p ?o FILTER (?s = <IRI>) }
  UNION
  { ?s a kg:Fact ; rdf:subject <IRI> ; ?p ?o }
}
"""


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its textareas."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.textarea = ""
        self._in_textarea = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_textarea = tag == "textarea"

    def handle_endtag(self, tag: str) -> None:
        self._in_textarea = False

    def handle_data(self, data: str) -> None:
        if self._in_textarea:
            self.textarea += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def store_of(app: Flask) -> GraphStore:
    return services(app).store


def holder(app: Flask) -> dict[str, str]:
    """A person holding a post in the demo graph, with the evidence sentence of that fact."""
    rows = list(store_of(app).query(HOLDER))  # type: ignore[arg-type]
    assert rows, "the demo graph has no kg:holdsPost fact"
    return {name: str(rows[0][name].value) for name in ("entity", "label", "post", "sentence")}


def path_of(iri: str, base: str = BASE) -> str:
    assert iri.startswith(base)
    return "/" + iri[len(base) :]


def store_cbd(store: GraphStore, iri: str) -> rdflib.Graph:
    """The CBD computed independently, by a CONSTRUCT on the store."""
    result = store.query(CBD.replace("IRI", iri))
    data = ox.serialize(result, None, ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
    assert data is not None
    return rdflib.Graph().parse(data=data.decode(), format="nt")


def assert_error(response: TestResponse, status: int, fragment: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error", "message", "status"} and body["status"] == status
    assert fragment in body["message"]


# --- the query page --------------------------------------------------------------------------


def test_query_page_lists_every_stored_query_as_an_example(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    tags = Tags(response.get_data(as_text=True))
    examples = {a["data-name"]: a["data-query"] for a in tags.find("button") if "data-name" in a}
    stored = load_queries()
    assert examples == {q.name: q.sparql for q in stored}
    text = html.unescape(response.get_data(as_text=True))
    for query in stored:
        assert f'<span class="title">{query.title}</span>' in text
        assert f'<span class="description">{query.description}</span>' in text


def test_query_page_fills_in_kg_prefixes(client: FlaskClient) -> None:
    tags = Tags(client.get("/").get_data(as_text=True))
    for name, namespace in prefixes_for(BASE).items():
        assert f"PREFIX {name}: <{namespace}>" in tags.textarea
    assert "SELECT" in tags.textarea


def test_query_page_takes_a_query_parameter(client: FlaskClient) -> None:
    tags = Tags(client.get("/", query_string={"query": "ASK { }"}).get_data(as_text=True))
    assert tags.textarea == "ASK { }"


def test_query_page_config_names_base_kinds_and_formats(client: FlaskClient) -> None:
    tags = Tags(client.get("/").get_data(as_text=True))
    (page,) = tags.find("div", id="query-page")
    config = json.loads(page["data-config"])
    assert config["base"] == BASE and config["kinds"] == list(PAGE_KINDS)
    assert [name for name, _ in config["formats"]["results"]] == ["json", "xml", "csv", "tsv"]
    assert "turtle" in [name for name, _ in config["formats"]["graph"]]
    assert page["data-endpoint"] == "/sparql"


@pytest.mark.parametrize("path", ["/", "/entity/x/y"])
def test_pages_load_nothing_from_another_origin(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    tags = Tags(response.get_data(as_text=True))
    loaded = [a["src"] for _, a in tags.tags if "src" in a]
    loaded += [a["href"] for a in tags.find("link")]
    assert any(url.endswith(".js") for url in loaded) or path != "/"
    for url in loaded:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url
        with client.get(url) as asset:
            assert asset.status_code == 200, url


def test_vendored_codemirror_matches_its_readme() -> None:
    version = re.search(r'CodeMirror\.version = "([\d.]+)"', (STATIC / "codemirror.js").read_text())
    assert version is not None
    assert f"| {version.group(1)} | MIT" in (STATIC / "README.md").read_text()


# --- resource pages: HTML --------------------------------------------------------------------


def test_entity_page_shows_label_types_facts_and_evidence(client: FlaskClient, app: Flask) -> None:
    found = holder(app)
    response = client.get(path_of(found["entity"]), headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "Accept" in response.headers["Vary"]
    page = response.get_data(as_text=True)
    assert f"<h1>{html.escape(found['label'])}</h1>" in page
    assert html.escape(found["sentence"]) in page
    assert "kg:Person" in page and "kg:holdsPost" in page
    hrefs = {a["href"] for a in Tags(page).find("a") if "href" in a}
    assert path_of(found["post"]) in hrefs


def test_entity_page_links_resolve_on_this_server(client: FlaskClient, app: Flask) -> None:
    page = client.get(path_of(holder(app)["entity"]), headers={"Accept": "text/html"})
    local = {a["href"] for a in Tags(page.get_data(as_text=True)).find("a")}
    local = {href for href in local if href.startswith("/") and href.split("/")[1] in PAGE_KINDS}
    assert {href.split("/")[1] for href in local} >= {"entity", "article", "event"}
    for href in sorted(local):
        assert client.get(href, headers={"Accept": "text/html"}).status_code == 200, href


def test_entity_page_draws_its_neighbourhood_inline(client: FlaskClient, app: Flask) -> None:
    found = holder(app)
    page = client.get(path_of(found["entity"]), headers={"Accept": "text/html"})
    tags = Tags(page.get_data(as_text=True))
    assert len(tags.find("svg")) == 1
    assert path_of(found["post"]) in {a.get("href") for a in tags.find("a")}
    assert len(tags.find("line")) >= 2


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_kind_of_minted_iri_dereferences(client: FlaskClient, app: Flask, kind: str) -> None:
    query = (
        f'SELECT ?s WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{BASE}{kind}/") }} '
        "ORDER BY ?s LIMIT 1"
    )
    (row,) = list(store_of(app).query(query))  # type: ignore[arg-type]
    path = path_of(row["s"].value)
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 200
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 200


# --- resource pages: data --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_entity_data_is_its_concise_bounded_description(
    client: FlaskClient, app: Flask, accept: str, rdflib_format: str
) -> None:
    entity = holder(app)["entity"]
    response = client.get(path_of(entity), headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    served = rdflib.Graph().parse(data=response.get_data(as_text=True), format=rdflib_format)
    expected = store_cbd(store_of(app), entity)
    assert (rdflib.URIRef(entity), RDF.type, KG.Person) in served
    assert len(served) == len(expected) > 5
    assert isomorphic(to_isomorphic(served), to_isomorphic(expected))


def test_entity_turtle_uses_kg_prefixes(client: FlaskClient, app: Flask) -> None:
    response = client.get(path_of(holder(app)["entity"]), headers={"Accept": "text/turtle"})
    text = response.get_data(as_text=True)
    assert "@prefix kg: <https://w3id.org/kg-news/ontology#> ." in text
    assert f"@prefix person: <{BASE}entity/person/> ." in text


@pytest.mark.parametrize(
    ("headers", "query", "mimetype"),
    [
        ({"Accept": BROWSER_ACCEPT}, {}, "text/html"),
        ({"Accept": "*/*"}, {}, "text/turtle"),
        ({}, {}, "text/turtle"),
        ({"Accept": "application/rdf+xml"}, {}, "application/rdf+xml"),
        ({"Accept": "text/html"}, {"format": "jsonld"}, "application/ld+json"),
        ({"Accept": "text/turtle"}, {"format": "html"}, "text/html"),
    ],
)
def test_resource_negotiates_html_or_rdf(
    client: FlaskClient, app: Flask, headers: dict[str, str], query: dict[str, str], mimetype: str
) -> None:
    response = client.get(path_of(holder(app)["entity"]), headers=headers, query_string=query)
    assert response.status_code == 200
    assert response.mimetype == mimetype


def test_resource_unacceptable_format_is_406(client: FlaskClient, app: Flask) -> None:
    response = client.get(path_of(holder(app)["entity"]), headers={"Accept": "image/png"})
    assert_error(response, 406, "text/turtle")


# --- unknown IRIs ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/entity/person/nobody-00000000", "/event/x", "/fact/0"])
def test_unknown_iri_is_404_in_the_error_shape(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert_error(response, 404, f"<{BASE}{path[1:]}>")


def test_unknown_iri_is_an_html_404_for_browsers(client: FlaskClient) -> None:
    response = client.get("/entity/person/nobody", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert f"{BASE}entity/person/nobody" in response.get_data(as_text=True)


def test_path_that_is_no_iri_is_404(client: FlaskClient) -> None:
    assert_error(client.get("/entity/a%20b", headers={"Accept": "text/turtle"}), 404, "not")


def test_unminted_kind_is_not_routed(client: FlaskClient) -> None:
    assert_error(client.get("/thing/x", headers={"Accept": "text/turtle"}), 404, "")


# --- another base IRI ------------------------------------------------------------------------

OTHER_BASE = "https://news.example.net/kg/"


@pytest.fixture
def other_base(tmp_path: Path) -> Iterator[tuple[FlaskClient, dict[str, str]]]:
    """An app whose base IRI is not the request host, over one hand-made article graph."""
    person = mint.entity_iri(OTHER_BASE, "Person", "Ada Example")
    post = mint.entity_iri(OTHER_BASE, "Post", "Chief Tester")
    article = mint.article_iri(OTHER_BASE, "a1")
    fact = mint.fact_iri(OTHER_BASE, "a1", person, "holdsPost", post)
    sentence = "Ada Example, the chief tester, said so."
    p, o, a, f = map(rdflib.URIRef, (person, post, article, fact))
    triples = [
        (p, RDF.type, KG.Person),
        (p, RDFS.label, rdflib.Literal("Ada Example")),
        (p, SKOS.altLabel, rdflib.Literal("Ada")),
        (o, RDF.type, KG.Post),
        (o, RDFS.label, rdflib.Literal("Chief Tester")),
        (p, KG.holdsPost, o),
        (a, RDF.type, KG.Article),
        (a, SCHEMA.headline, rdflib.Literal("Testing news")),
        (f, RDF.type, KG.Fact),
        (f, RDF.subject, p),
        (f, RDF.predicate, KG.holdsPost),
        (f, RDF.object, o),
        (f, KG.sentence, rdflib.Literal(sentence)),
        (f, PROV.wasDerivedFrom, a),
    ]
    settings = Settings(store=tmp_path / "store", base_iri=OTHER_BASE)
    with GraphStore(settings.store) as store:
        store.replace_graph(mint.graph_iri(OTHER_BASE, "a1"), triples)
    app = create_app(settings)
    yield app.test_client(), {"person": person, "post": post, "fact": fact, "sentence": sentence}
    services(app).close()


def test_pages_follow_the_base_iri_not_the_host(
    other_base: tuple[FlaskClient, dict[str, str]],
) -> None:
    client, made = other_base
    path = path_of(made["person"], OTHER_BASE)
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<h1>Ada Example</h1>" in page and made["sentence"] in page
    assert "Testing news" in page and "Ada" in page
    assert path_of(made["post"], OTHER_BASE) in {a.get("href") for a in Tags(page).find("a")}
    served = rdflib.Graph().parse(data=client.get(path).get_data(as_text=True), format="turtle")
    assert len(served) == 4 + 6
    assert (rdflib.URIRef(made["fact"]), KG.sentence, rdflib.Literal(made["sentence"])) in served


# --- helpers ---------------------------------------------------------------------------------


def test_linker_links_minted_iris_here_and_others_out() -> None:
    linker = Linker(BASE, prefixes_for(BASE), "/kg/")
    assert linker.href(f"{BASE}entity/person/x-1") == "/kg/entity/person/x-1"
    assert linker.href(f"{BASE}graph/x-1") == f"{BASE}graph/x-1"
    assert linker.href("https://www.wikidata.org/wiki/Q1") == "https://www.wikidata.org/wiki/Q1"
    assert linker.href("javascript:alert(1)") is None
    assert linker.compact(f"{BASE}entity/person/x-1") == "person:x-1"
    assert linker.compact("https://w3id.org/kg-news/ontology#Person") == "kg:Person"
    assert linker.compact("urn:x:y") == "urn:x:y"


def _statement(index: int, href: str | None = "/entity/x") -> Statement:
    other = Term(f"node {index}", href, f"http://example.org/{index}")
    return Statement(Term("p", None, "http://example.org/p"), other, index % 2 == 0, ())


def test_neighbourhood_places_one_spoke_per_resource_inside_the_picture() -> None:
    statements = [_statement(i) for i in range(20)] + [_statement(0)]
    statements.append(
        Statement(_statement(1).predicate, Term("x", None, "x", is_iri=False), True, ())
    )
    spokes = neighbourhood(statements)
    assert len(spokes) == MAX_SPOKES
    assert len({(s.x, s.y) for s in spokes}) == MAX_SPOKES
    assert all(0 <= s.x <= WIDTH and 0 <= s.y <= HEIGHT for s in spokes)
    assert spokes[0].anchor == "middle" and spokes[0].y < HEIGHT / 2
    assert neighbourhood([]) == []
