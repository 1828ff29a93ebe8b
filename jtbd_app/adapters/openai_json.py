"""One whole JSON answer from an OpenAI-compatible chat server, for the adapters that ask for one (the delivery
reviewer, the task classifier): the structured-output kinds are stepped down when a server refuses one (json_schema,
then json_object with the schema, then plain JSON; remembered), and every failure is one `ChatFailed` whose message
names who failed and is safe to show."""

from __future__ import annotations

import json
import logging
from typing import Any, ClassVar, Literal

import httpx
import openai
from openai.types.chat import ChatCompletionMessageParam

log = logging.getLogger(__name__)

ResponseFormat = Literal["json_schema", "json_object", "none"]
FORMATS: tuple[ResponseFormat, ...] = ("json_schema", "json_object", "none")


class ChatFailed(Exception):
    """The server gave no answer to read (timeout, unreachable, refused, empty); `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JsonChat:
    """A client asking `model` for one JSON answer shaped by `schema` (its name `schema_name`); `who` names the
    asker in messages ("The AI reviewer")."""

    def __init__(
        self,
        *,
        who: str,
        schema_name: str,
        schema: dict[str, Any],
        api_key: str,
        model: str,
        base_url: str,
        timeout: float,
        max_retries: int,
        max_tokens: int,
        response_format: ResponseFormat | Literal["auto"],
    ) -> None:
        self.who, self.schema_name, self.schema = who, schema_name, schema
        self.model, self.max_tokens = model, max_tokens
        self.client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=max_retries
        )
        self._formats: list[ResponseFormat] = list(FORMATS) if response_format == "auto" else [response_format]

    @property
    def response_format(self) -> ResponseFormat:
        return self._formats[0]

    async def aclose(self) -> None:
        await self.client.close()

    async def ask(self, system: str, user: str) -> str:
        """The answer's text; ChatFailed for every failure."""
        chat: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        who = self.who
        try:
            return await self._ask(chat)
        except openai.APITimeoutError:
            raise ChatFailed(f"{who} did not answer in time.") from None
        except openai.APIConnectionError:
            raise ChatFailed(f"{who} could not be reached.") from None
        except openai.APIStatusError as exc:
            log.warning("%s: request failed: HTTP %s", who, exc.status_code)
            raise ChatFailed(f"{who}'s server refused the request (HTTP {exc.status_code}).") from None
        except (openai.APIError, httpx.HTTPError) as exc:
            log.warning("%s: request failed: %s", who, type(exc).__name__)
            raise ChatFailed(f"{who}'s answer could not be read.") from None

    async def _ask(self, chat: list[ChatCompletionMessageParam]) -> str:
        while True:
            try:
                completion = await self.client.chat.completions.create(
                    model=self.model, messages=chat, stream=False, extra_body=self._request()
                )
            except openai.APIStatusError as exc:
                if not self._step_down(exc):
                    raise
                continue
            if not completion.choices:
                raise ChatFailed(f"{self.who} gave an empty answer.")
            return completion.choices[0].message.content or ""

    def _step_down(self, exc: openai.APIStatusError) -> bool:
        """A server that refuses the structured output asked for (400, 422, or llama.cpp's 500) gets the next kind."""
        if exc.status_code in (401, 403, 404, 429) or len(self._formats) < 2:
            return False
        body = exc.body if isinstance(exc.body, str) else json.dumps(exc.body, default=str)
        said = f"{exc.message} {body}".lower()
        if "response_format" in said or self._formats[0] in said:
            log.info("server refused response_format %s; trying %s", self._formats[0], self._formats[1])
            self._formats.pop(0)
            return True
        return False

    def _request(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"max_tokens": self.max_tokens}
        fmt = self._formats[0]
        if fmt == "json_schema":
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": self.schema_name, "strict": True, "schema": self.schema},
            }
        elif fmt == "json_object":
            extra["response_format"] = {"type": "json_object", "schema": self.schema}
        return extra


class JsonChatAdapter:
    """What every adapter that makes one JSON call shares: the constructor from settings, its answer format and
    closing it. A subclass names its asker (`who`), its schema (`schema_name`, `schema()`) and its defaults."""

    name = "openai"
    who: ClassVar[str] = "The AI model"
    schema_name: ClassVar[str] = "answer"
    default_timeout: ClassVar[float] = 60.0
    default_retries: ClassVar[int] = 1
    default_max_tokens: ClassVar[int] = 700

    @staticmethod
    def schema() -> dict[str, Any]:
        raise NotImplementedError

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str = "",
        timeout: float | None = None,
        max_retries: int | None = None,
        max_tokens: int | None = None,
        response_format: ResponseFormat | Literal["auto"] = "auto",
    ) -> None:
        self.model = model
        self._chat = JsonChat(
            who=self.who,
            schema_name=self.schema_name,
            schema=self.schema(),
            api_key=api_key,
            model=model,
            base_url=base_url,
            timeout=self.default_timeout if timeout is None else timeout,
            max_retries=self.default_retries if max_retries is None else max_retries,
            max_tokens=self.default_max_tokens if max_tokens is None else max_tokens,
            response_format=response_format,
        )
        self._client = self._chat.client

    @property
    def response_format(self) -> ResponseFormat:
        return self._chat.response_format

    async def aclose(self) -> None:
        await self._chat.aclose()
