"""Property-based fuzzing of the endpoint's request parsing (hypothesis): random methods, paths
(every route), headers, query parameters and bodies. Whatever arrives, the answer is not a 5xx,
a 4xx error comes in the one JSON shape, and a refused request (4xx) leaves the store as it was.

Most examples go through the Flask app over a real store on disk; fewer through a real
``kg serve`` process (waitress) over HTTP, some as raw bytes on a socket. Updates are tried with
the configured token, a wrong one and none. Example counts: docs/reliability/fuzzing.md.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import socket
from collections.abc import Iterator
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kg.config import Settings
from kg.server import create_app
from kg.store import GraphStore
from tests.conftest import _start_server, _stop

TOKEN = "fuzz-token-0123456789"
BASE = Settings().base_iri
ENTITY = f"{BASE}entity/person-ada-quinn"
GRAPH = f"{BASE}graph/article-1"
EX = "http://example.org/"
FORM = "application/x-www-form-urlencoded"

SEED_UPDATE = f"""
INSERT DATA {{
  GRAPH <{GRAPH}> {{
    <{ENTITY}> a <{BASE}ontology#Person> ; <http://www.w3.org/2000/01/rdf-schema#label> "Ada" .
    <{BASE}entity/org-acme> <http://www.w3.org/2000/01/rdf-schema#label> "Acme"@en .
  }}
  <{EX}s> <{EX}p> "default graph" .
}}"""

METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "PROPFIND"]
PATHS = [
    "/",
    "/sparql",
    "/store",
    "/health",
    "/.well-known/void",
    "/assets/kg.css",
    "/assets/query.js",
    "/assets/..%2fREADME.md",
    "/entity/person-ada-quinn",
    "/entity/org-acme",
    "/entity/",
    "/event/x",
    "/article/article-1",
    "/fact/%00",
    "/quote/%ZZ",
    "/reason/a%2Fb",
    "/extractor/kg_posts",
    "/graph/article-1",
    "/nope",
]
PARAMETERS = [
    "query",
    "update",
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "using-named-graph-uri",
    "graph",
    "default",
    "format",
]
OPERATIONS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    f"DESCRIBE <{ENTITY}>",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }",
    'SELECT (STRDT("1", <x:y>) + 1 AS ?n) (1/0 AS ?z) (REGEX("a", "(") AS ?r) {}',
    f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }}",
    f"DELETE WHERE {{ <{EX}s> ?p ?o }}",
    f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }} ; DROP GRAPH <{EX}missing>",
    f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }} ; CREATE GRAPH <{GRAPH}>",
    f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }} ; LOAD <http://127.0.0.1:1/x.ttl>",
    f"DROP GRAPH <{EX}missing>",
    f"CREATE GRAPH <{GRAPH}>",
    f"CLEAR GRAPH <{EX}missing>",
    f"ADD <{EX}missing> TO <{EX}other>",
    f"MOVE <{GRAPH}> TO <{GRAPH}>",
    f'INSERT {{ ?s <{EX}q> "x" }} WHERE {{ ?s ?p ?o }} ; DELETE DATA {{ <{EX}a> <{EX}b> ?x }}',
    'INSERT DATA { <a:b> <c:d> "\\ud800" }',
    "INSERT DATA { _:b <x:p> 1 } ; WITH <x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]
MEDIA = [
    "application/sparql-query",
    "application/sparql-update",
    "application/x-www-form-urlencoded",
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "application/ld+json",
    "application/sparql-results+json",
    "application/json",
    "text/html",
    "text/csv",
    "multipart/form-data; boundary=xyz",
    "*/*",
    "",
    "garbage",
]
PARAMETER_VALUES = [
    "",
    "html",
    "json",
    "turtle",
    "xml",
    "csv",
    GRAPH,
    f"{EX}missing",
    "not an iri",
    "urn:x",
]

latin1 = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)
weird = st.text(max_size=80)


@st.composite
def operation_text(draw: st.DrawFn) -> str:
    """A query or update, as is, cut short, or with random text spliced in."""
    text = draw(st.sampled_from(OPERATIONS))
    cut = draw(st.integers(0, len(text)))
    spliced = text[:cut] + draw(weird) + text[cut:]
    return draw(st.sampled_from([text, text, text, text[:cut], spliced, draw(weird), text + ";"]))


@st.composite
def media_type(draw: st.DrawFn) -> str:
    """A media type, maybe with a q-value or an odd charset."""
    media = draw(st.sampled_from(MEDIA) | latin1)
    extra = draw(
        st.sampled_from(
            ["", "; charset=utf-8", "; charset=latin-1", "; charset=utf-16", ";q=0.5", ";q=abc"]
        )
    )
    return media + extra


parameters = st.lists(
    st.tuples(
        st.sampled_from(PARAMETERS) | weird,
        st.one_of(operation_text(), st.sampled_from(PARAMETER_VALUES), weird),
    ),
    max_size=4,
)
AUTHORIZATIONS = [None, f"Bearer {TOKEN}", f"Bearer {TOKEN}", f"bearer  {TOKEN} ", "Bearer wrong"]
AUTHORIZATIONS += ["Bearer ", "Basic dXNlcjpwYXNz"]
# Parameters beside the operation: dataset, graph, format (and rarely anything).
extra_parameters = st.lists(
    st.tuples(st.sampled_from(PARAMETERS[2:]) | weird, st.sampled_from(PARAMETER_VALUES) | weird),
    max_size=2,
)
authorizations = st.sampled_from(AUTHORIZATIONS) | latin1.map(lambda v: f"Bearer {v}")


@st.composite
def body(draw: st.DrawFn) -> bytes:
    """A request body: an operation, a form, RDF, random bytes, or text in another encoding."""
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(operation_text()).encode("utf-8", errors="surrogatepass")
    if choice == 1:
        return urlencode(draw(parameters)).encode("ascii")
    if choice == 2:
        return f'<{EX}s> <{EX}p> "{draw(weird)}" .'.encode(errors="surrogatepass")
    if choice == 3:
        return draw(st.binary(max_size=300))
    encoding = draw(st.sampled_from(["utf-16", "latin-1", "utf-32"]))
    return draw(operation_text()).encode(encoding, errors="replace")


@st.composite
def request(draw: st.DrawFn) -> dict[str, object]:
    """One HTTP request: method, path, query string, headers and body, all random."""
    path = draw(st.sampled_from(PATHS) | weird.map(lambda t: "/" + quote(t, safe="/")))
    headers = {}
    for name, value in (
        ("Accept", draw(st.none() | media_type())),
        ("Content-Type", draw(st.none() | media_type())),
        ("Authorization", draw(authorizations)),
        ("Origin", draw(st.none() | st.sampled_from(["http://a.example", "null"]))),
    ):
        if value is not None:
            headers[name] = value
    return {
        "method": draw(st.sampled_from(METHODS) | st.from_regex(r"\A[A-Z]{1,10}\Z")),
        "path": path,
        "query": urlencode(draw(parameters)),
        "headers": headers,
        "body": draw(st.none() | body()),
    }


@st.composite
def protocol_request(draw: st.DrawFn) -> dict[str, object]:
    """A request shaped like the SPARQL or Graph Store Protocol (method, media type and body
    agree) with fuzzed content, so that most reach the operation's parsing and the store."""
    token = draw(authorizations)
    headers = {} if token is None else {"Authorization": token}
    accept = draw(st.none() | media_type())
    if accept is not None:
        headers["Accept"] = accept
    params = draw(extra_parameters)
    form = draw(st.sampled_from(["query", "update", "graph", "sparql-query", "sparql-update"]))
    text = draw(operation_text())
    if form in ("query", "update"):
        method, path, media = draw(st.sampled_from(["GET", "POST"])), "/sparql", FORM
        params = [(form, text), *params]
        data = urlencode(params).encode() if method == "POST" else None
        query = "" if method == "POST" else urlencode(params)
    elif form == "graph":
        method, path = draw(st.sampled_from(["GET", "PUT", "POST", "DELETE"])), "/store"
        media = draw(st.sampled_from(MEDIA[3:9]))
        data = draw(body()) if method in ("PUT", "POST") else None
        target = draw(st.sampled_from([[("default", "")], [("graph", GRAPH)], []]))
        query = urlencode(target + params)
    else:
        method, path, media = "POST", "/sparql", f"application/{form}"
        data, query = text.encode("utf-8", errors="surrogatepass"), urlencode(params)
    headers["Content-Type"] = media
    return {"method": method, "path": path, "query": query, "headers": headers, "body": data}


requests_ = st.one_of(request(), protocol_request())


def digest(store: GraphStore) -> tuple[int, str]:
    """The store's quad count and a hash of its sorted N-Quads."""
    output = io.BytesIO()
    store.native.dump(output, ox.RdfFormat.N_QUADS)
    lines = sorted(output.getvalue().splitlines())
    return len(lines), hashlib.sha256(b"\n".join(lines)).hexdigest()


def check_answer(status: int, content_type: str, data: bytes, method: str) -> None:
    """No 5xx; a 4xx JSON error has the one error shape."""
    event(f"status {status}")
    assert status < 500, (status, data[:500])
    if status >= 400 and content_type.startswith("application/json") and method != "HEAD":
        error = json.loads(data)
        assert set(error) == {"error", "message", "status"} and error["status"] == status


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app over its own small store, updates allowed with TOKEN, CORS for one origin."""
    path = tmp_path_factory.mktemp("fuzz") / "store"
    with GraphStore(path) as store:
        store.update(SEED_UPDATE)
    settings = Settings(store=path, update_token=TOKEN, cors_origins="http://a.example")
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    app.extensions["kg"].close()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(req=requests_)
def test_app_answers_any_request_without_5xx_or_change_when_refused(
    fuzz_app: Flask, req: dict[str, object]
) -> None:
    store = fuzz_app.extensions["kg"].store
    store.update(SEED_UPDATE)  # put back what an accepted update may have removed
    before = digest(store)
    method = str(req["method"])
    response = fuzz_app.test_client().open(
        str(req["path"]),
        method=method,
        query_string=str(req["query"]),
        headers=req["headers"],  # type: ignore[arg-type]
        data=req["body"],  # type: ignore[arg-type]
    )
    data = response.get_data()
    response.close()  # static files are streamed from an open file
    check_answer(response.status_code, response.content_type or "", data, method)
    if 400 <= response.status_code < 500:
        assert digest(store) == before, (response.status_code, data[:300])


@pytest.mark.parametrize(
    ("update", "status"),
    [
        (f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }} ; DROP GRAPH <{EX}missing>", 400),
        (f"CREATE GRAPH <{GRAPH}>", 400),
        (f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }} ; CLEAR GRAPH <{EX}missing>", 400),
    ],
)
def test_issue_fuzz_failed_update_is_400_and_changes_nothing(
    fuzz_app: Flask, update: str, status: int
) -> None:
    """Found by fuzzing: Oxigraph raises RuntimeError for an update that fails while it runs
    (dropping a graph that does not exist, creating one that does); that was a 500."""
    store = fuzz_app.extensions["kg"].store
    before = digest(store)
    response = fuzz_app.test_client().post(
        "/sparql",
        data=update,
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == status, response.data
    assert response.json is not None and response.json["error"] == "QueryError"
    assert digest(store) == before


def test_oversized_body_is_413_and_changes_nothing(fuzz_app: Flask) -> None:
    store = fuzz_app.extensions["kg"].store
    before = digest(store)
    update = f'INSERT DATA {{ <{EX}a> <{EX}b> "{"x" * 1_100_000}" }}'
    response = fuzz_app.test_client().post(
        "/sparql",
        data=update,
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 413
    assert digest(store) == before


# Through a real server: waitress parses the HTTP, then the same app answers.

QUADS = "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kg serve` over its own small store (updates with TOKEN); yields the base URL."""
    path = tmp_path_factory.mktemp("fuzz-live") / "store"
    with GraphStore(path) as store:
        store.update(SEED_UPDATE)
    process, url = _start_server(path, "--update-token", TOKEN, "--no-union-default-graph")
    yield url
    _stop(process)


def _exchange(url: str, req: dict[str, object]) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        target = str(req["path"]) + (f"?{req['query']}" if req["query"] else "")
        headers = {k: str(v).encode("latin-1") for k, v in dict(req["headers"]).items()}  # type: ignore[call-overload]
        connection.request(str(req["method"]), target, req["body"], headers)  # type: ignore[arg-type]
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def remote_digest(url: str) -> tuple[int, str]:
    """Count and hash of every quad, read through the server's own SPARQL endpoint."""
    status, _, data = _exchange(
        url,
        {
            "method": "GET",
            "path": "/sparql",
            "query": urlencode({"query": QUADS, "format": "tsv"}),
            "headers": {},
            "body": None,
        },
    )
    assert status == 200, data
    lines = sorted(data.splitlines()[1:])
    return len(lines), hashlib.sha256(b"\n".join(lines)).hexdigest()


@pytest.mark.server
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(req=requests_)
def test_server_answers_any_request_without_5xx_or_change_when_refused(
    fuzz_server: str, req: dict[str, object]
) -> None:
    seed = {"update": SEED_UPDATE}
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": FORM}
    restore = {"method": "POST", "path": "/sparql", "query": "", "headers": headers}
    assert _exchange(fuzz_server, {**restore, "body": urlencode(seed).encode()})[0] == 204
    before = remote_digest(fuzz_server)
    status, content_type, data = _exchange(fuzz_server, req)
    check_answer(status, content_type, data, str(req["method"]))
    if 400 <= status < 500:
        assert remote_digest(fuzz_server) == before, (status, data[:300])


def _http_bytes(method: str, target: str, version: str, headers: list[str], body: bytes) -> bytes:
    head = "".join(f"{line}\r\n" for line in [f"{method} {target} {version}", *headers])
    return f"{head}\r\n".encode("latin-1", "replace") + body


raw_requests = st.one_of(
    st.binary(max_size=400),
    st.tuples(
        st.sampled_from(["GET", "POST", "BREW", "get", ""]),
        st.sampled_from(["/sparql", "/", "*", "http://x/sparql", "/%", "/\x00", ""]),
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9", "", "FOO"]),
        st.lists(
            st.sampled_from(
                [
                    "Host: x",
                    "Content-Length: 5",
                    "Content-Length: -1",
                    "Content-Length: 99999999999999999999",
                    "Transfer-Encoding: chunked",
                    "Transfer-Encoding: gzip",
                    "Content-Type: application/sparql-query",
                    "Expect: 100-continue",
                    "X: " + "y" * 9000,
                    "bad header",
                    ": empty",
                ]
            ),
            max_size=4,
        ),
        st.binary(max_size=60),
    ).map(lambda r: _http_bytes(*r)),
)


def _raw_status(url: str, data: bytes) -> int | None:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except TimeoutError:
            pass
    first = answer.split(b"\r\n", 1)[0].split()
    return int(first[1]) if len(first) > 1 and first[1].isdigit() else None


@pytest.mark.server
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=raw_requests)
def test_server_survives_malformed_http(fuzz_server: str, data: bytes) -> None:
    status = _raw_status(fuzz_server, data)
    if status == 501:
        # RFC 9112, 6.1: a transfer coding the server does not understand gets a 501 (waitress
        # answers so before kg sees the request). Found by this test; the one 5xx allowed.
        lines = data.split(b"\r\n\r\n", 1)[0].lower().split(b"\r\n")[1:]
        codings = [
            h.split(b":", 1)[1].strip() for h in lines if h.startswith(b"transfer-encoding:")
        ]
        assert codings and codings != [b"chunked"], data[:200]
        return
    assert status is None or status < 500, (status, data[:200])
    assert remote_digest(fuzz_server)[0] > 0  # still answering, store intact
