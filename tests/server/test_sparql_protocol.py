"""The SPARQL 1.1 Protocol against a real `kg serve` process, through real clients."""

from __future__ import annotations

import json
import shutil
import subprocess

import httpx
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = [pytest.mark.server, IGNORE_LIVE_SERVER_PIPES]

KG = "https://w3id.org/kg-news/ontology#"
PREFIXES = f"PREFIX kg: <{KG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
POSTS = PREFIXES + (
    "SELECT ?name ?post WHERE { ?p kg:holdsPost ?x ; rdfs:label ?name . ?x rdfs:label ?post }"
)
RESIGNED = PREFIXES + ('ASK { ?e a kg:Resignation ; kg:agent ?p . ?p rdfs:label "James Mattis" }')
CONSTRUCT = PREFIXES + "CONSTRUCT { ?p kg:holdsPost ?x } WHERE { ?p kg:holdsPost ?x }"
MATTIS_POST = ("James Mattis", "Secretary of Defense")


def _pairs(document: dict[str, object]) -> set[tuple[str, str]]:
    bindings = document["results"]["bindings"]  # type: ignore[index]
    return {(b["name"]["value"], b["post"]["value"]) for b in bindings}


def test_sparqlwrapper_select_json(live_server: str) -> None:
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setQuery(POSTS)
    client.setReturnFormat(JSON)
    assert MATTIS_POST in _pairs(client.query().convert())


def test_sparqlwrapper_ask(live_server: str) -> None:
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setQuery(RESIGNED)
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_construct_turtle_parses_in_rdflib(live_server: str) -> None:
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    holders = set(graph.subjects(rdflib.URIRef(KG + "holdsPost"), None))
    assert len(holders) >= 2


def test_rdflib_sparqlstore_select_rows(live_server: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(f"{live_server}/sparql"))
    rows = {(str(row[0]), str(row[1])) for row in graph.query(POSTS)}  # type: ignore[index]
    assert MATTIS_POST in rows
    assert graph.query(RESIGNED).askAnswer is True


def test_httpx_get(live_server: str) -> None:
    response = httpx.get(f"{live_server}/sparql", params={"query": POSTS}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert MATTIS_POST in _pairs(response.json())


def test_httpx_post_form(live_server: str) -> None:
    response = httpx.post(
        f"{live_server}/sparql",
        data={"query": POSTS},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert MATTIS_POST in _pairs(response.json())


def test_httpx_post_direct(live_server: str) -> None:
    response = httpx.post(
        f"{live_server}/sparql",
        content=POSTS.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        timeout=30,
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert "James Mattis,Secretary of Defense" in response.text.splitlines()


def test_httpx_error_shape_over_the_wire(live_server: str) -> None:
    response = httpx.get(f"{live_server}/sparql", params={"query": "SELECT nonsense"}, timeout=30)
    assert response.status_code == 400
    assert set(response.json()) == {"error", "message", "status"}


def test_httpx_update_is_refused_without_token(live_server: str) -> None:
    response = httpx.post(f"{live_server}/sparql", data={"update": "CLEAR ALL"}, timeout=30)
    assert response.status_code == 403
    assert "update-token" in response.json()["message"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_post_form(live_server: str) -> None:
    curl = shutil.which("curl")
    assert curl is not None
    command = [curl, "-sS", "--fail", "-H", "Accept: application/sparql-results+json"]
    command += ["--data-urlencode", f"query={POSTS}", f"{live_server}/sparql"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    assert MATTIS_POST in _pairs(json.loads(done.stdout))


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_get_service_description(live_server: str) -> None:
    curl = shutil.which("curl")
    assert curl is not None
    command = [curl, "-sS", "--fail", "-H", "Accept: text/turtle", f"{live_server}/sparql"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    graph = rdflib.Graph().parse(data=done.stdout, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (rdflib.URIRef(f"{live_server}/sparql"), sd.endpoint, None) in graph
