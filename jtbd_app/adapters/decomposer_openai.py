"""The decomposer on an OpenAI-compatible chat server (OpenAI, vLLM, llama.cpp's server): structured output, streamed.

Servers differ in what they accept: OpenAI and vLLM take `response_format` json_schema; llama-cpp-python's server
refuses it but takes json_object with a schema; some take neither or do not stream. The adapter starts with the best
and steps down on a refusal, remembering the step for later calls. It returns the model's draft as it is;
`domain.plans.repair` mends or refuses it. Every failure is a `DecomposerFailed` whose message is safe to show.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import httpx
import openai
from openai.types.chat import ChatCompletionMessageParam

from jtbd_app.adapters.decomposer_prompt import messages as prompt_messages
from jtbd_app.adapters.decomposer_stream import TaskScanner
from jtbd_app.adapters.decomposer_wire import WireError, plan_json_schema, plan_tasks, task_from_json
from jtbd_app.domain.plans import Brief, Plan, PlanTask
from jtbd_app.services.ports import DecomposerFailed

log = logging.getLogger(__name__)

ResponseFormat = Literal["json_schema", "json_object", "none"]
FORMATS: tuple[ResponseFormat, ...] = ("json_schema", "json_object", "none")
OnTask = Callable[[PlanTask], Awaitable[None]]
WHO = "The AI planner"


class _Answer:
    """The text of one answer as it came, and which of its tasks were already handed to `on_task`."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.finish_reason: str | None = None
        self.shown: set[int] = set()

    @property
    def text(self) -> str:
        return "".join(self.parts)


class OpenAIDecomposer:
    """`Decomposer` on an OpenAI-compatible server. `response_format` "auto" starts at json_schema and steps down."""

    name = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str = "",
        timeout: float = 60.0,
        max_retries: int = 2,
        max_tokens: int = 4000,
        response_format: ResponseFormat | Literal["auto"] = "auto",
        stream: bool = True,
    ) -> None:
        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_tokens = max_tokens
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=max_retries
        )
        self._formats: list[ResponseFormat] = list(FORMATS) if response_format == "auto" else [response_format]
        self._stream = stream
        self._token_limit_name = "max_tokens"

    @property
    def response_format(self) -> ResponseFormat:
        """The kind of structured output this server was last found to take."""
        return self._formats[0]

    @property
    def streams(self) -> bool:
        return self._stream

    async def aclose(self) -> None:
        """Close the connection pool (the adapter is kept for the process's life; tests close theirs)."""
        await self._client.close()

    async def decompose(
        self,
        brief: Brief,
        *,
        instruction: str = "",
        current: list[PlanTask] | None = None,
        on_task: OnTask | None = None,
    ) -> Plan:
        system, user = prompt_messages(brief, instruction=instruction, current=current)
        chat: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        answer = _Answer()
        total = self.timeout * (self.max_retries + 1) + 5  # the client's own timeout is per attempt and per read
        try:
            async with asyncio.timeout(total):
                await self._ask(chat, brief.currency, answer, on_task)
        except TimeoutError:
            raise DecomposerFailed(f"{WHO} did not finish within {_seconds(total)}.") from None
        except openai.APIError as exc:
            raise _failure(exc, self.timeout, self.model) from None
        except httpx.TimeoutException:  # a stream that stops part-way (openai 2.x does not wrap these)
            raise DecomposerFailed(f"{WHO} did not answer within {_seconds(self.timeout)}.") from None
        except httpx.HTTPError as exc:
            log.warning("AI planner stream broke: %s", type(exc).__name__)
            raise DecomposerFailed(f"{WHO}'s answer broke off part-way.") from None
        tasks = _tasks(answer, brief.currency)
        if on_task is not None:
            for index, task in enumerate(tasks):
                if index not in answer.shown:
                    await on_task(task)
        return Plan(decomposer="openai", tasks=tasks)

    async def _ask(
        self, chat: list[ChatCompletionMessageParam], currency: str, answer: _Answer, on_task: OnTask | None
    ) -> None:
        """Ask once, stepping down (and remembering it) when the server refuses a format, streaming or a parameter."""
        while True:
            try:
                if self._stream:
                    await self._streamed(chat, currency, answer, on_task)
                else:
                    await self._whole(chat, answer)
                return
            except openai.APIStatusError as exc:
                if not self._step_down(exc):
                    raise

    def _step_down(self, exc: openai.APIStatusError) -> bool:
        """Whether the server refused something this adapter can do without (llama-cpp-python's server answers 500
        to json_schema, others 400 or 422); if so, do without it from now on."""
        if exc.status_code in (401, 403, 404, 429):
            return False
        said = _said(exc)
        if len(self._formats) > 1 and ("response_format" in said or self._formats[0] in said):
            log.info("server refused response_format %s; trying %s", self._formats[0], self._formats[1])
            self._formats.pop(0)
            return True
        if exc.status_code >= 500:
            return False
        if self._stream and "stream" in said:
            log.info("server refused streaming; asking for whole answers")
            self._stream = False
            return True
        if self._token_limit_name == "max_tokens" and "max_tokens" in said:
            self._token_limit_name = "max_completion_tokens"
            return True
        return False

    def _request(self) -> dict[str, Any]:
        """What goes in the body beside the model and messages (through `extra_body`, as servers differ)."""
        extra: dict[str, Any] = {self._token_limit_name: self.max_tokens}
        fmt = self._formats[0]
        if fmt == "json_schema":
            schema = plan_json_schema(bounded=False)
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "plan", "strict": True, "schema": schema},
            }
        elif fmt == "json_object":
            extra["response_format"] = {"type": "json_object", "schema": plan_json_schema(bounded=True)}
        return extra

    async def _streamed(
        self, chat: list[ChatCompletionMessageParam], currency: str, answer: _Answer, on_task: OnTask | None
    ) -> None:
        stream = await self._client.chat.completions.create(
            model=self.model, messages=chat, stream=True, extra_body=self._request()
        )
        scanner = TaskScanner()
        async with stream:
            async for chunk in stream:
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                answer.finish_reason = choice.finish_reason or answer.finish_reason
                piece = choice.delta.content if choice.delta else None
                if not piece:
                    continue
                answer.parts.append(piece)
                for index, raw in scanner.feed(piece):
                    task = task_from_json(raw, index, currency)
                    if task is not None and on_task is not None:
                        answer.shown.add(index)
                        await on_task(task)

    async def _whole(self, chat: list[ChatCompletionMessageParam], answer: _Answer) -> None:
        completion = await self._client.chat.completions.create(
            model=self.model, messages=chat, stream=False, extra_body=self._request()
        )
        if completion.choices:
            choice = completion.choices[0]
            answer.parts.append(choice.message.content or "")
            answer.finish_reason = choice.finish_reason


def _seconds(seconds: float) -> str:
    return "1 second" if seconds == 1 else f"{seconds:g} seconds"


def _said(exc: openai.APIStatusError) -> str:
    """What the server said about a refused request, lower-cased, for recognising what it refused."""
    body = exc.body if isinstance(exc.body, str) else json.dumps(exc.body, default=str)
    return f"{exc.message} {body}".lower()


def _tasks(answer: _Answer, currency: str) -> list[PlanTask]:
    text = answer.text.strip()
    if not text:
        raise DecomposerFailed(f"{WHO} gave an empty answer.")
    try:
        return plan_tasks(text, currency)
    except WireError as exc:
        if answer.finish_reason == "length":
            raise DecomposerFailed(f"{WHO}'s answer was cut off before the plan was complete.") from None
        raise DecomposerFailed(f"{WHO}'s answer was not a usable plan ({exc}).") from None


def _failure(exc: openai.APIError, timeout: float, model: str) -> DecomposerFailed:
    """The user-facing message for a failed request; the server's own words are logged, never shown."""
    status = getattr(exc, "status_code", None)
    log.warning("AI planner request failed: %s %s", type(exc).__name__, status or "")
    if isinstance(exc, openai.APITimeoutError):
        return DecomposerFailed(f"{WHO} did not answer within {_seconds(timeout)}.")
    if isinstance(exc, openai.APIConnectionError):
        return DecomposerFailed(f"{WHO} could not be reached.")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return DecomposerFailed(f"{WHO} refused our credentials; an operator must check its API key.", retryable=False)
    if isinstance(exc, openai.RateLimitError):
        return DecomposerFailed(f"{WHO} is busy right now (too many requests); try again in a minute.")
    if isinstance(exc, openai.NotFoundError):
        return DecomposerFailed(f"{WHO}'s model {model!r} was not found on its server.", retryable=False)
    if isinstance(exc, openai.InternalServerError):
        return DecomposerFailed(f"{WHO}'s server failed (HTTP {status}).")
    if isinstance(exc, openai.APIStatusError):
        return DecomposerFailed(f"{WHO}'s server refused the request (HTTP {status}).", retryable=False)
    return DecomposerFailed(f"{WHO}'s answer could not be read.")
