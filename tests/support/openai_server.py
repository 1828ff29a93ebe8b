"""A small OpenAI-compatible chat server (aiohttp, in a thread, on a free port) that the tests script per test.

It answers `POST /v1/chat/completions` as OpenAI does, whole or streamed as server-sent chunks, with what the test
queued (`reply(Reply(...))`): an answer's text, a delay, an error status. It can refuse json_schema output (as
llama-cpp-python's server does) or streaming, checks the API key, can hold a stream part-way until the test
`release()`s it, and records every request it got.

    with LocalOpenAI() as server:
        server.reply(Reply(text='{"tasks": []}'))
        decomposer = OpenAIDecomposer(api_key=server.api_key, base_url=server.url, model="test-model")
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.app_server import free_port

API_KEY = "sk-local-test-0123456789"


@dataclass(frozen=True)
class Reply:
    """One scripted answer. `pause_at`: a streamed answer stops after that many characters until `release()`."""

    text: str = ""
    status: int = 200
    error: str = ""
    delay: float = 0.0
    chunk_size: int = 16
    pause_at: int | None = None
    finish_reason: str = "stop"


@dataclass
class Received:
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def response_format(self) -> str:
        fmt = self.body.get("response_format") or {}
        return str(fmt.get("type", "")) if isinstance(fmt, dict) else ""

    @property
    def prompt(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


@dataclass
class LocalOpenAI:
    api_key: str = API_KEY
    refuse_json_schema: int = 0  # the status a json_schema request gets (400; llama-cpp-python's server says 500)
    refuse_json_object: int = 0
    refuse_stream: bool = False
    requests: list[Received] = field(default_factory=list)
    released_in_time: bool | None = None  # a held stream: was it released before its wait ran out?
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self._replies: deque[Reply] = deque()
        self._release = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="local-openai", daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reply(self, *replies: Reply) -> None:
        """The answers to the next requests, one each; the last one is given again when they run out."""
        self._replies.clear()
        self._replies.extend(replies)

    def release(self) -> None:
        self._release.set()

    def reset(self) -> None:
        self._replies.clear()
        self.requests.clear()
        self.refuse_json_schema = self.refuse_json_object = 0
        self.refuse_stream = False
        self.released_in_time = None
        self._release.clear()

    def __enter__(self) -> LocalOpenAI:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def _next(self) -> Reply:
        if len(self._replies) > 1:
            return self._replies.popleft()
        return self._replies[0] if self._replies else Reply(text="")

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(Received(body=body, headers=dict(request.headers)))
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_api_key")
        fmt = body.get("response_format") or {}
        if self.refuse_json_schema and fmt.get("type") == "json_schema":
            message = "response_format type 'json_schema' is not supported; use 'json_object'."
            return _error(self.refuse_json_schema, message, None)
        if self.refuse_json_object and fmt.get("type") == "json_object":
            return _error(self.refuse_json_object, "Unknown parameter: 'response_format.schema'.", None)
        if self.refuse_stream and body.get("stream"):
            return _error(400, "stream=true is not supported by this server.", None)
        reply = self._next()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            return _error(reply.status, reply.error or "The server had an error.", None)
        model = str(body.get("model", ""))
        if body.get("stream"):
            return await self._stream(request, reply, model)
        return web.json_response(
            {
                "id": "chatcmpl-local",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply.text},
                        "logprobs": None,
                        "finish_reason": reply.finish_reason,
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
        )

    async def _stream(self, request: web.Request, reply: Reply, model: str) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)

        async def send(delta: dict[str, Any], finish: str | None = None) -> None:
            chunk = {
                "id": "chatcmpl-local",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())

        await send({"role": "assistant", "content": ""})
        text, size = reply.text, reply.chunk_size
        pause = len(text) if reply.pause_at is None else reply.pause_at
        for part, hold in ((text[:pause], reply.pause_at is not None), (text[pause:], False)):
            for start in range(0, len(part), size):
                await send({"content": part[start : start + size]})
            if hold:
                wait = asyncio.get_running_loop().run_in_executor(None, self._release.wait, 15)
                self.released_in_time = await wait
        await send({}, reply.finish_reason)
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _error(status: int, message: str, code: str | None) -> web.Response:
    kind = "invalid_request_error" if status < 500 else "server_error"
    return web.json_response({"error": {"message": message, "type": kind, "param": None, "code": code}}, status=status)
