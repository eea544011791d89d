"""Opaque cursors for offset-paged lists (job errors, job records, history)."""

from __future__ import annotations

import base64

from api.errors import BadUserInput


def offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def read_offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith("o:"):
            raise ValueError(text)
        return int(text[2:]) + 1
    except ValueError:
        raise BadUserInput(f"invalid cursor {cursor!r}") from None
