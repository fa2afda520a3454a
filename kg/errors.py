"""kg's exceptions: one tree, each class with the HTTP status and exit code it maps to.

::

    KgError
    ├── InputError        bad article, option or setting          400 / exit 2
    ├── QueryError        malformed or unsupported SPARQL           400 / exit 3
    │   └── QueryTimeout  a query ran past the timeout              503 / exit 4
    ├── AuthError         an update without (valid) credentials     401 / exit 5
    ├── NotFound          no such graph, entity or query            404 / exit 6
    ├── StoreError        the store cannot be opened or written     500 / exit 7
    └── LinkError         an external graph failed to answer        502 / exit 8
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "InputError",
    "KgError",
    "LinkError",
    "NotFound",
    "QueryError",
    "QueryTimeout",
    "StoreError",
]


class KgError(Exception):
    """Base of every error kg raises on purpose."""

    http_status = 500
    exit_code = 1


class InputError(KgError):
    """An article, option or setting kg cannot accept."""

    http_status = 400
    exit_code = 2


class QueryError(KgError):
    """A SPARQL query or update that cannot be parsed or run."""

    http_status = 400
    exit_code = 3


class QueryTimeout(QueryError):
    """A query that ran past the configured timeout."""

    http_status = 503
    exit_code = 4


class AuthError(KgError):
    """An update sent without the configured token, or with a wrong one."""

    http_status = 401
    exit_code = 5


class NotFound(KgError):
    """A graph, entity or stored query that does not exist."""

    http_status = 404
    exit_code = 6


class StoreError(KgError):
    """The store directory cannot be opened (locked, corrupt) or written."""

    http_status = 500
    exit_code = 7


class LinkError(KgError):
    """An external graph (Wikidata, DBpedia) did not answer usefully."""

    http_status = 502
    exit_code = 8
