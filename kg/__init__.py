"""kg: turn news articles into a queryable RDF knowledge graph.

The library API: read and build articles into a store, query it, export it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.build import BuildReport, LinkReport, build, link_store
from kg.config import VERSION, Settings
from kg.errors import KgError
from kg.export import export
from kg.model import Article
from kg.store import GraphStore

if TYPE_CHECKING:
    from kg.nlp import extract, load_pipeline

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


def __getattr__(name: str) -> Any:
    """``extract`` and ``load_pipeline`` import spaCy (1-2 s): only when they are asked for, so
    commands that do not extract (and a multi-process build's parent) start without it."""
    if name in ("extract", "load_pipeline"):
        from kg import nlp

        return getattr(nlp, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
