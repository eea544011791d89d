"""A graphql-transport-ws client (the `websockets` library) for black-box tests."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

PROTOCOL = "graphql-transport-ws"


class Subscriptions:
    """One websocket; operations are started with `subscribe` and read per id."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self._inbox: dict[str, asyncio.Queue[dict[str, Any]]] = {}

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        op = str(next(self._ids))
        self._inbox[op] = asyncio.Queue()
        payload = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))
        return op

    async def message(self, op: str, *, within: float = 15.0) -> dict[str, Any]:
        """The next `next`, `error` or `complete` message of operation `op`."""
        async with asyncio.timeout(within):
            while self._inbox[op].empty():
                raw = json.loads(await self.ws.recv())
                if raw.get("type") == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                elif raw.get("id") in self._inbox:
                    self._inbox[raw["id"]].put_nowait(raw)
            return self._inbox[op].get_nowait()

    async def next_data(self, op: str, *, within: float = 15.0) -> dict[str, Any]:
        message = await self.message(op, within=within)
        assert message["type"] == "next", message
        assert not message["payload"].get("errors"), message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def until_complete(self, op: str, *, within: float = 15.0) -> list[dict[str, Any]]:
        """Every `data` sent until the operation completes."""
        received = []
        while True:
            message = await self.message(op, within=within)
            if message["type"] == "complete":
                return received
            assert message["type"] == "next", message
            assert not message["payload"].get("errors"), message
            received.append(message["payload"]["data"])

    async def stop(self, op: str) -> None:
        await self.ws.send(json.dumps({"id": op, "type": "complete"}))


def ws_url(api_url: str) -> str:
    return api_url.replace("http://", "ws://", 1) + "/graphql"


@asynccontextmanager
async def subscriptions(api_url: str, key: str | None) -> AsyncIterator[Subscriptions]:
    """A websocket past `connection_init`/`connection_ack`, holding `key`."""
    async with connect(ws_url(api_url), subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        payload = {"Authorization": f"Bearer {key}"} if key else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        yield Subscriptions(ws)
