"""Loopback HTTP servers that stand for a remote SPARQL endpoint gone wrong: one answers late,
one answers 503. Real servers on 127.0.0.1 port 0, stopped by the test that starts them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Broken(BaseHTTPRequestHandler):
    status = 503
    delay = 0.0

    def do_POST(self) -> None:
        self.server.hits += 1  # type: ignore[attr-defined]
        self.server.agents.append(self.headers.get("User-Agent", ""))  # type: ignore[attr-defined]
        time.sleep(self.delay)
        body = b"temporarily unavailable"
        try:
            self.send_response(self.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            return

    def log_message(self, format: str, *args: object) -> None:
        return


class _Slow(_Broken):
    status = 200
    delay = 2.0


@contextmanager
def broken_server(slow: bool = False) -> Iterator[tuple[str, ThreadingHTTPServer]]:
    """A server answering 503 (or, if slow, answering after 2 s); yields its URL and itself."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow if slow else _Broken)
    server.hits = 0  # type: ignore[attr-defined]
    server.agents = []  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
