"""The pages: the query page at ``/`` and a page for every IRI kg mints.

``/entity/<rest>`` (and ``/event/``, ``/article/``, ``/fact/``, ``/quote/``, ``/reason/``,
``/extractor/``) stands for the IRI ``KG_BASE_IRI + "entity/" + rest`` whatever host the
request came to. A browser (Accept: text/html) gets a readable page; an RDF client gets the
IRI's concise bounded description in the format it asks for (Accept or ``format``). Everything
a page needs is served from ``/assets``; pages forbid anything else (Content-Security-Policy).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

from kg.errors import NotFound
from kg.export import FORMATS, prefixes_for
from kg.queries import load_queries
from kg.server.headers import CONTENT_SECURITY_POLICY
from kg.server.negotiation import GRAPH_MEDIA, Negotiation
from kg.server.pages.describe import concise_description, describe_resource, valid_iri
from kg.server.pages.links import PAGE_KINDS, Linker
from kg.server.pages.picture import HEIGHT, WIDTH, neighbourhood
from kg.server.results import write_graph
from kg.server.services import Services, services

__all__ = ["CONTENT_SECURITY_POLICY", "pages"]

_SERVER = Path(__file__).resolve().parents[1]
_HTML = ("text/html", "application/xhtml+xml")
_RESULT_SUFFIXES = {"json": ".srj", "xml": ".srx", "csv": ".csv", "tsv": ".tsv"}
# Type and label from the same graph, distinct: every article graph repeats them, and over the
# union default graph the 25 rows would otherwise be copies of the first entity.
_DEFAULT_QUERY = (
    "SELECT DISTINCT ?entity ?type ?label WHERE {\n"
    "  GRAPH ?g { ?entity a ?type ; rdfs:label ?label }\n"
    "} LIMIT 25\n"
)

pages = Blueprint(
    "pages",
    __name__,
    static_folder=str(_SERVER / "static"),
    static_url_path="/assets",
    template_folder=str(_SERVER / "templates"),
)


@pages.route("/")
def query_page() -> str:
    """The SPARQL editor with kg's prefixes, the example queries and the results table."""
    base = services(current_app).settings.base_iri
    prefixes = prefixes_for(base)
    header = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
    return render_template(
        "query.html",
        initial=request.args.get("query") or header + "\n" + _DEFAULT_QUERY,
        queries=load_queries(),
        config={
            "base": base,
            "root": request.script_root + "/",
            "kinds": list(PAGE_KINDS),
            "prefixes": prefixes,
            "formats": _download_formats(),
        },
    )


def _download_formats() -> dict[str, list[list[str]]]:
    """Format names (the endpoint's ``format`` values) and file suffixes, by result kind."""
    return {
        "results": [[name, suffix] for name, suffix in _RESULT_SUFFIXES.items()],
        "graph": [[spec.name, spec.suffix] for spec in FORMATS],
    }


@pages.route(f"/<any({', '.join(PAGE_KINDS)}):kind>/<path:rest>")
def resource(kind: str, rest: str) -> Response | tuple[str, int]:
    """The page or the concise bounded description of the IRI base + kind/rest.

    Raises:
        NotFound: the store has nothing about that IRI.
    """
    kg = services(current_app)
    iri = f"{kg.settings.base_iri}{kind}/{rest}"
    if _wants_html():
        return _resource_page(kg, iri)
    triples = concise_description(kg.store, iri) if valid_iri(iri) else []
    if not triples:
        raise NotFound(f"kg has nothing about <{iri}>")
    choice = Negotiation(request.accept_mimetypes, tuple(request.args.getlist("format")))
    chosen = choice.choose("graph")
    body = write_graph(triples, chosen.native, prefixes_for(kg.settings.base_iri))
    return Response(body, content_type=f"{chosen.media_type}; charset=utf-8")


def _resource_page(kg: Services, iri: str) -> tuple[str, int]:
    base = kg.settings.base_iri
    linker = Linker(base, prefixes_for(base), request.script_root + "/")
    found = describe_resource(kg.store, iri, linker) if valid_iri(iri) else None
    if found is None:
        return render_template("not_found.html", iri=iri), 404
    return render_template(
        "resource.html",
        resource=found,
        outgoing=[s for s in found.statements if s.outgoing],
        incoming=[s for s in found.statements if not s.outgoing],
        spokes=neighbourhood(found.statements),
        width=WIDTH,
        height=HEIGHT,
        describe=f"DESCRIBE <{iri}>",
    ), 200


def _wants_html() -> bool:
    """True when the client asked for HTML (``format=html``, or Accept prefers it)."""
    formats = request.args.getlist("format")
    if formats:
        return formats[0] == "html"
    if not request.accept_mimetypes:
        return False
    return request.accept_mimetypes.best_match([*GRAPH_MEDIA, *_HTML]) in _HTML


@pages.after_request
def _headers(response: Response) -> Response:
    response.vary.add("Accept")
    return response
