"""Network failures in words: a `CrmError`'s message reaches users (job errors,
connection status), so it says what happened, not which httpx class said it."""

from __future__ import annotations

import httpx

_WORDS: tuple[tuple[type[httpx.TransportError], str], ...] = (
    (httpx.ConnectTimeout, "connecting took too long"),
    (httpx.ReadTimeout, "no answer in time"),
    (httpx.WriteTimeout, "sending took too long"),
    (httpx.PoolTimeout, "no free connection in time"),
    (httpx.ConnectError, "could not connect"),
    (httpx.ReadError, "the connection broke while reading the answer"),
    (httpx.WriteError, "the connection broke while sending"),
    (httpx.RemoteProtocolError, "the answer broke off"),
    (httpx.ProxyError, "the proxy refused"),
    (httpx.UnsupportedProtocol, "the URL's scheme is not http or https"),
)


def in_words(error: httpx.TransportError) -> str:
    """What went wrong on the wire, with the library's own text when it has any
    (``[Errno 111] Connection refused``, ``Server disconnected …``)."""
    words = next((w for kind, w in _WORDS if isinstance(error, kind)), "a network error")
    said = str(error).strip()
    return f"{words} ({said})" if said else words
