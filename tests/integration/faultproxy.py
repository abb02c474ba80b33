"""An HTTP proxy for the tests that stands between the bot and the local wiki and, by a
seed, answers some API requests badly: a 503, a maxlag error with Retry-After, an answer
slower than the client's timeout, or a dropped connection after the wiki has applied the
request (the case where a client cannot know whether its edit landed).

The bot reaches it through ``HTTP_PROXY``, which Pywikibot's requests session honours, so
nothing in the bot knows it is there.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FAULTS = ("503", "maxlag", "slow", "drop-after")


def _action(body: bytes) -> str:
    """The ``action`` of a form-encoded API request (Pywikibot posts edits that way)."""
    if body.startswith(b"--"):  # multipart
        match = re.search(rb'name="action"\r\n\r\n([a-z]+)', body)
        return match.group(1).decode() if match else ""
    return parse_qs(body.decode("utf-8", "replace")).get("action", [""])[0]


class FaultProxy:
    """A forward proxy; ``rate`` of the API requests get one of ``faults``."""

    def __init__(self, seed: int, rate: float, faults: tuple[str, ...] = FAULTS,
                 slow_seconds: float = 3.0) -> None:
        self.random = random.Random(seed)
        self.rate = rate
        self.faults = faults
        self.slow_seconds = slow_seconds
        self.counts: Counter[str] = Counter()
        self.edit_faults: Counter[str] = Counter()  # the faults that hit an edit request
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def pick(self, path: str, body: bytes | None = None) -> str:
        with self._lock:
            if "api.php" not in path or self.random.random() >= self.rate:
                self.counts["clean"] += 1
                return "clean"
            fault = self.random.choice(self.faults)
            self.counts[fault] += 1
            if body and _action(body) == "edit":
                self.edit_faults[fault] += 1
            return fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                self._serve()

            def do_POST(self) -> None:  # noqa: N802
                self._serve()

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                fault = proxy.pick(self.path, body)
                if fault == "503":
                    self._reply(503, b"Service Unavailable", {"Retry-After": "1"})
                    return
                if fault == "maxlag":
                    error = {"error": {"code": "maxlag", "lag": 3, "host": "db1",
                                       "info": "Waiting for db1: 3 seconds lagged"}}
                    self._reply(200, json.dumps(error).encode(), {
                        "Retry-After": "1", "X-Database-Lag": "3",
                        "MediaWiki-API-Error": "maxlag",
                        "Content-Type": "application/json; charset=utf-8"})
                    return
                status, headers, data = self._forward(body)
                if fault == "drop-after":
                    # The wiki has done the work; the client never hears of it.
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "slow":
                    time.sleep(proxy.slow_seconds)
                self._reply(status, data, headers)

            def _forward(self, body: bytes | None) -> tuple[int, dict[str, str], bytes]:
                target = urlsplit(self.path)
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                path = target.path + (f"?{target.query}" if target.query else "")
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("proxy-connection", "connection", "host")}
                headers["Host"] = target.netloc
                conn.request(self.command, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                keep = {k: v for k, v in response.getheaders()
                        if k.lower() not in ("transfer-encoding", "connection",
                                             "content-length")}
                conn.close()
                return response.status, keep, data

            def _reply(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: that was the point

        return Handler
