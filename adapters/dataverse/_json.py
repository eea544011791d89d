"""JSON with exact decimals both ways: money never passes through ``float``.

Encoding swaps each Decimal for a placeholder string, lets the C encoder write the
whole body in one call, then puts the exact digits back (a body whose own text
contains the placeholder character takes the slower walk instead)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\ue000"  # a private-use character: no Dataverse text is expected to hold it
_PLACEHOLDER = re.compile(f'"{_MARK}(\\d+){_MARK}"')


def loads(data: bytes | str) -> Any:
    return json.loads(data, parse_float=Decimal)


def dumps(value: object) -> bytes:
    decimals: list[str] = []
    try:
        swapped = _swap(value, decimals)
    except _MarkFound:
        return "".join(_encode(value)).encode()
    text = json.dumps(swapped, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if decimals:
        text = _PLACEHOLDER.sub(lambda m: decimals[int(m.group(1))], text)
    return text.encode()


class _MarkFound(Exception):
    pass


def _swap(value: object, decimals: list[str]) -> object:
    if isinstance(value, Decimal):
        decimals.append(_digits(value))
        return f"{_MARK}{len(decimals) - 1}{_MARK}"
    if isinstance(value, dict):
        return {key: _swap(item, decimals) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_swap(item, decimals) for item in value]
    if isinstance(value, str) and _MARK in value:
        raise _MarkFound
    return value


def _digits(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} cannot be sent to Dataverse")
    return format(value, "f")


def _encode(value: object) -> list[str]:
    parts: list[str] = []
    _write(value, parts)
    return parts


def _write(value: object, out: list[str]) -> None:
    if isinstance(value, Decimal):
        out.append(_digits(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        out.append(json.dumps(value, ensure_ascii=False, allow_nan=False))
