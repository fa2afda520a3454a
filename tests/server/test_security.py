"""Security of the endpoint under hostile requests, through real `kg serve` processes and real
HTTP clients: writes without the right token change nothing, SERVICE and LOAD reach no host that
is not on the allow-list, no path reads a file, every response carries the security headers, and
the size limits hold. Each refusal is checked against the store's quads (a digest read from disk
before and after) and against a loopback HTTP server that records any request it gets.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import http.client
import http.server
import inspect
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

import kg.server.auth
from kg.config import Settings
from kg.errors import InputError, QueryError
from kg.server import create_app, services
from kg.server.allowlist import non_global_address, refusal
from kg.server.federation import keyword_count, remote_calls
from kg.server.headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from kg.server.json_depth import check_json_depth
from kg.store import GraphStore
from tests.conftest import _start_server, _stop
from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = [pytest.mark.server, IGNORE_LIVE_SERVER_PIPES]

TOKEN = "k3y-For-the-security-tests-0123456789"
BASE = "http://kg.example.org/"
ARTICLE = f"{BASE}article/a1"
SEED = f"""
INSERT DATA {{
  GRAPH <{ARTICLE}> {{
    <{BASE}entity/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .
    <{BASE}entity/y> <http://www.w3.org/2000/01/rdf-schema#label> "y" .
  }}
  <http://d.example/s> <http://d.example/p> "in the default graph" .
}}
"""
TURTLE = '<http://evil.example/s> <http://evil.example/p> "written" .\n'
DROP = "DROP ALL"


def _seeded(path: Path) -> Path:
    with GraphStore(path) as store:
        store.update(SEED)
    return path


def _digest(lines: list[str]) -> tuple[int, str]:
    return len(lines), hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def disk_digest(path: Path) -> tuple[int, str]:
    """How many quads the store on disk holds and a digest of all of them (no server may hold
    the store: a read-only open beside a writer is undefined behaviour in Oxigraph)."""
    with GraphStore(path) as store:
        result = store.query(_ALL_QUADS, union=False)
        assert isinstance(result, ox.QuerySolutions)
        tsv = result.serialize(format=ox.QueryResultsFormat.TSV)
    assert tsv is not None
    return _digest(tsv.decode().splitlines()[1:])


_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def quads_digest(served: Served) -> tuple[int, str]:
    """The same, for every quad a running server (union default graph off) holds."""
    response = httpx.post(
        f"{served.url}/sparql",
        data={"query": _ALL_QUADS},
        headers={"Accept": "text/tab-separated-values"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return _digest(response.text.splitlines()[1:])


@dataclass(frozen=True)
class Served:
    """A running `kg serve` and the store directory it serves."""

    url: str
    store: Path


# --- a loopback HTTP server that records every request ---------------------------------------


@dataclass
class Recorder:
    """A loopback server answering SPARQL (POST) with no rows and Turtle (GET) with a triple."""

    url: str
    port: int
    hits: list[str] = field(default_factory=list)


class _Recording(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def _answer(self, body: bytes, media: str) -> None:
        self.hits.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(TURTLE.encode(), "text/turtle")

    def do_POST(self) -> None:
        self._answer(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}', "application/json")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """A loopback HTTP server recording every request; yields its URL, port and hits."""
    hits: list[str] = []
    handler = type("Handler", (_Recording,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Recorder(f"http://127.0.0.1:{server.server_port}", server.server_port, hits)
    server.shutdown()
    server.server_close()


# --- writes: the token --------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """One write request: method, path and query, body and its type."""

    method: str
    path: str
    body: str = ""
    media: str | None = None


WRITES = {
    "update-form": Write(
        "POST", "/sparql", f"update={quote(DROP)}", "application/x-www-form-urlencoded"
    ),
    "update-body": Write("POST", "/sparql", DROP, "application/sparql-update"),
    "update-in-url": Write("POST", f"/sparql?update={quote(DROP)}"),
    "update-form-insert": Write(
        "POST",
        "/sparql",
        "update=" + quote(f"INSERT DATA {{ {TURTLE} }}"),
        "application/x-www-form-urlencoded",
    ),
    "gsp-put-graph": Write("PUT", f"/store?graph={quote(ARTICLE)}", TURTLE, "text/turtle"),
    "gsp-post-graph": Write("POST", f"/store?graph={quote(ARTICLE)}", TURTLE, "text/turtle"),
    "gsp-post-new-graph": Write(
        "POST", "/store?graph=http://evil.example/g", TURTLE, "text/turtle"
    ),
    "gsp-delete-graph": Write("DELETE", f"/store?graph={quote(ARTICLE)}"),
    "gsp-put-default": Write("PUT", "/store?default", TURTLE, "text/turtle"),
    "gsp-post-default": Write("POST", "/store?default", TURTLE, "text/turtle"),
    "gsp-delete-default": Write("DELETE", "/store?default"),
}
_BASIC = base64.b64encode(f"kg:{TOKEN}".encode()).decode()
# What the Authorization header holds (None: no header) and the status kg must answer.
BAD_AUTH: dict[str, tuple[bytes | None, int]] = {
    "missing": (None, 401),
    "empty": (b"", 401),
    "scheme-only": (b"Bearer", 401),
    "scheme-and-blank": (b"Bearer    ", 401),
    "token-without-scheme": (TOKEN.encode(), 401),
    "basic-scheme": (f"Basic {_BASIC}".encode(), 401),
    "other-scheme": (f"Token {TOKEN}".encode(), 401),
    "wrong-same-length": (b"Bearer " + b"x" * len(TOKEN), 403),
    "wrong-shorter": (f"Bearer {TOKEN[:-1]}".encode(), 403),
    "wrong-longer": (f"Bearer {TOKEN}0".encode(), 403),
    "prefix-only": (f"Bearer {TOKEN[:4]}".encode(), 403),
    "wrong-case": (f"Bearer {TOKEN.upper()}".encode(), 403),
    "token-twice": (f"Bearer {TOKEN} {TOKEN}".encode(), 403),
    "non-ascii": ("Bearer tökén".encode("latin-1"), 403),
    "nul-byte": (f"Bearer {TOKEN}\x00".encode(), 400),
}


def _serve(path: Path, *extra: str, check: bool = True) -> Iterator[Served]:
    """`kg serve` over path (union default graph off, so the default graph is its own); after
    it stops (check), the quads on disk must be those it served last."""
    process, url = _start_server(path, "--no-union-default-graph", *extra)
    served = Served(url, path)
    yield served
    last = quads_digest(served) if check else None
    _stop(process)
    if check:
        assert disk_digest(path) == last


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`kg serve --update-token TOKEN` over a small seeded store."""
    yield from _serve(
        _seeded(tmp_path_factory.mktemp("guarded") / "store"), "--update-token", TOKEN
    )


@pytest.fixture(scope="module")
def unguarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`kg serve` with no update token over a small seeded store."""
    yield from _serve(_seeded(tmp_path_factory.mktemp("unguarded") / "store"))


def send(url: str, write: Write, authorization: bytes | None) -> http.client.HTTPResponse:
    """Send write with exactly this Authorization header (raw bytes, not normalised)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    connection.putrequest(write.method, write.path)
    if authorization is not None:
        connection.putheader("Authorization", authorization)
    if write.media:
        connection.putheader("Content-Type", write.media)
    body = write.body.encode()
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize("auth", list(BAD_AUTH), ids=list(BAD_AUTH))
@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_write_with_bad_credentials_is_refused_and_changes_nothing(
    guarded: Served, write: str, auth: str
) -> None:
    header, status = BAD_AUTH[auth]
    before = quads_digest(guarded)
    response = send(guarded.url, WRITES[write], header)
    assert response.status == status
    if status == 401:
        assert response.getheader("WWW-Authenticate") == 'Bearer realm="kg"'
    assert quads_digest(guarded) == before


@pytest.mark.parametrize("auth", ["missing", "right-token", "wrong-same-length"])
@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_without_a_configured_token_every_write_is_refused(
    unguarded: Served, write: str, auth: str
) -> None:
    header = f"Bearer {TOKEN}".encode() if auth == "right-token" else BAD_AUTH[auth][0]
    before = quads_digest(unguarded)
    response = send(unguarded.url, WRITES[write], header)
    assert response.status == 403
    assert quads_digest(unguarded) == before


def test_update_by_get_is_refused_even_with_the_token(guarded: Served) -> None:
    before = quads_digest(guarded)
    response = httpx.get(
        f"{guarded.url}/sparql",
        params={"update": DROP},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 400
    assert quads_digest(guarded) == before


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_the_right_token_does_write(tmp_path: Path, write: str) -> None:
    """The control: the digest does see a write made with the token."""
    served = next(gen := _serve(_seeded(tmp_path / "store"), "--update-token", TOKEN))
    try:
        before = quads_digest(served)
        response = send(served.url, WRITES[write], f"Bearer {TOKEN}".encode())
        after = quads_digest(served)
    finally:
        next(gen, None)
    assert response.status in (200, 201, 204)
    assert after != before


def test_token_comparison_is_hmac_compare_digest_on_bytes() -> None:
    """Structural: the token is compared by hmac.compare_digest on UTF-8 bytes, never by ==."""
    tree = ast.parse(inspect.getsource(kg.server.auth))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "hmac.compare_digest"
    ]
    assert len(calls) == 1
    for argument in calls[0].args:
        assert isinstance(argument, ast.Call)
        assert ast.unparse(argument.func).endswith(".encode")
    comparisons = [n for n in ast.walk(tree) if isinstance(n, ast.Compare)]
    for comparison in comparisons:
        assert "token" not in ast.unparse(comparison).replace("not token", ""), ast.unparse(
            comparison
        )


# --- SERVICE: the allow-list --------------------------------------------------------------------

ALLOWED = "http://allowed.example/sparql"
# Targets that must be refused when only ALLOWED is on the list; {port} is the recorder's.
REFUSED_TARGETS = [
    "http://127.0.0.1:{port}/sparql",
    "http://localhost:{port}/sparql",
    "http://LOCALHOST:{port}/sparql",
    "http://[::1]:{port}/sparql",
    "http://10.0.0.1/sparql",
    "http://10.255.255.254:8080/sparql",
    "http://172.16.0.1/sparql",
    "http://172.31.255.1/sparql",
    "http://192.168.1.1/sparql",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0:{port}/sparql",
    "http://0:{port}/sparql",
    "http://2130706433:{port}/sparql",
    "http://0x7f000001:{port}/sparql",
    "http://0x7f.1:{port}/sparql",
    "http://0177.0.0.1:{port}/sparql",
    "http://127.1:{port}/sparql",
    "http://[::ffff:127.0.0.1]:{port}/sparql",
    "http://[::ffff:7f00:1]:{port}/sparql",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/sparql",
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "ftp://127.0.0.1:{port}/sparql",
    "gopher://127.0.0.1:{port}/_x",
    "urn:x:sparql",
    "mailto:root@127.0.0.1",
    "http://allowed.example@127.0.0.1:{port}/sparql",
    "http://allowed.example:80@127.0.0.1:{port}/sparql",
    "http://user:pass@allowed.example/sparql",
    "http://allowed.example.evil.test/sparql",
    "http://evilallowed.example/sparql",
    "http://allowed.example/sparql2",
    "http://allowed.example/sparqlx/../sparql",
    "http://allowed.example/sparql/../admin",
    "http://allowed.example/sparql/%2e%2e/admin",
    "http://allowed.example/sparql/%2E%2E/%2e%2e/admin",
    "http://allowed.example:8080/sparql",
    "https://allowed.example/sparql",
    "http://allowed.example:99999/sparql",
]
# How a SERVICE can stand in a query: {t} is the target IRI.
PLACEMENTS = {
    "plain": "SELECT * WHERE {{ SERVICE <{t}> {{ ?s ?p ?o }} }}",
    "silent": "SELECT * WHERE {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
    "lower-case": "select * where {{ service silent <{t}> {{ ?s ?p ?o }} }}",
    "subquery": "SELECT * {{ {{ SELECT ?s WHERE {{ SERVICE SILENT <{t}> {{?s ?p ?o}} }} }} }}",
    "optional": "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }} }}",
    "union": "SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }} }}",
    "minus": "SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }} }}",
    "exists": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT <{t}> {{?s ?p ?o}} }} }}",
    "not-exists": "ASK {{ FILTER NOT EXISTS {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }} }}",
    "graph": "SELECT * WHERE {{ GRAPH ?g {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
    "describe": "DESCRIBE ?s WHERE {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
    "nested-in-allowed": (
        f"SELECT * {{{{ SERVICE SILENT <{ALLOWED}> {{{{ SERVICE <{{t}}> {{{{?s ?p ?o}}}} }}}} }}}}"
    ),
    "comment-between": "SELECT * {{ SERVICE #<http://allowed.example/>\n <{t}> {{?s ?p ?o}} }}",
    "values-bound": "SELECT * WHERE {{ VALUES ?x {{ 1 }} SERVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
}


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[FlaskClient]:
    """The app over a seeded store, only ALLOWED on the SERVICE list, updates with TOKEN."""
    settings = Settings(
        store=_seeded(tmp_path / "store"), service_allowlist=ALLOWED, update_token=TOKEN
    )
    app = create_app(settings)
    yield app.test_client()
    services(app).close()


@pytest.mark.parametrize("target", REFUSED_TARGETS)
def test_service_to_a_host_off_the_list_is_refused_without_a_request(
    app_client: FlaskClient, recorder: Recorder, target: str
) -> None:
    iri = target.format(port=recorder.port)
    query = PLACEMENTS["silent"].format(t=iri)
    response = app_client.post("/sparql", data={"query": query})
    assert response.status_code == 403, response.get_json()
    assert "SERVICE" in response.get_json()["message"]
    assert recorder.hits == []


@pytest.mark.parametrize("placement", list(PLACEMENTS))
def test_service_is_refused_wherever_it_stands(
    app_client: FlaskClient, recorder: Recorder, placement: str
) -> None:
    query = PLACEMENTS[placement].format(t=f"{recorder.url}/sparql")
    response = app_client.get("/sparql", query_string={"query": query})
    # 400: rdflib cannot read it (a SERVICE nested in a SERVICE overflows its translation)
    assert response.status_code in (400, 403)
    if response.status_code == 403:
        assert recorder.url in response.get_json()["message"]
    assert recorder.hits == []


SNEAKY = {
    "digit-glued": "SELECT * WHERE {{ ?s ?p 1SERVICE <{t}> {{ ?a ?b ?c }} }}",
    "boolean-glued": "SELECT * WHERE {{ ?s ?p trueSERVICE <{t}> {{ ?a ?b ?c }} }}",
    "decimal-glued": "SELECT * WHERE {{ ?s ?p 1.5SERVICE <{t}> {{ ?a ?b ?c }} }}",
    "prefixed": "PREFIX e: <{t}> SELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
    "base-relative": "BASE <{t}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "base-scheme-relative": (
        "BASE <http://allowed.example/> SELECT * WHERE {{ SERVICE <//{h}/sparql> {{ ?s ?p ?o }} }}"
    ),
    "variable": "SELECT * WHERE {{ BIND(<{t}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "values-variable": "SELECT * WHERE {{ VALUES ?e {{ <{t}> }} SERVICE SILENT ?e {{?s ?p ?o}} }}",
    "unicode-escape": "SELECT * WHERE {{ \\u0053ERVICE <{t}> {{ ?s ?p ?o }} }}",
    "update-where": "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{t}> {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("sneaky", list(SNEAKY))
def test_service_written_unusually_is_refused_without_a_request(
    tmp_path: Path, recorder: Recorder, sneaky: str
) -> None:
    """Through a real `kg serve` whose seeded data makes every trick reachable."""
    text = SNEAKY[sneaky].format(t=f"{recorder.url}/sparql", h=f"127.0.0.1:{recorder.port}")
    with GraphStore(tmp_path / "store") as store:
        store.update(SEED)
        store.update("INSERT DATA { <http://d.example/n> <http://d.example/p> 1, true, 1.5 }")
    served = next(
        gen := _serve(tmp_path / "store", "--update-token", TOKEN, "--service-allowlist", ALLOWED)
    )
    try:
        kind = "update" if sneaky.startswith("update") else "query"
        response = httpx.post(
            f"{served.url}/sparql",
            data={kind: text},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
    finally:
        next(gen, None)
    assert response.status_code in (400, 403), response.text
    assert recorder.hits == []


def test_the_recorder_does_see_an_allowed_service(tmp_path: Path, recorder: Recorder) -> None:
    """The control: the same request reaches the recorder once its IRI is on the list."""
    settings = Settings(store=_seeded(tmp_path / "store"), service_allowlist=f"{recorder.url}/")
    app = create_app(settings)
    query = PLACEMENTS["subquery"].format(t=f"{recorder.url}/sparql")
    response = app.test_client().post("/sparql", data={"query": query})
    services(app).close()
    assert response.status_code == 200
    assert recorder.hits == ["POST /sparql"]


@pytest.mark.parametrize(
    ("target", "entry"),
    [
        ("http://allowed.example/sparql", "http://allowed.example/sparql"),
        ("http://allowed.example/sparql/x", "http://allowed.example/sparql"),
        ("http://allowed.example/sparql?x=1", "http://allowed.example/sparql"),
        ("http://ALLOWED.example:80/sparql", "http://allowed.example/sparql"),
        ("https://allowed.example/a/b", "https://allowed.example:443/"),
        ("http://127.0.0.1:7/sparql", "http://127.0.0.1:7/sparql"),
        ("http://localhost:7/sparql", "http://localhost:7/"),
    ],
)
def test_allowlist_matches_scheme_host_port_and_path(target: str, entry: str) -> None:
    reason = refusal(target, f"http://other.example/, {entry}")
    assert "allow-list" not in reason
    assert "user information" not in reason


def test_an_allowed_dns_name_that_resolves_to_loopback_is_refused() -> None:
    """`localhost.` is a DNS name, not the literal `localhost` the operator may list."""
    assert non_global_address("localhost.", 80) is not None
    reason = refusal("http://localhost.:7/sparql", "http://localhost.:7/sparql")
    assert "non-public address" in reason


def test_ip_literal_and_localhost_entries_are_the_operators_choice() -> None:
    assert refusal("http://127.0.0.1:7/sparql", "http://127.0.0.1:7/sparql") == ""
    assert refusal("http://localhost:7/sparql", "http://localhost:7/sparql") == ""
    assert refusal("http://[::1]:7/sparql", "http://[::1]:7/") == ""


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("SELECT * { SERVICE <x> {} }", 1),
        ("SELECT * { ?s ?p 1SERVICE <x> {} }", 1),
        ("SELECT * { ?s ?p 'SERVICE' . ?s ?p <http://x/SERVICE> }", 0),
        ("SELECT ?service { ?service ?p ?o } # SERVICE", 0),
        ('PREFIX service: <http://x/> SELECT * { ?s service:service "x"@en }', 0),
        ('SELECT * { ?s ?p """a\nSERVICE <x> {}""" }', 0),
        ("SELECT * { service <a> {} SeRvIcE <b> {} }", 2),
    ],
)
def test_keyword_count_reads_keywords_as_sparql_does(text: str, count: int) -> None:
    assert keyword_count(text, "SERVICE") == count


def test_more_keywords_than_parsed_services_is_refused() -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        remote_calls("SELECT * WHERE { ?s ?p 1SERVICE <http://x/> { ?a ?b ?c } }", "query")


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("query", "SELECT * FROM <{u}/from> WHERE {{ ?s ?p ?o }}"),
        ("query", "SELECT * FROM NAMED <{u}/named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("query", "DESCRIBE <{u}/describe>"),
        ("update", "ADD <{u}/add> TO DEFAULT"),
        ("update", "CREATE SILENT GRAPH <{u}/create>"),
        ("update", "WITH <{u}/with> INSERT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}"),
        ("update", "INSERT {{ ?s ?p ?o }} USING <{u}/using> WHERE {{ ?s ?p ?o }}"),
    ],
)
def test_only_service_and_load_reach_the_network(
    app_client: FlaskClient, recorder: Recorder, kind: str, text: str
) -> None:
    """Graph IRIs in FROM, USING, WITH, ADD, CREATE name graphs of the store; nothing is fetched."""
    response = app_client.post(
        "/sparql",
        data={kind: text.format(u=recorder.url)},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code in (200, 204)
    assert recorder.hits == []


# --- LOAD ---------------------------------------------------------------------------------------

LOADS = [
    "LOAD <{url}/data.ttl>",
    "LOAD SILENT <{url}/data.ttl>",
    "LOAD <{url}/data.ttl> INTO GRAPH <http://evil.example/g>",
    "LOAD SILENT <{url}/data.ttl> INTO GRAPH <http://evil.example/g>",
    "load <{url}/data.ttl>",
    "LOAD <file:///etc/passwd>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://evil.example/g>",
    "LOAD <file://{turtle_file}>",
    "LOAD <ftp://127.0.0.1/data.ttl>",
    "BASE <{url}/> LOAD <data.ttl>",
    "INSERT DATA {{ <http://a/s> <http://a/p> 1 }} ; LOAD SILENT <{url}/data.ttl>",
    "CLEAR SILENT GRAPH <http://evil.example/g> ; LOAD <{url}/data.ttl>",
]


@pytest.fixture(scope="module")
def loader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`kg serve --update-token TOKEN` with no LOAD allow-list."""
    yield from _serve(_seeded(tmp_path_factory.mktemp("loader") / "store"), "--update-token", TOKEN)


@pytest.mark.parametrize("load", LOADS)
def test_load_is_refused_unless_allowed(
    loader: Served, recorder: Recorder, tmp_path: Path, load: str
) -> None:
    turtle = tmp_path / "data.ttl"
    turtle.write_text(TURTLE, "utf-8")
    update = load.format(url=recorder.url, turtle_file=turtle)
    before = quads_digest(loader)
    response = httpx.post(
        f"{loader.url}/sparql",
        data={"update": update},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 403, response.text
    assert "LOAD" in response.json()["message"]
    assert quads_digest(loader) == before
    assert recorder.hits == []


def test_load_from_an_allowed_source_loads(tmp_path: Path, recorder: Recorder) -> None:
    """The control: with the source on KG_LOAD_ALLOWLIST, LOAD fetches and writes it."""
    served = next(
        gen := _serve(
            _seeded(tmp_path / "store"),
            "--update-token",
            TOKEN,
            "--load-allowlist",
            f"{recorder.url}/",
        )
    )
    try:
        before = quads_digest(served)
        response = httpx.post(
            f"{served.url}/sparql",
            data={"update": f"LOAD <{recorder.url}/data.ttl> INTO GRAPH <http://loaded.example/g>"},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        after = quads_digest(served)
    finally:
        next(gen, None)
    assert response.status_code == 204, response.text
    assert recorder.hits == ["GET /data.ttl"]
    assert after[0] == before[0] + 1


# --- paths: no file is ever read ----------------------------------------------------------------

SECRET_MARKERS = (b"root:x:0:0", b"root:", b"class Settings", b"[project]", b"BEGIN", b"CURRENT")
TRAVERSALS = [
    "/entity/..%2f..%2f..%2fetc%2fpasswd",
    "/entity/..%2F..%2F..%2Fetc/passwd",
    "/entity/../../../etc/passwd",
    "/entity/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/entity/....//....//etc/passwd",
    "/entity/%252e%252e%252fetc%252fpasswd",
    "/entity/..%5c..%5cetc%5cpasswd",
    "/entity/%00/etc/passwd",
    "/entity//etc/passwd",
    "/article/..%2f..%2fpyproject.toml",
    "/fact/..%2f..%2fkg%2fconfig.py",
    "/assets/..%2f..%2fconfig.py",
    "/assets/../../config.py",
    "/assets/%2e%2e/%2e%2e/config.py",
    "/assets/..%2f..%2f..%2fpyproject.toml",
    "/assets//etc/passwd",
    "/assets/%2fetc%2fpasswd",
    "/assets/..\\..\\config.py",
    "//etc/passwd",
    "/..%2f..%2fetc/passwd",
    "/store/../../etc/passwd",
    "/.well-known/../../etc/passwd",
]


def raw_get_with_location(url: str, path: str, accept: str) -> tuple[int, bytes, str]:
    """GET path exactly as written (no client-side normalisation): status, body, Location."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.putheader("Accept", accept)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, response.getheader("Location") or ""


def raw_get(url: str, path: str, accept: str = "text/html") -> tuple[int, bytes]:
    """GET path exactly as written: status and body."""
    status, body, _ = raw_get_with_location(url, path, accept)
    return status, body


def raw_get_following(url: str, path: str, accept: str) -> tuple[int, bytes]:
    """raw_get, following one redirect (Werkzeug merges double slashes with a 308) only if it
    stays on this server."""
    status, body, location = raw_get_with_location(url, path, accept)
    if status == 308:
        assert location.startswith(f"{url}/") or location.startswith("/"), location
        return raw_get(url, location.removeprefix(url), accept)
    return status, body


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_escapes_to_a_file(guarded: Served, path: str, accept: str) -> None:
    status, body = raw_get_following(guarded.url, path, accept)
    assert status in (400, 404, 405), (status, body[:200])
    for marker in SECRET_MARKERS:
        assert marker not in body


GRAPH_NAMES = [
    "file:///etc/passwd",
    "file:///proc/self/environ",
    "../../etc/passwd",
    "%2e%2e/%2e%2e/etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "http://kg.example.org/article/a1/../../../../etc/passwd",
    "http://x.example/a b",
    "http://x.example/a\nb",
    "http://x.example/<script>",
    "",
    "http://x.example/" + "a" * 200_000,
]


@pytest.mark.parametrize("name", GRAPH_NAMES, ids=[n[:40] for n in GRAPH_NAMES])
def test_graph_store_names_never_read_files(guarded: Served, name: str) -> None:
    status, body = raw_get(guarded.url, f"/store?graph={quote(name, safe='')}", "text/turtle")
    assert status in (400, 404, 414, 431), status
    for marker in SECRET_MARKERS:
        assert marker not in body


def test_a_graph_named_like_a_file_is_only_a_name(tmp_path: Path) -> None:
    """With the token, `?graph=file:///etc/passwd` stores and returns the body sent, nothing
    of the file."""
    served = next(gen := _serve(_seeded(tmp_path / "store"), "--update-token", TOKEN))
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
    target = {"graph": "file:///etc/passwd"}
    try:
        put = httpx.put(f"{served.url}/store", params=target, content=TURTLE, headers=auth)
        got = httpx.get(
            f"{served.url}/store", params=target, headers={"Accept": "application/n-triples"}
        )
    finally:
        next(gen, None)
    assert put.status_code == 201
    assert got.text == TURTLE


# --- RDF/XML entity expansion -------------------------------------------------------------------

_RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e.example/"'


def _rdf_xml(dtd: str, value: str) -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{dtd}]><rdf:RDF {_RDF}>'
        f'<rdf:Description rdf:about="http://e.example/s"><e:p>{value}</e:p>'
        "</rdf:Description></rdf:RDF>"
    )


_LAUGHS = '<!ENTITY l0 "ha">' + "".join(
    f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
)
ENTITY_BODIES = {
    "billion-laughs": (_rdf_xml(_LAUGHS, "&l9;"), 413),
    "quadratic": (_rdf_xml(f'<!ENTITY big "{"x" * 10_000}">', "&big;" * 50_000), 413),
    "cycle": (_rdf_xml('<!ENTITY a "&b;"><!ENTITY b "&a;">', "&a;"), 400),
    "parameter-entity": (_rdf_xml('<!ENTITY % p "x"><!ENTITY a "%p;">', "&a;"), 400),
    "single-quoted": (_rdf_xml("<!ENTITY a 'x'>", "&a;"), 400),
    "external-file": (_rdf_xml('<!ENTITY a SYSTEM "file:///etc/passwd">', "&a;"), 400),
}


@pytest.mark.parametrize("body", list(ENTITY_BODIES))
def test_rdf_xml_entity_expansion_is_refused(guarded: Served, body: str) -> None:
    text, status = ENTITY_BODIES[body]
    assert len(text) < 1_000_000
    before = quads_digest(guarded)
    response = httpx.put(
        f"{guarded.url}/store",
        params={"graph": "http://e.example/g"},
        content=text.encode(),
        headers={"Content-Type": "application/rdf+xml", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert response.status_code == status, response.text
    if status == 413:
        assert "expand to" in response.json()["message"]
    assert b"root:" not in response.content
    assert quads_digest(guarded) == before


def test_rdf_xml_namespace_entities_still_load(tmp_path: Path) -> None:
    text = _rdf_xml('<!ENTITY ns "http://e.example/">', "&ns;o").replace(
        'rdf:about="http://e.example/s"', 'rdf:about="&ns;s"'
    )
    served = next(gen := _serve(_seeded(tmp_path / "store"), "--update-token", TOKEN))
    try:
        response = httpx.put(
            f"{served.url}/store",
            params={"graph": "http://e.example/g"},
            content=text.encode(),
            headers={"Content-Type": "application/rdf+xml", "Authorization": f"Bearer {TOKEN}"},
        )
        got = httpx.get(
            f"{served.url}/store",
            params={"graph": "http://e.example/g"},
            headers={"Accept": "application/n-triples"},
        )
    finally:
        next(gen, None)
    assert response.status_code == 201, response.text
    assert got.text == '<http://e.example/s> <http://e.example/p> "http://e.example/o" .\n'


# --- deep nesting: no query or body crashes the process ---------------------------------------

_ROOM = 99_000  # characters of nesting in a query just under KG_MAX_QUERY_CHARS (100 000)
DEEP_QUERIES = {
    "not": "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * _ROOM + "?o) }",
    "braces": "SELECT * WHERE " + "{" * (_ROOM // 2) + " ?s ?p ?o " + "}" * (_ROOM // 2),
    "parens": "ASK { FILTER(" + "(" * (_ROOM // 2) + "1" + ")" * (_ROOM // 2) + ") }",
    "plus": "ASK { FILTER(" + " + ".join(["1"] * (_ROOM // 4)) + " > 0) }",
    "and": "ASK { FILTER(" + " && ".join(["true"] * (_ROOM // 8)) + ") }",
    "bind": "SELECT * WHERE { " + " ".join(["BIND(1 AS ?x)"] * (_ROOM // 14)) + " }",
    "alt-path": "ASK { ?s " + "|".join(["<a:p>"] * (_ROOM // 6)) + " ?o }",
    "optional": "ASK { " + "OPTIONAL { " * (_ROOM // 12) + "}" * (_ROOM // 12) + " }",
}


def _alive(served: Served) -> bool:
    return httpx.get(f"{served.url}/health", timeout=30).status_code == 200


@pytest.mark.parametrize("query", list(DEEP_QUERIES))
def test_deeply_nested_query_does_not_crash_the_server(guarded: Served, query: str) -> None:
    text = DEEP_QUERIES[query]
    assert 90_000 < len(text) <= 100_000
    response = httpx.post(f"{guarded.url}/sparql", data={"query": text}, timeout=120)
    assert response.status_code < 500 or response.status_code == 503
    assert _alive(guarded)


DEEP_WRITES = {
    "update-collection": Write(
        "POST",
        "/sparql",
        "INSERT DATA { <http://a/s> <http://a/p> " + "( " * 30_000 + "1" + " )" * 30_000 + " }",
        "application/sparql-update",
    ),
    "turtle-blank-nodes": Write(
        "PUT",
        "/store?graph=http://deep.example/g",
        "<http://a/s> <http://a/p> " + "[ <http://a/p> " * 20_000 + "1" + " ]" * 20_000 + " .",
        "text/turtle",
    ),
    "json-ld-objects": Write(
        "PUT",
        "/store?graph=http://deep.example/g",
        '{"@id": "http://a/s", "http://a/p": '
        + '{"http://a/p": ' * 5_000
        + "1"
        + "}" * 5_000
        + "}",
        "application/ld+json",
    ),
}


@pytest.mark.parametrize("write", list(DEEP_WRITES))
def test_deeply_nested_write_does_not_crash_the_server(guarded: Served, write: str) -> None:
    response = send(guarded.url, DEEP_WRITES[write], f"Bearer {TOKEN}".encode())
    assert response.status in (201, 204, 400, 413)
    assert _alive(guarded)


def test_json_ld_nesting_is_capped() -> None:
    shallow = b'{"a": [' * 100 + b'"{[{["' + b"]}" * 100
    check_json_depth(shallow)
    with pytest.raises(InputError, match="deeper than 256"):
        check_json_depth(b"[" * 257 + b"]" * 257)


def test_deep_query_does_not_crash_a_gunicorn_worker(tmp_path: Path) -> None:
    served = next(gen := _serve(_seeded(tmp_path / "store"), "--workers", "2", check=False))
    try:
        response = httpx.post(
            f"{served.url}/sparql", data={"query": DEEP_QUERIES["not"]}, timeout=120
        )
        alive = _alive(served)
    finally:
        next(gen, None)
    assert response.status_code < 500 or response.status_code == 503
    assert alive


def test_with_a_small_stack_a_deep_query_would_crash(tmp_path: Path) -> None:
    """The control: at 8 MiB (a common default thread stack) the same query kills the process,
    which is why KG_THREAD_STACK_MB is 512."""
    process, url = _start_server(_seeded(tmp_path / "store"), "--thread-stack-mb", "8")
    try:
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{url}/sparql", data={"query": DEEP_QUERIES["not"]}, timeout=60)
        assert process.wait(timeout=60) != 0
    finally:
        _stop(process)


# --- headers on every route ---------------------------------------------------------------------


def _route_paths(app_client: FlaskClient) -> list[str]:
    app = app_client.application
    paths = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for argument in rule.arguments:
            value = "entity" if argument == "kind" else "x"
            path = path.replace(f"<{argument}>", value).replace(f"<path:{argument}>", value)
        if "<" in path:
            path = path.split("<", 1)[0] + "entity/x"
        paths.append(path)
    return sorted(set(paths))


@pytest.mark.parametrize("accept", ["text/html", "application/json", "*/*"])
def test_every_route_sends_the_security_headers(app_client: FlaskClient, accept: str) -> None:
    paths = _route_paths(app_client)
    assert {"/", "/sparql", "/store", "/health", "/entity/x"} <= set(paths)
    for path in [*paths, "/no-such-page", "/assets/kg.css", "/entity/nothing-here"]:
        response = app_client.get(path, headers={"Accept": accept})
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (path, name)


def test_content_security_policy_is_restrictive() -> None:
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in CONTENT_SECURITY_POLICY.split("; ")
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert "*" not in CONTENT_SECURITY_POLICY and "data:" not in CONTENT_SECURITY_POLICY


def test_live_html_pages_carry_the_headers(guarded: Served) -> None:
    for path in ["/", "/entity/x", "/entity/nothing", "/article/a1"]:
        response = httpx.get(f"{guarded.url}{path}", headers={"Accept": "text/html"}, timeout=30)
        assert response.headers["content-type"].startswith("text/html")
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (path, name)


# --- size limits --------------------------------------------------------------------------------

LIMITS = ("--max-body-bytes", "20000", "--max-query-chars", "5000", "--max-rows", "2")


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`kg serve` with small limits: 20 000-byte bodies, 5 000-character queries, 2 rows."""
    path = _seeded(tmp_path_factory.mktemp("limited") / "store")
    yield from _serve(path, "--update-token", TOKEN, *LIMITS, check=False)


SEED_QUADS = range(3)


def _count(served: Served) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    response = httpx.post(f"{served.url}/sparql", data={"query": query}, timeout=30)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _long_query(chars: int) -> str:
    head = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #"
    return head + "x" * (chars - len(head))


AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("POST", {"data": {"query": _long_query(19_000) + "x" * 2_000}}),
        (
            "POST",
            {"content": "x" * 30_000, "headers": {"Content-Type": "application/sparql-query"}},
        ),
        (
            "POST",
            {
                "content": "x" * 30_000,
                "headers": {"Content-Type": "application/sparql-update"} | AUTH,
            },
        ),
        ("PUT", {"content": TURTLE * 400, "headers": {"Content-Type": "text/turtle"} | AUTH}),
        ("POST", {"content": TURTLE * 400, "headers": {"Content-Type": "text/turtle"} | AUTH}),
    ],
    ids=["form", "query-body", "update-body", "gsp-put", "gsp-post"],
)
def test_body_over_the_limit_is_413(
    limited: Served, method: str, kwargs: dict[str, object]
) -> None:
    path = "/store?graph=http://big.example/g" if "text/turtle" in str(kwargs) else "/sparql"
    response = httpx.request(method, f"{limited.url}{path}", timeout=30, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 413, response.text
    assert _count(limited) == len(SEED_QUADS)


def test_chunked_body_over_the_limit_is_413(limited: Served) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield TURTLE.encode() * 20

    response = httpx.put(
        f"{limited.url}/store?graph=http://big.example/g",
        content=chunks(),
        headers={"Content-Type": "text/turtle"} | AUTH,
        timeout=30,
    )
    assert response.status_code == 413, response.text
    assert _count(limited) == len(SEED_QUADS)


def test_declared_huge_body_is_refused_before_it_is_sent(limited: Served) -> None:
    """A Content-Length of 1 GB gets its 413 with no byte of the body sent: the server does not
    buffer a body it will refuse."""
    parts = urlsplit(limited.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    connection.putrequest("POST", "/sparql")
    connection.putheader("Content-Type", "application/sparql-query")
    connection.putheader("Content-Length", str(10**9))
    connection.endheaders()
    response = connection.getresponse()
    connection.close()
    assert response.status == 413


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_text_over_the_limit_is_refused(limited: Served, method: str) -> None:
    query = _long_query(6_000)
    if method == "GET":
        response = httpx.get(f"{limited.url}/sparql", params={"query": query}, timeout=30)
        assert response.status_code == 414
    else:
        response = httpx.post(f"{limited.url}/sparql", data={"query": query}, timeout=30)
        assert response.status_code == 413
    assert "KG_MAX_QUERY_CHARS" in response.json()["message"]
    fits = httpx.post(f"{limited.url}/sparql", data={"query": _long_query(4_900)}, timeout=30)
    assert fits.status_code == 200


def test_request_line_far_over_any_limit_is_refused(limited: Served) -> None:
    status, _ = raw_get(limited.url, "/sparql?query=" + "x" * 1_000_000, "application/json")
    assert status == 431


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?n } WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?n { 1 2 } }",
        "SELECT * WHERE { VALUES ?n { 1 2 3 } }",
    ],
)
def test_result_over_the_row_cap_is_413_never_truncated(limited: Served, query: str) -> None:
    response = httpx.get(f"{limited.url}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 413
    assert "KG_MAX_ROWS" in response.json()["message"]


def test_result_at_the_row_cap_is_whole(limited: Served) -> None:
    query = "SELECT * WHERE { VALUES ?n { 1 2 } }"
    response = httpx.get(f"{limited.url}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 2
