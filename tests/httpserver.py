"""A scriptable web server on 127.0.0.1 that stands in for the data providers in tests.

Each URL path is given a behaviour: a fixed body (:meth:`LocalServer.serve_bytes`,
:meth:`LocalServer.serve_file`, :meth:`LocalServer.serve_directory`), a scripted sequence of
responses consumed one per request (:meth:`LocalServer.script`), or a function of the request
(:meth:`LocalServer.route`, or :meth:`LocalServer.route_prefix` for every path under a
prefix). A :class:`Response` can misbehave the way real servers do: a status
page, a delay before the headers or before the body, a body that trickles in slowly (chunks with
a pause between them), or a body cut short (advertised Content-Length larger than the bytes sent,
then the connection closes). Every request is logged (method, path, query, headers) so a test
can assert what was fetched.

Use it through the ``local_server`` fixture, or as a context manager::

    with LocalServer() as server:
        server.serve_bytes("/data.csv", b"a,b\\n1,2\\n")
        fetch(server.url + "/data.csv", ...)
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest


@dataclass(frozen=True)
class Response:
    """One HTTP response, possibly a faulty one.

    ``content_length`` is the advertised Content-Length (default: the body's length); a larger
    value makes the body arrive cut short. ``send_content_length=False`` omits the header, so
    the body simply ends when the connection closes. ``delay`` waits before the status line,
    ``body_delay`` between the headers and the body (both in seconds); ``chunk_delay`` sends the
    body in chunks of ``chunk_bytes`` with that pause after each (a slow download).
    """

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body_delay: float = 0.0
    content_length: int | None = None
    send_content_length: bool = True
    chunk_delay: float = 0.0
    chunk_bytes: int = 64 * 2**10


@dataclass(frozen=True)
class Request:
    """A request as the server received it; ``query`` keeps the last value of each key."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


Handler = Callable[[Request], Response]


class _Sequence:
    """Hands out scripted responses in order; the last one repeats once the script is used up."""

    def __init__(self, responses: Sequence[Response]):
        if not responses:
            raise ValueError("a script needs at least one response")
        self._responses = list(responses)
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            return self._responses.pop(0) if len(self._responses) > 1 else self._responses[0]


class _RequestHandler(BaseHTTPRequestHandler):
    """Passes every request to the owning :class:`LocalServer` and writes its response."""

    server: _Server

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def log_message(self, format: str, *args) -> None:
        """Keep test output quiet; the request log on the server records what happened."""

    def _answer(self, with_body: bool) -> None:
        parts = urlsplit(self.path)
        request = Request(self.command, parts.path, dict(parse_qsl(parts.query)),
                          dict(self.headers.items()))
        response = self.server.owner.respond(request)
        try:
            self._write(response, with_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its read timeout fired during a delay)

    def _write(self, response: Response, with_body: bool) -> None:
        time.sleep(response.delay)
        self.send_response(response.status)
        headers = {"Content-Type": "application/octet-stream", **response.headers}
        if response.send_content_length:
            length = len(response.body) if response.content_length is None else response.content_length
            headers["Content-Length"] = str(length)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()
        time.sleep(response.body_delay)
        if with_body and response.chunk_delay:
            for start in range(0, len(response.body), response.chunk_bytes):
                self.wfile.write(response.body[start:start + response.chunk_bytes])
                self.wfile.flush()
                time.sleep(response.chunk_delay)
        elif with_body:
            self.wfile.write(response.body)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # do not wait for handlers still sleeping on a scripted delay
    owner: LocalServer


class LocalServer:
    """An HTTP server on 127.0.0.1 (free port) whose behaviour per path is set by the test."""

    def __init__(self) -> None:
        self._routes: dict[str, Handler] = {}
        self._prefixes: dict[str, Handler] = {}
        self._folders: dict[str, Path] = {}
        self._log: list[Request] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LocalServer:
        self._server = _Server(("127.0.0.1", 0), _RequestHandler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,),
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:54321``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, in order of arrival."""
        with self._lock:
            return list(self._log)

    def requested_paths(self) -> list[str]:
        """The paths of every request received so far, in order."""
        return [request.path for request in self.requests]

    def route(self, path: str, handler: Handler) -> None:
        """Answer requests for ``path`` with ``handler(request)`` (e.g. to vary by query)."""
        self._routes[_checked(path)] = handler

    def route_prefix(self, prefix: str, handler: Handler) -> None:
        """Answer every path that starts with ``prefix`` with ``handler(request)`` (APIs whose
        path carries the query, such as SDMX data keys); exact routes take precedence."""
        self._prefixes[_checked(prefix)] = handler

    def script(self, path: str, responses: Sequence[Response]) -> None:
        """Answer successive requests for ``path`` with ``responses`` in order; the last repeats."""
        self.route(path, _Sequence(responses))

    def serve_bytes(self, path: str, data: bytes, headers: Mapping[str, str] | None = None) -> None:
        """Answer every request for ``path`` with ``data`` (status 200)."""
        self.route(path, lambda request: Response(body=data, headers=_headers_for(path, headers)))

    def serve_file(self, path: str, file: str | Path, headers: Mapping[str, str] | None = None
                   ) -> None:
        """Answer every request for ``path`` with the current content of ``file``."""
        source = Path(file)
        self.route(path, lambda request: Response(body=source.read_bytes(),
                                                  headers=_headers_for(path, headers)))

    def serve_directory(self, prefix: str, folder: str | Path) -> None:
        """Serve the files under ``folder`` at ``prefix/<relative path>`` (fixtures in URL layout)."""
        self._folders[_checked(prefix).rstrip("/") + "/"] = Path(folder)

    def respond(self, request: Request) -> Response:
        """Log ``request`` and compute its response (404 for a path nobody set up)."""
        with self._lock:
            self._log.append(request)
        handler = (self._routes.get(request.path) or self._prefix_handler(request.path)
                   or self._folder_handler(request.path))
        if handler is None:
            return Response(404, f"no route for {request.path}".encode(),
                            {"Content-Type": "text/plain"})
        return handler(request)

    def _prefix_handler(self, path: str) -> Handler | None:
        for prefix in sorted(self._prefixes, key=len, reverse=True):
            if path.startswith(prefix):
                return self._prefixes[prefix]
        return None

    def _folder_handler(self, path: str) -> Handler | None:
        for prefix in sorted(self._folders, key=len, reverse=True):
            if path.startswith(prefix):
                file = self._folders[prefix] / path[len(prefix):]
                if file.is_file() and self._folders[prefix].resolve() in file.resolve().parents:
                    return lambda request: Response(body=file.read_bytes(),
                                                    headers=_headers_for(path, None))
        return None


def _checked(path: str) -> str:
    if not path.startswith("/"):
        raise ValueError(f"a server path starts with '/', got {path!r}")
    return path


def _headers_for(path: str, headers: Mapping[str, str] | None) -> dict[str, str]:
    """The given headers, with a Content-Type guessed from the path when none is given."""
    guessed, encoding = mimetypes.guess_type(path)
    if encoding == "gzip":
        guessed = "application/gzip"  # a .csv.gz is served as a gzip file, not as encoded CSV
    return {"Content-Type": guessed or "application/octet-stream", **(headers or {})}


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A running :class:`LocalServer`, stopped after the test."""
    with LocalServer() as server:
        yield server
