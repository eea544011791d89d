"""The MIME pieces of ``$batch`` (reference §2.11): ``multipart/mixed`` bodies whose
parts are ``application/http`` messages or nested change sets. Shared by the
client (writes requests, reads responses) and the simulator (the reverse)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CRLF = b"\r\n"
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


@dataclass(slots=True)
class Part:
    """One MIME part (header names lower-cased) or one embedded HTTP message."""

    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(slots=True)
class HttpMessage:
    start_line: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def boundary_of(content_type: str | None) -> str | None:
    match = _BOUNDARY.search(content_type or "")
    return match.group(1) if match else None


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """The parts between ``--boundary`` lines, up to ``--boundary--``."""
    delimiter = b"--" + boundary.encode()
    parts: list[Part] = []
    chunks = body.split(delimiter)
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removeprefix(b"\n")
        head, body_bytes = _split_head(chunk)
        parts.append(Part(_headers(head), _strip_trailing_newline(body_bytes)))
    return parts


def encode_multipart(parts: list[Part], boundary: str) -> bytes:
    out = bytearray()
    for part in parts:
        out += b"--" + boundary.encode() + CRLF
        for name, value in part.headers.items():
            out += f"{name}: {value}".encode() + CRLF
        out += CRLF + part.body + CRLF
    out += b"--" + boundary.encode() + b"--" + CRLF
    return bytes(out)


def parse_http(data: bytes) -> HttpMessage:
    """An embedded request (``POST /api/data/v9.2/accounts HTTP/1.1``) or response."""
    data = data.lstrip(b"\r\n")
    head, body = _split_head(data)
    lines = head.decode("utf-8").splitlines()
    start_line = lines[0] if lines else ""
    return HttpMessage(start_line, _headers("\n".join(lines[1:]).encode()), body.rstrip(b"\r\n"))


def encode_http(message: HttpMessage) -> bytes:
    out = bytearray(message.start_line.encode() + CRLF)
    for name, value in message.headers.items():
        out += f"{name}: {value}".encode() + CRLF
    return bytes(out + CRLF + message.body)


def _split_head(chunk: bytes) -> tuple[bytes, bytes]:
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, rest = chunk.partition(separator)
        if found:
            return head, rest
    return chunk, b""


def _headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.decode("utf-8").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers


def _strip_trailing_newline(data: bytes) -> bytes:
    if data.endswith(b"\r\n"):
        return data[:-2]
    return data.removesuffix(b"\n")
