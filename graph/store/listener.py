"""The endpoint's HTTP server, for clients that misbehave: a listen backlog that holds a burst (socketserver's
default of 5 made the kernel reset them), at most `limit` connections handled at once (the next ones wait in the
backlog, so threads stay bounded), a deadline for sending the whole request (a reaper thread shuts down the
sockets of slow and half-open clients), strict request parsing (400 for a bad or conflicting Content-Length, 413
for a body over the limit, 431 for headers over it, 501 for Transfer-Encoding), and a stop that never waits on a
client.
"""
from __future__ import annotations

import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_HEADER_BYTES = 32 * 1024  # all header lines together; Python's own limits: 64 KB per line, 100 lines


def _shutdown(sock: socket.socket) -> None:
    """End a connection from our side: a thread blocked reading it sees end of file at once."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class Connections:
    """The open connections: at most `limit`, each with `read_timeout` seconds to send its whole request. A
    reaper thread shuts down the sockets past their deadline, so a slow or silent client holds a thread for
    read_timeout at most, whatever it sends (a socket timeout alone restarts with every byte)."""

    def __init__(self, limit: int, read_timeout: float):
        self.limit, self.read_timeout = limit, read_timeout
        self._open: set[socket.socket] = set()
        self._deadlines: dict[socket.socket, float] = {}
        self._cut: set[socket.socket] = set()  # shut down before their request was in: never answered
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="policykg-reaper", daemon=True)

    def start(self) -> None:
        """Start the reaper thread (after any fork: a process that forks should have no other thread yet)."""
        self._reaper.start()

    def admit(self, sock: socket.socket) -> None:
        """Register a new connection, first waiting while `limit` are open (the accept loop pauses meanwhile, and
        the next connections wait in the listen backlog: nothing is reset)."""
        with self._lock:
            self._idle.wait_for(lambda: len(self._open) < self.limit)
            self._open.add(sock)
            self._deadlines[sock] = time.monotonic() + self.read_timeout

    def request_read(self, sock: socket.socket) -> bool:
        """The request is in: from now on the query's own time limit applies, not the read deadline. False when
        the connection was cut meanwhile (what was read is a truncated request)."""
        with self._lock:
            self._deadlines.pop(sock, None)
            return sock not in self._cut

    def leave(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)
            self._deadlines.pop(sock, None)
            self._cut.discard(sock)
            self._idle.notify_all()

    def count(self) -> int:
        with self._lock:
            return len(self._open)

    def wait_idle(self, seconds: float) -> bool:
        """Wait until no connection is open, at most `seconds`; whether none is."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._open, timeout=seconds)

    def stop_reading(self) -> None:
        """Shut down the connections still sending their request: when the server stops they never will."""
        with self._lock:
            socks = list(self._deadlines)
            self._deadlines.clear()
            self._cut.update(socks)
        for s in socks:
            _shutdown(s)

    def close_all(self) -> None:
        """Shut down every open connection and stop the reaper."""
        self._stop.set()
        with self._lock:
            socks = list(self._open)
        for s in socks:
            _shutdown(s)

    def _reap(self) -> None:
        while not self._stop.wait(0.1):
            now = time.monotonic()
            with self._lock:
                late = [s for s, d in self._deadlines.items() if d <= now]
                for s in late:
                    del self._deadlines[s]
                self._cut.update(late)
            for s in late:
                _shutdown(s)


class ListeningServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a real backlog, a cap on connections and no waiting on clients when it closes."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address, handler, *, backlog: int, connections: Connections):
        self.request_queue_size = backlog
        self.connections = connections
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        self.connections.admit(request)
        try:
            super().process_request(request, client_address)
        except RuntimeError:  # no thread could be started
            self.connections.leave(request)
            self.shutdown_request(request)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.leave(request)

    def handle_error(self, request, client_address):
        """A client that went away is no error; anything else is one line on stderr, not a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            sys.stderr.write(f"error: {client_address[0]}: {type(exc).__name__}: {exc}\n")


class StrictHandler(BaseHTTPRequestHandler):
    """Reads one request strictly (one per connection, HTTP/1.0 answers) into self.body; subclasses set
    max_body, timeout (seconds per socket operation) and write_timeout."""

    protocol_version = "HTTP/1.0"  # one request per connection: a stop never waits on idle keep-alives
    default_request_version = "HTTP/1.0"  # errors before the version is read still get a status line
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(message)s\n"
    max_body = 1_000_000
    write_timeout = 60.0
    body = b""

    def parse_request(self) -> bool:
        """BaseHTTPRequestHandler's parsing (400, 414, 431 for long lines or over 100 headers, 505), then the
        rules of RFC 9112 it does not apply, then the body."""
        if not super().parse_request():
            return False
        size = sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        if size > MAX_HEADER_BYTES:
            return self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                                f"request headers over {MAX_HEADER_BYTES} bytes")
        if self.headers.get("Transfer-Encoding") is not None:
            return self._refuse(HTTPStatus.NOT_IMPLEMENTED, "Transfer-Encoding is not supported; send Content-Length")
        values = [v.strip() for h in self.headers.get_all("Content-Length") or [] for v in h.split(",")]
        if any(not v.isdigit() or not v.isascii() for v in values) or len(set(values)) > 1:
            return self._refuse(HTTPStatus.BAD_REQUEST, "a bad or conflicting Content-Length "
                                f"({', '.join(values)[:100]}): give one non-negative whole number")
        length = int(values[0]) if values else 0
        if length > self.max_body:
            return self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {self.max_body} bytes")
        self.body = self.rfile.read(length) if length else b""
        if not self.server.connections.request_read(self.connection) or len(self.body) < length:
            self.close_connection = True
            return False  # the client closed early, or its deadline ended it: nothing to answer
        return True

    def _refuse(self, status: HTTPStatus, message: str) -> bool:
        self.close_connection = True
        self.send_error(status, message)
        return False

    def write_reply(self, status: int, content_type: str | None, headers: dict[str, str], body: bytes) -> None:
        """Status, headers and (except for HEAD) body, within write_timeout whatever the client reads."""
        self.connection.settimeout(self.write_timeout)
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
