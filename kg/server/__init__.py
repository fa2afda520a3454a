"""The kg web app: ``create_app(settings)`` builds a Flask app over one store.

No module-level app, store or model: each app keeps its services in ``app.extensions["kg"]``.
Run it under waitress (``kg serve`` or ``waitress-serve --call kg.server:create_app``).
"""

from __future__ import annotations

import threading

from flask import Flask

from kg.config import Settings
from kg.server.errors import register_error_handlers
from kg.server.gsp import graph_store
from kg.server.headers import add_security_headers
from kg.server.pages import pages
from kg.server.services import Services, services
from kg.server.sparql import sparql
from kg.server.void import void

__all__ = ["Services", "create_app", "services"]


def create_app(settings: Settings | None = None) -> Flask:
    """A Flask app serving the store named in settings (default: from the environment).

    Raises:
        StoreError: the store cannot be opened.
    """
    settings = settings if settings is not None else Settings.from_env()
    # Threads started from now on (waitress's, gunicorn's, the query runner's) get this stack.
    threading.stack_size(settings.thread_stack_mb << 20)
    app = Flask("kg")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["kg"] = Services.open(settings)
    app.register_blueprint(sparql)
    app.register_blueprint(graph_store)
    app.register_blueprint(void)
    app.register_blueprint(pages)
    register_error_handlers(app)
    app.after_request(add_security_headers)
    return app
