"""The only place kg mints IRIs for its resources.

IRIs are deterministic: a base from Settings, a kind, a slug of the normalised label and a short
hash of a stable key. No uuid4, clock or processing order enters an IRI, so rebuilding an article
gives the same graph.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "RESOURCE_KINDS",
    "article_iri",
    "entity_iri",
    "event_iri",
    "extractor_iri",
    "fact_iri",
    "graph_iri",
    "identity_key",
    "link_iri",
    "links_graph_iri",
    "normalise_label",
    "post_identity_key",
    "post_iri",
    "quantity_iri",
    "quote_iri",
    "reason_iri",
    "resource_prefixes",
    "slugify",
    "stable_hash",
]

RESOURCE_KINDS = (
    "article",
    "graph",
    "entity",
    "event",
    "fact",
    "quote",
    "reason",
    "link",
    "quantity",
    "extractor",
)

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def normalise_label(label: str) -> str:
    """Case-, accent- and whitespace-insensitive form of a label, used for keys and merging."""
    if label.isascii():  # nothing to decompose (most labels)
        return _SPACES.sub(" ", label).strip().lower()
    decomposed = unicodedata.normalize("NFKD", label)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", ascii_only.replace("\u2019", "'")).strip().lower()


def slugify(text: str, max_length: int = 48) -> str:
    """A lower-case ASCII slug of text, at most max_length characters, never empty."""
    slug = _NON_SLUG.sub("-", normalise_label(text)).strip("-")
    return slug[:max_length].rstrip("-") or "x"


def stable_hash(*parts: str, length: int = 10) -> str:
    """A short hex digest of the parts, stable across runs and machines."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def _iri(base: str, kind: str, local: str) -> str:
    return f"{base}{kind}/{local}"


def article_iri(base: str, article_id: str) -> str:
    """The article resource, from its id (or URL, or content hash)."""
    return _iri(base, "article", f"{slugify(article_id)}-{stable_hash(article_id, length=8)}")


def graph_iri(base: str, article_id: str) -> str:
    """The named graph holding everything extracted from one article."""
    return _iri(base, "graph", f"{slugify(article_id)}-{stable_hash(article_id, length=8)}")


def identity_key(entity_type: str, label: str) -> str:
    """What identifies an entity across articles: its type and normalised canonical name."""
    return f"{entity_type}|{normalise_label(label)}"


def post_identity_key(label: str, org_type: str, org_label: str) -> str:
    """A post of a stated organisation or country: "chief executive" of A is not that of B."""
    return f"Post|{normalise_label(label)}|{org_type}|{normalise_label(org_label)}"


def post_iri(base: str, label: str, org_type: str, org_label: str) -> str:
    """A post whose organisation (or country) the article states, shared across articles."""
    key = post_identity_key(label, org_type, org_label)
    slug = slugify(f"{label} {org_label}")
    return _iri(base, "entity", f"post/{slug}-{stable_hash(key, length=8)}")


def entity_iri(base: str, entity_type: str, label: str) -> str:
    """An entity, shared across articles by its identity key (type and normalised name)."""
    key = normalise_label(label)
    local = f"{entity_type.lower()}/{slugify(label)}-{stable_hash(entity_type, key, length=8)}"
    return _iri(base, "entity", local)


def event_iri(base: str, article_id: str, event_type: str, key: str) -> str:
    """An event of one article, from its type and its within-article key."""
    local = f"{event_type.lower()}-{stable_hash(article_id, event_type, key)}"
    return _iri(base, "event", local)


def fact_iri(base: str, *parts: str) -> str:
    """The provenance node of one extracted statement (subject, predicate, object, evidence)."""
    return _iri(base, "fact", stable_hash(*parts, length=16))


def quote_iri(base: str, article_id: str, start: int) -> str:
    """A quotation, by its article and start offset."""
    return _iri(base, "quote", stable_hash(article_id, str(start), length=12))


def reason_iri(base: str, article_id: str, event_key: str, text: str) -> str:
    """The reason an event cites."""
    return _iri(base, "reason", stable_hash(article_id, event_key, text, length=12))


def quantity_iri(base: str, article_id: str, start: int, end: int) -> str:
    """A quantity, by its article and character span."""
    return _iri(base, "quantity", stable_hash(article_id, str(start), str(end), length=12))


def extractor_iri(base: str, name: str) -> str:
    """The software agent (a spaCy component) that produced a fact."""
    return _iri(base, "extractor", slugify(name))


def link_iri(base: str, entity: str, target: str) -> str:
    """The provenance node of one link from a kg entity to an external resource."""
    return _iri(base, "link", stable_hash(entity, target, length=16))


def links_graph_iri(base: str) -> str:
    """The named graph holding every link to external graphs (the linkset)."""
    return _iri(base, "graph", "links")


def resource_prefixes(base: str) -> dict[str, str]:
    """Prefixes for kg's own resources, e.g. ``person:`` for people, bound in exports."""
    return {
        "kga": f"{base}article/",
        "kgg": f"{base}graph/",
        "person": f"{base}entity/person/",
        "organization": f"{base}entity/organization/",
        "place": f"{base}entity/place/",
        "post": f"{base}entity/post/",
        "kgev": f"{base}event/",
        "kgf": f"{base}fact/",
        "kgq": f"{base}quote/",
        "kgr": f"{base}reason/",
        "kgn": f"{base}quantity/",
        "kgx": f"{base}extractor/",
        "kgl": f"{base}link/",
    }
