"""kg: turn news articles into a queryable RDF knowledge graph.

The library API: read and build articles into a store, query it, export it.
"""

from __future__ import annotations

from kg.build import BuildReport, LinkReport, build, link_store
from kg.config import VERSION, Settings
from kg.errors import KgError
from kg.export import export
from kg.model import Article
from kg.nlp import extract, load_pipeline
from kg.store import GraphStore

__version__ = VERSION

__all__ = [
    "Article",
    "BuildReport",
    "GraphStore",
    "KgError",
    "LinkReport",
    "Settings",
    "__version__",
    "build",
    "export",
    "extract",
    "link_store",
    "load_pipeline",
]
