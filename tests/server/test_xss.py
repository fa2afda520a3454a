"""Hostile text in the graph never runs in a browser: a store built from an article whose title,
text, quote and entity names carry script payloads is served by a real `kg serve`, and every
page of it, and the query page's results, are rendered in headless Chromium (Debian's, driven by
Playwright), once under kg's Content-Security-Policy and once with the policy bypassed, so that
escaping alone is shown to hold. A payload that ran would set ``window.__xss`` or the title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, expect
from spacy.language import Language

from kg.build import build
from kg.config import Settings
from kg.iri import article_iri, graph_iri
from kg.store import GraphStore
from tests.conftest import _start_server, _stop
from tests.server import IGNORE_LIVE_SERVER_PIPES
from tests.server.test_browser import browser

pytestmark = [pytest.mark.browser, pytest.mark.server, IGNORE_LIVE_SERVER_PIPES]

__all__ = ["browser"]

SCRIPT = "<script>window.__xss=1;document.title='pwned'</script>"
IMG = '"><img src=x onerror="window.__xss=2">'
SVG = "'><svg onload=window.__xss=3>"
CLOSE = "</textarea></td><script>window.__xss=5</script>"
TEMPLATE = "{{7*7}}${7*7}"
PAYLOADS = (SCRIPT, IMG, SVG, CLOSE, TEMPLATE)
BASE = "http://kg.example.org/"
HOSTILE = f"{BASE}entity/hostile"
ARTICLE = {
    "id": "hostile-article",
    "title": f"Minister {SCRIPT} resigns {IMG}",
    "published": "2024-03-01",
    "text": (
        f"Jane Doe, the minister of finance, resigned on Monday. {SVG} "
        f'"We will not accept {SCRIPT} in our budget," Jane Doe said in London. '
        f"John Smith {IMG} was appointed minister of finance by the prime minister. "
        f"The company Acme Corp {CLOSE} announced layoffs because of {TEMPLATE} losses."
    ),
}


def _literal(text: str) -> str:
    return json.dumps(text)


HOSTILE_DATA = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
INSERT DATA {{ GRAPH <$graph> {{
  <{HOSTILE}> a kg:Person ; rdfs:label {_literal(SCRIPT)} ; skos:altLabel {_literal(IMG)} ;
      schema:url <javascript:window.__xss=4> ; schema:sameAs <javascript:alert(1)> ;
      kg:quotedText {_literal(SVG)} ; schema:description {_literal(CLOSE)}@en ;
      schema:knows <{BASE}entity/other> .
  <{BASE}entity/other> a kg:Person ; rdfs:label {_literal(IMG + TEMPLATE)} .
  <{BASE}fact/hostile> a kg:Fact ; rdf:subject <{HOSTILE}> ; rdf:predicate schema:knows ;
      rdf:object <{BASE}entity/other> ; kg:sentence {_literal(SCRIPT + CLOSE)} ;
      prov:wasDerivedFrom <$article> .
}} }}
"""
PAGE_KINDS = "entity|event|article|fact|quote|reason|extractor"


@dataclass(frozen=True)
class Hostile:
    """The server's URL and the path of the article's page."""

    url: str
    article: str


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Iterator[Hostile]:
    """`kg serve` over a store built from the hostile article, plus hostile literals."""
    folder = tmp_path_factory.mktemp("hostile")
    articles = folder / "articles.jsonl"
    articles.write_text(json.dumps(ARTICLE) + "\n", "utf-8")
    store = folder / "store"
    assert build([articles], Settings(store=store), nlp=nlp).ok
    with GraphStore(store) as graph_store:
        article = article_iri(BASE, ARTICLE["id"])
        hostile_data = HOSTILE_DATA.replace("$article", article)
        graph_store.update(hostile_data.replace("$graph", graph_iri(BASE, ARTICLE["id"])))
    process, url = _start_server(store)
    yield Hostile(url, "/" + article.removeprefix(BASE))
    _stop(process)


def _page_paths(url: str) -> list[str]:
    """The path of every page kg serves for the store: each subject IRI it minted."""
    query = f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{BASE}')) }}"
    response = httpx.post(f"{url}/sparql", data={"query": query}, timeout=30)
    iris = [row["s"]["value"] for row in response.json()["results"]["bindings"]]
    pattern = re.compile(rf"^{re.escape(BASE)}(({PAGE_KINDS})/.+)$")
    return sorted("/" + m.group(1) for iri in iris if (m := pattern.match(iri)))


def _assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.title() != "pwned"
    assert dialogs == []
    foreign = page.evaluate(
        "[...document.scripts].filter(s => !s.src.includes('/assets/')).length"
        " + document.querySelectorAll('[onerror],[onload],img,iframe,object,embed').length"
        " + document.querySelectorAll('a[href^=\"javascript:\" i]').length"
    )
    assert foreign == 0


@pytest.fixture(params=["with-csp", "csp-bypassed"])
def context_page(
    request: pytest.FixtureRequest, browser: Browser
) -> Iterator[tuple[Page, list[str]]]:
    """A page under kg's CSP, or with CSP bypassed (escaping alone must hold); and the
    messages of any dialog a script opened."""
    context = browser.new_context(bypass_csp=request.param == "csp-bypassed")
    page = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    yield page, dialogs
    context.close()


def test_every_page_of_a_hostile_store_renders_inert(
    hostile: Hostile, context_page: tuple[Page, list[str]]
) -> None:
    page, dialogs = context_page
    paths = _page_paths(hostile.url)
    assert "/entity/hostile" in paths and hostile.article in paths
    assert len(paths) > 5
    for path in paths:
        response = page.goto(hostile.url + path)
        assert response is not None and response.status == 200, path
        _assert_nothing_ran(page, dialogs)


def test_hostile_text_shows_as_text(hostile: Hostile, context_page: tuple[Page, list[str]]) -> None:
    page, dialogs = context_page
    page.goto(hostile.url + "/entity/hostile")
    text = page.inner_text("body")
    for payload in PAYLOADS:
        assert payload in text, payload
    assert page.locator("h1").inner_text() == SCRIPT
    assert "49" not in text
    _assert_nothing_ran(page, dialogs)
    html = httpx.get(hostile.url + "/entity/hostile", headers={"Accept": "text/html"}).text
    assert "<script>window" not in html and "<img" not in html and "<svg onload" not in html


def test_article_page_escapes_its_headline(
    hostile: Hostile, context_page: tuple[Page, list[str]]
) -> None:
    page, dialogs = context_page
    page.goto(hostile.url + hostile.article)
    assert ARTICLE["title"] in page.inner_text("body")
    _assert_nothing_ran(page, dialogs)


def test_query_page_results_and_initial_query_are_inert(
    hostile: Hostile, context_page: tuple[Page, list[str]]
) -> None:
    page, dialogs = context_page
    query = (
        "SELECT ?s ?label ?o WHERE { ?s ?p ?label . OPTIONAL { ?s ?q ?o FILTER(isIRI(?o)) } "
        f"FILTER(CONTAINS(STR(?label), '<') || CONTAINS(STR(?label), '{{{{')) }} # {CLOSE}"
    )
    page.goto(hostile.url + "/?query=" + quote(query, safe=""))
    expect(page.locator(".CodeMirror")).to_be_visible()
    editor_text = page.evaluate("document.getElementById('query-page').editor.getValue()")
    assert editor_text == query
    page.click("#run")
    expect(page.locator("#status")).to_have_text(re.compile(r"rows?$"))
    cells = " ".join(page.locator(".results tbody td").all_inner_texts())
    for payload in (SCRIPT, IMG, SVG):
        assert payload in cells, payload
    _assert_nothing_ran(page, dialogs)


@pytest.mark.parametrize(
    "path",
    [
        "/entity/" + quote(SCRIPT, safe=""),
        "/entity/x" + quote(IMG, safe=""),
        "/?query=" + quote(CLOSE, safe=""),
        "/?query=" + quote(SCRIPT + IMG, safe=""),
    ],
)
def test_reflected_request_text_is_inert(
    hostile: Hostile, context_page: tuple[Page, list[str]], path: str
) -> None:
    """What a request carries (a path on the not-found page, the query page's ?query=) too."""
    page, dialogs = context_page
    page.goto(hostile.url + path)
    _assert_nothing_ran(page, dialogs)
