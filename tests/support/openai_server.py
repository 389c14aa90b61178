"""A local OpenAI-compatible HTTP server for tests: the only stand-in for an LLM that the project allows.

Start it with `running_server()`, or import the fixtures into a conftest:

    from tests.support.openai_server import openai_server, openai_server_session  # noqa: F401

`openai_server` is one server per test session, reset before each test; it listens on a free 127.0.0.1
port. Each request is answered by the next queued `Reply`, else by `server.responder(request_body)` when set,
else by `server.default`. Every request body is kept in `server.requests`.

    server.enqueue(Reply(status=500), Reply(status=500))       # two failures, then the default
    server.default = Reply(content=json.dumps({...}))            # a good answer
    server.default = Reply(content="{not json")                  # malformed JSON
    server.default = Reply(content="...", delay_s=5)             # slow
    server.responder = lambda body: Reply(content=...)           # answer built from the request
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    content: str = "ok"
    status: int = 200
    delay_s: float = 0.0
    model: str = "test-model"
    raw_body: bytes | None = field(default=None, repr=False)  # sent as is, instead of a chat completion


@dataclass
class OpenAIServer:
    base_url: str = ""
    default: Reply = field(default_factory=Reply)
    responder: Callable[[dict[str, Any]], Reply] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    _queue: deque[Reply] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
        self.default, self.responder = Reply(), None

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if self._queue:
                return self._queue.popleft()
        return self.responder(body) if self.responder else self.default


def _completion(reply: Reply) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": reply.content}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    ).encode()


def _handler(server: OpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, json.dumps({"object": "list", "data": [{"id": server.default.model}]}).encode())
            else:
                self._send(404, b'{"error": {"message": "not found"}}')

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            reply = server._next(body)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.status != 200:
                payload = json.dumps({"error": {"message": "test server error", "type": "server_error"}}).encode()
                self._send(reply.status, payload)
            else:
                self._send(200, reply.raw_body if reply.raw_body is not None else _completion(reply))

        def _send(self, status: int, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out and hung up: expected
                pass

    return Handler


@contextmanager
def running_server() -> Iterator[OpenAIServer]:
    server = OpenAIServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def openai_server_session() -> Iterator[OpenAIServer]:
    with running_server() as server:
        yield server


@pytest.fixture
def openai_server(openai_server_session: OpenAIServer) -> OpenAIServer:
    """The local OpenAI-compatible server, with no queued replies and no recorded requests."""
    openai_server_session.reset()
    return openai_server_session
